"""``msc-graph propose``: draft claim files for curators, and how good the drafts are.

>>> from msc_graph.propose.nlp import split_sentences
>>> split_sentences("One. Two")
[(0, 4), (5, 8)]
"""

from __future__ import annotations

from pathlib import Path

from ..corpus import Corpus
from ..curation import load_curation
from ..errors import InputError
from ..ontology import load_ontology
from ..project import ontology_dir
from .draft import Proposal, propose_document, read_proposals
from .evaluate import DocumentScore, curated_items, proposal_items, score, table_rows, total
from .nlp import annotator

__all__ = ["Proposal", "propose", "evaluate", "DocumentScore", "table_rows", "total"]


def _context(corpus: Corpus, ontology_directory: Path | None):
    directory = (ontology_directory or ontology_dir()).resolve()
    onto = load_ontology(directory)
    curation, _ = load_curation(directory, corpus=corpus, strict=False)
    return directory, onto, annotator(directory, onto), curation


def _existing_ids(directory: Path) -> set[str]:
    """Every claim and skip id in the claim files, valid or not (new ids must not collide)."""
    import re

    ids: set[str] = set()
    for path in sorted((directory / "claims").glob("*.yaml")):
        ids.update(re.findall(r"^\s*-?\s*id:\s*['\"]?([a-z0-9-]+)", path.read_text(encoding="utf-8"), re.M))
    return ids


def propose(
    document: str,
    *,
    corpus: Corpus,
    ontology_directory: Path | None = None,
    all_sentences: bool = False,
) -> Proposal:
    """Proposals for one corpus document: every sentence when it has no curated file (or with
    ``all_sentences``), otherwise the sentences that no curated claim or skip covers."""
    directory, _onto, annot, curation = _context(corpus, ontology_directory)
    doc_id = corpus.document(document).id
    claims = [(a.anchor.start, a.anchor.end) for a in curation.assertions if a.document == doc_id]
    skips = [(s.anchor.start, s.anchor.end) for s in curation.skips if s.anchor.document == doc_id]
    registered = curation.documents.get(doc_id)
    return propose_document(
        doc_id,
        corpus=corpus,
        annot=annot,
        curated=(claims, skips),
        all_sentences=all_sentences,
        publisher=registered.publisher if registered else None,
        existing_ids=_existing_ids(directory),
    )


def evaluate(
    *,
    corpus: Corpus,
    ontology_directory: Path | None = None,
    documents: list[str] | None = None,
    proposals: list[Path] | None = None,
) -> list[DocumentScore]:
    """Precision and recall of proposals against the curated claims, per document.

    Without ``proposals`` every curated document (or those named) is proposed afresh, all
    sentences; with proposal files, each file is scored against the curated claims of the
    document it names (``documents`` then restricts which files count)."""
    directory, onto, annot, curation = _context(corpus, ontology_directory)
    curated_docs = sorted({a.document for a in curation.assertions})
    wanted = {corpus.document(d).id for d in documents} if documents else None
    scores: list[DocumentScore] = []
    if proposals:
        for path in proposals:
            data = read_proposals(Path(path))
            doc_id = corpus.document(str(data.get("document"))).id
            if wanted is not None and doc_id not in wanted:
                continue
            if doc_id not in curated_docs:
                raise InputError(
                    f"{path}: document {doc_id} has no curated claims yet; curate it in ontology/claims/ "
                    "before evaluating its proposals"
                )
            scores.append(score(doc_id, proposal_items(data, onto), curated_items(curation, doc_id), str(path)))
        if not scores:
            raise InputError("no proposal file names the documents asked for")
        return scores
    for doc_id in curated_docs:
        if wanted is not None and doc_id not in wanted:
            continue
        proposal = propose_document(doc_id, corpus=corpus, annot=annot, all_sentences=True)
        data = {"claims": proposal.claims}
        scores.append(score(doc_id, proposal_items(data, onto), curated_items(curation, doc_id), "fresh"))
    if wanted is not None and not scores:
        raise InputError(f"none of {', '.join(sorted(wanted))} has curated claims to compare with")
    return scores
