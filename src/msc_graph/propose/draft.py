"""Draft claim files: candidate claims per sentence, for a curator to review.

For each sentence the annotator (:mod:`.nlp`) gives grounded mentions, relation cues, modality
cues, parties and evidence figures. A claim is proposed for every relation cue that has a
grounded object after it (several for a list: "PGE2, IL-10 and IDO") and a subject: the first
grounded mention of the cue's clause, the antecedent of a relative pronoun ("..., which help"),
or the document's current topic for a pronoun ("They secrete ...") or a verb-first bullet. The
relation is the cue's relation whose subject and object categories (``ontology/cues.ttl``) fit.
Everything proposed carries ``status: proposed`` and a ``proposal:`` note of the spans that
led to it; ``msc-graph build`` refuses it until a curator has reviewed it.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..corpus import Corpus
from ..curation.coverage import is_covered
from ..model import sha256_text
from ..ontology import Ontology
from .nlp import Annotator, Mention, RelationCue, Sentence, split_sentences

#: categories that qualify a claim (context, evidence, party) rather than take part in it
NOT_A_PARTICIPANT = frozenset(
    {"EvidenceType", "Organization", "Species", "Route", "DonorType", "Population", "DiseaseStage"}
)
#: categories of what a document is about: the topic a pronoun refers to
TOPIC_CATEGORIES = frozenset({"CellType", "CellSource", "ProductForm", "Intervention"})
PRONOUNS = frozenset({"they", "it", "these", "this", "those", "them", "its", "their", "we", "you"})
RELATIVES = frozenset({"which", "that", "who"})
DEMONSTRATIVES = frozenset({"these", "those", "such", "this"})
BARE_NOUNS = frozenset({"cell", "cells"})
BOUNDARY_WORDS = frozenset(
    {
        "which",
        "that",
        "who",
        "while",
        "whereas",
        "but",
        "because",
        "although",
        "however",
        "if",
        "when",
        "so",
        "since",
        "though",
        "unless",
    }
)
BOUNDARY_PUNCT = frozenset({";", ":", "•", "●", "○", "—", "?", "!"})
#: words that open a list of examples: the objects of a cue may follow them after a longer gap
INTRODUCERS = frozenset({"including", "such", "e.g.", "like", "namely", "especially", "particularly"})
#: categories that describe rather than act: never the subject of a proposed claim
NOT_A_SUBJECT = frozenset({"Property", "OpenQuestion", "RegulatoryStatus", "ProductStatus"})
GLUE = frozenset(
    {
        ",",
        "and",
        "or",
        "as",
        "well",
        "&",
        "/",
        "the",
        "a",
        "an",
        "its",
        "their",
        "also",
        "both",
        "either",
        "nor",
        "including",
        "such",
        "like",
        "e.g.",
        "other",
        "various",
        "several",
        "many",
        "some",
        "all",
        "plus",
        "-",
        "even",
    }
)
PREPOSITIONS = frozenset(
    {
        "in",
        "for",
        "of",
        "with",
        "at",
        "on",
        "by",
        "to",
        "into",
        "from",
        "after",
        "before",
        "during",
        "than",
        "among",
        "within",
        "without",
        "via",
        "through",
        "under",
        "over",
        "against",
        "between",
        "across",
    }
)
LOCATIVE = frozenset({"in", "into", "within", "at", "inside"})
MAX_GAP = 6  # tokens between a relation cue and its first object
PROPOSED = "proposed"


@dataclass
class Draft:
    """One proposed claim."""

    subject: Mention
    predicate: str
    object: Mention
    polarity: str
    modality: str
    cue: str | None
    cue_span: tuple[int, int, str] | None
    relation: RelationCue
    sentence: int
    sentence_span: tuple[int, int]
    subject_from: str  # text | relative | topic | nearest
    context: dict[str, Mention] = field(default_factory=dict)
    party: str = "publisher"
    evidence: dict[str, Any] = field(default_factory=dict)
    confidence: float = 1.0


@dataclass
class Proposal:
    """A document's proposals: claims, skips, parties, unknown entities."""

    document: str
    claims: list[dict]
    skips: list[dict]
    parties: dict[str, dict]
    unknown: list[dict]
    sentences: int
    proposed_sentences: int
    header: list[str] = field(default_factory=list)

    def to_yaml(self) -> str:
        return render_yaml(self)


