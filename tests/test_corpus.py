from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from msc_graph.corpus import Corpus, split_sentences
from msc_graph.errors import AnchorError, UnknownTermError
from msc_graph.model import Anchor, sha256_text


def test_sentences_respect_abbreviations():
    text = "Kong et al. found this. Multiple Sclerosis vs. Fibromyalgia: what? Yes."
    spans = [text[s:e] for s, e in split_sentences(text)]
    assert spans == ["Kong et al. found this.", "Multiple Sclerosis vs. Fibromyalgia: what?", "Yes."]


@given(st.text(alphabet="ab .?!\nXY", max_size=200))
def test_sentence_spans_are_ordered_nonempty_and_inside_the_text(text):
    previous = 0
    for start, end in split_sentences(text):
        assert previous <= start < end <= len(text)
        assert text[start:end].strip() == text[start:end]
        previous = end


def test_locate_verify_and_drift(project):
    corpus = Corpus(project.corpus)
    [anchor] = corpus.locate("f002", "Inflammation drives")
    corpus.verify(anchor)
    with pytest.raises(AnchorError, match="out of range"):
        corpus.verify(Anchor(anchor.document, 0, 10**6, anchor.sha256))
    with pytest.raises(AnchorError, match="has SHA-256"):
        corpus.verify(Anchor(anchor.document, anchor.start + 1, anchor.end + 1, anchor.sha256))
    assert anchor.sha256 == sha256_text("Inflammation drives")


def test_document_names(project):
    corpus = Corpus(project.corpus)
    assert corpus.document("f001_alpha.txt").id == "f001_alpha"
    with pytest.raises(UnknownTermError, match="did you mean"):
        corpus.document("f001_alpa")


def test_sentences_are_split_by_pysbd_and_keep_numbers_after_abbreviations():
    """The hand-written splitter broke '(approx. 2 x 10^6 ...' apart; coverage and propose now share pysbd."""
    from msc_graph.propose.nlp import split_sentences as propose_splitter

    text = "Cells were injected (approx. 2 x 10^6 per kg) into the knee. Pain fell.The end"
    spans = [text[s:e] for s, e in split_sentences(text)]
    assert spans == ["Cells were injected (approx. 2 x 10^6 per kg) into the knee.", "Pain fell.", "The end"]
    assert propose_splitter is split_sentences
