"""Interactive answers are paged: every named query has a stable order, pages that concatenate to
the whole list, and a total that counts it; ``entity-conflicts`` lists the conflicts about one term; each
integrity check still finds a violation seeded into a graph, bound to its document or not."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from helpers import params_for, run_cli

import msc_graph
from msc_graph.graph import PAGE_SIZE, KnowledgeGraph
from msc_graph.namespaces import curie_to_iri
from msc_graph.sparql.named import load_queries
from msc_graph.sparql.text import count_query, paged

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


@pytest.fixture(scope="module")
def kg():
    return msc_graph.load(corpus=CORPUS if CORPUS.is_dir() else None)


@pytest.mark.parametrize("name", sorted(load_queries()))
@pytest.mark.parametrize("with_params", [True, False], ids=["bound", "free"])
def test_pages_concatenate_to_the_whole_list_in_a_stable_order(kg, name, with_params):
    params = params_for(kg, name) if with_params or name == "who-claims" else {}
    whole = kg.query(name, limit=None, **params)
    assert kg.query(name, limit=None, **params).rows == whole.rows  # the same order every time
    size = max(3, len(whole.rows) // 4)
    pages, offset = [], 0
    while True:
        page = kg.query(name, limit=size, offset=offset, **params)
        assert len(page.rows) <= size and page.offset == offset
        pages.extend(page.rows)
        offset += size
        if not page.more:
            break
    assert pages == whole.rows
    assert kg.query(name, limit=1, total=True, **params).total == len(whole.rows)
    assert kg.query(name, **params).rows == whole.rows[:PAGE_SIZE]  # a page of 100 by default


def test_the_page_is_cut_where_the_query_orders_its_rows():
    """In a query with a page subquery (a subquery with its own ORDER BY) LIMIT/OFFSET go there, so
    the details are fetched for the rows of the page only; otherwise at the end."""
    text = (load_queries()["entity-claims"]).text
    page = paged(text, 10, 20)
    sub = page.index("ORDER BY ?role ?claim LIMIT 10 OFFSET 20")
    assert sub < page.rindex("ORDER BY ?role ?claim")
    assert paged(load_queries()["subclasses"].text, 5).rstrip().endswith("LIMIT 5")
    assert "COUNT(*) AS ?total" in count_query(text) and "ORDER BY" not in count_query(text)


def test_the_most_popular_terms_first_page_has_100_rows_and_says_there_are_more(kg):
    """The claims of the most claimed-about term: a page of 100, the rest by paging."""
    table = kg.query("claims", total=True)
    assert len(table.rows) == PAGE_SIZE and table.more and table.total == len(kg.query("claims", limit=None).rows)


def test_conflicts_of_an_entity_are_the_conflicts_that_name_it(kg):
    entity = kg.lookup("mesenchymal stem cell").curie
    everything = kg.query("conflicts", limit=None).rows
    about = kg.query("entity-conflicts", limit=None, entity=entity).rows
    mine = [{k: v for k, v in r.items() if k != "entity"} for r in about]
    ends = {}
    for row in kg.select("SELECT ?s ?a ?b WHERE { ?s msc:subject ?a ; msc:object ?b }")[1]:
        ends[row["s"]] = {row["a"], row["b"]}
    expected = [r for r in everything if entity in ends[r["left"]] | ends[r["right"]]]
    assert mine and len(mine) < len(everything)

    def claim_sets(rows):  # GROUP_CONCAT lists have no defined order
        return sorted(repr({k: sorted(v.split()) if k.endswith("_claims") else v for k, v in r.items()}) for r in rows)

    assert claim_sets(mine) == claim_sets(expected)
    assert [r["left"] for r in kg.contradictions(entity="mesenchymal stem cell").rows] == [r["left"] for r in mine]


def test_the_cli_pages_counts_and_gives_every_row():
    out = run_cli(None, "query", "claims", "-p", "document=003", "--limit", "5", "--offset", "5", "--count",
                  "--format", "jsonl")  # fmt: skip
    assert out.returncode == 0, out.stderr
    rows = out.stdout.strip().splitlines()
    total = int(out.stderr.split(" of ")[1].split(";")[0].replace(",", ""))
    assert len(rows) == 5 and "rows 6-10 of" in out.stderr and "--offset 10" in out.stderr
    every = run_cli(None, "query", "claims", "-p", "document=003", "--all", "--format", "jsonl")
    assert len(every.stdout.strip().splitlines()) == total
    first = run_cli(None, "query", "claims", "--format", "jsonl")
    assert len(first.stdout.strip().splitlines()) == PAGE_SIZE and "--all" in first.stderr
    bad = run_cli(None, "query", "claims", "--limit", "0")
    assert bad.returncode == 2 and "--limit" in bad.stderr


# ----------------------------------------------------------------------------- seeded violations


@pytest.fixture()
def seeded(kg) -> KnowledgeGraph:
    """A copy of the curated graph in a store we may break."""
    store = ox.Store()
    store.bulk_load(input=kg.get_store().dump(format=ox.RdfFormat.N_QUADS), format=ox.RdfFormat.N_QUADS)
    return KnowledgeGraph(store=store, ontology=kg.ontology, queries_dir=kg.queries_dir)


def _one(seeded, query: str) -> dict:
    return seeded.select(query)[1][0]


M = "https://w3id.org/msc-graph/"


def test_a_broken_anchor_is_found_whole_graph_and_by_document(seeded):
    row = _one(seeded, "SELECT ?a ?s ?d WHERE { ?a msc:claimId 'd003-c002' ; oa:hasTarget ?t ; msc:inDocument ?d . "
                       "?t oa:hasSelector ?s }")  # fmt: skip
    s = ox.NamedNode(row["s"] if row["s"].startswith("http") else M + row["s"])
    start = next(seeded.store.quads_for_pattern(s, ox.NamedNode("http://www.w3.org/ns/oa#start"), None)).object
    seeded.store.remove(
        ox.Quad(
            s,
            ox.NamedNode("http://www.w3.org/ns/oa#end"),
            next(seeded.store.quads_for_pattern(s, ox.NamedNode("http://www.w3.org/ns/oa#end"), None)).object,
        )
    )
    seeded.store.add(ox.Quad(s, ox.NamedNode("http://www.w3.org/ns/oa#end"), start))  # end == start  # fmt: skip
    name = "assertion-without-anchor-violation"
    found = {r["assertion"] for r in seeded.query(name, limit=None).rows}
    assert found == {row["a"]}
    assert {r["assertion"] for r in seeded.query(name, document="003").rows} == {row["a"]}
    assert seeded.query(name, document="004").rows == []


def test_a_missing_provenance_is_found_whole_graph_and_by_document(seeded):
    row = _one(seeded, "SELECT ?a ?p WHERE { ?a msc:claimId 'd004-c001' ; msc:creditedParty ?p }")
    a = ox.NamedNode(row["a"])
    for quad in list(seeded.store.quads_for_pattern(a, ox.NamedNode(M + "creditedParty"), None)):
        seeded.store.remove(quad)
    name = "assertion-without-provenance-violation"
    assert [(r["assertion"], r["missing"]) for r in seeded.query(name).rows] == [(row["a"], "credited party")]
    assert [r["assertion"] for r in seeded.query(name, document="004").rows] == [row["a"]]
    assert seeded.query(name, document="003").rows == []
    for quad in list(seeded.store.quads_for_pattern(a, ox.NamedNode(M + "inDocument"), None)):
        seeded.store.remove(quad)  # an assertion of no document is found whatever document is asked
    assert (row["a"], "document") in {(r["assertion"], r["missing"]) for r in seeded.query(name, document="003").rows}
    assert (row["a"], "document") in {(r["assertion"], r["missing"]) for r in seeded.query(name).rows}


def test_an_ungrounded_term_is_found(seeded):
    row = _one(seeded, "SELECT ?st ?o WHERE { ?st msc:object ?o . ?o msc:category msc:Factor } ORDER BY ?st LIMIT 1")
    term = ox.NamedNode(row["o"] if row["o"].startswith("http") else curie_to_iri(row["o"]))
    for quad in list(seeded.store.quads_for_pattern(term, ox.NamedNode(M + "category"), None)):
        seeded.store.remove(quad)
    rows = seeded.query("statement-without-grounding-violation", limit=None).rows
    assert rows and {r["term"] for r in rows} == {row["o"]}
    assert row["st"] in {r["statement"] for r in rows}


def test_a_negated_assertion_of_a_positive_statement_is_found(seeded):
    row = _one(seeded, "SELECT ?a ?st WHERE { ?a msc:claimId 'd004-c001' ; msc:asserts ?st ; msc:modality ?m }")
    a = ox.NamedNode(row["a"])
    for quad in list(seeded.store.quads_for_pattern(a, ox.NamedNode(M + "modality"), None)):
        seeded.store.remove(quad)
    seeded.store.add(ox.Quad(a, ox.NamedNode(M + "modality"), ox.NamedNode(M + "Negated")))
    positive = seeded.select(f"ASK {{ <{M}statement/{row['st'].rsplit('/', 1)[-1]}> msc:polarity msc:Positive }}")
    assert positive[1][0]["ask"]
    name = "negation-polarity-violation"
    assert [r["assertion"] for r in seeded.query(name).rows] == [row["a"]]
    assert [r["assertion"] for r in seeded.query(name, document="004").rows] == [row["a"]]
    assert seeded.query(name, document="003").rows == []


def test_integrity_names_the_check_and_the_assertion_that_broke_it(seeded):
    """What `msc-graph check` reports: a target without its span hash is a broken anchor."""
    row = _one(seeded, "SELECT ?a ?t WHERE { ?a msc:claimId 'd002-c010' ; oa:hasTarget ?t }")
    assert seeded.integrity() == []
    target = ox.NamedNode(row["t"] if row["t"].startswith("http") else M + row["t"])
    for quad in list(seeded.store.quads_for_pattern(target, ox.NamedNode(M + "spanSha256"), None)):
        seeded.store.remove(quad)
    (line,) = seeded.integrity()
    assert line.startswith("assertion-without-anchor-violation: 1 row(s)") and row["a"] in line
