"""Bounded load test of the SPARQL endpoint on loopback: N clients x M queries, reporting
throughput and latency percentiles (and the embedded store's throughput on the same
queries, measured in the same run, as the baseline). Run on demand:

    .venv/bin/python benchmarks/load_test.py --clients 8 --queries 500
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
import urllib.parse
import urllib.request
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--queries", type=int, default=500, help="queries per client")
    args = parser.parse_args()
    kg = msc_graph.load()
    start = time.perf_counter()
    for i in range(args.clients * args.queries // 10):
        kg.select(QUERIES[i % len(QUERIES)])
    embedded_qps = (args.clients * args.queries // 10) / (time.perf_counter() - start)

    with oxigraph_server(timeout=30) as url:

        def client(index: int) -> tuple[list[float], int]:
            latencies, errors = [], 0
            for i in range(args.queries):
                body = urllib.parse.urlencode({"query": prefix_block() + QUERIES[(index + i) % len(QUERIES)]})
                t = time.perf_counter()
                try:
                    req = urllib.request.Request(
                        url, data=body.encode(), headers={"Accept": "application/sparql-results+json"}
                    )
                    with urllib.request.urlopen(req, timeout=30) as response:  # noqa: S310 - loopback
                        json.loads(response.read())
                except Exception:  # noqa: BLE001 - every failure counts as an error
                    errors += 1
                latencies.append(time.perf_counter() - t)
            return latencies, errors

        start = time.perf_counter()
        with ThreadPoolExecutor(args.clients) as pool:
            results = list(pool.map(client, range(args.clients)))
        elapsed = time.perf_counter() - start
    latencies = sorted(x for lat, _ in results for x in lat)
    quantiles = statistics.quantiles(latencies, n=100)
    report = {
        "clients": args.clients,
        "queries_per_client": args.queries,
        "requests": len(latencies),
        "errors": sum(e for _, e in results),
        "seconds": round(elapsed, 2),
        "throughput_qps": round(len(latencies) / elapsed, 1),
        "latency_ms": {
            "p50": round(quantiles[49] * 1000, 2),
            "p90": round(quantiles[89] * 1000, 2),
            "p99": round(quantiles[98] * 1000, 2),
            "max": round(latencies[-1] * 1000, 2),
        },
        "embedded_store_qps_same_queries": round(embedded_qps, 1),
        "server_vs_embedded_throughput_ratio": round(len(latencies) / elapsed / embedded_qps, 3),
    }
    print(json.dumps(report))


if __name__ == "__main__":
    main()
