"""The answer before the chains: per document, what it claims for the source and condition
and the caveats it states itself; the contested points on the chains; the denials.

Caveats come from the graph: a document's statements of a caveat relation
(``msc:caveatRelation``: open questions such as the optimal dose, unclear mechanisms, calls
for larger trials, "controversial" efficacy) about the source's cells or the therapies using
them, for this condition or none; its hedged assertions on the chains it claims; and its
denials.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from ..projection import StatementEdge
from .question import Question, Start
from .result import Chain, DocumentClaim
from .rules import Rules


def statement_text(rules: Rules, edge: StatementEdge) -> str:
    """A statement as a reader sees it, its polarity always shown."""
    body = f"{rules.label(edge.subject)} --{edge.predicate}--> {rules.label(edge.object)}"
    return body if edge.polarity == "positive" else f"NOT {body}"


def qualifiers(rules: Rules, edge: StatementEdge) -> str:
    return "; ".join(f"{k}: {rules.label(v) if k in _term_keys(rules) else v}" for k, v in edge.context.items())


def _term_keys(rules: Rules) -> set[str]:
    return {k for k, key in rules.onto.context.items() if not key.literal}


def _about_question(question: Question, edge: StatementEdge) -> bool:
    """A statement about the condition asked (it names it, or is claimed in its context) that fits the question."""
    if not question.allows_context(edge):
        return False
    return edge.object in question.conditions or edge.context.get(question.keys[0]) in question.conditions


def relevant_to(rules: Rules, question: Question):
    """Which statements about the start nodes the summary may use: caveats that fit the question,
    and denials about the condition asked."""

    def keep(edge: StatementEdge) -> bool:
        if edge.predicate in rules.onto.caveat_relations:
            return edge.polarity == "positive" and question.allows_context(edge)
        return edge.polarity == "negative" and _about_question(question, edge)

    return keep


def denials(rules: Rules, question: Question, starts: list[Start], about: list[StatementEdge], assertion) -> list[dict]:
    """Claims that the source's cells (or the classes and therapies they start from) do not have
    an effect on the condition, at the stage asked about when there is one."""
    nodes = {s.node for s in starts}
    out = []
    for edge in about:
        if edge.polarity != "negative" or edge.subject not in nodes or not _about_question(question, edge):
            continue
        items = [a for a in edge.assertions if rules.denies(a)]
        if not items:
            continue
        out.append(
            {
                "statement": edge.statement,
                "text": statement_text(rules, edge),
                "qualifiers": qualifiers(rules, edge),
                "assertions": [assertion(a) for a in items],
            }
        )
    return out


def caveats_of(
    rules: Rules, question: Question, starts: list[Start], about: list[StatementEdge], document: str
) -> list[dict[str, Any]]:
    """The open questions and limitations ``document`` states about the source's cells or their
    therapies, for this condition or for none."""
    nodes = {s.node for s in starts}
    out = []
    for edge in about:
        if edge.predicate not in rules.onto.caveat_relations or edge.subject not in nodes:
            continue
        if edge.polarity != "positive" or not question.allows_context(edge):
            continue
        for a in rules.support(edge):
            if a.document == document:
                out.append({"claim": a.claim, "kind": "open question", "cue": a.cue, "text": a.paraphrase})
    return sorted(out, key=lambda c: c["claim"])  # in the document's order


def summarise(
    rules: Rules,
    question: Question,
    starts: list[Start],
    chains: list[Chain],
    about: list[StatementEdge],
    denied: list[dict],
) -> list[DocumentClaim]:
    """One entry per document that claims a whole chain (best chain first), then documents that only deny."""
    firmest = max(rules.onto.strength.values(), default=0)

    def strength(modality: str) -> int:
        return rules.onto.strength.get(modality, 0)

    order: list[str] = []
    for chain in chains:
        for doc in chain.claimed_by:
            if doc not in order:
                order.append(doc)
    deniers = [a["document"] for d in denied for a in d["assertions"]]
    for doc in deniers:
        if doc not in order:
            order.append(doc)
    out = []
    for doc in order:
        mine = [c for c in chains if doc in c.claimed_by]
        items = [(c, s, a) for c in mine for s in c.claim_steps for a in s.assertions if a["document"] == doc]
        claims: list[str] = []  # its own words (our paraphrases) on the steps of its best chains,
        # preferring chains one credited party states whole (a digest's sections are separate voices)
        spoken_of = {c.rank for c in sorted(mine, key=lambda c: (not c.one_voice, c.rank))[:3]}
        for chain in [c for c in mine if c.rank in spoken_of]:
            for step in chain.claim_steps:
                for a in step.assertions:
                    if a["document"] == doc and a["paraphrase"] not in claims and len(claims) < 4:
                        claims.append(a["paraphrase"])
                        break
        # how firmly it claims its best chain: its weakest step, in this document's own assertions
        modality = cue = None
        if mine:
            weakest = None
            for step in mine[0].claim_steps:
                own = max((a for a in step.assertions if a["document"] == doc), key=lambda a: strength(a["modality"]))
                if weakest is None or strength(own["modality"]) < strength(weakest["modality"]):
                    weakest = own
            if weakest is not None:
                modality, cue = weakest["modality"], weakest.get("cue")
        evidence = None
        if items:
            top = max(
                (a for _, _, a in items),
                key=lambda a: (rules.onto.evidence_rank.get(a["evidence_type"], 1), a.get("patients") or 0,
                               a.get("studies") or 0),
            )  # fmt: skip
            evidence = {
                "type": top["evidence_type"],
                "label": top["evidence_label"],
                "studies": top.get("studies"),
                "patients": top.get("patients"),
                "follow_up": top.get("follow_up"),
            }
        caveats = caveats_of(rules, question, starts, about, doc)
        seen = {c["claim"] for c in caveats}
        for c, _, a in items:  # the hedges on the chains the summary line speaks of
            if c.rank in spoken_of and strength(a["modality"]) < firmest and a["claim"] not in seen:
                seen.add(a["claim"])
                caveats.append({"claim": a["claim"], "kind": "hedge", "cue": a.get("cue"), "text": a["paraphrase"]})
        denies = [
            {"claim": a["claim"], "text": d["text"], "qualifiers": d["qualifiers"], "cue": a.get("cue")}
            for d in denied
            for a in d["assertions"]
            if a["document"] == doc
        ]
        out.append(
            DocumentClaim(
                document=doc,
                claims=claims,
                chains=[c.rank for c in mine],
                effects=dict(Counter(c.effect for c in mine).most_common()),
                specificity="source" if any(c.specificity == "source" for c in mine) else ("general" if mine else "-"),
                parties=sorted(
                    {a["party"] for _, _, a in items}
                    | {a["party"] for d in denied for a in d["assertions"] if a["document"] == doc}
                ),
                speakers=sorted(
                    {a["speaker"] for _, _, a in items}
                    | {a["speaker"] for d in denied for a in d["assertions"] if a["document"] == doc}
                ),
                modality=modality,
                cue=cue,
                evidence=evidence,
                caveats=caveats,
                denies=denies,
            )
        )
    return out


def contested_points(
    rules: Rules, chains: list[Chain], conflicts: dict[str, list[StatementEdge]], assertion
) -> list[dict]:
    """The chain steps whose statement conflicts with another: both sides, with their documents."""
    points: dict[str, dict[str, Any]] = {}
    for chain in chains:
        for step in chain.claim_steps:
            others = conflicts.get(step.statement or "", [])
            if not others:
                continue
            point = points.get(step.statement)  # type: ignore[arg-type]
            if point is None:
                point = points[step.statement] = {  # type: ignore[index]
                    "statement": step.statement,
                    "text": f"{step.subject_label} --{step.predicate}--> {step.object_label}",
                    "chains": [],
                    "claimed": step.assertions,
                    "opposed": [
                        {
                            "statement": o.statement,
                            "text": statement_text(rules, o),
                            "qualifiers": qualifiers(rules, o),
                            "assertions": [assertion(a) for a in o.assertions if rules.onto.claims_it(a.modality)],
                        }
                        for o in others
                    ],
                }
            point["chains"].append(chain.rank)
    return list(points.values())
