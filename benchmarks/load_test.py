"""Bounded load test of the SPARQL endpoint on loopback: N clients x M queries, reporting
throughput and latency percentiles of the requests that succeeded, the failed requests apart
(by kind), and the embedded store's throughput on the same queries, measured in the same run,
as the baseline. Exits 1 when any request failed. Run on demand:

    .venv/bin/python benchmarks/load_test.py --clients 8 --queries 500
    .venv/bin/python benchmarks/load_test.py --url http://127.0.0.1:7878/query   # a running endpoint
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
import urllib.parse
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from sparql_servers import oxigraph_server  # noqa: E402

import msc_graph  # noqa: E402
from msc_graph.sparql.text import prefix_block  # noqa: E402

QUERIES = [
    "SELECT (COUNT(?a) AS ?n) WHERE { ?a a msc:Assertion }",
    "SELECT ?f WHERE { obo:CL_0000134 obo:RO_0003000 ?f }",
    "SELECT ?s ?o WHERE { ?st msc:subject ?s ; msc:object ?o ; msc:polarity msc:Negative }",
    "SELECT ?left ?right WHERE { ?left msc:conflictsWith ?right }",
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--queries", type=int, default=500, help="queries per client")
    parser.add_argument("--url", help="load this running endpoint (no server started, no embedded baseline)")
    args = parser.parse_args()
    embedded_qps = None
    if args.url is None:
        kg = msc_graph.load()
        start = time.perf_counter()
        for i in range(args.clients * args.queries // 10):
            kg.select(QUERIES[i % len(QUERIES)])
        embedded_qps = (args.clients * args.queries // 10) / (time.perf_counter() - start)

    def client(url: str, index: int) -> tuple[list[float], Counter[str]]:
        latencies, failures = [], Counter()
        for i in range(args.queries):
            body = urllib.parse.urlencode({"query": prefix_block() + QUERIES[(index + i) % len(QUERIES)]})
            t = time.perf_counter()
            try:
                req = urllib.request.Request(
                    url, data=body.encode(), headers={"Accept": "application/sparql-results+json"}
                )
                with urllib.request.urlopen(req, timeout=30) as response:  # noqa: S310 - loopback
                    data = json.loads(response.read())
                if "results" not in data and "boolean" not in data:
                    raise ValueError("not SPARQL results")
            except Exception as err:  # noqa: BLE001 - every failure counts, by kind, never as throughput
                failures[type(err).__name__] += 1
                continue
            latencies.append(time.perf_counter() - t)
        return latencies, failures

    def run(url: str) -> tuple[list[tuple[list[float], Counter[str]]], float]:
        start = time.perf_counter()
        with ThreadPoolExecutor(args.clients) as pool:
            results = list(pool.map(lambda i: client(url, i), range(args.clients)))
        return results, time.perf_counter() - start

    if args.url is None:
        with oxigraph_server(timeout=30) as url:
            results, elapsed = run(url)
    else:
        results, elapsed = run(args.url)
    latencies = sorted(x for lat, _ in results for x in lat)
    failures: Counter[str] = sum((f for _, f in results), Counter())
    requests = args.clients * args.queries
    latency = None
    if len(latencies) >= 2:
        quantiles = statistics.quantiles(latencies, n=100)
        latency = {
            "p50": round(quantiles[49] * 1000, 2),
            "p90": round(quantiles[89] * 1000, 2),
            "p99": round(quantiles[98] * 1000, 2),
            "max": round(latencies[-1] * 1000, 2),
        }
    report = {
        "clients": args.clients,
        "queries_per_client": args.queries,
        "requests": requests,
        "succeeded": len(latencies),
        "failed": sum(failures.values()),
        "failures": dict(sorted(failures.items())),
        "seconds": round(elapsed, 2),
        "throughput_qps": round(len(latencies) / elapsed, 1),  # answered requests only
        "latency_ms": latency,  # of the answered requests
        "embedded_store_qps_same_queries": round(embedded_qps, 1) if embedded_qps else None,
        "server_vs_embedded_throughput_ratio": round(len(latencies) / elapsed / embedded_qps, 3)
        if embedded_qps
        else None,
    }
    print(json.dumps(report))
    if report["failed"]:
        print(f"load test: {report['failed']} of {requests} requests failed: {report['failures']}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