# ------------------------------------------------------------------ sentence level


def _clause_boundaries(doc) -> list[int]:
    """Token indices that end a clause (the boundary token itself)."""
    out = []
    for token in doc:
        if token.text in BOUNDARY_PUNCT or token.lower_ in BOUNDARY_WORDS:
            out.append(token.i)
    return out


def _choose_relation(cue: RelationCue, subject: Mention, obj: Mention, annot: Annotator):
    """The cue's relation whose categories (``cues.ttl``) and upper kinds (``msc.ttl``) fit:
    (key, inverse, number of fitting options) or None. A relation whose categories fit but whose
    kinds do not gives way to its first ``msc:alternative`` that fits."""
    onto = annot.onto
    options = []
    for key, inverse in cue.relations:
        rel = annot.cues.relations.get(key)
        if rel is None or key not in onto.predicates:
            continue
        s, o = (obj, subject) if inverse else (subject, obj)
        if rel.same_category:
            if s.category != o.category:
                continue
        else:
            if rel.object_categories and o.category not in rel.object_categories:
                continue
            if rel.subject_categories and s.category not in rel.subject_categories:
                continue
        kinds = (onto.kind_of(s.curie), onto.kind_of(o.curie))
        if not onto.predicates[key].fits(*kinds):
            fitting = [
                k for k in onto.predicates[key].alternatives if k in onto.predicates and onto.predicates[k].fits(*kinds)
            ]
            if not fitting:
                continue
            key = fitting[0]
        specificity = (
            bool(rel.subject_categories) or rel.same_category,
            -len(rel.object_categories) if rel.object_categories else -99,
        )
        options.append((specificity, key, inverse))
    if not options:
        return None
    options.sort(key=lambda o: (o[0], o[1]), reverse=True)
    return options[0][1], options[0][2], len({o[1] for o in options})


def _modality(sent: Sentence, spans: list[tuple[int, int]]) -> tuple[str, str, str | None, tuple | None]:
    """(modality, polarity, cue text, cue span) from the modality cues that modify the spans."""
    flags: dict[str, Any] = {}
    for span in spans:
        for key, cue in sent.modifiers(*span).items():
            flags.setdefault(key, cue)

    def out(modality, polarity, *cues):
        cues = [c for c in cues if c is not None]
        if not cues:
            return modality, polarity, None, None
        cues = sorted(cues, key=lambda c: c.start)
        text = " ... ".join(c.text for c in cues)
        return modality, polarity, text, (cues[0].start, cues[-1].end, text)

    negated = flags.get("negated")
    if "superseded" in flags:
        return out("superseded", "positive", flags["superseded"])
    if "not-reported" in flags:
        return out("not-reported", "positive", flags["not-reported"])
    if negated is not None and "not-reported#reporting" in flags:
        return out("not-reported", "positive", negated, flags["not-reported#reporting"])
    polarity = "negative" if negated is not None else "positive"
    if "questioned" in flags:
        return out("questioned", polarity, flags["questioned"], negated)
    if "hedged" in flags:
        return out("hedged", polarity, flags["hedged"], negated)
    if negated is not None:
        return out("negated", "negative", negated)
    return "asserted", "positive", None, None


