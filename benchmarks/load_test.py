"""Bounded load test of the SPARQL endpoint on loopback: N clients x M queries, reporting
throughput and latency percentiles of the requests that succeeded, the failed requests apart
(by kind), and the embedded store's throughput on the same queries, measured in the same run,
as the baseline. Exits 1 when any request failed. Run on demand:

    .venv/bin/python benchmarks/load_test.py --clients 8 --queries 500
    .venv/bin/python benchmarks/load_test.py --url http://127.0.0.1:7878/query   # a running endpoint
    .venv/bin/python benchmarks/load_test.py --store DIR --queries-from samples.json

Without options it serves the curated graph (``msc-graph serve``) and sends four fixed queries.
``--store DIR`` serves an existing on-disk store instead (for instance the benchmark's
``msc-store``) with ``msc-graph serve``'s machinery: the front (SERVICE refused, the watchdog,
bounded load) before the Oxigraph server. ``--queries-from FILE`` sends the interactive named
queries that ``bench.py`` sampled across the popularity range (``samples.json`` in its work
folder): each bound to its parameter and cut to one page, as msc-graph's remote client sends it.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from sparql_servers import free_port, oxigraph_server, stop  # noqa: E402

import msc_graph  # noqa: E402
from msc_graph.sparql.text import prefix_block  # noqa: E402

QUERIES = [
    "SELECT (COUNT(?a) AS ?n) WHERE { ?a a msc:Assertion }",
    "SELECT ?f WHERE { obo:CL_0000134 obo:RO_0003000 ?f }",
    "SELECT ?s ?o WHERE { ?st msc:subject ?s ; msc:object ?o ; msc:polarity msc:Negative }",
    "SELECT ?left ?right WHERE { ?left msc:conflictsWith ?right }",
]


def serve_store(location: str, port: str, timeout: str) -> None:
    """``msc-graph serve`` on an existing store (``--serve``, run in a process of its own): the front
    and the Oxigraph server behind it, until SIGTERM."""
    from msc_graph.serve import Front, oxigraph_binary, serve

    front = Front(("127.0.0.1", int(port)), timeout=float(timeout))
    serve(front, Path(location), oxigraph_binary())


def _peak_gb(pid: int) -> float:
    """The peak resident memory of a running process (VmHWM), 0 when unknown."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return 0.0


def _children(pid: int) -> list[int]:
    out = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            out += [int(x) for x in (task / "children").read_text().split()]
    except OSError:
        pass
    return out


@contextmanager
def store_server(location: Path, *, timeout: float = 30):
    """The front and the Oxigraph server on ``location``; yields (url, a function giving the peak GB of
    both processes so far)."""
    from msc_graph.serve import wait_until_ready

    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, __file__, "--serve", str(location), str(port), str(timeout)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/query"

    def peak() -> float:
        return _peak_gb(proc.pid) + sum(_peak_gb(c) for c in _children(proc.pid))

    try:
        try:
            wait_until_ready(url, seconds=120)
        except Exception:
            proc.terminate()
            raise RuntimeError(
                f"the server did not start on {location}: {proc.stderr.read().decode()[-500:]}"
            ) from None
        yield url, peak
    finally:
        stop(proc)


def sampled_queries(path: Path) -> list[tuple[str, str]]:
    """(query name, bound and paged text) of every interactive sample in a ``bench.py`` samples file."""
    spec = json.loads(Path(path).read_text())
    out = [
        (name, sample["text"])
        for name, entry in sorted(spec["queries"].items())
        if entry["kind"] == "interactive"
        for sample in entry["samples"]
    ]
    if not out:
        raise SystemExit(f"{path}: no interactive query samples")
    return out


