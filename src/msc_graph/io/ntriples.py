"""N-Triples, canonical: one triple per line, sorted (msc-graph writes no blank nodes)."""

from __future__ import annotations

from typing import Any


def sorted_ntriples(g: Any) -> str:
    """Canonical N-Triples: one triple per line, sorted (no blank nodes in msc-graph).

    Lines are split on ``\\n`` only: N-Triples escapes line feeds and carriage returns inside
    literals, but not U+2028, U+0085 and the other characters ``str.splitlines`` also splits on.
    """
    data = g.serialize(format="nt", encoding="utf-8").decode("utf-8")
    return "".join(sorted(line + "\n" for line in data.split("\n") if line.strip()))


def dump(g: Any) -> bytes:
    return sorted_ntriples(g).encode("utf-8")
