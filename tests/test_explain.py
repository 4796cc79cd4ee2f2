"""Explanation: effects, ranking (claimed before composed, specific before general), context,
stages, the JSON contract and the HTML view on the fixture; the best-first search against an
exhaustive enumeration, and invariants, on random claim graphs (hypothesis)."""

from __future__ import annotations

import json

import pytest
from fixture_project import default_claims, make_project
from helpers import run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import msc_graph
from msc_graph.errors import InputError, UnknownTermError
from msc_graph.explain import EFFECTS, Rules, effect, explain
from msc_graph.explain.question import BROADER, ask, starts
from msc_graph.explain.result import ASSERTION_KEYS, CHAIN_KEYS, STEP_KEYS, SUMMARY_KEYS, TOP_KEYS
from msc_graph.explain.search import Scope, rank_key, search
from msc_graph.graph import KnowledgeGraph
from msc_graph.ontology import load_ontology
from msc_graph.projection import EvidenceItem, StatementEdge, network, statement_graph, statements

ONTO = load_ontology()
FIXTURE_CHAIN_IL10 = ["t001-c001", "t001-c002"]  # BM-MSC produces IL-10; IL-10 decreases inflammation (knee OA)


@pytest.fixture
def kg(project):
    return msc_graph.load(build_dir=project.build, corpus=project.corpus, root=project.root)


def claim_ids(chain) -> list[str]:
    """The claim ids of a chain's claim steps (the first assertion of each)."""
    return [s.assertions[0]["claim"] for s in chain.claim_steps]


# ------------------------------------------------------------------ effects


@pytest.mark.parametrize(
    "sign,valence,expected",
    [
        (-1, "harmful", "beneficial"),  # less of something bad
        (1, "harmful", "harmful"),  # more of something bad
        (1, "protective", "beneficial"),  # more of something good
        (-1, "protective", "harmful"),  # less of something good
        (1, "neutral", "not stated"),
        (-1, "neutral", "not stated"),
        (1, None, "not stated"),  # no valence: never a default
        (-1, None, "not stated"),
        (0, "harmful", "not stated"),  # an unsigned relation
        (0, "protective", "not stated"),
        (0, "neutral", "not stated"),
        (0, None, "not stated"),
    ],
)
def test_effect_of_every_sign_and_valence(sign, valence, expected):
    assert effect([sign], valence) == expected
    assert effect([1, 1, sign], valence) == expected  # positive steps before it change nothing
    flipped = {"beneficial": "harmful", "harmful": "beneficial"}.get(expected, expected)
    assert effect([-1, sign], valence) == flipped  # one more negative step flips it
    assert expected in EFFECTS


def test_every_term_that_ends_a_chain_in_the_fixture_has_a_valence(kg):
    assert kg.ontology.valence("GO:0006954") == "harmful"  # inflammatory response
    assert kg.ontology.valence("msc:CartilageRepair") == "protective"
    assert kg.ontology.valence("MONDO:0005416") == "harmful"


# ------------------------------------------------------------------ the fixture's answer


def test_claimed_specific_chains_come_first_and_composed_last(kg):
    result = kg.explain("bone marrow", "knee osteoarthritis")
    assert [c.rank for c in result.chains] == list(range(1, len(result.chains) + 1))
    first, second, third = result.chains
    # f002's trial: marrow MSCs regrow cartilage (asserted) in severe arthritis, a broader condition
    assert claim_ids(first) == ["t002-c001"]
    assert first.claimed_by == ["f002_beta.txt"] and first.specificity == "source" and not first.composed
    assert first.effect == "beneficial" and first.ends_how == BROADER and first.by_context
    # f001 states the whole IL-10 chain, but hedged: after the asserted one
    assert claim_ids(second) == FIXTURE_CHAIN_IL10 and second.claimed_by == ["f001_alpha.txt"]
    assert second.effect == "beneficial"  # more IL-10, less inflammation (harmful)
    # IL-10 chain continued by f002's "inflammation drives knee OA": no single document claims it
    assert claim_ids(third) == [*FIXTURE_CHAIN_IL10, "t002-c002"]
    assert third.composed and third.claimed_by == [] and third.effect == "beneficial"
    text = result.text()
    assert text.index("What the documents claim") < text.index("Claimed chains") < text.index("Composed chains")
    assert "no single document claims" in text


