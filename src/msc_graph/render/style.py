"""How the graph is drawn, shared by the page and the notebooks' figures: the layers of the
left-to-right layout, the colour of each category, the style of each kind of edge and of the
modalities that claim nothing. The data is presentation, in ``render/style.json`` (package data);
the vocabulary it names comes from the ontology (checked by ``tests/test_render_style.py``)."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from ..ontology import Ontology
from ..project import package_file


@cache
def _style() -> dict[str, Any]:
    """``render/style.json``."""
    data: dict[str, Any] = json.loads(package_file("render", "style.json").read_text(encoding="utf-8"))
    return data


def layers() -> list[tuple[str, str, tuple[str, ...]]]:
    """The columns of the layout, left to right: (key, title, categories)."""
    return [(layer["key"], layer["title"], tuple(layer["categories"])) for layer in _style()["layers"]]


def layer_of(category: str | None) -> int:
    """The column of a category; the last for a category in no layer."""
    found = layers()
    return next((i for i, (_, _, categories) in enumerate(found) if category in categories), len(found) - 1)


def category_colours() -> dict[str, str]:
    """The categories that have their own colour, in the style file's order."""
    return {key: value["colour"] for key, value in _style()["categories"].items()}


def category_style(category: str | None) -> tuple[str, str, int]:
    """(colour, vis-network shape, column in the layered layout) of a category."""
    style = _style()
    found = style["categories"].get(category or "", style["other_category"])
    return found["colour"], found.get("shape", "box"), layer_of(category)


def unclaimed_modalities(onto: Ontology) -> list[str]:
    """The modalities whose assertions claim nothing (``msc:stance`` "none"), in the page's order."""
    styled = [m for m in _style()["modalities"] if m in onto.stance]
    return [m for m in [*styled, *sorted(set(onto.stance) - set(styled))] if not onto.claims_it(m)]


def modality_style(onto: Ontology | None, modality: str) -> dict[str, Any]:
    """How statements that only this modality reports are drawn; the prefix defaults to its label."""
    style = dict(_style()["modalities"].get(modality, {}))
    style.setdefault("prefix", f"{modality}: ")
    return style


def edge_kind(sign: int | None, polarity: str = "positive", unclaimed: str | None = None) -> str:
    """The kind of edge a statement is drawn as: a statement only a modality that claims nothing
    reports, when that modality has its own colour (absence of evidence, a superseded view), else
    by its polarity and sign.

    >>> edge_kind(1), edge_kind(-1), edge_kind(0), edge_kind(-1, "negative"), edge_kind(1, unclaimed="superseded")
    ('increase', 'decrease', 'unsigned', 'negated', 'superseded')
    >>> edge_kind(1, unclaimed="questioned")  # asked: drawn by its sign (and dashed)
    'increase'
    """
    if unclaimed is not None and "colour" in _style()["modalities"].get(unclaimed, {}):
        return unclaimed
    if polarity == "negative":
        return "negated"
    return "increase" if (sign or 0) > 0 else "decrease" if (sign or 0) < 0 else "unsigned"


def edge_style(kind: str) -> tuple[str, Any, str, str]:
    """(colour, dashes or False, arrow end, legend text) of an edge kind."""
    style = _style()
    found = style["edges"].get(kind) or style["modalities"].get(kind)
    if found is None:
        raise KeyError(f"no edge style for {kind!r}")
    dashes = style["dotted"] if found.get("dotted") else found.get("dashes", False)
    return found["colour"], dashes, found.get("end", "arrow"), found.get("legend", kind)


def edge_kinds() -> list[str]:
    """Every kind of edge the legend can show, in its order."""
    style = _style()
    return [*style["edges"], *(m for m, s in style["modalities"].items() if "colour" in s)]


def hedged_dashes() -> list[int]:
    """Short dashes in the effect colour: every assertion hedged or a question."""
    dashes: list[int] = _style()["hedged_dashes"]
    return dashes


def text_colour(background: str) -> str:
    """White or near-black, whichever reads better on ``background`` (``#rrggbb``).

    >>> text_colour("#1f77b4"), text_colour("#dbdb8d")
    ('#ffffff', '#1a1a1a')
    """
    r, g, b = (int(background[i : i + 2], 16) for i in (1, 3, 5))
    return "#ffffff" if 0.299 * r + 0.587 * g + 0.114 * b < 150 else "#1a1a1a"


def darker(colour: str, factor: float = 0.75) -> str:
    r, g, b = (int(int(colour[i : i + 2], 16) * factor) for i in (1, 3, 5))
    return f"#{r:02x}{g:02x}{b:02x}"
