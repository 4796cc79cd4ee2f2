"""msc-graph at scale, measured the way users hit it, against the rdflib memory-store baseline.

    .venv/bin/python benchmarks/bench.py --claims 10000 --out new.json    # a few minutes
    .venv/bin/python benchmarks/bench.py --compare main.json --against new.json

Generates a synthetic claim graph in msc-graph's real model (deterministic by --seed), then
measures, each heavy step in its own process so that peak memory is per step:

* load: msc-graph's on-disk store (``msc_graph.sparql.embedded.load_ntriples``) against a raw
  pyoxigraph bulk load of the same triples;
* every named query over parameters drawn across the popularity range (``sampling.py``: five
  from the most popular tenth of the parameter's role, five from the middle, five from the
  rarest tenth with claims; one SPARQL count per role gives the popularity): interactive
  queries answer one page (the default 100 rows), integrity checks (``*-violation`` and the
  whole-graph ``conflicts``) their whole answer; median and p95 per query;
* ``explain`` over 27 source/condition pairs drawn the same way (every combination of the
  source's and the condition's bands), and its first call in a fresh process;
* a cold ``msc-graph explain`` on the real curated graph against
  ``python -c "import pyoxigraph, networkx"``;
* the endpoint (``msc-graph serve``'s front and Oxigraph server) on the same store under 8
  concurrent clients sending the sampled interactive queries (``load_test.py``), beside the
  embedded store's rate on the same queries;
* the same load and queries on rdflib's memory store where they finish within --bound seconds
  (answers compared whole, ``limit=None`` on both sides).

Prints one JSON line with every figure and, under "targets", whether each target is met and,
for each one missed, the measured cause. ``--compare EARLIER.json`` compares the result with an
earlier one (``compare.py``) and exits 1 when a timing or memory figure got more than 1.5x worse.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import compare as comparing  # noqa: E402
import sampling  # noqa: E402

TARGETS = {
    "load_ratio": 1.2,
    "peak_memory_gb": 4.0,
    "interactive_p95_s": 1.0,
    "integrity_s": 10.0,
    "explain_median_s": 0.5,
    "explain_p95_s": 1.5,
    "explain_first_s": 2.0,
    "cold_cli_ratio": 1.5,
}
REPEAT = 5  # runs of an interactive query without parameters
INTEGRITY_RUNS = 3  # whole-answer runs of an integrity check (fewer when one is slow)


def peak_rss_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024  # KiB on Linux


def loadavg() -> list[float]:
    try:
        return [float(x) for x in Path("/proc/loadavg").read_text().split()[:3]]
    except OSError:
        return []


def child(task: str, *args: str, timeout: float) -> dict:
    """Run one measurement in a fresh process; returns its JSON, or {"timeout": seconds}."""
    try:
        out = subprocess.run(
            [sys.executable, __file__, "--child", task, *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return {"timeout": timeout}
    if out.returncode != 0:
        return {"error": (out.stderr.strip().splitlines() or ["failed"])[-1]}
    return json.loads(out.stdout.strip().splitlines()[-1])


def child_lines(task: str, *args: str, timeout: float) -> tuple[list[dict], dict]:
    """Like :func:`child` for a task that prints one JSON line per step: the lines printed (also
    those before a timeout or an error), and {"timeout": seconds} or {"error": ...} or {}."""
    status: dict = {}
    try:
        done = subprocess.run(
            [sys.executable, __file__, "--child", task, *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        out = done.stdout
        if done.returncode != 0:
            status = {"error": (done.stderr.strip().splitlines() or ["failed"])[-1]}
    except subprocess.TimeoutExpired as err:
        out = err.stdout.decode() if isinstance(err.stdout, bytes) else (err.stdout or "")
        status = {"timeout": timeout}
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")], status


def emit(line: dict) -> None:
    print(json.dumps(line), flush=True)


# ----------------------------------------------------------------------------- child tasks


def task_load_msc(nt: str, location: str) -> dict:
    from msc_graph.sparql.embedded import load_ntriples

    start = time.perf_counter()
    load_ntriples(Path(nt), Path(location))
    return {"seconds": time.perf_counter() - start, "peak_gb": peak_rss_gb()}


def task_load_raw(nt: str, location: str) -> dict:
    import pyoxigraph as ox

    start = time.perf_counter()
    store = ox.Store(location)
    store.bulk_load(path=nt, format=ox.RdfFormat.N_TRIPLES)
    store.flush()
    return {"seconds": time.perf_counter() - start, "peak_gb": peak_rss_gb()}


def _synthetic_kg(location: str):
    import pyoxigraph as ox

    from msc_graph.graph import KnowledgeGraph
    from msc_graph.project import queries_dir
    from msc_graph.sparql.vocabulary import ontology_from_store

    store = ox.Store.read_only(location)
    kg = KnowledgeGraph(store=store, ontology=None, queries_dir=queries_dir())  # type: ignore[arg-type]
    kg.ontology = ontology_from_store(kg.select)
    return kg


def _param_value(role: str, key: str, kg) -> str:
    """What a user types for a key of a role: a term's label, a document or statement id, a category."""
    tail = key.rsplit("/", 1)[-1]
    if role in ("document", "statement"):
        return tail
    if role == "category":
        return tail.rsplit(":", 1)[-1]
    return kg.ontology.resolve(key).label


