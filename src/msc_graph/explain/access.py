"""Store access for explanations: the statements the search runs on, two ways.

* :class:`FullAccess` uses the NetworkX projection of every statement (the curated graph:
  built once by ``msc-graph build`` and cached).
* :class:`BoundedAccess` (large graphs, remote endpoints) never projects the graph. It walks
  the entity-level skeleton of the chain steps that the build writes (``msc:stepEdges``, one
  row per term, read once per session; :mod:`msc_graph.summaries`), finds the *corridor*:
  every edge ``u -> v`` that lies on some walk of at most ``max_length`` steps from a start to
  the end of a chain, each with its *slack* (the length of the shortest such walk through it),
  and reads only the summaries of the corridor's statements (``msc:statementSummary``, one
  row per statement: what ranking needs). When the corridor is larger than ``budget`` edges,
  it reads the edges of the shortest walks first, whole slack levels at a time, so that the
  answer is complete for every chain of up to that many steps and says so. The assertions in
  full (party, anchor, paraphrase ...) are fetched only for the chains returned.

On the curated graph the corridor is small, so both give the same neighbourhood for the
search and the same chains (tested).
"""

from __future__ import annotations

from typing import Any

from ..errors import InputError
from ..namespaces import iri_to_curie
from ..projection import (
    EvidenceItem,
    Projection,
    StatementEdge,
    conflict_table,
    edges_from_rows,
    statement_graph,
    statements,
)
from ..sparql.statements import BATCH, projection_query, statement_iri, statements_by_id
from ..sparql.text import query_file, values_block, with_values
from ..summaries import Skeleton, StepSkeleton, parse_statement_summary
from .question import Question, Start
from .rules import Rules

#: the corridor edges a bounded explanation fetches at most (whole slack levels; the first always)
BUDGET = 2_000
#: statement summaries fetched per query
SUMMARY_BATCH = 1_000


class FullAccess:
    """Every statement, from the cached projection."""

    strategy = "full"

    def __init__(self, kg, rules: Rules):
        self.kg = kg
        self.rules = rules
        self.graph = kg.projection()
        self.notes: list[str] = []

    def derivations(self, tissue: str) -> list[StatementEdge]:
        """The statements "X derives from ``tissue``" (positive, of the derivation claim relation)."""
        key = self.rules.derives_from_key
        table = statements(self.graph)
        if tissue not in self.graph:
            return []
        return sorted(
            (
                e
                for e in (table[k] for _, _, k in self.graph.in_edges(tissue, keys=True))
                if e.predicate == key and e.polarity == "positive"
            ),
            key=lambda e: e.statement,
        )

    def neighbourhood(self, question: Question, starts: list[Start]) -> Projection:
        return self.graph

    def details(self, ids: set[str]) -> dict[str, StatementEdge]:
        table = statements(self.graph)
        return {i: table[i] for i in sorted(ids) if i in table}

    def about(self, subjects: set[str], keep) -> list[StatementEdge]:
        """Statements about ``subjects`` that are caveats or denials (negative polarity), those that ``keep``."""
        out = []
        table = statements(self.graph)
        for subject in sorted(subjects):
            if subject not in self.graph:
                continue
            for e in (table[k] for _, _, k in self.graph.out_edges(subject, keys=True)):
                if (e.polarity == "negative" or e.predicate in self.rules.onto.caveat_relations) and keep(e):
                    out.append(e)
        return sorted(out, key=lambda e: e.statement)

    def conflicts(self, ids: set[str]) -> dict[str, list[StatementEdge]]:
        by_id = statements(self.graph)
        table = conflict_table(self.graph)
        out: dict[str, list[StatementEdge]] = {}
        for sid in sorted(ids):
            partners = set(table.get(sid, ()))
            partners |= {a for a, bs in table.items() if sid in bs}
            found = [by_id[p] for p in sorted(partners) if p in by_id]
            if found:
                out[sid] = found
        return out


def _edges(kg, rows: list[dict[str, Any]]) -> list[StatementEdge]:
    if not rows:
        return []
    return sorted(edges_from_rows(rows, kg.ontology).values(), key=lambda e: e.statement)