def test_no_composed_leaves_them_out(kg):
    result = kg.explain("bone marrow", "knee osteoarthritis", composed=False)
    assert result.chains and not result.composed
    assert all(c.claimed_by for c in result.chains)


def test_summary_states_each_documents_claim_party_modality_evidence_and_caveats(kg):
    result = kg.explain("bone marrow", "knee osteoarthritis")
    by_doc = {d.document: d for d in result.summary}
    assert list(by_doc) == ["f002_beta.txt", "f001_alpha.txt"]  # in the order of their best chain
    trial = by_doc["f002_beta.txt"]
    assert trial.parties == ["a small trial"] and trial.modality == "asserted"
    assert trial.evidence["patients"] == 12 and trial.specificity == "source"
    alpha = by_doc["f001_alpha.txt"]
    assert alpha.modality == "hedged" and alpha.cue == "may"
    assert [c["claim"] for c in alpha.caveats if c["kind"] == "hedge"] == ["t001-c002"]
    # the conflict curated between the trial and the clinic is a contested point, both sides shown
    (point,) = result.contested
    assert point["chains"] == [1]
    assert [a["claim"] for a in point["claimed"]] == ["t002-c001"]
    assert [a["claim"] for o in point["opposed"] for a in o["assertions"]] == ["t001-c003"]
    assert point["opposed"][0]["text"].startswith("NOT ")


def test_stage_keeps_steps_for_that_stage_or_none_and_marks_them(kg):
    severe = kg.explain("bone marrow", "knee osteoarthritis", stage="severe stage")
    first = severe.chains[0]
    assert claim_ids(first) == ["t002-c001"] and first.claim_steps[0].stage_specific
    assert not any(s.stage_specific for c in severe.chains[1:] for s in c.claim_steps)
    mild = kg.explain("bone marrow", "knee osteoarthritis", stage="mild")
    assert ["t002-c001"] not in [claim_ids(c) for c in mild.chains]  # claimed for the severe stage only
    assert claim_ids(mild.chains[0]) == FIXTURE_CHAIN_IL10


def test_a_condition_phrase_naming_a_stage_is_the_condition_plus_the_stage():
    q = ask(ONTO, "bone marrow", "bone-on-bone arthritis")
    assert (q.condition.curie, q.stage.curie, q.stage_phrase) == (
        "MONDO:0005578",
        "msc:SevereStage",
        "bone-on-bone arthritis",
    )
    q = ask(ONTO, "bone marrow", "severe knee osteoarthritis")
    assert (q.condition.curie, q.stage.curie) == ("MONDO:0005416", "msc:SevereStage")
    with pytest.raises(InputError, match="names the stage 'severe stage' but --stage says 'mild stage'"):
        ask(ONTO, "bone marrow", "bone-on-bone arthritis", stage="mild")
    with pytest.raises(InputError, match="is a disease stage; give a .*and the stage with --stage"):
        ask(ONTO, "bone marrow", "severe")
    with pytest.raises(UnknownTermError, match="did you mean 'osteoarthritis, knee'"):
        ask(ONTO, "bone marrow", "knee osteoarthritsi")


def test_generalisation_off_keeps_only_the_condition_and_its_subclasses(kg):
    result = kg.explain("bone marrow", "knee osteoarthritis", generalise=False)
    assert [claim_ids(c) for c in result.chains] == [FIXTURE_CHAIN_IL10, [*FIXTURE_CHAIN_IL10, "t002-c002"]]
    assert all(c.specificity == "source" for c in result.chains)


def test_no_chain_is_an_answer_with_partial_chains(kg):
    result = kg.explain("umbilical cord", "multiple sclerosis")
    assert not result.found
    assert "No document claims a chain" in result.text()
    result = kg.explain("bone marrow", "multiple sclerosis")
    assert not result.found and result.partial
    assert all(c.steps[0].subject == "UBERON:0002371" for c in result.partial)


def test_unknown_names_suggest(kg):
    with pytest.raises(UnknownTermError, match="did you mean"):
        kg.explain("bone maro", "knee osteoarthritis")