def task_sample(location: str, out: str, seed: str) -> dict:
    """Popularity per role (one SPARQL count each), then the parameters of every named query and
    the explain pairs, drawn with the seed; written to ``out`` with each interactive sample's bound,
    paged text (what msc-graph's remote client sends for it) for the endpoint's load test."""
    from msc_graph.graph import PAGE_SIZE
    from msc_graph.sparql.named import bind_params, load_queries
    from msc_graph.sparql.text import bind_with_values, paged

    kg = _synthetic_kg(location)
    queries = load_queries()
    needed = {r[1] for r in (sampling.query_role(q) for q in queries.values()) if r} | {"source", "condition"}
    order, roles = {}, {}
    for role in sorted(needed):
        start = time.perf_counter()
        rows = kg.select(sampling.role_query(role))[1]
        order[role] = sampling.ranked({str(r["term"]): int(r["n"]) for r in rows})
        roles[role] = {
            "seconds": round(time.perf_counter() - start, 3),
            "keys": len(order[role]),
            "bands": {
                b: [items[-1][1], items[0][1]] if items else [] for b, items in sampling.bands(order[role]).items()
            },
        }
    spec: dict = {"seed": int(seed), "roles": roles, "queries": {}}
    for name, query in sorted(queries.items()):
        if sampling.is_integrity(name):
            spec["queries"][name] = {"kind": "integrity", "samples": [{"band": "whole graph", "params": {}}]}
            continue
        role = sampling.query_role(query)
        samples = []
        if role is None:
            samples.append({"band": "no parameter", "params": {}, "claims": None})
        else:
            param, role_name = role
            rng = random.Random(f"{seed}:{name}:{param}")
            for band, key, n in sampling.draw(order[role_name], rng):
                samples.append({"band": band, "params": {param: _param_value(role_name, key, kg)}, "claims": n})
        for sample in samples:
            bound = bind_with_values(query.text, bind_params(query, sample["params"], kg))
            sample["text"] = paged(bound, PAGE_SIZE + 1, 0)  # a page and one row: is there more?
        entry = {"kind": "interactive", "samples": samples}
        if role:
            entry["param"], entry["role"] = role
        spec["queries"][name] = entry
    rng = random.Random(f"{seed}:explain")
    pairs = sampling.draw_pairs(order["source"], order["condition"], rng)
    for pair in pairs:
        pair["source"] = _param_value("source", pair["source"], kg)
        pair["condition"] = _param_value("condition", pair["condition"], kg)
    spec["explain"] = pairs
    Path(out).write_text(json.dumps(spec, indent=1))
    return {"roles": roles, "pairs": len(pairs)}


def task_queries(location: str, samples: str, name: str) -> dict:
    """One named query over its samples: a line per timed call (so a parent that stops it keeps what
    finished). Interactive: one page per sample; integrity: the whole answer, up to 3 times."""
    kg = _synthetic_kg(location)
    spec = json.loads(Path(samples).read_text())["queries"][name]
    if spec["kind"] == "integrity":
        spent = 0.0
        for _ in range(INTEGRITY_RUNS):
            start = time.perf_counter()
            rows = kg.query(name, limit=None).rows
            seconds = time.perf_counter() - start
            emit({"band": "whole graph", "params": {}, "claims": None, "rows": len(rows), "seconds": seconds})
            spent += seconds
            if spent > 2 * TARGETS["integrity_s"]:  # far over the target: fewer runs
                break
    else:
        runs = spec["samples"] * (REPEAT if len(spec["samples"]) == 1 else 1)
        kg.query(name, **runs[-1]["params"])  # warm-up (untimed): the query's plan and common labels
        for sample in runs:
            start = time.perf_counter()
            rows = kg.query(name, **sample["params"]).rows
            seconds = time.perf_counter() - start
            emit({k: sample[k] for k in ("band", "params", "claims")} | {"rows": len(rows), "seconds": seconds})
    return {"peak_gb": peak_rss_gb()}


