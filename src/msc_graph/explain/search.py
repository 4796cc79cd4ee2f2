"""The one search: best-first over a neighbourhood of statements, in the order chains are ranked.

A chain's rank key is, in order: claimed and source-specific (0), claimed but inheriting a
step from a broader class (1), or composed from several documents (2); its weakest modality
(asserted before hedged); its weakest evidence; its independent documents (those claiming it
whole, or for a composed chain the fewest behind any step); its length; whether it ends on a
broader condition; and, to break ties, its statement ids. Every part only gets worse as a
partial chain grows (the documents claiming every step can only shrink), so the key of a
partial chain bounds the keys of all its completions, and popping a priority queue yields
complete chains in rank order: the first ``max_chains`` popped are the best ``max_chains``
within ``max_length``, whatever order the graph's edges come in.

The search is typed and pruned: a reverse breadth-first search gives each node's distance to
the end of a chain, and a partial chain is only extended to nodes that can still end one in
the steps left, through categories a chain may pass through (``msc:chainPassable``).
"""

from __future__ import annotations

import heapq
from collections import deque
from dataclasses import dataclass
from itertools import count

from ..projection import Projection, StatementEdge, statements
from .question import BROADER, Link, Question, Start
from .rules import Rules

#: the optimistic value of a chain part that no claim step has set yet
_BEST = 99


@dataclass(frozen=True)
class Found:
    """A chain the search found: its links, where it ends, and its rank key."""

    start: Start
    links: tuple[Link | StatementEdge, ...]
    end: str  # the condition it reaches, or the condition its last step is claimed for
    how: str  # the condition, a narrower or a broader condition (question.EXACT ...)
    by_context: bool  # it ends by a step claimed in the condition's context, not by reaching it
    key: tuple
    claimed_by: frozenset[str]

    @property
    def claims(self) -> list[StatementEdge]:
        return [link for link in self.links if isinstance(link, StatementEdge)]


@dataclass
class SearchResult:
    found: list[Found]
    more: bool  # there are more chains than were returned
    stopped: bool  # the search hit its expansion limit: other chains may exist
    expansions: int


class Scope:
    """Which statements a question may use as steps, and which end a chain."""

    def __init__(self, rules: Rules, question: Question):
        self.rules = rules
        self.question = question

    def allows(self, edge: StatementEdge) -> bool:
        return self.rules.is_step(edge) and self.question.allows_context(edge)

    def end_of(self, edge: StatementEdge) -> tuple[str, str] | None:
        return self.question.end_of(edge)


def distances(graph: Projection, scope: Scope, max_length: int) -> dict[str, int]:
    """Steps from each node to the end of a chain (1: a step from it can end one)."""
    dist: dict[str, int] = {}
    queue: deque[str] = deque()
    table = statements(graph)
    for u, _, key in graph.edges(keys=True):
        edge = table[key]
        if u not in dist and scope.allows(edge) and scope.end_of(edge) is not None:
            dist[u] = 1
            queue.append(u)
    conditions = scope.question.conditions
    while queue:
        node = queue.popleft()
        if dist[node] >= max_length or node in conditions or not scope.rules.passable(node):
            continue  # a chain does not pass through a condition, or through a blocked category
        for u, _, key in graph.in_edges(node, keys=True):
            edge = table[key]
            if u not in dist and scope.allows(edge):
                dist[u] = dist[node] + 1
                queue.append(u)
    return dist


def rank_key(rules: Rules, specific: bool, claims: list[StatementEdge], end_rank: int, ident: tuple[str, ...]) -> tuple:
    """The rank key of a (partial) chain; see the module docstring."""
    supports = [rules.support(e) for e in claims]
    docs: set[str] | None = None
    for items in supports:
        mine = {a.document for a in items}
        docs = mine if docs is None else docs & mine
    if docs is None:
        return (0 if specific else 1, -_BEST, -_BEST, -_BEST, 0, end_rank, ident)
    if docs:
        strength = min(max(rules.strength(a) for a in items if a.document in docs) for items in supports)
        evidence = min(max(a.evidence_rank for a in items if a.document in docs) for items in supports)
        return (0 if specific else 1, -strength, -evidence, -len(docs), len(claims), end_rank, ident)
    strength = min(max(rules.strength(a) for a in items) for items in supports)
    evidence = min(max(a.evidence_rank for a in items) for items in supports)
    support = min(len({a.document for a in items}) for items in supports)
    return (2, -strength, -evidence, -support, len(claims), end_rank, ident)


def claimed_by(rules: Rules, claims: list[StatementEdge]) -> frozenset[str]:
    """The documents that affirm every claim step (empty: no single document claims the chain)."""
    docs: set[str] | None = None
    for edge in claims:
        mine = {a.document for a in rules.support(edge)}
        docs = mine if docs is None else docs & mine
    return frozenset(docs or ())


