"""SPARQL: query text (:mod:`.text`: refusing updates, VALUES binding, the Oxigraph rewrites,
term conversion), one ``select(query, bindings)`` interface with an embedded
(:mod:`.embedded`) and a remote (:mod:`.remote`) back end, the named queries of ``queries/``
(:mod:`.named`), and the package's own queries (``sparql/queries/*.rq``: the vocabulary
(:mod:`.vocabulary`) and the statements (:mod:`.statements`))."""

from __future__ import annotations

from .embedded import Embedded, open_store, run_select
from .named import NamedQuery, bind_params, get_query, load_queries
from .remote import RemoteEndpoint

__all__ = [
    "Embedded",
    "NamedQuery",
    "RemoteEndpoint",
    "bind_params",
    "get_query",
    "load_queries",
    "open_store",
    "run_select",
]
