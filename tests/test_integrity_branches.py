"""The integrity checks find every defect they name, one seeded at a time, and give the same rows in
the same order whether the embedded store runs their UNION branches at the same time (the default)
or the text as one query; the branch splitting refuses every query it would change."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

import msc_graph
from msc_graph.graph import KnowledgeGraph
from msc_graph.namespaces import iri_to_curie
from msc_graph.sparql.embedded import run_select
from msc_graph.sparql.named import load_queries
from msc_graph.sparql.text import bind_with_values, paged, union_branches

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
M = "https://w3id.org/msc-graph/"
OA = "http://www.w3.org/ns/oa#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


@pytest.fixture(scope="module")
def kg():
    return msc_graph.load(corpus=CORPUS if CORPUS.is_dir() else None)


@pytest.fixture()
def seeded(kg) -> KnowledgeGraph:
    store = ox.Store()
    store.bulk_load(input=kg.get_store().dump(format=ox.RdfFormat.N_QUADS), format=ox.RdfFormat.N_QUADS)
    return KnowledgeGraph(store=store, ontology=kg.ontology, queries_dir=kg.queries_dir)


def _node(value: str) -> ox.NamedNode:
    return ox.NamedNode(value if value.startswith("http") else M + value)


def _anchor(seeded, claim: str) -> dict[str, ox.NamedNode]:
    row = seeded.select(
        "SELECT ?a ?t ?s ?d WHERE { ?a msc:claimId ?c ; oa:hasTarget ?t . ?t oa:hasSelector ?s ; oa:hasSource ?d }",
        {"c": claim},
    )[1][0]
    return {k: _node(v) for k, v in row.items()}


def _drop(store, subject, predicate: str) -> None:
    for quad in list(store.quads_for_pattern(subject, ox.NamedNode(predicate), None)):
        store.remove(quad)


def _same_both_ways(seeded, name: str, **params) -> list[dict]:
    """The check's rows, after asserting the branches-at-once run equals the one-query run."""
    query = load_queries(seeded.queries_dir)[name]
    text = paged(bind_with_values(query.text, params), None)
    together = run_select(seeded.store, text)
    alone = run_select(seeded.store, text, parallel=False)
    assert together == alone
    return together[1]


