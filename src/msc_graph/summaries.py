"""Summary triples: what the explanation engine reads per statement and per term, derived from
the claims by the build (and by the scale generator, which writes triples in the same model).

At a million claims, reading every assertion behind the edges a search might use costs about
0.5 ms per assertion on the on-disk store, and assembling the entity-level skeleton from the
materialised direct edges (260,000 triples) took 15 s on the first call. So the build writes:

* per statement with an object term, ``msc:statementSummary``: one literal (compact JSON) with
  what ranking a chain step needs: subject, relation, object, polarity, context, and the distinct
  (document, modality, evidence type) of the assertions behind it. Ranking reads one row per
  statement; assertion details (party, anchor, paraphrase ...) are fetched only for the chains
  returned.
* per term that is the subject of a chain step, ``msc:stepEdges``: one literal listing its
  outgoing chain steps (the positive statements of a chain-step relation that at least one
  document affirms) as ``statement>object`` or ``statement>object@condition`` (the condition
  the statement is claimed for), sorted. The bounded search walks this skeleton; the
  corridor's statements come from it without a query per subject.
* per term that is the subject of a caveat or a denial, ``msc:caveatStatements``: its
  negative statements and its statements of a caveat relation (``msc:caveatRelation``), as
  space-separated statement ids.

>>> rules = SummaryRules(frozenset({"RO:0002304"}), frozenset({"msc:Asserted"}), frozenset())
>>> facts = StatementFacts("s1", "CL:1", "RO:0002304", "GO:2", "positive", {"condition": "MONDO:3"},
...                        [("d1.txt", "msc:Asserted", "ECO:1"), ("d1.txt", "msc:Asserted", "ECO:1")])
>>> statement_summary(facts)
'{"by":[["d1.txt","msc:Asserted","ECO:1"]],"ctx":{"condition":"MONDO:3"},"o":"GO:2","p":"RO:0002304","pol":"+","s":"CL:1"}'
>>> skeleton = Skeleton(rules)
>>> skeleton.add(facts)
>>> [(s.rsplit("/", 1)[-1], p.rsplit("/", 1)[-1], o) for s, p, o in skeleton.triples()]
[('CL_1', 'stepEdges', 's1>GO:2@MONDO:3')]
>>> Skeleton.read([{"term": "CL:1", "edges": "s1>GO:2@MONDO:3"}]).in_context
{'MONDO:3': {('CL:1', 'GO:2')}}
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .namespaces import BASE, curie_to_iri, iri_to_curie

if TYPE_CHECKING:
    from .ontology import Ontology

STATEMENT_SUMMARY = BASE + "statementSummary"
STEP_EDGES = BASE + "stepEdges"
CAVEAT_STATEMENTS = BASE + "caveatStatements"


@dataclass(frozen=True)
class SummaryRules:
    """What the summaries need from the ontology (all as CURIEs)."""

    step_predicates: frozenset[str]  # the chain-step relations
    affirming: frozenset[str]  # the modalities that affirm their statement
    caveat_predicates: frozenset[str]
    condition_key: str = "condition"  # the context key of the condition a statement is claimed for


def summary_rules(onto: Ontology) -> SummaryRules:
    """The summary rules of an ontology (``msc:chainStep``, ``msc:stance``, ``msc:caveatRelation``)."""
    return SummaryRules(
        step_predicates=frozenset(onto.predicates[k].curie for k in onto.chain_signs if k in onto.predicates),
        affirming=frozenset(
            iri_to_curie(iri) for key, iri in onto.values["Modality"].items() if onto.stance.get(key) == "affirms"
        ),
        caveat_predicates=frozenset(onto.predicates[k].curie for k in onto.caveat_relations if k in onto.predicates),
        condition_key=onto.role_key("condition"),
    )


@dataclass
class StatementFacts:
    """A statement as the summaries see it: terms as the query layer shows them (CURIEs where the IRI
    has one, :func:`~msc_graph.namespaces.iri_to_curie`), context values as terms or text."""

    id: str  # s0123456789abcdef
    subject: str
    predicate: str
    object: str | None
    polarity: str  # "positive" or "negative"
    context: dict[str, str]  # context key -> value
    #: (document file name, modality, evidence type) of each assertion behind it
    assertions: list[tuple[str, str, str]] = field(default_factory=list)


def term_iri(term: str) -> str:
    """The IRI of a term given as a CURIE or (where it has no CURIE) as its IRI."""
    return term if term.startswith(("http://", "https://")) else curie_to_iri(term)


def statement_summary(facts: StatementFacts) -> str:
    """The ``msc:statementSummary`` literal of a statement (deterministic compact JSON)."""
    data = {
        "s": facts.subject,
        "p": facts.predicate,
        "o": facts.object,
        "pol": "+" if facts.polarity == "positive" else "-",
        "ctx": dict(sorted(facts.context.items())),
        "by": [list(x) for x in sorted(set(facts.assertions))],
    }
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def parse_statement_summary(text: str) -> dict:
    """The summary as data: ``s``, ``p``, ``o``, ``pol`` ("+" or "-"), ``ctx`` and ``by`` (document,
    modality, evidence type)."""
    return json.loads(text)


class Skeleton:
    """Collects the per-term summaries (``msc:stepEdges``, ``msc:caveatStatements``) over all statements."""

    def __init__(self, rules: SummaryRules):
        self.rules = rules
        self.steps: dict[str, list[str]] = {}
        self.caveats: dict[str, list[str]] = {}

    def add(self, facts: StatementFacts) -> None:
        rules = self.rules
        if facts.object is None:
            return
        if facts.polarity == "negative" or facts.predicate in rules.caveat_predicates:
            self.caveats.setdefault(facts.subject, []).append(facts.id)
        if (
            facts.polarity == "positive"
            and facts.predicate in rules.step_predicates
            and any(modality in rules.affirming for _, modality, _ in facts.assertions)
        ):
            condition = facts.context.get(rules.condition_key)
            token = f"{facts.id}>{facts.object}" + (f"@{condition}" if condition else "")
            self.steps.setdefault(facts.subject, []).append(token)

    def triples(self) -> Iterator[tuple[str, str, str]]:
        """(term IRI, property IRI, literal text), sorted by term."""
        for subject in sorted(self.steps):
            yield term_iri(subject), STEP_EDGES, " ".join(sorted(self.steps[subject]))
        for subject in sorted(self.caveats):
            yield term_iri(subject), CAVEAT_STATEMENTS, " ".join(sorted(set(self.caveats[subject])))

    @staticmethod
    def read(rows: Iterable[dict[str, str]]) -> StepSkeleton:
        """The skeleton from the rows of ``sparql/queries/step-edges.rq`` (``term``, ``edges``)."""
        successors: dict[str, dict[str, list[str]]] = {}
        predecessors: dict[str, set[str]] = {}
        in_context: dict[str, set[tuple[str, str]]] = {}
        for row in rows:
            u = row["term"]
            out = successors.setdefault(u, {})
            for token in row["edges"].split():
                sid, _, rest = token.partition(">")
                v, _, condition = rest.partition("@")
                out.setdefault(v, []).append(sid)
                predecessors.setdefault(v, set()).add(u)
                if condition:
                    in_context.setdefault(condition, set()).add((u, v))
        return StepSkeleton(successors, predecessors, in_context)


@dataclass(frozen=True)
class StepSkeleton:
    """The chain steps between terms: ``successors[u][v]`` the statement ids of the steps u -> v,
    ``predecessors[v]`` the terms with a step to v, ``in_context[c]`` the (u, v) of the steps
    claimed for condition c."""

    successors: dict[str, dict[str, list[str]]]
    predecessors: dict[str, set[str]]
    in_context: dict[str, set[tuple[str, str]]]
