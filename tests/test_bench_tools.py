"""The benchmark's own logic, without running it: drawing parameters across the popularity range
(benchmarks/sampling.py) and comparing two results (benchmarks/compare.py, bench.py --compare)."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import compare  # noqa: E402
import sampling  # noqa: E402


def test_bands_are_the_popular_middle_and_rare_tenths():
    order = sampling.ranked({f"t{i:03d}": 200 - i for i in range(200)} | {"unclaimed": 0})
    bands = sampling.bands(order)
    assert [k for k, _ in bands["popular"]] == [f"t{i:03d}" for i in range(20)]
    assert [k for k, _ in bands["rare"]] == [f"t{i:03d}" for i in range(180, 200)]
    assert [k for k, _ in bands["middle"]] == [f"t{i:03d}" for i in range(90, 110)]
    assert all(n > 0 for items in bands.values() for _, n in items)  # terms without claims are left out


def test_drawing_is_fixed_by_the_seed_and_covers_every_band():
    order = sampling.ranked({f"t{i}": i + 1 for i in range(100)})
    first = sampling.draw(order, random.Random("7:q"))
    assert first == sampling.draw(order, random.Random("7:q")) != sampling.draw(order, random.Random("8:q"))
    assert [b for b, _, _ in first] == ["popular"] * 5 + ["middle"] * 5 + ["rare"] * 5
    assert len({k for _, k, _ in first}) == 15
    small = sampling.draw(sampling.ranked({"a": 3, "b": 1}), random.Random(1))
    assert {b for b, _, _ in small} == {"popular", "middle", "rare"}  # fewer terms than bands: each band has one


def test_explain_pairs_cover_every_combination_of_bands():
    sources = sampling.ranked({f"s{i}": i + 1 for i in range(50)})
    conditions = sampling.ranked({f"c{i}": i + 1 for i in range(80)})
    pairs = sampling.draw_pairs(sources, conditions, random.Random("7:explain"))
    assert len(pairs) >= 20
    assert {p["band"] for p in pairs} == {f"{s}/{c}" for s in sampling.BANDS for c in sampling.BANDS}


def test_integrity_checks_and_roles_of_the_named_queries():
    from msc_graph.sparql.named import load_queries

    queries = load_queries()
    assert sampling.is_integrity("conflicts") and not sampling.is_integrity("entity-conflicts")
    for name, query in queries.items():
        role = sampling.query_role(query)
        if role is not None:
            assert role[0] in {p.name for p in query.params} and role[1] in sampling.ROLE_COUNTS, name
    assert sampling.nearest_rank([float(i) for i in range(1, 16)], 0.95) == 15.0
    assert sampling.nearest_rank([float(i) for i in range(1, 101)], 0.95) == 95.0


OLD = {
    "claims": 10000,
    "load": {"ours_s": 1.0, "ratio": 1.0},
    "queries": {"a": {"median_s": 0.2, "p95_s": 0.3, "rows_median": 100}, "b": {"median_s": 0.002}},
    "endpoint": {"throughput_qps": 100.0, "latency_ms": {"p50": 10.0, "p99": 200.0, "max": 300.0}},
    "peak_gb": 1.0,
    "rdflib_baseline": {"load_s": 5.0},
    "loadavg": {"start": [1.0, 1.0, 1.0]},
}


def test_compare_flags_timings_and_memory_more_than_1_5x_worse_only():
    new = json.loads(json.dumps(OLD))
    new["queries"]["a"].update(median_s=0.35, rows_median=1000)  # 1.75x slower; rows are not a timing
    new["queries"]["b"]["median_s"] = 0.008  # 4x slower, but 6 ms: within the noise floor
    new["endpoint"]["throughput_qps"] = 50.0  # half the rate
    new["endpoint"]["latency_ms"]["p99"] = 290.0  # 1.45x: not flagged
    new["endpoint"]["latency_ms"]["max"] = 900.0  # one slow request: printed, not flagged
    new["peak_gb"] = 1.6
    new["rdflib_baseline"]["load_s"] = 50.0  # rdflib's own time
    new["loadavg"]["start"] = [9.0, 9.0, 9.0]
    rows = {r.path: r for r in compare.compare(OLD, new)}
    assert {p for p, r in rows.items() if r.flag == "WORSE"} == {
        "queries.a.median_s",
        "endpoint.throughput_qps",
        "peak_gb",
    }
    assert rows["queries.b.median_s"].flag == "noise"
    assert rows["queries.a.rows_median"].ratio == 10 and not rows["queries.a.rows_median"].flag
    assert "loadavg.start[0]" not in rows and rows["rdflib_baseline.load_s"].flag == ""
    text, worse = compare.report(list(rows.values()))
    assert worse == 3 and "WORSE" in text


def test_bench_compare_exits_1_when_a_figure_got_worse(tmp_path):
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    old.write_text(json.dumps(OLD) + "\n")
    worse = json.loads(json.dumps(OLD))
    worse["queries"]["a"]["p95_s"] = 0.9
    new.write_text("progress\n" + json.dumps(worse) + "\n")
    bench = [sys.executable, str(ROOT / "benchmarks" / "bench.py"), "--compare", str(old)]
    same = subprocess.run([*bench, "--against", str(old)], capture_output=True, text=True, timeout=60)
    assert same.returncode == 0, same.stderr
    assert "0 flagged WORSE" in same.stdout
    result = subprocess.run([*bench, "--against", str(new)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "queries.a.p95_s" in result.stdout and "WORSE" in result.stdout


@pytest.mark.parametrize("text", ["", "no json here\n"])
def test_compare_refuses_a_file_without_a_result(tmp_path, text):
    path = tmp_path / "r.json"
    path.write_text(text)
    with pytest.raises(ValueError, match="no JSON result line"):
        compare.read_result(path)
