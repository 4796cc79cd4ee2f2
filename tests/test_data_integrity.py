"""The real curated graph: every claim keeps its anchor, its grounding and its provenance.

Each failure names the claim (pytest ids are claim ids).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from msc_graph.check import copied_run
from msc_graph.corpus import Corpus
from msc_graph.curation import load_curation
from msc_graph.ontology import load_ontology

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="needs ../shared/corpus")

_CURATION = None


def curation():
    global _CURATION
    if _CURATION is None:
        _CURATION, _ = load_curation(corpus=Corpus(CORPUS) if CORPUS.is_dir() else None, strict=False)
    return _CURATION


def assertions():
    return [pytest.param(a, id=a.id) for a in curation().assertions] if CORPUS.is_dir() else []


def test_the_curated_files_validate_cleanly():
    _, problems = load_curation(corpus=Corpus(CORPUS), strict=False)
    assert [str(p) for p in problems] == []


@pytest.mark.parametrize("assertion", assertions())
def test_claim_keeps_its_anchor(assertion):
    Corpus(CORPUS).verify(assertion.anchor)  # raises with the reason


@pytest.mark.parametrize("assertion", assertions())
def test_claim_is_grounded(assertion):
    onto = load_ontology()
    st = assertion.statement
    for curie in [st.subject, st.object, *(v for k, v in st.context.items() if not onto.context[k].literal)]:
        if curie is not None:
            assert onto.terms[curie].category, f"{curie} has no category"
    assert onto.terms[assertion.evidence.type].category == "EvidenceType"


@pytest.mark.parametrize("assertion", assertions())
def test_claim_has_provenance(assertion):
    cur = curation()
    assert assertion.document in cur.documents
    assert assertion.party in cur.parties
    assert assertion.reference is None or assertion.reference in cur.references
    assert assertion.speaker in load_ontology().values["SpeakerKind"]
    assert assertion.paraphrase and "\n" not in assertion.paraphrase
    assert copied_run(assertion.paraphrase, Corpus(CORPUS).quote(assertion.anchor)) is None


def test_every_registered_document_matches_the_corpus():
    corpus = Corpus(CORPUS)
    for doc in curation().documents.values():
        assert corpus.documents[doc.id].sha256 == doc.sha256, doc.id


def test_every_document_is_fully_covered():
    from msc_graph.curation import coverage

    corpus = Corpus(CORPUS)
    for result in coverage(curation(), corpus):
        uncovered = [corpus.document(result.document).text[s:e][:80] for s, e in result.uncovered]
        assert uncovered == [], result.document


def test_every_claim_fits_its_relation_and_keeps_its_scope():
    """The curated claims pass the kind and scope rules of `msc-graph check` (one line per claim)."""
    from msc_graph.check import check_relation_kinds, check_scope

    onto = load_ontology()
    assert check_relation_kinds(curation(), onto) == []
    assert check_scope(curation(), onto) == []