def summarise_query(name: str, kind: str, lines: list[dict], status: dict) -> dict:
    """A query's figures from its timed calls: median and p95 (nearest rank), rows, the median per band
    and the slowest call."""
    entry: dict = {"kind": kind}
    entry.update(status)
    timed = [x for x in lines if "seconds" in x]
    if not timed:
        return entry
    seconds = [x["seconds"] for x in timed]
    rows = [x["rows"] for x in timed]
    slowest = max(timed, key=lambda x: x["seconds"])
    entry.update(
        {
            "median_s": round(statistics.median(seconds), 4),
            "p95_s": round(sampling.nearest_rank(seconds, 0.95), 4),
            "rows_median": statistics.median(rows),
            "rows": max(rows),
            "runs": len(timed),
            "slowest": {
                "params": slowest["params"],
                "band": slowest["band"],
                "claims": slowest["claims"],
                "rows": slowest["rows"],
                "seconds": round(slowest["seconds"], 4),
            },
        }
    )
    by_band: dict[str, list[float]] = {}
    for x in timed:
        by_band.setdefault(x["band"], []).append(x["seconds"])
    if set(by_band) <= set(sampling.BANDS):
        entry["bands_median_s"] = {b: round(statistics.median(v), 4) for b, v in by_band.items()}
    return entry


def task_explain(location: str, samples: str, max_chains: str) -> dict:
    """The first call in this fresh process (it reads the skeleton), then every pair: a line each."""
    kg = _synthetic_kg(location)
    pairs = json.loads(Path(samples).read_text())["explain"]
    options = {"max_length": 5, "max_chains": int(max_chains), "strategy": "bounded"}
    first = pairs[0]
    start = time.perf_counter()
    kg.explain(first["source"], first["condition"], **options)
    emit({"first_s": time.perf_counter() - start})
    for pair in pairs:
        start = time.perf_counter()
        result = kg.explain(pair["source"], pair["condition"], **options)
        emit(pair | {"seconds": time.perf_counter() - start, "chains": len(result.chains)})
    return {"peak_gb": peak_rss_gb(), "options": options}


class _Bound(Exception):
    pass


def task_rdflib(nt: str, location: str, samples: str, names: str, bound: str) -> dict:
    """rdflib's memory store and SPARQL engine on the same triples and the same bound queries, whole
    answers (``limit=None``) compared with msc-graph's on its on-disk store, timed the same way.

    Prints one JSON line after the load and one per query as it goes (so a parent that stops
    it keeps what finished); each step is interrupted after ``bound`` seconds (SIGALRM: rdflib
    is pure Python, so the alarm stops it promptly).
    """
    import signal

    import pyoxigraph as ox
    import rdflib

    from msc_graph.namespaces import PREFIXES, iri_to_curie
    from msc_graph.sparql.named import bind_params, get_query

    limit = float(bound)
    spec = json.loads(Path(samples).read_text())["queries"]

    def alarm(_signum, _frame):
        raise _Bound()

    signal.signal(signal.SIGALRM, alarm)
    graph = rdflib.Graph()
    start = time.perf_counter()
    signal.alarm(max(1, int(limit)))
    try:
        graph.parse(nt, format="nt")
    except _Bound:
        emit({"load_s": None, "bound_s": limit})
        return {"done": True}
    finally:
        signal.alarm(0)
    emit({"load_s": time.perf_counter() - start})
    kg = _synthetic_kg(location)
    for name in names.split(","):
        query = get_query(name)
        params = spec[name]["samples"][0]["params"]  # the first drawn: a popular one
        bound_values = bind_params(query, params, kg)
        init = {
            k: (
                rdflib.URIRef(v.value)
                if isinstance(v, ox.NamedNode)
                else rdflib.Literal(v.value, datatype=rdflib.URIRef(v.datatype.value))
            )
            for k, v in bound_values.items()
        }
        start = time.perf_counter()
        signal.alarm(max(1, int(limit)))
        try:
            result = graph.query(query.text, initNs=PREFIXES, initBindings=init)
            rows = []
            for r in result:
                rows.append(
                    {
                        str(var): (
                            None
                            if r[var] is None
                            else iri_to_curie(str(r[var]))
                            if isinstance(r[var], rdflib.URIRef)
                            else r[var].toPython()
                        )
                        for var in result.vars
                    }
                )
            elapsed, finished = time.perf_counter() - start, True
        except _Bound:
            elapsed, finished, rows = limit, False, []
        finally:
            signal.alarm(0)
        start = time.perf_counter()
        ours = kg.query(name, limit=None, **params).rows
        ours_s = time.perf_counter() - start
        equal = _normalise(rows) == _normalise(ours) if finished else None
        emit(
            {
                "query": name,
                "params": params,
                "seconds": elapsed,
                "finished": finished,
                "equal": equal,
                "rows": len(ours),
                "msc_graph_s": ours_s,
            }
        )
    return {"done": True}


