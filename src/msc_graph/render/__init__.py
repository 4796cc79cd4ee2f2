"""The interactive graph page: :func:`graph_view` (page code in :mod:`.page`, the HTML template
``page.html`` shipped as package data). The only place that imports pyvis."""

from __future__ import annotations

from .page import GraphView, graph_view

__all__ = ["GraphView", "graph_view"]
