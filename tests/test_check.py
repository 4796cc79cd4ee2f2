"""msc-graph check: green on good data, red with a precise message on each broken fixture."""

from __future__ import annotations

from pathlib import Path

import pytest
from fixture_project import default_claims, make_project
from helpers import run_cli
from rdflib import Literal, URIRef

from msc_graph.check import check_hermit, check_shacl, copied_run, run_check
from msc_graph.compile import compile_graph
from msc_graph.corpus import Corpus
from msc_graph.io import canonical_graph, rdf_xml
from msc_graph.namespaces import ASSERTION, MSC
from msc_graph.ontology import tbox_graph

REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference"


def test_check_is_green_on_the_fixture(project):
    result = run_cli(project, "check", "--reference", str(REFERENCE))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "check: ok" in result.stdout
    assert "integrity: ok" in result.stdout  # the -violation queries ran over the built graph
    assert "hermit: ok" in result.stdout and "shacl: ok" in result.stdout


def test_shacl_catches_an_assertion_without_party(project):
    graph, _ = compile_graph(project.ontology, corpus=Corpus(project.corpus))
    graph.remove((ASSERTION["t001-c001"], MSC.creditedParty, None))
    problems = check_shacl(graph, project.ontology / "shapes.ttl")
    assert any("t001-c001" in p and "no credited party" in p for p in problems)


def test_shacl_catches_ungrounded_subject(project):
    graph, curation = compile_graph(project.ontology, corpus=Corpus(project.corpus))
    statement = next(iter(graph.subjects(MSC.subject, None)))
    graph.set((statement, MSC.subject, URIRef("http://example.org/not-a-term")))
    problems = check_shacl(graph, project.ontology / "shapes.ttl")
    assert any("not grounded" in p for p in problems)


def test_shacl_catches_a_bad_span_hash(project):
    graph, _ = compile_graph(project.ontology, corpus=Corpus(project.corpus))
    target = URIRef(str(ASSERTION["t001-c002"]) + "/target")
    graph.set((target, MSC.spanSha256, Literal("not-a-hash")))
    assert check_shacl(graph, project.ontology / "shapes.ttl")


def test_hermit_finds_an_inconsistent_tbox(project):
    tbox = tbox_graph(project.ontology)
    assert check_hermit(rdf_xml(canonical_graph(tbox))) == []
    (project.ontology / "broken.ttl").write_text(
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        "@prefix obo: <http://purl.obolibrary.org/obo/> .\n"
        "@prefix ex: <http://example.org/> .\n"
        "obo:CL_0000134 owl:disjointWith obo:CL_0000034 .\n"
        "ex:x a obo:CL_0000134 .\n"
    )
    problems = check_hermit(rdf_xml(canonical_graph(tbox_graph(project.ontology))))
    assert problems == ["the TBox is inconsistent under HermiT"]


def test_copied_paraphrase_is_flagged(tmp_path):
    claims = default_claims()
    claims["f002_beta"]["claims"][1]["paraphrase"] = "Inflammation drives knee osteoarthritis, the page says."
    claims["f001_alpha"]["claims"][0]["paraphrase"] = (
        "Bone marrow stem cells release interleukin ten into the knee joint."
    )
    project = make_project(tmp_path, claims)
    report = run_check(
        corpus=Corpus(project.corpus), reference_folder=None, hermit=False, ontology_directory=project.ontology
    )
    assert any("t001-c001" in p and "copies the source" in p for p in report.sections["paraphrase"])
    assert copied_run("a b c d e f g h", "x a b c d e f g h y") == "a b c d e f g h"


def test_wrong_obo_label_is_caught(tmp_path, project):
    terms = project.ontology / "terms.ttl"
    text = terms.read_text().replace('rdfs:label "chondrocyte"', 'rdfs:label "cartilage cell"')
    terms.write_text(text)
    report = run_check(corpus=None, reference_folder=REFERENCE, hermit=False, ontology_directory=project.ontology)
    assert any("label mismatch for CL:0000138" in p for p in report.sections["terms"])


def test_obsolete_obo_term_is_caught(project):
    (project.ontology / "extra.ttl").write_text(
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n@prefix obo: <http://purl.obolibrary.org/obo/> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n@prefix msc: <https://w3id.org/msc-graph/> .\n"
        'obo:GO_0070997 a owl:Class ; rdfs:label "neuron death" ; msc:category msc:Mechanism .\n'
    )
    report = run_check(corpus=None, reference_folder=REFERENCE, hermit=False, ontology_directory=project.ontology)
    assert any("obsolete OBO term GO:0070997" in p for p in report.sections["terms"])


