"""Mechanism chains from a cell source to a condition, over the NetworkX projection.

The search is typed and pruned, never a brute-force ``all_simple_paths``:

1. The source is expanded into start nodes: a tissue gives the cells derived from it (by
   the TBox, or by a claim); a cell type gives itself. Each start node's superclasses
   (MSCs in general, stem cells) and the therapies that use them are added as
   *generalised* starts, so their claims are inherited and marked as such.
2. The condition is expanded into target nodes: itself and its subclasses, and its
   superclasses as generalised targets.
3. A reverse breadth-first search from the targets gives every node's distance to a
   target; the depth-first search from the starts expands only nodes that can still reach
   a target within the remaining length, never enters non-mechanistic categories, and
   stops after ``max_chains`` chains.

A step is a statement (with every assertion behind it) or an ontology step. Chains are
signed: the product of the step signs, turned into the effect on the condition's harm.
"""

from __future__ import annotations

import html
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from .network import StatementEdge, project

#: relations a mechanism chain may use (the others describe, classify or regulate)
MECHANISTIC = {
    "produces",
    "transfers",
    "develops_into",
    "increases",
    "decreases",
    "positively_regulates",
    "negatively_regulates",
    "regulates",
    "protects",
    "treats",
    "ameliorates",
    "prevents",
    "causes",
    "contributes_to",
    "exacerbates",
    "capable_of",
    "interacts_with",
    "homes_to",
    "has_risk",
}
#: sign-0 relations that pass a change on unchanged (cells homing to a site still act there)
PASS_THROUGH = {"homes_to"}
#: categories a chain never passes through (it may end on a condition target)
BLOCKED = {
    "EvidenceType",
    "Organization",
    "Property",
    "OpenQuestion",
    "RegulatoryStatus",
    "Route",
    "DonorType",
    "ProductForm",
    "Species",
    "DiseaseStage",
    "Condition",
}
SOURCE_RELATION = "RO:0001000"  # derives from
#: above this many statements, explanations search the direct edges instead of projecting everything
FULL_PROJECTION_LIMIT = 50_000
INPUT_RELATION = "RO:0002233"  # has input


@dataclass
class Step:
    """One link of a chain."""

    kind: str  # "claim", "source" (tissue to cells), "generalise" (to a superclass), "therapy"
    subject: str
    subject_label: str
    predicate: str
    object: str
    object_label: str
    sign: int | None = None
    statement: str | None = None
    context: dict[str, str] = field(default_factory=dict)
    assertions: list[dict[str, Any]] = field(default_factory=list)
    generalised: str | None = None
    contradicted_by: list[dict[str, Any]] = field(default_factory=list)
    ends_in_context: bool = False

    @property
    def documents(self) -> set[str]:
        return {a["document"] for a in self.assertions}

    def to_dict(self) -> dict[str, Any]:
        data = dict(self.__dict__)
        data["documents"] = sorted(self.documents)
        return data


@dataclass
class Chain:
    steps: list[Step]
    harm_sign: int | None  # -1 the chain reduces the condition, +1 it worsens it, None unsigned
    target: str
    generalised_target: bool = False

    @property
    def claim_steps(self) -> list[Step]:
        return [s for s in self.steps if s.kind == "claim" or s.statement]

    @property
    def documents(self) -> set[str]:
        return set().union(*(s.documents for s in self.claim_steps)) if self.claim_steps else set()

    @property
    def weakest_support(self) -> int:
        return min((len(s.documents) for s in self.claim_steps), default=0)

    @property
    def weakest_evidence(self) -> int:
        return min((max((a["evidence_rank"] for a in s.assertions), default=0) for s in self.claim_steps), default=0)

    @property
    def generalised_steps(self) -> int:
        return sum(1 for s in self.steps if s.generalised) + int(self.generalised_target)

    @property
    def contradicted(self) -> bool:
        return any(s.contradicted_by for s in self.steps)

    @property
    def effect(self) -> str:
        return {-1: "reduces the condition (beneficial)", 1: "worsens the condition (harmful)"}.get(
            self.harm_sign, "direction not stated"
        )

    def rank_key(self) -> tuple:
        return (
            -self.weakest_support,
            -len(self.documents),
            -self.weakest_evidence,
            self.generalised_steps,
            self.contradicted,
            len(self.steps),
            [s.statement or s.object for s in self.steps],
        )

    def text(self) -> str:
        parts = [self.steps[0].subject_label]
        for s in self.steps:
            parts.append(f"--{s.predicate}-->")
            parts.append(s.object_label)
        return " ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.text(),
            "effect": self.effect,
            "harm_sign": self.harm_sign,
            "target": self.target,
            "documents": sorted(self.documents),
            "weakest_support": self.weakest_support,
            "weakest_evidence_rank": self.weakest_evidence,
            "generalised_steps": self.generalised_steps,
            "contradicted": self.contradicted,
            "steps": [s.to_dict() for s in self.steps],
        }


