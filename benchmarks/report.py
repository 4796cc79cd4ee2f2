"""Turn benchmark JSON lines (benchmarks/results/bench-*.json) into the README's performance table.

.venv/bin/python benchmarks/report.py benchmarks/results/bench-*.json
"""

from __future__ import annotations

import json
import sys


def main(paths: list[str]) -> None:
    runs = []
    for path in paths:
        with open(path) as handle:
            text = handle.read().strip()
        if text:
            runs.append(json.loads(text.splitlines()[-1]))
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
        [f"{r['load']['msc_graph_s']} s / {r['load']['raw_pyoxigraph_s']} s ({r['load']['ratio']})" for r in runs],
    )
    row("peak memory (target ≤ 4 GB)", [f"{r['peak_memory_gb']} GB" for r in runs])
    names = sorted(runs[-1]["queries"])
    for name in names:
        cells = []
        for r in runs:
            q = r["queries"].get(name, {})
            cells.append(
                f"{q['median_s']:.3f} s ({q['rows']:,} rows)" if "median_s" in q else f"> {q.get('timeout', '?')} s"
            )
        row(f"query `{name}` median", cells)
    row(
        "explain median / max (target ≤ 0.5 s)",
        [f"{r['explain'].get('median_s', '–')} s / {r['explain'].get('max_s', '–')} s" for r in runs],
    )
    row(
        "cold CLI explain / import baseline (ratio; target ≤ 1.5)",
        [
            f"{r['cold_cli']['msc_graph_explain_s']} s / {r['cold_cli']['import_pyoxigraph_networkx_s']} s "
            f"({r['cold_cli']['ratio']})"
            for r in runs
        ],
    )
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
    row("rdflib memory-store baseline", cells)
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
