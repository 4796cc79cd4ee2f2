"""JSON-LD with a compact context, nodes sorted by ``@id`` and keys sorted."""

from __future__ import annotations

import json
from typing import Any

from ..namespaces import PREFIXES


def dump(g: Any) -> bytes:
    """JSON-LD with a compact context, nodes sorted by @id and keys sorted."""
    context = dict(PREFIXES)
    data = json.loads(g.serialize(format="json-ld", context=context, encoding="utf-8"))
    nodes = data.get("@graph", [data] if "@id" in data else [])

    def canon(value):  # sort values of multi-valued keys
        if isinstance(value, list):
            return sorted((canon(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True))
        if isinstance(value, dict):
            return {k: canon(v) for k, v in value.items()}
        return value

    out = {"@context": context, "@graph": sorted((canon(n) for n in nodes), key=lambda n: n.get("@id", ""))}
    return (json.dumps(out, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")
