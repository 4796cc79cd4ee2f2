"""msc-graph at scale, measured against the rdflib memory-store baseline in the same run.

    .venv/bin/python benchmarks/bench.py --claims 1000000

Generates a synthetic claim graph in msc-graph's real model (deterministic by --seed), then
measures, each heavy step in its own process so that peak memory is per step:

* load: msc-graph's on-disk store (``msc_graph.sparql.embedded.load_ntriples``) against a raw
  pyoxigraph bulk load of the same triples;
* peak memory of loading and of querying;
* every named query's median latency (parameters chosen from the synthetic data);
* ``explain`` median latency over fixed source/condition pairs;
* a cold ``msc-graph explain`` on the real curated graph against
  ``python -c "import pyoxigraph, networkx"``;
* the same load and queries on rdflib's memory store where they finish within --bound
  seconds (ratios are reported; answers are checked equal where both finish).

Prints one JSON line with every figure and, under "targets", whether each target is met.
"""

from __future__ import annotations

import argparse
import json
import os
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
TARGETS = {
    "load_ratio": 1.2,
    "query_median_s": 1.0,
    "explain_median_s": 0.5,
    "peak_memory_gb": 4.0,
    "cold_cli_ratio": 1.5,
}
REPEAT = 5


def peak_rss_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024  # KiB on Linux


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


