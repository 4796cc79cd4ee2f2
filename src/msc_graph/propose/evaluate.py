"""How good are the proposals? Precision and recall against curated claims, per document.

A proposal and a curated claim of the same document are *co-located* when their anchors
overlap. Proposals are aligned one to one with co-located curated claims, best agreement first
(subject, relation and object that agree, then the larger overlap). Then, for each field:

* subject, object, relation: TP = aligned pairs that agree; precision = TP / proposals,
  recall = TP / curated claims;
* claim: subject, relation, object and polarity all agree (the strict figure);
* polarity: the negative class: TP = aligned pairs both negative; precision = TP / proposals
  with negative polarity, recall = TP / curated claims with negative polarity;
* modality: the marked modalities (everything but asserted): TP = aligned pairs with the same
  marked modality; precision = TP / proposals with a marked modality, recall = TP / curated
  claims with one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..ontology import Ontology

FIELDS = ("subject", "object", "relation", "claim", "polarity", "modality")


@dataclass(frozen=True)
class Item:
    id: str
    start: int
    end: int
    subject: str | None
    predicate: str | None
    object: str | None
    polarity: str
    modality: str


@dataclass
class Score:
    tp: int = 0
    proposed: int = 0  # precision denominator
    curated: int = 0  # recall denominator

    @property
    def precision(self) -> float | None:
        return self.tp / self.proposed if self.proposed else None

    @property
    def recall(self) -> float | None:
        return self.tp / self.curated if self.curated else None

    def add(self, other: Score) -> None:
        self.tp += other.tp
        self.proposed += other.proposed
        self.curated += other.curated

    def to_dict(self) -> dict[str, Any]:
        return {
            "tp": self.tp,
            "proposed": self.proposed,
            "curated": self.curated,
            "precision": None if self.precision is None else round(self.precision, 4),
            "recall": None if self.recall is None else round(self.recall, 4),
        }


@dataclass
class DocumentScore:
    document: str
    proposals: int
    curated: int
    aligned: int
    source: str  # "fresh" (proposed now) or the proposal file
    fields: dict[str, Score] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "document": self.document,
            "source": self.source,
            "proposals": self.proposals,
            "curated": self.curated,
            "aligned": self.aligned,
            "fields": {k: v.to_dict() for k, v in self.fields.items()},
        }


def _resolve(onto: Ontology, name: Any) -> str | None:
    if name is None:
        return None
    try:
        return onto.resolve(str(name)).curie
    except Exception:  # noqa: BLE001 - an unresolvable name is kept as text and never agrees
        return f"?{name}"


def proposal_items(data: dict, onto: Ontology) -> list[Item]:
    """The claims of a proposal file (or of a :class:`~.draft.Proposal`'s records)."""
    items = []
    for record in data.get("claims") or []:
        anchor = record.get("anchor") or {}
        try:
            predicate = onto.predicate(str(record.get("predicate"))).key
        except Exception:  # noqa: BLE001
            predicate = str(record.get("predicate"))
        items.append(
            Item(
                id=str(record.get("id")),
                start=int(anchor.get("start", 0)),
                end=int(anchor.get("end", 0)),
                subject=_resolve(onto, record.get("subject")),
                predicate=predicate,
                object=_resolve(onto, record.get("object")),
                polarity=str(record.get("polarity", "positive")),
                modality=str(record.get("modality", "asserted")),
            )
        )
    return items


def curated_items(curation, document: str) -> list[Item]:
    return [
        Item(
            id=a.id,
            start=a.anchor.start,
            end=a.anchor.end,
            subject=a.statement.subject,
            predicate=a.statement.predicate,
            object=a.statement.object,
            polarity=a.statement.polarity,
            modality=a.modality,
        )
        for a in curation.assertions
        if a.document == document
    ]


def align(proposals: list[Item], curated: list[Item]) -> list[tuple[Item, Item]]:
    """One-to-one pairs of co-located items, best agreement first."""
    candidates = []
    for p in proposals:
        for c in curated:
            overlap = min(p.end, c.end) - max(p.start, c.start)
            if overlap <= 0:
                continue
            agree = (p.subject == c.subject) + (p.predicate == c.predicate) + (p.object == c.object)
            candidates.append((agree, overlap, p.id, c.id, p, c))
    candidates.sort(key=lambda t: (-t[0], -t[1], t[2], t[3]))
    used_p: set[str] = set()
    used_c: set[str] = set()
    pairs = []
    for _, _, pid, cid, p, c in candidates:
        if pid in used_p or cid in used_c:
            continue
        used_p.add(pid)
        used_c.add(cid)
        pairs.append((p, c))
    return pairs


def score(document: str, proposals: list[Item], curated: list[Item], source: str) -> DocumentScore:
    pairs = align(proposals, curated)
    result = DocumentScore(document, len(proposals), len(curated), len(pairs), source)
    n_p, n_c = len(proposals), len(curated)
    for name, attr in (("subject", "subject"), ("object", "object"), ("relation", "predicate")):
        tp = sum(1 for p, c in pairs if getattr(p, attr) == getattr(c, attr) and getattr(c, attr) is not None)
        result.fields[name] = Score(tp, n_p, n_c)
    strict = sum(
        1
        for p, c in pairs
        if (p.subject, p.predicate, p.object, p.polarity) == (c.subject, c.predicate, c.object, c.polarity)
    )
    result.fields["claim"] = Score(strict, n_p, n_c)
    result.fields["polarity"] = Score(
        sum(1 for p, c in pairs if p.polarity == c.polarity == "negative"),
        sum(1 for p in proposals if p.polarity == "negative"),
        sum(1 for c in curated if c.polarity == "negative"),
    )
    result.fields["modality"] = Score(
        sum(1 for p, c in pairs if p.modality == c.modality != "asserted"),
        sum(1 for p in proposals if p.modality != "asserted"),
        sum(1 for c in curated if c.modality != "asserted"),
    )
    return result


def total(scores: list[DocumentScore]) -> DocumentScore:
    """Micro-average over documents."""
    out = DocumentScore(
        "all", sum(s.proposals for s in scores), sum(s.curated for s in scores), sum(s.aligned for s in scores), ""
    )
    for name in FIELDS:
        acc = Score()
        for s in scores:
            acc.add(s.fields[name])
        out.fields[name] = acc
    return out


def table_rows(scores: list[DocumentScore]) -> list[dict[str, Any]]:
    """Rows for a table: one per document, then the micro-average, each field as 'P / R' percentages."""
    rows = []
    for s in [*scores, total(scores)] if len(scores) > 1 else scores:
        row: dict[str, Any] = {"document": s.document, "curated": s.curated, "proposed": s.proposals}
        for name in FIELDS:
            f = s.fields[name]
            p = "-" if f.precision is None else f"{100 * f.precision:.0f}"
            r = "-" if f.recall is None else f"{100 * f.recall:.0f}"
            row[name] = f"{p} / {r}"
        rows.append(row)
    return rows
