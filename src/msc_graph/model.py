"""Frozen, typed classes of the claim model. No rdflib here.

A :class:`Statement` is *what* is claimed; an :class:`Assertion` is one document
claiming it. The statement id is derived from its content, so the same statement
made by two documents is one node with two assertions:

>>> s1 = Statement("CL:0000134", "produces", "PR:000001471")
>>> s2 = Statement("CL:0000134", "produces", "PR:000001471")
>>> s1.id == s2.id
True
>>> Statement("CL:0000134", "produces", "PR:000001471", polarity="negative").id == s1.id
False
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

POLARITIES = ("positive", "negative")


def sha256_text(text: str) -> str:
    """SHA-256 of a text encoded as UTF-8, as lowercase hex."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


#: characters no RDF serialisation msc-graph writes can hold: XML 1.0 allows only tab, line feed,
#: carriage return, U+0020-U+D7FF, U+E000-U+FFFD and above; lone surrogates cannot even be encoded
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
#: characters that end a line for some readers (``str.splitlines``, YAML, JavaScript) besides \n and \r
LINE_BREAKS = "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"


def bad_character(text: str) -> str | None:
    """The first character of ``text`` that RDF/XML and UTF-8 cannot hold, or None.

    >>> bad_character("fine, with tab\\t and \\u2028") is None
    True
    >>> bad_character("lone \\ud800 surrogate")
    '\\ud800'
    """
    match = _NOT_XML.search(text)
    return match.group() if match else None


def describe_character(char: str) -> str:
    """``U+0001 (a control character)`` and the like, for messages.

    >>> describe_character("\\x01")
    'the character U+0001 (a control character)'
    """
    import unicodedata

    code = ord(char)
    if 0xD800 <= code <= 0xDFFF:
        kind = "a lone surrogate: half of a UTF-16 pair, not a character"
    elif unicodedata.category(char) == "Cc":
        kind = "a control character"
    else:
        kind = unicodedata.name(char, "a non-character").lower()
    return f"the character U+{code:04X} ({kind})"


def utf8_error(raw: bytes, err: UnicodeDecodeError) -> str:
    """For bytes that are not UTF-8: which byte, in which column of its line, and the way out
    (the caller names the file and line).

    >>> raw = b"ok\\nbad \\xff"
    >>> try:
    ...     raw.decode("utf-8")
    ... except UnicodeDecodeError as err:
    ...     print(utf8_error(raw, err))
    not UTF-8: byte 0xff in column 5 (invalid start byte); save the file as UTF-8
    """
    column = err.start - (raw.rfind(b"\n", 0, err.start) + 1) + 1
    return f"not UTF-8: byte 0x{raw[err.start]:02x} in column {column} ({err.reason}); save the file as UTF-8"


@dataclass(frozen=True)
class Term:
    """An ontology term: an OBO term reused, or a project term."""

    curie: str
    iri: str
    label: str
    category: str | None = None
    synonyms: tuple[str, ...] = ()
    parents: tuple[str, ...] = ()
    definition: str | None = None
    valence: str | None = None  # "harmful", "protective" or "neutral" when stated on the term itself


@dataclass(frozen=True)
class Predicate:
    """A claim relation, named in claim files by its ``key``."""

    key: str
    curie: str
    iri: str
    label: str
    sign: int = 0
    literal: bool = False  # object is a value, not a term
    #: upper kinds (``material``, ``process`` ...) the subject and object may have; empty: any
    subject_kinds: tuple[str, ...] = ()
    object_kinds: tuple[str, ...] = ()
    same_kind: bool = False  # subject and object must be of one kind (is_a, has_part)
    alternatives: tuple[str, ...] = ()  # relation keys to suggest when a claim's kinds do not fit
    #: a claim whose subject is one of these classes (or a subclass) needs one of the ``scope_context`` keys
    scoped_classes: tuple[str, ...] = ()
    scope_context: tuple[str, ...] = ()

    def fits(self, subject_kind: str | None, object_kind: str | None) -> bool:
        """Whether a subject and an object of these upper kinds fit the relation (None: unknown, fits).

        >>> p = Predicate("increases", "RO:0002304", "", "", 1, subject_kinds=("material", "process"),
        ...               object_kinds=("process", "quality", "disease"))
        >>> p.fits("material", "process"), p.fits("material", "material")
        (True, False)
        """
        if subject_kind and self.subject_kinds and subject_kind not in self.subject_kinds:
            return False
        if object_kind and self.object_kinds and object_kind not in self.object_kinds:
            return False
        return not (self.same_kind and subject_kind and object_kind and subject_kind != object_kind)


@dataclass(frozen=True)
class Anchor:
    """A W3C Web Annotation style text position selector with the span's SHA-256."""

    document: str
    start: int
    end: int
    sha256: str


@dataclass(frozen=True)
class ContextKey:
    """A context property of statements, declared in the ontology (``msc:contextKey``)."""

    key: str
    curie: str
    iri: str
    label: str
    order: int
    categories: tuple[str, ...] = ()  # empty: the value is a literal (dose)

    @property
    def literal(self) -> bool:
        return not self.categories