def _normalise(rows):
    def norm(value):
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str) and (" " in value or ", " in value):
            return " ".join(sorted(value.replace(",", " ").split()))
        return value

    return sorted(repr(sorted((k, norm(v)) for k, v in row.items())) for row in rows)


def task_cold_cli() -> dict:
    """A fresh ``msc-graph explain`` process on the curated graph against ``python -c "import
    pyoxigraph, networkx"``, each the median of REPEAT runs, after one warm-up run of each (the
    build and the OS file cache). msc_graph's bytecode is compiled first, as pip does when it
    installs a wheel and as the baseline's packages have it: where PYTHONDONTWRITEBYTECODE is set
    (this machine), an editable checkout would otherwise compile every module from source on every
    run (about 80 ms). Also measured: importing the command line without running it, which splits
    the difference into msc-graph's imports and the answer itself."""
    import compileall

    import msc_graph

    compileall.compile_dir(str(Path(msc_graph.__file__).parent), quiet=1)
    exe = Path(sys.executable).parent / "msc-graph"
    subprocess.run([str(exe), "build"], check=True, capture_output=True, cwd=ROOT)
    explain = [str(exe), "explain", "--source", "bone marrow", "--condition", "knee osteoarthritis"]
    runs = {
        "baseline": [sys.executable, "-c", "import pyoxigraph, networkx"],
        "imports": [sys.executable, "-c", "import pyoxigraph, networkx, msc_graph.cli"],
        "cli": explain,
    }
    times: dict[str, list[float]] = {name: [] for name in runs}
    for command in runs.values():
        subprocess.run(command, check=True, capture_output=True, cwd=ROOT)  # warm-up
    for _ in range(REPEAT):
        for name, command in runs.items():
            start = time.perf_counter()
            subprocess.run(command, check=True, capture_output=True, cwd=ROOT)
            times[name].append(time.perf_counter() - start)
    return {
        "cli_s": statistics.median(times["cli"]),
        "baseline_s": statistics.median(times["baseline"]),
        "imports_s": statistics.median(times["imports"]),
    }


# ----------------------------------------------------------------------------- misses


def _query_cause(name: str, entry: dict, target_s: float) -> str:
    """Why a query missed its target, from this run's own figures."""
    if "median_s" not in entry:
        return f"did not finish ({ {k: v for k, v in entry.items() if k in ('timeout', 'error')} })"
    prefix = ""
    if "timeout" in entry or "error" in entry:
        prefix = f"stopped ({entry.get('timeout') or entry.get('error')}) after {entry['runs']} calls; "
    if entry["kind"] == "integrity":
        return (
            f"{prefix}a whole-graph check read in full (limit=None, no parameter): median {entry['median_s']:.2f} s, "
            f"{entry['rows']:,} rows; it joins every assertion or statement of the graph"
        )
    slow = entry["slowest"]
    param = ", ".join(f"?{k}={v!r}" for k, v in slow["params"].items()) or "no parameter"
    text = f"{prefix}p95 {entry['p95_s']:.2f} s"
    bands = entry.get("bands_median_s")
    if bands:
        text += " (median by band: " + ", ".join(f"{b} {s:.3f} s" for b, s in bands.items()) + ")"
    claims = f", {slow['claims']:,} claims name it" if slow.get("claims") else ""
    text += f"; slowest {param} ({slow['band']}{claims}): {slow['seconds']:.2f} s for a page of {slow['rows']} rows"
    if bands and bands.get("rare") and bands.get("popular", 0) > 3 * bands["rare"]:
        text += "; the time grows with the claims naming the term, not with the rows returned (a page)"
    return text


