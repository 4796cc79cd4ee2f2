"""Store access for explanations: the statements the search runs on, two ways.

* :class:`FullAccess` uses the NetworkX projection of every statement (the curated graph:
  built once by ``msc-graph build`` and cached).
* :class:`BoundedAccess` (large graphs, remote endpoints) never projects the graph. It walks
  an entity-level skeleton of the materialised direct edges of the step relations (read once
  per session), finds the *corridor*: every edge ``u -> v`` that lies on some walk of at most
  ``max_length`` steps from a start to the end of a chain, each with its *slack* (the length
  of the shortest such walk through it), and fetches from the store only the statements of
  the corridor's edges, with their assertions. When the corridor is larger than ``budget``
  edges, it fetches the edges of the shortest walks first, whole slack levels at a time, so
  that the answer is complete for every chain of up to that many steps and says so.

On the curated graph the corridor is small, so both give the same neighbourhood for the
search and the same chains (tested).
"""

from __future__ import annotations

from typing import Any

import networkx as nx

from ..errors import InputError
from ..namespaces import PREFIXES
from ..network import (
    ASSERTION_PART,
    StatementEdge,
    graph_from_rows,
    project,
    projection_query,
    statement_part,
    values_block,
    with_values,
)
from .question import Question, Start
from .rules import Rules

BATCH = 200
#: the corridor edges a bounded explanation fetches at most (whole slack levels; the first always)
BUDGET = 2_000


class FullAccess:
    """Every statement, from the cached projection."""

    strategy = "full"

    def __init__(self, kg, rules: Rules):
        self.kg = kg
        self.rules = rules
        self.graph = project(kg)
        self.notes: list[str] = []

    def derivations(self, tissue: str) -> list[StatementEdge]:
        """The statements "X derives from ``tissue``" (positive, of the derivation claim relation)."""
        key = self.rules.derives_from_key
        if tissue not in self.graph:
            return []
        return sorted(
            (
                e
                for _, _, e in self.graph.in_edges(tissue, data="data")
                if e.predicate == key and e.polarity == "positive"
            ),
            key=lambda e: e.statement,
        )

    def neighbourhood(self, question: Question, starts: list[Start]) -> nx.MultiDiGraph:
        return self.graph

    def about(self, subjects: set[str]) -> list[StatementEdge]:
        """Statements about ``subjects`` that are caveats or denials (negative polarity)."""
        out = []
        for subject in sorted(subjects):
            if subject not in self.graph:
                continue
            for _, _, e in self.graph.out_edges(subject, data="data"):
                if e.polarity == "negative" or e.predicate in self.rules.onto.caveat_relations:
                    out.append(e)
        return sorted(out, key=lambda e: e.statement)

    def conflicts(self, ids: set[str]) -> dict[str, list[StatementEdge]]:
        statements = self.graph.graph["statements"]
        table = self.graph.graph["conflicts"]
        out: dict[str, list[StatementEdge]] = {}
        for sid in sorted(ids):
            partners = set(table.get(sid, ()))
            partners |= {a for a, bs in table.items() if sid in bs}
            found = [statements[p] for p in sorted(partners) if p in statements]
            if found:
                out[sid] = found
        return out


def statements_by_id(kg, ids: list[str], batch: int = BATCH) -> list[dict[str, Any]]:
    """The rows of the projection query for these statements, fetched in two parts (the
    statement with its context once, then its assertions) and joined here: the projection
    repeats the context lookups on every assertion row."""
    rows: list[dict[str, Any]] = []
    for i in range(0, len(ids), batch):
        block = values_block("statement", ids[i : i + batch])
        heads: dict[str, list[dict]] = {}
        for row in kg.select(with_values(statement_part(kg.ontology), block))[1]:
            heads.setdefault(row["statement"], []).append(row)
        for row in kg.select(with_values(ASSERTION_PART, block))[1]:
            for head in heads.get(row["statement"], ()):
                rows.append({**head, **row})
    return rows


def statement_iri(sid: str) -> str:
    """The IRI of a statement id (``s0bbf9a748f72d1d1``)."""
    return PREFIXES["statement"] + sid