def _variant(tmp_path, change):
    claims = default_claims()
    change(claims)
    project = make_project(tmp_path, claims)
    return msc_graph.load(build_dir=project.build, corpus=project.corpus, root=project.root), project


def test_a_superseded_view_supports_no_step(tmp_path):
    def superseded(claims):
        claim = claims["f001_alpha"]["claims"][1]
        claim.update({"modality": "superseded", "cue": "long believed"})

    kg, _ = _variant(tmp_path, superseded)
    result = kg.explain("bone marrow", "knee osteoarthritis")
    used = {a["claim"] for c in result.chains for s in c.steps for a in s.assertions}
    assert "t001-c002" not in used and result.chains  # the trial's chain remains


def test_a_step_claimed_for_another_condition_is_not_borrowed(tmp_path):
    def elsewhere(claims):
        claims["f001_alpha"]["claims"][1]["context"] = {"condition": "multiple sclerosis"}

    kg, _ = _variant(tmp_path, elsewhere)
    result = kg.explain("bone marrow", "knee osteoarthritis")
    assert [claim_ids(c) for c in result.chains] == [["t002-c001"]]
    ms = kg.explain("bone marrow", "multiple sclerosis")
    assert [claim_ids(c) for c in ms.chains] == [FIXTURE_CHAIN_IL10]


def test_check_names_a_chain_ending_term_without_valence_and_its_claims(project):
    from msc_graph.check import check_valences
    from msc_graph.curation import load_curation
    from msc_graph.ontology import load_ontology as fresh

    (project.ontology / "valence.ttl").write_text(
        (project.ontology / "valence.ttl").read_text().replace("obo:GO_0006954 msc:valence msc:Harmful .", "")
    )
    curation, _ = load_curation(project.ontology, corpus=None, strict=False)
    problems = check_valences(curation, fresh(project.ontology))
    assert len(problems) == 1
    assert "GO:0006954 'inflammatory response' ends explanation chains but has no valence" in problems[0]
    assert "claims t001-c002" in problems[0]
    result = run_cli(project, "check", "--no-hermit")
    assert result.returncode == 1 and "[valence] term GO:0006954" in result.stdout + result.stderr


# ------------------------------------------------------------------ JSON, table, HTML, CLI


def test_the_json_contract(kg):
    data = kg.explain("bone marrow", "knee osteoarthritis").to_dict()
    assert tuple(data) == TOP_KEYS
    assert set(data) >= {"summary", "contested", "chains"}
    chain = data["chains"][0]
    assert tuple(chain) == CHAIN_KEYS
    assert chain["effect"] in ("beneficial", "harmful", "not stated")
    assert isinstance(chain["claimed_by"], list) and isinstance(chain["composed"], bool)
    assert chain["specificity"] in ("source", "general")
    step = next(s for s in chain["steps"] if s["kind"] == "claim")
    assert tuple(step) == STEP_KEYS
    assert tuple(step["assertions"][0]) == (*ASSERTION_KEYS, "quote")  # the corpus is present
    assert step["assertions"][0]["quote"].startswith("A small trial found")
    assert tuple(data["summary"][0]) == SUMMARY_KEYS
    json.dumps(data)  # plain data


def test_without_the_corpus_there_is_no_quote(project, monkeypatch):
    monkeypatch.setattr("msc_graph.graph.corpus_dir", lambda _: None)  # as where ../shared/corpus is absent
    kg = msc_graph.load(build_dir=project.build, corpus=None, root=project.root)
    assert kg.corpus is None
    step = kg.explain("bone marrow", "knee osteoarthritis").to_dict()["chains"][0]["steps"][1]
    assert tuple(step["assertions"][0]) == ASSERTION_KEYS


def test_the_notebook_view_is_an_escaped_table_summary_with_the_chains_below(tmp_path):
    def hostile(claims):
        claims["f002_beta"]["claims"][0]["paraphrase"] = "A trial <script>alert(1)</script> saw cartilage return."

    kg, _ = _variant(tmp_path, hostile)
    page = kg.explain("bone marrow", "knee osteoarthritis")._repr_html_()
    assert "<table>" in page and "<pre>" not in page
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert page.index("What the documents claim") < page.index("Claimed chains") < page.index("Composed chains")
    assert "clinical trial, 12 patients" in page  # every step shows its evidence with the numbers given


