from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from fixture_project import Project

BIN = Path(sys.executable).parent / "msc-graph"


def run_cli(project: Project | None, *args: str, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    """Run the real console script as a user would."""
    env = project.env() if project else None
    return subprocess.run(
        [str(BIN), *args], capture_output=True, text=True, env=env, timeout=timeout, stdin=subprocess.DEVNULL
    )


#: the parameters the suite binds to each named query on the real graph (who-claims: see params_for)
PARAMS = {
    "entity-claims": {"entity": "macrophage"},
    "secreted-by": {"cell": "bone marrow"},
    "factors-acting-on-target": {"target": "macrophage"},
    "condition-outcomes": {"condition": "knee osteoarthritis"},
    "evidence-summary": {"condition": "osteoarthritis"},
    "subclasses": {"class": "mesenchymal stem cell"},
    "terms-of-category": {"category": "CellSource"},
    "who-claims": {"statement": None},
    "hedged-claims": {"document": "002"},
    "negated-claims": {"document": "004"},
    "doses-routes-sizes": {"document": "003"},
    "source-specific-claims": {"document": "001"},
    "commercial-only": {"subject": "mesenchymal stem cell"},
    "single-document": {"subject": "mesenchymal stem cell"},
    "entity-conflicts": {"entity": "mesenchymal stem cell"},
    "assertion-without-anchor-violation": {"document": "003"},
    "assertion-without-provenance-violation": {"document": "003"},
    "negation-polarity-violation": {"document": "004"},
    "claims": {
        "subject": "mesenchymal stem cell",
        "predicate": "produces",
        "object": "IL-10",
        "document": "003",
        "speaker": "medical-tourism-site",
        "modality": "asserted",
    },
}


def params_for(kg, name: str) -> dict:
    """The test parameters of a named query, with a real statement id for who-claims."""
    params = dict(PARAMS.get(name, {}))
    if name == "who-claims":
        params["statement"] = kg.claims()[0]["statement"]
    return params


def assert_summaries_match(kg) -> None:
    """The summary triples in ``kg``'s store are exactly what :mod:`msc_graph.summaries` derives from
    the statements and assertions of the same store (read with the projection query)."""
    from msc_graph.namespaces import iri_to_curie
    from msc_graph.sparql.statements import fetch_projection
    from msc_graph.summaries import Skeleton, StatementFacts, statement_summary, summary_rules, term_iri

    onto = kg.ontology
    network = fetch_projection(kg.select, onto)
    skeleton = Skeleton(summary_rules(onto))
    expected = {}
    for sid, edge in network.graph["statements"].items():
        facts = StatementFacts(
            sid, edge.subject, onto.predicates[edge.predicate].curie, edge.object, edge.polarity, dict(edge.context),
            [(a.document, iri_to_curie(onto.value("Modality", a.modality)), a.evidence_type) for a in edge.assertions],
        )  # fmt: skip
        expected[sid] = statement_summary(facts)
        skeleton.add(facts)
    rows = kg.select("SELECT ?s ?v WHERE { ?s msc:statementSummary ?v }")[1]
    assert {r["s"].rsplit("/", 1)[-1]: r["v"] for r in rows} == expected
    rows = kg.select("SELECT ?s ?p ?v WHERE { VALUES ?p { msc:stepEdges msc:caveatStatements } ?s ?p ?v }")[1]
    stored = {(term_iri(r["s"]), term_iri(r["p"]), r["v"]) for r in rows}
    assert stored == set(skeleton.triples())
