"""Where msc-graph finds its ontology, queries, corpus and build directory.

The project root is the checkout that holds ``ontology/`` (or ``$MSC_GRAPH_ROOT``).
The corpus defaults to ``<root>/../shared/corpus`` and is overridden by the
``--corpus`` option or ``$MSC_GRAPH_CORPUS``.
"""

from __future__ import annotations

import os
from pathlib import Path

_HERE = Path(__file__).resolve().parent


def project_root() -> Path:
    env = os.environ.get("MSC_GRAPH_ROOT")
    if env:
        return Path(env).resolve()
    checkout = _HERE.parents[1]
    if (checkout / "ontology" / "msc.ttl").exists():
        return checkout
    return _HERE / "data"  # installed wheel: ontology/ and queries/ are packaged here


def ontology_dir() -> Path:
    return project_root() / "ontology"


def claims_dir() -> Path:
    return ontology_dir() / "claims"


def queries_dir() -> Path:
    return project_root() / "queries"


def build_dir() -> Path:
    env = os.environ.get("MSC_GRAPH_BUILD")
    return Path(env).resolve() if env else project_root() / "build"


def corpus_dir(explicit: str | os.PathLike[str] | None = None) -> Path | None:
    """The corpus folder, or None when it is not available."""
    if explicit:
        return Path(explicit).resolve()
    env = os.environ.get("MSC_GRAPH_CORPUS")
    if env:
        return Path(env).resolve()
    default = project_root().parent / "shared" / "corpus"
    return default.resolve() if default.is_dir() else None


def reference_dir() -> Path | None:
    """The OBO reference tables (``../shared/reference``), when present."""
    env = os.environ.get("MSC_GRAPH_REFERENCE")
    if env:
        return Path(env).resolve()
    default = project_root().parent / "shared" / "reference"
    return default.resolve() if default.is_dir() else None
