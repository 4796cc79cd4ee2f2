"""Caches that cannot lie: the term index, the build's projection and the served store are keyed
by their inputs and the package version, written only by the stage that owns them, and an edit
to the TBox is seen at once."""

from __future__ import annotations

import json

from helpers import run_cli

import msc_graph.build as build_module
import msc_graph.ontology as ontology_module
from msc_graph.build import NETWORK_CACHE, build, build_is_current, read_network
from msc_graph.ontology import load_ontology, tbox_key

OLD, NEW = 'rdfs:label "interleukin-10"', 'rdfs:label "interleukin ten (edited)"'


def _edit_label(project) -> None:
    path = project.ontology / "terms.ttl"
    text = path.read_text(encoding="utf-8")
    assert OLD in text
    path.write_text(text.replace(OLD, NEW), encoding="utf-8")


def _label(project) -> str:
    result = run_cli(project, "entities", "IL10", "--format", "json")
    assert result.returncode == 0, result.stderr
    (row,) = [r for r in json.loads(result.stdout) if r["curie"] == "PR:000001471"]
    return row["label"]


def test_a_label_edit_is_seen_at_once_through_the_cli(project):
    assert _label(project) == "interleukin-10"
    assert run_cli(project, "build").returncode == 0
    _edit_label(project)
    assert _label(project) == "interleukin ten (edited)"  # the term index, before any build
    claims = run_cli(project, "claims", "--object", "IL-10", "--format", "json")
    assert claims.returncode == 0, claims.stderr
    labels = {row["object_label"] for row in json.loads(claims.stdout)}
    assert labels == {"interleukin ten (edited)"}  # load() rebuilt: the build was stale
    explained = run_cli(project, "explain", "--source", "bone marrow", "--condition", "knee osteoarthritis")
    assert "interleukin-10" not in explained.stdout


def test_a_label_edit_is_seen_at_once_in_the_same_process(project):
    assert load_ontology(project.ontology).terms["PR:000001471"].label == "interleukin-10"
    _edit_label(project)
    assert load_ontology(project.ontology).terms["PR:000001471"].label == "interleukin ten (edited)"


def test_the_term_index_is_keyed_by_the_package_version(project, monkeypatch):
    key = tbox_key(project.ontology)
    monkeypatch.setattr(ontology_module, "__version__", "99.0.0")
    assert tbox_key(project.ontology) != key


def test_an_unreadable_term_index_cache_is_ignored(project):
    from msc_graph.ontology import _cache_path

    path = _cache_path(tbox_key(project.ontology))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{not json")
    ontology_module._MEMORY.clear()
    assert load_ontology(project.ontology).terms["PR:000001471"].label == "interleukin-10"
    assert json.loads(path.read_text())["key"] == tbox_key(project.ontology)  # rewritten by its owner


def test_the_build_and_its_projection_are_stale_after_an_upgrade(project, monkeypatch):
    build(project.build, ontology_directory=project.ontology, corpus=None)
    onto = load_ontology(project.ontology)
    assert build_is_current(project.build, project.ontology)
    assert read_network(project.build, project.ontology, onto) is not None
    monkeypatch.setattr(build_module, "__version__", "99.0.0")
    assert not build_is_current(project.build, project.ontology)
    assert read_network(project.build, project.ontology, onto) is None


def test_the_projection_cache_is_stale_after_an_edit_and_never_trusted_when_broken(project):
    build(project.build, ontology_directory=project.ontology, corpus=None)
    onto = load_ontology(project.ontology)
    claim_file = project.claim_file("f001_alpha")
    claim_file.write_text(claim_file.read_text(encoding="utf-8") + "\n# an edit\n", encoding="utf-8")
    assert not build_is_current(project.build, project.ontology)
    assert read_network(project.build, project.ontology, onto) is None
    build(project.build, ontology_directory=project.ontology, corpus=None)
    assert read_network(project.build, project.ontology, onto) is not None
    (project.build / NETWORK_CACHE).write_text("garbage")
    assert read_network(project.build, project.ontology, onto) is None


def test_the_served_store_is_keyed_by_inputs_and_versions():
    from msc_graph.serve.oxigraph import store_key

    key = store_key("abc")
    assert "abc" in key and msc_graph_version() in key and "pyoxigraph" in key


def msc_graph_version() -> str:
    import msc_graph

    return msc_graph.__version__
