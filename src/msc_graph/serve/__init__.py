"""The knowledge graph on real SPARQL servers: the Oxigraph server (:mod:`.oxigraph`, what
``msc-graph serve`` runs) and Virtuoso Open Source (:mod:`.virtuoso`)."""

from __future__ import annotations

from .front import Front, serve
from .oxigraph import oxigraph_binary, prepare_store, server_command, wait_until_ready

__all__ = ["Front", "oxigraph_binary", "prepare_store", "serve", "server_command", "wait_until_ready"]