def miss_reasons(report: dict) -> None:
    """Attach to every missed target the cause, from this run's own figures where they show it
    (time by popularity band, the slowest parameter and its rows, whole-graph checks, the step with
    the peak) and otherwise the cause measured earlier (the README names the experiment)."""
    targets = report["targets"]
    for key, target_s in (
        ("every_interactive_query_p95_le_1s", TARGETS["interactive_p95_s"]),
        ("every_integrity_check_le_10s", TARGETS["integrity_s"]),
    ):
        target = targets.get(key)
        if target and not target["met"]:
            target["reason"] = {n: _query_cause(n, report["queries"].get(n, {}), target_s) for n in target["slow"]}
    explain = report.get("explain", {})
    if "median_s" in explain:
        slow = explain.get("slowest", {})
        bands = explain.get("bands_median_s", {})
        spread = (
            f"median {explain['median_s']:.3f} s, p95 {explain['p95_s']:.3f} s over {explain['pairs']} pairs; "
            + ("by source band: " + ", ".join(f"{b} {s:.3f} s" for b, s in bands.items()) + "; " if bands else "")
            + (
                f"slowest {slow['source']!r} -> {slow['condition']!r} ({slow['band']}): {slow['seconds']:.2f} s, "
                f"{slow['chains']} chains"
                if slow
                else ""
            )
        )
        for key in ("explain_median_le_0.5s", "explain_p95_le_1.5s"):
            if key in targets and not targets[key]["met"]:
                targets[key]["reason"] = spread
        if "explain_first_le_2s" in targets and not targets["explain_first_le_2s"]["met"]:
            targets["explain_first_le_2s"]["reason"] = (
                f"the first call in a fresh process took {explain['first_s']:.2f} s against a median of "
                f"{explain['median_s']:.3f} s for the later ones: it reads the skeleton "
                f"(about {explain['first_s'] - explain['median_s']:.2f} s more)"
            )
    elif "explain_median_le_0.5s" in targets:
        for key in ("explain_median_le_0.5s", "explain_p95_le_1.5s", "explain_first_le_2s"):
            if key in targets and not targets[key]["met"]:
                targets[key]["reason"] = f"did not finish: {explain}"
    peak = targets.get("peak_memory_le_4gb")
    if peak and not peak["met"]:
        peak["reason"] = f"the largest step: {report.get('peak_step', 'unknown')}"
    load = targets.get("load_within_1.2x_raw_pyoxigraph")
    if load and not load["met"]:
        load["reason"] = "the compaction after the bulk load (measured apart at 100k: 2.9 s of 15.9 s)"
    cold = targets.get("cold_cli_within_1.5x_import")
    if cold and not cold["met"]:
        figures = report["cold_cli"]
        base, imports, cli = (
            figures.get(k) for k in ("import_pyoxigraph_networkx_s", "imports_s", "msc_graph_explain_s")
        )
        cold["reason"] = (
            f"on top of the baseline's {base:.3f} s: importing msc-graph's command line "
            f"{imports - base:.3f} s (click and the package's layers, about 60 dataclasses), and the answer "
            f"itself {cli - imports:.3f} s (the projection from the build's cache, the search, the quotes)"
            if None not in (base, imports, cli)
            else "the import of msc_graph's own modules and the cached projection on top of pyoxigraph and networkx"
        )
    rdflib = targets.get("rdflib_answers_equal")
    if rdflib and not rdflib["met"]:
        rdflib["reason"] = f"different answers for {', '.join(rdflib['different'])} (whole answers, limit=None)"
    endpoint = targets.get("endpoint_no_errors")
    if endpoint and not endpoint["met"]:
        failures = report.get("endpoint", {}).get("failures") or report.get("endpoint")
        endpoint["reason"] = f"failed requests by kind: {failures}"


def annotate(path: Path) -> None:
    """Add the miss reasons to an existing result line (``--annotate FILE``)."""
    report = comparing.read_result(path)
    miss_reasons(report)
    print(json.dumps(report))


