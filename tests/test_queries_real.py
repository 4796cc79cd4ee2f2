"""The SPARQL library on the real curated graph: every query runs, integrity checks are empty,
and SPARQL agrees with the NetworkX projection where both answer the same question."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import params_for

import msc_graph
from msc_graph.sparql.named import load_queries

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


@pytest.fixture(scope="module")
def kg():
    return msc_graph.load(corpus=CORPUS if CORPUS.is_dir() else None)


@pytest.mark.parametrize("name", sorted(load_queries()))
def test_every_query_runs_on_the_real_data(kg, name):
    params = params_for(kg, name)
    query = kg.queries()[name]
    assert {p.name for p in query.params} == set(params)  # the test exercises every parameter
    result = kg.query(name, **params)
    if query.is_violation_check:
        assert result.rows == [], f"{name} found integrity violations: {result.rows[:5]}"
    else:
        assert len(result) > 0, f"{name} returned nothing on the real data"


def test_sparql_and_networkx_agree_on_what_a_cell_secretes(kg):
    cell = kg.lookup("bone marrow MSC").curie
    sparql = {
        (r["agent_label"], r["factor_label"]) for r in kg.query("secreted-by", cell="bone marrow MSC", limit=None)
    }
    network = kg.network()
    agents = [cell, *(a for a in kg.ontology.ancestors(cell) if kg.ontology.terms.get(a) is not None)]
    expected = set()
    for agent in agents:
        if agent not in network:
            continue
        for _, obj, data in network.out_edges(agent, data=True):  # the flat edge attributes
            if data["predicate"] in ("produces", "transfers") and data["polarity"] == "positive":
                expected.add((kg.ontology.terms[agent].label, kg.ontology.terms[obj].label))
    assert sparql == expected and expected


def test_sparql_and_networkx_agree_on_conflicts(kg):
    sparql = {tuple(sorted((r["left"].rsplit("/", 1)[-1], r["right"].rsplit("/", 1)[-1]))) for r in kg.contradictions()}
    network = kg.network().graph["conflicts"]
    from_network = {tuple(sorted((a, b))) for a, others in network.items() for b in others}
    assert sparql == from_network and sparql


def test_contradictions_inside_one_document_exist(kg):
    assert kg.contradictions(same_document=True).rows


def test_results_convert_to_dataframes_and_html(kg):
    table = kg.claims(modality="negated")
    frame = table.to_dataframe()
    assert len(frame) == len(table) and "paraphrase" in frame.columns
    assert "<table>" in table._repr_html_()


@pytest.mark.parametrize(
    "source,condition",
    [
        ("bone marrow", "knee osteoarthritis"),
        ("adipose tissue", "knee osteoarthritis"),
        ("umbilical cord", "multiple sclerosis"),
        ("mesenchymal stem cell", "ischemic stroke"),
        ("placenta", "knee osteoarthritis"),
    ],
)
def test_explanations_on_the_real_graph_trace_to_spans(kg, source, condition):
    result = kg.explain(source, condition)
    assert result.found, result.text()
    for chain in result.chains:
        for step in chain.steps:
            for a in step.assertions:
                assert a["quote"] == kg.quote(a["document"], a["start"], a["end"]) and a["quote"]


def test_an_honest_no_chain_answer(kg):
    # no document makes a claim about amniotic-fluid MSCs themselves
    result = kg.explain("amniotic fluid", "diabetic nephropathy", generalise=False)
    assert not result.found
    assert "No document claims a chain" in result.text() and "specifically" in result.text()
    assert result.partial == [] or all(c.steps for c in result.partial)
    # with generalisation the chains exist, and every one is marked as generalised
    general = kg.explain("amniotic fluid", "diabetic nephropathy")
    assert general.found and all(c.specificity == "general" for c in general.chains)
    assert all(s.inherited for c in general.chains for s in c.claim_steps)


def test_donor_type_filters_steps(kg):
    allo = kg.explain("mesenchymal stem cell", "knee osteoarthritis", donor="allogeneic")
    auto = kg.explain("mesenchymal stem cell", "knee osteoarthritis", donor="autologous")
    allo_ctx = {s.context.get("donor", {}).get("value") for c in allo.chains for s in c.steps}
    auto_ctx = {s.context.get("donor", {}).get("value") for c in auto.chains for s in c.steps}
    assert "msc:AutologousDonor" not in allo_ctx and "msc:AllogeneicDonor" not in auto_ctx
    assert "msc:AllogeneicDonor" in allo_ctx  # the allogeneic claims of the medical-tourism article are used


def test_every_source_reaches_every_discussed_condition_with_traceable_steps(kg):
    """For every cell source named in the documents and every condition they discuss, explain
    answers, and every claim step of every chain traces to a document span."""
    onto = kg.ontology
    sources = sorted(
        {r["curie"] for r in kg.entities(category="CellSource") if kg.query("entity-claims", entity=r["curie"]).rows}
    )
    conditions = sorted(
        {
            r["curie"]
            for r in kg.entities(category="Condition")
            if len(kg.query("entity-claims", entity=r["curie"])) >= 3
        }
    )
    assert len(sources) >= 6 and len(conditions) >= 8
    traced = 0
    for source in sources:
        for condition in conditions:
            result = kg.explain(source, condition, max_length=4, max_chains=50)
            for chain in result.chains:
                for step in chain.steps:
                    if step.kind == "claim":
                        assert step.assertions, (source, condition)
                        for a in step.assertions:
                            assert a["quote"] and a["document"] in {f"{d}.txt" for d in kg.document_ids}
                            traced += 1
            assert onto.terms[source] and result.text()
    assert traced > 1000  # the loops above checked real steps


@pytest.mark.parametrize(
    "source,condition",
    [
        ("umbilical cord", "multiple sclerosis"),
        ("bone marrow", "knee osteoarthritis"),
        ("mesenchymal stem cell", "neuropathic pain"),
        ("umbilical cord", "ischemic kidney disease"),
    ],
)
def test_bounded_search_finds_the_same_chains_as_the_full_projection(kg, source, condition):
    fresh = msc_graph.load(corpus=CORPUS if CORPUS.is_dir() else None)
    fresh._cache.pop("network", None)  # force the search over the direct edges
    full = kg.explain(source, condition, strategy="full")
    bounded = fresh.explain(source, condition, strategy="bounded")
    assert bounded.to_dict() == full.to_dict() and full.chains
    assert "network" not in fresh._cache  # it never projected the whole graph


def test_the_term_index_can_be_read_from_the_graph_itself(kg):
    from msc_graph.sparql.vocabulary import ontology_from_store

    from_store = ontology_from_store(kg.select)
    local = kg.ontology
    assert {c: t for c, t in local.terms.items() if t.category} == {
        c: t for c, t in from_store.terms.items() if t.category
    }
    assert from_store.predicates == local.predicates and from_store.values == local.values
    assert from_store.context == local.context and from_store.context_roles == local.context_roles
    assert from_store.restrictions == local.restrictions and from_store.evidence_rank == local.evidence_rank
    assert (from_store.kinds, from_store.category_kinds, from_store.term_kinds) == (
        local.kinds,
        local.category_kinds,
        local.term_kinds,
    )


def _standard_answer(kg, name, params):
    """The query run as plain SPARQL: pyoxigraph substitutions, no VALUES, no LATERAL rewrite."""
    import pyoxigraph as ox

    from msc_graph.namespaces import PREFIXES
    from msc_graph.sparql.named import bind_params
    from msc_graph.sparql.text import to_python

    query = kg.queries()[name]
    bound = bind_params(query, params, kg)
    result = kg.get_store().query(
        query.text, prefixes=PREFIXES, substitutions={ox.Variable(k): v for k, v in bound.items()}
    )
    columns = [v.value for v in result.variables]
    return sorted(repr([(c, _unordered(to_python(s[c]))) for c in columns]) for s in result)


def _unordered(value):
    """GROUP_CONCAT lists have no defined order."""
    return sorted(value.replace(", ", " ").split()) if isinstance(value, str) else value


@pytest.mark.parametrize("name", sorted(load_queries()))
@pytest.mark.parametrize("with_params", [True, False], ids=["bound", "free"])
def test_the_fast_binding_and_the_lateral_rewrite_change_no_answer(kg, name, with_params):
    """VALUES binding (pushed into subqueries) and OPTIONAL -> LATERAL { OPTIONAL } are only
    there for Oxigraph's planner: every named query gives the rows of the plain text."""
    params = params_for(kg, name) if with_params or name == "who-claims" else {}
    ours = kg.query(name, limit=None, **params)
    rows = sorted(repr([(c, _unordered(r[c])) for c in ours.columns]) for r in ours.rows)
    assert rows == _standard_answer(kg, name, params)


def test_a_tissue_also_finds_the_claims_about_the_cells_derived_from_it(kg):
    """003's claims about placental MSCs (the TBox derives them from the placenta) are found from
    the placenta: by `claims --object/--subject placenta` and by `entity-claims`."""
    by_object = {r["claim"]: r for r in kg.claims(object="placenta").rows}
    assert "d001-c731" in by_object  # MSCs derive from the placenta: the placenta as object
    assert {"d003-c058", "d003-c059", "d003-c060"} <= set(by_object)
    assert by_object["d003-c060"]["polarity"] == "negative"
    assert {r["subject_label"] for r in kg.claims(subject="placenta").rows} == {"mesenchymal stem cell of the placenta"}
    assert kg.claims(subject="MSC", object="placenta").rows[0]["claim"] == "d001-c731"  # the subject filter holds
    roles = {r["claim"]: r["role"] for r in kg.query("entity-claims", entity="placenta").rows}
    assert roles["d001-c731"] == "object" and roles["d003-c058"] == "subject: cells derived from it"