def _edges(kg, rows: list[dict[str, Any]]) -> list[StatementEdge]:
    if not rows:
        return []
    graph = graph_from_rows(kg, rows)
    return sorted(graph.graph["statements"].values(), key=lambda e: e.statement)


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
    def skeleton(self) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
        """Successors and predecessors along the materialised direct edges of the step relations,
        read once per graph (one index range per relation: about 200,000 pairs and a few MB at a
        million claims) and kept, so that the corridor is found in memory."""
        onto = self.rules.onto
        relations = sorted(onto.predicates[k].iri for k in onto.chain_signs if k in onto.predicates)
        cache_key = ("direct_edges", tuple(relations))
        cached = self.kg._cache.get(cache_key)
        if cached is None:
            block = " ".join(f"<{iri}>" for iri in relations)
            succ: dict[str, set[str]] = {}
            pred: dict[str, set[str]] = {}
            for row in self.kg.select(f"SELECT DISTINCT ?s ?o WHERE {{ VALUES ?p {{ {block} }} ?s ?p ?o }}")[1]:
                succ.setdefault(row["s"], set()).add(row["o"])
                pred.setdefault(row["o"], set()).add(row["s"])
            cached = self.kg._cache[cache_key] = (
                {k: sorted(v) for k, v in succ.items()},
                {k: sorted(v) for k, v in pred.items()},
            )
        return cached

    def _context_pairs(self, conditions: list[str]) -> set[tuple[str, str]]:
        """(subject, object) of the positive statements claimed in one of these conditions' context."""
        key = self.rules.onto.context.get("condition")
        if key is None or not conditions:
            return set()
        query = with_values(
            f"SELECT DISTINCT ?s ?o WHERE {{ ?st <{key.iri}> ?c ; msc:subject ?s ; msc:object ?o ; "
            "msc:polarity msc:Positive }",
            values_block("c", conditions),
        )
        return {(r["s"], r["o"]) for r in self.kg.select(query)[1]}

    def corridor(self, question: Question, starts: list[Start]) -> dict[tuple[str, str], int]:
        """Every edge on some walk of at most ``max_length`` steps from a start to the end of a
        chain, with its slack (the length of the shortest such walk through it)."""
        succ, pred = self.skeleton()
        length = question.max_length
        conditions = set(question.conditions)
        terminal = self._context_pairs(sorted(conditions))
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

    def neighbourhood(self, question: Question, starts: list[Start]) -> nx.MultiDiGraph:
        slack = self.corridor(question, starts)
        levels = sorted(set(slack.values()))
        chosen: set[tuple[str, str]] = set()
        self.complete_up_to = None
        for i, level in enumerate(levels):
            edges = {e for e, s in slack.items() if s == level}
            if i and len(chosen) + len(edges) > self.budget:
                self.complete_up_to = levels[i - 1]
                break
            chosen |= edges
        if self.complete_up_to is not None:
            self.notes.append(
                f"bounded search: the corridor to the condition has {len(slack):,} edges, more than the budget of "
                f"{self.budget:,}; the edges of every walk of up to {self.complete_up_to} step(s) were fetched, so "
                f"chains of up to {self.complete_up_to} step(s) are complete and longer ones may be missing"
            )
        ids: set[str] = set()
        subjects = sorted({u for u, _ in chosen})
        for i in range(0, len(subjects), BATCH):
            query = with_values(
                "SELECT ?statement ?subject ?object WHERE { ?statement msc:subject ?subject ; msc:object ?object }",
                values_block("subject", subjects[i : i + BATCH]),
            )
            ids |= {r["statement"] for r in self.kg.select(query)[1] if (r["subject"], r["object"]) in chosen}
        rows = statements_by_id(self.kg, sorted(ids))
        graph = graph_from_rows(self.kg, rows) if rows else nx.MultiDiGraph(statements={})
        graph.graph.setdefault("statements", {})
        graph.graph["conflicts"] = {}
        return graph

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

    def about(self, subjects: set[str]) -> list[StatementEdge]:
        if not subjects:
            return []
        onto = self.rules.onto
        caveats = sorted(onto.predicates[k].curie for k in onto.caveat_relations if k in onto.predicates)
        ids: set[str] = set()
        ordered = sorted(subjects)
        for i in range(0, len(ordered), BATCH):
            block = values_block("subject", ordered[i : i + BATCH])
            negative = "SELECT ?statement WHERE { ?statement msc:subject ?subject ; msc:polarity msc:Negative }"
            ids |= {r["statement"] for r in self.kg.select(with_values(negative, block))[1]}
            if caveats:
                caveat = "SELECT ?statement WHERE { ?statement msc:subject ?subject ; msc:predicate ?p }"
                query = with_values(caveat, block + " " + values_block("p", caveats))
                ids |= {r["statement"] for r in self.kg.select(query)[1]}
        return _edges(self.kg, statements_by_id(self.kg, sorted(ids)))

    def conflicts(self, ids: set[str]) -> dict[str, list[StatementEdge]]:
        if not ids:
            return {}
        pairs: dict[str, set[str]] = {}
        ordered = [statement_iri(i) for i in sorted(ids)]
        for i in range(0, len(ordered), BATCH):
            query = with_values(
                "SELECT ?a ?b WHERE { { ?a msc:conflictsWith ?b } UNION { ?b msc:conflictsWith ?a } }",
                values_block("a", ordered[i : i + BATCH]),
            )
            for row in self.kg.select(query)[1]:
                pairs.setdefault(row["a"].rsplit("/", 1)[-1], set()).add(row["b"].rsplit("/", 1)[-1])
        partners = [statement_iri(b) for b in sorted({b for bs in pairs.values() for b in bs})]
        edges = {e.statement: e for e in _edges(self.kg, statements_by_id(self.kg, partners))}
        return {a: [edges[b] for b in sorted(bs) if b in edges] for a, bs in sorted(pairs.items()) if bs}


def access_for(kg, rules: Rules, strategy: str, *, budget: int = BUDGET, full_limit: int = 50_000):
    """The store access of a strategy: "full", "bounded", or "auto" (full when the projection
    is cached or the embedded store holds at most ``full_limit`` statements)."""
    if strategy == "auto":
        local = getattr(kg, "endpoint", None) is None
        strategy = "full" if "network" in kg._cache or (local and kg.statement_count() <= full_limit) else "bounded"
    if strategy == "full":
        return FullAccess(kg, rules)
    if strategy == "bounded":
        return BoundedAccess(kg, rules, budget=budget)
    raise InputError(f"unknown strategy {strategy!r}; use 'auto', 'full' or 'bounded'")
