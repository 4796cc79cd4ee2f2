"""The interactive graph page (pyvis + vis-network), offline and safe. The only module importing pyvis.

pyvis builds the nodes, edges and options; the page itself comes from our own template,
because pyvis 0.3.2's templates load vis-network and bootstrap from CDNs (a blank page
offline) and insert the heading and, with ``href`` in a title, tooltips as HTML. Here:

* vis-network (shipped inside the pyvis wheel) is inlined: the page loads nothing from outside;
* all data travels in one ``<script type="application/json">`` block with ``<``, ``>`` and
  ``&`` escaped, and the page builds tooltips and the side panel as DOM elements with
  ``textContent``, so markup in a document or a curated file is shown as text, never run;
* the template's slots are filled in one pass (data can never reach a slot), and the
  Content-Security-Policy allows only the page's own two scripts, by hash: escaping is not the
  only protection;
* large graphs get a precomputed layered layout (source → cell → factor → mechanism →
  target → outcome → condition) with physics off; small ones stabilise, then stop.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import os
import re
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from ..errors import EnvironmentProblem, InputError
from ..ontology import Ontology
from ..project import package_file

POSITIVE, NEGATIVE, UNSIGNED = "#2e7d32", "#c62828", "#546e7a"
MAX_NODES = 5000
PHYSICS_LIMIT = 300  # above this, a precomputed layout and no physics


@cache
def _style() -> dict[str, Any]:
    """How the page draws categories and modalities (``render/style.json``, package data)."""
    data: dict[str, Any] = json.loads(package_file("render", "style.json").read_text(encoding="utf-8"))
    return data


def category_style(category: str | None) -> tuple[str, str, int]:
    """(colour, vis-network shape, column in the layered layout) of a category."""
    style = _style()
    found = style["categories"].get(category or "", style["other_category"])
    return found["colour"], found["shape"], found["column"]


def unclaimed_modalities(onto: Ontology) -> list[str]:
    """The modalities whose assertions claim nothing (``msc:stance`` "none"), in the page's order."""
    styled = [m for m in _style()["modalities"] if m in onto.stance]
    return [m for m in [*styled, *sorted(set(onto.stance) - set(styled))] if not onto.claims_it(m)]


def modality_style(onto: Ontology, modality: str) -> dict[str, Any]:
    """How statements that only this modality reports are drawn; the prefix defaults to its label."""
    style = dict(_style()["modalities"].get(modality, {}))
    style.setdefault("prefix", f"{modality}: ")
    return style