@dataclass(frozen=True)
class Context:
    """Where a statement is claimed to hold: ``(key, value)`` pairs in the ontology's key order.

    The keys and their order come from the ontology (:class:`ContextKey`), never from code:

    >>> ctx = Context.of({"site": "UBERON:0001485", "condition": "MONDO:0005416"}, ["condition", "site"])
    >>> ctx.items()
    [('condition', 'MONDO:0005416'), ('site', 'UBERON:0001485')]
    >>> ctx.get("site"), ctx.get("donor")
    ('UBERON:0001485', None)
    >>> ctx.compatible(Context.of({"condition": "MONDO:0005416"}))
    True
    """

    entries: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, values: Mapping[str, str | None], order: Sequence[str] = ()) -> Context:
        """A context from a mapping; ``order`` is the canonical key order (unknown keys sort last)."""
        rank = {k: i for i, k in enumerate(order)}
        kept = [(k, str(v)) for k, v in values.items() if v is not None]
        return cls(tuple(sorted(kept, key=lambda kv: (rank.get(kv[0], len(rank)), kv[0]))))

    def get(self, key: str, default: str | None = None) -> str | None:
        for k, v in self.entries:
            if k == key:
                return v
        return default

    def items(self) -> list[tuple[str, str]]:
        """The set context entries, in the canonical order."""
        return list(self.entries)

    def as_dict(self) -> dict[str, str]:
        return dict(self.entries)

    def __bool__(self) -> bool:
        return bool(self.entries)

    def compatible(self, other: Context) -> bool:
        """Two contexts are compatible when no key is set to different values in both."""
        mine = self.as_dict()
        return all(mine.get(k, v) == v for k, v in other.entries)


@dataclass(frozen=True)
class Statement:
    """Subject, predicate, object (or a literal value), polarity and context."""

    subject: str
    predicate: str
    object: str | None = None
    object_value: str | None = None
    polarity: str = "positive"
    context: Context = field(default_factory=Context)

    @property
    def id(self) -> str:
        """A content-derived id: the same content always gives the same id."""
        content = {
            "s": self.subject,
            "p": self.predicate,
            "o": self.object,
            "v": self.object_value,
            "pol": self.polarity,
            "ctx": self.context.items(),
        }
        digest = hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()
        return "s" + digest[:16]


@dataclass(frozen=True)
class Evidence:
    """The evidence a document gives for one assertion."""

    type: str
    studies: int | None = None
    patients: int | None = None
    follow_up: str | None = None


@dataclass(frozen=True)
class Party:
    """Whoever a document credits: authors, an unnamed study, the publisher, a commenter."""

    id: str
    label: str
    kind: str


@dataclass(frozen=True)
class Reference:
    """A work cited by a document."""

    id: str
    label: str
    url: str | None = None
    identifier: str | None = None


@dataclass(frozen=True)
class Document:
    """A registered corpus document."""

    id: str
    file: str
    sha256: str
    title: str
    publisher: str
    kind: str
    speaker: str
    url: str | None = None


@dataclass(frozen=True)
class Assertion:
    """One document asserting one statement."""

    id: str
    statement: Statement
    document: str
    anchor: Anchor
    modality: str
    party: str
    speaker: str
    evidence: Evidence
    paraphrase: str
    cue: str | None = None
    reference: str | None = None
    note: str | None = None
    conflicts_with: tuple[str, ...] = ()
    source: str | None = None  # file:line of the record


@dataclass(frozen=True)
class Skip:
    """A span that holds no claim, with the reason."""

    id: str
    anchor: Anchor
    reason: str
    note: str | None = None
    source: str | None = None


SKIP_REASONS = (
    "navigation",
    "form",
    "boilerplate",
    "heading",
    "byline",
    "reference-list",
    "disclaimer",
    "non-claim",
    "duplicate",
)


@dataclass(frozen=True)
class Curation:
    """Everything curated: documents, parties, references, assertions, skips."""

    documents: dict[str, Document]
    parties: dict[str, Party]
    references: dict[str, Reference]
    assertions: tuple[Assertion, ...]
    skips: tuple[Skip, ...]

    def statements(self) -> dict[str, Statement]:
        """Distinct statements by id."""
        return {a.statement.id: a.statement for a in self.assertions}

    def as_dict(self) -> dict[str, Any]:
        """A plain-data view, used by the round-trip tests."""
        from dataclasses import asdict

        return {
            "documents": {k: asdict(v) for k, v in sorted(self.documents.items())},
            "parties": {k: asdict(v) for k, v in sorted(self.parties.items())},
            "references": {k: asdict(v) for k, v in sorted(self.references.items())},
            "assertions": sorted((asdict(a) for a in self.assertions), key=lambda d: d["id"]),
            "skips": sorted((asdict(s) for s in self.skips), key=lambda d: d["id"]),
        }
