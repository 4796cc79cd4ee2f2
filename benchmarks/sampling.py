"""Parameters for the benchmark drawn the way users pick them: across the popularity range.

Every parameterised named query and ``explain`` is measured over parameters drawn with a fixed
seed from three bands of its parameter's *role*: the most popular tenth of terms (by the number
of claims that name the term in that role), the middle tenth, and the rarest tenth that still
have claims. Popularity is one SPARQL count per role over the store (:data:`ROLE_COUNTS`);
the drawing itself (:func:`bands`, :func:`draw`, :func:`draw_pairs`) is plain Python, so that
the same seed gives the same parameters for the query timings, the endpoint's load test and the
rdflib baseline.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from typing import Any

BANDS = ("popular", "middle", "rare")
PER_BAND = 5
PAIRS_PER_CELL = 3  # explain: 3 source bands x 3 condition bands x 3 = 27 pairs

_ASSERTS = "?a msc:asserts ?st ."
_CELLS = "VALUES ?cat { msc:CellSource msc:CellType } ?term msc:category ?cat ."
_DERIVED = "?r owl:onProperty obo:RO_0001000 ; owl:someValuesFrom ?term . ?d rdfs:subClassOf ?r . ?st msc:subject ?d ."

#: role -> a SELECT of ?term and ?n (claims naming the term in that role; for ``category``, terms)
ROLE_COUNTS = {
    # the subject of a claim's statement (claims, commercial-only, single-document)
    "subject": f"{{ ?st msc:subject ?term . {_ASSERTS} }}",
    # subject or object (entity-claims, entity-conflicts, subclasses)
    "entity": f"{{ {{ ?st msc:subject ?term }} UNION {{ ?st msc:object ?term }} {_ASSERTS} }}",
    # a condition as the statement's object or its condition context (condition-outcomes,
    # evidence-summary, explain's condition)
    "condition": (
        "{ ?term msc:category msc:Condition . { ?st msc:inCondition ?term } UNION { ?st msc:object ?term } "
        f"{_ASSERTS} }}"
    ),
    # a cell source or type that produces or transfers something, itself or through cells derived
    # from it (secreted-by); the category first: from the union alone Oxigraph's plan is 15x slower
    "cell": (
        f"{{ {_CELLS} {{ ?st msc:subject ?term }} UNION {{ {_DERIVED} }} ?st msc:predicate ?p . "
        f"FILTER(?p = obo:RO_0003000 || ?p = msc:transfers) {_ASSERTS} }}"
    ),
    # a target as the object of a factor's statement (factors-acting-on-target)
    "target": (
        f"{{ ?term msc:category msc:Target . ?st msc:object ?term ; msc:subject ?f . ?f msc:category msc:Factor . "
        f"{_ASSERTS} }}"
    ),
    # a cell source or cell type as a chain's start, itself or through derived cells (explain's source)
    "source": f"{{ {_CELLS} {{ ?st msc:subject ?term }} UNION {{ {_DERIVED} }} {_ASSERTS} }}",
    "document": "{ ?a msc:inDocument ?term . }",
    "statement": "{ ?a msc:asserts ?term . }",
    "category": "{ ?t msc:category ?term . }",  # terms per category (a category has no claims of its own)
}

#: named query -> (parameter, role); other parameterised queries get a role from the parameter's type
QUERY_ROLES = {
    "claims": ("subject", "subject"),
    "commercial-only": ("subject", "subject"),
    "single-document": ("subject", "subject"),
    "entity-claims": ("entity", "entity"),
    "entity-conflicts": ("entity", "entity"),
    "subclasses": ("class", "entity"),
    "secreted-by": ("cell", "cell"),
    "factors-acting-on-target": ("target", "target"),
    "condition-outcomes": ("condition", "condition"),
    "evidence-summary": ("condition", "condition"),
    "who-claims": ("statement", "statement"),
    "terms-of-category": ("category", "category"),
}
TYPE_ROLES = {"term": "entity", "document": "document", "statement": "statement", "category": "category"}


def role_query(role: str) -> str:
    counted = "?t" if role == "category" else "?a"
    return f"SELECT ?term (COUNT({counted}) AS ?n) WHERE {ROLE_COUNTS[role]} GROUP BY ?term"


def is_integrity(name: str) -> bool:
    """Whole-graph batch checks (what ``msc-graph check`` runs): read every row, no parameter."""
    return name.endswith("-violation") or name == "conflicts"


def query_role(query: Any) -> tuple[str, str] | None:
    """(parameter, role) a named query is sampled by, or None (no parameter, or an integrity check)."""
    if is_integrity(query.name) or not query.params:
        return None
    if query.name in QUERY_ROLES:
        return QUERY_ROLES[query.name]
    for param in query.params:
        if param.type in TYPE_ROLES:
            return param.name, TYPE_ROLES[param.type]
    return None


def ranked(counts: dict[str, int]) -> list[tuple[str, int]]:
    """Keys with at least one claim, most popular first (ties by key: deterministic)."""
    return sorted(((k, n) for k, n in counts.items() if n > 0), key=lambda x: (-x[1], x[0]))


def bands(order: Sequence[tuple[str, int]]) -> dict[str, list[tuple[str, int]]]:
    """The most popular tenth, the middle tenth and the rarest tenth of a ranked list (each at
    least one item, so the bands overlap for lists shorter than three)."""
    n = len(order)
    if n == 0:
        return {b: [] for b in BANDS}
    tenth = max(1, math.ceil(n / 10))
    start = max(0, min(n - tenth, n // 2 - tenth // 2))
    return {"popular": list(order[:tenth]), "middle": list(order[start : start + tenth]), "rare": list(order[-tenth:])}


def draw(order: Sequence[tuple[str, int]], rng: random.Random, per_band: int = PER_BAND) -> list[tuple[str, str, int]]:
    """``per_band`` keys from each band (all of a band when it has fewer): (band, key, claims)."""
    out = []
    for band, items in bands(order).items():
        for key, n in rng.sample(items, min(per_band, len(items))):
            out.append((band, key, n))
    return out


def draw_pairs(
    sources: Sequence[tuple[str, int]],
    conditions: Sequence[tuple[str, int]],
    rng: random.Random,
    per_cell: int = PAIRS_PER_CELL,
) -> list[dict[str, Any]]:
    """Source/condition pairs covering every combination of the two roles' bands, ``per_cell`` each."""
    sb, cb = bands(sources), bands(conditions)
    pairs = []
    for s_band in BANDS:
        for c_band in BANDS:
            if not sb[s_band] or not cb[c_band]:
                continue
            for _ in range(per_cell):
                source, s_n = rng.choice(sb[s_band])
                condition, c_n = rng.choice(cb[c_band])
                pairs.append(
                    {
                        "source": source,
                        "condition": condition,
                        "band": f"{s_band}/{c_band}",
                        "source_claims": s_n,
                        "condition_claims": c_n,
                    }
                )
    return pairs


def nearest_rank(values: Sequence[float], q: float) -> float:
    """The q-quantile by nearest rank (p95 of 15 samples is the largest)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]
