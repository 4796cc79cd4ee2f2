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

from typing import TYPE_CHECKING, Any

from ..errors import InputError
from ..namespaces import curie_to_iri
from ..projection import EvidenceItem, StatementEdge, from_rows
from ..sparql.statements import (
    BATCH,
    context_parts,
    projection_query,
    statement_iri,
    statements_by_id,
)
from ..sparql.text import fill, query_file, values_block, with_values
from .question import Question, Start
from .rules import Rules

if TYPE_CHECKING:
    import networkx as nx

#: the corridor edges a bounded explanation fetches at most (whole slack levels; the first always)
BUDGET = 2_000


class FullAccess:
    """Every statement, from the cached projection."""

    strategy = "full"

    def __init__(self, kg, rules: Rules):
        self.kg = kg
        self.rules = rules
        self.graph = kg.network()
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

    def details(self, ids: set[str]) -> dict[str, StatementEdge]:
        statements = self.graph.graph["statements"]
        return {i: statements[i] for i in sorted(ids) if i in statements}

    def about(self, subjects: set[str], keep) -> list[StatementEdge]:
        """Statements about ``subjects`` that are caveats or denials (negative polarity), those that ``keep``."""
        out = []
        for subject in sorted(subjects):
            if subject not in self.graph:
                continue
            for _, _, e in self.graph.out_edges(subject, data="data"):
                if (e.polarity == "negative" or e.predicate in self.rules.onto.caveat_relations) and keep(e):
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