def targets_of(report: dict) -> dict:
    queries = report["queries"]

    def over(kind: str, figure: str, limit: float) -> dict:
        return {
            n: q.get(figure)
            for n, q in sorted(queries.items())
            if q["kind"] == kind and (figure not in q or "timeout" in q or "error" in q or q[figure] > limit)
        }

    interactive = over("interactive", "p95_s", TARGETS["interactive_p95_s"])
    integrity = over("integrity", "median_s", TARGETS["integrity_s"])
    explain = report["explain"]
    baseline = report["rdflib_baseline"].get("queries", {})
    finished = {n: q for n, q in baseline.items() if q["answers_equal"] is not None}
    different = sorted(n for n, q in finished.items() if not q["answers_equal"])
    endpoint = report.get("endpoint", {})
    out = {
        "load_within_1.2x_raw_pyoxigraph": {
            "value": report["load"]["ratio"],
            "met": (report["load"]["ratio"] or 99) <= TARGETS["load_ratio"],
        },
        "peak_memory_le_4gb": {"value": report["peak_gb"], "met": report["peak_gb"] <= TARGETS["peak_memory_gb"]},
        "every_interactive_query_p95_le_1s": {"slow": interactive, "met": not interactive},
        "every_integrity_check_le_10s": {"slow": integrity, "met": not integrity},
        "explain_median_le_0.5s": {
            "value": explain.get("median_s"),
            "met": (explain.get("median_s") or 99) <= TARGETS["explain_median_s"],
        },
        "explain_p95_le_1.5s": {
            "value": explain.get("p95_s"),
            "met": (explain.get("p95_s") or 99) <= TARGETS["explain_p95_s"],
        },
        "explain_first_le_2s": {
            "value": explain.get("first_s"),
            "met": (explain.get("first_s") or 99) <= TARGETS["explain_first_s"],
        },
        "cold_cli_within_1.5x_import": {
            "value": report["cold_cli"]["ratio"],
            "met": report["cold_cli"]["ratio"] <= TARGETS["cold_cli_ratio"],
        },
        "rdflib_answers_equal": {
            "value": f"{len(finished) - len(different)} of {len(finished)} finished equal ({len(baseline)} queries, "
            f"rdflib {'loaded' if report['rdflib_baseline'].get('load_s') else 'did not load'})",
            "different": different,
            "met": not different,
        },
    }
    if endpoint:
        out["endpoint_no_errors"] = {"value": endpoint.get("failed"), "met": endpoint.get("failed") == 0}
    return out


# ----------------------------------------------------------------------------- the run


class Stages:
    """One line on stderr as each stage of the benchmark starts, with the time the previous one took;
    only at a terminal and without --quiet (the command line's own progress is msc_graph.cli.Stages)."""

    def __init__(self, quiet: bool) -> None:
        self.enabled = not quiet and sys.stderr.isatty()
        self.started: float | None = None

    def __call__(self, stage: str) -> None:
        now = time.perf_counter()
        if self.enabled:
            took = f" (previous stage {now - self.started:.1f} s)" if self.started is not None else ""
            print(f"bench: {stage}{took}", file=sys.stderr, flush=True)
        self.started = now