def child_lines(task: str, *args: str, timeout: float) -> list[dict]:
    """Like :func:`child` for a task that prints one JSON line per step: keeps the lines printed
    before a timeout."""
    try:
        out = subprocess.run(
            [sys.executable, __file__, "--child", task, *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        ).stdout
    except subprocess.TimeoutExpired as err:
        out = err.stdout.decode() if isinstance(err.stdout, bytes) else (err.stdout or "")
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


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


def query_params(kg) -> dict[str, dict]:
    statement = kg.select("SELECT ?s WHERE { ?s a msc:Statement } LIMIT 1")[1][0]["s"]
    return {
        "claims": {"subject": "synthetic celltype 3", "predicate": "produces", "modality": "hedged"},
        "entity-claims": {"entity": "synthetic target 5"},
        "secreted-by": {"cell": "synthetic celltype 12"},
        "factors-acting-on-target": {"target": "synthetic target 7"},
        "condition-outcomes": {"condition": "synthetic condition 9"},
        "who-claims": {"statement": statement},
        "evidence-summary": {"condition": "synthetic condition 9"},
        "subclasses": {"class": "synthetic celltype 1"},
        "terms-of-category": {"category": "Factor"},
        "hedged-claims": {"document": "syn000001"},
        "negated-claims": {"document": "syn000001"},
        "doses-routes-sizes": {"document": "syn000001"},
        "source-specific-claims": {"document": "syn000001"},
        "commercial-only": {"subject": "synthetic factor 3"},
        "single-document": {"subject": "synthetic factor 3"},
    }


def task_queries(location: str, names: str) -> dict:
    kg = _synthetic_kg(location)
    params = query_params(kg)
    out = {}
    for name in names.split(","):
        times = []
        for _ in range(REPEAT):
            start = time.perf_counter()
            rows = kg.query(name, **params.get(name, {})).rows
            times.append(time.perf_counter() - start)
            if sum(times) > 20 * TARGETS["query_median_s"]:  # far over the target: fewer repeats
                break
        out[name] = {"median_s": statistics.median(times), "rows": len(rows), "runs": len(times)}
    out["_peak_gb"] = peak_rss_gb()
    return out


PAIRS = [
    ("synthetic cellsource 0", "synthetic condition 0"),
    ("synthetic cellsource 1", "synthetic condition 3"),
    ("synthetic celltype 0", "synthetic condition 1"),
    ("synthetic cellsource 2", "synthetic condition 7"),
    ("synthetic celltype 12", "synthetic condition 2"),
]


def task_explain(location: str) -> dict:
    kg = _synthetic_kg(location)
    times, chains = [], []
    for source, condition in PAIRS:
        start = time.perf_counter()
        result = kg.explain(source, condition, max_length=5, max_chains=50, strategy="bounded")
        times.append(time.perf_counter() - start)
        chains.append(len(result.chains))
    return {
        "median_s": statistics.median(times),
        "max_s": max(times),
        "first_s": times[0],
        "chains": chains,
        "peak_gb": peak_rss_gb(),
    }


class _Bound(Exception):
    pass


def task_rdflib(nt: str, names: str, bound: str) -> dict:
    """rdflib's memory store and SPARQL engine on the same triples and the same bound queries.

    Prints one JSON line after the load and one per query as it goes (so a parent that stops
    it keeps what finished); each step is interrupted after ``bound`` seconds (SIGALRM: rdflib
    is pure Python, so the alarm stops it promptly).
    """
    import signal

    import pyoxigraph as ox
    import rdflib

    from msc_graph.graph import KnowledgeGraph
    from msc_graph.namespaces import PREFIXES, iri_to_curie
    from msc_graph.project import queries_dir
    from msc_graph.sparql.named import bind_params, get_query
    from msc_graph.sparql.vocabulary import ontology_from_store

    limit = float(bound)

    def alarm(_signum, _frame):
        raise _Bound()

    signal.signal(signal.SIGALRM, alarm)
    graph = rdflib.Graph()
    start = time.perf_counter()
    signal.alarm(int(limit))
    try:
        graph.parse(nt, format="nt")
    except _Bound:
        print(json.dumps({"load_s": None, "bound_s": limit}), flush=True)
        return {"done": True}
    finally:
        signal.alarm(0)
    print(json.dumps({"load_s": time.perf_counter() - start}), flush=True)
    store = ox.Store()
    store.bulk_load(path=nt, format=ox.RdfFormat.N_TRIPLES)
    kg = KnowledgeGraph(store=store, ontology=None, queries_dir=queries_dir())  # type: ignore[arg-type]
    kg.ontology = ontology_from_store(kg.select)
    params = query_params(kg)
    for name in names.split(","):
        query = get_query(name)
        bound_values = bind_params(query, params.get(name, {}), kg)
        init = {
            k: (
                rdflib.URIRef(v.value)
                if isinstance(v, ox.NamedNode)
                else rdflib.Literal(v.value, datatype=rdflib.URIRef(v.datatype.value))
            )
            for k, v in bound_values.items()
        }
        start = time.perf_counter()
        signal.alarm(int(limit))
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
        equal = None
        if finished:
            equal = _normalise(rows) == _normalise(kg.query(name, **params.get(name, {})).rows)
        print(json.dumps({"query": name, "seconds": elapsed, "finished": finished, "equal": equal}), flush=True)
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
    exe = Path(sys.executable).parent / "msc-graph"
    subprocess.run([str(exe), "build"], check=True, capture_output=True, cwd=ROOT)
    baseline, cli = [], []
    for _ in range(REPEAT):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import pyoxigraph, networkx"], check=True)
        baseline.append(time.perf_counter() - start)
        start = time.perf_counter()
        subprocess.run(
            [str(exe), "explain", "--source", "bone marrow", "--condition", "knee osteoarthritis"],
            check=True,
            capture_output=True,
            cwd=ROOT,
        )
        cli.append(time.perf_counter() - start)
    return {"cli_s": statistics.median(cli), "baseline_s": statistics.median(baseline)}


# ----------------------------------------------------------------------------- misses


def miss_reasons(report: dict) -> None:
    """Attach to every missed target the cause, from this run's own figures where they show it
    (rows returned and time per row, whole-graph questions) and otherwise the cause measured
    with Oxigraph's query explanations (``oxigraph query --explain --stats``)."""
    from msc_graph.sparql.named import get_query

    targets = report["targets"]
    queries = targets["every_named_query_median_le_1s"]
    if not queries["met"]:
        reasons = {}
        for name in queries["slow"]:
            entry = report["queries"].get(name, {})
            whole = not get_query(name).params
            if "median_s" not in entry:
                reasons[name] = f"did not finish ({entry})" + (
                    "; a whole-graph question (no parameter): it joins every assertion or statement" if whole else ""
                )
            elif whole:
                reasons[name] = (
                    f"a whole-graph question (no parameter): it joins every assertion or statement; "
                    f"{entry['rows']:,} rows"
                )
            else:
                per_row = 1000 * entry["median_s"] / max(1, entry["rows"])
                reasons[name] = (
                    f"{entry['rows']:,} rows at {per_row:.2f} ms per row: each row is 10-25 index lookups "
                    f"on the on-disk store"
                )
        queries["reason"] = reasons
    if not targets["explain_median_le_0.5s"]["met"]:
        targets["explain_median_le_0.5s"]["reason"] = (
            "the popular sources reach thousands of statements within five steps, and every assertion "
            "behind the edges found is fetched with its anchor and evidence for the ranking and the "
            "answer (about 0.5 ms per assertion on the on-disk store); the first call also reads the "
            "direct-edge skeleton (first_s)"
        )
    if not targets["peak_memory_le_4gb"]["met"]:
        targets["peak_memory_le_4gb"]["reason"] = "the bulk loader's sort buffers"
    if not targets["load_within_1.2x_raw_pyoxigraph"]["met"]:
        targets["load_within_1.2x_raw_pyoxigraph"]["reason"] = "the compaction after the bulk load"
    if not targets["cold_cli_within_1.5x_import"]["met"]:
        targets["cold_cli_within_1.5x_import"]["reason"] = (
            "the import of msc_graph's own modules and the cached projection on top of pyoxigraph and networkx"
        )


def annotate(path: Path) -> None:
    """Add the miss reasons to an existing result line (``--annotate FILE``)."""
    lines = path.read_text().strip().splitlines()
    report = json.loads(lines[-1])
    miss_reasons(report)
    print(json.dumps(report))


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--claims", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--bound", type=float, default=300, help="seconds the rdflib baseline may take per step")
    parser.add_argument("--workdir", type=Path, default=None, help="where to write the data (default: a temp dir)")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    parser.add_argument("--annotate", type=Path, help="add the miss reasons to an earlier result file and print it")
    parser.add_argument("--quiet", action="store_true", help="no progress lines on stderr (none when not a terminal)")
    args = parser.parse_args()
    stages = Stages(args.quiet)
    if args.annotate:
        annotate(args.annotate)
        return
    if args.child:
        task, *rest = args.child
        print(json.dumps(globals()[f"task_{task.replace('-', '_')}"](*rest)))
        return

    from msc_graph.io import sorted_ntriples
    from msc_graph.ontology import tbox_graph
    from msc_graph.sparql.named import load_queries
    from msc_graph.synthetic import generate

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

    for folder in ("msc-store", "raw-store"):
        shutil.rmtree(work / folder, ignore_errors=True)
    stages("loading the store (raw pyoxigraph, then msc-graph)")
    raw = child("load_raw", str(nt), str(work / "raw-store"), timeout=7200)
    msc = child("load_msc", str(nt), str(work / "msc-store"), timeout=7200)
    report["load"] = {
        "msc_graph_s": round(msc.get("seconds", float("nan")), 2),
        "raw_pyoxigraph_s": round(raw.get("seconds", float("nan")), 2),
        "ratio": round(msc["seconds"] / raw["seconds"], 3) if "seconds" in msc and "seconds" in raw else None,
        "msc_graph_peak_gb": round(msc.get("peak_gb", float("nan")), 3),
        "raw_peak_gb": round(raw.get("peak_gb", float("nan")), 3),
    }

    names = sorted(load_queries())
    queries = {}
    for i, name in enumerate(names, 1):  # one process per query: a slow one cannot hold up the rest
        stages(f"named query {i}/{len(names)}: {name}")
        result = child("queries", str(work / "msc-store"), name, timeout=max(60.0, args.bound))
        queries[name] = (
            {k: round(v, 4) if k == "median_s" else v for k, v in result[name].items()} if name in result else result
        )
        report.setdefault("_query_peaks", []).append(result.get("_peak_gb", 0))
    report["queries"] = queries
    stages("explain, every source and condition pair")
    explain = child("explain", str(work / "msc-store"), timeout=1800)
    report["explain"] = {k: (round(v, 4) if isinstance(v, float) else v) for k, v in explain.items()}
    stages("a cold command-line explain")
    cold = child("cold_cli", timeout=600)
    report["cold_cli"] = {
        "msc_graph_explain_s": round(cold["cli_s"], 3),
        "import_pyoxigraph_networkx_s": round(cold["baseline_s"], 3),
        "ratio": round(cold["cli_s"] / cold["baseline_s"], 3),
    }

    stages("the rdflib memory-store baseline")
    lines = child_lines(
        "rdflib", str(nt), ",".join(names), str(args.bound), timeout=args.bound * (len(names) + 3) + 600
    )
    load_line = next((x for x in lines if "load_s" in x), {"load_s": None})
    baseline = {"bound_s": args.bound, "load_s": None if load_line["load_s"] is None else round(load_line["load_s"], 2)}
    if load_line["load_s"] is None:
        baseline["note"] = f"rdflib did not load the graph within {args.bound:g} s"
    else:
        baseline["load_ratio_rdflib_vs_msc"] = round(load_line["load_s"] / msc["seconds"], 2)
        baseline["queries"] = {}
        for x in (x for x in lines if "query" in x):
            ours = queries.get(x["query"], {}).get("median_s")
            baseline["queries"][x["query"]] = {
                "rdflib_s": round(x["seconds"], 4) if x["finished"] else f"> {args.bound:g} (bound)",
                "answers_equal": x["equal"],
                "rdflib_vs_msc_ratio": round(x["seconds"] / ours, 1) if ours else None,
            }
    report["rdflib_baseline"] = baseline

    peak = max([msc.get("peak_gb", 0), explain.get("peak_gb", 0), *report.pop("_query_peaks", [0])])
    slow = {
        n: q.get("median_s")
        for n, q in queries.items()
        if not q.get("median_s") or q["median_s"] > TARGETS["query_median_s"]
    }
    report["peak_memory_gb"] = round(peak, 3)
    report["targets"] = {
        "load_within_1.2x_raw_pyoxigraph": {
            "value": report["load"]["ratio"],
            "met": (report["load"]["ratio"] or 99) <= TARGETS["load_ratio"],
        },
        "every_named_query_median_le_1s": {"slow": slow, "met": not slow},
        "explain_median_le_0.5s": {
            "value": report["explain"].get("median_s"),
            "met": (report["explain"].get("median_s") or 99) <= TARGETS["explain_median_s"],
        },
        "peak_memory_le_4gb": {
            "value": report["peak_memory_gb"],
            "met": report["peak_memory_gb"] <= TARGETS["peak_memory_gb"],
        },
        "cold_cli_within_1.5x_import": {
            "value": report["cold_cli"]["ratio"],
            "met": report["cold_cli"]["ratio"] <= TARGETS["cold_cli_ratio"],
        },
    }
    miss_reasons(report)
    report["workdir"] = str(work)
    print(json.dumps(report))
    if args.workdir is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
