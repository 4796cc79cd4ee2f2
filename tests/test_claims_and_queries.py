"""Claims listing, coverage and the SPARQL query library."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import run_cli

from msc_graph.sparql.named import load_queries

QUERIES = Path(__file__).resolve().parents[1] / "queries"


def test_claims_jsonl_has_every_field(project):
    result = run_cli(project, "claims", "--format", "jsonl")
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 5
    required = {
        "statement",
        "subject",
        "subject_label",
        "predicate",
        "predicate_label",
        "object",
        "object_label",
        "polarity",
        "modality",
        "document",
        "start",
        "end",
        "party",
        "speaker",
        "evidence_type",
        "studies",
        "patients",
        "follow_up",
        "reference",
        "paraphrase",
    }
    assert required <= set(rows[0])
    trial = next(r for r in rows if r["claim"] == "t002-c001")
    assert trial["document"] == "f002_beta.txt" and trial["patients"] == 12 and trial["party"] == "a small trial"


@pytest.mark.parametrize(
    "option,value,expected",
    [
        ("--subject", "bone marrow MSC", {"t001-c001", "t002-c001"}),
        ("--object", "inflammation", {"t001-c002"}),
        ("--predicate", "decreases", {"t001-c002"}),
        ("--document", "f002", {"t002-c001", "t002-c002"}),
        ("--party", "trial", {"t002-c001"}),
        ("--modality", "negated", {"t001-c003"}),
        ("--speaker", "clinic-marketing", {"t001-c001", "t001-c002", "t001-c003", "t002-c001", "t002-c002"}),
    ],
)
def test_claims_filters(project, option, value, expected):
    result = run_cli(project, "claims", option, value, "--format", "json")
    assert result.returncode == 0, result.stderr
    assert {r["claim"] for r in json.loads(result.stdout)} == expected


def test_absence_of_evidence_is_listed_and_queryable_apart_from_denials(tmp_path):
    from fixture_project import default_claims, make_project

    claims = default_claims()
    claims["f002_beta"]["claims"][1].update(modality="not-reported", cue="no ... reported")
    project = make_project(tmp_path, claims)
    absent = json.loads(run_cli(project, "claims", "--modality", "not-reported", "--format", "json").stdout)
    assert [(r["claim"], r["modality"], r["polarity"]) for r in absent] == [("t002-c002", "not-reported", "positive")]
    negated = json.loads(run_cli(project, "claims", "--modality", "negated", "--format", "json").stdout)
    assert {r["claim"] for r in negated} == {"t001-c003"}


def test_claims_unknown_filter_value_exits_2(project):
    result = run_cli(project, "claims", "--subject", "bone marow MSC")
    assert result.returncode == 2 and "did you mean" in result.stderr


def test_coverage_complete_then_lists_the_uncovered_sentence(project, tmp_path):
    result = run_cli(project, "coverage", "--format", "json")
    assert result.returncode == 0
    assert all(r["share"] == 1.0 for r in json.loads(result.stdout))
    from fixture_project import default_claims, make_project

    claims = default_claims()
    del claims["f001_alpha"]["skip"]
    broken = make_project(tmp_path / "b", claims)
    result = run_cli(broken, "coverage")
    assert result.returncode == 1
    assert "uncovered f001_alpha" in result.stdout and "Home | Contact" in result.stdout
    assert "75.0%" in result.stdout


def test_every_query_file_has_a_header_and_parses():
    queries = load_queries(QUERIES)
    assert "claims" in queries
    for query in queries.values():
        assert query.title and query.question and query.returns


def test_query_refuses_updates_and_reports_syntax_errors(project, tmp_path):
    bad = tmp_path / "bad.rq"
    bad.write_text("# title: t\n# question: q\n# returns: r\nSELECT ?x WHERE { ?x ?y }\n")
    result = run_cli(project, "query", str(bad))
    assert result.returncode == 2 and "invalid SPARQL" in result.stderr
    update = tmp_path / "update.rq"
    update.write_text("# title: t\n# question: q\n# returns: r\nDELETE WHERE { ?s ?p ?o }\n")
    result = run_cli(project, "query", str(update))
    assert result.returncode == 2 and "refused" in result.stderr
