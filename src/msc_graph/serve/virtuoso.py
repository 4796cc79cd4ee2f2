"""Run the knowledge graph on Virtuoso Open Source (Debian's ``virtuoso-opensource``).

A throwaway database in a folder of its own, bound to loopback ports, loaded with the
build's N-Triples through Virtuoso's bulk loader::

    python -m msc_graph.serve.virtuoso --folder /tmp/virtuoso --http-port 8890
    msc-graph query claims --endpoint http://127.0.0.1:8890/sparql

Virtuoso 7.2 caps results at 10,000 rows unless ``ResultSetMaxRows`` is raised (done
here) and reads every graph when a query names none, which is what msc-graph's queries
expect. The SQL account is Virtuoso's default ``dba``; the database is local and throwaway.
"""

from __future__ import annotations

import argparse
import shutil
import socket
import subprocess
import time
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from ..build import OUTPUTS, ensure_built, open_release
from ..errors import EnvironmentProblem
from ..project import build_dir

GRAPH = "https://w3id.org/msc-graph/graph"

INI = """[Database]
DatabaseFile = {folder}/virtuoso.db
ErrorLogFile = {folder}/virtuoso.log
LockFile = {folder}/virtuoso.lck
TransactionFile = {folder}/virtuoso.trx
xa_persistent_file = {folder}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {folder}/virtuoso-temp.db
TransactionFile = {folder}/virtuoso-temp.trx
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
CheckpointInterval = 60
CaseMode = 2
DirsAllowed = ., {data}
NumberOfBuffers = 20000
MaxDirtyBuffers = 15000
ThreadsPerQuery = 2
MaxQueryMem = 1G

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {folder}
ServerThreads = 10
MaxClientConnections = 10
Charset = UTF-8

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = {timeout}
MaxQueryCostEstimationTime = 0
DefaultQuery = SELECT (COUNT(*) AS ?n) WHERE {{ ?s ?p ?o }}
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class VirtuosoServer:
    process: subprocess.Popen
    folder: Path
    sql_port: int
    http_port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}/sparql"

    def isql(self, statement: str) -> str:
        result = subprocess.run(
            ["isql-vt", str(self.sql_port), "dba", "dba", f"exec={statement}"],
            capture_output=True,
            text=True,
            timeout=600,
        )
        if result.returncode != 0 or "*** Error" in result.stdout:
            raise EnvironmentProblem(f"Virtuoso refused {statement!r}: {(result.stdout + result.stderr).strip()[:300]}")
        return result.stdout

    def load(self, ntriples: Path) -> None:
        """Bulk-load an N-Triples file into the msc-graph graph."""
        ntriples = Path(ntriples).resolve()
        self.isql(f"ld_dir('{ntriples.parent}', '{ntriples.name}', '{GRAPH}')")
        self.isql("rdf_loader_run()")
        self.isql("checkpoint")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


def start(folder: Path, data_dir: Path, *, http_port: int | None = None, timeout: int = 30) -> VirtuosoServer:
    """Start ``virtuoso-t`` in the foreground on loopback ports with a fresh database in ``folder``."""
    if shutil.which("virtuoso-t") is None or shutil.which("isql-vt") is None:
        raise EnvironmentProblem("Virtuoso is not installed; apt-get install virtuoso-opensource")
    folder = Path(folder).resolve()
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    sql_port, http = _free_port(), http_port or _free_port()
    (folder / "virtuoso.ini").write_text(
        INI.format(folder=folder, data=Path(data_dir).resolve(), sql_port=sql_port, http_port=http, timeout=timeout)
    )
    process = subprocess.Popen(
        ["virtuoso-t", "-f", "-c", str(folder / "virtuoso.ini")],
        cwd=folder,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
    )
    server = VirtuosoServer(process, folder, sql_port, http)
    deadline = time.monotonic() + 120
    while True:
        if process.poll() is not None:
            log = (
                (folder / "virtuoso.log").read_text(errors="replace")[-500:]
                if (folder / "virtuoso.log").exists()
                else ""
            )
            raise EnvironmentProblem(f"Virtuoso exited at start-up: {log}")
        try:
            server.isql("select 1")
            return server
        except (EnvironmentProblem, subprocess.TimeoutExpired):
            if time.monotonic() > deadline:
                server.stop()
                raise EnvironmentProblem("Virtuoso did not start within 120 s") from None
            time.sleep(1)


@contextmanager
def running(folder: Path, build_dir: Path, **options):
    """A Virtuoso server loaded with ``build_dir/msc-graph.nt``; stopped on exit."""
    release = open_release(Path(build_dir))  # one published build, pinned while it is served
    nt = release.path / OUTPUTS["nt"]
    server = start(folder, nt.parent, **options)
    try:
        server.load(nt)
        yield server
    finally:
        server.stop()
        release.close()


def main() -> None:
    parser = argparse.ArgumentParser(
        description="Serve the msc-graph build on Virtuoso (loopback, throwaway database)."
    )
    parser.add_argument("--folder", type=Path, default=Path("build/virtuoso"), help="Database folder (wiped).")
    parser.add_argument("--build", type=Path, default=None, help="Build folder (default build/).")
    parser.add_argument("--http-port", type=int, default=8890)
    parser.add_argument("--timeout", type=int, default=30, help="MaxQueryExecutionTime in seconds.")
    args = parser.parse_args()
    build = args.build or build_dir()
    ensure_built(build)
    with running(args.folder, build, http_port=args.http_port, timeout=args.timeout) as server:
        print(f"Virtuoso SPARQL endpoint: {server.url}  (Ctrl-C to stop)", flush=True)
        with suppress(KeyboardInterrupt):
            server.process.wait()


if __name__ == "__main__":
    main()
