"""The graph page draws the ontology's vocabulary: its style file names only categories and
modalities that the ontology has, and styles every modality that claims nothing."""

from __future__ import annotations

from msc_graph.ontology import load_ontology
from msc_graph.render.page import _style, category_style, modality_style, unclaimed_modalities

ONTO = load_ontology()


def test_the_style_file_names_only_the_ontology_s_categories_and_modalities():
    style = _style()
    assert set(style["categories"]) <= set(ONTO.categories), set(style["categories"]) - set(ONTO.categories)
    assert set(style["modalities"]) <= set(ONTO.values["Modality"]), set(style["modalities"])


def test_every_modality_that_claims_nothing_has_a_prefix_and_a_note():
    unclaimed = unclaimed_modalities(ONTO)
    assert unclaimed and set(unclaimed) == {m for m, s in ONTO.stance.items() if s == "none"}
    for modality in unclaimed:
        style = modality_style(ONTO, modality)
        assert style["prefix"].endswith(": ") and style.get("note"), modality


def test_a_category_without_a_style_gets_the_default():
    assert category_style("NoSuchCategory") == category_style(None)
