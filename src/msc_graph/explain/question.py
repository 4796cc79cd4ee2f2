"""The question an explanation answers: source, condition (and stage), donor type, and the
start nodes the source expands into.

A condition phrase that names a stage ("bone-on-bone arthritis", "severe knee
osteoarthritis") is read as the condition plus the stage, using the labels and synonyms of
the terms that may fill the ``stage`` context slot:

>>> from msc_graph.ontology import load_ontology
>>> onto = load_ontology()
>>> q = ask(onto, "bone marrow", "bone-on-bone arthritis")
>>> q.condition.label, q.stage.label, q.stage_phrase
('arthritic joint disease', 'severe stage', 'bone-on-bone arthritis')
>>> ask(onto, "bone marrow", "severe knee osteoarthritis").stage.label
'severe stage'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import InputError, UnknownTermError
from ..model import Term
from ..ontology import Ontology, normalise
from ..projection import StatementEdge

#: how a chain's end relates to the condition asked about
EXACT, NARROWER, BROADER = "the condition", "a narrower condition", "a broader condition"


@dataclass(frozen=True)
class Question:
    """A resolved explanation question."""

    source: Term
    condition: Term
    stage: Term | None = None
    stage_phrase: str | None = None  # the condition phrase the stage was read from
    donor: Term | None = None
    generalise: bool = True
    max_length: int = 5
    #: the conditions a chain may end on or a step may be claimed for: the condition, its
    #: subclasses and (when generalising) its superclasses, each with how it relates
    conditions: dict[str, str] = field(default_factory=dict)
    stages: frozenset[str] = frozenset()  # the stage, its subclasses and superclasses
    #: the context keys of the condition, stage and donor roles (``msc:contextRole`` in the ontology)
    keys: tuple[str, str, str] = ("condition", "stage", "donor")

    def allows_context(self, edge: StatementEdge) -> bool:
        """A statement whose context fits the question: no other condition, stage or donor type."""
        context = edge.context
        condition_key, stage_key, donor_key = self.keys
        condition = context.get(condition_key)
        if condition is not None and condition not in self.conditions:
            return False
        stage = context.get(stage_key)
        if self.stage is not None and stage is not None and stage not in self.stages:
            return False
        donor = context.get(donor_key)
        return self.donor is None or donor is None or donor == self.donor.curie

    def end_of(self, edge: StatementEdge) -> tuple[str, str] | None:
        """Where a step ends a chain: (the condition it reaches or is claimed for, how)."""
        if edge.object in self.conditions:
            return edge.object, self.conditions[edge.object]
        condition = edge.context.get(self.keys[0])
        if condition in self.conditions:
            return condition, self.conditions[condition]
        return None


@dataclass(frozen=True)
class Link:
    """An ontology step of a chain: tissue to its cells, class to superclass, cells to a therapy."""

    kind: str  # "source", "generalise", "therapy"
    subject: str
    object: str
    relation: str  # how the step reads: "source of", "is a", "used in"

    @property
    def ident(self) -> str:
        return f"{self.kind}:{self.subject}>{self.object}"


@dataclass(frozen=True)
class Start:
    """A node a chain may start from, with the steps that lead there from the source."""

    node: str
    prefix: tuple[Link | StatementEdge, ...] = ()
    inherited: str | None = None  # why claims about this node are not about the source's own cells

    @property
    def nodes(self) -> set[str]:
        return {self.node, *(s.subject for s in self.prefix)}


def _in_categories(onto: Ontology, text: str, categories, what: str) -> Term:
    try:
        term = onto.resolve(text)
    except UnknownTermError as err:  # suggest names of the wanted kind first
        close = [s for c in sorted(categories) for s in onto.suggest(text, category=c, n=2)]
        raise UnknownTermError(what, text, close[:3] or err.suggestions) from None
    if term.category not in categories:
        wanted = " or ".join(sorted(onto.category_label(c) for c in categories))
        raise InputError(f"{what} {text!r} ({term.curie}) is a {onto.category_label(term.category)}; give a {wanted}")
    return term


def _stage_terms(onto: Ontology) -> list[Term]:
    key = onto.context.get(onto.role_key("stage"))
    categories = set(key.categories) if key else set()
    return [t for t in onto.terms.values() if t.category in categories]


def split_stage(onto: Ontology, text: str) -> tuple[Term, Term] | None:
    """(stage, condition) when ``text`` is a stage name plus a condition name, else None."""
    phrase = normalise(text)
    names = sorted(
        ((normalise(n), t) for t in _stage_terms(onto) for n in (t.label, *t.synonyms)),
        key=lambda nt: (-len(nt[0]), nt[0]),
    )
    for name, stage in names:
        match = re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", phrase)
        if not match:
            continue
        rest = " ".join((phrase[: match.start()] + " " + phrase[match.end() :]).split())
        if not rest:
            continue
        try:
            condition = onto.resolve(rest)
        except InputError:
            continue
        if condition.category in onto.target_categories:
            return stage, condition
    return None


def ask(
    onto: Ontology,
    source: str,
    condition: str,
    *,
    stage: str | None = None,
    donor: str | None = None,
    generalise: bool = True,
    max_length: int = 5,
) -> Question:
    """Resolve the names of a question; bad names raise one-line errors with suggestions."""
    if max_length < 1:
        raise InputError("max_length must be at least 1")
    src = _in_categories(onto, source, onto.source_categories, "source")
    stage_term = None
    if stage is not None:
        stage_term = _in_categories(onto, stage, {t.category for t in _stage_terms(onto)}, "stage")
    phrase = None
    try:
        cond: Term | None = onto.resolve(condition)
        error: InputError | None = None
    except InputError as err:
        cond, error = None, err
    if cond is None or cond.category not in onto.target_categories:
        split = split_stage(onto, condition)
        if split is not None:
            named, cond = split
            phrase = condition
            if stage_term is not None and stage_term.curie != named.curie:
                raise InputError(
                    f"the condition {condition!r} names the stage {named.label!r} but --stage says {stage_term.label!r}"
                )
            stage_term = named
        elif cond is not None:
            wanted = " or ".join(sorted(onto.category_label(c) for c in onto.target_categories))
            raise InputError(
                f"condition {condition!r} ({cond.curie}) is a {onto.category_label(cond.category)}; give a {wanted}"
                + (", and the stage with --stage" if cond in _stage_terms(onto) else "")
            )
        else:
            assert error is not None
            if isinstance(error, UnknownTermError):
                raise UnknownTermError("condition", condition, error.suggestions) from None
            raise error
    assert cond is not None
    donor_term = None
    if donor is not None:
        key = onto.context.get(onto.role_key("donor"))
        donor_term = _in_categories(onto, donor, set(key.categories) if key else set(), "donor type")
    conditions = {cond.curie: EXACT}
    conditions.update({d: NARROWER for d in onto.descendants(cond.curie) if d not in conditions})
    if generalise:
        for ancestor in onto.ancestors(cond.curie):
            term = onto.terms.get(ancestor)
            if term is not None and term.category in onto.target_categories:
                conditions.setdefault(ancestor, BROADER)
    stages: frozenset[str] = frozenset()
    if stage_term is not None:
        stages = frozenset({stage_term.curie, *onto.descendants(stage_term.curie), *onto.ancestors(stage_term.curie)})
    keys = (onto.role_key("condition"), onto.role_key("stage"), onto.role_key("donor"))
    return Question(src, cond, stage_term, phrase, donor_term, generalise, max_length, conditions, stages, keys)


def starts(onto: Ontology, question: Question, derivations: list[StatementEdge]) -> list[Start]:
    """The nodes chains start from, each with the steps that lead there from the source.

    A tissue starts at the cell classes the TBox derives from it (an ontology step) and at the
    subjects of claims that cells derive from it (a claim step; unless that subject is one of
    the TBox classes, the claims that follow are about those cells in general). When
    generalising, each start's superclasses of the same category follow, marked as inherited,
    and then the therapies that take a start as input (inherited when the start is).
    ``derivations`` are the affirmed claims "X derives from <source>".
    """
    src = question.source.curie
    label = lambda c: onto.terms[c].label if c in onto.terms else c  # noqa: E731
    derived_rel = onto.start_relations.get("derived cells")
    therapy_rel = onto.start_relations.get("therapy")
    tbox_cells = onto.related_inverse(src, derived_rel) if derived_rel else []
    base: list[Start] = [Start(c, (Link("source", src, c, "source of"),)) for c in tbox_cells]
    for edge in sorted(derivations, key=lambda e: e.statement):
        if edge.subject in tbox_cells or not question.allows_context(edge):
            continue
        note = None
        if edge.subject not in tbox_cells:
            if not question.generalise:
                continue
            docs = ", ".join(sorted({a.document for a in edge.assertions}))
            note = f"claimed for {label(edge.subject)} in general; {docs} names {label(src)} as one of their sources"
        base.append(Start(edge.subject, (edge,), note))
    if not base:
        base = [Start(src)]
    out: list[Start] = []
    seen: set[str] = set()
    for start in base:  # each start, then its superclasses (an ontology route wins over a claimed one)
        if start.node in seen:
            continue
        seen.add(start.node)
        out.append(start)
        if not question.generalise:
            continue
        category = onto.terms[start.node].category if start.node in onto.terms else None
        for ancestor in onto.ancestors(start.node):
            term = onto.terms.get(ancestor)
            if ancestor in seen or term is None or term.category != category:
                continue
            seen.add(ancestor)
            note = f"claimed for {term.label} in general, not for {label(start.node)}"
            out.append(Start(ancestor, (*start.prefix, Link("generalise", start.node, ancestor, "is a")), note))
    for start in list(out):
        for therapy in onto.related_inverse(start.node, therapy_rel) if therapy_rel else []:
            if therapy in seen:
                continue
            seen.add(therapy)
            note = None
            if start.inherited is not None:
                note = f"claimed for {label(therapy)}, a therapy with {label(start.node)} in general"
            out.append(Start(therapy, (*start.prefix, Link("therapy", start.node, therapy, "used in")), note))
    return out
