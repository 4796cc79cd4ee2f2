"""The term index over the real TBox: lookup, suggestions, categories, hierarchy, integrity."""

from __future__ import annotations

from pathlib import Path

import pytest

from msc_graph.errors import InputError, UnknownTermError
from msc_graph.ontology import load_ontology
from msc_graph.reference import ReferenceTables

REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference"


@pytest.fixture(scope="module")
def onto():
    return load_ontology()


def test_lookup_by_curie_label_and_synonym(onto):
    assert onto.resolve("CL:0002540").label == "mesenchymal stem cell of the bone marrow"
    assert onto.resolve("Mesenchymal Stem Cell").curie == "CL:0000134"
    assert onto.resolve("UCMSCs").curie == "CL:0002569"
    assert onto.resolve("http://purl.obolibrary.org/obo/MONDO_0005416").label == "osteoarthritis, knee"


def test_unknown_term_suggests_the_nearest_labels(onto):
    with pytest.raises(UnknownTermError) as err:
        onto.resolve("umbilical chord")
    assert "did you mean 'umbilical cord' (UBERON:0002331)" in str(err.value)


def test_category_is_enforced(onto):
    with pytest.raises(InputError, match="not a condition"):
        onto.resolve("bone marrow", category="Condition")


def test_predicates_come_from_ro_where_ro_has_them(onto):
    assert onto.predicate("produces").curie == "RO:0003000"
    assert onto.predicate("decreases").sign == -1
    assert onto.predicate("has_prevalence").literal
    with pytest.raises(UnknownTermError, match="did you mean 'produces'"):
        onto.predicate("produce")


def test_hierarchy(onto):
    assert "CL:0000134" in onto.ancestors("CL:0002540")
    assert "CL:0002540" in onto.descendants("CL:0000134")
    assert "MONDO:0005416" in onto.descendants("MONDO:0005178")


def test_no_name_leads_to_two_terms(onto):
    assert onto.ambiguous_names() == {}


def test_required_categories_have_terms(onto):
    for category in (
        "CellSource",
        "CellType",
        "Factor",
        "Mechanism",
        "Target",
        "Outcome",
        "Condition",
        "Route",
        "DonorType",
        "EvidenceType",
        "Risk",
        "RegulatoryStatus",
    ):
        assert onto.in_category(category), category


@pytest.mark.skipif(not REFERENCE.is_dir(), reason="needs ../shared/reference")
def test_every_obo_term_exists_with_its_exact_label(onto):
    reference = ReferenceTables(REFERENCE)
    problems = [
        p for t in onto.terms.values() if not t.curie.startswith("msc:") if (p := reference.problem(t.curie, t.label))
    ]
    assert problems == []


def test_every_project_term_is_defined(onto):
    missing = [t.curie for t in onto.terms.values() if t.curie.startswith("msc:") and t.category and not t.definition]
    assert missing == []
