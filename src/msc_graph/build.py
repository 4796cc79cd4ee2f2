"""``msc-graph build``: validate, compile, serialise and publish the knowledge graph (orchestration only).

Deterministic byte for byte (no blank nodes, sorted output) and **atomic as a whole**: a build
is written into a private staging folder beside the build folder and published with one
atomic step, the swap of a symbolic link::

    build -> .build.releases/build-<time>-<inputs>-<random>/   (what every reader sees)
    .build.releases/staging-<random>/                          (a build in progress; stale ones are
                                                                removed by the next build)

so a reader sees the previous complete build or the new complete build, never a mix, and a
killed or failed build leaves the published one untouched. Readers pin the release they
opened (:func:`open_release`, a shared lock), so it is not removed under them; the next build
removes every release but the current one, the one before it and the pinned ones.

Besides the RDF files (:data:`msc_graph.io.EXPORTERS`), the build writes ``tbox.owl``,
``manifest.json`` (counts, file hashes, the SHA-256 of its inputs *as read at the start* and
the package version) and ``network.json``, the NetworkX projection of the claims as data, so
that explanations start without a store; it holds its key (the inputs, the package version and
the cache format) and is used only when that key is current. When an input changes while the
build runs, the build is still published whole but not marked current (``inputs_changed`` in
the manifest; :attr:`BuildResult.changed`), so the next use builds again.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import secrets
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .compile import compile_graph, conflicts
from .corpus import Corpus
from .errors import EnvironmentProblem, InputError
from .io import EXPORTERS, canonical_graph, rdf_xml, sorted_ntriples
from .model import Curation
from .ontology import Ontology, load_ontology, ontology_files, tbox_graph
from .project import __version__, build_dir, check_output_folder, ontology_dir
from .projection import StatementGraph, edges_from_json, from_model, statement_graph, to_json

#: every file the build writes, by key
OUTPUTS = {
    **{key: exporter.file_name for key, exporter in EXPORTERS.items()},
    "tbox": "tbox.owl",
    "manifest": "manifest.json",
}
NETWORK_CACHE = "network.json"
#: bump when the projection's classes change shape
NETWORK_FORMAT = 2


def input_files(ontology_directory: Path) -> list[Path]:
    """Every input of the build: the TBox files, the document registry and the claim files."""
    return [
        *ontology_files(ontology_directory),
        ontology_directory / "documents.yaml",
        *sorted((ontology_directory / "claims").glob("*.yaml")),
    ]


def input_digests(ontology_directory: Path) -> tuple[str, dict[str, str]]:
    """The SHA-256 over every input file (name and bytes), to detect stale builds, and each file's own."""
    h = hashlib.sha256()
    each = {}
    for path in input_files(ontology_directory):
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            continue
        h.update(path.name.encode())
        h.update(data)
        each[path.relative_to(ontology_directory).as_posix()] = hashlib.sha256(data).hexdigest()
    return h.hexdigest(), each


def inputs_hash(ontology_directory: Path) -> str:
    """SHA-256 over every input file (name and bytes), to detect stale builds."""
    return input_digests(ontology_directory)[0]


def _network_key(digest: str) -> str:
    return f"msc-graph {__version__} network {NETWORK_FORMAT} {digest}"


def build_is_current(folder: Path, ontology_directory: Path) -> bool:
    """Whether ``folder`` holds a published build of these inputs made by this version of msc-graph
    (a build whose inputs changed while it ran is never current)."""
    folder = Path(folder)
    manifest = folder / OUTPUTS["manifest"]
    if not folder.is_symlink() or not manifest.exists() or not (folder / OUTPUTS["nt"]).exists():
        return False  # a folder written by an older msc-graph is rebuilt (and moved aside) once
    try:
        data = json.loads(manifest.read_text())
    except (OSError, ValueError):
        return False
    return (
        isinstance(data, dict)
        and not data.get("inputs_changed")
        and data.get("inputs_sha256") == inputs_hash(ontology_directory)
        and data.get("msc_graph") == __version__
    )


# ----------------------------------------------------------------------------- releases


def releases_dir(out: Path) -> Path:
    """Where the builds published at ``out`` live: ``.<name>.releases`` beside it."""
    out = Path(out).absolute()
    return out.parent / f".{out.name}.releases"