@pytest.mark.skipif(not REFERENCE.is_dir(), reason="needs ../shared/reference")
def test_check_cli_red_exit_code_1(project):
    (project.ontology / "extra.ttl").write_text(
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n@prefix obo: <http://purl.obolibrary.org/obo/> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n@prefix msc: <https://w3id.org/msc-graph/> .\n"
        'obo:CL_9999999 a owl:Class ; rdfs:label "made up" ; msc:category msc:CellType .\n'
    )
    result = run_cli(project, "check", "--no-hermit", "--reference", str(REFERENCE))
    assert result.returncode == 1
    assert "unknown OBO term CL:9999999" in result.stderr


def _report(tmp_path, claims):
    project = make_project(tmp_path, claims)
    return run_check(
        corpus=Corpus(project.corpus), reference_folder=None, hermit=False, ontology_directory=project.ontology
    )


def test_a_relation_outside_its_kinds_is_rejected_with_the_relation_that_fits(tmp_path):
    claims = default_claims()
    claims["f001_alpha"]["claims"][1].update(predicate="increases", object="M2 macrophage")
    problems = _report(tmp_path, claims).sections["kinds"]
    assert len(problems) == 1
    assert problems[0].startswith("ontology/claims/f001_alpha.yaml:") or "f001_alpha.yaml:" in problems[0]
    assert "claim t001-c002" in problems[0] and "'M2 macrophage' (CL:0000890) is a material" in problems[0]
    assert "use 'increases_activity' or 'increases_quantity'" in problems[0]


def test_the_fixture_claims_fit_their_relations(tmp_path):
    assert _report(tmp_path, default_claims()).sections["kinds"] == []


def test_a_risk_claim_about_a_therapy_class_needs_its_scope(tmp_path):
    claims = default_claims()
    risk = dict(
        claims["f002_beta"]["claims"][1],
        id="t002-c003",
        subject="stem cell therapy",
        predicate="has_risk",
        object="tumor formation",
    )
    claims["f002_beta"]["claims"].append(risk)
    problems = _report(tmp_path, claims).sections["scope"]
    assert len(problems) == 1 and "claim t002-c003" in problems[0] and "'status'" in problems[0]
    risk["context"] = {"status": "commercially offered unproven product"}
    assert _report(tmp_path / "scoped", claims).sections["scope"] == []


def test_check_cli_names_the_claim_outside_its_kinds(tmp_path):
    claims = default_claims()
    claims["f001_alpha"]["claims"][1].update(predicate="decreases", object="T cell")
    project = make_project(tmp_path, claims)
    result = run_cli(project, "check", "--no-hermit")
    assert result.returncode == 1
    assert "t001-c002" in result.stderr and "decreases_quantity" in result.stderr


def test_the_reasoner_finds_a_process_used_as_a_cell(tmp_path):
    """The upper kinds are disjoint: a cell type placed under a process, or a process used where a
    relation needs a material thing, fails check with the reasoner's explanation."""
    claims = default_claims()
    claims["f001_alpha"]["claims"][0]["subject"] = "inflammation"  # a process that 'produces' IL-10
    project = make_project(tmp_path, claims)
    (project.ontology / "extra.ttl").write_text(
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n@prefix obo: <http://purl.obolibrary.org/obo/> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n@prefix msc: <https://w3id.org/msc-graph/> .\n"
        'msc:InflamedCell a owl:Class ; rdfs:label "inflamed cell" ; msc:category msc:CellType ;\n'
        '    obo:IAO_0000115 "A test term." ; rdfs:subClassOf obo:GO_0006954 .\n'
    )
    report = run_check(corpus=None, reference_folder=None, hermit=True, ontology_directory=project.ontology)
    hermit = report.sections["hermit"]
    assert any(
        "'inflamed cell' (msc:InflamedCell) is a material" in p
        and "'inflammatory response' (GO:0006954) is a process" in p
        for p in hermit
    ), hermit
    assert any("claim t001-c001" in p and "f001_alpha.yaml:" in p and "'produces' needs it" in p for p in hermit), (
        hermit
    )
    assert len(hermit) == 2
