"""The NetworkX projection of the claims: one node per term, one edge per statement.

Each edge is keyed by its statement id and carries plain attributes (relation, sign, polarity,
context, modality mix, documents, speaker kinds, evidence: strings, numbers and booleans), so
that every NetworkX writer takes the graph; the statement object behind each edge, with every
assertion (document, party, speaker kind, modality, evidence, paraphrase, anchor), is reachable
by key (:func:`statements`), so that explanations never need to go back to the store. It is made two ways that give the
same graph (tested): :func:`from_model` from the curated claims (what the build caches) and
:func:`from_rows` from the rows of the projection query (any store or endpoint).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Union

from .model import Curation
from .namespaces import curie_to_iri
from .ontology import Ontology

if TYPE_CHECKING:
    import networkx as nx

#: a projection: NetworkX's graph (:func:`network`) or the plain one explanations walk (:class:`StatementGraph`)
Projection = Union["nx.MultiDiGraph", "StatementGraph"]


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
    return network(edges, onto, both)


def from_rows(rows: list[dict[str, Any]], onto: Ontology, conflicts: Iterable[tuple[str, str]] = ()) -> nx.MultiDiGraph:
    """The projection of rows of the projection query (``sparql/queries/projection.rq``: one row
    per statement and assertion, IRIs as CURIEs), with the conflicting statement id pairs."""
    return network(edges_from_rows(rows, onto), onto, conflicts)


def edges_from_rows(rows: list[dict[str, Any]], onto: Ontology) -> dict[str, StatementEdge]:
    """The statements of rows of the projection query (see :func:`from_rows`), by id, each with its
    assertions in claim order."""
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
    for edge in edges.values():
        edge.assertions.sort(key=lambda a: a.claim)
    return edges


class GraphAttributes(dict):
    """A network's graph attributes: plain values as items, which is all that NetworkX's writers
    (GraphML, GEXF, node-link JSON) see, while the statement objects (``"statements"``: id ->
    :class:`StatementEdge`) and the conflict table (``"conflicts"``) are reachable by key only."""

    def __init__(self, hidden: dict[str, Any] | None = None, /, **plain: Any) -> None:
        super().__init__(**plain)
        self.hidden: dict[str, Any] = dict(hidden or {})

    def __missing__(self, key: str) -> Any:
        return self.hidden[key]

    def __reduce__(self):  # copy and pickle keep the hidden entries
        return (type(self), (self.hidden,), None, None, iter(self.items()))


def statements(graph: Projection) -> dict[str, StatementEdge]:
    """The statement objects of a network, by edge key (the statement id)."""
    return graph.graph["statements"]


def conflict_table(graph: Projection) -> dict[str, tuple[str, ...]]:
    """Statement id -> the ids of the statements it conflicts with."""
    return graph.graph["conflicts"]


def _joined(values: Iterable[Any]) -> str:
    return "; ".join(sorted({str(v) for v in values if v is not None}))


def edge_attributes(edge: StatementEdge, onto: Ontology, conflicts: tuple[str, ...] = ()) -> dict[str, Any]:
    """The plain attributes of a statement's edge: strings, numbers and booleans only, so that every
    NetworkX writer takes them (GraphML has no list type, and NetworkX's GEXF writer reads a list as
    time spells: several values are one string joined by ``"; "``)."""
    pred = onto.predicates.get(edge.predicate)
    label = pred.label if pred else edge.predicate
    items = edge.assertions
    modalities: dict[str, int] = {}
    for a in items:
        modalities[a.modality] = modalities.get(a.modality, 0) + 1
    attrs: dict[str, Any] = {
        "statement": edge.statement,
        "predicate": edge.predicate,
        "predicate_label": label,
        "relation": pred.curie if pred else edge.predicate,
        "label": label if edge.polarity == "positive" else f"NOT {label}",
        "sign": edge.sign,
        "polarity": edge.polarity,
        "negated": edge.polarity == "negative",
        "context": "; ".join(
            f"{key}: {onto.terms[value].label if value in onto.terms else value}" for key, value in edge.context.items()
        ),
        "modalities": "; ".join(f"{m} {n}" for m, n in sorted(modalities.items())),
        "claims": _joined(a.claim for a in items),
        "assertion_count": len(items),
        "documents": _joined(a.document for a in items),
        "document_count": len({a.document for a in items}),
        "parties": _joined(a.party for a in items),
        "speakers": _joined(a.speaker for a in items),
        "evidence_types": _joined(a.evidence_type for a in items),
        "evidence": _joined(
            onto.terms[a.evidence_type].label if a.evidence_type in onto.terms else a.evidence_type for a in items
        ),
        "best_evidence": edge.best_evidence,
        "conflicts_with": _joined(conflicts),
    }
    attrs.update({key: value for key, value in edge.context.items()})
    studies = [a.studies for a in items if a.studies is not None]
    patients = [a.patients for a in items if a.patients is not None]
    if studies:
        attrs["studies"] = max(studies)
    if patients:
        attrs["patients"] = max(patients)
    return attrs


def node_attributes(curie: str, onto: Ontology) -> dict[str, Any]:
    """The plain attributes of a term's node (unset values are left out: writers take no None)."""
    term = onto.terms.get(curie)
    attrs: dict[str, Any] = {"label": term.label if term else curie, "curie": curie}
    if term is not None:
        attrs["iri"] = term.iri
    if term is not None and term.category:
        attrs["category"] = term.category
        attrs["category_label"] = onto.category_label(term.category)
    valence = onto.valence(curie)
    if valence:
        attrs["valence"] = valence
    return attrs


