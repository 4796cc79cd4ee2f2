"""Turtle, with msc-graph's prefixes (from a canonical graph: the same bytes on every run)."""

from __future__ import annotations

from typing import Any


def dump(g: Any) -> bytes:
    return g.serialize(format="turtle", encoding="utf-8")
