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
* every page is laid out left to right in layers (``render/style.json``: source → cells → therapies →
  factors → targets → mechanisms → outcomes → conditions), physics off. The page script places
  the nodes from their measured label boxes, orders each layer to reduce crossings, collapses
  the least connected terms of a layer into a group node when the layer would not fit the
  window with legible labels, and re-fits the view after every filter, search or expansion;
* an explanation page draws the nodes of claimed chains in an upper band and those reached
  only by composed chains in a lower one, with the explanation's summary in the side panel.
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

from ..errors import InputError
from ..project import package_file
from .style import (  # noqa: F401  (_style and the style functions are part of this module's interface)
    _style,
    category_colours,
    category_style,
    darker,
    edge_kind,
    edge_kinds,
    edge_style,
    hedged_dashes,
    layers,
    modality_style,
    text_colour,
    unclaimed_modalities,
)

MAX_NODES = 5000
#: geometry the page script lays out with (vis-network units; 1 unit = 1 px at zoom 1)
LAYOUT = {
    "fontSize": 14,  # node labels
    "edgeFontSize": 11,  # edge labels, drawn from zoom edgeLabelZoom on
    "emphasisFontSize": 13,  # edge labels of a selected chain or neighbourhood, drawn at any legible zoom
    "edgeLabelZoom": 1.36,
    "targetScale": 0.8,  # the opening zoom the page aims for: 14 * 0.8 = 11.2 px labels
    "maxScale": 1.1,
    "hgap": 30,  # between layers
    "minColumn": 90,  # the narrowest and widest text column labels are wrapped to
    "maxColumn": 220,
    "maxLines": 3,
    "vgap": 8,  # between boxes in a layer
    "bandGap": 70,  # between the claimed and the composed band
    "titleHeight": 34,  # the layer titles above the columns
}


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
    neighbourhood, or an explanation (chains laid out left to right, claimed ones above the
    composed ones, the summary in the side panel)."""
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
    chains = explanation.chains if explanation is not None else []
    claimed_edges, composed_edges, band = _chain_roles(chains)

    net = Network(height="100%", width="100%", directed=True, cdn_resources="in_line")
    dense = len(edges) > 250  # thinner, translucent edges, so that the labels stay readable

    def category_of(node: str) -> str | None:
        if node in graph:
            return graph.nodes[node].get("category")
        term = onto.terms.get(node)
        return term.category if term else None

    def add_node(node: str) -> None:
        term = onto.terms.get(node)
        label = term.label if term else (graph.nodes[node].get("label", node) if node in graph else node)
        colour = category_style(category_of(node))[0]
        net.add_node(
            node,
            label=label,  # wrapped by the page script to its column's width
            color={"background": colour, "border": darker(colour), "highlight": {"background": colour}},
            shape="box",
            shapeProperties={"borderRadius": 4},
            font={"size": LAYOUT["fontSize"], "color": text_colour(colour), "face": "arial"},
            x=0,
            y=0,
        )

    for node in node_ids:
        add_node(node)
    conflicts = graph.graph["conflicts"]
    edge_data = {}
    for e in edges:
        modalities = {a.modality for a in e.assertions}
        hedged = bool(modalities) and all(modality_style(onto, m).get("dashed") for m in modalities)
        negative = e.polarity == "negative"
        label = ("NOT " if negative else "") + e.predicate.replace("_", " ")
        # a statement that no document claims (only reported as unevidenced, abandoned or asked)
        claimed = any(onto.claims_it(x) for x in modalities)
        unclaimed = None if claimed else next((m for m in unclaimed_order if m in modalities), None)
        kind = edge_kind(e.sign, e.polarity, unclaimed)
        if unclaimed is not None:
            label = modality_style(onto, unclaimed)["prefix"] + label
        colour, dashes, head, _ = edge_style(kind)
        if hedged and dashes is False:
            dashes = hedged_dashes()
        in_claimed = e.statement in claimed_edges
        if chains:
            width = 1 + 2 * len(e.documents) if in_claimed else 1.5
        else:
            width = (1 + 2 * len(e.documents)) * (0.45 if dense else 1)
        net.add_edge(
            e.subject,
            e.object,
            id=e.statement,
            label=label,
            color=colour,
            width=width,
            dashes=dashes,
            arrows={"to": {"enabled": True, "type": head, "scaleFactor": 0.7}},
            font={"size": LAYOUT["edgeFontSize"], "align": "middle", "strokeWidth": 3},
        )
        edge_data[e.statement] = {
            "subject": onto.terms[e.subject].label if e.subject in onto.terms else e.subject,
            "object": onto.terms[e.object].label if e.object in onto.terms else e.object,
            "predicate": e.predicate,
            "polarity": e.polarity,
            "kind": kind,
            "unclaimed": unclaimed,
            "context": {k: (onto.terms[v].label if v in onto.terms else v) for k, v in e.context.items()},
            "condition": e.context.get(condition_key),
            "conflicts": sorted(conflicts.get(e.statement, ())),
            "highlight": e.statement in highlight,
            "chain": "claimed" if in_claimed else "composed" if e.statement in composed_edges else None,
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
    for chain in chains:
        for step in chain.steps:
            if step.kind != "claim" and not step.statement:
                onto_steps[_ontology_key(step)] = step
    colour, dashes, head, _ = edge_style("ontology")
    for key, step in sorted(onto_steps.items()):
        for node in (step.subject, step.object):
            if node not in node_ids:
                node_ids.append(node)
                add_node(node)
        net.add_edge(
            step.subject,
            step.object,
            id=key,
            label=step.predicate,
            color=colour,
            width=2,
            dashes=dashes,
            arrows={"to": {"enabled": True, "type": head, "scaleFactor": 0.7}},
            font={"size": LAYOUT["edgeFontSize"], "align": "middle", "strokeWidth": 3},
        )
        edge_data[key] = {
            "subject": step.subject_label,
            "object": step.object_label,
            "predicate": step.predicate,
            "polarity": "positive",
            "kind": "ontology",
            "unclaimed": None,
            "context": {},
            "condition": None,
            "conflicts": [],
            "highlight": True,
            "chain": "claimed" if key in claimed_edges else "composed",
            "assertions": [],
            "ontology": step.inherited or "an ontology axiom (TBox), not a claim of any document",
        }
    node_data = {}
    for node in node_ids:
        term = onto.terms.get(node)
        attrs = graph.nodes[node] if node in graph else {}
        category = category_of(node)
        node_data[node] = {
            "label": term.label if term else attrs.get("label", node),
            "curie": node,
            "category": onto.category_label(category),
            "definition": term.definition if term else None,
            "synonyms": list(term.synonyms) if term else [],
            "focus": node in focus_nodes,
            "layer": category_style(category)[2],
            "band": band.get(node, 0),
        }
    categories_shown = {category_of(n) for n in node_ids}
    legend_nodes = [
        {"category": onto.category_label(cat), "key": cat, "colour": colour}
        for cat, colour in category_colours().items()
        if cat in categories_shown
    ]
    if categories_shown - set(category_colours()):
        legend_nodes.append({"category": "other categories", "key": None, "colour": category_style(None)[0]})
    kinds_shown = {d["kind"] for d in edge_data.values()}
    legend_edges = [
        {"kind": kind, "colour": colour, "dashes": dashes, "head": head, "text": text}
        for kind in edge_kinds()
        for colour, dashes, head, text in [edge_style(kind)]
        if kind in kinds_shown or kind in ("increase", "decrease", "negated")
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
    big = len(node_ids) > 300
    options: dict[str, Any] = {
        "physics": {"enabled": False},
        "interaction": {"hover": True, "tooltipDelay": 150, "hideEdgesOnDrag": big, "hideEdgesOnZoom": big},
        "edges": {
            "smooth": {"enabled": True, "type": "cubicBezier", "forceDirection": "horizontal", "roundness": 0.45},
            "scaling": {"label": {"drawThreshold": LAYOUT["edgeFontSize"] * LAYOUT["edgeLabelZoom"]}},
            "color": {"opacity": 0.55 if dense else 1.0},
        },
        "nodes": {"scaling": {"label": {"drawThreshold": 5}}},
        "layout": {"improvedLayout": False},
    }
    payload = {
        "nodes": net.nodes,
        "edges": net.edges,
        "options": options,
        "nodeData": node_data,
        "edgeData": edge_data,
        "legend": legend_nodes,
        "legendEdges": legend_edges,
        "hedgedDashes": hedged_dashes(),
        "layers": [title for _, title, _ in layers()],
        "unclaimed": {m: {k: modality_style(onto, m).get(k, "") for k in ("prefix", "note")} for m in unclaimed_order},
        "layout": LAYOUT,
        "filters": filters,
        "focused": bool(highlight),
        "title": title,
        "explanation": _explanation_panel(explanation) if explanation is not None else None,
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


def _ontology_key(step) -> str:
    return f"ontology:{step.subject}>{step.object}"


def _chain_roles(chains) -> tuple[set[str], set[str], dict[str, int]]:
    """The edges of claimed chains, those only composed chains use, and each chain node's band:
    0 when a claimed chain passes through it, 1 when only composed chains do."""
    claimed: set[str] = set()
    composed: set[str] = set()
    band: dict[str, int] = {}
    for chain in sorted(chains, key=lambda c: c.composed):  # claimed chains first
        keys = {step.statement or _ontology_key(step) for step in chain.steps}
        (composed if chain.composed else claimed).update(keys)
        for step in chain.steps:
            for node in (step.subject, step.object):
                band.setdefault(node, 1 if chain.composed else 0)
    return claimed, composed - claimed, band


def _explanation_panel(explanation) -> dict[str, Any]:
    """The explanation for the side panel: the summary per document, the contested points and the
    chains, as plain strings (the page inserts them with ``textContent``)."""
    answer = explanation.to_dict()

    def short(a: dict[str, Any]) -> str:
        cue = f" {a['cue']!r}" if a.get("cue") else ""
        return f"{a['claim']} {a['document']} ({a['party']}; {a['speaker']}; {a['modality']}{cue}): {a['paraphrase']}"

    def evidence(ev: dict[str, Any] | None) -> str:
        ev = ev or {}
        parts = [ev.get("label") or ev.get("type") or ""]
        parts += [f"{ev[k]} {name}" for k, name in (("studies", "studies"), ("patients", "patients")) if ev.get(k)]
        if ev.get("follow_up"):
            parts.append(f"follow-up {ev['follow_up']}")
        return ", ".join(p for p in parts if p)

    summary = []
    for d in answer["summary"]:
        firmly = (
            "claims no whole chain"
            if d["modality"] is None
            else f"{d['modality']}{' ' + repr(d['cue']) if d['cue'] else ''}; strongest evidence: {evidence(d['evidence'])}"
        )
        summary.append(
            {
                "document": d["document"],
                "who": "; ".join(d["parties"]) + f" ({', '.join(d['speakers'])})",
                "claims": " ".join(d["claims"]),
                "about": "the source's own cells"
                if d["specificity"] == "source"
                else "a broader class of cells (inherited)",
                "effects": ", ".join(f"{k} ({v})" for k, v in d["effects"].items()),
                "firmly": firmly,
                "chains": d["chains"],
                "caveats": [
                    f"{c['kind']}{' ' + repr(c['cue']) if c.get('cue') else ''}: {c['text']} ({c['claim']})"
                    for c in d["caveats"]
                ]
                + [f"denies: {c['text']} ({c['claim']})" for c in d["denies"]],
            }
        )
    contested = [
        {
            "text": point["text"],
            "chains": point["chains"],
            "for": [short(a) for a in point["claimed"]],
            "against": [f"{o['text']} | {short(a)}" for o in point["opposed"] for a in o["assertions"]],
        }
        for point in answer["contested"]
    ]
    chains = [
        {
            "rank": chain.rank,
            "text": chain.text(),
            "effect": chain.effect,
            "claimed_by": list(chain.claimed_by),
            "composed": chain.composed,
            "specificity": chain.specificity,
            "edges": [step.statement or _ontology_key(step) for step in chain.steps],
        }
        for chain in explanation.chains
    ]
    return {
        "heading": explanation.heading(),
        "summary": summary,
        "contested": contested,
        "denied": [f"{d['text']} ({', '.join(a['claim'] for a in d['assertions'])})" for d in answer["denied"]],
        "chains": chains,
        "notes": list(answer["notes"]),
    }


@cache
def _template() -> str:
    """The page template (``render/page.html``, package data): its slots ``__TITLE__``, ``__CSP__``,
    ``__DATA__`` and ``__VIS__`` are filled by :func:`render_page`."""
    return package_file("render", "page.html").read_text(encoding="utf-8")


def _vis_js() -> str:
    """vis-network, from the file the pyvis wheel bundles (pyvis is pinned to the release that
    bundles this version)."""
    import pyvis

    path = Path(pyvis.__file__).parent / "templates" / "lib" / "vis-9.1.2" / "vis-network.min.js"
    text = path.read_text(encoding="utf-8")
    return text.replace("</script", "<\\/script")
