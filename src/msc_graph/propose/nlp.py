"""The spaCy pipeline of ``msc-graph propose``: sentences, terms, relation cues, modality, parties, evidence.

Everything is rule-based and runs on ``spacy.blank("en")`` (the tokenizer only; no model
weights): pysbd splits sentences; a :class:`~spacy.matcher.PhraseMatcher` over the term index
(labels and synonyms, matched on Snowball word stems, acronyms case-sensitively) grounds
mentions; a second one finds the relation cues of ``ontology/cues.ttl``; negspacy's NegEx
component, one instance per modality with the modality's cues from the ontology, marks what
each cue modifies (a ConText-style scope: a preceding cue reaches forward to a termination
word, a following cue backward); spaCy :class:`~spacy.matcher.Matcher` patterns find the
credited party and the evidence figures.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..corpus import split_sentences as split_sentences  # the one splitter (re-exported)
from ..ontology import Ontology
from .vocabulary import CueVocabulary, load_cues

#: one-character replacements that keep every offset: typographic hyphens, quotes and spaces
SAME_LENGTH = str.maketrans(
    {
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u00a0": " ",
    }
)
_ACRONYM = re.compile(r"^(?=.*[A-Z])[^a-z\s]{2,}$")
_ACRONYM_PLURAL = re.compile(r"^[A-Z][A-Z0-9-]+s$")


# ------------------------------------------------------------------ annotation records


@dataclass(frozen=True)
class Mention:
    """A span grounded to a term: character offsets into the document, the matched text."""

    start: int
    end: int
    text: str
    curie: str
    category: str | None
    candidates: tuple[str, ...]
    exact: bool  # matched a label or synonym word for word (not only by stems)
    i: int  # token start within the sentence
    j: int  # token end


@dataclass(frozen=True)
class RelationCue:
    start: int
    end: int
    text: str
    relations: tuple[tuple[str, bool], ...]  # (relation key, inverse)
    i: int
    j: int


@dataclass(frozen=True)
class Cue:
    """A modality cue that modifies a target span."""

    modality: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Party:
    start: int
    end: int
    label: str
    kind: str  # authors | study | researchers | person | anaphor


@dataclass
class Sentence:
    """One annotated sentence; offsets are into the document."""

    start: int
    end: int
    doc: Any  # spacy Doc of the sentence (normalised characters, same offsets)
    mentions: list[Mention]
    cues: list[RelationCue]
    modality: dict[tuple[int, int], dict[str, Cue]]  # token span -> modality -> cue
    parties: list[Party]
    evidence: dict[str, Any]

    def modifiers(self, i: int, j: int) -> dict[str, Cue]:
        return self.modality.get((i, j), {})


# ------------------------------------------------------------------ the annotator

PARTY_NOUNS = [
    "study",
    "trial",
    "review",
    "meta-analysis",
    "analysis",
    "survey",
    "paper",
    "report",
    "experiment",
    "investigation",
    "studies",
    "trials",
    "reviews",
    "article",
]
PEOPLE = [
    "researchers",
    "scientists",
    "investigators",
    "doctors",
    "physicians",
    "experts",
    "authors",
    "team",
    "clinicians",
    "surgeons",
    "specialists",
]
NEW_DETERMINERS = ["a", "an", "one", "another", "new", "recent"]
BACK_DETERMINERS = ["the", "this", "that", "these", "those", "their", "our"]
SPEECH = [
    "said",
    "says",
    "explained",
    "explains",
    "noted",
    "notes",
    "added",
    "adds",
    "told",
    "stated",
    "states",
    "reported",
    "argues",
    "argued",
    "wrote",
    "writes",
    "commented",
]
PATIENT_NOUNS = [
    "patients",
    "participants",
    "people",
    "subjects",
    "volunteers",
    "individuals",
    "adults",
    "children",
    "women",
    "men",
    "cases",
    "persons",
    "knees",
    "horses",
    "dogs",
    "mice",
    "rats",
    "animals",
]
STUDY_NOUNS = ["studies", "trials", "rcts", "articles", "papers", "reviews", "meta-analyses", "publications"]
TIME_UNITS = ["day", "days", "week", "weeks", "month", "months", "year", "years"]
FOLLOW_BEFORE = ["after", "up", "over", "for", "following", "at", "through"]
_WORD_NUMBERS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "twenty": 20,
    "thirty": 30,
    "fifty": 50,
    "hundred": 100,
}
_ROMAN = {"1": "I", "2": "II", "3": "III", "4": "IV"}


def to_int(text: str) -> int | None:
    """A count written in digits or words ('1,200', 'twelve')."""
    cleaned = text.replace(",", "").strip().lower()
    if cleaned.isdigit():
        return int(cleaned)
    return _WORD_NUMBERS.get(cleaned)


@dataclass
class Annotator:
    """The pipeline, built once per ontology directory (see :func:`annotator`)."""

    onto: Ontology
    cues: CueVocabulary
    nlp: Any = None
    stemmer: Any = None
    term_matcher: Any = None
    acronym_matcher: Any = None
    relation_matcher: Any = None
    party_matcher: Any = None
    evidence_matcher: Any = None
    modality_components: dict[str, Any] = field(default_factory=dict)
    exact_names: dict[str, set[str]] = field(default_factory=dict)

    def build(self) -> Annotator:
        import negspacy.negation  # noqa: F401 - registers the "negex" factory
        import snowballstemmer
        import spacy
        from negspacy.termsets import termset
        from spacy.matcher import Matcher, PhraseMatcher

        self.nlp = spacy.blank("en")
        self.stemmer = snowballstemmer.stemmer("english")
        vocab = self.nlp.vocab

        # terms: labels and synonyms (stems), acronyms (exact case, with a plural 's')
        self.term_matcher = PhraseMatcher(vocab, attr="NORM")
        self.acronym_matcher = PhraseMatcher(vocab, attr="ORTH")
        stemmed: dict[str, list] = {}
        acronyms: dict[str, list] = {}
        for term in self.onto.terms.values():
            if term.category is None:
                continue
            for name in {term.label, *term.synonyms}:
                name = name.translate(SAME_LENGTH).strip()
                if not name:
                    continue
                self.exact_names.setdefault(name.lower(), set()).add(term.curie)
                if _ACRONYM.match(name):
                    acronyms.setdefault(term.curie, []).extend([self.make(name), self.make(name + "s")])
                else:
                    stemmed.setdefault(term.curie, []).append(self.make(name))
        for curie, docs in stemmed.items():
            self.term_matcher.add(curie, docs)
        for curie, docs in acronyms.items():
            self.acronym_matcher.add(curie, docs)

        # relation cues (stems)
        self.relation_matcher = PhraseMatcher(vocab, attr="NORM")
        for key, rel in self.cues.relations.items():
            if rel.forward:
                self.relation_matcher.add(f"F|{key}", [self.make(c) for c in rel.forward])
            if rel.inverse:
                self.relation_matcher.add(f"I|{key}", [self.make(c) for c in rel.inverse])

        # modality: one negspacy NegEx component per modality, cues from the ontology
        termination = list(self.cues.termination)
        for key, mod in sorted(self.cues.modalities.items()):
            preceding, following, pseudo = list(mod.preceding), list(mod.following), list(mod.pseudo)
            if key == "negated":  # negspacy's English termset, less the cues that do not negate here
                library = termset("en").get_patterns()
                excluded = set(mod.excluded_library)
                preceding = sorted({*preceding, *(c for c in library["preceding_negations"] if c not in excluded)})
                following = sorted({*following, *(c for c in library["following_negations"] if c not in excluded)})
                pseudo = sorted({*pseudo, *(c for c in library["pseudo_negations"] if c not in excluded)})
            self._add_context(key, preceding, following, pseudo, termination)
            if mod.reporting:
                self._add_context(f"{key}#reporting", [], list(mod.reporting), [], termination)

        # parties and evidence
        self.party_matcher = Matcher(vocab)
        title = {"IS_TITLE": True}
        self.party_matcher.add(
            "authors",
            [
                [title, {"LOWER": "et"}, {"LOWER": {"IN": ["al", "al."]}}, {"ORTH": ".", "OP": "?"}],
                [
                    title,
                    {"ORTH": "-", "OP": "?"},
                    title,
                    {"LOWER": "et"},
                    {"LOWER": {"IN": ["al", "al."]}},
                    {"ORTH": ".", "OP": "?"},
                ],
                [title, {"LOWER": "and"}, title, {"ORTH": "("}, {"LIKE_NUM": True}, {"ORTH": ")"}],
            ],
        )
        self.party_matcher.add(
            "study",
            [
                [
                    {"LOWER": {"IN": NEW_DETERMINERS}},
                    {"IS_ALPHA": True, "OP": "?"},
                    {"IS_ALPHA": True, "OP": "?"},
                    {"LOWER": {"IN": PARTY_NOUNS}},
                ],
            ],
        )
        self.party_matcher.add(
            "researchers",
            [
                [
                    {"LOWER": {"IN": PEOPLE}},
                    {"LOWER": {"IN": ["at", "from", "of"]}},
                    {"LOWER": "the", "OP": "?"},
                    {"IS_TITLE": True, "OP": "+"},
                ],
                [{"IS_TITLE": True, "OP": "+"}, {"LOWER": {"IN": PEOPLE}}],
            ],
        )
        self.party_matcher.add(
            "person",
            [
                [
                    {"LOWER": {"IN": ["dr", "dr.", "professor", "prof", "prof."]}},
                    {"ORTH": ".", "OP": "?"},
                    {"IS_TITLE": True, "OP": "+"},
                ],
                [{"LOWER": {"IN": SPEECH}}, {"IS_TITLE": True}, {"IS_TITLE": True, "OP": "?"}],
                [{"LOWER": "according"}, {"LOWER": "to"}, {"IS_TITLE": True, "OP": "+"}],
                [{"IS_TITLE": True, "IS_SENT_START": False}, {"IS_TITLE": True}, {"LOWER": {"IN": SPEECH}}],
            ],
        )
        self.party_matcher.add(
            "anaphor",
            [
                [{"LOWER": {"IN": BACK_DETERMINERS}}, {"LOWER": {"IN": PARTY_NOUNS + PEOPLE}}],
            ],
        )
        self.evidence_matcher = Matcher(vocab)
        self.evidence_matcher.add("patients", [[{"LIKE_NUM": True}, {"LOWER": {"IN": PATIENT_NOUNS}}]])
        self.evidence_matcher.add("studies", [[{"LIKE_NUM": True}, {"LOWER": {"IN": STUDY_NOUNS}}]])
        self.evidence_matcher.add(
            "follow_up",
            [
                [
                    {"LOWER": {"IN": FOLLOW_BEFORE}},
                    {"LOWER": "to", "OP": "?"},
                    {"LIKE_NUM": True},
                    {"LOWER": {"IN": TIME_UNITS}},
                ],
                [
                    {"LIKE_NUM": True},
                    {"ORTH": "-", "OP": "?"},
                    {"LOWER": {"IN": TIME_UNITS}},
                    {"ORTH": "-", "OP": "?"},
                    {"LOWER": {"IN": ["follow", "follow-up", "followup"]}},
                ],
            ],
        )
        self.evidence_matcher.add(
            "phase",
            [
                [{"LOWER": "phase"}, {"TEXT": {"REGEX": r"^(?:I{1,3}|IV|[1-4])(?:[/-](?:I{1,3}|IV|[1-4]))?[a-b]?$"}}],
            ],
        )
        return self

    def _add_context(self, key: str, preceding, following, pseudo, termination) -> None:
        name = "msc_" + re.sub(r"[^a-z]+", "_", key)
        config = {
            "neg_termset": {
                "pseudo_negations": list(pseudo),
                "preceding_negations": list(preceding),
                "following_negations": list(following),
                "termination": list(termination),
            },
            "extension_name": name,
            "span_keys": ["targets"],
        }
        self.modality_components[key] = (name, self.nlp.add_pipe("negex", name=name, config=config))

    # ------------------------------------------------------------------ helpers
    def stem(self, word: str) -> str:
        if _ACRONYM_PLURAL.match(word):  # "MSCs" -> "msc": the stemmer keeps the s after a consonant cluster
            return word[:-1].lower()
        lower = word.lower()
        if len(lower) <= 3 or not lower.isalpha():
            return lower
        return self.stemmer.stemWord(lower)

    def make(self, text: str):
        """A Doc of ``text`` (typographic characters normalised one for one) with stems as NORM."""
        doc = self.nlp.make_doc(text.translate(SAME_LENGTH))
        for token in doc:
            token.norm_ = self.stem(token.text)
        return doc

    # ------------------------------------------------------------------ annotate one sentence
    def annotate(self, text: str, start: int, end: int) -> Sentence:
        """Annotate ``text[start:end]`` (offsets into the document text)."""
        from spacy.tokens import Span
        from spacy.util import filter_spans

        doc = self.make(text[start:end])
        for k, token in enumerate(doc):
            token.is_sent_start = k == 0

        # grounding
        found: dict[tuple[int, int], set[str]] = {}
        for matcher in (self.term_matcher, self.acronym_matcher):
            for match_id, i, j in matcher(doc):
                found.setdefault((i, j), set()).add(self.nlp.vocab.strings[match_id])
        relation_found: dict[tuple[int, int], set[tuple[str, bool]]] = {}
        for match_id, i, j in self.relation_matcher(doc):
            kind, key = self.nlp.vocab.strings[match_id].split("|", 1)
            relation_found.setdefault((i, j), set()).add((key, kind == "I"))
        term_spans = filter_spans([Span(doc, i, j, label="TERM") for i, j in found])
        cue_spans = filter_spans([Span(doc, i, j, label="CUE") for i, j in relation_found])
        # a cue inside a longer term is part of the term's name; a term inside a longer cue is part of the cue
        cue_spans = [
            c
            for c in cue_spans
            if not any(t.start <= c.start and c.end <= t.end and len(t) > len(c) for t in term_spans)
        ]
        term_spans = [
            t
            for t in term_spans
            if not any(c.start <= t.start and t.end <= c.end and len(c) > len(t) for c in cue_spans)
        ]
        mentions = []
        for span in term_spans:
            curies = sorted(found[(span.start, span.end)])
            raw = text[start + span.start_char : start + span.end_char]
            exact_set = self.exact_names.get(span.text.lower(), set())
            best = sorted(curies, key=lambda c: (c not in exact_set, c))
            curie = best[0]
            mentions.append(
                Mention(
                    start=start + span.start_char,
                    end=start + span.end_char,
                    text=raw,
                    curie=curie,
                    category=self.onto.terms[curie].category,
                    candidates=tuple(curies),
                    exact=curie in exact_set,
                    i=span.start,
                    j=span.end,
                )
            )
        cues = [
            RelationCue(
                start=start + span.start_char,
                end=start + span.end_char,
                text=text[start + span.start_char : start + span.end_char],
                relations=tuple(sorted(relation_found[(span.start, span.end)])),
                i=span.start,
                j=span.end,
            )
            for span in sorted(cue_spans, key=lambda s: s.start)
        ]

        # modality: what each cue modifies, with the cue itself
        doc.spans["targets"] = [*term_spans, *cue_spans]
        for _, component in self.nlp.pipeline:
            doc = component(doc)
        modality: dict[tuple[int, int], dict[str, Cue]] = {}
        for key, (name, component) in self.modality_components.items():
            flagged = [s for s in doc.spans["targets"] if s._.get(name)]
            if not flagged:
                continue
            preceding, following, terminating = component.process_negations(doc)
            boundaries = component.termination_boundaries(doc, terminating)
            for span in flagged:
                cue = _responsible_cue(span, preceding, following, boundaries)
                if cue is None:
                    continue
                i, j = cue
                modality.setdefault((span.start, span.end), {})[key] = Cue(
                    key,
                    start + doc[i].idx,
                    start + doc[j - 1].idx + len(doc[j - 1]),
                    text[start + doc[i].idx : start + doc[j - 1].idx + len(doc[j - 1])],
                )

        # parties and evidence
        parties = []
        party_spans = [Span(doc, i, j, label=self.nlp.vocab.strings[m]) for m, i, j in self.party_matcher(doc)]
        for span in filter_spans(party_spans):
            label = text[start + span.start_char : start + span.end_char]
            if span.label_ == "person" and span[0].lower_ in SPEECH:
                label = text[start + span[1].idx : start + span.end_char]
            if span.label_ == "person" and span[-1].lower_ in SPEECH:
                label = text[start + span.start_char : start + span[-2].idx + len(span[-2])]
            if span.label_ == "person" and span[0].lower_ == "according":
                label = text[start + span[2].idx : start + span.end_char]
            parties.append(Party(start + span.start_char, start + span.end_char, label.strip(" ."), span.label_))
        evidence: dict[str, Any] = {}
        for match_id, i, j in sorted(self.evidence_matcher(doc), key=lambda m: (m[1], -m[2])):
            kind = self.nlp.vocab.strings[match_id]
            span = doc[i:j]
            if kind in ("patients", "studies") and kind not in evidence:
                number = to_int(span[0].text)
                if number is not None:
                    evidence[kind] = number
            elif kind == "follow_up" and kind not in evidence:
                nums = [t for t in span if t.like_num]
                unit = next(t for t in span if t.lower_ in TIME_UNITS)
                evidence[kind] = f"{nums[0].text} {unit.text}" if nums else unit.text
            elif kind == "phase" and kind not in evidence:
                first = re.split(r"[/-]", span[1].text)[0].rstrip("ab")
                evidence[kind] = f"phase {_ROMAN.get(first, first)}"
        return Sentence(start, end, doc, mentions, cues, modality, parties, evidence)


def _responsible_cue(span, preceding, following, boundaries) -> tuple[int, int] | None:
    """The cue NegEx used to mark ``span``: the nearest preceding cue in its scope, else the nearest following."""
    for b0, b1 in boundaries:
        if b0 <= span.start < b1:
            before = [m for m in preceding if b0 <= m[1] < b1 and m[1] < span.start]
            if before:  # the nearest; of cues ending together ("do not", "not") the longest
                _, i, j = max(before, key=lambda m: (m[2], -m[1]))
                return i, j
            after = [m for m in following if b0 <= m[1] < b1 and m[2] > span.end]
            if after:
                _, i, j = min(after, key=lambda m: (m[1], -m[2]))
                return i, j
    return None


_ANNOTATORS: dict[Path, Annotator] = {}


def annotator(directory: Path, onto: Ontology) -> Annotator:
    """The pipeline for an ontology directory, built once per process."""
    key = directory.resolve()
    if key not in _ANNOTATORS:
        _ANNOTATORS[key] = Annotator(onto, load_cues(key, onto)).build()
    return _ANNOTATORS[key]
