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
import tempfile
from pathlib import Path

from .errors import InputError

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
        return Path(os.path.abspath(env))  # not resolved: the build folder is a link to the published build
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


def _existing_ancestor(path: Path) -> Path:
    """The nearest folder or file that exists at or above ``path``."""
    current = path
    while not current.exists() and current != current.parent:
        current = current.parent
    return current


def check_output_folder(path: str | os.PathLike[str], option: str = "--output") -> Path:
    """``path`` as a folder msc-graph may create or write into, checked before any work is done.

    Raises :class:`~msc_graph.errors.InputError` (one line, with the way out) when the path is a
    file, lies below a file, or its nearest existing folder is not writable.
    """
    target = Path(path).absolute()
    if target.exists() and not target.is_dir():
        raise InputError(f"{option} {path}: is a file, not a folder; choose a folder")
    _check_ancestor(target, path, option)
    return target


def check_output_file(path: str | os.PathLike[str], option: str = "--output") -> Path:
    """``path`` as a file msc-graph may (over)write, checked before any work is done."""
    target = Path(path).absolute()
    if target.is_dir():
        raise InputError(f"{option} {path}: is a folder; name a file in it")
    if target.exists() and not os.access(target, os.W_OK):
        raise InputError(f"{option} {path}: the file is not writable; choose another path")
    _check_ancestor(target.parent, path, option)
    return target


def _check_ancestor(folder: Path, given: str | os.PathLike[str], option: str) -> None:
    existing = _existing_ancestor(folder)
    if not existing.is_dir():
        raise InputError(f"{option} {given}: {existing} is a file, so nothing can be written below it; choose a folder")
    reason = None if os.access(existing, os.W_OK | os.X_OK) else "permission denied"
    if reason is None:  # access() says yes to root everywhere; a real (removed) file says what writing will do
        try:
            fd, probe = tempfile.mkstemp(prefix=".msc-graph-probe-", dir=existing)
            os.close(fd)
            os.unlink(probe)
        except OSError as err:
            reason = (err.strerror or str(err)).lower()
    if reason is not None:
        raise InputError(f"{option} {given}: cannot write in {existing} ({reason}); choose a folder you can write to")
