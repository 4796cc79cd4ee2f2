"""Turn benchmark JSON lines (benchmarks/results/bench-*.json) into the README's performance table.

.venv/bin/python benchmarks/report.py benchmarks/results/bench-*.json

One column per run (by claims). Per named query: median and p95 over the sampled parameters
(interactive queries: one page; integrity checks: the whole answer) and the median rows; then
explain, the cold command line, the endpoint under load, the rdflib baseline and the load
average, and below the table every missed target with its measured cause. Results written
before the sampled benchmark (one median per query, no p95) are shown with what they have.
"""

from __future__ import annotations

import json
import sys


def _seconds(value) -> str:
    return "–" if value is None else f"{value:.3f} s"


def _query_cell(q: dict) -> str:
    if "median_s" not in q:
        why = q.get("timeout") or q.get("error") or "?"
        return f"> {why} s" if "timeout" in q else f"failed ({why})"
    rows = q.get("rows_median", q.get("rows"))
    rows_text = f"{rows:,.0f} rows" if isinstance(rows, int | float) else "? rows"
    stopped = " (stopped)" if "timeout" in q or "error" in q else ""
    if "p95_s" in q:
        return f"{_seconds(q['median_s'])} / {_seconds(q['p95_s'])} ({rows_text}){stopped}"
    return f"{_seconds(q['median_s'])} ({rows_text})"


def _explain_cell(e: dict) -> str:
    pairs = e.get("pairs", len(e.get("chains", [])))
    p95 = e.get("p95_s", e.get("max_s"))
    return f"{_seconds(e.get('median_s'))} / {_seconds(p95)} / {_seconds(e.get('first_s'))} ({pairs} pairs)"


def _endpoint_cell(e: dict | None) -> str:
    if not e:
        return "–"
    if "latency_ms" not in e:
        return f"failed ({e.get('timeout') or e.get('error')})"
    lat = e["latency_ms"] or {}
    return (
        f"p50 {lat.get('p50', '–')} ms / p99 {lat.get('p99', '–')} ms, {e['throughput_qps']} q/s "
        f"(embedded {e.get('embedded_store_qps_same_queries')} q/s); {e['failed']} of {e['requests']} failed"
    )


def main(paths: list[str]) -> None:
    runs = []
    for path in paths:
        with open(path) as handle:
            lines = [x for x in handle.read().splitlines() if x.strip().startswith("{")]
        if lines:
            runs.append(json.loads(lines[-1]))
    runs.sort(key=lambda r: r["claims"])
    if not runs:
        print("no finished runs")
        return
    head = "| | " + " | ".join(f"{r['claims']:,} claims" for r in runs) + " |"
    print(head)
    print("|---|" + "---:|" * len(runs))

    def row(label, values):
        print(f"| {label} | " + " | ".join(values) + " |")

    row(
        "triples / statements / documents",
        [f"{r['triples']:,} / {r['statements']:,} / {r['documents']:,}" for r in runs],
    )
    row(
        "load: msc-graph / raw pyoxigraph (ratio; target ≤ 1.2)",
        [
            f"{r['load'].get('ours_s', r['load'].get('msc_graph_s'))} s / "
            f"{r['load'].get('raw_s', r['load'].get('raw_pyoxigraph_s'))} s ({r['load']['ratio']})"
            for r in runs
        ],
    )
    row("peak memory (target ≤ 4 GB)", [f"{r.get('peak_gb', r.get('peak_memory_gb'))} GB" for r in runs])
    names = sorted({n for r in runs for n in r["queries"]})
    kinds = {
        n: next((r["queries"][n].get("kind") for r in runs if r["queries"].get(n, {}).get("kind")), None) for n in names
    }
    for kind, label in (
        ("interactive", "**interactive queries**, one page: median / p95 (target p95 ≤ 1 s)"),
        ("integrity", "**integrity checks**, whole answer: median / p95 (target ≤ 10 s)"),
        (None, "**named queries**: median"),
    ):
        members = [n for n in names if kinds[n] == kind]
        if members:
            row(label, [""] * len(runs))
        for name in members:
            row(f"`{name}`", [_query_cell(r["queries"].get(name, {})) for r in runs])
    row("explain median / p95 / first call (targets 0.5 / 1.5 / 2 s)", [_explain_cell(r["explain"]) for r in runs])
    row(
        "cold CLI explain / import baseline (ratio; target ≤ 1.5)",
        [
            f"{r['cold_cli']['msc_graph_explain_s']} s / {r['cold_cli']['import_pyoxigraph_networkx_s']} s "
            f"({r['cold_cli']['ratio']})"
            for r in runs
        ],
    )
    row("endpoint, 8 clients × 500 sampled queries", [_endpoint_cell(r.get("endpoint")) for r in runs])
    cells = []
    for r in runs:
        b = r.get("rdflib_baseline", {})
        if b.get("load_s") is None:
            cells.append(f"did not load within {b.get('bound_s')} s")
        else:
            finished = [q for q in b.get("queries", {}).values() if q["answers_equal"] is not None]
            equal = all(q["answers_equal"] for q in finished)
            cells.append(
                f"load {b['load_s']} s ({b['load_ratio_rdflib_vs_msc']}× ours); "
                f"{len(finished)}/{len(b.get('queries', {}))} queries within {b['bound_s']:g} s, "
                f"answers {'equal' if equal else 'DIFFERENT'}"
            )
    row("rdflib memory-store baseline (whole answers)", cells)
    if any("loadavg" in r for r in runs):
        row(
            "load average at start / end",
            [f"{r['loadavg']['start'][0]} / {r['loadavg']['end'][0]}" if r.get("loadavg") else "–" for r in runs],
        )
    for r in runs:
        missed = [k for k, v in r["targets"].items() if not v["met"]]
        print(f"\n{r['claims']:,} claims: targets missed: {', '.join(missed) if missed else 'none'}")
        for key, target in r["targets"].items():
            reason = target.get("reason")
            if isinstance(reason, dict):
                for name, why in reason.items():
                    print(f"  - `{name}`: {why}")
            elif reason:
                print(f"  - {key}: {reason}")


if __name__ == "__main__":
    main(sys.argv[1:])
