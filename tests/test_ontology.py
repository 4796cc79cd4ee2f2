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
        p
        for t in onto.terms.values()
        if not t.curie.startswith(("msc:", "http://", "https://"))  # W3C classes (PROV-O): no OBO table
        if (p := reference.problem(t.curie, t.label))
    ]
    assert problems == []


def test_every_project_term_is_defined(onto):
    missing = [t.curie for t in onto.terms.values() if t.curie.startswith("msc:") and t.category and not t.definition]
    assert missing == []


def test_the_guide_relation_table_is_the_ontology_s():
    """docs/curation.md's relation table is generated from ontology/msc.ttl (kinds, signs, uses);
    regenerate it with `msc-graph relations --update docs/curation.md` when the ontology changes."""
    from msc_graph.ontology import RELATION_TABLE_END, RELATION_TABLE_START, relation_table

    guide = (Path(__file__).resolve().parents[1] / "docs" / "curation.md").read_text(encoding="utf-8")
    in_guide = guide.split(RELATION_TABLE_START, 1)[1].split(RELATION_TABLE_END, 1)[0].strip()
    assert in_guide == relation_table().strip(), "run: msc-graph relations --update docs/curation.md"
    assert "`increases_quantity` | indirectly positively regulates quantity of | RO:0011024 | +" in in_guide


def test_every_claim_relation_says_what_it_connects(onto):
    """Each relation has subject kinds (and, unless its object is a value, object kinds), every
    category an upper kind, and the upper kinds are the five disjoint classes."""
    assert set(onto.kinds) == {"material", "process", "quality", "disease", "information"}
    assert set(onto.category_kinds) == set(onto.categories)
    for pred in onto.predicates.values():
        assert pred.subject_kinds, pred.key
        assert pred.literal or pred.object_kinds, pred.key
    assert onto.predicates["has_part"].curie == "BFO:0000051" and onto.predicates["part_of"].curie == "BFO:0000050"
    assert onto.kind_of("CHEBI:17303") == "material" and onto.kind_of("msc:StemCellTherapy") == "process"


def test_the_explanation_roles_of_context_keys_come_from_the_ontology(onto):
    assert onto.context_roles == {"condition": "condition", "donor": "donor", "stage": "stage"}
    assert all(key in onto.context for key in onto.context_roles.values())
    assert onto.role_key("condition") == "condition" and onto.role_key("no such role") == "no such role"


def test_the_modality_rules_come_from_the_ontology(onto):
    assert onto.required_polarity == {"negated": "negative", "not-reported": "positive"}
    assert onto.excluded_polarity == {"asserted": "negative"} and onto.cue_free == {"asserted"}