class SentenceDrafter:
    """Proposes the claims of one sentence; keeps the document's topic between sentences."""

    def __init__(self, annot: Annotator, topic: Mention | None):
        self.annot = annot
        self.topic = topic

    def _subject(self, sent: Sentence, participants: list[Mention], cue_i: int, bounds: list[int]):
        doc = sent.doc
        before = [b for b in bounds if b < cue_i]
        start = before[-1] + 1 if before else 0
        window = [m for m in participants if m.i >= start and m.j <= cue_i]
        boundary_word = doc[before[-1]].lower_ if before else None
        if boundary_word in RELATIVES and not window:
            earlier = [m for m in participants if m.j <= before[-1]]
            if earlier:
                return earlier[-1], "relative"
        if window:
            free = [m for m in window if not (m.i > 0 and doc[m.i - 1].lower_ in PREPOSITIONS)]
            pick = free[0] if free else window[0]
            demonstrative = pick.i > 0 and doc[pick.i - 1].lower_ in DEMONSTRATIVES
            bare = pick.text.lower() in BARE_NOUNS  # "the cells" refers back to the cells the text is about
            if (demonstrative or bare) and self.topic is not None and pick.category in TOPIC_CATEGORIES:
                return self.topic, "topic"
            return pick, "text"
        tokens = doc[start:cue_i]
        if self.topic is not None and (
            any(t.lower_ in PRONOUNS for t in tokens) or not [t for t in tokens if t.is_alpha]
        ):
            return self.topic, "topic"
        earlier = [m for m in participants if m.j <= cue_i]
        if earlier:
            return earlier[-1], "nearest"
        if self.topic is not None:
            return self.topic, "topic"
        return None, None

    def _objects(self, sent: Sentence, participants: list[Mention], cue: RelationCue, limit: int) -> list[Mention]:
        doc = sent.doc
        objects: list[Mention] = []
        for m in participants:
            if m.i < cue.j or m.i >= limit:
                continue
            if not objects:
                gap = doc[cue.j : m.i]
                if m.i - cue.j > MAX_GAP and not (
                    m.i - cue.j <= 3 * MAX_GAP and any(t.lower_ in INTRODUCERS for t in gap)
                ):
                    break
                objects.append(m)
                continue
            gap = doc[objects[-1].j : m.i]
            if all(t.lower_ in GLUE or t.is_space for t in gap):
                objects.append(m)
            else:
                break
        return objects

    def draft(self, sent: Sentence, number: int) -> list[Draft]:
        annot = self.annot
        doc = sent.doc
        participants = [m for m in sent.mentions if m.category not in NOT_A_PARTICIPANT]
        bounds = _clause_boundaries(doc)
        drafts: list[Draft] = []
        seen: set[tuple] = set()
        new_topic = None
        for k, cue in enumerate(sent.cues):
            next_cue = sent.cues[k + 1].i if k + 1 < len(sent.cues) else len(doc)
            after = [b for b in bounds if b >= cue.j]
            limit = min(next_cue, after[0] if after else len(doc))
            objects = self._objects(sent, participants, cue, limit)
            if not objects:
                continue
            subject, how = self._subject(
                sent, [m for m in participants if m.category not in NOT_A_SUBJECT], cue.i, bounds
            )
            if subject is None:
                continue
            for obj in objects:
                chosen = _choose_relation(cue, subject, obj, annot)
                if chosen is None:
                    continue
                key, inverse, n_options = chosen
                s, o = (obj, subject) if inverse else (subject, obj)
                if s.curie == o.curie:
                    continue
                modality, polarity, cue_text, cue_span = _modality(sent, [(cue.i, cue.j), (obj.i, obj.j)])
                ident = (s.curie, key, o.curie, polarity)
                if ident in seen:
                    continue
                seen.add(ident)
                confidence = 1.0
                if how != "text":
                    confidence -= 0.3
                if not o.exact or not s.exact:
                    confidence -= 0.1
                if n_options > 1:
                    confidence -= 0.1
                drafts.append(
                    Draft(
                        subject=s,
                        predicate=key,
                        object=o,
                        polarity=polarity,
                        modality=modality,
                        cue=cue_text,
                        cue_span=cue_span,
                        relation=cue,
                        sentence=number,
                        sentence_span=(sent.start, sent.end),
                        subject_from=how,
                        confidence=round(confidence, 2),
                    )
                )
                if how == "text" and s.category in TOPIC_CATEGORIES and new_topic is None:
                    new_topic = s
        if new_topic is not None and new_topic.text.lower() not in BARE_NOUNS:
            self.topic = new_topic
        for d in drafts:
            d.context = _context(sent, d, annot.onto)
        return drafts


