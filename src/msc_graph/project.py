"""Where msc-graph finds things: from arguments, the environment, or the files it ships with.

* In a checkout (the folder that holds ``ontology/msc.ttl`` above ``src/``), the project is
  the checkout: its ontology, claims and queries, its ``build/`` folder, and the corpus in
  ``../shared/corpus``.
* Installed from a wheel, the ontology, claim files and queries are package data
  (``msc_graph/data/``) and the build goes to the user cache
  (``$XDG_CACHE_HOME/msc-graph/<version>/build``), never into site-packages.
* ``$MSC_GRAPH_ROOT`` names another project folder, ``$MSC_GRAPH_BUILD`` another build
  folder, ``$MSC_GRAPH_CACHE`` another cache folder, ``$MSC_GRAPH_CORPUS`` the corpus.

>>> cache_dir().name == __version__
True
"""

from __future__ import annotations

import os
from pathlib import Path

#: the package version (the single source: pyproject reads it from here)
__version__ = "0.1.0"

_HERE = Path(__file__).resolve().parent
#: what the package ships besides code: ``data/`` holds the ontology, claims and queries in a wheel
PACKAGE_DIR = _HERE


def _checkout() -> Path | None:
    checkout = _HERE.parents[1]
    return checkout if (checkout / "ontology" / "msc.ttl").exists() else None


def project_root() -> Path:
    """The project folder: ``$MSC_GRAPH_ROOT``, the checkout, or the packaged data of a wheel."""
    env = os.environ.get("MSC_GRAPH_ROOT")
    if env:
        return Path(env).resolve()
    return _checkout() or _HERE / "data"


def is_installed() -> bool:
    """True when running from an installed wheel (no checkout and no ``$MSC_GRAPH_ROOT``)."""
    return not os.environ.get("MSC_GRAPH_ROOT") and _checkout() is None


def ontology_dir() -> Path:
    return project_root() / "ontology"


def claims_dir() -> Path:
    return ontology_dir() / "claims"


def queries_dir() -> Path:
    return project_root() / "queries"


def package_file(*parts: str) -> Path:
    """A file shipped inside the package (``sparql/queries/...``, ``render/page.html``)."""
    return _HERE.joinpath(*parts)


def cache_dir() -> Path:
    """The user cache of this version: ``$MSC_GRAPH_CACHE``, else ``$XDG_CACHE_HOME/msc-graph/<version>``."""
    env = os.environ.get("MSC_GRAPH_CACHE")
    if env:
        return Path(env).resolve() / __version__
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base).resolve() / "msc-graph" / __version__


def build_dir() -> Path:
    """The build folder: ``$MSC_GRAPH_BUILD``, else ``<project>/build`` (a checkout or
    ``$MSC_GRAPH_ROOT``), else ``build/`` in the user cache (an installed wheel)."""
    env = os.environ.get("MSC_GRAPH_BUILD")
    if env:
        return Path(env).resolve()
    if is_installed():
        return cache_dir() / "build"
    return project_root() / "build"


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
