"""The NetworkX projection of the claims: one node per term, one edge per statement.

Each edge carries the statement's relation, effect sign, polarity, context and every
assertion behind it (document, party, speaker kind, modality, evidence, paraphrase, anchor),
so that explanations never need to go back to the store.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from .namespaces import curie_to_iri
from .remote import term_to_sparql

_PREFIXES = """PREFIX msc: <https://w3id.org/msc-graph/>
PREFIX oa:  <http://www.w3.org/ns/oa#>
PREFIX obo: <http://purl.obolibrary.org/obo/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""
_STATEMENT_HEAD = """
  ?statement a msc:Statement ; msc:subject ?subject ; msc:predicate ?predicate ; msc:object ?object ;
      msc:polarity ?polarity .
"""
_ASSERTION_COLUMNS = (
    "?claim ?document ?file ?start ?end ?party ?speaker ?modality ?cue ?evidence_type ?studies ?patients "
    "?follow_up ?paraphrase"
)
_ASSERTION_PATTERN = """
  ?assertion msc:asserts ?statement ; msc:claimId ?claim ; msc:inDocument ?document ;
      msc:creditedParty ?credited ; msc:speakerKind ?speaker ; msc:modality ?modality ;
      msc:paraphrase ?paraphrase ; oa:hasTarget ?target ; obo:RO_0002558 ?evidence .
  ?credited rdfs:label ?party .
  ?target oa:hasSelector ?selector .
  ?selector oa:start ?start ; oa:end ?end .
  ?document msc:fileName ?file .
  ?evidence msc:evidenceType ?evidence_type .
  OPTIONAL { ?evidence msc:studyCount ?studies }
  OPTIONAL { ?evidence msc:patientCount ?patients }
  OPTIONAL { ?evidence msc:followUp ?follow_up }
  OPTIONAL { ?assertion msc:cue ?cue }
"""


def _statement_columns(onto) -> str:
    return "?statement ?subject ?predicate ?object ?polarity " + " ".join(f"?{k}" for k in onto.context_order)


def _context_pattern(onto) -> str:
    """Every context property the ontology declares (``msc:contextKey``), each OPTIONAL."""
    return "".join(f"  OPTIONAL {{ ?statement <{onto.context[k].iri}> ?{k} }}\n" for k in onto.context_order)


def _statement_pattern(onto) -> str:
    """The statement with every context property the ontology declares."""
    return _STATEMENT_HEAD + _context_pattern(onto)


def projection_query(onto) -> str:
    """Every statement with every assertion behind it: one row per (statement, assertion).

    The required patterns come before every OPTIONAL: the embedded store runs each OPTIONAL as
    ``LATERAL { OPTIONAL }``, and Oxigraph evaluates a basic graph pattern that follows such a
    block on its own, over the whole graph, and hash-joins it. With the context OPTIONALs
    first, the assertion pattern was evaluated for every assertion of the graph (the claims
    that cells derive from one tissue: 5.9 s against 0.006 s at 100k claims)."""
    return (
        f"{_PREFIXES}SELECT {_statement_columns(onto)}\n       {_ASSERTION_COLUMNS}\n"
        f"WHERE {{{_STATEMENT_HEAD}{_ASSERTION_PATTERN}{_context_pattern(onto)}}}\n"
    )


def statement_part(onto) -> str:
    """The statements of the projection alone, to be joined with :func:`assertion_part` on ?statement."""
    return f"{_PREFIXES}SELECT {_statement_columns(onto)}\nWHERE {{{_statement_pattern(onto)}}}\n"


ASSERTION_PART = f"{_PREFIXES}SELECT ?statement {_ASSERTION_COLUMNS}\nWHERE {{{_ASSERTION_PATTERN}}}\n"

CONFLICT_QUERY = """
PREFIX msc: <https://w3id.org/msc-graph/>
SELECT ?a ?b WHERE { ?a msc:conflictsWith ?b }
"""


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


def project(kg) -> nx.MultiDiGraph:
    """The claim graph of a loaded :class:`~msc_graph.graph.KnowledgeGraph` (cached on it)."""
    if "network" in kg._cache:
        return kg._cache["network"]
    _, rows = kg.select(projection_query(kg.ontology))
    graph = _graph_from_rows(kg, rows)
    conflicts: dict[str, set[str]] = {}
    for row in kg.select(CONFLICT_QUERY)[1]:
        a, b = row["a"].rsplit("/", 1)[-1], row["b"].rsplit("/", 1)[-1]
        conflicts.setdefault(a, set()).add(b)
    graph.graph["conflicts"] = {k: tuple(sorted(v)) for k, v in sorted(conflicts.items())}
    kg._cache["network"] = graph
    return graph


def sparql_term(curie_or_iri: str) -> str:
    """One CURIE or IRI as a SPARQL IRI term, checked (never pasted unchecked)."""
    import pyoxigraph as ox

    iri = curie_or_iri if curie_or_iri.startswith(("http://", "https://")) else curie_to_iri(curie_or_iri)
    return term_to_sparql(ox.NamedNode(iri))


def values_block(variable: str, curies: list[str]) -> str:
    """``VALUES ?variable { <a> <b> }`` with every IRI checked."""
    return f"VALUES ?{variable} {{ {' '.join(sparql_term(c) for c in curies)} }}"


def with_values(query: str, block: str) -> str:
    """The query with ``block`` at the start of its (first) WHERE group."""
    match = re.search(r"\bWHERE\s*\{", query)
    if match is None:
        raise ValueError("the query has no WHERE group")
    return query[: match.end()] + " " + block + "\n" + query[match.end() :]


def graph_from_rows(kg, rows: list[dict[str, Any]]) -> nx.MultiDiGraph:
    """The projection of rows of :func:`projection_query` (one edge per statement)."""
    return _graph_from_rows(kg, rows)


def _graph_from_rows(kg, rows: list[dict[str, Any]]) -> nx.MultiDiGraph:
    onto = kg.ontology
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
    graph.graph["statements"] = edges
    return graph
