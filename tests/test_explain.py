"""Explanation: chains on the fixture, signs, generalisation, contradictions, no-chain answers,
and invariants on random claim graphs (hypothesis)."""

from __future__ import annotations

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from msc_graph.explain import MECHANISTIC, explain
from msc_graph.graph import KnowledgeGraph
from msc_graph.network import EvidenceItem, StatementEdge
from msc_graph.ontology import load_ontology


@pytest.fixture
def kg(project, monkeypatch):
    import msc_graph

    monkeypatch.setenv("MSC_GRAPH_ROOT", str(project.root))
    return msc_graph.load(build_dir=project.build, corpus=project.corpus)


def test_chain_from_tissue_to_condition(kg):
    result = kg.explain("bone marrow", "knee osteoarthritis")
    assert result.found
    texts = [c.text() for c in result.chains]
    expected = (
        "bone marrow --source of--> mesenchymal stem cell of the bone marrow --produces--> interleukin-10 "
        "--decreases--> inflammatory response"
    )
    assert any(t.startswith(expected) for t in texts), texts
    chain = next(c for c in result.chains if c.text().startswith(expected))
    assert chain.harm_sign == -1  # more IL-10, less inflammation: beneficial
    produce = chain.steps[1]
    assert produce.assertions[0]["claim"] == "t001-c001"
    assert produce.assertions[0]["quote"].startswith("Bone marrow stem cells release")
    assert produce.assertions[0]["speaker"] == "clinic-marketing"


def test_generalised_steps_are_marked(kg):
    result = kg.explain("bone marrow", "osteoarthritis")
    generalised = [s for c in result.chains for s in c.steps if s.generalised]
    # the negated stem-cell claim is not a step; the positive generalised chains are marked
    for step in generalised:
        assert "in general, not for" in step.generalised or "a therapy with" in step.generalised


def test_contradicted_step_is_flagged(kg):
    result = kg.explain("bone marrow MSC", "knee osteoarthritis", max_length=3)
    flagged = [s for c in result.chains for s in c.steps if s.contradicted_by]
    assert flagged, [c.text() for c in result.chains]
    assert any(c["claim"] == "t001-c003" for s in flagged for c in s.contradicted_by)


def test_no_chain_is_an_answer_with_partial_chains(kg):
    result = kg.explain("umbilical cord", "multiple sclerosis")
    assert not result.found
    assert "No document claims a chain" in result.text()
    result = kg.explain("bone marrow", "multiple sclerosis")
    assert not result.found
    assert result.partial  # the nearest partial chains from the source


def test_unknown_names_suggest(kg):
    from msc_graph.errors import UnknownTermError

    with pytest.raises(UnknownTermError, match="did you mean"):
        kg.explain("bone maro", "knee osteoarthritis")


def test_explain_cli_json(project):
    import json

    from helpers import run_cli

    result = run_cli(
        project, "explain", "--source", "bone marrow", "--condition", "knee osteoarthritis", "--format", "json"
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["found"] and data["chains"][0]["steps"]


# ------------------------------------------------------------------ invariants on random graphs

ONTO = load_ontology()
CELLS = ["CL:0002540", "CL:0000134", "CL:0000034", "CL:0000235", "CL:0000138"]
MIDDLE = ["PR:000001471", "CHEBI:15551", "GO:0006954", "msc:CartilageRepair", "GO:0070062", "GO:0050776"]
CONDITIONS = ["MONDO:0005416", "MONDO:0005178", "MONDO:0005301"]
NODES = CELLS + MIDDLE + CONDITIONS
PREDICATES = sorted(MECHANISTIC - {"has_risk"})

edge_strategy = st.tuples(
    st.sampled_from(NODES),
    st.sampled_from(PREDICATES),
    st.sampled_from(NODES),
    st.sampled_from(["positive", "negative"]),
    st.sampled_from([None, "MONDO:0005416"]),
    st.integers(1, 3),
)


def synthetic_kg(edges) -> KnowledgeGraph:
    graph = nx.MultiDiGraph()
    statements = {}
    for i, (s, p, o, pol, cond, ndocs) in enumerate(edges):
        if s == o:
            continue
        sid = f"s{i}"
        edge = StatementEdge(
            sid,
            s,
            p,
            o,
            ONTO.predicates[p].sign,
            pol,
            {"condition": cond} if cond else {},
            [
                EvidenceItem(
                    f"c{i}-{d}",
                    f"doc{d}.txt",
                    0,
                    1,
                    "p",
                    "clinic-marketing",
                    "asserted",
                    None,
                    "ECO:0000204",
                    1,
                    None,
                    None,
                    "x",
                )
                for d in range(ndocs)
            ],
        )
        statements[sid] = edge
        for n in (s, o):
            term = ONTO.terms[n]
            graph.add_node(n, label=term.label, category=term.category, harmful=term.harmful)
        graph.add_edge(s, o, key=sid, data=edge)
    graph.graph["conflicts"] = {}
    graph.graph["statements"] = statements
    kg = KnowledgeGraph(store=None, ontology=ONTO)
    kg._cache["network"] = graph
    return kg


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(edge_strategy, min_size=1, max_size=25),
    st.sampled_from(CELLS + ["UBERON:0002371"]),
    st.sampled_from(CONDITIONS),
    st.integers(1, 4),
)
def test_chains_are_connected_acyclic_bounded_and_backed(edges, source, condition, max_length):
    kg = synthetic_kg(edges)
    result = explain(kg, source, condition, max_length=max_length)
    for chain in result.chains:
        claim_steps = [s for s in chain.steps if s.kind == "claim"]
        assert 1 <= len(claim_steps) <= max_length
        for a, b in zip(chain.steps, chain.steps[1:], strict=False):
            assert a.object == b.subject  # connected
        nodes = [chain.steps[0].subject] + [s.object for s in chain.steps]
        assert len(nodes) == len(set(nodes))  # no cycles
        for step in claim_steps:
            assert step.assertions  # every step is backed by an assertion
            assert step.statement in kg._cache["network"].graph["statements"]
            assert kg._cache["network"].graph["statements"][step.statement].polarity == "positive"
        last = chain.steps[-1]
        targets = {condition, *ONTO.descendants(condition), *ONTO.ancestors(condition)}
        assert last.object in targets or last.context.get("condition") in targets
