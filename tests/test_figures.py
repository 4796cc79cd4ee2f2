"""The notebooks' figures (msc_graph.render.figures) on the fixture project: each draws what its rows
say, in the page's colours and layers, and shows itself as a PNG."""

from __future__ import annotations

import pytest

pytest.importorskip("matplotlib")

from msc_graph.render import figures  # noqa: E402
from msc_graph.render.style import category_style, edge_style  # noqa: E402

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def kg(project, monkeypatch):
    import msc_graph

    monkeypatch.setenv("MSC_GRAPH_ROOT", str(project.root))
    return msc_graph.load(build_dir=project.build, corpus=project.corpus)


def _bars(chart):
    """(label of the bar's row, width, colour) of every horizontal bar."""
    from matplotlib.colors import to_hex

    ax = chart.figure.axes[0]
    rows = [t.get_text() for t in ax.get_yticklabels()]
    return [(rows[round(p.get_y() + p.get_height() / 2)], p.get_width(), to_hex(p.get_facecolor())) for p in ax.patches]


def test_a_chart_shows_itself_as_a_png(kg):
    chart = figures.speaker_modality_chart(kg.claims())
    png = chart._repr_png_()
    assert png.startswith(PNG) and len(png) > 5_000
    assert b"Matplotlib version" not in png  # no software stamp: re-running a notebook changes nothing


def test_speaker_modality_counts_every_assertion(kg):
    claims = kg.claims()
    chart = figures.speaker_modality_chart(claims)
    ax = chart.figure.axes[0]
    modalities = [t.get_text() for t in ax.get_xticklabels()]
    assert modalities[:2] == ["asserted", "hedged"]  # in the order a reader weighs them
    counts = [int(t.get_text()) for t in ax.texts]
    assert sum(counts) == len(claims)
    assert {t.get_text() for t in ax.get_yticklabels()} == {r["speaker"] for r in claims}


def test_evidence_chart_stacks_each_conditions_assertions():
    rows = [
        {"condition": "knee osteoarthritis", "evidence": "author statement", "assertions": 5},
        {"condition": "knee osteoarthritis", "evidence": "clinical trial", "assertions": 2},
        {"condition": "multiple sclerosis", "evidence": "author statement", "assertions": 1},
    ]
    bars = _bars(figures.evidence_chart(rows))
    totals: dict[str, float] = {}
    for row, width, _ in bars:
        totals[row] = totals.get(row, 0) + width
    assert totals == {"knee osteoarthritis": 7, "multiple sclerosis": 1}


def test_terms_chart_splits_categories_by_ontology(kg):
    chart = figures.terms_chart(kg.entities(), kg.ontology.categories)
    bars = _bars(chart)
    cell_types = sum(w for row, w, _ in bars if row == "cell type")
    assert cell_types == len(kg.entities(category="CellType"))
    legend = chart.figure.axes[0].get_legend()
    pairs = zip(legend.get_texts(), legend.legend_handles, strict=True)
    colour = {t.get_text(): _hex(h.get_facecolor()) for t, h in pairs}
    assert colour["msc"] == "#d62728" and "CL" in colour  # project terms (msc:) in red, beside reused ones


def test_matrix_chart_colours_cells_by_effect(kg):
    matrix = kg.explain_matrix(["bone marrow"], ["knee osteoarthritis", "multiple sclerosis"])
    chart = figures.matrix_chart(matrix)
    ax = chart.figure.axes[0]
    values = ax.images[0].get_array()
    rows = list(matrix)
    first = rows[0]
    assert first["claimed"] > 0
    assert values[0][0] == pytest.approx((first["beneficial"] - first["harmful"]) / first["claimed"])
    assert bool(values.mask[0][1]) == (rows[1]["claimed"] == 0)  # no claimed chain: grey, not a colour
    assert f"{first['claimed']} claimed" in ax.texts[0].get_text()


def test_explanation_chart_draws_chains_left_to_right_in_the_pages_style(kg):
    explanation = kg.explain("bone marrow", "knee osteoarthritis")
    chart = figures.explanation_chart(explanation, kg.ontology, limit=3)
    ax = chart.figure.axes[0]
    boxes = {
        t.get_text().replace("\n", " "): t for t in ax.texts if t.get_bbox_patch() is not None and t.get_zorder() == 3
    }
    source = boxes["bone marrow"]
    cells = next(t for k, t in boxes.items() if k.startswith("mesenchymal stem cell of the bone"))
    assert source.get_position()[0] < cells.get_position()[0]  # source left of its cells
    assert source.get_bbox_patch().get_facecolor()[:3] == pytest.approx(_rgb(category_style("CellSource")[0]))
    arrows = [p for p in ax.patches if type(p).__name__ == "FancyArrowPatch"]
    colours = {_hex(p.get_edgecolor()) for p in arrows}
    assert edge_style("decrease")[0] in colours  # IL-10 decreases inflammation: red
    red = [p for p in arrows if _hex(p.get_edgecolor()) == edge_style("decrease")[0]]
    assert red and all(type(p.get_arrowstyle()).__name__ == "BracketB" for p in red)  # drawn with a bar head


def _rgb(colour: str):
    from matplotlib.colors import to_rgb

    return to_rgb(colour)


def _hex(colour) -> str:
    from matplotlib.colors import to_hex

    return to_hex(colour)