class BoundedAccess:
    """Only the statements of the corridor between the starts and the condition."""

    strategy = "bounded"

    def __init__(self, kg, rules: Rules, *, budget: int = BUDGET):
        self.kg = kg
        self.rules = rules
        self.budget = budget
        self.notes: list[str] = []
        self.complete_up_to: int | None = None  # None: the whole corridor was fetched

    # ------------------------------------------------------------------ skeleton
    def skeleton(self) -> StepSkeleton:
        """The chain steps between terms as the build wrote them (``msc:stepEdges``: one row per
        term that starts a step), read once per graph and kept, so that the corridor is found in
        memory and its statements need no query per subject."""
        cached = self.kg._cache.get("skeleton")
        if cached is None:
            cached = self.kg._cache["skeleton"] = Skeleton.read(self.kg.select(query_file("step-edges"))[1])
        return cached

    def corridor(self, question: Question, starts: list[Start]) -> dict[tuple[str, str], int]:
        """Every edge on some walk of at most ``max_length`` steps from a start to the end of a
        chain, with its slack (the length of the shortest such walk through it)."""
        skeleton = self.skeleton()
        succ, pred = skeleton.successors, skeleton.predecessors
        length = question.max_length
        conditions = set(question.conditions)
        terminal = {pair for c in sorted(conditions) for pair in skeleton.in_context.get(c, ())}
        passable = self.rules.passable

        def through(node: str) -> bool:
            return node not in conditions and passable(node)

        reach: dict[str, int] = {}  # steps from the nearest start
        frontier = sorted({s.node for s in starts})
        for node in frontier:
            reach[node] = 0
        starts_nodes = set(frontier)
        for depth in range(length):
            nxt = []
            for node in frontier:
                if node not in starts_nodes and not through(node):
                    continue
                for v in succ.get(node, ()):
                    if v not in reach:
                        reach[v] = depth + 1
                        nxt.append(v)
            frontier = sorted(nxt)
        rest: dict[str, int] = {}  # steps to the end of a chain
        level = {u for c in conditions for u in pred.get(c, ())} | {u for u, _ in terminal}
        for d in range(1, length + 1):
            level = {n for n in level if n not in rest}
            for node in level:
                rest[node] = d
            level = {p for n in level if through(n) for p in pred.get(n, ())}
        slack: dict[tuple[str, str], int] = {}
        for u, du in reach.items():
            if du >= length or (u not in starts_nodes and not through(u)):
                continue
            for v in succ.get(u, ()):
                best = None
                if v in conditions or (u, v) in terminal:
                    best = du + 1
                if through(v) and v in rest:
                    best = min(best or 99, du + 1 + rest[v])
                if best is not None and best <= length:
                    slack[(u, v)] = best
        return slack

    def neighbourhood(self, question: Question, starts: list[Start]) -> Projection:
        slack = self.corridor(question, starts)
        levels = sorted(set(slack.values()))
        chosen: set[tuple[str, str]] = set()
        self.complete_up_to = None
        for i, level in enumerate(levels):
            at_level = {e for e, s in slack.items() if s == level}
            if i and len(chosen) + len(at_level) > self.budget:
                self.complete_up_to = levels[i - 1]
                break
            chosen |= at_level
        if self.complete_up_to is not None:
            self.notes.append(
                f"bounded search: the corridor to the condition has {len(slack):,} edges, more than the budget of "
                f"{self.budget:,}; the edges of every walk of up to {self.complete_up_to} step(s) were fetched, so "
                f"chains of up to {self.complete_up_to} step(s) are complete and longer ones may be missing"
            )
        succ = self.skeleton().successors
        edges = self._light({sid for u, v in chosen for sid in succ[u][v]})
        return statement_graph(edges)

    def _light(self, ids: set[str]) -> list[StatementEdge]:
        """The statements (ids) as ranking reads them, one summary row each (``msc:statementSummary``:
        relation, polarity, context, and per assertion its document, modality and evidence type).
        Kept for the session; :meth:`details` fetches the rest for the chains found."""
        cache = self.kg._cache.setdefault("bounded_light", {})
        wanted = sorted(i for i in ids if i not in cache)
        onto = self.rules.onto
        modalities = {iri_to_curie(v): k for k, v in onto.values["Modality"].items()}
        by_curie = {p.curie: p for p in onto.predicates.values()}
        for i in range(0, len(wanted), SUMMARY_BATCH):
            block = values_block("statement", [statement_iri(x) for x in wanted[i : i + SUMMARY_BATCH]])
            for row in self.kg.select(with_values(query_file("statement-summaries"), block))[1]:
                data = parse_statement_summary(row["summary"])
                pred = by_curie[data["p"]]
                sid = row["statement"].rsplit("/", 1)[-1]
                cache[sid] = StatementEdge(
                    sid, data["s"], pred.key, data["o"], pred.sign, "positive" if data["pol"] == "+" else "negative",
                    dict(data["ctx"]),
                    [
                        EvidenceItem(
                            claim="", document=document, start=0, end=0, party="", speaker="",
                            modality=modalities[modality], cue=None, evidence_type=evidence,
                            evidence_rank=onto.evidence_rank.get(evidence, 1), studies=None, patients=None,
                            paraphrase="",
                        )
                        for document, modality, evidence in data["by"]
                    ],
                )  # fmt: skip
        return [cache[i] for i in sorted(ids) if i in cache]

    def details(self, ids: set[str]) -> dict[str, StatementEdge]:
        """The statements with every assertion in full (party, anchor, evidence, paraphrase ...)."""
        return {
            e.statement: e
            for e in _edges(
                self.kg, statements_by_id(self.kg.select, self.rules.onto, [statement_iri(i) for i in sorted(ids)])
            )
        }

    # ------------------------------------------------------------------ around the chains
    def derivations(self, tissue: str) -> list[StatementEdge]:
        relation = self.rules.derived_cells
        if relation is None:
            return []
        query = with_values(
            projection_query(self.rules.onto),
            values_block("object", [tissue]) + " " + values_block("predicate", [relation]),
        )
        return [e for e in _edges(self.kg, self.kg.select(query)[1]) if e.polarity == "positive"]

    def about(self, subjects: set[str], keep) -> list[StatementEdge]:
        """Statements about ``subjects`` that are caveats or denials (negative polarity), those that
        ``keep``: the build lists them per subject (``msc:caveatStatements``)."""
        if not subjects:
            return []
        ids: set[str] = set()
        ordered = sorted(subjects)
        for i in range(0, len(ordered), BATCH):
            query = with_values(query_file("caveat-statements"), values_block("term", ordered[i : i + BATCH]))
            for row in self.kg.select(query)[1]:
                ids.update(row["statements"].split())
        kept = {e.statement for e in self._light(ids) if keep(e)}
        return sorted(self.details(kept).values(), key=lambda e: e.statement)

    def conflicts(self, ids: set[str]) -> dict[str, list[StatementEdge]]:
        if not ids:
            return {}
        pairs: dict[str, set[str]] = {}
        ordered = [statement_iri(i) for i in sorted(ids)]
        for i in range(0, len(ordered), BATCH):
            query = with_values(query_file("conflicts-of"), values_block("a", ordered[i : i + BATCH]))
            for row in self.kg.select(query)[1]:
                pairs.setdefault(row["a"].rsplit("/", 1)[-1], set()).add(row["b"].rsplit("/", 1)[-1])
        partners = [statement_iri(b) for b in sorted({b for bs in pairs.values() for b in bs})]
        edges = {e.statement: e for e in _edges(self.kg, statements_by_id(self.kg.select, self.rules.onto, partners))}
        return {a: [edges[b] for b in sorted(bs) if b in edges] for a, bs in sorted(pairs.items()) if bs}


def access_for(kg, rules: Rules, strategy: str, *, budget: int = BUDGET, full_limit: int = 50_000):
    """The store access of a strategy: "full", "bounded", or "auto" (full when the projection
    is cached or the embedded store holds at most ``full_limit`` statements)."""
    if strategy == "auto":
        local = getattr(kg, "endpoint", None) is None
        strategy = "full" if kg.has_projection() or (local and kg.statement_count() <= full_limit) else "bounded"
    if strategy == "full":
        return FullAccess(kg, rules)
    if strategy == "bounded":
        return BoundedAccess(kg, rules, budget=budget)
    raise InputError(f"unknown strategy {strategy!r}; use 'auto', 'full' or 'bounded'")
