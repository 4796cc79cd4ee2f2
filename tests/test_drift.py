"""Drift is never quoted: with a copy of the corpus in which 003 has one line inserted at the top, every
read path that prints a quote (`claims --quotes`, `explain`, `viz`, the notebook helpers) shows no
text of 003, says once that the source changed since curation, and still quotes the other documents."""

from __future__ import annotations

import json
import shutil
import warnings
from pathlib import Path

import pytest
from helpers import run_cli

import msc_graph
from msc_graph.errors import SourceDrift

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
DRIFTED = "003_10f42c83a070fa1e"


@pytest.fixture(scope="module")
def drifted(tmp_path_factory) -> Path:
    if not CORPUS.is_dir():
        pytest.fail(f"the corpus is needed at {CORPUS}")
    msc_graph.load(corpus=CORPUS)  # the build is current (made with the real corpus) before the source drifts
    folder = tmp_path_factory.mktemp("drifted-corpus")
    for path in CORPUS.glob("*.txt"):
        shutil.copy(path, folder / path.name)
    target = folder / f"{DRIFTED}.txt"
    target.write_text("One line inserted at the top.\n" + target.read_text(encoding="utf-8"), encoding="utf-8")
    return folder


def _wrong_quotes(folder: Path, rows) -> list[str]:
    """What the stored offsets now select in the drifted text (what used to be printed)."""
    text = (folder / f"{DRIFTED}.txt").read_text(encoding="utf-8")
    return [text[r["start"] : r["end"]] for r in rows if r["document"] == f"{DRIFTED}.txt"]


def _one_warning(stderr: str) -> None:
    warnings_ = [line for line in stderr.splitlines() if "warning" in line]
    assert len(warnings_) == 1, stderr
    assert DRIFTED in warnings_[0] and "the source changed since curation" in warnings_[0]


def test_claims_quotes_withhold_the_drifted_document_only(drifted):
    result = run_cli(None, "claims", "--quotes", "--corpus", str(drifted), "--format", "json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    mine = [r for r in rows if r["document"] == f"{DRIFTED}.txt"]
    assert mine and all(r["quote"] is None for r in mine)
    others = [r for r in rows if r["document"] != f"{DRIFTED}.txt"]
    assert others and all(r["quote"] for r in others)  # the other documents are unchanged and quoted
    real = {p.name: p.read_text(encoding="utf-8") for p in CORPUS.glob("*.txt")}
    assert all(r["quote"] == real[r["document"]][r["start"] : r["end"]] for r in others)
    _one_warning(result.stderr)


def test_explain_and_viz_never_show_drifted_text(drifted, tmp_path):
    result = run_cli(
        None, "explain", "--source", "umbilical cord", "--condition", "multiple sclerosis", "--corpus", str(drifted),
        "--format", "json",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assertions = []

    def walk(x):
        if isinstance(x, dict):
            if "quote" in x and "document" in x:
                assertions.append(x)
            for v in x.values():
                walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)

    walk(json.loads(result.stdout))
    drifted_rows = [a for a in assertions if a["document"] == f"{DRIFTED}.txt"]
    assert drifted_rows and all(a["quote"] is None for a in drifted_rows)
    assert any(a["quote"] for a in assertions if a["document"] != f"{DRIFTED}.txt")
    _one_warning(result.stderr)

    page = tmp_path / "page.html"
    result = run_cli(None, "viz", "--document", "003", "-o", str(page), "--corpus", str(drifted))
    assert result.returncode == 0, result.stderr
    _one_warning(result.stderr)
    html = page.read_text(encoding="utf-8")
    kg = msc_graph.load(corpus=CORPUS)
    rows = kg.claims(document="003").rows
    wrong = [w for w in _wrong_quotes(drifted, rows) if len(w) > 30]
    assert wrong and not any(json.dumps(w)[1:-1].replace("<", "\\u003c") in html for w in wrong)


def test_the_python_api_warns_once_and_returns_no_quote(drifted):
    kg = msc_graph.load(corpus=drifted)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        rows = kg.claims(document="003", with_quotes=True).rows
        kg.explain("umbilical cord", "multiple sclerosis").to_dict()
    assert rows and all(r["quote"] is None for r in rows)
    drift = [w for w in caught if issubclass(w.category, SourceDrift)]
    assert len(drift) == 1 and DRIFTED in str(drift[0].message)
    assert list(kg.drift) == [DRIFTED]


def test_a_span_whose_hash_does_not_match_is_not_quoted(project, tmp_path):
    """A build made without the corpus does not verify anchors: an offset that slipped is caught when the
    quote is read, although the document itself is unchanged."""
    import yaml

    path = project.claim_file("f001_alpha")
    data = yaml.safe_load(path.read_text())
    data["claims"][0]["anchor"]["start"] += 1  # the span moved; its hash is the old span's
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    msc_graph.build.build(project.build, ontology_directory=project.ontology, corpus=None)
    kg = msc_graph.load(build_dir=project.build, corpus=project.corpus, root=project.root, rebuild=False)
    with pytest.warns(SourceDrift, match="does not match the SHA-256 curated for it"):
        rows = kg.claims(document="f001_alpha", with_quotes=True).rows
    assert [r["quote"] for r in rows if r["claim"] == "t001-c001"] == [None]


def test_a_corpus_that_is_not_there_is_an_error_not_nulls():
    for command in (["claims", "--quotes"], ["validate"], ["explain", "--source", "x", "--condition", "y"]):
        result = run_cli(None, *command, "--corpus", "/no/such/dir")
        assert result.returncode == 2, (command, result.stderr)
        assert result.stderr.count("\n") == 1 and "--corpus /no/such/dir: no such folder" in result.stderr
