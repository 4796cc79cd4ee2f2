"""The claims table as CSV (Python's csv writer): one row per assertion, every column of
``msc-graph claims`` including every context key."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any


def cell(value: Any) -> str:
    """A value as CSV text: lists joined by ``"; "``, None as empty."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "; ".join(cell(v) for v in value)
    return str(value)


def write_csv(columns: list[str], rows: list[dict[str, Any]], path: Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([cell(row.get(c)) for c in columns])
    return path