@dataclass
class Explanation:
    source: str
    source_label: str
    condition: str
    condition_label: str
    chains: list[Chain]
    max_length: int
    partial: list[Chain] = field(default_factory=list)
    truncated: bool = False
    notes: list[str] = field(default_factory=list)
    generalised: bool = True

    @property
    def found(self) -> bool:
        return bool(self.chains)

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": {"id": self.source, "label": self.source_label},
            "condition": {"id": self.condition, "label": self.condition_label},
            "max_length": self.max_length,
            "found": self.found,
            "truncated": self.truncated,
            "chains": [c.to_dict() for c in self.chains],
            "partial_chains": [c.to_dict() for c in self.partial],
            "notes": self.notes,
        }

    def to_table(self):
        from .results import Table

        rows = []
        for i, chain in enumerate(self.chains, 1):
            for j, step in enumerate(chain.steps, 1):
                rows.append(
                    {
                        "chain": i,
                        "step": j,
                        "subject": step.subject_label,
                        "predicate": step.predicate,
                        "object": step.object_label,
                        "kind": step.kind,
                        "generalised": step.generalised,
                        "documents": sorted(step.documents),
                        "contradicted": bool(step.contradicted_by),
                        "effect": chain.effect,
                    }
                )
        return Table(
            [
                "chain",
                "step",
                "subject",
                "predicate",
                "object",
                "kind",
                "generalised",
                "documents",
                "contradicted",
                "effect",
            ],
            rows,
            title=f"{self.source_label} → {self.condition_label}",
        )

    def to_dataframe(self):
        return self.to_table().to_dataframe()

    def text(self, *, limit: int = 10) -> str:
        lines = [
            f"How is {self.source_label} ({self.source}) claimed to affect {self.condition_label} ({self.condition})?"
        ]
        if not self.chains:
            lines.append(
                f"No document claims a chain of at most {self.max_length} steps from "
                f"{self.source_label} to {self.condition_label}"
                f"{'' if self.generalised else ' for these cells specifically'}."
            )
            if self.partial:
                lines.append("Nearest partial chains:")
                for chain in self.partial:
                    lines.append(f"  - {chain.text()}  [documents: {', '.join(sorted(chain.documents)) or '-'}]")
        for i, chain in enumerate(self.chains[:limit], 1):
            flag = "  CONTRADICTED" if chain.contradicted else ""
            lines.append(f"\n{i}. {chain.text()}")
            lines.append(
                f"   effect: {chain.effect}; documents: {len(chain.documents)}; "
                f"weakest step backed by {chain.weakest_support} document(s){flag}"
            )
            if chain.generalised_target:
                target = self.condition_label
                lines.append(f"   [generalised target: claimed for the broader condition, not for {target}]")
            for step in chain.steps:
                head = f"   - {step.subject_label} --{step.predicate}--> {step.object_label}"
                if step.generalised:
                    head += f"  [generalised: {step.generalised}]"
                if step.context.get("donor"):
                    head += f"  [donor: {step.context['donor']}]"
                if step.kind in ("source", "generalise", "therapy") and not step.assertions:
                    head += "  [ontology]"
                lines.append(head)
                for a in step.assertions:
                    lines.append(
                        f"       {a['claim']} {a['document']} | {a['party']} ({a['speaker']}) | "
                        f"{a['modality']}{' ' + repr(a['cue']) if a.get('cue') else ''} | "
                        f"{a['evidence_type']} | {a['paraphrase']}"
                    )
                    if a.get("quote"):
                        lines.append(f"         quote: \u201c{a['quote']}\u201d")
                for c in step.contradicted_by:
                    lines.append(
                        f"       contradicted by {c['claim']} {c['document']} ({c['modality']}): {c['paraphrase']}"
                    )
        if len(self.chains) > limit:
            lines.append(f"\n... {len(self.chains) - limit} more chain(s); use --limit or --format json")
        if self.truncated:
            lines.append("(search stopped at the chain limit; raise --max-chains to see more)")
        lines.extend(f"note: {n}" for n in self.notes)
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        return "<pre>" + html.escape(self.text()) + "</pre>"


