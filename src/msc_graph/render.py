"""The interactive graph page (pyvis + vis-network), offline and safe. The only module importing pyvis.

pyvis builds the nodes, edges and options; the page itself comes from our own template,
because pyvis 0.3.2's templates load vis-network and bootstrap from CDNs (a blank page
offline) and insert the heading and, with ``href`` in a title, tooltips as HTML. Here:

* vis-network (shipped inside the pyvis wheel) is inlined: the page loads nothing from outside;
* all data travels in one ``<script type="application/json">`` block with ``<``, ``>`` and
  ``&`` escaped, and the page builds tooltips and the side panel as DOM elements with
  ``textContent``, so markup in a document or a curated file is shown as text, never run;
* large graphs get a precomputed layered layout (source → cell → factor → mechanism →
  target → outcome → condition) with physics off; small ones stabilise, then stop.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import InputError

#: category -> (colour, vis-network shape, column in the layered layout)
CATEGORY_STYLE: dict[str, tuple[str, str, int]] = {
    "CellSource": ("#8c564b", "box", 0),
    "CellType": ("#1f77b4", "ellipse", 1),
    "Intervention": ("#7f7f7f", "box", 1),
    "ProductForm": ("#c7c7c7", "box", 1),
    "Factor": ("#2ca02c", "diamond", 2),
    "Mechanism": ("#9467bd", "dot", 3),
    "Target": ("#17becf", "triangle", 4),
    "Outcome": ("#bcbd22", "star", 5),
    "Phenotype": ("#dbdb8d", "star", 5),
    "Risk": ("#d62728", "triangleDown", 5),
    "Condition": ("#ff7f0e", "hexagon", 6),
}
OTHER_STYLE = ("#aaaaaa", "square", 6)
POSITIVE, NEGATIVE, UNSIGNED = "#2e7d32", "#c62828", "#546e7a"
#: statements no document claims: absence of evidence ("none reported") and views reported as abandoned;
#: drawn dotted with a circle end, never like a denial (red, bar end)
NO_EVIDENCE, SUPERSEDED = "#f9a825", "#8d6e63"
#: the prefix of the edge label for a statement that only these modalities report
UNCLAIMED_PREFIX = {"not-reported": "no evidence: ", "superseded": "superseded: ", "questioned": "asked: "}
MAX_NODES = 5000
PHYSICS_LIMIT = 300  # above this, a precomputed layout and no physics


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
        import os
        import tempfile

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
    layout = len(node_ids) > PHYSICS_LIMIT
    positions = _layered_positions(node_ids, graph) if layout else {}

    net = Network(height="100%", width="100%", directed=True, cdn_resources="in_line")
    for node in node_ids:
        data = graph.nodes[node]
        colour, shape, _ = CATEGORY_STYLE.get(data.get("category") or "", OTHER_STYLE)
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
        hedged = bool(modalities) and modalities <= {"hedged", "questioned"}
        negative = e.polarity == "negative"
        colour = NEGATIVE if negative else POSITIVE if e.sign != 0 else UNSIGNED
        width = 1 + 2 * len(e.documents)
        arrows = {"to": {"enabled": True, "type": "bar" if negative else "arrow"}}
        label = ("NOT " if negative else "") + e.predicate.replace("_", " ")
        # a statement that no document claims (only reported as unevidenced, abandoned or asked)
        unclaimed = next(
            (m for m in UNCLAIMED_PREFIX if not any(onto.claims_it(x) for x in modalities) and m in modalities), None
        )
        if unclaimed is not None:
            colour = {"not-reported": NO_EVIDENCE, "superseded": SUPERSEDED}.get(unclaimed, colour)
            arrows = {"to": {"enabled": True, "type": "circle"}} if unclaimed != "questioned" else arrows
            label = UNCLAIMED_PREFIX[unclaimed] + label
        net.add_edge(
            e.subject,
            e.object,
            id=e.statement,
            label=label,
            color=colour,
            width=width,
            dashes=[1, 5] if unclaimed in ("not-reported", "superseded") else hedged,
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
            "condition": e.context.get("condition"),
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
                colour, shape, _ = CATEGORY_STYLE.get(term.category if term else "", OTHER_STYLE)
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
        for cat, (colour, shape, _) in CATEGORY_STYLE.items()
        if cat in categories_shown
    ]
    filters = {
        "document": sorted({a.document for e in edges for a in e.assertions}),
        "speaker": sorted({a.speaker for e in edges for a in e.assertions}),
        "modality": sorted({a.modality for e in edges for a in e.assertions}),
        "evidence": sorted(
            {edge_data[e.statement]["assertions"][i]["evidence_label"] for e in edges for i in range(len(e.assertions))}
        ),
        "condition": sorted(
            {(c, onto.terms[c].label if c in onto.terms else c) for e in edges if (c := e.context.get("condition"))},
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
    }
    page = (
        _TEMPLATE.replace("__TITLE__", html.escape(title))
        .replace("__VIS__", _vis_js())
        .replace("__DATA__", _json_for_html(payload))
    )
    return GraphView(page, title, len(node_ids), len(edges) + len(onto_steps))


def _short(label: str, n: int = 32) -> str:
    return label if len(label) <= n else label[: n - 1] + "…"


def _layered_positions(node_ids: list[str], graph) -> dict[str, tuple[float, float]]:
    """Columns by category (source → condition), rows by name: instant and deterministic."""
    columns: dict[int, list[str]] = {}
    for node in node_ids:
        column = CATEGORY_STYLE.get(graph.nodes[node].get("category") or "", OTHER_STYLE)[2]
        columns.setdefault(column, []).append(node)
    positions = {}
    for column, nodes in columns.items():
        nodes.sort(key=lambda n: graph.nodes[n].get("label", n).lower())
        per_column = max(1, int(len(nodes) ** 0.5 / 2))  # wide columns for big categories
        for i, node in enumerate(nodes):
            sub, row = divmod(i, max(1, -(-len(nodes) // per_column)))
            positions[node] = (column * 900 + sub * 160, row * 45)
    return positions


def _vis_js() -> str:
    import pyvis

    path = Path(pyvis.__file__).parent / "templates" / "lib" / "vis-9.1.2" / "vis-network.min.js"
    text = path.read_text(encoding="utf-8")
    return text.replace("</script", "<\\/script")


_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<title>__TITLE__</title>
<style>
 body { margin: 0; font: 14px/1.4 system-ui, sans-serif; display: grid; grid-template-columns: 1fr 380px;
        grid-template-rows: auto 1fr; height: 100vh; }
 header { grid-column: 1 / 3; padding: 6px 10px; border-bottom: 1px solid #ddd; display: flex; flex-wrap: wrap;
          gap: 8px; align-items: center; }
 header h1 { font-size: 16px; margin: 0 12px 0 0; }
 #graph { position: relative; }
 #network { position: absolute; inset: 0; }
 aside { border-left: 1px solid #ddd; overflow: auto; padding: 8px 10px; }
 select, input { font-size: 13px; }
 .legend span { display: inline-block; margin: 0 8px 2px 0; }
 .swatch { display: inline-block; width: 10px; height: 10px; margin-right: 3px; border-radius: 2px; }
 .assertion { border-top: 1px solid #eee; padding: 4px 0; }
 .quote { font-style: italic; color: #444; }
 .muted { color: #777; }
 #explanation { white-space: pre-wrap; font-size: 12px; }
 .vis-tooltip { position: absolute; visibility: hidden; padding: 5px; white-space: normal; max-width: 360px;
                background: #fffbe6; border: 1px solid #999; border-radius: 3px; font-size: 12px; z-index: 5; }
</style>
</head>
<body>
<header>
 <h1 id="title"></h1>
 <label>document <select id="f-document"></select></label>
 <label>speaker <select id="f-speaker"></select></label>
 <label>modality <select id="f-modality"></select></label>
 <label>evidence <select id="f-evidence"></select></label>
 <label>condition <select id="f-condition"></select></label>
 <input id="search" type="search" placeholder="find an entity…" aria-label="find an entity">
 <label id="only-wrap"><input id="only-chains" type="checkbox"> chains only</label>
 <span id="counts" class="muted"></span>
</header>
<div id="graph"><div id="network"></div></div>
<aside>
 <div id="legend" class="legend"></div>
 <div id="details"><p class="muted">Click an edge to see who claims it, or a node to highlight its neighbourhood.</p></div>
 <pre id="explanation" class="muted"></pre>
</aside>
<script type="application/json" id="msc-data">__DATA__</script>
<script>__VIS__</script>
<script>
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("msc-data").textContent);
  function el(tag, text, cls) { var e = document.createElement(tag); if (text != null) e.textContent = String(text);
    if (cls) e.className = cls; return e; }
  var UNCLAIMED = {"not-reported": "absence of evidence: the document says no report or evidence of this exists; it neither claims nor denies it",
                   "superseded": "a view the document reports as past or abandoned, without claiming it",
                   "questioned": "asked, neither claimed nor denied"};
  var PREFIX = {"not-reported": "no evidence: ", "superseded": "superseded: ", "questioned": "asked: "};
  function statementText(d) {
    return (d.unclaimed ? PREFIX[d.unclaimed] : "") + d.subject + " " + (d.polarity === "negative" ? "NOT " : "") +
      d.predicate + " " + d.object; }
  document.getElementById("title").textContent = data.title;
  if (data.explanation) document.getElementById("explanation").textContent = data.explanation;
  if (!data.focused) document.getElementById("only-wrap").style.display = "none";

  // tooltips are DOM elements built with textContent: markup in the data stays text
  data.nodes.forEach(function (n) {
    var d = data.nodeData[n.id], box = el("div");
    box.appendChild(el("b", d.label)); box.appendChild(el("div", d.curie + " · " + d.category, "muted"));
    if (d.definition) box.appendChild(el("div", d.definition));
    n.title = box; n.originalColor = n.color;
  });
  data.edges.forEach(function (e) {
    var d = data.edgeData[e.id], box = el("div");
    box.appendChild(el("b", statementText(d)));
    box.appendChild(el("div", d.assertions.length + " assertion(s) in " +
      new Set(d.assertions.map(function (a) { return a.document; })).size + " document(s)", "muted"));
    e.title = box; e.originalColor = e.color; e.originalWidth = e.width;
  });
  var nodes = new vis.DataSet(data.nodes), edges = new vis.DataSet(data.edges);
  var network = new vis.Network(document.getElementById("network"), {nodes: nodes, edges: edges}, data.options);
  network.once("stabilizationIterationsDone", function () { network.setOptions({physics: false}); });
  if (!data.options.physics.enabled) network.fit();

  // legend
  var legend = document.getElementById("legend");
  data.legend.forEach(function (l) { var s = el("span"); var sw = el("span", null, "swatch");
    sw.style.background = l.colour; s.appendChild(sw); s.appendChild(document.createTextNode(l.category + " (" + l.shape + ")"));
    legend.appendChild(s); });
  [["#2e7d32", "increases / positive"], ["#c62828", "NOT: negated statement (bar end)"], ["#546e7a", "unsigned"],
   ["#f9a825", "no evidence: the document says none is reported (dotted, circle end; not a denial)"],
   ["#8d6e63", "superseded: a view the document reports as abandoned (dotted)"],
   [null, "dashed: hedged only; width: number of documents"]].forEach(function (p) {
    var s = el("span"); if (p[0]) { var sw = el("span", null, "swatch"); sw.style.background = p[0]; s.appendChild(sw); }
    s.appendChild(document.createTextNode(p[1])); legend.appendChild(s); });

  // filters
  function fill(id, values, labels) { var s = document.getElementById(id); s.appendChild(el("option", "(all)"));
    s.options[0].value = ""; values.forEach(function (v, i) { var o = el("option", labels ? labels[i] : v); o.value = v;
    s.appendChild(o); }); s.addEventListener("change", applyFilters); }
  fill("f-document", data.filters.document); fill("f-speaker", data.filters.speaker);
  fill("f-modality", data.filters.modality); fill("f-evidence", data.filters.evidence);
  fill("f-condition", data.filters.condition.map(function (c) { return c[0]; }),
       data.filters.condition.map(function (c) { return c[1]; }));
  document.getElementById("only-chains").addEventListener("change", applyFilters);
  function value(id) { return document.getElementById(id).value; }
  function applyFilters() {
    var f = {document: value("f-document"), speaker: value("f-speaker"), modality: value("f-modality"),
             evidence: value("f-evidence"), condition: value("f-condition")};
    var only = document.getElementById("only-chains").checked, active = Object.keys(f).some(function (k) { return f[k]; }) || only;
    var visibleNodes = {}, edgeUpdates = [];
    data.edges.forEach(function (e) {
      var d = data.edgeData[e.id];
      var ok = d.ontology ? true : d.assertions.some(function (a) {
        return (!f.document || a.document === f.document) && (!f.speaker || a.speaker === f.speaker) &&
               (!f.modality || a.modality === f.modality) && (!f.evidence || a.evidence_label === f.evidence); });
      if (f.condition && !d.ontology && d.condition !== f.condition) ok = false;
      if (only && !d.highlight) ok = false;
      if (ok) { visibleNodes[e.from] = true; visibleNodes[e.to] = true; }
      edgeUpdates.push({id: e.id, hidden: !ok});
    });
    edges.update(edgeUpdates);
    nodes.update(data.nodes.map(function (n) { return {id: n.id, hidden: active && !visibleNodes[n.id]}; }));
    counts();
  }
  function counts() {
    var vn = nodes.get({filter: function (n) { return !n.hidden; }}).length;
    var ve = edges.get({filter: function (e) { return !e.hidden; }}).length;
    document.getElementById("counts").textContent = vn + " of " + data.nodes.length + " nodes, " + ve + " of " +
      data.edges.length + " edges";
  }

  // focus: chains highlighted, the rest dimmed
  function dimAll(keepNode, keepEdge) {
    nodes.update(data.nodes.map(function (n) { return {id: n.id, color: keepNode(n) ? n.originalColor : "#e0e0e0"}; }));
    edges.update(data.edges.map(function (e) { var k = keepEdge(e);
      return {id: e.id, color: k ? e.originalColor : "#eeeeee", width: k ? e.originalWidth : 1}; }));
  }
  function resetColours() {
    if (data.focused) { dimAll(function (n) { return data.nodeData[n.id].focus; },
                               function (e) { return data.edgeData[e.id].highlight; }); }
    else { dimAll(function () { return true; }, function () { return true; }); }
  }
  resetColours();

  // click: a node highlights its neighbourhood; an edge opens the details panel
  network.on("click", function (params) {
    if (params.nodes.length) {
      var id = params.nodes[0], keep = {}; keep[id] = true;
      network.getConnectedNodes(id).forEach(function (n) { keep[n] = true; });
      var keepEdges = {}; network.getConnectedEdges(id).forEach(function (e) { keepEdges[e] = true; });
      dimAll(function (n) { return keep[n.id]; }, function (e) { return keepEdges[e.id]; });
      showNode(id);
    } else if (params.edges.length) { showEdge(params.edges[0]); }
    else { resetColours(); }
  });
  function showNode(id) {
    var d = data.nodeData[id], box = document.getElementById("details"); box.replaceChildren();
    box.appendChild(el("h3", d.label)); box.appendChild(el("div", d.curie + " · " + d.category, "muted"));
    if (d.definition) box.appendChild(el("p", d.definition));
    if (d.synonyms.length) box.appendChild(el("p", "also: " + d.synonyms.join(", "), "muted"));
  }
  function showEdge(id) {
    var d = data.edgeData[id], box = document.getElementById("details"); box.replaceChildren();
    box.appendChild(el("h3", statementText(d)));
    if (d.unclaimed) box.appendChild(el("div", UNCLAIMED[d.unclaimed], "muted"));
    var ctx = Object.keys(d.context).map(function (k) { return k + ": " + d.context[k]; }).join("; ");
    if (ctx) box.appendChild(el("div", "context: " + ctx, "muted"));
    if (d.conflicts.length) box.appendChild(el("div", "conflicts with " + d.conflicts.length + " other statement(s)"));
    if (d.ontology) box.appendChild(el("div", "ontology step: " + d.ontology, "muted"));
    d.assertions.forEach(function (a) {
      var div = el("div", null, "assertion");
      div.appendChild(el("div", a.paraphrase));
      div.appendChild(el("div", a.document + " · " + a.party + " · " + a.speaker + " · " + a.modality +
        (a.cue ? " (" + a.cue + ")" : "") + " · " + a.evidence_label, "muted"));
      if (a.quote) div.appendChild(el("div", "\u201c" + a.quote + "\u201d", "quote"));
      div.dataset.claim = a.claim;
      box.appendChild(div);
    });
  }

  // search
  document.getElementById("search").addEventListener("input", function (ev) {
    var q = ev.target.value.trim().toLowerCase(); if (!q) { resetColours(); return; }
    var hit = data.nodes.find(function (n) { var d = data.nodeData[n.id];
      return d.label.toLowerCase().indexOf(q) >= 0 || d.synonyms.some(function (s) { return s.toLowerCase().indexOf(q) >= 0; }) ||
             d.curie.toLowerCase() === q; });
    if (hit) { network.selectNodes([hit.id]); network.focus(hit.id, {scale: 1.2}); showNode(hit.id); }
  });
  counts();
  window.mscGraph = {network: network, nodes: nodes, edges: edges, data: data, showEdge: showEdge,
                     applyFilters: applyFilters, ready: true};
})();
</script>
</body>
</html>
"""