def _json_for_html(data: Any) -> str:
    """JSON that is safe inside a <script> element (no tag or entity can be formed)."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


@dataclass
class GraphView:
    """A rendered page: ``html`` is the complete self-contained document."""

    html: str
    title: str
    node_count: int
    edge_count: int

    def write(self, path: str | Path) -> Path:
        """Write the page atomically."""
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(self.html)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
        return target

    def __repr__(self) -> str:
        return f"GraphView({self.title!r}, {self.node_count} nodes, {self.edge_count} edges)"

    def _repr_html_(self) -> str:
        """An isolated iframe with the page inline (``srcdoc``): works where notebooks block scripts."""
        return (
            f'<iframe title="{html.escape(self.title)}" style="width:100%;height:720px;border:1px solid #ddd" '
            f'sandbox="allow-scripts" srcdoc="{html.escape(self.html, quote=True)}"></iframe>'
        )


# ----------------------------------------------------------------------------- selection


def _select(
    kg, *, source=None, condition=None, document=None, entity=None, explanation=None, radius=1, generalise=True
):
    """The statements (edges) to show, and the chain edges to highlight."""
    graph = kg.network()
    statements = graph.graph["statements"]
    highlight: set[str] = set()
    chain_nodes: set[str] = set()
    title = "msc-graph: all claims"
    if source or condition or explanation is not None:
        if explanation is None:
            if not (source and condition):
                raise InputError("a focused view needs both --source and --condition")
            explanation = kg.explain(source, condition, generalise=generalise)
        for chain in explanation.chains:
            for step in chain.steps:
                chain_nodes.update((step.subject, step.object))
                if step.statement:
                    highlight.add(step.statement)
        chosen = {sid for sid, e in statements.items() if e.subject in chain_nodes and e.object in chain_nodes}
        chosen |= highlight
        title = f"msc-graph: how {explanation.source_label} is claimed to affect {explanation.condition_label}"
        return chosen, highlight, chain_nodes, title, explanation
    if document:
        doc = kg.document_id(document)
        chosen = {sid for sid, e in statements.items() if any(a.document == f"{doc}.txt" for a in e.assertions)}
        title = f"msc-graph: claims of {doc}"
        return chosen, highlight, chain_nodes, title, None
    if entity:
        term = kg.lookup(entity)
        import networkx as nx

        if term.curie not in graph:
            raise InputError(f"no claim mentions {term.label!r} ({term.curie}) as subject or object")
        nodes = set(nx.ego_graph(graph.to_undirected(as_view=True), term.curie, radius=radius).nodes)
        chosen = {sid for sid, e in statements.items() if e.subject in nodes and e.object in nodes}
        title = f"msc-graph: claims around {term.label}"
        return chosen, highlight, {term.curie}, title, None
    return set(statements), highlight, chain_nodes, title, None


# ----------------------------------------------------------------------------- page


def graph_view(
    kg,
    *,
    source: str | None = None,
    condition: str | None = None,
    document: str | None = None,
    entity: str | None = None,
    explanation=None,
    radius: int = 1,
    max_nodes: int = MAX_NODES,
    generalise: bool = True,
) -> GraphView:
    """Build the interactive page for the whole graph, one document, an entity's
    neighbourhood, or an explanation (chains highlighted, the rest dimmed)."""
    from pyvis.network import Network

    chosen, highlight, focus_nodes, title, explanation = _select(
        kg,
        source=source,
        condition=condition,
        document=document,
        entity=entity,
        explanation=explanation,
        radius=radius,
        generalise=generalise,
    )
    graph = kg.network()
    statements = graph.graph["statements"]
    edges = [statements[sid] for sid in sorted(chosen)]
    node_ids = sorted({e.subject for e in edges} | {e.object for e in edges})
    if len(node_ids) > max_nodes:
        raise InputError(
            f"the view would have {len(node_ids)} nodes (limit {max_nodes}); narrow it with "
            "--document, --entity or --source/--condition"
        )
    onto = kg.ontology
    unclaimed_order = unclaimed_modalities(onto)
    condition_key = onto.role_key("condition")
    layout = len(node_ids) > PHYSICS_LIMIT
    positions = _layered_positions(node_ids, graph) if layout else {}

    net = Network(height="100%", width="100%", directed=True, cdn_resources="in_line")
    for node in node_ids:
        data = graph.nodes[node]
        colour, shape, _ = category_style(data.get("category"))
        extra = {"x": positions[node][0], "y": positions[node][1], "physics": False} if layout else {}
        inside = shape in ("box", "ellipse")  # the label is drawn inside these shapes
        net.add_node(
            node,
            label=_short(data.get("label", node)),
            color=colour,
            shape=shape,
            size=14,
            font={"size": 14, "color": "#ffffff" if inside else "#222222"},
            **extra,
        )
    conflicts = graph.graph["conflicts"]
    edge_data = {}
    for e in edges:
        modalities = {a.modality for a in e.assertions}
        hedged = bool(modalities) and all(modality_style(onto, m).get("dashed") for m in modalities)
        negative = e.polarity == "negative"
        colour = NEGATIVE if negative else POSITIVE if e.sign != 0 else UNSIGNED
        width = 1 + 2 * len(e.documents)
        arrows = {"to": {"enabled": True, "type": "bar" if negative else "arrow"}}
        label = ("NOT " if negative else "") + e.predicate.replace("_", " ")
        # a statement that no document claims (only reported as unevidenced, abandoned or asked)
        claimed = any(onto.claims_it(x) for x in modalities)
        unclaimed = None if claimed else next((m for m in unclaimed_order if m in modalities), None)
        dotted = False
        if unclaimed is not None:
            style = modality_style(onto, unclaimed)
            colour = style.get("colour", colour)
            arrows = {"to": {"enabled": True, "type": style["end"]}} if "end" in style else arrows
            label = style["prefix"] + label
            dotted = bool(style.get("dotted"))
        net.add_edge(
            e.subject,
            e.object,
            id=e.statement,
            label=label,
            color=colour,
            width=width,
            dashes=[1, 5] if dotted else hedged,
            arrows=arrows,
            font={"size": 11, "align": "middle"},
        )
        edge_data[e.statement] = {
            "subject": onto.terms[e.subject].label if e.subject in onto.terms else e.subject,
            "object": onto.terms[e.object].label if e.object in onto.terms else e.object,
            "predicate": e.predicate,
            "polarity": e.polarity,
            "unclaimed": unclaimed,
            "context": {k: (onto.terms[v].label if v in onto.terms else v) for k, v in e.context.items()},
            "condition": e.context.get(condition_key),
            "conflicts": sorted(conflicts.get(e.statement, ())),
            "highlight": e.statement in highlight,
            "assertions": [
                {
                    **a.to_dict(),
                    "quote": kg.quote(a.document, a.start, a.end) if kg.corpus else None,
                    "evidence_label": onto.terms[a.evidence_type].label
                    if a.evidence_type in onto.terms
                    else a.evidence_type,
                }
                for a in e.assertions
            ],
        }
    # the ontology steps of the chains (tissue -> cells, class -> superclass, cells -> therapy)
    onto_steps = {}
    for chain in explanation.chains if explanation is not None else []:
        for step in chain.steps:
            if step.kind != "claim" and not step.statement:
                onto_steps[f"ontology:{step.subject}>{step.object}"] = step
    for key, step in sorted(onto_steps.items()):
        for node in (step.subject, step.object):
            if node not in node_ids:
                node_ids.append(node)
                term = onto.terms.get(node)
                colour, shape, _ = category_style(term.category if term else None)
                inside = shape in ("box", "ellipse")
                net.add_node(
                    node,
                    label=_short(term.label if term else node),
                    color=colour,
                    shape=shape,
                    size=14,
                    font={"size": 14, "color": "#ffffff" if inside else "#222222"},
                )
        net.add_edge(
            step.subject,
            step.object,
            id=key,
            label=step.predicate,
            color="#9e9e9e",
            width=2,
            dashes=[2, 4],
            arrows={"to": {"enabled": True, "type": "arrow"}},
            font={"size": 11},
        )
        edge_data[key] = {
            "subject": step.subject_label,
            "object": step.object_label,
            "predicate": step.predicate,
            "polarity": "positive",
            "unclaimed": None,
            "context": {},
            "condition": None,
            "conflicts": [],
            "highlight": True,
            "assertions": [],
            "ontology": step.inherited or "an ontology axiom (TBox), not a claim of any document",
        }
    node_data = {}
    for node in node_ids:
        term = onto.terms.get(node)
        attrs = graph.nodes[node] if node in graph else {}
        node_data[node] = {
            "label": term.label if term else attrs.get("label", node),
            "curie": node,
            "category": onto.category_label(term.category if term else attrs.get("category")),
            "definition": term.definition if term else None,
            "synonyms": list(term.synonyms) if term else [],
            "focus": node in focus_nodes,
        }
    categories_shown = {
        (graph.nodes[n].get("category") if n in graph else getattr(onto.terms.get(n), "category", None))
        for n in node_ids
    }
    legend = [
        {"category": onto.category_label(cat), "key": cat, "colour": colour, "shape": shape}
        for cat in _style()["categories"]
        if cat in categories_shown
        for colour, shape, _ in [category_style(cat)]
    ]
    filters = {
        "document": sorted({a.document for e in edges for a in e.assertions}),
        "speaker": sorted({a.speaker for e in edges for a in e.assertions}),
        "modality": sorted({a.modality for e in edges for a in e.assertions}),
        "evidence": sorted(
            {edge_data[e.statement]["assertions"][i]["evidence_label"] for e in edges for i in range(len(e.assertions))}
        ),
        "condition": sorted(
            {(c, onto.terms[c].label if c in onto.terms else c) for e in edges if (c := e.context.get(condition_key))},
            key=lambda x: x[1],
        ),
    }
    options = {
        "physics": {
            "enabled": not layout,
            "stabilization": {"enabled": True, "iterations": 300},
            "barnesHut": {"gravitationalConstant": -6000, "springLength": 160},
        },
        "interaction": {"hover": True, "tooltipDelay": 150, "hideEdgesOnDrag": layout},
        "edges": {"smooth": {"enabled": not layout, "type": "dynamic"}},
        "layout": {"improvedLayout": not layout and len(node_ids) < 150},
    }
    payload = {
        "nodes": net.nodes,
        "edges": net.edges,
        "options": options,
        "nodeData": node_data,
        "edgeData": edge_data,
        "legend": legend,
        "filters": filters,
        "focused": bool(highlight),
        "title": title,
        "explanation": explanation.text(limit=5) if explanation is not None else None,
        "unclaimed": {m: {k: modality_style(onto, m).get(k, "") for k in ("prefix", "note")} for m in unclaimed_order},
    }
    page = render_page(title, _json_for_html(payload))
    return GraphView(page, title, len(node_ids), len(edges) + len(onto_steps))


_SLOT = re.compile(r"__(TITLE|CSP|DATA|VIS)__")
_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


def render_page(title: str, data_json: str) -> str:
    """The page: the template's slots filled in **one pass** (a replacement is never searched again,
    so a term label or paraphrase reading ``__DATA__`` or ``__VIS__`` stays text), and a
    Content-Security-Policy that lets only the page's own two scripts run: each is named by its
    SHA-256, so any other inline script, event handler or ``javascript:`` URL is refused by the
    browser even if escaping ever failed. ``data_json`` must already be safe inside a script element
    (:func:`_json_for_html`)."""
    template, app = _template(), _app_script()
    vis = _vis_js()
    hashes = " ".join(f"'sha256-{_digest(code)}'" for code in (vis, app))
    parts = {
        "TITLE": html.escape(title),
        "CSP": f"default-src 'none'; script-src {hashes}; style-src 'unsafe-inline'; img-src data:",
        "DATA": data_json,
        "VIS": vis,
    }
    return _SLOT.sub(lambda m: parts[m.group(1)], template)


def _digest(code: str) -> str:
    return base64.b64encode(hashlib.sha256(code.encode("utf-8")).digest()).decode()


@cache
def _app_script() -> str:
    """The page's own script: the template's one inline script besides vis-network's slot."""
    scripts = [body for body in _SCRIPT.findall(_template()) if body != "__VIS__"]
    if len(scripts) != 1:  # pragma: no cover - a template edit that breaks the CSP is caught here
        raise RuntimeError(f"render/page.html must hold exactly one inline script besides __VIS__, not {len(scripts)}")
    return scripts[0]


