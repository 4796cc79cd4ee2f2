"""A graph in canonical form: canonical blank-node labels, triples inserted in sorted order, the
project's prefixes bound, so that every serialiser gives the same bytes on every run."""

from __future__ import annotations

from typing import Any

from ..namespaces import PREFIXES


def bind_prefixes(g: Any) -> Any:
    """Bind msc-graph's prefixes on an rdflib graph (and return it)."""
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns, override=True, replace=True)
    return g


def canonical_graph(g: Any) -> Any:  # rdflib.Graph -> rdflib.Graph
    """A copy of ``g`` with canonical blank-node labels and triples inserted in sorted order,
    so that every serialiser gives the same bytes on every run."""
    from rdflib import Graph
    from rdflib.compare import to_canonical_graph

    out = bind_prefixes(Graph())
    for triple in sorted(to_canonical_graph(g), key=lambda t: (t[0].n3(), t[1].n3(), t[2].n3())):
        out.add(triple)
    return out
