"""Serving the knowledge graph over the SPARQL 1.1 Protocol with the Oxigraph server.

msc-graph does not run a home-made server: ``msc-graph serve`` loads the build into an
on-disk Oxigraph store (``build/oxigraph/``, reloaded when the build changes) and runs
``oxigraph serve-read-only`` from the ``oxigraph`` wheel, bound to loopback unless told
otherwise, with a query timeout. The server answers GET and POST queries with SPARQL JSON,
XML, CSV and TSV results, CONSTRUCT/DESCRIBE as Turtle, N-Triples or JSON-LD, refuses
updates (read-only), and has a query page at ``/``.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import sys
import time
from pathlib import Path

from ..build import OUTPUTS, Release, ensure_built, open_release
from ..corpus import Corpus
from ..errors import EnvironmentProblem
from ..project import __version__
from ..project import build_dir as default_build_dir
from ..sparql.embedded import load_ntriples


def oxigraph_binary() -> str:
    """The ``oxigraph`` program of the installed ``oxigraph`` wheel (beside this Python, in the
    wheel's own file list, or on PATH)."""
    from importlib import metadata

    candidate = Path(sys.executable).parent / "oxigraph"
    if candidate.exists():
        return str(candidate)
    try:
        for file in metadata.distribution("oxigraph").files or ():
            if file.name == "oxigraph" and "bin" in file.parts:
                path = Path(str(file.locate())).resolve()
                if path.is_file():
                    return str(path)
    except metadata.PackageNotFoundError:
        pass
    found = shutil.which("oxigraph")
    if found is None:
        raise EnvironmentProblem("the Oxigraph server is not installed; pip install oxigraph")
    return found


def store_key(inputs_sha256: str) -> str:
    """What the on-disk store is keyed by: the build's inputs, msc-graph's version and pyoxigraph's
    (its RocksDB files are pyoxigraph's format)."""
    from importlib import metadata

    try:
        engine = metadata.version("pyoxigraph")
    except metadata.PackageNotFoundError:  # pragma: no cover - a dependency
        engine = "unknown"
    return f"inputs {inputs_sha256}; msc-graph {__version__}; pyoxigraph {engine}"


def prepare_store(build_dir: Path | None = None, *, corpus: Corpus | None = None) -> Path:
    """The on-disk store for the server, (re)loaded from the current build's N-Triples.

    Safe when several processes start servers at once: the check and the load run under a
    file lock, and the store is loaded into a temporary folder that is then moved into place.
    """
    out = ensure_built(Path(build_dir or default_build_dir()), corpus=corpus)
    release = open_release(out)  # this build, pinned for as long as this process serves it
    _PINNED.append(release)
    build = release.path
    with open(build / "oxigraph.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        manifest = json.loads((build / OUTPUTS["manifest"]).read_text())
        key = store_key(manifest["inputs_sha256"])
        location = build / "oxigraph"
        stamp = location / "msc-graph-inputs.txt"
        if stamp.exists() and stamp.read_text() == key:
            return location
        staging = build / f"oxigraph.loading-{os.getpid()}"
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir()
        load_ntriples(build / OUTPUTS["nt"], staging)  # bulk load + compaction (same format as the server's)
        (staging / "msc-graph-inputs.txt").write_text(key)
        shutil.rmtree(location, ignore_errors=True)
        os.replace(staging, location)
        return location


#: the builds this process serves, pinned so that a later build does not remove them
_PINNED: list[Release] = []


def server_command(location: Path, host: str = "127.0.0.1", port: int = 7878, timeout: float = 30) -> list[str]:
    return [
        oxigraph_binary(),
        "serve-read-only",
        "--location",
        str(location),
        "--bind",
        f"{host}:{port}",
        "--timeout-s",
        str(int(max(1, timeout))),
    ]


def wait_until_ready(url: str, *, seconds: float = 30) -> None:
    import urllib.parse
    import urllib.request

    deadline = time.monotonic() + seconds
    while True:
        try:
            query = urllib.parse.urlencode({"query": "ASK {}"})
            with urllib.request.urlopen(f"{url}?{query}", timeout=2) as response:  # noqa: S310 - loopback
                if response.status == 200:
                    return
        except OSError:
            if time.monotonic() > deadline:
                raise EnvironmentProblem(f"the SPARQL server at {url} did not answer within {seconds:.0f} s") from None
            time.sleep(0.2)
