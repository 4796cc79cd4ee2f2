"""How the graph is drawn, shared by the page and the figures: the layers of the left-to-right
layout, the colour of each category and the style of each kind of edge."""

from __future__ import annotations

from typing import Any

#: the layers of the left-to-right layout: (key, title, categories); a category in none of them
#: goes to the last layer
LAYERS: list[tuple[str, str, tuple[str, ...]]] = [
    ("source", "sources", ("CellSource",)),
    ("cells", "cells", ("CellType", "ProductForm")),
    ("therapy", "therapies", ("Intervention",)),
    ("factor", "factors", ("Factor",)),
    ("target", "targets", ("Target",)),
    ("mechanism", "mechanisms", ("Mechanism",)),
    ("outcome", "outcomes", ("Outcome", "Phenotype", "Risk", "Exposure")),
    ("condition", "conditions", ("Condition", "DiseaseStage")),
    ("other", "other terms", ()),
]
LAYER_OF = {category: i for i, (_, _, categories) in enumerate(LAYERS) for category in categories}
#: category -> node colour (every node is a box with its label inside; the layer gives its column)
CATEGORY_COLOUR: dict[str, str] = {
    "CellSource": "#8c564b",
    "CellType": "#1f77b4",
    "ProductForm": "#aec7e8",
    "Intervention": "#7f7f7f",
    "Factor": "#2ca02c",
    "Target": "#17becf",
    "Mechanism": "#9467bd",
    "Outcome": "#bcbd22",
    "Phenotype": "#dbdb8d",
    "Risk": "#d62728",
    "Exposure": "#ff9896",
    "Condition": "#ff7f0e",
    "DiseaseStage": "#ffbb78",
    "Property": "#9edae5",
    "OpenQuestion": "#f7b6d2",
}
OTHER_COLOUR = "#c7c7c7"
#: edge kinds -> (colour, dashes, arrow head, legend text). Colour follows the relation's effect as
#: signalling networks draw it (INDRA, SIGNOR, Cytoscape): green arrow = increases or a positive
#: effect, red bar head = decreases, inhibits, treats; a denial is neither: dark, long dashes, "NOT".
#: Statements no document claims (absence of evidence, views reported as abandoned) are dotted
#: with a circle end.
EDGE_STYLE: dict[str, tuple[str, Any, str, str]] = {
    "increase": ("#2e7d32", False, "arrow", "increases / positive effect"),
    "decrease": ("#c62828", False, "bar", "decreases / inhibits / treats (bar head)"),
    "unsigned": ("#78909c", False, "arrow", "relation without a sign (part of, used for, has property ...)"),
    "negated": ("#212121", [10, 6], "arrow", 'NOT: a statement the document denies (dark, long dashes, label "NOT")'),
    "not-reported": (
        "#f9a825",
        [1, 5],
        "circle",
        "no evidence: the document says none is reported (dotted, circle end; not a denial)",
    ),
    "superseded": ("#8d6e63", [1, 5], "circle", "superseded: a view the document reports as abandoned (dotted)"),
    "ontology": ("#9e9e9e", [2, 4], "arrow", "ontology step (tissue → its cells, class → superclass), not a claim"),
}
HEDGED_DASHES = [4, 4]  # short dashes in the effect colour: every assertion hedged or a question


def edge_kind(sign: int | None, polarity: str = "positive", unclaimed: str | None = None) -> str:
    """The kind of edge a statement is drawn as (a key of :data:`EDGE_STYLE`).

    >>> edge_kind(1), edge_kind(-1), edge_kind(0), edge_kind(-1, "negative"), edge_kind(1, unclaimed="superseded")
    ('increase', 'decrease', 'unsigned', 'negated', 'superseded')
    """
    if unclaimed in ("not-reported", "superseded"):
        return unclaimed
    if polarity == "negative":
        return "negated"
    return "increase" if (sign or 0) > 0 else "decrease" if (sign or 0) < 0 else "unsigned"


def text_colour(background: str) -> str:
    """White or near-black, whichever reads better on ``background`` (``#rrggbb``)."""
    r, g, b = (int(background[i : i + 2], 16) for i in (1, 3, 5))
    return "#ffffff" if 0.299 * r + 0.587 * g + 0.114 * b < 150 else "#1a1a1a"


def darker(colour: str, factor: float = 0.75) -> str:
    r, g, b = (int(int(colour[i : i + 2], 16) * factor) for i in (1, 3, 5))
    return f"#{r:02x}{g:02x}{b:02x}"
