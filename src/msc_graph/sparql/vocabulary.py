"""The term index read from a graph with SPARQL, for graphs whose TBox is not on this machine
(a remote endpoint's, or the synthetic benchmark graph): the same :class:`~msc_graph.ontology.Ontology`
that :func:`~msc_graph.ontology.load_ontology` reads from the TBox files, from the queries
``sparql/queries/vocabulary-*.rq``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from ..model import ContextKey, Predicate, Term
from ..namespaces import curie_to_iri, iri_to_curie
from ..ontology import VALUE_SETS, Ontology
from .text import query_file

Select = Callable[..., tuple[list[str], list[dict[str, Any]]]]


def ontology_from_store(select: Select) -> Ontology:
    """The term index read from the graph itself with SPARQL (``select`` runs a query and
    returns (columns, rows)): for graphs whose terms are not in the local TBox, such as a
    remote endpoint's or a synthetic benchmark graph."""
    category_rows = select(query_file("vocabulary-categories"))[1]
    categories = {row["category"][4:]: row["label"] for row in category_rows}
    terms: dict[str, Term] = {}
    ranks: dict[str, int] = {}
    for row in select(query_file("vocabulary-terms"))[1]:
        curie = row["term"]
        if row.get("rank") is not None:
            ranks[curie] = int(row["rank"])
        previous = terms.get(curie)
        category = row["category"][4:] if row.get("category") else (previous.category if previous else None)
        synonyms = {s for s in (row.get("synonyms") or "").split("\u001f") if s}
        parents = {iri_to_curie(p) for p in (row.get("parents") or "").split() if p}
        if previous is not None:
            synonyms |= set(previous.synonyms)
            parents |= set(previous.parents)
        terms[curie] = Term(
            curie=curie,
            iri=curie_to_iri(curie) if not curie.startswith("http") else curie,
            label=row["label"],
            category=category,
            synonyms=tuple(sorted(synonyms)),
            parents=tuple(sorted(parents)),
            definition=row.get("definition") or (previous.definition if previous else None),
            valence=row.get("valence") or (previous.valence if previous else None),
        )
    predicates: dict[str, Predicate] = {}
    values: dict[str, dict[str, str]] = {name: {} for name in VALUE_SETS}
    commercial: set[str] = set()
    stance: dict[str, str] = {}
    strength: dict[str, int] = {}
    chain_signs: dict[str, int] = {}
    caveats: set[str] = set()
    for row in select(query_file("vocabulary-keys"))[1]:
        kind = row.get("kind") or ""
        node_iri = curie_to_iri(row["node"]) if not row["node"].startswith("http") else row["node"]
        if kind.endswith(("#ObjectProperty", "#DatatypeProperty")):
            predicates[row["key"]] = Predicate(
                row["key"],
                row["node"],
                node_iri,
                row["label"],
                int(row.get("sign") or 0),
                kind.endswith("#DatatypeProperty"),
            )
        elif kind.startswith("msc:"):
            values.setdefault(kind[4:], {})[row["key"]] = node_iri
            if kind == "msc:SpeakerKind" and row.get("commercial"):
                commercial.add(row["key"])
            if kind == "msc:Modality":
                stance[row["key"]] = str(row.get("stance") or "none")
                strength[row["key"]] = int(row.get("strength") or 0)
        if row.get("step"):
            chain_signs[row["key"]] = int(
                row["chainSign"] if row.get("chainSign") is not None else row.get("sign") or 0
            )
        if row.get("caveat"):
            caveats.add(row["key"])
    context: dict[str, ContextKey] = {}
    context_roles: dict[str, str] = {}
    for row in select(query_file("vocabulary-context"))[1]:
        if row.get("role"):
            context_roles[str(row["role"])] = row["key"]
        context[row["key"]] = ContextKey(
            key=row["key"],
            curie=row["property"],
            iri=curie_to_iri(row["property"]) if not row["property"].startswith("http") else row["property"],
            label=row["label"],
            order=int(row.get("order") or 99),
            categories=tuple(sorted(iri_to_curie(c)[4:] for c in (row.get("categories") or "").split() if c)),
        )
    facts: dict[str, dict[str, list[str]]] = {}
    for row in select(query_file("vocabulary-kinds"))[1]:
        facts.setdefault(row["node"], {}).setdefault(row["attribute"].split(":")[-1], []).append(str(row["value"]))
    kind_keys = {node: f["kindKey"][0] for node, f in facts.items() if "kindKey" in f}
    category_kinds: dict[str, str] = {}
    term_kinds: dict[str, str] = {}
    for node, f in facts.items():
        for kind in f.get("upperKind", []):
            if kind in kind_keys and node.startswith("msc:") and node[4:] in categories:
                category_kinds[node[4:]] = kind_keys[kind]
            elif kind in kind_keys:
                term_kinds[node] = kind_keys[kind]
    predicate_keys = {p.curie: p.key for p in predicates.values()}
    context_keys = {c.curie: c.key for c in context.values()} if context else {}
    for key, pred in list(predicates.items()):
        f = facts.get(pred.curie, {})
        predicates[key] = replace(
            pred,
            subject_kinds=tuple(sorted(kind_keys[k] for k in f.get("subjectKind", []) if k in kind_keys)),
            object_kinds=tuple(sorted(kind_keys[k] for k in f.get("objectKind", []) if k in kind_keys)),
            same_kind=any(str(v).lower() in ("true", "1") for v in f.get("sameKind", [])),
            alternatives=tuple(sorted(predicate_keys[k] for k in f.get("alternative", []) if k in predicate_keys)),
            scoped_classes=tuple(sorted(f.get("scopedClass", []))),
            scope_context=tuple(sorted(context_keys[c] for c in f.get("scopeContext", []) if c in context_keys)),
        )
    restrictions: dict[str, set[tuple[str, str]]] = {}
    for row in select(query_file("vocabulary-restrictions"))[1]:
        restrictions.setdefault(row["term"], set()).add((row["property"], row["filler"]))
    valence_keys = {curie: key for key, curie in ((k, iri_to_curie(v)) for k, v in values.get("Valence", {}).items())}
    terms = {
        c: replace(t, valence=valence_keys.get(t.valence, t.valence)) if t.valence else t for c, t in terms.items()
    }
    return Ontology(
        terms=terms,
        predicates=predicates,
        values=values,
        categories=categories,
        evidence_rank=ranks,
        commercial=commercial,
        restriction_fillers={k: tuple(sorted(f for _, f in v)) for k, v in restrictions.items()},
        restrictions={k: tuple(sorted(v)) for k, v in restrictions.items()},
        context=dict(sorted(context.items(), key=lambda kv: kv[1].order)),
        context_roles=dict(sorted(context_roles.items())),
        stance=stance,
        strength=strength,
        chain_signs=dict(sorted(chain_signs.items())),
        caveat_relations=caveats,
        passable={row["category"][4:] for row in category_rows if row.get("passable")},
        source_categories={row["category"][4:] for row in category_rows if row.get("source")},
        target_categories={row["category"][4:] for row in category_rows if row.get("target")},
        start_relations={row["role"]: row["property"] for row in select(query_file("vocabulary-starts"))[1]},
        kinds={key: node for node, key in sorted(kind_keys.items(), key=lambda kv: kv[1])},
        category_kinds=dict(sorted(category_kinds.items())),
        term_kinds=dict(sorted(term_kinds.items())),
    )