def network(
    edges: dict[str, StatementEdge] | Iterable[StatementEdge],
    onto: Ontology,
    conflicts: Iterable[tuple[str, str]] = (),
) -> nx.MultiDiGraph:
    """A NetworkX multigraph of statements: one node per term and one edge per statement, keyed by
    the statement id, with plain attributes (:func:`edge_attributes`, :func:`node_attributes`); the
    statement objects are reachable by key (:func:`statements`). ``conflicts`` are statement id
    pairs, each direction listed."""
    import networkx as nx

    by_id = edges if isinstance(edges, dict) else {e.statement: e for e in edges}
    table: dict[str, set[str]] = {}
    for a, b in conflicts:
        table.setdefault(a, set()).add(b)
    graph = nx.MultiDiGraph()
    for edge in sorted(by_id.values(), key=lambda e: e.statement):
        for node in (edge.subject, edge.object):
            if node not in graph:
                graph.add_node(node, **node_attributes(node, onto))
        edge.assertions.sort(key=lambda a: a.claim)
        graph.add_edge(
            edge.subject, edge.object, key=edge.statement,
            **edge_attributes(edge, onto, tuple(sorted(table.get(edge.statement, ())))),
        )  # fmt: skip
    graph.graph = GraphAttributes(
        {
            "statements": dict(sorted(by_id.items())),
            "conflicts": {k: tuple(sorted(v)) for k, v in sorted(table.items())},
        },
        name="msc-graph claims",
    )
    return graph


def to_json(graph: Projection) -> dict[str, Any]:
    """The projection as plain JSON data (statements with their assertions, and the conflicts):
    what the build caches, deterministic byte for byte."""
    table = statements(graph)
    return {
        # the context as pairs: its keys keep the ontology's order through JSON with sorted keys
        "statements": [{**asdict(table[sid]), "context": list(table[sid].context.items())} for sid in sorted(table)],
        "conflicts": [[a, b] for a, bs in sorted(conflict_table(graph).items()) for b in bs],
    }


def from_json(data: dict[str, Any], onto: Ontology) -> nx.MultiDiGraph:
    """The projection from :func:`to_json`'s data (node labels, categories and valences from ``onto``)."""
    return network(edges_from_json(data), onto, [(a, b) for a, b in data["conflicts"]])