# ----------------------------------------------------------------------------- search


def _edge_sign(edge: StatementEdge) -> int | None:
    if edge.sign != 0:
        return edge.sign
    return 1 if edge.predicate in PASS_THROUGH else None


def _assertion_dicts(kg, edge: StatementEdge) -> list[dict[str, Any]]:
    out = []
    for a in edge.assertions:
        data = a.to_dict()
        data["quote"] = kg.quote(a.document, a.start, a.end) if kg.corpus is not None else None
        out.append(data)
    return out


def _seeds(kg, source: str, generalise: bool) -> tuple[set[str], set[str]]:
    """The start nodes of a source (cells, claimed cells, superclasses, therapies) and the tissues."""
    from .network import neighbourhood

    onto = kg.ontology
    seeds = {source, *onto.related_inverse(source, SOURCE_RELATION)}
    sources = {source} if onto.terms[source].category == "CellSource" else set()
    if sources:
        first = neighbourhood(kg, set(), 0, sources=sources)  # claims that cells derive from the tissue
        seeds |= {u for u, _, d in first.edges(data="data") if d.predicate == "derives_from"}
    if generalise:
        for cell in list(seeds):
            seeds |= {a for a in onto.ancestors(cell) if getattr(onto.terms.get(a), "category", None) == "CellType"}
        for cell in list(seeds):
            seeds |= set(onto.related_inverse(cell, INPUT_RELATION))
    return seeds, sources


def _remote_neighbourhood(kg, source: str, max_length: int, generalise: bool):
    """For a remote endpoint: fetch only the statements within reach of the source's start nodes."""
    from .network import neighbourhood

    seeds, sources = _seeds(kg, source, generalise)
    return neighbourhood(kg, seeds, max_length, sources=sources)


def _direct_edges(kg, preds: str) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """The entity-level skeleton: successors and predecessors along the materialised direct
    edges of the mechanistic relations, read once per graph (one index range per relation:
    about 200,000 pairs and a few MB at a million claims) and kept, so that the searches walk
    memory instead of asking the store one node at a time."""
    cached = kg._cache.get("direct_edges")
    if cached is None:
        succ: dict[str, set[str]] = {}
        pred: dict[str, set[str]] = {}
        for row in kg.select(f"SELECT DISTINCT ?s ?o WHERE {{ VALUES ?p {{ {preds} }} ?s ?p ?o }}")[1]:
            succ.setdefault(row["s"], set()).add(row["o"])
            pred.setdefault(row["o"], set()).add(row["s"])
        cached = kg._cache["direct_edges"] = (
            {k: sorted(v) for k, v in succ.items()},
            {k: sorted(v) for k, v in pred.items()},
        )
    return cached


def _statements_by_id(kg, ids: list[str], batch: int = 200) -> list[dict]:
    """The rows of the projection query for the given statements, fetched in two parts (the
    statement with its context once, then its assertions) and joined here: the projection
    repeats the seven context lookups on every assertion row."""
    from .network import ASSERTION_PART, _values, _with_values, statement_part

    rows: list[dict] = []
    for i in range(0, len(ids), batch):
        block = _values("statement", ids[i : i + batch])
        statements: dict[str, list[dict]] = {}
        for row in kg.select(_with_values(statement_part(kg.ontology), block))[1]:
            statements.setdefault(row["statement"], []).append(row)
        for row in kg.select(_with_values(ASSERTION_PART, block))[1]:
            for head in statements.get(row["statement"], ()):
                rows.append({**head, **row})
    return rows


