"""Settings for the whole suite (tests/ and the doctests in src/)."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

_OWN_TMP = "MSC_GRAPH_TEST_OUTPUTS"


def pytest_configure(config: pytest.Config) -> None:
    """Tests never write into the checkout: the real graph is built into a temporary folder and
    the user cache (the term index) is a temporary folder too, shared by the xdist workers (they
    inherit the environment) and removed at the end."""
    if os.environ.get(_OWN_TMP):
        return
    folder = Path(tempfile.mkdtemp(prefix="msc-graph-tests-"))
    os.environ[_OWN_TMP] = str(folder)
    os.environ["MSC_GRAPH_BUILD"] = str(folder / "build")
    os.environ["MSC_GRAPH_CACHE"] = str(folder / "cache")
    config._msc_graph_outputs = folder  # type: ignore[attr-defined]


def pytest_unconfigure(config: pytest.Config) -> None:
    folder = getattr(config, "_msc_graph_outputs", None)
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)
        for name in (_OWN_TMP, "MSC_GRAPH_BUILD", "MSC_GRAPH_CACHE"):
            os.environ.pop(name, None)




def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> pytest.TestReport | None:
    """Under ``CI=true`` a skipped test fails: a skip is not a pass (a program the suite needs is
    missing; ``.ci/run`` installs them all)."""
    if os.environ.get("CI") != "true" or call.when not in ("setup", "call") or call.excinfo is None:
        return None
    if call.excinfo.errisinstance(pytest.skip.Exception) and not hasattr(item, "wasxfail"):
        report = pytest.TestReport.from_item_and_call(item, call)
        report.outcome = "failed"
        report.longrepr = f"skipped under CI=true, which must run everything: {call.excinfo.value}"
        return report
    return None
