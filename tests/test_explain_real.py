"""Explanations on the real curated graph: expectations written from the documents
(tests/data/explain_expectations.yaml), and invariants over every source x condition pair
the documents discuss (effects agree with signs and valence, claimed chains first, no step
borrowed from another condition, nothing supported by a view a document does not claim)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

import msc_graph
from msc_graph.explain import EFFECTS, effect
from msc_graph.explain.result import ASSERTION_KEYS, CHAIN_KEYS, STEP_KEYS, SUMMARY_KEYS, TOP_KEYS

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
EXPECTATIONS = yaml.safe_load((ROOT / "tests" / "data" / "explain_expectations.yaml").read_text())


@pytest.fixture(scope="module")
def kg():
    return msc_graph.load(corpus=CORPUS if CORPUS.is_dir() else None)


def _entry_id(entry) -> str:
    return f"{entry['source']} x {entry['condition']}"


def _step_key(onto, triple) -> tuple[str, str, str]:
    subject, predicate, obj = triple
    return onto.resolve(subject).curie, onto.predicate(predicate).key, onto.resolve(obj).curie


def _cites(entry):
    for item in [*entry.get("expect", []), *entry.get("forbid", []), *entry.get("denied", [])]:
        yield item["cite"]


def test_the_expectations_cover_ten_pairs_and_cite_sentences():
    assert len({_entry_id(e) for e in EXPECTATIONS}) >= 10
    for entry in EXPECTATIONS:
        for cite in _cites(entry):
            assert cite["end"] - cite["start"] <= 200  # a fragment, never a copied passage
            assert len(cite["words"].split()) <= 7


@pytest.mark.skipif(not CORPUS.is_dir(), reason="needs ../shared/corpus")
@pytest.mark.parametrize("entry", EXPECTATIONS, ids=_entry_id)
def test_every_citation_points_at_its_sentence(entry):
    for cite in _cites(entry):
        text = (CORPUS / cite["file"]).read_text(encoding="utf-8")
        assert text[cite["start"] : cite["end"]].startswith(cite["words"]), cite


@pytest.mark.parametrize("entry", EXPECTATIONS, ids=_entry_id)
def test_what_the_documents_claim(kg, entry):
    onto = kg.ontology
    result = kg.explain(entry["source"], entry["condition"])
    claimed = result.claimed
    for item in entry.get("expect", []):
        wanted = _step_key(onto, item["step"])
        hits = [
            (i, chain, step)
            for i, chain in enumerate(claimed[: item["within"]], 1)
            for step in chain.claim_steps
            if (step.subject, step.predicate, step.object) == wanted
        ]
        assert hits, f"{item['step']} not among the first {item['within']} claimed chains"
        _, chain, step = hits[0]
        assert chain.effect == item["effect"], (item["step"], chain.text())
        if "specificity" in item:
            assert chain.specificity == item["specificity"], chain.text()
        if "claimed_by" in item:
            assert item["claimed_by"] in chain.claimed_by
        if "stage_specific" in item:
            assert step.stage_specific == item["stage_specific"]
    steps = [(s.subject, s.predicate, s.object) for c in result.chains for s in c.claim_steps]
    supports = {a["claim"] for c in result.chains for s in c.steps for a in s.assertions}
    for item in entry.get("forbid", []):
        if "step" in item:
            assert _step_key(onto, item["step"]) not in steps, item["why"]
        if "claim" in item:
            assert item["claim"] not in supports, item["why"]
    denied = {a["claim"] for d in result.denied for a in d["assertions"]}
    for item in entry.get("denied", []):
        assert item["claim"] in denied


def _pairs(kg):
    sources = sorted(
        {r["curie"] for r in kg.entities(category="CellSource") if kg.query("entity-claims", entity=r["curie"]).rows}
        | {"CL:0000134"}
    )
    conditions = sorted(
        {
            r["curie"]
            for r in kg.entities(category="Condition")
            if len(kg.query("entity-claims", entity=r["curie"])) >= 3
        }
    )
    return [(s, c) for s in sources for c in conditions]


def test_every_answer_keeps_the_rules(kg):
    """For every cell source the documents name and every condition they discuss: each chain's
    effect is its signs composed with its end's valence; claimed chains come before composed
    ones and each claiming document affirms every claim step; no step is claimed for another
    condition; only affirming assertions support a step; the JSON has its contract's keys."""
    onto = kg.ontology
    pairs = _pairs(kg)
    assert len(pairs) >= 60
    checked = 0
    for source, condition in pairs:
        result = kg.explain(source, condition)
        question = result.question
        data = result.to_dict()
        assert tuple(data) == TOP_KEYS
        seen_composed = False
        for chain, chain_data in zip(result.chains, data["chains"], strict=True):
            assert tuple(chain_data) == CHAIN_KEYS and chain.effect in EFFECTS
            claims = chain.claim_steps
            mechanism = [s for s in claims if s.kind == "claim"]
            signs = [onto.chain_signs[s.predicate] for s in mechanism]
            assert chain.effect == effect(signs, onto.valence(chain.steps[-1].object)), chain.text()
            if chain.effect != "not stated":  # then every sign and the end's valence are stated
                assert all(signs) and onto.valence(chain.steps[-1].object) in ("harmful", "protective")
            assert chain.composed == (not chain.claimed_by)
            seen_composed |= chain.composed
            assert not (seen_composed and not chain.composed), "a claimed chain after a composed one"
            for step, step_data in zip(chain.steps, chain_data["steps"], strict=True):
                assert tuple(step_data) == STEP_KEYS
                if not step.is_claim:
                    continue
                assert step.assertions and all(onto.stance[a["modality"]] == "affirms" for a in step.assertions)
                assert all(tuple(a)[: len(ASSERTION_KEYS)] == ASSERTION_KEYS for a in step_data["assertions"])
                condition_context = step.context.get("condition", {}).get("value")
                assert condition_context in (None, *question.conditions), (step.subject, step.object)
                for doc in chain.claimed_by:
                    assert doc in step.documents
            checked += 1
        for entry in data["summary"]:
            assert tuple(entry) == SUMMARY_KEYS
    assert checked > 1000


def test_the_readme_documents_the_json_contract():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### The JSON answer") :]
    section = section[: section.index("\n## ")]
    documented = set(re.findall(r"`([a-z_]+)`", section))
    for keys in (TOP_KEYS, CHAIN_KEYS, STEP_KEYS, ASSERTION_KEYS, SUMMARY_KEYS, ("quote",)):
        assert set(keys) <= documented, set(keys) - documented


def test_the_summaries_of_the_curated_graph_match_its_claims(kg):
    from helpers import assert_summaries_match

    assert_summaries_match(kg)