def _pin_path(release: Path) -> Path:
    return release.parent / f"{release.name}.pin"


@dataclass
class Release:
    """A published build, pinned while this object lives (a shared lock on its pin file), so that the
    next build does not remove it while it is being read. ``path`` is the release folder itself
    (never the link), so every file read through it belongs to one build."""

    path: Path
    _handle: Any = field(default=None, repr=False)

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None

    def __del__(self) -> None:
        self.close()


def open_release(out: Path) -> Release:
    """The build currently published at ``out``, resolved once and pinned."""
    out = Path(out)
    for _ in range(50):
        target = out.resolve()
        pin = _pin_path(target)
        try:
            handle = open(pin, "rb")  # noqa: SIM115 - held as long as the Release lives
        except FileNotFoundError:
            if target.is_dir():  # a folder made by hand or by an older msc-graph: nothing to pin
                return Release(target)
            continue  # removed between resolving and opening: resolve again
        fcntl.flock(handle, fcntl.LOCK_SH)
        if os.fstat(handle.fileno()).st_nlink == 0 or not target.is_dir():  # pruned while we waited
            handle.close()
            continue
        return Release(target, handle)
    raise EnvironmentProblem(f"the build at {out} keeps changing under this reader; try again")


@dataclass(frozen=True)
class BuildResult:
    directory: Path
    files: dict[str, Path]
    triples: int
    statements: int
    assertions: int
    documents: int
    input_hash: str
    #: the input files that changed while the build ran (then the build is published but not current)
    changed: tuple[str, ...] = ()