def _store_kg(location: Path):
    import pyoxigraph as ox

    from msc_graph.graph import KnowledgeGraph
    from msc_graph.project import queries_dir

    return KnowledgeGraph(store=ox.Store.read_only(str(location)), ontology=None, queries_dir=queries_dir())  # type: ignore[arg-type]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--queries", type=int, default=500, help="queries per client")
    parser.add_argument("--url", help="load this running endpoint (no server started, no embedded baseline)")
    parser.add_argument("--store", type=Path, help="serve this on-disk store (default: the curated graph's build)")
    parser.add_argument("--queries-from", type=Path, help="send the interactive queries sampled by bench.py")
    parser.add_argument("--timeout", type=float, default=30, help="the server's query timeout (seconds)")
    parser.add_argument(
        "--dialect",
        action="store_true",
        help="send the texts rewritten for Oxigraph as the embedded store runs them (default: the plain text "
        "msc-graph's remote client sends)",
    )
    parser.add_argument("--serve", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve_store(*args.serve)
        return 0
    if args.url and args.store:
        parser.error("--url and --store exclude each other")
    mix = sampled_queries(args.queries_from) if args.queries_from else [("fixed", q) for q in QUERIES]
    if args.dialect:
        from msc_graph.sparql.text import oxigraph_dialect

        mix = [(name, oxigraph_dialect(text)) for name, text in mix]
    embedded_qps = None
    embedded_n = max(len(mix), args.clients * args.queries // 10)
    if args.url is None:
        kg = _store_kg(args.store) if args.store else msc_graph.load()
        kg.select(mix[0][1])  # open the store and warm it up once, untimed
        start = time.perf_counter()
        for i in range(embedded_n):
            kg.select(mix[i % len(mix)][1])
        embedded_qps = embedded_n / (time.perf_counter() - start)
        del kg

    def client(url: str, index: int) -> tuple[list[tuple[str, float]], Counter[str]]:
        latencies, failures = [], Counter()
        stride = max(1, len(mix) // max(1, args.clients))  # the clients start at different queries
        for i in range(args.queries):
            name, text = mix[(index * stride + i) % len(mix)]
            body = urllib.parse.urlencode({"query": prefix_block() + text})
            t = time.perf_counter()
            try:
                req = urllib.request.Request(
                    url, data=body.encode(), headers={"Accept": "application/sparql-results+json"}
                )
                with urllib.request.urlopen(req, timeout=args.timeout + 30) as response:  # noqa: S310 - loopback
                    data = json.loads(response.read())
                if "results" not in data and "boolean" not in data:
                    raise ValueError("not SPARQL results")
            except Exception as err:  # noqa: BLE001 - every failure counts, by kind, never as throughput
                failures[type(err).__name__] += 1
                continue
            latencies.append((name, time.perf_counter() - t))
        return latencies, failures

    def run(url: str) -> tuple[list[tuple[list[tuple[str, float]], Counter[str]]], float]:
        start = time.perf_counter()
        with ThreadPoolExecutor(args.clients) as pool:
            results = list(pool.map(lambda i: client(url, i), range(args.clients)))
        return results, time.perf_counter() - start

    server_peak = None
    if args.store:
        with store_server(args.store, timeout=args.timeout) as (url, peak):
            results, elapsed = run(url)
            server_peak = peak()
    elif args.url is None:
        with oxigraph_server(timeout=args.timeout) as url:
            results, elapsed = run(url)
    else:
        results, elapsed = run(args.url)
    named = [x for lat, _ in results for x in lat]
    latencies = sorted(s for _, s in named)
    failures: Counter[str] = sum((f for _, f in results), Counter())
    requests = args.clients * args.queries
    report = {
        "clients": args.clients,
        "queries_per_client": args.queries,
        "requests": requests,
        "succeeded": len(latencies),
        "failed": sum(failures.values()),
        "failures": dict(sorted(failures.items())),
        "seconds": round(elapsed, 2),
        "throughput_qps": round(len(latencies) / elapsed, 1),  # answered requests only
        "latency_ms": _percentiles(latencies),  # of the answered requests
        "embedded_store_qps_same_queries": round(embedded_qps, 1) if embedded_qps else None,
        "server_vs_embedded_throughput_ratio": round(len(latencies) / elapsed / embedded_qps, 3)
        if embedded_qps
        else None,
    }
    if args.store or args.queries_from:
        by_query: dict[str, list[float]] = {}
        for name, seconds in named:
            by_query.setdefault(name, []).append(seconds)
        report.update(
            {
                "store": str(args.store) if args.store else None,
                "queries_from": str(args.queries_from) if args.queries_from else None,
                "distinct_queries": len(mix),
                "text": "oxigraph dialect" if args.dialect else "plain (as msc-graph's remote client sends it)",
                "embedded_queries": embedded_n if embedded_qps else None,
                "by_query_ms": {n: _percentiles(sorted(v)) for n, v in sorted(by_query.items())},
                "server_peak_gb": round(server_peak, 3) if server_peak is not None else None,
                "client_peak_gb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024, 3),
            }
        )
    print(json.dumps(report))
    if report["failed"]:
        print(f"load test: {report['failed']} of {requests} requests failed: {report['failures']}", file=sys.stderr)
        return 1
    return 0


def _percentiles(latencies: list[float]) -> dict[str, float] | None:
    """p50/p90/p99/max in milliseconds of sorted latencies (None for fewer than two)."""
    if len(latencies) < 2:
        return None
    quantiles = statistics.quantiles(latencies, n=100)
    return {
        "p50": round(quantiles[49] * 1000, 2),
        "p90": round(quantiles[89] * 1000, 2),
        "p99": round(quantiles[98] * 1000, 2),
        "max": round(latencies[-1] * 1000, 2),
    }


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    sys.exit(main())