def test_table_has_one_row_per_step(kg):
    result = kg.explain("bone marrow", "knee osteoarthritis")
    table = result.to_table()
    assert len(table.rows) == sum(len(c.steps) for c in result.chains)
    assert {r["composed"] for r in table.rows} == {True, False}


def test_explain_cli(project):
    args = ("explain", "--source", "bone marrow", "--condition", "knee osteoarthritis")
    result = run_cli(project, *args, "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["chains"][0]["claimed_by"] == ["f002_beta.txt"]
    result = run_cli(project, *args, "--no-composed", "--format", "json")
    assert all(not c["composed"] for c in json.loads(result.stdout)["chains"])
    result = run_cli(project, "explain", "--source", "bone marrow", "--condition", "bone-on-bone arthritis")
    assert result.returncode == 0 and "at the severe stage" in result.stdout.splitlines()[0]
    for bad, message in [
        (["--condition", "knee osteoarthritsi"], "did you mean 'osteoarthritis, knee'"),
        (["--condition", "severe"], "is a disease stage"),
        (
            ["--condition", "knee osteoarthritis", "--stage", "sever"],
            "unknown stage 'sever'; did you mean 'severe stage'",
        ),
        (["--condition", "knee osteoarthritis", "--stage", "knee"], "stage 'knee' (UBERON:0001485) is a target"),
    ]:
        result = run_cli(project, "explain", "--source", "bone marrow", *bad)
        assert result.returncode == 2, result.stdout
        assert len(result.stderr.strip().splitlines()) == 1 and message in result.stderr


# ------------------------------------------------------------------ random claim graphs

CELLS = ["CL:0002540", "CL:0000134", "CL:0000034", "CL:0000235", "CL:0000138"]
MIDDLE = ["PR:000001471", "CHEBI:15551", "GO:0006954", "msc:CartilageRepair", "GO:0070062", "GO:0050776"]
CONDITIONS = ["MONDO:0005416", "MONDO:0005178", "MONDO:0005301"]
NODES = CELLS + MIDDLE + CONDITIONS
PREDICATES = sorted(k for k in ONTO.chain_signs if k != "has_risk")

edge_strategy = st.tuples(
    st.sampled_from(NODES),
    st.sampled_from([*PREDICATES, "has_part"]),
    st.sampled_from(NODES),
    st.sampled_from(["positive", "positive", "negative"]),
    st.sampled_from([None, None, "MONDO:0005416", "MONDO:0005301", "MONDO:0005578"]),
    st.sampled_from([None, None, "msc:SevereStage", "msc:MildStage"]),
    st.lists(st.tuples(st.integers(0, 2), st.sampled_from(["asserted", "hedged", "questioned", "superseded"])),
             min_size=1, max_size=3),
)  # fmt: skip


def synthetic_kg(edges) -> KnowledgeGraph:
    statements = {}
    for i, (s, p, o, pol, cond, stage, support) in enumerate(edges):
        if s == o:
            continue
        sid = f"s{i:03d}"
        context = {k: v for k, v in (("condition", cond), ("stage", stage)) if v}
        items = [
            EvidenceItem(f"c{i}-{j}", f"doc{d}.txt", 0, 1, "p", "clinic-marketing", modality, None,
                         "ECO:0000204", 1 + (i + d) % 3, None, None, "x")
            for j, (d, modality) in enumerate(dict(support).items())
        ]  # fmt: skip
        statements[sid] = StatementEdge(sid, s, p, o, ONTO.predicates[p].sign, pol, context, items)
    kg = KnowledgeGraph(store=None, ontology=ONTO)
    kg._cache["network"] = network(statements, ONTO)
    return kg


def exhaustive(graph, start_list, scope, max_length) -> list[tuple]:
    """Every chain by plain enumeration (no distances, no priority queue), sorted by rank key."""
    rules, q = scope.rules, scope.question
    keys = []

    def walk(start, node, links, depth, visited):
        for _, nxt, key in graph.out_edges(node, keys=True):
            edge = statements(graph)[key]
            if not (rules.is_step(edge) and q.allows_context(edge)):
                continue
            path = (*links, edge)
            claims = [x for x in path if isinstance(x, StatementEdge)]
            ident = tuple(x.statement if isinstance(x, StatementEdge) else x.ident for x in path)
            end = q.end_of(edge)
            if end is not None and nxt not in visited:
                keys.append(rank_key(rules, start.inherited is None, claims, int(end[1] == BROADER), ident))
            if edge.object in q.conditions or nxt in visited:
                continue
            if depth + 1 < max_length and rules.passable(nxt):
                walk(start, nxt, path, depth + 1, visited | {nxt})

    for start in start_list:
        if start.node in graph:
            walk(start, start.node, start.prefix, 0, frozenset(start.nodes))
    return sorted(keys)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(edge_strategy, min_size=1, max_size=30),
    st.sampled_from(CELLS + ["UBERON:0002371"]),
    st.sampled_from(CONDITIONS),
    st.sampled_from([None, "msc:SevereStage"]),
    st.integers(1, 4),
    st.integers(1, 6),
)
def test_best_first_equals_exhaustive_ranking_and_chains_keep_the_rules(edges, source, condition, stage, length, cut):
    kg = synthetic_kg(edges)
    rules = Rules(ONTO)
    question = ask(ONTO, source, condition, stage=stage, max_length=length)
    start_list = starts(ONTO, question, [])
    graph = kg._cache["network"]
    expected = exhaustive(graph, start_list, Scope(rules, question), length)
    found = search(graph, start_list, Scope(rules, question), max_length=length, max_chains=10_000)
    assert [f.key for f in found.found] == expected and not found.more
    cut_short = search(graph, start_list, Scope(rules, question), max_length=length, max_chains=cut)
    assert [f.key for f in cut_short.found] == expected[:cut] and cut_short.more == (len(expected) > cut)
    plain = statement_graph(dict(statements(graph)))  # what a cold explanation walks, without NetworkX
    assert sorted(plain.edges(keys=True)) == sorted(graph.edges(keys=True))
    for node in graph:
        assert plain.out_edges(node, keys=True) == list(graph.out_edges(node, keys=True))
        assert plain.in_edges(node, keys=True) == list(graph.in_edges(node, keys=True))
    assert [f.key for f in search(plain, start_list, Scope(rules, question), max_length=length,
                                  max_chains=10_000).found] == expected  # fmt: skip

    result = explain(kg, source, condition, stage=stage, max_length=length)
    assert len(result.chains) == len(expected)
    seen_composed = False
    for chain in result.chains:
        claims = [s for s in chain.steps if s.kind == "claim"]
        assert 1 <= len(claims) <= length
        for a, b in zip(chain.steps, chain.steps[1:], strict=False):
            assert a.object == b.subject  # connected
        nodes = [chain.steps[0].subject] + [s.object for s in chain.steps]
        assert len(nodes) == len(set(nodes))  # cycle-free
        for step in claims:
            edge = graph.graph["statements"][step.statement]
            assert edge.polarity == "positive" and step.assertions
            assert {a["modality"] for a in step.assertions} <= {"asserted", "hedged"}  # superseded supports nothing
            assert edge.context.get("condition") in (None, *question.conditions)  # no borrowed condition
            assert stage is None or edge.context.get("stage") in (None, stage)
            for doc in chain.claimed_by:  # every claiming document affirms every step
                assert doc in {a["document"] for a in step.assertions}
        assert chain.composed == (not chain.claimed_by)
        seen_composed |= chain.composed
        assert not (seen_composed and not chain.composed)  # claimed chains first
        signs = [ONTO.chain_signs[s.predicate] for s in claims]
        assert chain.effect == effect(signs, ONTO.valence(chain.steps[-1].object))


def test_both_strategies_give_the_same_answer_on_the_fixture(project):
    full = msc_graph.load(build_dir=project.build, corpus=project.corpus, root=project.root)
    bounded = msc_graph.load(build_dir=project.build, corpus=project.corpus, root=project.root)
    bounded._cache.pop("network", None)
    for source, condition in [("bone marrow", "knee osteoarthritis"), ("bone marrow MSC", "osteoarthritis")]:
        a = full.explain(source, condition, strategy="full").to_dict()
        b = bounded.explain(source, condition, strategy="bounded").to_dict()
        assert a == b and a["chains"]
    assert "network" not in bounded._cache  # the bounded strategy never projected the graph
