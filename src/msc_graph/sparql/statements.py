"""Statements and their assertions from any store or endpoint: the projection of the whole graph,
statements by id, and the conflicts between them (query text in ``sparql/queries/``).

Each function takes ``select`` (a back end's ``select(query, bindings)``) and the ontology.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..namespaces import PREFIXES
from ..ontology import Ontology
from ..projection import from_rows
from .text import fill, query_file, values_block, with_values

if TYPE_CHECKING:
    import networkx as nx

Select = Callable[..., tuple[list[str], list[dict[str, Any]]]]
#: statements fetched per query when they are fetched by id
BATCH = 200


def context_parts(onto: Ontology, keys: list[str] | None = None) -> dict[str, str]:
    """The ``$context_columns`` and ``$context_patterns`` of a query: every context property the
    ontology declares (``msc:contextKey``, or only ``keys``), each pattern OPTIONAL."""
    chosen = [k for k in onto.context_order if keys is None or k in keys]
    return {
        "context_columns": " ".join(f"?{k}" for k in chosen),
        "context_patterns": "".join(f"  OPTIONAL {{ ?statement <{onto.context[k].iri}> ?{k} }}\n" for k in chosen),
    }


def projection_query(onto: Ontology) -> str:
    """Every statement with every assertion behind it: one row per (statement, assertion)."""
    return fill(query_file("projection"), **context_parts(onto))


def statement_part(onto: Ontology) -> str:
    """The statements of the projection alone, to be joined with :data:`assertion_part` on ?statement."""
    return fill(query_file("projection-statements"), **context_parts(onto))


def assertion_part() -> str:
    """The assertions of the projection, to be joined with :func:`statement_part` on ?statement."""
    return query_file("projection-assertions")


def conflict_pairs(select: Select) -> list[tuple[str, str]]:
    """Every (a, b) statement id pair of ``msc:conflictsWith`` (both directions)."""
    return [(r["a"].rsplit("/", 1)[-1], r["b"].rsplit("/", 1)[-1]) for r in select(query_file("conflicts"))[1]]


def fetch_projection(select: Select, onto: Ontology) -> nx.MultiDiGraph:
    """The projection of the whole graph, read with SPARQL."""
    _, rows = select(projection_query(onto))
    return from_rows(rows, onto, conflict_pairs(select))


def statement_iri(sid: str) -> str:
    """The IRI of a statement id (``s0bbf9a748f72d1d1``)."""
    return PREFIXES["statement"] + sid


def statement_contexts(
    select: Select, onto: Ontology, ids: list[str], batch: int = BATCH
) -> dict[str, list[tuple[str, str, str]]]:
    """The context of each statement IRI: ``(key, value, label)`` in the ontology's key order
    (value: a CURIE or a literal; label: the term's label, or the literal itself)."""
    order = {k: i for i, k in enumerate(onto.context_order)}
    found: dict[str, list[tuple[str, str, str]]] = {}
    unique = sorted(set(ids))
    for i in range(0, len(unique), batch):
        block = values_block("statement", unique[i : i + batch])
        for row in select(with_values(query_file("statement-context"), block))[1]:
            value = str(row["value"])
            found.setdefault(row["statement"], []).append((row["key"], value, str(row.get("value_label") or value)))
    return {sid: sorted(items, key=lambda kv: (order.get(kv[0], len(order)), kv[0])) for sid, items in found.items()}


def context_text(items: list[tuple[str, str, str]]) -> str:
    """A context as one line: ``condition: knee osteoarthritis; stage: severe``."""
    return "; ".join(f"{key}: {label}" for key, _, label in items)


def statements_by_id(select: Select, onto: Ontology, ids: list[str], batch: int = BATCH) -> list[dict[str, Any]]:
    """The rows of the projection query for these statement IRIs, fetched in two parts (the
    statement with its context once, then its assertions) and joined here: the projection
    repeats the context lookups on every assertion row."""
    rows: list[dict[str, Any]] = []
    for i in range(0, len(ids), batch):
        block = values_block("statement", ids[i : i + batch])
        heads: dict[str, list[dict]] = {}
        for row in select(with_values(statement_part(onto), block))[1]:
            heads.setdefault(row["statement"], []).append(row)
        for row in select(with_values(assertion_part(), block))[1]:
            for head in heads.get(row["statement"], ()):
                rows.append({**head, **row})
    return rows