def _context(sent: Sentence, draft: Draft, onto: Ontology) -> dict[str, Mention]:
    """Context slots from the sentence's other mentions whose category a context key takes."""
    by_category: dict[str, str] = {}
    for context_key in onto.context_order:
        for category in onto.context[context_key].categories:
            by_category.setdefault(category, context_key)
    out: dict[str, Mention] = {}
    used = {(draft.subject.start, draft.subject.end), (draft.object.start, draft.object.end)}
    for m in sent.mentions:
        if (m.start, m.end) in used or m.curie in (draft.subject.curie, draft.object.curie) or m.category is None:
            continue
        key = by_category.get(m.category)
        if key is None or key in out:
            continue
        if key == "condition" and m.category != "Condition":
            continue
        if key == "site" and not (m.i > 0 and sent.doc[m.i - 1].lower_ in LOCATIVE):
            continue
        if key == "status" and draft.predicate == "has_regulatory_status":
            continue
        out[key] = m
    return out


# ------------------------------------------------------------------ unknown entities

_STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "of",
        "in",
        "on",
        "at",
        "to",
        "for",
        "with",
        "by",
        "from",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "this",
        "that",
        "these",
        "those",
        "it",
        "its",
        "they",
        "their",
        "them",
        "we",
        "our",
        "you",
        "your",
        "he",
        "she",
        "his",
        "her",
        "not",
        "no",
        "can",
        "may",
        "might",
        "could",
        "would",
        "should",
        "will",
        "shall",
        "do",
        "does",
        "did",
        "has",
        "have",
        "had",
        "than",
        "then",
        "there",
        "here",
        "what",
        "which",
        "who",
        "whom",
        "whose",
        "how",
        "why",
        "when",
        "where",
        "also",
        "very",
        "more",
        "most",
        "less",
        "such",
        "other",
        "some",
        "any",
        "all",
        "each",
        "both",
        "many",
        "much",
        "into",
        "over",
        "under",
        "about",
        "after",
        "before",
        "between",
        "during",
        "without",
        "within",
        "through",
        "up",
        "down",
        "out",
        "off",
        "just",
        "only",
        "even",
        "still",
        "yet",
        "so",
        "if",
        "but",
        "because",
        "while",
        "however",
        "although",
        "one",
        "two",
        "three",
        "new",
    ]
)


