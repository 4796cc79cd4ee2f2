"""Sentence coverage: how much of each document is accounted for by claims or skips.

A sentence is *covered* when a claim anchor overlaps it, or when skipped spans cover
all of its characters. Anything else is listed as uncovered, so nothing is skipped
silently.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..corpus import Corpus
from ..model import Curation


@dataclass(frozen=True)
class DocumentCoverage:
    document: str
    sentences: int
    covered: int
    uncovered: list[tuple[int, int]] = field(default_factory=list)

    @property
    def share(self) -> float:
        return self.covered / self.sentences if self.sentences else 1.0


def _inside_union(start: int, end: int, spans: list[tuple[int, int]], text: str) -> bool:
    """True when every non-space character of text[start:end] lies inside some span."""
    covered = [False] * (end - start)
    for s, e in spans:
        for i in range(max(s, start), min(e, end)):
            covered[i - start] = True
    return all(c or text[start + i].isspace() for i, c in enumerate(covered))


def is_covered(start: int, end: int, claims: list[tuple[int, int]], skips: list[tuple[int, int]], text: str) -> bool:
    """Whether a sentence is covered: a claim anchor overlaps it, or skips cover all of its characters."""
    if any(s < end and start < e for s, e in claims):
        return True
    return _inside_union(start, end, skips, text)


def coverage(curation: Curation, corpus: Corpus) -> list[DocumentCoverage]:
    """Coverage of every registered document."""
    out = []
    for doc_id in sorted(curation.documents):
        doc = corpus.document(doc_id)
        claims = sorted((a.anchor.start, a.anchor.end) for a in curation.assertions if a.document == doc_id)
        skips = sorted((s.anchor.start, s.anchor.end) for s in curation.skips if s.anchor.document == doc_id)
        uncovered = []
        for start, end in doc.sentences:
            if not is_covered(start, end, claims, skips, doc.text):
                uncovered.append((start, end))
        n = len(doc.sentences)
        out.append(DocumentCoverage(doc_id, n, n - len(uncovered), uncovered))
    return out