def run_endpoint(work: Path, samples: Path, clients: int, per_client: int, dialect: bool) -> dict:
    """``load_test.py`` on the bench's store with the sampled interactive queries (a process of its own)."""
    try:
        done = subprocess.run(
            [
                sys.executable, str(Path(__file__).with_name("load_test.py")), "--store", str(work / "msc-store"),
                "--queries-from", str(samples), "--clients", str(clients), "--queries", str(per_client),
                *(["--dialect"] if dialect else []),
            ],
            capture_output=True,
            text=True,
            timeout=7200,
            check=False,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        return {"timeout": 7200}
    lines = [x for x in done.stdout.splitlines() if x.startswith("{")]
    if not lines:
        return {"error": (done.stderr.strip().splitlines() or ["failed"])[-1]}
    return json.loads(lines[-1])


def run(args: argparse.Namespace, stages: Stages) -> dict:
    from msc_graph.io import sorted_ntriples
    from msc_graph.ontology import tbox_graph
    from msc_graph.sparql.named import load_queries
    from msc_graph.synthetic import generate

    started_load = loadavg()
    work = Path(args.workdir or tempfile.mkdtemp(prefix="msc-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    nt = work / f"synthetic-{args.claims}.nt"
    stages(f"generating {args.claims:,} synthetic claims")
    start = time.perf_counter()
    synthetic = generate(nt, claims=args.claims, seed=args.seed, tbox_ntriples=sorted_ntriples(tbox_graph()))
    generate_s = time.perf_counter() - start
    report: dict = {
        "claims": synthetic.claims,
        "statements": synthetic.statements,
        "documents": synthetic.documents,
        "triples": synthetic.triples,
        "seed": args.seed,
        "generate_s": round(generate_s, 2),
    }
    peaks: dict[str, float] = {}

    for folder in ("msc-store", "raw-store"):
        shutil.rmtree(work / folder, ignore_errors=True)
    stages("loading the store (raw pyoxigraph, then msc-graph)")
    raw = child("load_raw", str(nt), str(work / "raw-store"), timeout=7200)
    msc = child("load_msc", str(nt), str(work / "msc-store"), timeout=7200)
    shutil.rmtree(work / "raw-store", ignore_errors=True)  # only its time is needed
    ratio = round(msc["seconds"] / raw["seconds"], 3) if "seconds" in msc and "seconds" in raw else None
    report["load"] = {
        "msc_graph_s": round(msc.get("seconds", float("nan")), 2),
        "raw_pyoxigraph_s": round(raw.get("seconds", float("nan")), 2),
        "ratio": ratio,
        "msc_graph_peak_gb": round(msc.get("peak_gb", float("nan")), 3),
        "raw_peak_gb": round(raw.get("peak_gb", float("nan")), 3),
        "ours_s": round(msc.get("seconds", float("nan")), 2),
        "raw_s": round(raw.get("seconds", float("nan")), 2),
    }
    peaks["load"] = msc.get("peak_gb", 0)
    store = str(work / "msc-store")

    stages("popularity per parameter role and the sampled parameters")
    samples = work / "samples.json"
    sampled = child("sample", store, str(samples), str(args.seed), timeout=7200)
    if "roles" not in sampled:
        raise SystemExit(f"bench: sampling the parameters failed: {sampled}")
    spec = json.loads(samples.read_text())

    names = sorted(load_queries())
    queries = {}
    for i, name in enumerate(names, 1):  # one process per query: a slow one cannot hold up the rest
        kind = spec["queries"][name]["kind"]
        stages(f"named query {i}/{len(names)}: {name} ({kind}, {len(spec['queries'][name]['samples'])} parameters)")
        lines, status = child_lines("queries", store, str(samples), name, timeout=args.query_timeout)
        queries[name] = summarise_query(name, kind, lines, status)
        if "param" in spec["queries"][name]:
            queries[name]["param"] = spec["queries"][name]["param"]
            queries[name]["role"] = spec["queries"][name]["role"]
        peaks[f"query {name}"] = next((x["peak_gb"] for x in lines if "peak_gb" in x), 0)
    report["queries"] = queries

    stages(f"explain, {sampled['pairs']} source and condition pairs")
    lines, status = child_lines("explain", store, str(samples), str(args.max_chains), timeout=7200)
    timed = [x for x in lines if "seconds" in x]
    explain: dict = dict(status)
    if timed:
        seconds = [x["seconds"] for x in timed]
        slowest = max(timed, key=lambda x: x["seconds"])
        by_band: dict[str, list[float]] = {}
        for x in timed:
            by_band.setdefault(x["band"].split("/")[0], []).append(x["seconds"])
        explain.update(
            {
                "median_s": round(statistics.median(seconds), 4),
                "p95_s": round(sampling.nearest_rank(seconds, 0.95), 4),
                "first_s": round(next(x["first_s"] for x in lines if "first_s" in x), 4),
                "pairs": len(timed),
                "max_s": round(max(seconds), 4),
                "chains": [x["chains"] for x in timed],
                "pairs_with_chains": sum(1 for x in timed if x["chains"]),
                "bands_median_s": {b: round(statistics.median(v), 4) for b, v in by_band.items()},
                "slowest": {
                    k: round(v, 4) if isinstance(v, float) else v
                    for k, v in slowest.items()
                    if k in ("source", "condition", "band", "seconds", "chains")
                },
            }
        )
    done = next((x for x in lines if "peak_gb" in x), {})
    explain["peak_gb"] = round(done.get("peak_gb", 0), 3)
    explain["options"] = done.get("options")
    peaks["explain"] = done.get("peak_gb", 0)
    report["explain"] = explain

    stages("a cold command-line explain")
    cold = child("cold_cli", timeout=600)
    report["cold_cli"] = {
        "msc_graph_explain_s": round(cold["cli_s"], 3),
        "import_pyoxigraph_networkx_s": round(cold["baseline_s"], 3),
        "ratio": round(cold["cli_s"] / cold["baseline_s"], 3),
        "imports_s": round(cold["imports_s"], 3),
    }

    if args.clients and args.client_queries:
        stages(f"the endpoint under load: {args.clients} clients x {args.client_queries} sampled queries")
        endpoint = run_endpoint(work, samples, args.clients, args.client_queries, args.endpoint_dialect)
        report["endpoint"] = endpoint
        peaks["endpoint (server and load test)"] = (endpoint.get("server_peak_gb") or 0) + (
            endpoint.get("client_peak_gb") or 0
        )

    stages("the rdflib memory-store baseline")
    lines, _ = child_lines(
        "rdflib", str(nt), store, str(samples), ",".join(names), str(args.bound),
        timeout=args.bound * 2 * (len(names) + 3) + 600,
    )  # fmt: skip
    load_line = next((x for x in lines if "load_s" in x), {"load_s": None})
    baseline = {"bound_s": args.bound, "load_s": None if load_line["load_s"] is None else round(load_line["load_s"], 2)}
    if load_line["load_s"] is None:
        baseline["note"] = f"rdflib did not load the graph within {args.bound:g} s"
    else:
        baseline["load_ratio_rdflib_vs_msc"] = round(load_line["load_s"] / msc["seconds"], 2)
        baseline["queries"] = {}
        for x in (x for x in lines if "query" in x):
            baseline["queries"][x["query"]] = {
                "rdflib_s": round(x["seconds"], 4) if x["finished"] else f"> {args.bound:g} (bound)",
                "answers_equal": x["equal"],
                "msc_graph_s": round(x["msc_graph_s"], 4),
                "rows": x["rows"],
                "rdflib_vs_msc_ratio": round(x["seconds"] / x["msc_graph_s"], 1) if x["msc_graph_s"] else None,
            }
    report["rdflib_baseline"] = baseline

    step, peak = max(peaks.items(), key=lambda kv: kv[1])
    report["peak_memory_gb"] = round(peak, 3)
    report["peak_gb"] = round(peak, 3)
    report["peak_step"] = step
    report["targets"] = targets_of(report)
    miss_reasons(report)
    del report["peak_step"]
    report["workdir"] = str(work)
    report["loadavg"] = {"start": started_load, "end": loadavg()}
    if args.workdir is None:
        shutil.rmtree(work, ignore_errors=True)
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--claims", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--bound", type=float, default=10, help="seconds the rdflib baseline may take per step")
    parser.add_argument("--query-timeout", type=float, default=900, help="seconds for one query's samples")
    parser.add_argument("--max-chains", type=int, default=200, help="explain's max_chains (the CLI's default)")
    parser.add_argument("--clients", type=int, default=8, help="endpoint load test: concurrent clients (0: skip)")
    parser.add_argument("--client-queries", type=int, default=500, help="endpoint load test: queries per client")
    parser.add_argument(
        "--endpoint-dialect", action="store_true", help="endpoint load test: send the Oxigraph-rewritten texts"
    )
    parser.add_argument("--workdir", type=Path, default=None, help="where to write the data (default: a temp dir)")
    parser.add_argument("--out", type=Path, help="also write the JSON line to this file")
    parser.add_argument("--compare", type=Path, metavar="EARLIER.json", help="compare with an earlier result")
    parser.add_argument(
        "--against", type=Path, metavar="NEW.json", help="with --compare: compare this result instead of running"
    )
    parser.add_argument("--threshold", type=float, default=comparing.THRESHOLD, help="--compare: flag above this")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    parser.add_argument("--annotate", type=Path, help="add the miss reasons to an earlier result file and print it")
    parser.add_argument("--quiet", action="store_true", help="no progress lines on stderr (none when not a terminal)")
    args = parser.parse_args()
    if args.child:
        task, *rest = args.child
        print(json.dumps(globals()[f"task_{task.replace('-', '_')}"](*rest)))
        return 0
    if args.annotate:
        annotate(args.annotate)
        return 0
    if args.against and not args.compare:
        parser.error("--against needs --compare EARLIER.json")
    if args.compare and args.against:
        text, worse = comparing.report(
            comparing.compare(comparing.read_result(args.compare), comparing.read_result(args.against)),
            threshold=args.threshold,
        )
        print(text)
        return 1 if worse else 0
    earlier = comparing.read_result(args.compare) if args.compare else None  # read first: fail before the run
    report = run(args, Stages(args.quiet))
    line = json.dumps(report)
    print(line, flush=True)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(line + "\n")
    if earlier is not None:
        text, worse = comparing.report(comparing.compare(earlier, report), threshold=args.threshold)
        print(text, file=sys.stderr)
        return 1 if worse else 0
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    sys.exit(main())
