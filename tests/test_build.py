"""The build: deterministic, complete, lossless, with conflicts and direct edges."""

from __future__ import annotations

import json

import rdflib
from fixture_project import make_project
from helpers import run_cli
from rdflib.compare import isomorphic

from msc_graph.build import build
from msc_graph.compile import compile_graph, conflicts, decompile
from msc_graph.corpus import Corpus
from msc_graph.curation import load_curation
from msc_graph.namespaces import OBO
from msc_graph.ontology import load_ontology


def test_build_is_byte_for_byte_deterministic(tmp_path, project):
    import os
    import subprocess
    import sys

    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / f"out{seed}"
        env = {**project.env(), "PYTHONHASHSEED": seed}
        subprocess.run(
            [sys.executable, "-m", "msc_graph", "build", "--output", str(out)], env=env, check=True, capture_output=True
        )
        outputs.append({p.name: p.read_bytes() for p in sorted(out.iterdir())})
    assert outputs[0] == outputs[1]
    assert set(outputs[0]) == {
        "msc-graph.ttl",
        "msc-graph.nt",
        "msc-graph.owl",
        "msc-graph.jsonld",
        "tbox.owl",
        "manifest.json",
        "network.json",
    }
    assert os.environ.get("PYTHONHASHSEED") != "x"


def test_all_serialisations_hold_the_same_graph(tmp_path, project):
    result = build(tmp_path / "b", ontology_directory=project.ontology, corpus=Corpus(project.corpus))
    graphs = {
        fmt: rdflib.Graph().parse(result.files[key], format=fmt)
        for key, fmt in (("ttl", "turtle"), ("nt", "nt"), ("owl", "xml"), ("jsonld", "json-ld"))
    }
    reference = graphs.pop("nt")
    assert len(reference) == result.triples
    for fmt, graph in graphs.items():
        assert isomorphic(graph, reference), fmt
    manifest = json.loads(result.files["manifest"].read_text())
    assert manifest["assertions"] == 5 and manifest["statements"] == 5


def test_round_trip_claims_rdf_claims_loses_nothing(project):
    corpus = Corpus(project.corpus)
    graph, curation = compile_graph(project.ontology, corpus=corpus)
    back = decompile(graph, load_ontology(project.ontology))
    original = curation.as_dict()
    for record in original["assertions"] + original["skips"]:
        record["source"] = None
    assert back.as_dict() == original


def test_round_trip_through_every_file_format(tmp_path, project):
    corpus = Corpus(project.corpus)
    result = build(tmp_path / "b", ontology_directory=project.ontology, corpus=corpus)
    curation, _ = load_curation(project.ontology, corpus=corpus)
    original = curation.as_dict()
    for record in original["assertions"] + original["skips"]:
        record["source"] = None
    for key, fmt in (("ttl", "turtle"), ("owl", "xml"), ("jsonld", "json-ld")):
        graph = rdflib.Graph().parse(result.files[key], format=fmt)
        assert decompile(graph, load_ontology(project.ontology)).as_dict() == original, fmt


def test_same_statement_from_two_documents_is_one_node(tmp_path):
    from fixture_project import anchor, default_claims

    claims = default_claims()
    claims["f002_beta"]["claims"].append(
        {
            "id": "t002-c003",
            "subject": "CL:0002540",
            "predicate": "produces",
            "object": "PR:000001471",
            "context": {"site": "knee"},
            "modality": "asserted",
            "party": "publisher",
            "evidence": "ECO:0000204",
            "anchor": anchor("f002_beta", "Inflammation drives knee osteoarthritis."),
            "paraphrase": "Repeated here only to test statement identity across documents.",
        }
    )
    project = make_project(tmp_path, claims)
    curation, _ = load_curation(project.ontology, corpus=Corpus(project.corpus))
    ids = {a.id: a.statement.id for a in curation.assertions}
    assert ids["t002-c003"] == ids["t001-c001"]
    assert len(curation.statements()) == len(curation.assertions) - 1


