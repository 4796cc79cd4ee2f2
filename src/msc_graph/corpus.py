"""The third-party source texts, referred to by id, offsets and SHA-256; never copied.

Quotes are resolved from anchors at run time, when the corpus folder is available.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from .errors import AnchorError, InputError, UnknownTermError
from .model import Anchor, sha256_text, utf8_error

#: a sentence glued to the next one by a missing space ("the patient.This shows")
_GLUED = re.compile(r"(?<=[a-z0-9)\]][.!?])(?=[A-Z][a-z])")


def split_sentences(text: str, offset: int = 0) -> list[tuple[int, int]]:
    """Sentence spans ``(start, end)`` of a text, split by pysbd (a maintained rule-based sentence
    boundary detector) line by line: a line break always ends a sentence, and a sentence glued to
    the next by a missing space ("the knee.This shows") is cut there. The one splitter of
    msc-graph: coverage, ``msc-graph sentences``, ``locate --sentence`` and ``propose`` use it.

    >>> text = "MSCs secrete IL-10, e.g. in the knee. Kong et al. agree.Why?\\nNext line"
    >>> [text[s:e] for s, e in split_sentences(text)]
    ['MSCs secrete IL-10, e.g. in the knee.', 'Kong et al. agree.', 'Why?', 'Next line']
    >>> text = "Cells were injected (approx. 2 x 10^6 per kg). Pain fell."
    >>> [text[s:e] for s, e in split_sentences(text)]
    ['Cells were injected (approx. 2 x 10^6 per kg).', 'Pain fell.']
    """
    segmenter = _segmenter()
    spans: list[tuple[int, int]] = []
    position = 0
    for line in text.split("\n"):
        cursor = 0
        pieces = segmenter.segment(line) if line.strip() else []
        for piece in pieces:
            stripped = piece.strip()
            if not stripped:
                continue
            start = line.find(stripped, cursor)
            if start < 0:  # pysbd altered the text: keep the rest of the line whole
                rest = line[cursor:]
                if rest.strip():
                    lead = len(rest) - len(rest.lstrip())
                    spans.append((position + cursor + lead, position + cursor + len(rest.rstrip())))
                cursor = len(line)
                break
            cut = start
            for match in _GLUED.finditer(stripped):
                spans.append((position + cut, position + start + match.start()))
                cut = start + match.start()
            spans.append((position + cut, position + start + len(stripped)))
            cursor = start + len(stripped)
        position += len(line) + 1
    return [(offset + s, offset + e) for s, e in spans if e > s]


_SEGMENTER: list[Any] = []


def _segmenter():
    if not _SEGMENTER:
        import pysbd

        _SEGMENTER.append(pysbd.Segmenter(language="en", clean=False))
    return _SEGMENTER[0]


@dataclass(frozen=True)
class CorpusDocument:
    id: str
    path: Path

    @cached_property
    def text(self) -> str:
        try:
            raw = self.path.read_bytes()
        except OSError as err:
            raise InputError(f"{self.path}: cannot read the corpus document: {err.strerror}") from err
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as err:
            line = raw[: err.start].count(b"\n") + 1
            raise InputError(f"{self.path}:{line}: {utf8_error(raw, err)} (then re-anchor its claims)") from err

    @cached_property
    def sha256(self) -> str:
        return sha256_text(self.text)

    @cached_property
    def sentences(self) -> list[tuple[int, int]]:
        return split_sentences(self.text)


class Corpus:
    """A folder of ``*.txt`` documents; a document's id is its file stem."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        if not self.folder.is_dir():
            raise AnchorError(f"corpus folder {self.folder} does not exist; pass --corpus or set MSC_GRAPH_CORPUS")
        self.documents = {p.stem: CorpusDocument(p.stem, p) for p in sorted(self.folder.glob("*.txt"))}

    def document(self, name: str) -> CorpusDocument:
        """A document by id, file name or numeric prefix (``003``)."""
        return self.documents[resolve_document_name(name, list(self.documents))]

    def quote(self, anchor: Anchor) -> str:
        doc = self.document(anchor.document)
        return doc.text[anchor.start : anchor.end]

    def verify(self, anchor: Anchor) -> None:
        """Raise :class:`AnchorError` unless the anchor fits its document exactly."""
        doc = self.document(anchor.document)
        n = len(doc.text)
        if not (0 <= anchor.start < anchor.end <= n):
            raise AnchorError(
                f"offsets {anchor.start}-{anchor.end} out of range for {doc.id} ({n} characters); "
                f"find the span with: msc-graph locate {doc.id} 'TEXT'"
            )
        actual = sha256_text(doc.text[anchor.start : anchor.end])
        if actual != anchor.sha256:
            raise AnchorError(
                f"span {anchor.start}-{anchor.end} of {doc.id} has SHA-256 {actual[:12]}..., "
                f"the anchor says {anchor.sha256[:12]}...: the source or the offsets changed; "
                f"re-anchor with: msc-graph locate {doc.id} 'TEXT'"
            )

    def locate(self, name: str, fragment: str) -> list[Anchor]:
        """Every occurrence of ``fragment`` in a document, as anchors."""
        doc = self.document(name)
        anchors = []
        start = doc.text.find(fragment)
        while start >= 0 and fragment:
            end = start + len(fragment)
            anchors.append(Anchor(doc.id, start, end, sha256_text(fragment)))
            start = doc.text.find(fragment, start + 1)
        return anchors

    def anchor(self, name: str, start: int, end: int) -> Anchor:
        doc = self.document(name)
        if not (0 <= start < end <= len(doc.text)):
            raise AnchorError(f"offsets {start}-{end} out of range for {doc.id} ({len(doc.text)} characters)")
        return Anchor(doc.id, start, end, sha256_text(doc.text[start:end]))


def resolve_document_name(name: str, ids: list[str]) -> str:
    """Match a document id, file name or numeric prefix against the known ids."""
    name = str(name).strip()
    stem = name[:-4] if name.endswith(".txt") else name
    if stem in ids:
        return stem
    prefixed = [i for i in ids if i.split("_", 1)[0] == stem.lstrip("d")]
    if len(prefixed) == 1:
        return prefixed[0]
    raise UnknownTermError("document", name, [repr(c) for c in difflib.get_close_matches(stem, ids, n=3, cutoff=0.3)])
