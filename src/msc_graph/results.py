"""Tabular results that print, convert to pandas and render (escaped) in notebooks."""

from __future__ import annotations

import html
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Table:
    """Rows of a query or listing; ``columns`` fixes their order."""

    columns: list[str]
    rows: list[dict[str, Any]]
    title: str = ""
    notes: list[str] = field(default_factory=list)
    #: for a page of a longer answer: where it starts, whether more rows follow, the whole answer's size
    offset: int = 0
    more: bool = False
    total: int | None = None

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self.rows)

    def __getitem__(self, index: int) -> dict[str, Any]:
        return self.rows[index]

    def column(self, name: str) -> list[Any]:
        return [row.get(name) for row in self.rows]

    def to_dataframe(self):  # -> pandas.DataFrame
        """The rows as a pandas DataFrame (pandas is imported only here)."""
        import pandas as pd

        return pd.DataFrame(self.rows, columns=self.columns)

    def to_records(self) -> list[dict[str, Any]]:
        return [{c: row.get(c) for c in self.columns} for row in self.rows]

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{html.escape(c)}</th>" for c in self.columns)
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(_text(row.get(c)))}</td>" for c in self.columns) + "</tr>"
            for row in self.rows[:500]
        )
        more = f"<p>… {len(self.rows) - 500} more rows</p>" if len(self.rows) > 500 else ""
        title = f"<p><b>{html.escape(self.title)}</b> ({len(self.rows)} rows)</p>" if self.title else ""
        return f"{title}<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{more}"

    def __repr__(self) -> str:
        return f"Table({self.title!r}, {len(self.rows)} rows, columns={self.columns})"


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict):
        return str(value.get("label") or value.get("id") or value)
    if isinstance(value, list | tuple):
        return "; ".join(_text(v) for v in value)
    return str(value)
