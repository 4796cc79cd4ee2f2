"""Static figures for the notebooks (matplotlib, the ``notebooks`` extra): where a picture says it
better than a table.

Each function takes rows the library already returns (``kg.claims()``, ``kg.entities()``, a named
query's table, ``kg.explain_matrix(...)``, an :class:`~msc_graph.explain.Explanation`) and returns a
:class:`Figure`: a matplotlib figure that shows itself in Jupyter as a PNG (whatever backend is
active, pyplot is never touched) and can be saved with ``.savefig``. The colours and layers are
the graph page's (:mod:`.style`), so a figure and the page read the same way.
"""

from __future__ import annotations

import textwrap
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from io import BytesIO
from typing import Any, Literal

from .style import category_style, edge_kind, edge_style, layers, text_colour

#: modalities in the order a reader weighs them, and their colours
MODALITY_ORDER = ["asserted", "hedged", "questioned", "negated", "not-reported", "superseded"]
EFFECT_COLOURS = {"beneficial": "#2e7d32", "harmful": "#c62828", "not stated": "#9e9e9e"}


def _figure(width: float, height: float):
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=100, layout="constrained")


class Chart:
    """A matplotlib figure that displays as a PNG in notebooks (``figure`` is the matplotlib object)."""

    def __init__(self, figure, title: str) -> None:
        self.figure = figure
        self.title = title

    def _repr_png_(self) -> bytes:
        buffer = BytesIO()
        self.figure.savefig(buffer, format="png", metadata={"Software": None})
        return buffer.getvalue()

    def savefig(self, *args: Any, **kwargs: Any) -> None:
        self.figure.savefig(*args, **kwargs)

    def __repr__(self) -> str:
        return f"Chart({self.title!r})"


