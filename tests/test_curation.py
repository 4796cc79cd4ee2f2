"""Curated files: the fixture loads; each class of bad input is caught with one precise line."""

from __future__ import annotations

import pytest
import yaml
from fixture_project import default_claims, make_project
from helpers import run_cli

from msc_graph.corpus import Corpus
from msc_graph.curation import load_curation
from msc_graph.errors import CurationError


def test_fixture_loads(project):
    curation, problems = load_curation(project.ontology, corpus=Corpus(project.corpus))
    assert problems == []
    assert {a.id for a in curation.assertions} == {"t001-c001", "t001-c002", "t001-c003", "t002-c001", "t002-c002"}
    first = next(a for a in curation.assertions if a.id == "t001-c001")
    assert first.statement.subject == "CL:0002540"  # resolved from the synonym 'bone marrow MSC'
    assert first.statement.context.get("site") == "UBERON:0001485"
    assert first.speaker == "clinic-marketing"  # the document's default
    negated = next(a for a in curation.assertions if a.id == "t001-c003")
    assert (negated.statement.polarity, negated.modality, negated.cue) == ("negative", "negated", "cannot")


def _break(tmp_path, doc, edit):
    claims = default_claims()
    edit(claims[doc])
    return make_project(tmp_path, claims)


def _set_claim(index, **fields):
    def edit(data):
        data["claims"][index].update(fields)

    return edit


def _drop(index, key):
    def edit(data):
        del data["claims"][index][key]

    return edit


BAD_INPUTS = {
    "unknown term": (_set_claim(0, object="interleukin 1O"), "unknown term 'interleukin 1O'; did you mean"),
    "unknown predicate": (_set_claim(0, predicate="secretes_into"), "unknown predicate 'secretes_into'"),
    "offsets out of range": (_set_claim(0, anchor={"start": 5, "end": 99999, "sha256": "a" * 64}), "out of range"),
    "span hash mismatch": (_set_claim(1, anchor={"start": 0, "end": 10, "sha256": "b" * 64}), "has SHA-256"),
    "duplicate ids": (_set_claim(1, id="t001-c001"), "duplicate id 't001-c001'"),
    "missing provenance": (_drop(0, "party"), "missing provenance: party"),
    "unknown party": (_set_claim(0, party="publsher"), "unknown party 'publsher'; did you mean 'publisher'?"),
    "unknown field": (_set_claim(0, paraprase="x"), "unknown field 'paraprase'; did you mean 'paraphrase'?"),
    "negated but positive": (_set_claim(2, polarity="positive"), "modality 'negated' needs polarity: negative"),
    "hedged without cue": (_drop(1, "cue"), "needs its cue word"),
    "negative stated as fact": (
        _set_claim(0, polarity="negative"),
        "modality 'asserted' does not go with polarity: negative; use one of negated, hedged, questioned, superseded",
    ),
    "wrong category in context": (
        _set_claim(0, context={"site": "IL-10"}),
        "expected a cell source or target structure",
    ),
    "absence of evidence as a denial": (
        _set_claim(2, modality="not-reported"),
        "modality 'not-reported' needs polarity: positive",
    ),
    "superseded without cue": (_set_claim(0, modality="superseded"), "modality 'superseded' needs its cue word"),
    "unknown context key": (_set_claim(0, context={"populaton": "x"}), "unknown field 'populaton'; did you mean"),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_is_one_precise_line(tmp_path, case):
    edit, expected = BAD_INPUTS[case]
    project = _break(tmp_path, "f001_alpha", edit)
    result = run_cli(project, "build")
    assert result.returncode == 2, result.stderr
    first = result.stderr.strip().splitlines()[0]
    assert first.startswith("msc-graph: ")
    assert "f001_alpha.yaml:" in first  # names the file and line
    assert expected in first
    assert "Traceback" not in result.stderr
    assert not project.build.exists()  # nothing half-written


def test_malformed_yaml_names_the_line(tmp_path, project):
    path = project.claim_file("f002_beta")
    lines = path.read_text().splitlines()
    lines.insert(3, "  - id: [unclosed")
    path.write_text("\n".join(lines) + "\n")
    result = run_cli(project, "validate")
    assert result.returncode == 2
    assert "malformed YAML" in result.stderr and "f002_beta.yaml:" in result.stderr
    assert "Traceback" not in result.stderr


def test_failed_build_leaves_previous_build_untouched(tmp_path, project):
    assert run_cli(project, "build").returncode == 0
    before = {p.name: p.read_bytes() for p in project.build.iterdir()}
    data = yaml.safe_load(project.claim_file("f002_beta").read_text())
    data["claims"][0]["subject"] = "no such cell"
    project.claim_file("f002_beta").write_text(yaml.safe_dump(data))
    result = run_cli(project, "build")
    assert result.returncode == 2
    assert {p.name: p.read_bytes() for p in project.build.iterdir()} == before


def test_all_problems_are_reported_each_on_one_line(tmp_path):
    claims = default_claims()
    claims["f001_alpha"]["claims"][0]["object"] = "interleukin 1O"
    claims["f002_beta"]["claims"][1]["predicate"] = "drives"
    project = make_project(tmp_path, claims)
    with pytest.raises(CurationError) as err:
        load_curation(project.ontology, corpus=Corpus(project.corpus))
    messages = [str(p) for p in err.value.problems]
    assert len(messages) == 2 and all("\n" not in m for m in messages)
    assert any("t001-c001" in m for m in messages) and any("t002-c002" in m for m in messages)


def test_document_drift_is_detected(tmp_path, project):
    (project.corpus / "f002_beta.txt").write_text("Edited text.\n")
    result = run_cli(project, "validate")
    assert result.returncode == 2
    assert "the source changed" in result.stderr


def test_absence_of_evidence_and_superseded_views_claim_nothing(tmp_path):
    """'None reported' and 'it was long thought' are recorded, but they neither materialise a
    direct edge nor take part in a conflict: only affirming and denying assertions do."""
    from rdflib import Graph, URIRef

    from msc_graph.compile import compile_abox, conflicts
    from msc_graph.namespaces import curie_to_iri
    from msc_graph.ontology import load_ontology

    claims = default_claims()
    # t002-c001 (positive: marrow cells regrow cartilage) conflicts with t001-c003 (negated) as curated
    project = make_project(tmp_path, claims)
    onto = load_ontology(project.ontology)
    curation, _ = load_curation(project.ontology, corpus=Corpus(project.corpus))
    assert conflicts(curation, onto)
    for modality, cue in (("not-reported", "no report"), ("superseded", "was thought")):
        claims = default_claims()
        claims["f002_beta"]["claims"][0].update(modality=modality, cue=cue)
        project = make_project(tmp_path / modality, claims)
        onto = load_ontology(project.ontology)
        curation, problems = load_curation(project.ontology, corpus=Corpus(project.corpus), strict=False)
        assert problems == []
        statement = next(a.statement for a in curation.assertions if a.id == "t002-c001")
        assert conflicts(curation, onto) == set(), modality
        graph: Graph = compile_abox(curation, onto)
        direct = (URIRef(curie_to_iri(statement.subject)), None, URIRef(curie_to_iri(statement.object)))
        assert not list(graph.triples(direct)), modality
