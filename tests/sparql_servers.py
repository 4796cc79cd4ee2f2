"""Starting real SPARQL servers for tests and benchmarks (loopback only, bounded)."""

from __future__ import annotations

import socket
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

BIN = Path(sys.executable).parent / "msc-graph"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def oxigraph_server(env: dict[str, str] | None = None, *, timeout: float = 5):
    """`msc-graph serve` on a free loopback port; yields the query URL."""
    from msc_graph.serve import wait_until_ready

    port = free_port()
    proc = subprocess.Popen(
        [str(BIN), "serve", "--port", str(port), "--timeout", str(timeout)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/query"
    try:
        try:
            wait_until_ready(url, seconds=120)
        except Exception:
            proc.terminate()
            raise RuntimeError(f"msc-graph serve did not start: {proc.stderr.read().decode()[-500:]}") from None
        yield url
    finally:
        stop(proc)


def stop(proc: subprocess.Popen) -> None:
    """Stop a server process: politely, then for good after 10 s."""
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


def normalise(rows):
    """Rows as comparable sets; GROUP_CONCAT order is unspecified in SPARQL, so its parts are sorted."""
    out = set()
    for row in rows:
        items = []
        for key, value in sorted(row.items()):
            if (
                isinstance(value, str)
                and (", " in value or " " in value)
                and key.endswith(("claims", "documents", "speakers"))
            ):
                value = " ".join(sorted(value.replace(",", " ").split()))
            items.append((key, value))
        out.add(tuple(items))
    return out
