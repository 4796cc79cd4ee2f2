"""``msc-graph build``: validate, compile, serialise and write the knowledge graph (orchestration only).

Deterministic byte for byte (no blank nodes, sorted output) and atomic: every output is
written to a temporary file first and moved into place only when all of them are ready,
so a failed build leaves the previous build untouched.

Besides the RDF files (:data:`msc_graph.io.EXPORTERS`), the build writes ``tbox.owl``,
``manifest.json`` (counts, file hashes, the SHA-256 of its inputs and the package version)
and ``network.json``, the NetworkX projection of the claims as data, so that explanations
start without a store; it holds its key (the inputs, the package version and the cache
format) and is used only when that key is current.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .compile import compile_graph, conflicts
from .corpus import Corpus
from .io import EXPORTERS, canonical_graph, rdf_xml, sorted_ntriples
from .ontology import Ontology, load_ontology, ontology_files, tbox_graph
from .project import __version__, build_dir, ontology_dir
from .projection import from_json, from_model, to_json

if TYPE_CHECKING:
    import networkx as nx

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


def inputs_hash(ontology_directory: Path) -> str:
    """SHA-256 over every input file (name and bytes), to detect stale builds."""
    h = hashlib.sha256()
    for path in input_files(ontology_directory):
        if path.exists():
            h.update(path.name.encode())
            h.update(path.read_bytes())
    return h.hexdigest()


def _network_key(digest: str) -> str:
    return f"msc-graph {__version__} network {NETWORK_FORMAT} {digest}"


def build_is_current(folder: Path, ontology_directory: Path) -> bool:
    """Whether ``folder`` holds a build of these inputs made by this version of msc-graph."""
    manifest = folder / OUTPUTS["manifest"]
    if not manifest.exists() or not (folder / OUTPUTS["nt"]).exists():
        return False
    try:
        data = json.loads(manifest.read_text())
    except ValueError:
        return False
    return data.get("inputs_sha256") == inputs_hash(ontology_directory) and data.get("msc_graph") == __version__


@dataclass(frozen=True)
class BuildResult:
    directory: Path
    files: dict[str, Path]
    triples: int
    statements: int
    assertions: int
    documents: int
    input_hash: str


def _atomic_write(files: dict[Path, bytes]) -> None:
    """Write each file to a temporary sibling, then move them all into place."""
    temps: list[tuple[str, Path]] = []
    try:
        for path, data in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.chmod(tmp, 0o644)
            temps.append((tmp, path))
        for tmp, path in temps:
            os.replace(tmp, path)
    finally:
        for tmp, _ in temps:
            if os.path.exists(tmp):
                os.unlink(tmp)


def build(
    out_dir: Path | None = None, *, ontology_directory: Path | None = None, corpus: Corpus | None = None
) -> BuildResult:
    """Validate, compile and write the knowledge graph in every format."""
    directory = ontology_directory or ontology_dir()
    out = Path(out_dir or build_dir())
    graph, curation = compile_graph(directory, corpus=corpus)
    canonical = canonical_graph(graph)
    tbox = canonical_graph(tbox_graph(directory))
    nt = sorted_ntriples(canonical)
    blobs = {out / OUTPUTS["nt"]: nt.encode("utf-8")}
    for key, exporter in EXPORTERS.items():
        if key != "nt":
            blobs[out / exporter.file_name] = exporter.dump(canonical)
    blobs[out / OUTPUTS["tbox"]] = rdf_xml(tbox)
    digest = inputs_hash(directory)
    manifest = {
        "inputs_sha256": digest,
        "msc_graph": __version__,
        "triples": len(canonical),
        "statements": len(curation.statements()),
        "assertions": len(curation.assertions),
        "documents": len(curation.documents),
        "skipped_spans": len(curation.skips),
        "files": {
            name: hashlib.sha256(blobs[out / name]).hexdigest()
            for name in sorted(OUTPUTS.values())
            if out / name in blobs
        },
    }
    blobs[out / OUTPUTS["manifest"]] = (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode()
    onto = load_ontology(directory)
    network = from_model(curation, onto, sorted(conflicts(curation, onto)))
    cache = {"key": _network_key(digest), **to_json(network)}
    blobs[out / NETWORK_CACHE] = (json.dumps(cache, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")
    _atomic_write(blobs)
    return BuildResult(
        out,
        {k: out / v for k, v in OUTPUTS.items()},
        len(canonical),
        len(curation.statements()),
        len(curation.assertions),
        len(curation.documents),
        digest,
    )


def ensure_built(
    folder: Path | None = None, *, ontology_directory: Path | None = None, corpus: Corpus | None = None
) -> Path:
    """The build folder, built first when it is missing or older than its inputs or this version."""
    out = Path(folder or build_dir())
    directory = ontology_directory or ontology_dir()
    if build_is_current(out, directory):
        return out
    out.mkdir(parents=True, exist_ok=True)
    with open(out / ".build.lock", "w") as lock:  # one build at a time; the others wait and reuse it
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not build_is_current(out, directory):
            build(out, ontology_directory=directory, corpus=corpus)
    return out


def read_network(folder: Path, ontology_directory: Path, onto: Ontology) -> nx.MultiDiGraph | None:
    """The projection cached by the build, or None when it is missing or not of these inputs and
    this version (an unreadable cache is ignored, never trusted)."""
    try:
        data = json.loads((folder / NETWORK_CACHE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("key") != _network_key(inputs_hash(ontology_directory)):
        return None
    try:
        return from_json(data, onto)
    except (KeyError, TypeError):
        return None