def _bounded_neighbourhood(
    kg, source: str, targets: dict[str, bool], max_length: int, generalise: bool, max_paths: int
):
    """For large graphs: search the materialised direct edges (index lookups, no assertions), then
    fetch the full statements only for the edges of the paths found.

    A backward pass gives every node's distance to a target (edges into a target, or statements
    claimed in a target's context); the forward pass from the start nodes expands only nodes that
    can still reach a target, and stops after ``max_paths`` node paths.
    """
    from .network import CONFLICT_QUERY, _graph_from_rows, _values, _with_values, projection_query

    onto = kg.ontology
    preds = " ".join(f"<{onto.predicates[k].iri}>" for k in sorted(MECHANISTIC) if k in onto.predicates)
    seeds, sources = _seeds(kg, source, generalise)
    blocked = {c for c, t in onto.terms.items() if t.category in BLOCKED}

    successors_of, predecessors_of = _direct_edges(kg, preds)

    # backward distances: level 1 = subjects of edges into a target, and of statements in a target's context
    dist: dict[str, int] = {t: 0 for t in targets}
    context = _with_values(
        "SELECT DISTINCT ?s WHERE { ?st msc:inCondition ?c ; msc:subject ?s ; msc:polarity msc:Positive }",
        _values("c", sorted(targets)),
    )
    level_nodes = {s for t in targets for s in predecessors_of.get(t, ())} | {
        row["s"] for row in kg.select(context)[1]
    }
    for level in range(1, max_length):
        frontier = sorted(n for n in level_nodes if n not in dist and n not in blocked)
        for node in frontier:
            dist[node] = level
        if not frontier or level == max_length - 1:
            break
        level_nodes = {s for n in frontier for s in predecessors_of.get(n, ())}
    # forward search over direct edges
    edges: set[tuple[str, str]] = set()
    paths = 0

    def walk(node: str, depth: int, visited: set[str]) -> None:
        nonlocal paths
        if paths >= max_paths or depth >= max_length:
            return
        for nxt in successors_of.get(node, ()):
            if nxt in targets:
                edges.add((node, nxt))
                paths += 1
                continue
            terminal = dist.get(node) == 1 and nxt not in visited  # may be claimed in a target's context
            if terminal:
                edges.add((node, nxt))
                paths += 1
            if nxt in visited or nxt in blocked or dist.get(nxt, 99) > max_length - depth - 1:
                continue
            before = paths
            walk(nxt, depth + 1, visited | {nxt})
            if paths > before:
                edges.add((node, nxt))

    for seed in sorted(seeds):
        if dist.get(seed, 99) <= max_length:
            walk(seed, 0, {seed})
    # fetch the statements (with assertions) of the edges used, and their conflicts
    # two phases: the statement ids of the edges (one index range per distinct subject), then the
    # statements with their assertions by id. Binding (?subject ?object) pairs instead re-reads every
    # statement of a popular subject once per pair (172,200 index reads for 200 pairs at 100k claims).
    rows = []
    wanted = set(edges)
    subjects = sorted({a for a, _ in wanted})
    ids: set[str] = set()
    for i in range(0, len(subjects), 200):
        q = _with_values(
            "SELECT ?statement ?subject ?object WHERE { ?statement msc:subject ?subject ; msc:object ?object }",
            _values("subject", subjects[i : i + 200]),
        )
        ids |= {r["statement"] for r in kg.select(q)[1] if (r["subject"], r["object"]) in wanted}
    rows += _statements_by_id(kg, sorted(ids))
    for source_node in sorted(sources):
        q = _with_values(
            projection_query(onto), _values("object", [source_node]) + " " + _values("predicate", ["RO:0001000"])
        )
        rows += kg.select(q)[1]
    ids = sorted({r["statement"] for r in rows})
    conflicts: dict[str, set[str]] = {}
    partners: set[str] = set()
    for i in range(0, len(ids), 200):
        for row in kg.select(_with_values(CONFLICT_QUERY, _values("a", ids[i : i + 200])))[1]:
            a, b = row["a"].rsplit("/", 1)[-1], row["b"].rsplit("/", 1)[-1]
            conflicts.setdefault(a, set()).add(b)
            partners.add(row["b"])
    rows += _statements_by_id(kg, sorted(partners - set(ids)))
    graph = _graph_from_rows(kg, rows)
    graph.graph["conflicts"] = {k: tuple(sorted(v)) for k, v in sorted(conflicts.items())}
    return graph