def _rows(rows: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    return list(rows)


# ----------------------------------------------------------------------------- 01: terms


def terms_chart(terms: Iterable[Mapping[str, Any]], labels: Mapping[str, str] | None = None) -> Chart:
    """Terms per category (named by ``labels``, e.g. ``kg.ontology.categories``), split by the ontology
    they come from (the CURIE prefix): how much of the vocabulary is reused from OBO ontologies and
    how much the project mints (``msc``)."""
    rows = _rows(terms)
    names = labels or {}
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for row in rows:
        category = str(row.get("category") or "none")
        counts[names.get(category, category)][str(row["curie"]).split(":", 1)[0]] += 1
    categories = sorted(counts, key=lambda c: sum(counts[c].values()))
    prefixes = sorted({p for c in counts.values() for p in c}, key=lambda p: (p == "msc", p))
    palette = _qualitative(len(prefixes))
    colours = {p: ("#d62728" if p == "msc" else palette[i]) for i, p in enumerate(prefixes)}
    fig = _figure(8, 0.32 * len(categories) + 1.4)
    ax = fig.add_subplot()
    left = [0] * len(categories)
    for prefix in prefixes:
        widths = [counts[c][prefix] for c in categories]
        ax.barh(categories, widths, left=left, color=colours[prefix], label=prefix, height=0.7)
        left = [a + b for a, b in zip(left, widths, strict=True)]
    for y, total in enumerate(left):
        ax.text(total + 0.5, y, str(total), va="center", fontsize=8)
    ax.set_xlabel("terms")
    ax.set_title("Terms by category and source ontology (msc: minted by the project)", fontsize=10)
    ax.legend(ncols=min(len(prefixes), 6), fontsize=8, loc="lower right")
    ax.spines[["top", "right"]].set_visible(False)
    return Chart(fig, "terms by category")


# ----------------------------------------------------------------------------- 03: speakers, evidence


def speaker_modality_chart(claims: Iterable[Mapping[str, Any]]) -> Chart:
    """Assertions by kind of speaker and modality: a heat map with the count in each cell."""
    rows = _rows(claims)
    counts = Counter((str(r["speaker"]), str(r["modality"])) for r in rows)
    speakers = sorted({s for s, _ in counts}, key=lambda s: -sum(v for (x, _), v in counts.items() if x == s))
    found = {m for _, m in counts}
    modalities = [m for m in MODALITY_ORDER if m in found] + sorted(found - set(MODALITY_ORDER))
    matrix = [[counts[(s, m)] for m in modalities] for s in speakers]
    fig = _figure(1.3 * len(modalities) + 3, 0.5 * len(speakers) + 1.4)
    ax = fig.add_subplot()
    image = ax.imshow(matrix, cmap="Blues", aspect="auto")
    peak = max((v for row in matrix for v in row), default=1)
    for i, row in enumerate(matrix):
        for j, value in enumerate(row):
            ax.text(j, i, str(value), ha="center", va="center", color="white" if value > peak / 2 else "black")
    ax.set_xticks(range(len(modalities)), modalities)
    ax.set_yticks(range(len(speakers)), speakers)
    ax.set_title("Assertions by kind of speaker and modality")
    fig.colorbar(image, ax=ax, label="assertions", shrink=0.8)
    return Chart(fig, "speaker kind x modality")


def evidence_chart(rows: Iterable[Mapping[str, Any]], *, by: str = "evidence") -> Chart:
    """Assertions per condition, stacked by evidence type (or by ``by``, e.g. ``"speaker"``); rows carry
    ``condition``, ``assertions`` and the ``by`` column (the ``evidence-summary`` query's rows)."""
    data = _rows(rows)
    totals: dict[str, Counter[str]] = defaultdict(Counter)
    for r in data:
        totals[str(r["condition"])][str(r[by])] += int(r["assertions"])
    conditions = sorted(totals, key=lambda c: sum(totals[c].values()))
    kinds = sorted({k for c in totals.values() for k in c}, key=lambda k: -sum(c[k] for c in totals.values()))
    cmap = _qualitative(len(kinds))
    fig = _figure(9, 0.55 * len(conditions) + 1.8)
    ax = fig.add_subplot()
    left = [0] * len(conditions)
    for i, kind in enumerate(kinds):
        widths = [totals[c][kind] for c in conditions]
        ax.barh(conditions, widths, left=left, color=cmap[i], label=kind, height=0.65)
        left = [a + b for a, b in zip(left, widths, strict=True)]
    ax.set_xlabel("assertions")
    ax.set_title(f"What the claims about each condition rest on ({by})")
    ax.legend(fontsize=8, loc="center left", bbox_to_anchor=(1.0, 0.5), frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    return Chart(fig, f"{by} by condition")


def _qualitative(n: int) -> list[str]:
    base = [
        "#4e79a7", "#f28e2b", "#59a14f", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac",
        "#17becf", "#aec7e8", "#98df8a", "#c5b0d5", "#ffbb78", "#8c564b", "#c49c94", "#dbdb8d", "#7f7f7f",
    ]  # fmt: skip
    return [base[i % len(base)] for i in range(n)]


# ----------------------------------------------------------------------------- 02: the explanation matrix


def matrix_chart(*tables: Iterable[Mapping[str, Any]], titles: Iterable[str] | None = None) -> Chart:
    """Sources × conditions from ``kg.explain_matrix`` (one panel per table), each cell coloured by the
    effect of its claimed chains: green when they are mostly beneficial, red mostly harmful, grey when
    none is claimed; the cell says how many chains are claimed, how many about the source's own cells,
    and how many are composed."""
    from matplotlib.colors import LinearSegmentedColormap

    cmap = LinearSegmentedColormap.from_list("effect", ["#c62828", "#f5f5f5", "#2e7d32"])
    names = list(titles or [])
    fig = _figure(4.6 * len(tables) + 1.2, 3.6)
    axes = fig.subplots(1, len(tables), squeeze=False)[0]
    image = None
    for k, table in enumerate(tables):
        rows = _rows(table)
        sources = list(dict.fromkeys(str(r["source"]) for r in rows))
        conditions = list(dict.fromkeys(str(r["condition"]) for r in rows))
        cell = {(str(r["source"]), str(r["condition"])): r for r in rows}
        values, notes = [], []
        for s in sources:
            line, text = [], []
            for c in conditions:
                r = cell.get((s, c), {})
                claimed = int(r.get("claimed") or 0)
                balance = int(r.get("beneficial") or 0) - int(r.get("harmful") or 0)
                line.append(balance / claimed if claimed else float("nan"))
                own = int(r.get("source_specific") or 0)
                text.append(f"{claimed} claimed\n{own} own cells\n{int(r.get('composed') or 0)} composed")
            values.append(line)
            notes.append(text)
        ax = axes[k]
        ax.set_facecolor("#e0e0e0")
        image = ax.imshow(values, cmap=cmap, vmin=-1, vmax=1, aspect="auto")
        for i, note_row in enumerate(notes):
            for j, note in enumerate(note_row):
                ax.text(j, i, note, ha="center", va="center", fontsize=7.5)
        ax.set_xticks(range(len(conditions)), [textwrap.fill(c, 16) for c in conditions], fontsize=8)
        ax.set_yticks(range(len(sources)), sources, fontsize=8)
        ax.set_title(names[k] if k < len(names) else "claimed chains", fontsize=10)
    if image is not None:
        fig.colorbar(image, ax=list(axes), shrink=0.8, label="(beneficial − harmful) / claimed chains")
    fig.suptitle("How each source is claimed to affect each condition (grey: no claimed chain)", fontsize=11)
    return Chart(fig, "explanation matrix")


# ----------------------------------------------------------------------------- 02, 04: one explanation


def explanation_chart(explanation, ontology, *, limit: int = 6, composed: bool = False) -> Chart:
    """The first ``limit`` claimed chains of an explanation (and, with ``composed=True``, the composed
    ones after them) as a small layered graph, left to right from the source to the condition (the
    categories from ``ontology``, e.g. ``kg.ontology``): boxes coloured by category, edges by effect
    (green arrow increases, red bar decreases), dashed when every assertion is hedged, grey dotted
    for ontology steps."""
    from matplotlib.patches import FancyArrowPatch

    chains = [c for c in explanation.chains if not c.composed][:limit]
    if composed:
        chains += [c for c in explanation.chains if c.composed][: max(limit - len(chains), 0)]
    steps: dict[tuple[str, str, str], Any] = {}
    labels: dict[str, str] = {}
    for chain in chains:
        for step in chain.steps:
            steps.setdefault((step.subject, step.predicate, step.object), step)
            labels[step.subject], labels[step.object] = step.subject_label, step.object_label
    category = {n: getattr(ontology.terms.get(n), "category", None) for n in labels}
    column: dict[str, int] = {n: category_style(category[n])[2] for n in labels}
    order = _order(labels, column, [(s, o) for s, _, o in steps])
    used = sorted(set(column.values()))
    x_of = {layer: i for i, layer in enumerate(used)}
    rows = max((len(v) for v in order.values()), default=1)
    fig = _figure(max(2.3 * len(used), 6), max(0.85 * rows + 1.6, 3))
    ax = fig.add_subplot()
    ax.set_axis_off()
    positions: dict[str, tuple[float, float]] = {}
    for layer, nodes in order.items():
        for i, node in enumerate(nodes):
            positions[node] = (x_of[layer], (rows - 1) / 2 - i + (len(nodes) - 1) / 2 - (rows - 1) / 2)
    boxes = {}
    for node, (x, y) in positions.items():
        colour = category_style(category[node])[0]
        boxes[node] = ax.text(
            x,
            y,
            textwrap.fill(labels[node], 18),
            ha="center",
            va="center",
            fontsize=8,
            color=text_colour(colour),
            bbox={"boxstyle": "round,pad=0.35", "facecolor": colour, "edgecolor": "#555555", "linewidth": 0.6},
            zorder=3,
        )
    for (subject, predicate, obj), step in steps.items():
        if step.is_claim:
            kind = edge_kind(step.sign)
            modalities = {a.get("modality") for a in step.assertions}
            dashed = bool(modalities) and modalities <= {"hedged", "questioned"}
        else:
            kind, dashed = "ontology", True
        colour, _, head, _ = edge_style(kind)
        same = column[subject] == column[obj]
        arrow = FancyArrowPatch(
            posA=positions[subject],
            posB=positions[obj],
            patchA=boxes[subject].get_bbox_patch(),
            patchB=boxes[obj].get_bbox_patch(),
            arrowstyle="-[,widthB=0.35,lengthB=0" if head == "bar" else "-|>,head_width=0.25,head_length=0.5",
            connectionstyle="arc3,rad=0.35" if same else "arc3,rad=0.06",
            color=colour,
            linewidth=1.6,
            linestyle=(0, (4, 3)) if dashed else "solid",
            mutation_scale=12,
            zorder=2,
        )
        ax.add_patch(arrow)
        # the relation's name in the gap next to the subject's column, on the line to the object
        (x1, y1), (x2, y2) = positions[subject], positions[obj]
        if same:
            at = (x1 + 0.6, (y1 + y2) / 2)
        else:
            t = 0.5 / abs(x2 - x1)
            at = (x1 + (x2 - x1) * t, y1 + (y2 - y1) * t)
        ax.text(
            *at,
            predicate.replace("_", " "),
            ha="center",
            va="center",
            fontsize=6.5,
            color="#37474f",
            zorder=4,
            bbox={"boxstyle": "round,pad=0.1", "facecolor": "white", "edgecolor": "none", "alpha": 0.7},
        )
    for layer in used:
        ax.text(x_of[layer], rows / 2 + 0.05, layers()[layer][1], ha="center", va="bottom", fontsize=9, weight="bold")
    ax.set_xlim(-0.7, len(used) - 0.3)
    ax.set_ylim(-rows / 2 - 0.2, rows / 2 + 0.5)
    effects = Counter(c.effect for c in chains)
    claimed_by = sorted({d for c in chains for d in c.claimed_by})
    ax.set_title(
        textwrap.fill(
            f"{explanation.source_label} → {explanation.condition_label}: {len(chains)} of its "
            f"{len(explanation.chains)} chain(s) ({', '.join(f'{v} {k}' for k, v in effects.items())}; "
            f"claimed by {', '.join(claimed_by) or 'no single document'})",
            110,
        ),
        fontsize=9,
    )
    from matplotlib.lines import Line2D

    legend_entries: list[tuple[str, Literal["solid", "--"], str]] = [
        ("increase", "solid", "increases"),
        ("decrease", "solid", "decreases / treats (bar head)"),
        ("unsigned", "solid", "no sign"),
        ("increase", "--", "hedged"),
        ("ontology", "--", "ontology step"),
    ]
    handles = [Line2D([], [], color=edge_style(k)[0], linestyle=style, label=text) for k, style, text in legend_entries]
    ax.legend(handles=handles, fontsize=7, loc="lower center", bbox_to_anchor=(0.5, -0.12), ncols=5, frameon=False)
    return Chart(fig, f"{explanation.source_label} -> {explanation.condition_label}")


def _order(labels: Mapping[str, str], column: Mapping[str, int], edges: list[tuple[str, str]]) -> dict[int, list[str]]:
    """Nodes per column, ordered by the mean position of their neighbours (a few barycentre sweeps)."""
    columns: dict[int, list[str]] = defaultdict(list)
    for node in sorted(labels, key=lambda n: labels[n].lower()):
        columns[column[node]].append(node)
    neighbours: dict[str, list[str]] = defaultdict(list)
    for s, o in edges:
        if s != o:
            neighbours[s].append(o)
            neighbours[o].append(s)
    rank = {n: (i + 0.5) / len(ns) for ns in columns.values() for i, n in enumerate(ns)}
    keys = sorted(columns)
    for sweep in range(6):
        for key in keys if sweep % 2 == 0 else reversed(keys):
            nodes = columns[key]

            def bary(n: str) -> float:
                ns = neighbours[n]
                return sum(rank[m] for m in ns) / len(ns) if ns else rank[n]

            nodes.sort(key=bary)
            rank.update({n: (i + 0.5) / len(nodes) for i, n in enumerate(nodes)})
    return dict(sorted(columns.items()))
