"""Comparing two benchmark results (``bench.py --compare EARLIER.json [--against NEW.json]``).

Every numeric figure present in both results (the JSON walked key by key, lists of numbers by
index) is printed with the ratio new/old. Timing and memory figures are flagged ``WORSE`` when
more than ``threshold`` times worse than before (slower, larger, or for a rate fewer queries per
second), unless the change is within the noise floor (``noise_s`` seconds, ``noise_gb`` GB):
at 10k claims many queries take a few milliseconds, and a 2 ms wobble is not a regression.
Counts (rows, claims, chains), settings and the machine's load average are printed, never
flagged; nor are single worst cases (``max``, the slowest parameter, the endpoint's per-query
tails: one slow call on a busy machine moves them), the rdflib baseline (one call each, in a
process that holds rdflib's whole graph) and the ``targets`` block (which repeats figures found
elsewhere).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

THRESHOLD = 1.5
NOISE_S = 0.02
NOISE_GB = 0.05
SKIP_TOP = {"targets", "loadavg", "workdir", "seed", "claims", "statements", "documents", "triples"}
NOT_FLAGGED = {"bound_s", "timeout", "max", "max_s"}


def read_result(path: Path) -> dict[str, Any]:
    """The last JSON line of a result file (bench.py prints progress elsewhere, one line here)."""
    lines = [line for line in Path(path).read_text().splitlines() if line.strip().startswith("{")]
    if not lines:
        raise ValueError(f"{path}: no JSON result line")
    return json.loads(lines[-1])


def figures(value: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], float]]:
    """(path, number) for every number in a result, booleans left out."""
    if isinstance(value, bool):
        return
    if isinstance(value, int | float):
        yield path, float(value)
    elif isinstance(value, dict):
        for key, item in value.items():
            if not path and key in SKIP_TOP:
                continue
            yield from figures(item, (*path, str(key)))
    elif isinstance(value, list) and all(isinstance(x, int | float) for x in value):
        for i, item in enumerate(value):
            yield from figures(item, (*path, f"[{i}]"))


def kind(path: tuple[str, ...]) -> tuple[int, float]:
    """(direction, noise floor in the figure's unit): direction 1 when lower is better (timings,
    memory, load and cold-start ratios), -1 when higher is better (queries per second), 0 when the
    figure is not a timing or memory figure."""
    key = path[-1]
    parent = path[-2] if len(path) > 1 else ""
    if key in NOT_FLAGGED or path[0] == "rdflib_baseline" or "slowest" in path:
        return 0, 0.0
    if "by_query_ms" in path and key != "p50":
        return 0, 0.0
    if "qps" in key:
        return -1, 0.0
    if key.endswith("_gb"):
        return 1, NOISE_GB
    if any(part.endswith("_ms") for part in path):
        return 1, NOISE_S * 1000
    if key.endswith("_s") or key == "seconds":
        return 1, NOISE_S
    if key == "ratio" and parent in ("load", "cold_cli"):
        return 1, 0.05
    return 0, 0.0


@dataclass
class Row:
    path: str
    old: float
    new: float
    ratio: float | None
    flag: str  # "WORSE", "noise" (worse, but within the noise floor) or ""


def compare(old: dict[str, Any], new: dict[str, Any], *, threshold: float = THRESHOLD) -> list[Row]:
    before = dict(figures(old))
    rows = []
    for path, value in figures(new):
        if path not in before:
            continue
        prior = before[path]
        ratio = value / prior if prior else None
        direction, noise = kind(path)
        flag = ""
        if direction and prior > 0 and value > 0:
            worse = value / prior if direction > 0 else prior / value
            if worse > threshold:
                flag = "WORSE" if abs(value - prior) > noise else "noise"
        elif direction > 0 and prior == 0 and value > noise:
            flag = "WORSE"
        rows.append(Row(".".join(path).replace(".[", "["), prior, value, ratio, flag))
    return rows


def report(rows: list[Row], *, threshold: float = THRESHOLD) -> tuple[str, int]:
    """The comparison as text, and how many figures are flagged WORSE."""
    width = max((len(r.path) for r in rows), default=10)
    lines = []
    for r in rows:
        ratio = f"{r.ratio:8.3f}" if r.ratio is not None else "     n/a"
        flag = {"WORSE": f"  WORSE (> {threshold:g}x)", "noise": "  (worse, within the noise floor)"}.get(r.flag, "")
        lines.append(f"{r.path:<{width}}  {r.old:>12.4g} -> {r.new:<12.4g} {ratio}{flag}")
    worse = [r for r in rows if r.flag == "WORSE"]
    lines.append(
        f"\n{len(rows)} figures compared; {len(worse)} flagged WORSE"
        + (": " + ", ".join(r.path for r in worse) if worse else "")
    )
    return "\n".join(lines), len(worse)