def _short(label: str, n: int = 32) -> str:
    return label if len(label) <= n else label[: n - 1] + "…"


def _layered_positions(node_ids: list[str], graph) -> dict[str, tuple[float, float]]:
    """Columns by category (source → condition), rows by name: instant and deterministic."""
    columns: dict[int, list[str]] = {}
    for node in node_ids:
        column = category_style(graph.nodes[node].get("category"))[2]
        columns.setdefault(column, []).append(node)
    positions: dict[str, tuple[float, float]] = {}
    for column, nodes in columns.items():
        nodes.sort(key=lambda n: graph.nodes[n].get("label", n).lower())
        per_column = max(1, int(len(nodes) ** 0.5 / 2))  # wide columns for big categories
        for i, node in enumerate(nodes):
            sub, row = divmod(i, max(1, -(-len(nodes) // per_column)))
            positions[node] = (column * 900 + sub * 160, row * 45)
    return positions


@cache
def _template() -> str:
    """The page template (``render/page.html``, package data): its slots ``__TITLE__``, ``__CSP__``,
    ``__DATA__`` and ``__VIS__`` are filled by :func:`render_page`."""
    return package_file("render", "page.html").read_text(encoding="utf-8")


def _vis_js() -> str:
    """vis-network, from the file the pyvis wheel bundles (``templates/lib/vis-*/``; pyvis is
    bounded to the 0.3 series, which bundles vis-network 9.1.2)."""
    import pyvis

    found = sorted((Path(pyvis.__file__).parent / "templates" / "lib").glob("vis-*/vis-network.min.js"))
    if not found:
        raise EnvironmentProblem("the installed pyvis bundles no vis-network file; install pyvis>=0.3.2,<0.4")
    text = found[-1].read_text(encoding="utf-8")
    return text.replace("</script", "<\\/script")