def _unknown_entities(sent: Sentence, number: int, annot: Annotator, drafts: list[Draft]) -> list[dict]:
    """Spans that look like entities and are not grounded: acronyms, defined abbreviations, capitalised names,
    and the words a relation cue points at when no term was found there."""
    doc = sent.doc
    grounded = [(m.i, m.j) for m in sent.mentions]
    cue_tokens = {t for c in sent.cues for t in range(c.i, c.j)}
    party_chars = [(p.start, p.end) for p in sent.parties]

    def free(i: int, j: int) -> bool:
        if any(a < j and i < b for a, b in grounded):
            return False
        s, e = sent.start + doc[i].idx, sent.start + doc[j - 1].idx + len(doc[j - 1])
        return not any(a < e and s < b for a, b in party_chars)

    found: list[tuple[int, int, str]] = []
    for token in doc:
        # "long form (ABBR)": the long form's words start with the abbreviation's letters (Schwartz-Hearst style)
        if token.text == "(" and token.i + 2 < len(doc) and doc[token.i + 2].text == ")":
            abbr = doc[token.i + 1].text
            letters = [ch for ch in abbr if ch.isalpha()]
            if 2 <= len(letters) <= 8 and abbr[0].isalpha() and sum(ch.isupper() for ch in abbr) >= 2:
                k = token.i
                lo = max(0, k - len(letters) - 2)
                for i in range(k - 1, lo - 1, -1):
                    if doc[i].text[:1].lower() == letters[0].lower() and doc[i].is_alpha:
                        if free(i, k):
                            found.append((i, k, "long form"))
                        break
                if free(token.i + 1, token.i + 2):
                    found.append((token.i + 1, token.i + 2, "abbreviation"))
        elif (
            re.match(r"^(?=(?:[^A-Z]*[A-Z]){2})[A-Za-z0-9-]{2,12}$", token.text)
            and token.i not in cue_tokens
            and free(token.i, token.i + 1)
            and token.text.lower() not in _STOP
        ):
            found.append((token.i, token.i + 1, "acronym"))
    # capitalised runs of two or more words (names of products, organisations, places, people)
    i = 0
    while i < len(doc):
        j = i
        while j < len(doc) and doc[j].is_title and doc[j].is_alpha and doc[j].lower_ not in _STOP:
            j += 1
        if j - i >= 2 and free(i, j):
            found.append((i, j, "name"))
        i = max(j, i + 1)
    # a relation cue with nothing grounded after it: the content words it points at
    for cue in sent.cues:
        if any(d.relation is cue for d in drafts):
            continue
        k = cue.j
        while k < len(doc) and (doc[k].lower_ in _STOP or doc[k].is_punct):
            k += 1
            if k - cue.j > 2:
                break
        j = k
        while (
            j < len(doc)
            and j - k < 4
            and doc[j].is_alpha
            and doc[j].lower_ not in _STOP
            and j not in cue_tokens
            and not any(a <= j < b for a, b in grounded)
        ):
            j += 1
        if j > k and any(len(t) >= 4 for t in doc[k:j]):
            found.append((k, j, f"after '{cue.text}'"))
    out = []
    seen = set()
    for i, j, kind in sorted(found):
        start = sent.start + doc[i].idx
        end = sent.start + doc[j - 1].idx + len(doc[j - 1])
        if (start, end) in seen:
            continue
        seen.add((start, end))
        text = doc[i:j].text
        out.append(
            {
                "sentence": number,
                "start": start,
                "end": end,
                "text": text,
                "kind": kind,
                "nearest": annot.onto.suggest(text),
            }
        )
    return out


# ------------------------------------------------------------------ document level


def _document_number(doc_id: str) -> str:
    head = doc_id.split("_", 1)[0]
    return head if re.fullmatch(r"[a-z0-9]+", head) else re.sub(r"[^a-z0-9]+", "", doc_id.lower())[:8] or "x"