def _start_nodes(kg, graph, source: str, generalise: bool = True) -> list[tuple[str, list[Step]]]:
    """Start nodes with the prefix steps that lead to them from the source."""
    onto = kg.ontology
    label = lambda c: onto.terms[c].label if c in onto.terms else c  # noqa: E731
    term = onto.terms[source]
    starts: list[tuple[str, list[Step]]] = []
    if term.category == "CellSource":
        for cell in onto.related_inverse(source, SOURCE_RELATION):
            starts.append((cell, [Step("source", source, term.label, "source of", cell, label(cell))]))
        # claims that cells derive from this tissue ("MSCs come from bone marrow")
        specific_cells = set(onto.related_inverse(source, SOURCE_RELATION))
        for subject, _, data in graph.in_edges(source, data="data") if source in graph else []:
            if data.predicate == "derives_from" and data.polarity == "positive":
                # "MSCs come from bone marrow": the claims about MSCs that follow are about MSCs in
                # general, not about cells from this tissue, unless the subject is source-specific
                general = subject not in specific_cells
                if general and not generalise:
                    continue
                note = (
                    (
                        f"claimed for {label(subject)} in general; the document names {term.label} as one "
                        "of their sources"
                    )
                    if general
                    else None
                )
                step = Step(
                    "source",
                    source,
                    term.label,
                    "source of (claimed)",
                    subject,
                    label(subject),
                    statement=data.statement,
                    assertions=_assertion_dicts(kg, data),
                    context=data.context,
                    generalised=note,
                )
                starts.append((subject, [step]))
    else:
        starts.append((source, []))
    expanded: list[tuple[str, list[Step]]] = []
    seen: set[str] = set()
    for node, prefix in starts:
        if node in seen:
            continue
        seen.add(node)
        expanded.append((node, prefix))
        if not generalise:
            continue
        specific = label(node)
        for ancestor in onto.ancestors(node):
            if (
                ancestor in seen
                or onto.terms.get(ancestor, None) is None
                or onto.terms[ancestor].category != "CellType"
            ):
                continue
            seen.add(ancestor)
            note = f"claimed for {label(ancestor)} in general, not for {specific}"
            expanded.append(
                (
                    ancestor,
                    [*prefix, Step("generalise", node, specific, "is a", ancestor, label(ancestor), generalised=note)],
                )
            )
    for cell, prefix in list(expanded) if generalise else []:
        for therapy in onto.related_inverse(cell, INPUT_RELATION):
            if therapy in seen:
                continue
            seen.add(therapy)
            note = f"claimed for {label(therapy)}, a therapy with {label(cell)}"
            expanded.append(
                (
                    therapy,
                    [*prefix, Step("therapy", cell, label(cell), "used in", therapy, label(therapy), generalised=note)],
                )
            )
    return expanded


def _targets(kg, condition: str, generalise: bool = True) -> dict[str, bool]:
    """Target nodes: the condition and its subclasses (False), its superclasses (True = generalised)."""
    onto = kg.ontology
    targets = {condition: False}
    targets.update({d: False for d in onto.descendants(condition)})
    for ancestor in onto.ancestors(condition) if generalise else []:
        term = onto.terms.get(ancestor)
        if term is not None and term.category == "Condition":
            targets.setdefault(ancestor, True)
    return targets


def _usable(graph, edge: StatementEdge) -> bool:
    if edge.polarity != "positive" or edge.predicate not in MECHANISTIC:
        return False
    return any(a.modality in ("asserted", "hedged") for a in edge.assertions)


def _distances(graph, targets: dict[str, bool], max_length: int) -> dict[str, int]:
    """Steps from each node to a target (edges into a target, or edges claimed in a target's context)."""
    dist: dict[str, int] = {}
    queue: deque[str] = deque()
    for u, v, data in graph.edges(data="data"):
        if not _usable(graph, data):
            continue
        if (v in targets or data.context.get("condition") in targets) and dist.get(u, 99) > 1:
            dist[u] = 1
            queue.append(u)
    for t in targets:
        dist[t] = 0
    while queue:
        node = queue.popleft()
        if dist[node] >= max_length:
            continue
        if graph.nodes[node].get("category") in BLOCKED:
            continue
        for u, _, data in graph.in_edges(node, data="data"):
            if _usable(graph, data) and dist.get(u, 99) > dist[node] + 1:
                dist[u] = dist[node] + 1
                queue.append(u)
    return dist


def _claim_step(kg, edge: StatementEdge, graph, ends_in_context: bool = False) -> Step:
    onto = kg.ontology
    label = lambda c: onto.terms[c].label if c in onto.terms else c  # noqa: E731
    contradicted = []
    statements = graph.graph["statements"]
    for other_id in sorted(graph.graph["conflicts"].get(edge.statement, ())):
        other = statements.get(other_id)
        if other is None:
            continue
        for a in _assertion_dicts(kg, other):
            contradicted.append(
                {
                    **a,
                    "statement": other_id,
                    "claim_text": f"{label(other.subject)} {other.predicate} {label(other.object)} ({other.polarity})",
                }
            )
    return Step(
        "claim",
        edge.subject,
        label(edge.subject),
        edge.predicate,
        edge.object,
        label(edge.object),
        sign=_edge_sign(edge),
        statement=edge.statement,
        context=dict(edge.context),
        assertions=_assertion_dicts(kg, edge),
        contradicted_by=contradicted,
        ends_in_context=ends_in_context,
    )