def _write(path: Path, data: bytes) -> None:
    """One file of a staging folder, on disk before the folder is published."""
    with open(path, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.chmod(path, 0o644)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _try_lock(path: Path) -> Any | None:
    """An exclusive lock on ``path`` if nobody holds it (the open file, or None)."""
    try:
        handle = open(path, "a+b")  # noqa: SIM115 - returned to the caller
    except OSError:
        return None
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        return None
    return handle


def _age(path: Path) -> float:
    try:
        return time.time() - path.stat().st_mtime
    except OSError:
        return 0.0


def _remove(folder: Path, releases: Path) -> None:
    """Remove a folder of ``releases``: renamed aside first (one step), then deleted."""
    trash = releases / f"trash-{secrets.token_hex(6)}"
    try:
        os.rename(folder, trash)
    except FileNotFoundError:
        return
    shutil.rmtree(trash, ignore_errors=True)


def clean_releases(out: Path, *, keep: int = 1) -> None:
    """Remove what killed builds left (staging folders nobody builds in, half-removed folders, stray
    links) and every release except the published one, the ``keep`` newest others and the pinned ones."""
    out = Path(out).absolute()
    releases = releases_dir(out)
    if not releases.is_dir():
        return
    for link in out.parent.glob(f".{out.name}.link-*"):
        with contextlib.suppress(OSError):
            link.unlink()
    current = out.resolve() if out.is_symlink() else None
    old: list[Path] = []
    for entry in releases.iterdir():
        if entry.name.startswith("trash-"):
            shutil.rmtree(entry, ignore_errors=True)
        elif entry.name.startswith("staging-") and entry.is_dir():
            lock = _try_lock(entry / ".lock")  # held by the build that writes there, while it runs
            if lock is not None:
                _remove(entry, releases)
                lock.close()
        elif entry.is_dir() and entry != current:
            old.append(entry)
        elif entry.suffix == ".pin" and not entry.with_suffix("").exists() and _age(entry) > 3600:
            with contextlib.suppress(OSError):  # the pin of a release that a killed build never made
                entry.unlink()
    old.sort(key=lambda p: p.name, reverse=True)  # names start with the build time
    for release in old[keep:]:
        pin = _pin_path(release)
        lock = _try_lock(pin)
        if lock is None and pin.exists():
            continue  # a reader still uses it
        try:
            _remove(release, releases)
            with contextlib.suppress(OSError):
                pin.unlink()
        finally:
            if lock is not None:
                lock.close()


def _check_output(out: Path) -> bool:
    """Whether a plain folder sits at ``out`` that the link will replace: none, an empty one, or a build
    written by an older msc-graph; a file or any other folder is refused (before any work)."""
    if out.is_symlink() or not out.exists():
        return False
    if not out.is_dir():
        raise InputError(f"--output {out}: is a file, not a folder; choose a folder")
    if not any(out.iterdir()):
        return True
    try:
        manifest = json.loads((out / OUTPUTS["manifest"]).read_text())
    except (OSError, ValueError):
        manifest = None
    if not isinstance(manifest, dict) or "msc_graph" not in manifest:
        raise InputError(
            f"--output {out}: the folder holds files that are not a msc-graph build; a build is published by "
            "replacing the folder with a link, so choose a new or empty folder"
        )
    return True


def _adopt_folder(out: Path, releases: Path) -> None:
    """Make room for the link at ``out``: an empty folder is removed, a build written by an older
    msc-graph (a plain folder) is moved into ``releases`` (a one-time step: readers briefly see no build)."""
    if not _check_output(out):
        return
    if not any(out.iterdir()):
        out.rmdir()
    else:
        os.rename(out, releases / f"build-0-legacy-{secrets.token_hex(6)}")


def publish(out: Path, blobs: dict[str, bytes]) -> Path:
    """Write ``blobs`` (file name -> bytes) as a new release and publish it at ``out`` in one atomic
    step; returns the release folder. A failure or a kill at any point leaves the published build
    as it was (and at most a staging folder that the next build removes)."""
    out = Path(out).absolute()
    releases = releases_dir(out)
    releases.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix="staging-", dir=releases))
    os.chmod(staging, 0o755)
    lock = _try_lock(staging / ".lock")  # held while this build runs: the staging folder is not stale
    name = f"build-{time.strftime('%Y%m%dT%H%M%S')}-{time.time_ns() % 10**9:09d}-{secrets.token_hex(4)}"
    release = releases / name
    pin = None
    try:
        for file_name in sorted(blobs, key=lambda n: n == OUTPUTS["manifest"]):  # the manifest last
            _write(staging / file_name, blobs[file_name])
        _fsync_dir(staging)
        _write(_pin_path(release), b"")
        pin = open(_pin_path(release), "rb")  # noqa: SIM115 - pinned until published, so no other build prunes it
        fcntl.flock(pin, fcntl.LOCK_SH)
        os.rename(staging, release)
        os.unlink(release / ".lock")
        _fsync_dir(releases)
        _adopt_folder(out, releases)
        link = out.parent / f".{out.name}.link-{secrets.token_hex(6)}"
        os.symlink(os.path.relpath(release, out.parent), link)
        os.replace(link, out)  # the one step that publishes
        _fsync_dir(out.parent)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        for handle in (lock, pin):
            if handle is not None:
                handle.close()
    return release