def _slug(label: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")[:40] or "party"


def _term_name(onto: Ontology, curie: str) -> str:
    """The label when it names the term alone, else the CURIE."""
    label = onto.terms[curie].label
    try:
        if onto.resolve(label).curie == curie:
            return label
    except Exception:  # noqa: BLE001 - an ambiguous or unknown label falls back to the CURIE
        pass
    return curie


def _skip_reason(text: str, sent: Sentence) -> str:
    words = [t for t in sent.doc if t.is_alpha]
    if "|" in text or text.count("»") or text.count(">") >= 2:
        return "navigation"
    if re.search(r"https?://|doi\.org|\bdoi:|\bPMID\b|\bPMC\d", text):
        return "reference-list"
    if len(words) <= 8 and not text.rstrip().endswith((".", "!", "?", ":")):
        return "heading"
    return "non-claim"


def propose_document(
    document: str,
    *,
    corpus: Corpus,
    annot: Annotator,
    curated: tuple[list, list] | None = None,
    all_sentences: bool = False,
    publisher: str | None = None,
    existing_ids: set[str] | None = None,
) -> Proposal:
    """Proposals for one document. ``curated`` = (claim anchors, skip anchors) of its curated files:
    unless ``all_sentences``, only sentences that no claim or skip covers are proposed."""
    onto = annot.onto
    cdoc = corpus.document(document)
    text = cdoc.text
    spans = split_sentences(text)
    claims_spans, skip_spans = curated or ([], [])
    wanted = [
        (n, s, e)
        for n, (s, e) in enumerate(spans, 1)
        if all_sentences or not is_covered(s, e, claims_spans, skip_spans, text)
    ]
    sentences = [(n, annot.annotate(text, s, e)) for n, s, e in wanted]

    # the document's topic to start with: its most frequent cell, source, product or therapy
    counts = Counter(m.curie for _, sent in sentences for m in sent.mentions if m.category in TOPIC_CATEGORIES)
    topic = None
    if counts:
        best = counts.most_common(1)[0][0]
        topic = next(m for _, sent in sentences for m in sent.mentions if m.curie == best)
    drafter = SentenceDrafter(annot, topic)

    parties: dict[str, dict] = {
        "publisher": {"label": publisher or "the document's publisher (name it)", "kind": "publisher"}
    }
    last_party = None
    number = _document_number(cdoc.id)
    existing_ids = existing_ids or set()
    counter = {"c": 0, "k": 0}

    def next_id(kind: str) -> str:
        while True:
            counter[kind] += 1
            ident = f"d{number}-{kind}{counter[kind]:03d}"
            if ident not in existing_ids:
                return ident

    claims: list[dict] = []
    skips: list[dict] = []
    unknown: list[dict] = []
    for n, sent in sentences:
        drafts = drafter.draft(sent, n)
        # credited party and evidence of the sentence
        party_key = "publisher"
        for p in sent.parties:
            if p.kind == "anaphor":
                if last_party is not None:
                    party_key = last_party
                continue
            party_key = _slug(p.label)
            parties.setdefault(party_key, {"label": p.label, "kind": p.kind})
            last_party = party_key
            break
        evidence = _evidence(sent, onto)
        for d in drafts:
            d.party = party_key
            d.evidence = evidence
            claims.append(_claim_record(d, next_id("c"), onto, text))
        unknown.extend(_unknown_entities(sent, n, annot, drafts))
        if not drafts:
            reason = _skip_reason(text[sent.start : sent.end], sent)
            skips.append(
                {
                    "id": next_id("k"),
                    "status": PROPOSED,
                    "anchor": _anchor(text, sent.start, sent.end),
                    "reason": reason,
                    "proposal": {"sentence": n, "note": "no claim found; check the sentence before accepting the skip"},
                }
            )
    # one entry per distinct unknown name, with how often it occurs
    merged: dict[str, dict] = {}
    for u in unknown:
        key = u["text"].lower()
        if key in merged:
            merged[key]["occurrences"] += 1
        else:
            merged[key] = {**u, "occurrences": 1}
    return Proposal(
        document=cdoc.id,
        claims=claims,
        skips=skips,
        parties=parties,
        unknown=list(merged.values()),
        sentences=len(spans),
        proposed_sentences=len(wanted),
    )


def _evidence(sent: Sentence, onto: Ontology) -> dict[str, Any]:
    types = [m.curie for m in sent.mentions if m.category == "EvidenceType"]
    phase = sent.evidence.get("phase")
    if phase:
        with contextlib.suppress(Exception):  # a phase the ontology has no term for
            types.append(onto.resolve(phase, category="EvidenceType").curie)
    out: dict[str, Any] = {}
    if types:
        out["type"] = max(types, key=lambda c: (onto.evidence_rank.get(c, 0), c))
    else:
        out["type"] = "ECO:0000204"
    for key in ("studies", "patients", "follow_up"):
        if key in sent.evidence:
            out[key] = sent.evidence[key]
    return out


def _anchor(text: str, start: int, end: int) -> dict:
    return {"start": start, "end": end, "sha256": sha256_text(text[start:end])}


def _span(m: Mention) -> dict:
    return {"start": m.start, "end": m.end, "text": m.text}


def _claim_record(d: Draft, ident: str, onto: Ontology, text: str) -> dict:
    subject = _term_name(onto, d.subject.curie)
    obj = _term_name(onto, d.object.curie)
    verb = d.predicate.replace("_", " ")
    if d.polarity == "negative":
        verb = f"not {verb}"
    paraphrase = f"(proposed) {onto.terms[d.subject.curie].label} {verb} {onto.terms[d.object.curie].label}"
    if d.modality != "asserted":
        paraphrase += f" ({d.modality})"
    record: dict[str, Any] = {
        "id": ident,
        "status": PROPOSED,
        "subject": subject,
        "predicate": d.predicate,
        "object": obj,
        "polarity": d.polarity,
    }
    if d.context:
        record["context"] = {k: _term_name(onto, m.curie) for k, m in d.context.items()}
    record["modality"] = d.modality
    if d.cue:
        record["cue"] = d.cue
    record["party"] = d.party
    record["evidence"] = d.evidence
    record["anchor"] = _anchor(text, *d.sentence_span)
    record["paraphrase"] = paraphrase + "; reword in our own words."
    note: dict[str, Any] = {
        "sentence": d.sentence,
        "confidence": d.confidence,
        "subject_span": _span(d.subject),
        "subject_from": d.subject_from,
        "object_span": _span(d.object),
        "relation_cue": {"start": d.relation.start, "end": d.relation.end, "text": d.relation.text},
    }
    if d.cue_span:
        note["modality_cue"] = {"start": d.cue_span[0], "end": d.cue_span[1], "text": d.cue_span[2]}
    for role, m in (("subject", d.subject), ("object", d.object)):
        others = [c for c in m.candidates if c != m.curie]
        if others:
            note[f"{role}_alternatives"] = others
    record["proposal"] = note
    return record


# ------------------------------------------------------------------ YAML


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if value is None:
        return "null"
    text = str(value)
    if re.fullmatch(r"[A-Za-z][A-Za-z0-9_:.-]*", text) and text.lower() not in {
        "yes",
        "no",
        "on",
        "off",
        "true",
        "false",
        "null",
        "y",
        "n",
    }:
        return text
    return json.dumps(text, ensure_ascii=False)


def _flow(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    return _scalar(value)


def _block(record: dict, indent: str) -> list[str]:
    lines = []
    first = True
    for key, value in record.items():
        prefix = f"{indent}- " if first else f"{indent}  "
        first = False
        if key == "proposal" and isinstance(value, dict):
            lines.append(f"{prefix}{key}:")
            for k, v in value.items():
                lines.append(f"{indent}    {k}: {_flow(v)}")
        else:
            lines.append(f"{prefix}{key}: {_flow(value)}")
    return lines


def render_yaml(p: Proposal) -> str:
    lines = [
        f"# Proposed claims for {p.document}, made by `msc-graph propose` from the cue vocabulary in",
        "# ontology/cues.ttl and the term index. Nothing here is curated: check every claim against the text,",
        "# fix or delete it, then set `status: accepted` (unchanged) or `status: edited`. `msc-graph build`",
        "# refuses any claim or skip still marked `status: proposed`. The `proposal:` notes give the spans",
        "# that led to each claim; `unknown_entities` lists names the ontology has no term for.",
        f"# {len(p.claims)} claims and {len(p.skips)} skips from {p.proposed_sentences} of {p.sentences} sentences.",
        *[f"# {h}" for h in p.header],
        f"document: {_scalar(p.document)}",
        "parties:",
        *[f"  {_scalar(k)}: {_flow(v)}" for k, v in p.parties.items()],
        "references: {}",
        "claims:" if p.claims else "claims: []",
    ]
    for record in p.claims:
        lines.extend(_block(record, "  "))
    lines.append("skip:" if p.skips else "skip: []")
    for record in p.skips:
        lines.extend(_block(record, "  "))
    lines.append("unknown_entities:" if p.unknown else "unknown_entities: []")
    for u in p.unknown:
        lines.extend(_block(u, "  "))
    return "\n".join(lines) + "\n"


def read_proposals(path: Path) -> dict:
    """A proposal file as plain data."""
    import yaml

    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}