def _harm_sign(steps: list[Step], graph, targets: dict[str, bool]) -> int | None:
    sign = 1
    for step in steps:
        if step.kind != "claim":
            continue
        if step.sign is None:
            return None
        sign *= step.sign
    last = steps[-1]
    if last.object in targets:
        return sign
    harmful = graph.nodes[last.object].get("harmful", False)
    return sign * (1 if harmful else -1)


def explain(
    kg,
    source: str,
    condition: str,
    *,
    max_length: int = 5,
    max_chains: int = 200,
    partial: int = 5,
    generalise: bool = True,
    donor: str | None = None,
    strategy: str = "auto",
) -> Explanation:
    """All mechanism chains of at most ``max_length`` claim steps from ``source`` to ``condition``.

    With ``generalise=False`` only claims about the source's own cells and about the
    condition itself (or its subclasses) are used: no inheritance from MSCs in general.
    With ``donor`` ("autologous" or "allogeneic") steps claimed for the other donor type are
    left out, and steps claimed for this donor type say so. ``strategy``: "full" projects the
    whole graph into NetworkX (cached by the build), "bounded" searches the materialised direct
    edges and fetches only the statements of the paths found (for large or remote graphs; at
    most ``max_chains`` node paths), "auto" picks by size.

    ``source`` is a tissue, a source-specific MSC class or any cell type (CURIE, label or
    synonym); ``condition`` a condition. "No chain" is an answer: the explanation is
    empty and carries the nearest partial chains.
    """
    from .errors import InputError

    onto = kg.ontology
    src = onto.resolve(source)
    if src.category not in ("CellSource", "CellType", "Intervention", "ProductForm", "Factor"):
        raise InputError(
            f"source {source!r} is a {onto.category_label(src.category)}; give a cell source "
            "(tissue), a cell type or a therapy"
        )
    cond = onto.resolve(condition)
    if cond.category not in ("Condition", "Phenotype", "Outcome"):
        raise InputError(f"condition {condition!r} is a {onto.category_label(cond.category)}; give a condition")
    if max_length < 1:
        raise InputError("max_length must be at least 1")
    donor_curie = onto.resolve(donor, category="DonorType").curie if donor else None
    targets = _targets(kg, cond.curie, generalise)
    if strategy == "auto":
        if (
            "network" in kg._cache
            or getattr(kg, "endpoint", None) is None
            and kg.statement_count() <= FULL_PROJECTION_LIMIT
        ):
            strategy = "full"
        else:
            strategy = "bounded"
    if strategy == "bounded":
        graph = _bounded_neighbourhood(kg, src.curie, targets, max_length, generalise, max_paths=max_chains)
    elif getattr(kg, "endpoint", None) is not None:
        graph = _remote_neighbourhood(kg, src.curie, max_length, generalise)
    else:
        graph = project(kg)
    dist = _distances(graph, targets, max_length)
    starts = _start_nodes(kg, graph, src.curie, generalise)

    chains: list[Chain] = []
    truncated = False
    seen_paths: set[tuple[str, ...]] = set()

    def emit(prefix: list[Step], steps: list[Step], target: str) -> None:
        key = tuple(s.statement or f"{s.subject}>{s.object}" for s in [*prefix, *steps])
        if key in seen_paths:
            return
        seen_paths.add(key)
        all_steps = [*prefix, *steps]
        chains.append(Chain(all_steps, _harm_sign(all_steps, graph, targets), target, targets.get(target, False)))

    def dfs(node: str, prefix: list[Step], steps: list[Step], visited: set[str]) -> None:
        nonlocal truncated
        if len(chains) >= max_chains:
            truncated = True
            return
        budget = max_length - len(steps)
        if budget <= 0 or node not in graph:
            return
        for _, nxt, data in sorted(graph.out_edges(node, data="data"), key=lambda e: e[2].statement):
            if not _usable(graph, data):
                continue
            if donor_curie and data.context.get("donor") not in (None, donor_curie):
                continue  # claimed for the other donor type
            context_target = data.context.get("condition")
            if nxt in targets:
                emit(prefix, [*steps, _claim_step(kg, data, graph)], nxt)
                continue
            if nxt in visited:
                continue  # chains are cycle-free, including the source prefix
            if context_target in targets:
                emit(prefix, [*steps, _claim_step(kg, data, graph, ends_in_context=True)], context_target)
            if graph.nodes[nxt].get("category") in BLOCKED:
                continue
            if dist.get(nxt, 99) > budget - 1:
                continue  # cannot reach a target in the steps left
            dfs(nxt, prefix, [*steps, _claim_step(kg, data, graph)], visited | {nxt})

    for start, prefix in starts:
        if dist.get(start, 99) <= max_length:
            dfs(start, prefix, [], {start, *(s.subject for s in prefix)})

    chains.sort(key=Chain.rank_key)
    result = Explanation(
        src.curie, src.label, cond.curie, cond.label, chains, max_length, truncated=truncated, generalised=generalise
    )
    if not generalise:
        result.notes.append("generalisation off: only claims about the source's own cells and the condition itself")
    if donor_curie:
        result.notes.append(
            f"donor type {onto.terms[donor_curie].label}: steps claimed only for the other donor type are left out"
        )
    if not chains:
        result.partial = _partial_chains(kg, graph, starts, targets, max_length, partial)
    generalised_targets = sorted(t for t, g in targets.items() if g)
    if generalised_targets:
        result.notes.append(
            "chains ending at a broader condition ("
            + ", ".join(onto.terms[t].label for t in generalised_targets)
            + ") are marked as generalised"
        )
    return result