def build(
    out_dir: Path | None = None,
    *,
    ontology_directory: Path | None = None,
    corpus: Corpus | None = None,
    progress: Callable[[str], None] | None = None,
) -> BuildResult:
    """Validate, compile and publish the knowledge graph in every format (see the module docstring).
    ``progress`` is told the name of each stage as it starts."""
    step = progress or (lambda _stage: None)
    directory = ontology_directory or ontology_dir()
    out = Path(out_dir or build_dir()).absolute()
    check_output_folder(out)  # an unwritable place fails here, before the work (and writes nothing)
    _check_output(out)
    clean_releases(out)
    digest, digests = input_digests(directory)  # the inputs as read at the start
    step("validating the claim files and compiling them to RDF")
    graph, curation = compile_graph(directory, corpus=corpus)
    step("canonical form (sorted, canonical blank nodes)")
    canonical = canonical_graph(graph)
    tbox = canonical_graph(tbox_graph(directory))
    step("serialising: N-Triples, Turtle, RDF/XML, JSON-LD, tbox.owl")
    nt = sorted_ntriples(canonical)
    blobs = {OUTPUTS["nt"]: nt.encode("utf-8")}
    for key, exporter in EXPORTERS.items():
        if key != "nt":
            blobs[exporter.file_name] = exporter.dump(canonical)
    blobs[OUTPUTS["tbox"]] = rdf_xml(tbox)
    step("the NetworkX projection (conflicts between statements)")
    onto = load_ontology(directory)
    network = from_model(curation, onto, sorted(conflicts(curation, onto)))
    cache = {"key": _network_key(digest), **to_json(network), "anchors": anchor_table(curation)}
    blobs[NETWORK_CACHE] = (json.dumps(cache, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")
    after, digests_after = input_digests(directory)
    changed = tuple(sorted(k for k in {*digests, *digests_after} if digests.get(k) != digests_after.get(k)))
    manifest: dict[str, Any] = {
        "inputs_sha256": digest,
        "inputs": digests,
        "msc_graph": __version__,
        "triples": len(canonical),
        "statements": len(curation.statements()),
        "assertions": len(curation.assertions),
        "documents": len(curation.documents),
        "skipped_spans": len(curation.skips),
        "files": {name: hashlib.sha256(data).hexdigest() for name, data in sorted(blobs.items())},
    }
    if changed:
        manifest["inputs_changed"] = list(changed)
    blobs[OUTPUTS["manifest"]] = (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode()
    step(f"publishing {len(blobs)} files to {out}")
    publish(out, blobs)
    clean_releases(out)
    return BuildResult(
        out,
        {k: out / v for k, v in OUTPUTS.items()},
        len(canonical),
        len(curation.statements()),
        len(curation.assertions),
        len(curation.documents),
        digest,
        changed,
    )


def ensure_built(
    folder: Path | None = None,
    *,
    ontology_directory: Path | None = None,
    corpus: Corpus | None = None,
    progress: Callable[[str], None] | None = None,
) -> Path:
    """The build folder, built first when it is missing or older than its inputs or this version."""
    out = Path(folder or build_dir()).absolute()
    directory = ontology_directory or ontology_dir()
    if build_is_current(out, directory):
        return out
    releases = releases_dir(out)
    releases.mkdir(parents=True, exist_ok=True)
    with open(releases / ".build.lock", "a+b") as lock:  # one build at a time; the others wait for it
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not build_is_current(out, directory):
            build(out, ontology_directory=directory, corpus=corpus, progress=progress)
    return out


def anchor_table(curation: Curation) -> dict[str, Any]:
    """What a quote is verified against, as the graph states it (``document-hashes.rq`` and
    ``document-anchors.rq`` read the same): each document file's registered SHA-256, and per file
    the (start, end, span SHA-256) of every anchor. Cached beside the projection so that a command
    that quotes (``explain``) need not open the store."""
    files = {d.id: d.file for d in curation.documents.values()}
    spans: dict[str, set[tuple[int, int, str]]] = {}
    for a in curation.assertions:
        spans.setdefault(files[a.anchor.document], set()).add((a.anchor.start, a.anchor.end, a.anchor.sha256))
    return {
        "documents": {d.file: d.sha256 for d in sorted(curation.documents.values(), key=lambda d: d.file)},
        "spans": {file: [list(x) for x in sorted(items)] for file, items in sorted(spans.items())},
    }


def read_cache(
    folder: Path, ontology_directory: Path, onto: Ontology
) -> tuple[StatementGraph | None, dict[str, Any] | None]:
    """The projection (as the plain :class:`~msc_graph.projection.StatementGraph` explanations
    walk; :meth:`KnowledgeGraph.network` makes NetworkX's of it when asked) and the anchor table
    (:func:`anchor_table`) cached by the build, or None for each when the cache is missing or not
    of these inputs and this version (an unreadable cache is ignored, never trusted)."""
    try:
        data = json.loads((folder / NETWORK_CACHE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None, None
    if not isinstance(data, dict) or data.get("key") != _network_key(inputs_hash(ontology_directory)):
        return None, None
    try:
        network = statement_graph(edges_from_json(data), [(a, b) for a, b in data["conflicts"]])
    except (KeyError, TypeError):
        return None, None
    anchors = data.get("anchors")
    return network, anchors if isinstance(anchors, dict) else None


def read_network(folder: Path, ontology_directory: Path, onto: Ontology) -> StatementGraph | None:
    """The projection cached by the build (see :func:`read_cache`)."""
    return read_cache(folder, ontology_directory, onto)[0]