def _ident(link: Link | StatementEdge) -> str:
    return link.statement if isinstance(link, StatementEdge) else link.ident


def search(
    graph: Projection,
    starts: list[Start],
    scope: Scope,
    *,
    max_length: int,
    max_chains: int,
    composed: bool = True,
    max_expansions: int = 200_000,
) -> SearchResult:
    """The best ``max_chains`` chains of at most ``max_length`` steps after their start, in rank order."""
    rules = scope.rules
    table = statements(graph)
    dist = distances(graph, scope, max_length)
    heap: list = []
    tick = count()

    def push(start: Start, links: tuple, node: str, depth: int, visited: frozenset[str]) -> None:
        claims = [link for link in links if isinstance(link, StatementEdge)]
        ident = tuple(_ident(link) for link in links)
        key = rank_key(rules, start.inherited is None, claims, 0, ident)
        if not composed and key[0] == 2:
            return
        heapq.heappush(heap, (key, next(tick), "partial", (start, links, node, depth, visited)))

    def push_found(start: Start, links: tuple, end: tuple[str, str], by_context: bool) -> None:
        claims = [link for link in links if isinstance(link, StatementEdge)]
        ident = tuple(_ident(link) for link in links)
        key = rank_key(rules, start.inherited is None, claims, int(end[1] == BROADER), ident)
        if not composed and key[0] == 2:
            return
        found = Found(start, links, end[0], end[1], by_context, key, claimed_by(rules, claims))
        heapq.heappush(heap, (key, next(tick), "found", found))

    for start in starts:
        prefix_ok = all(
            not isinstance(link, StatementEdge) or scope.question.allows_context(link) for link in start.prefix
        )
        if prefix_ok and dist.get(start.node, _BEST) <= max_length and start.node in graph:
            push(start, start.prefix, start.node, 0, frozenset(start.nodes))

    found: list[Found] = []
    expansions = 0
    more = stopped = False
    while heap:
        _, _, kind, item = heapq.heappop(heap)
        if kind == "found":
            if len(found) >= max_chains:
                more = True
                break
            found.append(item)
            continue
        expansions += 1
        if expansions > max_expansions:
            stopped = True
            break
        start, links, node, depth, visited = item
        left = max_length - depth
        for _, nxt, key in sorted(graph.out_edges(node, keys=True), key=lambda e: e[2]):
            edge = table[key]
            if not scope.allows(edge):
                continue
            end = scope.end_of(edge)
            path = (*links, edge)
            if edge.object in scope.question.conditions:
                assert end is not None
                if nxt not in visited:
                    push_found(start, path, end, False)
                continue  # a chain ends on the condition it reaches
            if nxt in visited:
                continue  # chains are cycle-free, the steps from the source included
            if end is not None:
                push_found(start, path, end, True)
            if left > 1 and rules.passable(nxt) and dist.get(nxt, _BEST) <= left - 1:
                push(start, path, nxt, depth + 1, visited | {nxt})
    return SearchResult(found, more, stopped, expansions)


def partial_chains(
    graph: Projection, starts: list[Start], scope: Scope, *, max_length: int, limit: int
) -> list[tuple[Start, tuple]]:
    """When no chain exists: the forward chains from the source whose end comes nearest the
    condition in the graph (ignoring direction), longest first among equals."""
    table = statements(graph)
    near: dict[str, int] = {}
    queue: deque[str] = deque(c for c in scope.question.conditions if c in graph)
    for c in queue:
        near[c] = 0
    while queue:
        node = queue.popleft()
        for nxt in sorted(set(graph.successors(node)) | set(graph.predecessors(node))):
            if nxt not in near:
                near[nxt] = near[node] + 1
                queue.append(nxt)
    found: list[tuple[int, int, tuple[str, ...], Start, tuple]] = []

    def walk(start: Start, node: str, links: tuple, depth: int, visited: frozenset[str]) -> None:
        if len(found) > 500:
            return
        if depth:
            last = links[-1]
            found.append((near.get(last.object, _BEST), -depth, tuple(_ident(x) for x in links), start, links))
        if depth >= max_length or node not in graph:
            return
        for _, nxt, key in sorted(graph.out_edges(node, keys=True), key=lambda e: e[2]):
            edge = table[key]
            if scope.allows(edge) and nxt not in visited and scope.rules.passable(nxt):
                walk(start, nxt, (*links, edge), depth + 1, visited | {nxt})

    for start in starts:
        walk(start, start.node, start.prefix, 0, frozenset(start.nodes))
    found.sort(key=lambda x: x[:3])
    out, seen = [], set()
    for _, _, ident, start, links in found:
        if ident not in seen:
            seen.add(ident)
            out.append((start, links))
        if len(out) >= limit:
            break
    return out
