"""The NetworkX projection of the claims: one node per term, one edge per statement.

Each edge carries the statement's relation, effect sign, polarity, context and every
assertion behind it (document, party, speaker kind, modality, evidence, paraphrase, anchor),
so that explanations never need to go back to the store. It is made two ways that give the
same graph (tested): :func:`from_model` from the curated claims (what the build caches) and
:func:`from_rows` from the rows of the projection query (any store or endpoint).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from .model import Curation
from .namespaces import curie_to_iri
from .ontology import Ontology

if TYPE_CHECKING:
    import networkx as nx


@dataclass
class EvidenceItem:
    """One assertion behind an edge."""

    claim: str
    document: str
    start: int
    end: int
    party: str
    speaker: str
    modality: str
    cue: str | None
    evidence_type: str
    evidence_rank: int
    studies: int | None
    patients: int | None
    paraphrase: str
    follow_up: str | None = None
    quote: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class StatementEdge:
    statement: str
    subject: str
    predicate: str
    object: str
    sign: int
    polarity: str
    context: dict[str, str]
    assertions: list[EvidenceItem] = field(default_factory=list)

    @property
    def documents(self) -> set[str]:
        return {a.document for a in self.assertions}

    @property
    def best_evidence(self) -> int:
        return max((a.evidence_rank for a in self.assertions), default=0)


def from_model(curation: Curation, onto: Ontology, conflicts: Iterable[tuple[str, str]] = ()) -> nx.MultiDiGraph:
    """The projection of the curated claims: the statements with an object term (values such as
    doses are not edges) and every assertion behind each, with the conflicting statement pairs
    (:func:`msc_graph.compile.conflicts`, both directions)."""
    files = {d.id: d.file for d in curation.documents.values()}
    parties = {p.id: p.label for p in curation.parties.values()}
    edges: dict[str, StatementEdge] = {}
    for a in curation.assertions:
        st = a.statement
        if st.object is None:
            continue
        edge = edges.get(st.id)
        if edge is None:
            pred = onto.predicates[st.predicate]
            edge = edges[st.id] = StatementEdge(
                st.id, st.subject, pred.key, st.object, pred.sign, st.polarity, dict(st.context.items())
            )
        if any(item.claim == a.id for item in edge.assertions):
            continue
        edge.assertions.append(
            EvidenceItem(
                claim=a.id,
                document=files[a.document],
                start=a.anchor.start,
                end=a.anchor.end,
                party=parties[a.party],
                speaker=a.speaker,
                modality=a.modality,
                cue=a.cue,
                evidence_type=a.evidence.type,
                evidence_rank=onto.evidence_rank.get(a.evidence.type, 1),
                studies=a.evidence.studies,
                patients=a.evidence.patients,
                paraphrase=a.paraphrase,
                follow_up=a.evidence.follow_up,
            )
        )
    both = [(a, b) for a, b in conflicts] + [(b, a) for a, b in conflicts]
    return _graph(edges, onto, both)


def from_rows(rows: list[dict[str, Any]], onto: Ontology, conflicts: Iterable[tuple[str, str]] = ()) -> nx.MultiDiGraph:
    """The projection of rows of the projection query (``sparql/queries/projection.rq``: one row
    per statement and assertion, IRIs as CURIEs), with the conflicting statement id pairs."""
    keys = {v: k for k, v in onto.values["SpeakerKind"].items()}
    modalities = {v: k for k, v in onto.values["Modality"].items()}
    pred_by_curie = {p.curie: p for p in onto.predicates.values()}
    edges: dict[str, StatementEdge] = {}
    for row in rows:
        sid = row["statement"].rsplit("/", 1)[-1]
        edge = edges.get(sid)
        if edge is None:
            pred = pred_by_curie[row["predicate"]]
            context = {k: str(row[k]) for k in onto.context_order if row.get(k) is not None}
            edge = edges[sid] = StatementEdge(
                sid,
                row["subject"],
                pred.key,
                row["object"],
                pred.sign,
                "positive" if row["polarity"] == "msc:Positive" else "negative",
                context,
            )
        if any(a.claim == row["claim"] for a in edge.assertions):
            continue
        edge.assertions.append(
            EvidenceItem(
                claim=row["claim"],
                document=row["file"],
                start=row["start"],
                end=row["end"],
                party=row["party"],
                speaker=keys[curie_to_iri(row["speaker"])],
                modality=modalities[curie_to_iri(row["modality"])],
                cue=row.get("cue"),
                evidence_type=row["evidence_type"],
                evidence_rank=onto.evidence_rank.get(row["evidence_type"], 1),
                studies=row.get("studies"),
                patients=row.get("patients"),
                paraphrase=row["paraphrase"],
                follow_up=row.get("follow_up"),
            )
        )
    return _graph(edges, onto, conflicts)


def _graph(edges: dict[str, StatementEdge], onto: Ontology, conflicts: Iterable[tuple[str, str]]) -> nx.MultiDiGraph:
    import networkx as nx

    graph = nx.MultiDiGraph()
    for edge in sorted(edges.values(), key=lambda e: e.statement):
        for node in (edge.subject, edge.object):
            if node not in graph:
                term = onto.terms.get(node)
                graph.add_node(
                    node,
                    label=term.label if term else node,
                    category=term.category if term else None,
                    valence=onto.valence(node),
                )
        edge.assertions.sort(key=lambda a: a.claim)
        graph.add_edge(edge.subject, edge.object, key=edge.statement, data=edge)
    graph.graph["statements"] = dict(sorted(edges.items()))
    table: dict[str, set[str]] = {}
    for a, b in conflicts:
        table.setdefault(a, set()).add(b)
    graph.graph["conflicts"] = {k: tuple(sorted(v)) for k, v in sorted(table.items())}
    return graph


def to_json(graph: nx.MultiDiGraph) -> dict[str, Any]:
    """The projection as plain JSON data (statements with their assertions, and the conflicts):
    what the build caches, deterministic byte for byte."""
    statements = graph.graph["statements"]
    return {
        # the context as pairs: its keys keep the ontology's order through JSON with sorted keys
        "statements": [
            {**asdict(statements[sid]), "context": list(statements[sid].context.items())} for sid in sorted(statements)
        ],
        "conflicts": [[a, b] for a, bs in sorted(graph.graph["conflicts"].items()) for b in bs],
    }


def from_json(data: dict[str, Any], onto: Ontology) -> nx.MultiDiGraph:
    """The projection from :func:`to_json`'s data (node labels, categories and valences from ``onto``)."""
    edges = {}
    for record in data["statements"]:
        items = [EvidenceItem(**item) for item in record["assertions"]]
        context = {key: value for key, value in record["context"]}
        edges[record["statement"]] = StatementEdge(**{**record, "context": context, "assertions": items})
    return _graph(edges, onto, [(a, b) for a, b in data["conflicts"]])