def test_conflicts_and_direct_edges(project):
    corpus = Corpus(project.corpus)
    graph, curation = compile_graph(project.ontology, corpus=corpus)
    by_id = {a.id: a.statement.id for a in curation.assertions}
    pairs = conflicts(curation, load_ontology(project.ontology))
    assert tuple(sorted((by_id["t001-c003"], by_id["t002-c001"]))) in pairs  # curated conflict
    bm_msc, il10 = OBO["CL_0002540"], OBO["PR_000001471"]
    assert (bm_msc, OBO["RO_0003000"], il10) in graph  # positive statement: direct edge
    stem, repair = OBO["CL_0000034"], rdflib.URIRef("https://w3id.org/msc-graph/CartilageRepair")
    assert (stem, OBO["RO_0002304"], repair) not in graph  # negated statement: no direct edge
    assert (stem, None, None) not in graph or all(o != repair for o in graph.objects(stem, OBO["RO_0002304"]))


def test_opposite_polarity_is_detected_automatically(tmp_path):
    from fixture_project import anchor, default_claims

    claims = default_claims()
    claims["f002_beta"]["claims"].append(
        {
            "id": "t002-c003",
            "subject": "stem cell",
            "predicate": "increases",
            "object": "cartilage repair",
            "modality": "asserted",
            "party": "publisher",
            "evidence": "ECO:0000204",
            "anchor": anchor("f002_beta", "Inflammation drives knee osteoarthritis."),
            "paraphrase": "A positive counterpart of the negated fixture claim, with no stage given.",
        }
    )
    project = make_project(tmp_path, claims)
    corpus = Corpus(project.corpus)
    curation, _ = load_curation(project.ontology, corpus=corpus)
    ids = {a.id: a.statement.id for a in curation.assertions}
    pairs = conflicts(curation, load_ontology(project.ontology))
    assert tuple(sorted((ids["t001-c003"], ids["t002-c003"]))) in pairs


def test_cli_build_reports_counts(project):
    result = run_cli(project, "build")
    assert result.returncode == 0, result.stderr
    assert "5 assertions" in result.stdout


def test_a_denial_about_a_general_class_or_stage_meets_the_claims_it_covers(tmp_path):
    """'Stem cells cannot rebuild cartilage in bone-on-bone joints' (t001-c003: stem cell, severe stage)
    conflicts with 'marrow MSCs regrow cartilage in severe arthritis' (a subclass, the same stage)
    without a curator's link; not with a claim about another stage, and a denial about a subclass
    never meets a claim about its superclass."""
    from fixture_project import anchor, default_claims

    claims = default_claims()
    del claims["f002_beta"]["claims"][0]["conflicts_with"]
    other = dict(claims["f002_beta"]["claims"][0])
    claims["f002_beta"]["claims"] += [
        dict(
            other,
            id="t002-c003",
            subject="MSC",
            context={"stage": "mild stage"},
            anchor=anchor("f002_beta", "Inflammation drives knee osteoarthritis."),
            paraphrase="Fixture: a regrowth claim in mild disease.",
        ),
        dict(
            other,
            id="t002-c004",
            subject="MSC",
            context={},
            anchor=anchor("f002_beta", "Inflammation drives knee osteoarthritis."),
            paraphrase="Fixture: a regrowth claim with no stage.",
        ),
    ]
    project = make_project(tmp_path, claims)
    curation, _ = load_curation(project.ontology, corpus=Corpus(project.corpus))
    ids = {a.id: a.statement.id for a in curation.assertions}
    pairs = conflicts(curation, load_ontology(project.ontology))
    denial = ids["t001-c003"]
    assert tuple(sorted((denial, ids["t002-c001"]))) in pairs  # subclass, same stage
    assert tuple(sorted((denial, ids["t002-c004"]))) in pairs  # subclass, stage not given
    assert tuple(sorted((denial, ids["t002-c003"]))) not in pairs  # another stage

    narrow = default_claims()
    del narrow["f002_beta"]["claims"][0]["conflicts_with"]
    narrow["f001_alpha"]["claims"][2]["subject"] = "bone marrow MSC"  # the denial is about a subclass ...
    narrow["f002_beta"]["claims"][0]["subject"] = "MSC"  # ... the claim about its superclass
    project = make_project(tmp_path / "narrow", narrow)
    curation, _ = load_curation(project.ontology, corpus=Corpus(project.corpus))
    assert conflicts(curation, load_ontology(project.ontology)) == set()
