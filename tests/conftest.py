from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fixture_project import Project, make_project  # noqa: E402

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


@pytest.fixture
def project(tmp_path: Path) -> Project:
    """A fresh copy of the two-document fixture project."""
    return make_project(tmp_path)
