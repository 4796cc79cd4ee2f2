"""The claim network in the graph formats of network tools, each written by the library made for it:

* GraphML (Cytoscape desktop, Gephi, yEd) and GEXF (Gephi): NetworkX's writers;
* Cytoscape.js JSON (Cytoscape.js, Cytoscape desktop's ``.cyjs``): NetworkX's ``cytoscape_data``;
* CX2 (NDEx, Cytoscape): ``ndex2``'s :class:`~ndex2.cx2.CX2Network`.

Every writer takes the projection (:func:`msc_graph.projection.network`), whose nodes and edges
carry plain attributes only, and writes deterministic output (nodes and edges in sorted order).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import networkx as nx


def _sorted_copy(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy with nodes and edges inserted in sorted order and plain graph attributes only."""
    import networkx as nx

    out = nx.MultiDiGraph()
    out.graph.update(dict(graph.graph.items()))
    for node in sorted(graph.nodes):
        out.add_node(node, **dict(graph.nodes[node]))
    for u, v, key, data in sorted(graph.edges(keys=True, data=True), key=lambda e: (e[2], e[0], e[1])):
        out.add_edge(u, v, key=key, **dict(data))
    return out


def write_graphml(graph: nx.MultiDiGraph, path: Path) -> None:
    """GraphML, typed attributes (``attr.type`` string, int, boolean), edge ids = statement ids."""
    import networkx as nx

    nx.write_graphml(_sorted_copy(graph), path, encoding="utf-8", prettyprint=True, named_key_ids=True)


def write_gexf(graph: nx.MultiDiGraph, path: Path) -> None:
    """GEXF 1.2 (Gephi), with node labels and edge labels."""
    import networkx as nx

    copy = _sorted_copy(graph)
    for _, _, key, data in copy.edges(keys=True, data=True):
        data["id"] = key  # the edge id Gephi shows: the statement id
    nx.write_gexf(copy, path, encoding="utf-8", prettyprint=True)


def cytoscape_json(graph: nx.MultiDiGraph) -> dict[str, Any]:
    """Cytoscape.js elements JSON (``{"data": ..., "elements": {"nodes": [...], "edges": [...]}}``)."""
    import networkx as nx

    data = nx.cytoscape_data(_sorted_copy(graph), name="label", ident="id")
    for edge in data["elements"]["edges"]:
        edge["data"]["id"] = edge["data"]["key"]  # Cytoscape.js wants an id on every element
    return data


def write_cyjs(graph: nx.MultiDiGraph, path: Path) -> None:
    Path(path).write_text(
        json.dumps(cytoscape_json(graph), indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8"
    )


def cx2_network(graph: nx.MultiDiGraph) -> Any:  # ndex2.cx2.CX2Network
    """The network as ndex2's CX2Network: node ``name`` is the label and ``represents`` the CURIE
    (NDEx's conventions), edge ``interaction`` the relation (``NOT`` before a negated one)."""
    from ndex2.cx2 import CX2Network

    cx2 = CX2Network()
    cx2.set_name(str(graph.graph.get("name", "msc-graph claims")))
    for key, value in sorted(dict(graph.graph.items()).items()):
        if key != "name":
            cx2.add_network_attribute(key, value)
    ids: dict[str, int] = {}
    for i, node in enumerate(sorted(graph.nodes)):
        data = dict(graph.nodes[node])
        attributes = {"name": data.pop("label", node), "represents": node, **data}
        ids[node] = cx2.add_node(node_id=i, attributes=attributes)
    for i, (u, v, key, data) in enumerate(sorted(graph.edges(keys=True, data=True), key=lambda e: (e[2], e[0], e[1]))):
        attributes = {"interaction": data.get("label", key), **{k: val for k, val in data.items() if k != "label"}}
        cx2.add_edge(edge_id=i, source=ids[u], target=ids[v], attributes=attributes)
    return cx2


def write_cx2(graph: nx.MultiDiGraph, path: Path) -> None:
    """CX2 JSON as NDEx stores it (``ndex2``'s own serialisation)."""
    cx2_network(graph).write_as_raw_cx2(str(path))
