"""The result of an explanation: summary, contested points, denials and chains, as text,
JSON-ready data (the contract documented in the README), a table and HTML for notebooks.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

from ..results import Table
from .question import Question

#: the keys of the JSON contract (README, "The JSON answer"); a test pins them
TOP_KEYS = ("question", "summary", "contested", "denied", "chains", "partial_chains", "truncated", "notes")
CHAIN_KEYS = ("rank", "text", "effect", "claimed_by", "composed", "specificity", "ends_at", "steps")
STEP_KEYS = (
    "kind", "subject", "subject_label", "predicate", "object", "object_label", "sign", "context",
    "assertions", "statement", "inherited", "stage_specific", "contested_by",
)  # fmt: skip
ASSERTION_KEYS = (
    "claim",
    "document",
    "party",
    "speaker",
    "modality",
    "cue",
    "evidence_type",
    "evidence_label",
    "studies",
    "patients",
    "follow_up",
    "paraphrase",
    "start",
    "end",
)  # fmt: skip (plus "quote" when the corpus is present)
SUMMARY_KEYS = (
    "document", "claims", "chains", "effects", "specificity", "parties", "speakers", "modality", "cue",
    "evidence", "caveats", "denies",
)  # fmt: skip


@dataclass
class Step:
    """One link of a chain: a claim (a statement with the assertions that affirm it) or an
    ontology step (tissue to its cells, class to superclass, cells to a therapy using them)."""

    kind: str  # "claim", or the ontology steps "source", "generalise", "therapy"
    subject: str
    subject_label: str
    predicate: str
    object: str
    object_label: str
    sign: int | None = None  # claims: +1, -1, or 0 (unsigned)
    statement: str | None = None
    context: dict[str, dict[str, Any]] = field(default_factory=dict)  # key -> {"value", "label"}
    assertions: list[dict[str, Any]] = field(default_factory=list)
    inherited: str | None = None  # why this step is not about the source's own cells
    stage_specific: bool = False  # claimed for the stage asked about only
    contested_by: list[dict[str, Any]] = field(default_factory=list)

    @property
    def is_claim(self) -> bool:
        return self.statement is not None

    @property
    def documents(self) -> set[str]:
        return {a["document"] for a in self.assertions}

    @property
    def qualifiers(self) -> str:
        return "; ".join(f"{k}: {v['label']}" for k, v in self.context.items())

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in STEP_KEYS}


@dataclass
class Chain:
    """A chain of steps from the source to the condition, ranked."""

    rank: int
    steps: list[Step]
    effect: str  # "beneficial", "harmful" or "not stated"
    claimed_by: list[str]  # documents that claim every claim step; empty: composed
    specificity: str  # "source": every claim step is about the source's own cells; "general": some is inherited
    end: str
    end_label: str
    ends_how: str  # the condition, a narrower or a broader condition
    by_context: bool  # ends by a step claimed in the condition's context

    @property
    def composed(self) -> bool:
        return not self.claimed_by

    @property
    def claim_steps(self) -> list[Step]:
        return [s for s in self.steps if s.is_claim]

    @property
    def contested(self) -> bool:
        return any(s.contested_by for s in self.steps)

    @property
    def parties(self) -> list[list[str]]:
        """Per claim step, the parties the claiming documents credit with it."""
        return [
            sorted({a["party"] for a in step.assertions if a["document"] in self.claimed_by})
            for step in self.claim_steps
        ]

    @property
    def one_voice(self) -> bool:
        """Some party is credited with every claim step (a digest may state them in different sections)."""
        parties = [set(p) for p in self.parties]
        return not parties or bool(set.intersection(*parties))

    def text(self) -> str:
        parts = [self.steps[0].subject_label]
        for s in self.steps:
            parts += [f"--{s.predicate}-->", s.object_label]
        return " ".join(parts)

    def ends_text(self) -> str:
        if self.by_context:
            return f"claimed in the context of {self.end_label} ({self.ends_how})"
        return f"reaches {self.end_label} ({self.ends_how})"

    def to_dict(self) -> dict[str, Any]:
        return {
            "rank": self.rank,
            "text": self.text(),
            "effect": self.effect,
            "claimed_by": list(self.claimed_by),
            "composed": self.composed,
            "specificity": self.specificity,
            "ends_at": {"id": self.end, "label": self.end_label, "how": self.ends_how, "by_context": self.by_context},
            "steps": [s.to_dict() for s in self.steps],
        }


@dataclass
class DocumentClaim:
    """What one document claims for the source and condition, and its own caveats."""

    document: str
    claims: list[str]  # our paraphrases of its best chain's steps
    chains: list[int]  # ranks of the chains it claims whole
    effects: dict[str, int]
    specificity: str
    parties: list[str]
    speakers: list[str]
    modality: str | None  # the firmest modality it claims a whole chain with
    cue: str | None
    evidence: dict[str, Any] | None  # its strongest evidence: type, label, studies, patients, follow_up
    caveats: list[dict[str, Any]] = field(default_factory=list)  # open questions and hedges
    denies: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in SUMMARY_KEYS}


@dataclass
class Explanation:
    """How a source is claimed to affect a condition: summary, contested points, denials, chains."""

    question: Question
    chains: list[Chain]
    summary: list[DocumentClaim] = field(default_factory=list)
    contested: list[dict[str, Any]] = field(default_factory=list)
    denied: list[dict[str, Any]] = field(default_factory=list)
    partial: list[Chain] = field(default_factory=list)
    truncated: bool = False
    notes: list[str] = field(default_factory=list)
    composed_included: bool = True

    # -------------------------------------------------------------- accessors
    @property
    def source(self) -> str:
        return self.question.source.curie

    @property
    def source_label(self) -> str:
        return self.question.source.label

    @property
    def condition(self) -> str:
        return self.question.condition.curie

    @property
    def condition_label(self) -> str:
        return self.question.condition.label

    @property
    def max_length(self) -> int:
        return self.question.max_length

    @property
    def found(self) -> bool:
        return bool(self.chains)

    @property
    def claimed(self) -> list[Chain]:
        return [c for c in self.chains if not c.composed]

    @property
    def composed(self) -> list[Chain]:
        return [c for c in self.chains if c.composed]

    def heading(self) -> str:
        q = self.question
        stage = f" at the {q.stage.label}" if q.stage else ""
        donor = f" with {q.donor.label} cells" if q.donor else ""
        return (
            f"How is {q.source.label} ({q.source.curie}) claimed to affect {q.condition.label} ({q.condition.curie})"
            f"{stage}{donor}?"
        )

    # -------------------------------------------------------------- JSON
    def to_dict(self) -> dict[str, Any]:
        q = self.question

        def term(t):
            return {"id": t.curie, "label": t.label} if t is not None else None

        return {
            "question": {
                "source": term(q.source),
                "condition": term(q.condition),
                "stage": term(q.stage),
                "stage_phrase": q.stage_phrase,
                "donor": term(q.donor),
                "max_length": q.max_length,
                "generalise": q.generalise,
                "composed": self.composed_included,
            },
            "summary": [d.to_dict() for d in self.summary],
            "contested": self.contested,
            "denied": self.denied,
            "chains": [c.to_dict() for c in self.chains],
            "partial_chains": [c.to_dict() for c in self.partial],
            "truncated": self.truncated,
            "notes": list(self.notes),
        }

    # -------------------------------------------------------------- table
    def to_table(self) -> Table:
        columns = [
            "rank", "effect", "claimed_by", "composed", "specificity", "step", "kind", "subject", "predicate",
            "object", "inherited", "qualifiers", "documents", "contested",
        ]  # fmt: skip
        rows = []
        for chain in self.chains:
            for j, step in enumerate(chain.steps, 1):
                rows.append(
                    {
                        "rank": chain.rank,
                        "effect": chain.effect,
                        "claimed_by": ", ".join(chain.claimed_by),
                        "composed": chain.composed,
                        "specificity": chain.specificity,
                        "step": j,
                        "kind": step.kind,
                        "subject": step.subject_label,
                        "predicate": step.predicate,
                        "object": step.object_label,
                        "inherited": step.inherited,
                        "qualifiers": step.qualifiers,
                        "documents": ", ".join(sorted(step.documents)),
                        "contested": bool(step.contested_by),
                    }
                )
        return Table(columns, rows, title=f"{self.source_label} → {self.condition_label}")

    def to_dataframe(self):
        return self.to_table().to_dataframe()

    # -------------------------------------------------------------- text
    def text(self, *, limit: int = 10) -> str:
        lines = [self.heading()]
        q = self.question
        if q.stage_phrase:
            lines.append(f"(read {q.stage_phrase!r} as {q.condition.label} at the {q.stage.label})")  # type: ignore[union-attr]
        lines.append("")
        lines.append(
            "What the documents claim" + (" (each claims every step of at least one chain)" if self.summary else "")
        )
        if not self.summary:
            if self.chains:
                lines.append("  No single document claims a whole chain; the chains below are composed.")
            else:
                lines.append(
                    f"  No document claims a chain of at most {q.max_length} steps from {q.source.label} to "
                    f"{q.condition.label}"
                    f"{'' if q.generalise else ' for these cells specifically and this condition itself'}"
                    f"{'' if q.generalise else ' (claims about MSCs in general or a broader condition are left out)'}."
                )
        for d in self.summary:
            lines.extend(_document_lines(d))
        if self.contested:
            lines.append("\nContested points on these chains")
            for point in self.contested:
                lines.extend(_contested_lines(point))
        if self.denied:
            at = f" at the {q.stage.label}" if q.stage else ""
            lines.append(f"\nClaims that deny an effect{at}")
            for denial in self.denied:
                qualifiers = f"  [{denial['qualifiers']}]" if denial["qualifiers"] else ""
                lines.append(f"- {denial['text']}{qualifiers}")
                for a in denial["assertions"]:
                    lines.append(f"    {_assertion_short(a)}")
        shown = 0
        claimed, composed = self.claimed, self.composed
        if claimed:
            lines.append("\nClaimed chains: one document claims every claim step")
            for chain in claimed[: max(limit - shown, 0)]:
                lines.extend(_chain_lines(chain))
                shown += 1
        if composed and shown < limit:
            lines.append(
                "\nComposed chains: no single document claims these; each is a hypothesis the graph assembles "
                "from claims in different documents, not corroboration"
            )
            for chain in composed[: limit - shown]:
                lines.extend(_chain_lines(chain))
                shown += 1
        if len(self.chains) > shown:
            rest_claimed = max(len(claimed) - min(len(claimed), limit), 0)
            rest_composed = len(composed) - max(0, min(len(composed), limit - min(len(claimed), limit)))
            lines.append(
                f"\n... {rest_claimed} more claimed and {rest_composed} more composed chain(s); "
                "use --limit or --format json"
            )
        if not self.chains and self.partial:
            lines.append("\nNearest partial chains (they do not reach the condition):")
            for chain in self.partial:
                docs = ", ".join(sorted(set().union(*(s.documents for s in chain.steps)))) or "-"
                lines.append(f"  - {chain.text()}  [documents: {docs}]")
        if self.truncated:
            lines.append("(more chains exist beyond --max-chains; raise it to see them)")
        lines.extend(f"note: {n}" for n in self.notes)
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.text()

    def __repr__(self) -> str:  # short: notebooks store it beside the HTML view
        return (
            f"Explanation({self.source_label!r} -> {self.condition_label!r}: {len(self.claimed)} claimed, "
            f"{len(self.composed)} composed chain(s))"
        )

    # -------------------------------------------------------------- HTML
    def _repr_html_(self) -> str:
        e = html.escape
        out = [f"<div class='msc-explanation'><h3>{e(self.heading())}</h3>"]
        out.append("<h4>What the documents claim</h4>")
        if self.summary:
            out.append(
                "<table><thead><tr><th>document</th><th>claims</th><th>who</th><th>how firmly, on what evidence</th>"
                "<th>effect</th><th>caveats the document states</th></tr></thead><tbody>"
            )
            for d in self.summary:
                who = "; ".join(d.parties) + f" ({', '.join(d.speakers)})"
                firm = _firmness(d)
                caveats = "<br>".join(e(_caveat_text(c)) for c in [*d.caveats, *d.denies]) or "–"
                effects = ", ".join(f"{k} ({v})" for k, v in d.effects.items())
                claims = " ".join(d.claims) + f" [chains {', '.join(map(str, d.chains))}; {d.specificity}]"
                out.append(
                    f"<tr><td>{e(d.document)}</td><td>{e(claims)}</td><td>{e(who)}</td><td>{e(firm)}</td>"
                    f"<td>{e(effects)}</td><td>{caveats}</td></tr>"
                )
            out.append("</tbody></table>")
        else:
            out.append(
                "<p>No single document claims a whole chain"
                + ("; the chains below are composed.</p>" if self.chains else ".</p>")
            )
        if self.contested:
            out.append("<h4>Contested points</h4><ul>")
            for point in self.contested:
                out.append("<li>" + "<br>".join(e(x) for x in _contested_lines(point)) + "</li>")
            out.append("</ul>")
        if self.denied:
            out.append("<h4>Claims that deny an effect</h4><ul>")
            for denial in self.denied:
                claims = "; ".join(_assertion_short(a) for a in denial["assertions"])
                out.append(f"<li>{e(denial['text'])} [{e(denial['qualifiers'])}]: {e(claims)}</li>")
            out.append("</ul>")
        for title, chains in (
            ("Claimed chains (one document claims every claim step)", self.claimed),
            ("Composed chains (no single document claims these: hypotheses, not corroboration)", self.composed),
        ):
            if not chains:
                continue
            out.append(f"<h4>{e(title)}</h4>")
            for chain in chains:
                head = (
                    f"{chain.rank}. {chain.text()} | effect: {chain.effect} | "
                    + (f"claimed by {', '.join(chain.claimed_by)}" if chain.claimed_by else "composed")
                    + f" | {chain.specificity} | {chain.ends_text()}"
                )
                out.append(f"<details><summary>{e(head)}</summary><table><tbody>")
                for step in chain.steps:
                    label = f"{step.subject_label} --{step.predicate}--> {step.object_label}"
                    extra = [x for x in (step.inherited, step.qualifiers) if x]
                    evidence = (
                        "<br>".join(e(f"{_assertion_short(a)} [{_evidence_text(a)}]") for a in step.assertions)
                        or "ontology"
                    )
                    out.append(f"<tr><td>{e(label)}</td><td>{e('; '.join(extra))}</td><td>{evidence}</td></tr>")
                out.append("</tbody></table></details>")
        if not self.chains and self.partial:
            out.append("<h4>Nearest partial chains</h4><ul>")
            out.extend(f"<li>{e(c.text())}</li>" for c in self.partial)
            out.append("</ul>")
        out.extend(f"<p><em>note: {e(n)}</em></p>" for n in self.notes)
        out.append("</div>")
        return "".join(out)


# ------------------------------------------------------------------ text helpers


def _evidence_text(a: dict[str, Any]) -> str:
    parts = [a.get("evidence_label") or a.get("evidence_type") or ""]
    if a.get("studies"):
        parts.append(f"{a['studies']} studies")
    if a.get("patients"):
        parts.append(f"{a['patients']} patients")
    if a.get("follow_up"):
        parts.append(f"follow-up {a['follow_up']}")
    return ", ".join(p for p in parts if p)


def _assertion_short(a: dict[str, Any]) -> str:
    cue = f" {a['cue']!r}" if a.get("cue") else ""
    return f"{a['claim']} {a['document']} ({a['party']}; {a['speaker']}; {a['modality']}{cue}): {a['paraphrase']}"


def _firmness(d: DocumentClaim) -> str:
    if d.modality is None:
        return "claims no whole chain"
    cue = f" {d.cue!r}" if d.cue else ""
    ev = d.evidence or {}
    evidence = _evidence_text({**ev, "evidence_label": ev.get("label"), "evidence_type": ev.get("type")})
    return f"{d.modality}{cue}; strongest evidence: {evidence}"


def _caveat_text(c: dict[str, Any]) -> str:
    cue = f" {c['cue']!r}" if c.get("cue") else ""
    return f"{c['kind']}{cue}: {c['text']} ({c['claim']})"


def _document_lines(d: DocumentClaim) -> list[str]:
    effects = ", ".join(f"{k}" + (f" ({v})" if len(d.effects) > 1 else "") for k, v in d.effects.items())
    which = "the source's own cells" if d.specificity == "source" else "a broader class of cells, inherited"
    lines = [
        f"- {d.document} · {'; '.join(d.parties)} ({', '.join(d.speakers)})",
        f"    claims: {' '.join(d.claims)}",
        f"    about {which}; effect: {effects}; {len(d.chains)} chain(s): {', '.join(map(str, d.chains[:8]))}"
        + (" ..." if len(d.chains) > 8 else ""),
        f"    how firmly: {_firmness(d)}",
    ]
    for c in d.caveats:
        lines.append(f"    caveat, {_caveat_text(c)}")
    for c in d.denies:
        lines.append(f"    denies: {c['text']} ({c['claim']}{', ' + c['qualifiers'] if c.get('qualifiers') else ''})")
    return lines


def _contested_lines(point: dict[str, Any]) -> list[str]:
    lines = [f"- {point['text']} (chains {', '.join(map(str, point['chains']))})"]
    for a in point["claimed"]:
        lines.append(f"    for:     {_assertion_short(a)}")
    for other in point["opposed"]:
        for a in other["assertions"]:
            lines.append(f"    against: {other['text']} | {_assertion_short(a)}")
    return lines


def _chain_lines(chain: Chain) -> list[str]:
    who = f"claimed by {', '.join(chain.claimed_by)}" if chain.claimed_by else "composed: no single document claims it"
    if chain.claimed_by and not chain.one_voice:  # a digest can state the steps in different sections
        who += " (its steps are credited to different parties: " + " / ".join("; ".join(p) for p in chain.parties) + ")"
    which = "the source's own cells" if chain.specificity == "source" else "inherits a step from a broader class"
    lines = [f"\n{chain.rank}. {chain.text()}", f"   effect: {chain.effect}; {who}; {which}; {chain.ends_text()}"]
    for step in chain.steps:
        head = f"   - {step.subject_label} --{step.predicate}--> {step.object_label}"
        if not step.is_claim:
            head += "  [ontology]"
        if step.inherited:
            head += f"  [inherited: {step.inherited}]"
        if step.qualifiers:
            head += f"  [{step.qualifiers}]" + ("  [stage-specific]" if step.stage_specific else "")
        lines.append(head)
        for a in step.assertions:
            cue = f" {a['cue']!r}" if a.get("cue") else ""
            lines.append(
                f"       {a['claim']} {a['document']} | {a['party']} ({a['speaker']}) | {a['modality']}{cue} | "
                f"{_evidence_text(a)} | {a['paraphrase']}"
            )
            if a.get("quote"):
                lines.append(f"         quote: \u201c{a['quote']}\u201d")
        for other in step.contested_by:
            claims = ", ".join(f"{a['claim']} {a['document']} ({a['modality']})" for a in other["assertions"])
            lines.append(f"       contested by: {other['text']} | {claims}")
    return lines
