from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fixture_project import Project, make_project  # noqa: E402


@pytest.fixture
def project(tmp_path: Path) -> Project:
    """A fresh copy of the two-document fixture project."""
    return make_project(tmp_path)