def edges_from_json(data: dict[str, Any]) -> dict[str, StatementEdge]:
    """The statements of :func:`to_json`'s data, by id."""
    edges = {}
    for record in data["statements"]:
        items = [EvidenceItem(**item) for item in record["assertions"]]
        context = {key: value for key, value in record["context"]}
        edges[record["statement"]] = StatementEdge(**{**record, "context": context, "assertions": items})
    return edges


class StatementGraph:
    """The statements as a directed multigraph of terms in plain Python: one edge per statement,
    keyed by its id, with the statement objects and the conflict table as in :func:`network`
    (:func:`statements`, :func:`conflict_table`). It has the few NetworkX methods the explanation
    engine walks (``in``, ``edges``, ``out_edges``, ``in_edges``, ``successors``, ``predecessors``,
    each in the order NetworkX gives for the same statements), so an explanation needs no NetworkX:
    a cold ``msc-graph explain`` does not import it (about 0.1 s). :func:`network` builds the
    NetworkX graph with plain attributes, for export and the page.

    >>> edge = StatementEdge("s1", "CL:1", "produces", "PR:2", 1, "positive", {})
    >>> g = statement_graph({"s1": edge}, [("s1", "s2")])
    >>> "CL:1" in g, g.out_edges("CL:1", keys=True), g.in_edges("PR:2", keys=True), conflict_table(g)
    (True, [('CL:1', 'PR:2', 's1')], [('CL:1', 'PR:2', 's1')], {'s1': ('s2',)})
    """

    def __init__(self, edges: dict[str, StatementEdge], conflicts: dict[str, tuple[str, ...]]) -> None:
        self.graph = GraphAttributes({"statements": edges, "conflicts": conflicts}, name="msc-graph claims")
        self._succ: dict[str, dict[str, list[str]]] = {}
        self._pred: dict[str, dict[str, list[str]]] = {}
        for sid, edge in edges.items():
            for node in (edge.subject, edge.object):
                if node not in self._succ:
                    self._succ[node], self._pred[node] = {}, {}
            self._succ[edge.subject].setdefault(edge.object, []).append(sid)
            self._pred[edge.object].setdefault(edge.subject, []).append(sid)

    def __contains__(self, node: object) -> bool:
        return node in self._succ

    def __len__(self) -> int:
        return len(self._succ)

    def number_of_edges(self) -> int:
        return len(self.graph["statements"])

    def edges(self, keys: bool = False) -> list[tuple[str, ...]]:
        return [edge for node in self._succ for edge in self.out_edges(node, keys=keys)]

    def out_edges(self, node: str, keys: bool = False) -> list[tuple[str, ...]]:
        return [(node, v, k) if keys else (node, v) for v, ks in self._succ.get(node, {}).items() for k in ks]

    def in_edges(self, node: str, keys: bool = False) -> list[tuple[str, ...]]:
        return [(u, node, k) if keys else (u, node) for u, ks in self._pred.get(node, {}).items() for k in ks]

    def successors(self, node: str) -> Iterator[str]:
        return iter(self._succ[node])

    def predecessors(self, node: str) -> Iterator[str]:
        return iter(self._pred[node])


def statement_graph(
    edges: dict[str, StatementEdge] | Iterable[StatementEdge], conflicts: Iterable[tuple[str, str]] = ()
) -> StatementGraph:
    """The :class:`StatementGraph` of statements (sorted by id, their assertions by claim, as
    :func:`network` sorts them) and conflicting statement id pairs (each direction listed)."""
    by_id = edges if isinstance(edges, dict) else {e.statement: e for e in edges}
    table: dict[str, set[str]] = {}
    for a, b in conflicts:
        table.setdefault(a, set()).add(b)
    for edge in by_id.values():
        edge.assertions.sort(key=lambda a: a.claim)
    return StatementGraph(dict(sorted(by_id.items())), {k: tuple(sorted(v)) for k, v in sorted(table.items())})
