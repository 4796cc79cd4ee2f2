"""The synthetic scale generator writes graphs in msc-graph's real model, deterministically,
and the bounded explanation search stays correct on its dense graphs."""

from __future__ import annotations

import hashlib
from collections import Counter

import pyoxigraph as ox
import pytest
from helpers import assert_summaries_match

from msc_graph.explain.rules import Rules
from msc_graph.graph import KnowledgeGraph
from msc_graph.io import sorted_ntriples
from msc_graph.ontology import tbox_graph
from msc_graph.project import queries_dir
from msc_graph.projection import statements
from msc_graph.sparql.vocabulary import ontology_from_store
from msc_graph.synthetic import generate


def _kg(path) -> KnowledgeGraph:
    store = ox.Store()
    store.bulk_load(path=str(path), format=ox.RdfFormat.N_TRIPLES)
    kg = KnowledgeGraph(store=store, ontology=None, queries_dir=queries_dir())  # type: ignore[arg-type]
    kg.ontology = ontology_from_store(kg.select)
    return kg


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    path = tmp_path_factory.mktemp("syn") / "syn.nt"
    info = generate(path, claims=3000, seed=11, tbox_ntriples=sorted_ntriples(tbox_graph()))
    return info, _kg(path)


def test_same_seed_same_bytes_other_seed_other_graph(tmp_path):
    digests = []
    for name, seed in (("a", 3), ("b", 3), ("c", 4)):
        generate(tmp_path / f"{name}.nt", claims=500, seed=seed)
        digests.append(hashlib.sha256((tmp_path / f"{name}.nt").read_bytes()).hexdigest())
    assert digests[0] == digests[1] != digests[2]


def test_counts_and_shape(synthetic):
    info, kg = synthetic
    assert info.claims == 3000
    _, rows = kg.select("SELECT (COUNT(?a) AS ?n) WHERE { ?a a msc:Assertion }")
    assert rows[0]["n"] == 3000
    assert info.statements < info.claims  # several assertions per statement
    per_doc = Counter(r["d"] for r in kg.select("SELECT ?d WHERE { ?a msc:inDocument ?d }")[1])
    assert len(per_doc) == info.documents
    sizes = sorted(per_doc.values())
    assert sizes[-1] > 3 * sizes[len(sizes) // 2]  # a long tail of large documents
    assert sizes[-1] < 0.2 * info.claims  # but no document holds the corpus


def test_popularity_is_skewed(synthetic):
    _, kg = synthetic
    rows = kg.select("SELECT ?s WHERE { ?st msc:subject ?s }")[1]
    counts = sorted(Counter(r["s"] for r in rows).values(), reverse=True)
    assert counts[0] > 10 * counts[len(counts) // 2]


def test_the_integrity_checks_pass_on_the_synthetic_graph(synthetic):
    _, kg = synthetic
    checks = [name for name, query in kg.queries().items() if query.is_violation_check]
    assert checks
    for name in checks:
        assert kg.query(name).rows == [], name


def test_every_term_has_a_category_of_the_real_ontology(synthetic):
    _, kg = synthetic
    onto = kg.ontology
    synthetic_terms = [t for c, t in onto.terms.items() if c.startswith("msc:syn")]
    assert len(synthetic_terms) > 2000 and all(t.category in onto.categories for t in synthetic_terms)


@pytest.mark.parametrize("pair", [(0, 0), (1, 3), (2, 1)])
def test_bounded_search_on_a_dense_graph_returns_real_chains_only(synthetic, pair):
    """On a dense graph the bounded search stops after ``max_chains`` paths, so it returns a
    subset of what the exhaustive search over the whole projection finds: never a chain that
    is not there, and always some chain when there is one."""
    _, kg = synthetic
    source, condition = f"synthetic cellsource {pair[0]}", f"synthetic condition {pair[1]}"
    bounded = kg.explain(source, condition, max_length=5, max_chains=20, strategy="bounded", budget=300)
    full = kg.explain(source, condition, max_length=5, max_chains=100_000, strategy="full")
    assert full.chains and bounded.chains

    def ident(chain):  # ranks differ: the bounded answer ranks only what it fetched
        return tuple(s.statement or f"{s.subject}>{s.object}" for s in chain.steps)

    everything = {ident(c): c for c in full.chains}
    for chain in bounded.chains:
        assert ident(chain) in everything
        twin = everything[ident(chain)]
        assert (chain.effect, chain.claimed_by, chain.specificity) == (twin.effect, twin.claimed_by, twin.specificity)


def test_the_skeleton_is_written_by_the_generator_read_once_and_matches_the_graph(synthetic):
    _, kg = synthetic
    kg._cache.pop("skeleton", None)
    kg.explain("synthetic cellsource 0", "synthetic condition 0", max_length=4, strategy="bounded")
    skeleton = kg._cache["skeleton"]
    kg.explain("synthetic cellsource 1", "synthetic condition 3", max_length=4, strategy="bounded")
    assert kg._cache["skeleton"] is skeleton  # read once per session
    steps = {(u, v, sid) for u, out in skeleton.successors.items() for v, sids in out.items() for sid in sids}
    assert {(u, v) for u, v, _ in steps} == {(u, v) for v, us in skeleton.predecessors.items() for u in us}
    edges = statements(kg.network()).values()  # the full projection, built from the statements themselves
    rules = Rules(kg.ontology)
    expected = {(d.subject, d.object, d.statement) for d in edges if rules.is_step(d)}
    assert steps == expected
    in_context = {(u, v) for pairs in skeleton.in_context.values() for u, v in pairs}
    assert in_context == {(d.subject, d.object) for d in edges if rules.is_step(d) and "condition" in d.context}


def test_the_generator_writes_the_summaries_the_build_would(synthetic):
    _, kg = synthetic
    assert_summaries_match(kg)
