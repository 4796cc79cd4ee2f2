"""``explain()``: resolve the question, expand the source, fetch the neighbourhood, search,
then assemble the answer (summary, contested points, denials, chains)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ..projection import EvidenceItem, StatementEdge
from ..results import Table
from .access import BUDGET, access_for
from .question import Link, Question, ask, starts
from .result import Chain, Explanation, Step
from .rules import Rules, effect
from .search import Found, Scope, partial_chains, search
from .summary import contested_points, denials, relevant_to, statement_text, summarise


class _Assemble:
    """Turns what the search found into result objects (labels, context, assertions, quotes)."""

    def __init__(self, kg, rules: Rules, question: Question):
        self.kg = kg
        self.rules = rules
        self.question = question
        self.term_keys = {k for k, key in rules.onto.context.items() if not key.literal}

    def assertion(self, a: EvidenceItem) -> dict[str, Any]:
        data = {
            "claim": a.claim,
            "document": a.document,
            "party": a.party,
            "speaker": a.speaker,
            "modality": a.modality,
            "cue": a.cue,
            "evidence_type": a.evidence_type,
            "evidence_label": self.rules.label(a.evidence_type),
            "studies": a.studies,
            "patients": a.patients,
            "follow_up": a.follow_up,
            "paraphrase": a.paraphrase,
            "start": a.start,
            "end": a.end,
        }
        if self.kg.corpus is not None:
            data["quote"] = self.kg.quote(a.document, a.start, a.end)
        return data

    def context(self, edge: StatementEdge) -> dict[str, dict[str, Any]]:
        return {
            k: {"value": v, "label": self.rules.label(v) if k in self.term_keys else v} for k, v in edge.context.items()
        }

    def step(self, link: Link | StatementEdge, inherited: str | None, conflicts, *, derivation: bool = False) -> Step:
        label = self.rules.label
        if isinstance(link, Link):
            return Step(
                link.kind, link.subject, label(link.subject), link.relation, link.object, label(link.object),
                inherited=inherited,
            )  # fmt: skip
        if derivation:  # "X derives from <tissue>", read from the tissue: the chain runs tissue -> cells
            return Step(
                "source",
                link.object,
                label(link.object),
                "is claimed to be a source of",
                link.subject,
                label(link.subject),
                statement=link.statement,
                context=self.context(link),
                assertions=[self.assertion(a) for a in self.rules.support(link)],
                inherited=inherited,
            )
        q = self.question
        contested = [
            {
                "statement": o.statement,
                "text": statement_text(self.rules, o),
                "assertions": [self.assertion(a) for a in o.assertions if self.rules.onto.claims_it(a.modality)],
            }
            for o in conflicts.get(link.statement, [])
        ]
        return Step(
            "claim",
            link.subject,
            label(link.subject),
            link.predicate,
            link.object,
            label(link.object),
            sign=self.rules.sign(link.predicate),
            statement=link.statement,
            context=self.context(link),
            assertions=[self.assertion(a) for a in self.rules.support(link)],
            inherited=inherited,
            stage_specific=q.stage is not None and link.context.get(q.keys[1]) is not None,
            contested_by=contested,
        )

    def chain(self, rank: int, found: Found, conflicts) -> Chain:
        start = found.start
        prefix = len(start.prefix)
        steps = []
        for i, link in enumerate(found.links):
            # the steps after an inherited start, and the step that makes it inherited, are marked
            marks = i >= prefix or (isinstance(link, Link) and link.kind in ("generalise", "therapy"))
            steps.append(self.step(link, start.inherited if marks else None, conflicts, derivation=i < prefix))
        mechanism = [link for link in found.links[prefix:] if isinstance(link, StatementEdge)]
        last = found.links[-1]
        return Chain(
            rank=rank,
            steps=steps,
            effect=effect([self.rules.sign(e.predicate) for e in mechanism], self.rules.valence(last.object)),
            claimed_by=sorted(found.claimed_by),
            specificity="source" if start.inherited is None else "general",
            end=found.end,
            end_label=self.rules.label(found.end),
            ends_how=found.how,
            by_context=found.by_context,
        )


def _in_full(found: Found, full: dict[str, StatementEdge]) -> Found:
    """The chain with its statements as fetched in full (the bounded search reads less)."""
    links = tuple(full.get(x.statement, x) if isinstance(x, StatementEdge) else x for x in found.links)
    return replace(found, links=links)


def explain(
    kg,
    source: str,
    condition: str,
    *,
    stage: str | None = None,
    max_length: int = 5,
    max_chains: int = 200,
    partial: int = 5,
    generalise: bool = True,
    donor: str | None = None,
    composed: bool = True,
    strategy: str = "auto",
    budget: int = BUDGET,
) -> Explanation:
    """How is ``source`` claimed to affect ``condition``? The best ``max_chains`` chains of at
    most ``max_length`` steps after their start, ranked (claimed and source-specific first,
    then claimed and general, then composed), with a summary per document, the contested
    points, and the claims that deny an effect.

    ``source`` is a tissue, a cell type or a therapy and ``condition`` a condition, symptom or
    outcome (CURIE, label or synonym); a condition phrase that names a stage ("bone-on-bone
    arthritis") is read as the condition plus ``stage``. With ``stage``, steps claimed for
    another stage are left out; with ``donor`` ("autologous" or "allogeneic") steps claimed
    for the other donor type are; ``generalise=False`` uses only claims about the source's own
    cells and the condition itself or its subclasses; ``composed=False`` leaves out chains no
    single document claims. ``strategy``: "full" searches the projection of every statement,
    "bounded" fetches only the corridor between the source and the condition (at most
    ``budget`` edges, shortest walks first), "auto" picks by size. "No chain" is an answer:
    the explanation is empty and carries the nearest partial chains.
    """
    onto = kg.ontology
    rules = Rules(onto)
    question = ask(onto, source, condition, stage=stage, donor=donor, generalise=generalise, max_length=max_length)
    access = access_for(kg, rules, strategy, budget=budget)
    start_list = starts(onto, question, access.derivations(question.source.curie))
    graph = access.neighbourhood(question, start_list)
    scope = Scope(rules, question)
    result = search(graph, start_list, scope, max_length=max_length, max_chains=max_chains, composed=composed)
    build = _Assemble(kg, rules, question)
    full = access.details({e.statement for f in result.found for e in f.claims})
    found = [_in_full(f, full) for f in result.found]
    conflicts = access.conflicts({e.statement for f in found for e in f.claims})
    chains = [build.chain(rank, f, conflicts) for rank, f in enumerate(found, 1)]
    about = access.about({s.node for s in start_list}, relevant_to(rules, question))
    denied = denials(rules, question, start_list, about, build.assertion)
    explanation = Explanation(
        question,
        chains,
        summary=summarise(rules, question, start_list, chains, about, denied),
        contested=contested_points(rules, chains, conflicts, build.assertion),
        denied=denied,
        truncated=result.more or result.stopped,
        composed_included=composed,
    )
    notes = explanation.notes
    notes.extend(access.notes)
    if result.stopped:
        notes.append(f"the search stopped after {result.expansions:,} partial chains; more chains may exist")
    if not generalise:
        notes.append("generalisation off: only claims about the source's own cells and the condition itself")
    if not composed:
        notes.append("composed chains left out (--no-composed)")
    if question.donor is not None:
        notes.append(f"donor type {question.donor.label}: steps claimed only for another donor type are left out")
    if question.stage is not None:
        notes.append(f"stage {question.stage.label}: steps claimed only for another stage are left out")
    broader = sorted(onto.terms[c].label for c, how in question.conditions.items() if how == "a broader condition")
    if broader:
        notes.append("chains ending at or claimed for a broader condition (" + ", ".join(broader) + ") say so")
    if not chains and partial:
        near = [
            Found(start, links, links[-1].object, "", False, (), frozenset())
            for start, links in partial_chains(graph, start_list, scope, max_length=max_length, limit=partial)
        ]
        full = access.details({e.statement for f in near for e in f.claims})
        explanation.partial = [build.chain(0, _in_full(f, full), {}) for f in near]
    return explanation


def explain_matrix(kg, sources: list[str], conditions: list[str], **options: Any) -> Table:
    """One row per source and condition: how many chains, how many claimed whole by one
    document and about the source's own cells, their effects, and the best claimed chain."""
    rows = []
    for source in sources:
        for condition in conditions:
            result = explain(kg, source, condition, **options)
            claimed = result.claimed
            best = claimed[0] if claimed else None
            rows.append(
                {
                    "source": result.source_label,
                    "condition": result.condition_label,
                    "chains": len(result.chains),
                    "claimed": len(claimed),
                    "source_specific": sum(1 for c in claimed if c.specificity == "source"),
                    "composed": len(result.composed),
                    "documents_claiming": len({d for c in claimed for d in c.claimed_by}),
                    "beneficial": sum(1 for c in claimed if c.effect == "beneficial"),
                    "harmful": sum(1 for c in claimed if c.effect == "harmful"),
                    "not_stated": sum(1 for c in claimed if c.effect == "not stated"),
                    "contested": sum(1 for c in claimed if c.contested),
                    "best_claimed_chain": best.text() if best else None,
                }
            )
    columns = [
        "source", "condition", "chains", "claimed", "source_specific", "composed", "documents_claiming",
        "beneficial", "harmful", "not_stated", "contested", "best_claimed_chain",
    ]  # fmt: skip
    return Table(columns, rows, title="explanations by source and condition (effects of the claimed chains)")