def _partial_chains(kg, graph, starts, targets, max_length: int, limit: int) -> list[Chain]:
    """The forward chains from the source whose end is nearest the condition (undirected)."""
    undirected = graph.to_undirected(as_view=True)
    near: dict[str, int] = {}
    queue: deque[str] = deque(t for t in targets if t in graph)
    for t in queue:
        near[t] = 0
    while queue:
        node = queue.popleft()
        for nxt in undirected.neighbors(node):
            if nxt not in near:
                near[nxt] = near[node] + 1
                queue.append(nxt)
    found: list[tuple[int, int, Chain]] = []

    def walk(node, prefix, steps, visited):
        if len(found) > 500:
            return
        if steps:
            chain = Chain([*prefix, *steps], None, steps[-1].object)
            found.append((near.get(steps[-1].object, 99), -len(steps), chain))
        if len(steps) >= max_length or node not in graph:
            return
        for _, nxt, data in sorted(graph.out_edges(node, data="data"), key=lambda e: e[2].statement):
            if _usable(graph, data) and nxt not in visited and graph.nodes[nxt].get("category") not in BLOCKED:
                walk(nxt, prefix, [*steps, _claim_step(kg, data, graph)], visited | {nxt})

    for start, prefix in starts:
        walk(start, prefix, [], {start, *(s.subject for s in prefix)})
    found.sort(key=lambda x: (x[0], x[1], x[2].text()))
    out, seen = [], set()
    for _, _, chain in found:
        if chain.text() not in seen:
            seen.add(chain.text())
            out.append(chain)
        if len(out) >= limit:
            break
    return out


def explain_matrix(kg, sources: list[str], conditions: list[str], **options: Any):
    """Summarise the explanations of every source and condition as a :class:`~msc_graph.results.Table`."""
    from .results import Table

    rows = []
    for source in sources:
        for condition in conditions:
            result = explain(kg, source, condition, **options)
            specific = [c for c in result.chains if not c.generalised_steps]
            best = result.chains[0] if result.chains else None
            rows.append(
                {
                    "source": result.source_label,
                    "condition": result.condition_label,
                    "chains": len(result.chains),
                    "source_specific_chains": len(specific),
                    "documents": len(set().union(*(c.documents for c in result.chains))) if result.chains else 0,
                    "beneficial": sum(1 for c in result.chains if c.harm_sign == -1),
                    "harmful": sum(1 for c in result.chains if c.harm_sign == 1),
                    "contradicted": sum(1 for c in result.chains if c.contradicted),
                    "best_chain": best.text() if best else None,
                }
            )
    columns = [
        "source",
        "condition",
        "chains",
        "source_specific_chains",
        "documents",
        "beneficial",
        "harmful",
        "contradicted",
        "best_chain",
    ]
    return Table(columns, rows, title="explanations by source and condition")