# Each defect the anchor check names (the question in queries/assertion-without-anchor-violation.rq),
# seeded into claim d003-c002's anchor.
ANCHOR_DEFECTS = {
    "no target": lambda st, x: _drop(st, x["a"], OA + "hasTarget"),
    "target without a source": lambda st, x: _drop(st, x["t"], OA + "hasSource"),
    "target without a span hash": lambda st, x: _drop(st, x["t"], M + "spanSha256"),
    "target without a selector": lambda st, x: _drop(st, x["t"], OA + "hasSelector"),
    "source that is not a document": lambda st, x: (
        _drop(st, x["t"], OA + "hasSource"),
        st.add(ox.Quad(x["t"], ox.NamedNode(OA + "hasSource"), ox.NamedNode(M + "document/not-a-document"))),
    ),
    "selector without a start": lambda st, x: _drop(st, x["s"], OA + "start"),
    "selector without an end": lambda st, x: _drop(st, x["s"], OA + "end"),
    "selector with neither": lambda st, x: (_drop(st, x["s"], OA + "start"), _drop(st, x["s"], OA + "end")),
    "start after end": lambda st, x: (
        _drop(st, x["s"], OA + "start"),
        st.add(
            ox.Quad(
                x["s"],
                ox.NamedNode(OA + "start"),
                ox.Literal("999999999", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
            )
        ),
    ),  # fmt: skip
}


@pytest.mark.parametrize("defect", sorted(ANCHOR_DEFECTS))
def test_each_anchor_defect_is_found(seeded, defect):
    name = "assertion-without-anchor-violation"
    assert _same_both_ways(seeded, name) == []
    parts = _anchor(seeded, "d003-c002")
    ANCHOR_DEFECTS[defect](seeded.store, parts)
    rows = _same_both_ways(seeded, name)
    assert [r["assertion"] for r in rows] == [iri_to_curie(parts["a"].value)]
    assert [r["assertion"] for r in seeded.query(name, document="003").rows] == [iri_to_curie(parts["a"].value)]
    assert seeded.query(name, document="004").rows == []


PROVENANCE = {
    "credited party": M + "creditedParty",
    "speaker kind": M + "speakerKind",
    "modality": M + "modality",
    "evidence": "http://purl.obolibrary.org/obo/RO_0002558",
    "paraphrase": M + "paraphrase",
    "statement": M + "asserts",
}


@pytest.mark.parametrize("missing", sorted(PROVENANCE))
def test_each_missing_provenance_field_is_found_and_named(seeded, missing):
    name = "assertion-without-provenance-violation"
    a = _anchor(seeded, "d004-c001")["a"]
    _drop(seeded.store, a, PROVENANCE[missing])
    rows = _same_both_ways(seeded, name)
    assert [(r["assertion"], r["missing"]) for r in rows] == [(iri_to_curie(a.value), missing)]


def test_several_defects_come_back_in_the_query_order_either_way(seeded):
    """Rows from different branches merge in ORDER BY ?assertion ?missing, as one query orders them."""
    name = "assertion-without-provenance-violation"
    for claim, field in (("d004-c001", "paraphrase"), ("d002-c010", "modality"), ("d002-c010", "credited party"),
                         ("d003-c002", "evidence")):  # fmt: skip
        _drop(seeded.store, _anchor(seeded, claim)["a"], PROVENANCE[field])
    rows = _same_both_ways(seeded, name)
    assert len(rows) == 4
    assert [(r["assertion"], r["missing"]) for r in rows] == sorted((r["assertion"], r["missing"]) for r in rows)
    assert [r["missing"] for r in rows[:2]] == ["credited party", "modality"]  # d002-c010's two, in text order


SPLIT = sorted(n for n, q in load_queries().items() if union_branches(q.text) is not None)


def test_the_whole_graph_checks_are_the_queries_run_as_branches():
    assert (
        sorted(["assertion-without-anchor-violation", "assertion-without-provenance-violation", "conflicts"]) == SPLIT
    )


@pytest.mark.parametrize("name", SPLIT)
@pytest.mark.parametrize("page", [None, (7, 0), (5, 3)], ids=["whole", "first page", "a later page"])
def test_every_split_query_runs_as_branches_or_as_one_query_alike(kg, name, page):
    text = paged(load_queries()[name].text, *(page or (None,)))
    together, alone = run_select(kg.get_store(), text), run_select(kg.get_store(), text, parallel=False)
    if name == "conflicts":  # GROUP_CONCAT lists have no defined order
        together, alone = [_as_sets(r) for r in together[1]], [_as_sets(r) for r in alone[1]]
        assert together  # the curated graph has conflicts on every page asked for here
    assert together == alone


def _as_sets(row: dict) -> dict:
    return {k: sorted(v.split()) if k.endswith(("_claims", "_documents")) else v for k, v in row.items()}


def test_a_split_query_orders_by_variables_it_does_not_project_and_drops_them():
    store = ox.Store()
    for i, (p, rank) in enumerate([("p", 3), ("q", 1), ("p", 2), ("q", 0)]):
        node = ox.NamedNode(f"http://x/{i}")
        store.add(ox.Quad(node, ox.NamedNode(f"http://x/{p}"), ox.Literal(str(rank), datatype=ox.NamedNode(
            "http://www.w3.org/2001/XMLSchema#integer"))))  # fmt: skip
    text = "SELECT ?s WHERE { { ?s <http://x/p> ?r } UNION { ?s <http://x/q> ?r } } ORDER BY DESC(?r)"
    assert union_branches(text).hidden == ("r",)
    assert run_select(store, text) == run_select(store, text, parallel=False)
    assert run_select(store, text)[0] == ["s"] and [r["s"] for r in run_select(store, text)[1]] == [
        "http://x/0", "http://x/2", "http://x/1", "http://x/3"]  # fmt: skip
    assert union_branches(text.replace("SELECT ?s", "SELECT DISTINCT ?s")) is None  # DISTINCT needs the projection


@pytest.mark.parametrize(
    "text",
    [
        "SELECT ?x WHERE { { ?x a ?t } UNION { ?x ?p 1 } ?x ?q ?y }",  # a pattern beside the UNION
        "SELECT ?x WHERE { VALUES ?t { 1 } { ?x a ?t } UNION { ?x ?p ?t } }",  # a bound parameter
        "SELECT (COUNT(*) AS ?n) WHERE { { ?x a ?t } UNION { ?x ?p 1 } }",  # an aggregate
        "SELECT ?x WHERE { { ?x a ?t } UNION { ?x ?p 1 } } GROUP BY ?x",
        "SELECT ?x WHERE { { ?x a ?t } UNION { ?x ?p 1 } } ORDER BY STR(?x)",  # an expression to order by
        "SELECT ?x WHERE { { ?x a ?t } }",  # one group: nothing to split
        "SELECT * WHERE { { ?x a ?t } UNION { ?x ?p 1 } }",
    ],
)
def test_queries_that_splitting_would_change_are_run_whole(text):
    assert union_branches(text) is None


def test_a_split_query_keeps_its_slice_after_the_merge():
    store = ox.Store()
    integer = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
    for i in range(6):
        predicate = ox.NamedNode("http://x/p" if i % 2 else "http://x/q")
        store.add(ox.Quad(ox.NamedNode(f"http://x/{i}"), predicate, ox.Literal(str(i), datatype=integer)))
    text = ("SELECT ?n WHERE { { ?s <http://x/p> ?n } UNION { ?s <http://x/q> ?n } } "
            "ORDER BY DESC(?n) LIMIT 3 OFFSET 1")  # fmt: skip
    assert union_branches(text) is not None
    assert run_select(store, text) == run_select(store, text, parallel=False) == (["n"], [{"n": 4}, {"n": 3}, {"n": 2}])
