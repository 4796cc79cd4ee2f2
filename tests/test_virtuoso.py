"""The same questions, unchanged, on Virtuoso Open Source (Debian's virtuoso-opensource),
started on loopback with a throwaway database and loaded with the build output."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sparql_servers import normalise

import msc_graph

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("virtuoso-t") is None, reason="needs virtuoso-opensource (.ci/run installs it)"),
]
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


@pytest.fixture(scope="module")
def kgs(tmp_path_factory):
    from msc_graph.project import build_dir
    from msc_graph.serve import virtuoso

    local = msc_graph.load(corpus=CORPUS if CORPUS.is_dir() else None)  # builds when stale
    with virtuoso.running(tmp_path_factory.mktemp("virtuoso"), build_dir()) as server:
        yield local, msc_graph.load(endpoint=server.url, corpus=CORPUS if CORPUS.is_dir() else None)


def test_every_named_query_gives_the_same_answer_on_virtuoso(kgs):
    from helpers import params_for

    local, remote = kgs
    assert remote.select("SELECT (COUNT(*) AS ?n) WHERE { ?a a msc:Assertion }")[1][0]["n"] == len(local.claims())
    for name in local.queries():
        params = params_for(local, name)
        assert normalise(local.query(name, limit=None, **params).rows) == normalise(
            remote.query(name, limit=None, **params).rows
        ), name


@pytest.mark.parametrize(
    "source,condition",
    [
        ("umbilical cord", "multiple sclerosis"),
        ("bone marrow", "knee osteoarthritis"),
        ("placenta", "knee osteoarthritis"),
    ],
)
def test_explain_gives_the_same_chains_on_virtuoso(kgs, source, condition):
    local, remote = kgs
    a, b = local.explain(source, condition), remote.explain(source, condition)
    assert a.to_dict() == b.to_dict() and a.chains


def test_claims_filters_work_on_virtuoso(kgs):
    local, remote = kgs
    for filters in ({"document": "002", "modality": "questioned"}, {"subject": "UCMSC"}, {"speaker": "reader-comment"}):
        assert local.claims(**filters).rows == remote.claims(**filters).rows, filters