def _edges(kg, rows: list[dict[str, Any]]) -> list[StatementEdge]:
    if not rows:
        return []
    graph = from_rows(rows, kg.ontology)
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
            query = with_values(query_file("direct-edges"), values_block("p", relations))
            succ: dict[str, set[str]] = {}
            pred: dict[str, set[str]] = {}
            for row in self.kg.select(query)[1]:
                succ.setdefault(row["s"], set()).add(row["o"])
                pred.setdefault(row["o"], set()).add(row["s"])
            cached = self.kg._cache[cache_key] = (
                {k: sorted(v) for k, v in succ.items()},
                {k: sorted(v) for k, v in pred.items()},
            )
        return cached

    def _context_pairs(self, conditions: list[str]) -> set[tuple[str, str]]:
        """(subject, object) of the positive statements claimed in one of these conditions' context."""
        key = self.rules.onto.context.get(self.rules.onto.role_key("condition"))
        if key is None or not conditions:
            return set()
        query = with_values(
            query_file("pairs-in-condition"), values_block("key", [key.iri]) + " " + values_block("c", conditions)
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
        of = self._fetch_statements_of(sorted({u for u, _ in chosen}))
        ends = {sid: (u, v) for u, v in chosen for sid, obj in of[u] if obj == v}
        edges = self._light(ends)
        import networkx as nx

        graph = nx.MultiDiGraph(statements={e.statement: e for e in edges}, conflicts={})
        for edge in edges:
            graph.add_edge(edge.subject, edge.object, key=edge.statement, data=edge)
        return graph

    def _fetch_statements_of(self, subjects: list[str]) -> dict[str, list[tuple[str, str]]]:
        """(statement IRI, object) of every statement about each subject, kept for the session."""
        cache = self.kg._cache.setdefault("bounded_statements_of", {})
        wanted = sorted(set(subjects) - set(cache))
        for i in range(0, len(wanted), BATCH):
            chunk = wanted[i : i + BATCH]
            query = with_values(query_file("statements-of-subjects"), values_block("subject", chunk))
            found: dict[str, list[tuple[str, str]]] = {s: [] for s in chunk}
            for row in self.kg.select(query)[1]:
                found[row["subject"]].append((row["statement"], row["object"]))
            cache.update({k: sorted(v) for k, v in found.items()})
        return {s: cache[s] for s in subjects}

    def _light(self, ends: dict[str, tuple[str, str]]) -> list[StatementEdge]:
        """The statements (IRI -> (subject, object)) with what the search reads: relation, polarity,
        the context it filters on, and per assertion its document, modality and evidence type.
        Kept for the session; :meth:`details` fetches the rest for the chains found."""
        cache = self.kg._cache.setdefault("bounded_light", {})
        wanted = sorted(i for i in ends if i not in cache)
        onto = self.rules.onto
        keys = [k for k in map(onto.role_key, ("condition", "stage", "donor")) if k in onto.context]
        head = fill(query_file("light-statements"), **context_parts(onto, keys))
        body = query_file("light-assertions")
        files = self._files()
        modalities = {v: k for k, v in onto.values["Modality"].items()}
        by_curie = {p.curie: p for p in onto.predicates.values()}
        for i in range(0, len(wanted), BATCH):
            block = values_block("statement", wanted[i : i + BATCH])
            edges: dict[str, StatementEdge] = {}
            for row in self.kg.select(with_values(head, block))[1]:
                pred = by_curie[row["predicate"]]
                subject, obj = ends[row["statement"]]
                edges[row["statement"]] = StatementEdge(
                    row["statement"].rsplit("/", 1)[-1],
                    subject,
                    pred.key,
                    obj,
                    pred.sign,
                    "positive" if row["polarity"] == "msc:Positive" else "negative",
                    {k: str(row[k]) for k in keys if row.get(k) is not None},
                )
            for row in self.kg.select(with_values(body, block))[1]:
                edge = edges.get(row["statement"])
                if edge is not None:
                    edge.assertions.append(
                        EvidenceItem(
                            claim=row["assertion"], document=files[row["document"]], start=0, end=0, party="",
                            speaker="", modality=modalities[curie_to_iri(row["modality"])], cue=None,
                            evidence_type=row["evidence_type"],
                            evidence_rank=onto.evidence_rank.get(row["evidence_type"], 1),
                            studies=None, patients=None, paraphrase="",
                        )
                    )  # fmt: skip
            for iri, edge in edges.items():
                edge.assertions.sort(key=lambda a: a.claim)
                cache[iri] = edge
        return [cache[i] for i in sorted(ends) if i in cache]

    def _files(self) -> dict[str, str]:
        """Document IRI -> corpus file name, read once per session."""
        files = self.kg._cache.get("document_files")
        if files is None:
            rows = self.kg.select(query_file("document-files"))[1]
            files = self.kg._cache["document_files"] = {r["document"]: r["file"] for r in rows}
        return files

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
        """Statements about ``subjects`` that are caveats or denials (negative polarity), those that ``keep``."""
        if not subjects:
            return []
        onto = self.rules.onto
        caveats = sorted(onto.predicates[k].curie for k in onto.caveat_relations if k in onto.predicates)
        ids: set[str] = set()
        ordered = sorted(subjects)
        for i in range(0, len(ordered), BATCH):
            block = values_block("subject", ordered[i : i + BATCH])
            negative = query_file("negative-statements-of")
            ids |= {r["statement"] for r in self.kg.select(with_values(negative, block))[1]}
            if caveats:
                query = with_values(query_file("relation-statements-of"), block + " " + values_block("p", caveats))
                ids |= {r["statement"] for r in self.kg.select(query)[1]}
        heads = {}
        for i in range(0, len(ids), BATCH):
            query = with_values(query_file("statement-ends"), values_block("statement", sorted(ids)[i : i + BATCH]))
            heads.update({r["statement"]: (r["subject"], r["object"]) for r in self.kg.select(query)[1]})
        kept = {e.statement for e in self._light(heads) if keep(e)}
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
        strategy = "full" if "network" in kg._cache or (local and kg.statement_count() <= full_limit) else "bounded"
    if strategy == "full":
        return FullAccess(kg, rules)
    if strategy == "bounded":
        return BoundedAccess(kg, rules, budget=budget)
    raise InputError(f"unknown strategy {strategy!r}; use 'auto', 'full' or 'bounded'")
