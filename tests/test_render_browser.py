"""The graph page in a real headless Chromium (Debian's chromium, driven by Playwright)."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import networkx as nx
import pytest
import yaml

from msc_graph.model import sha256_text

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium (installed by .ci/run)"),
]
SCREENSHOTS = Path(os.environ.get("MSC_GRAPH_TEST_OUTPUTS", tempfile.gettempdir())) / "screenshots"

HOSTILE = (
    'Stem cells <script>window.__pwned = 1</script> cure <img src=x onerror="window.__pwned=2"> '
    'arthritis, see <a href="javascript:window.__pwned=3">this</a>.\n'
)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
        )
        yield b
        b.close()


def open_page(browser, path: Path):
    """Open a file with networking disabled; collect console errors and outside requests."""
    context = browser.new_context(offline=True, viewport={"width": 1400, "height": 900})
    page = context.new_page()
    log = {"errors": [], "requests": []}
    page.on("console", lambda m: log["errors"].append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: log["errors"].append(str(e)))
    page.on(
        "request", lambda r: None if r.url.startswith(("file:", "about:", "data:")) else log["requests"].append(r.url)
    )
    page.goto(path.as_uri())
    page.wait_for_function("window.mscGraph && window.mscGraph.ready", timeout=60000)
    return page, log


TERM_COUNT = "mscGraph.nodes.get({filter: n => !n.isGroup}).length"  # the group nodes are the page's own


def hostile_project(project):
    """Add a document whose text and curated strings carry markup."""
    doc = "f003_hostile"
    (project.corpus / f"{doc}.txt").write_text(HOSTILE, encoding="utf-8")
    registry = yaml.safe_load((project.ontology / "documents.yaml").read_text())
    registry["documents"].append(
        {
            "id": doc,
            "file": f"{doc}.txt",
            "sha256": sha256_text(HOSTILE),
            "title": "<script>window.__pwned=5</script>Hostile",
            "publisher": "x",
            "kind": "clinic-blog-post",
            "speaker": "clinic-marketing",
        }
    )
    (project.ontology / "documents.yaml").write_text(yaml.safe_dump(registry))
    span = HOSTILE.strip()
    claims = {
        "document": doc,
        "parties": {"evil": {"label": '<b onmouseover="window.__pwned=4">Evil party</b>', "kind": "publisher"}},
        "claims": [
            {
                "id": "t003-c001",
                "subject": "stem cell",
                "predicate": "treats",
                "object": "arthritis",
                "modality": "asserted",
                "party": "evil",
                "evidence": "ECO:0000204",
                "anchor": {"start": 0, "end": len(span), "sha256": sha256_text(span)},
                "paraphrase": "A page with <i>markup</i> says stem cells cure arthritis <script>x</script>.",
            }
        ],
    }
    (project.ontology / "claims" / f"{doc}.yaml").write_text(yaml.safe_dump(claims))
    return project


@pytest.fixture
def kg(project, monkeypatch):
    import msc_graph

    hostile_project(project)
    monkeypatch.setenv("MSC_GRAPH_ROOT", str(project.root))
    return msc_graph.load(build_dir=project.build, corpus=project.corpus)


def test_page_loads_offline_with_the_graphs_nodes_and_edges(kg, browser, tmp_path):
    view = kg.view()
    path = view.write(tmp_path / "all.html")
    page, log = open_page(browser, path)
    network = kg.network()
    assert page.evaluate(TERM_COUNT) == network.number_of_nodes() == view.node_count
    assert page.evaluate("mscGraph.edges.length") == network.number_of_edges() == view.edge_count
    page.wait_for_timeout(500)
    assert log["errors"] == [] and log["requests"] == []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "fixture-all.png"))
    assert (SCREENSHOTS / "fixture-all.png").stat().st_size > 10_000


def _statement_of(kg, claim):
    return next(r["statement"] for r in kg.claims() if r["claim"] == claim)


def test_clicking_an_edge_shows_document_modality_and_quote(kg, browser, tmp_path):
    page, _ = open_page(browser, kg.view().write(tmp_path / "p.html"))
    sid = _statement_of(kg, "t001-c002")
    page.evaluate("id => { mscGraph.network.body.emitter.emit('click', {nodes: [], edges: [id], event: {}}); }", sid)
    details = page.inner_text("#details")
    assert "f001_alpha.txt" in details and "hedged" in details and "(may)" in details
    assert "These signals may lower inflammation" in details  # the quote, resolved from the corpus


def test_hostile_markup_is_shown_as_text_and_never_runs(kg, browser, tmp_path):
    page, log = open_page(browser, kg.view().write(tmp_path / "h.html"))
    sid = _statement_of(kg, "t003-c001")
    page.evaluate("id => mscGraph.showEdge(id)", sid)
    details = page.inner_text("#details")
    assert "<script>window.__pwned = 1</script>" in details  # the quote, as text
    assert '<b onmouseover="window.__pwned=4">Evil party</b>' in details
    assert "<i>markup</i>" in details
    assert (
        page.evaluate(
            "document.querySelectorAll('#details script, #details img, #details a, #details b, #details i').length"
        )
        == 0
    )
    page.hover("#details")
    page.wait_for_timeout(300)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert log["errors"] == []


def test_filters_change_what_is_visible(kg, browser, tmp_path):
    page, _ = open_page(browser, kg.view().write(tmp_path / "f.html"))
    visible = "mscGraph.edges.get({filter: e => !e.hidden}).length"
    total = page.evaluate(visible)
    page.select_option("#f-document", "f002_beta.txt")
    only_beta = page.evaluate(visible)
    expected = len({r["statement"] for r in kg.claims(document="f002")})
    assert only_beta == expected < total
    page.select_option("#f-document", "")
    page.select_option("#f-modality", "negated")
    assert page.evaluate(visible) == 1
    assert "of" in page.inner_text("#counts")
    page.select_option("#f-modality", "")
    assert page.evaluate(visible) == total


def test_clicking_a_node_highlights_its_neighbourhood(kg, browser, tmp_path):
    page, _ = open_page(browser, kg.view().write(tmp_path / "n.html"))
    node = kg.lookup("IL-10").curie
    page.evaluate("id => { mscGraph.network.body.emitter.emit('click', {nodes: [id], edges: [], event: {}}); }", node)
    grey = page.evaluate("mscGraph.nodes.get({filter: n => n.color === '#e0e0e0'}).length")
    assert 0 < grey < page.evaluate("mscGraph.nodes.length")
    assert "interleukin-10" in page.inner_text("#details")


def test_focused_view_highlights_the_chains(kg, browser, tmp_path):
    view = kg.view(source="bone marrow", condition="knee osteoarthritis")
    page, log = open_page(browser, view.write(tmp_path / "focus.html"))
    highlighted = page.evaluate("Object.values(mscGraph.data.edgeData).filter(d => d.highlight).length")
    assert highlighted >= 2
    page.check("#only-chains")
    assert page.evaluate("mscGraph.edges.get({filter: e => !e.hidden}).length") == highlighted
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "fixture-explanation.png"))
    assert log["errors"] == []


WORDS = [
    "cartilage",
    "regulatory",
    "inflammatory",
    "mesenchymal",
    "response",
    "growth",
    "factor",
    "T cell",
    "of",
    "the",
]


def synthetic_kg(n_nodes: int, n_edges: int):
    """A graph of ``n_nodes`` terms in four categories, with labels of realistic length (2 to 6 words)."""
    from msc_graph.graph import KnowledgeGraph
    from msc_graph.ontology import load_ontology
    from msc_graph.projection import EvidenceItem, StatementEdge

    graph = nx.MultiDiGraph()
    statements = {}
    categories = ["CellType", "Factor", "Mechanism", "Condition"]
    for i in range(n_nodes):
        words = " ".join(WORDS[(i * k) % len(WORDS)] for k in range(1, 2 + i % 5))
        graph.add_node(f"n{i}", label=f"term {i} {words}", category=categories[i % 4], valence=None)
    for i in range(n_edges):
        s, o = f"n{i % n_nodes}", f"n{(i * 7 + 1) % n_nodes}"
        sid = f"s{i}"
        evidence = EvidenceItem(
            f"c{i}",
            "doc.txt",
            0,
            1,
            "p",
            "clinic-marketing",
            "asserted",
            None,
            "ECO:0000204",
            1,
            None,
            None,
            "synthetic",
        )
        statements[sid] = StatementEdge(sid, s, "increases", o, 1, "positive", {}, [evidence])
        graph.add_edge(s, o, key=sid, data=statements[sid])
    graph.graph.update(conflicts={}, statements=statements)
    kg = KnowledgeGraph(store=None, ontology=load_ontology())
    kg._cache["network"] = graph
    return kg


def test_a_5000_node_graph_opens_and_becomes_interactive(browser, tmp_path):
    from msc_graph.render import graph_view

    view = graph_view(synthetic_kg(5000, 6000))
    assert view.node_count == 5000
    page, log = open_page(browser, view.write(tmp_path / "big.html"))
    assert page.evaluate("mscGraph.network.physics.physicsEnabled") is False  # laid out in layers, no physics
    page.evaluate("() => { mscGraph.network.body.emitter.emit('click', {nodes: ['n42'], edges: [], event: {}}); }")
    assert "term 42" in page.inner_text("#details")
    assert_legible(page)  # most terms are collapsed into "+ N more" groups; what is shown is legible
    assert log["errors"] == []


def test_notebook_repr_is_an_isolated_iframe_that_renders(kg, browser, tmp_path):
    view = kg.view(entity="IL-10")
    snippet = view._repr_html_()
    assert snippet.startswith("<iframe") and 'sandbox="allow-scripts"' in snippet and "<script>" not in snippet
    host = tmp_path / "notebook.html"
    host.write_text(f"<!DOCTYPE html><html><body>{snippet}</body></html>")
    context = browser.new_context(offline=True)
    page = context.new_page()
    page.goto(host.as_uri())
    frame = page.frames[-1]
    frame.wait_for_function("window.mscGraph && window.mscGraph.ready", timeout=60000)
    assert frame.evaluate(TERM_COUNT) == view.node_count


def test_viz_cli(project, tmp_path):
    from helpers import run_cli

    out = tmp_path / "out.html"
    result = run_cli(project, "viz", "--source", "bone marrow", "--condition", "knee osteoarthritis", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert out.exists() and "wrote" in result.stdout
    assert 'src="http' not in out.read_text() and 'href="http' not in out.read_text()
    result = run_cli(project, "viz", "--document", "f001", "--entity", "IL-10", "-o", str(out))
    assert result.returncode == 2 and "choose one view" in result.stderr
    result = run_cli(project, "viz", "--entity", "IL-1O", "-o", str(out))
    assert result.returncode == 2 and "did you mean" in result.stderr


def test_absence_of_evidence_is_drawn_apart_from_negation(browser, tmp_path, monkeypatch):
    """A statement reported only as 'none reported' is a dotted amber edge with a circle end labelled
    'no evidence', never the red bar of a denial; its panel says it is neither claimed nor denied."""
    from fixture_project import anchor, default_claims, make_project

    import msc_graph

    claims = default_claims()
    claims["f002_beta"]["claims"].append(
        {
            "id": "t002-c003",
            "subject": "bone marrow MSC",
            "predicate": "has_risk",
            "object": "tumor formation",
            "modality": "not-reported",
            "cue": "no ... reported",
            "party": "publisher",
            "evidence": "ECO:0000204",
            "anchor": anchor("f002_beta", "Inflammation drives knee osteoarthritis."),
            "paraphrase": "Fixture: no tumour after marrow MSCs has been reported.",
        }
    )
    fresh = make_project(tmp_path / "p", claims)
    monkeypatch.setenv("MSC_GRAPH_ROOT", str(fresh.root))
    kg = msc_graph.load(build_dir=fresh.build, corpus=fresh.corpus)
    page, log = open_page(browser, kg.view().write(tmp_path / "absent.html"))
    absent, negated = _statement_of(kg, "t002-c003"), _statement_of(kg, "t001-c003")
    edge = page.evaluate("id => mscGraph.edges.get(id)", absent)
    assert edge["label"].startswith("no evidence: ")
    assert edge["arrows"]["to"]["type"] == "circle" and edge["dashes"]
    denial = page.evaluate("id => mscGraph.edges.get(id)", negated)
    assert denial["label"].startswith("NOT ") and denial["arrows"]["to"]["type"] != "circle"
    assert str(edge["color"]) != str(denial["color"])
    page.evaluate("id => mscGraph.showEdge(id)", absent)
    details = page.inner_text("#details")
    assert details.startswith("no evidence: ") and "absence of evidence" in details and "NOT" not in details
    assert log["errors"] == []


def test_placeholder_text_in_the_graph_stays_text(project, browser, tmp_path, monkeypatch):
    """A term label, a party and a paraphrase that read like the template's slots are shown as written:
    the slots are filled in one pass, so nothing from the graph is ever filled in again."""
    import msc_graph

    slots = "__TITLE__ __CSP__ __DATA__ __VIS__"
    terms = project.ontology / "terms.ttl"
    text = terms.read_text(encoding="utf-8")
    terms.write_text(text.replace('rdfs:label "interleukin-10"', f'rdfs:label "interleukin-10 {slots}"', 1))
    claims = yaml.safe_load(project.claim_file("f001_alpha").read_text())
    claims["parties"]["publisher"]["label"] = f"Alpha Clinic {slots}"
    claims["claims"][0]["paraphrase"] = f"Marrow-derived MSCs are said to secrete IL-10 {slots}."
    project.claim_file("f001_alpha").write_text(yaml.safe_dump(claims, sort_keys=False))
    monkeypatch.setenv("MSC_GRAPH_ROOT", str(project.root))
    kg = msc_graph.load(build_dir=project.build, corpus=project.corpus)
    view = kg.view(entity="IL-10")
    assert view.title == f"msc-graph: claims around interleukin-10 {slots}"
    plain = kg.view(entity="inflammation")
    assert len(view.html) < len(plain.html) + 20_000  # no 470 KB of script pasted into the title or data
    page, log = open_page(browser, view.write(tmp_path / "slots.html"))
    assert page.title() == view.title
    assert page.inner_text("#title") == view.title
    statement = _statement_of(kg, "t001-c001")
    page.evaluate("id => mscGraph.showEdge(id)", statement)
    details = page.inner_text("#details")
    assert f"Alpha Clinic {slots}" in details and f"secrete IL-10 {slots}." in details
    assert log["errors"] == []


def test_the_csp_runs_only_the_pages_own_scripts(kg, browser, tmp_path):
    """If escaping ever failed, injected script would still not run: the Content-Security-Policy names
    the page's two scripts by hash, and everything else inline is refused."""
    view = kg.view()
    assert "unsafe-inline" not in view.html.split("script-src", 1)[1].split(";", 1)[0]
    injected = view.html.replace(
        "<body>",
        '<body><script>window.__pwned = 7</script><img src="data:," onerror="window.__pwned = 8">'
        '<a id="evil" href="javascript:window.__pwned = 9">x</a>',
        1,
    )
    path = tmp_path / "injected.html"
    path.write_text(injected, encoding="utf-8")
    page, log = open_page(browser, path)  # the page's own scripts run: the graph is ready
    assert page.evaluate(TERM_COUNT) == view.node_count
    page.click("#evil")
    page.wait_for_timeout(300)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert any("Content Security Policy" in e for e in log["errors"])  # the browser refused them


# ----------------------------------------------------------------------------- layout and legibility

#: every visible node's box as vis-network draws it (label inside the box), in pixels of the canvas
LABEL_BOXES = """() => {
  const net = mscGraph.network;
  return mscGraph.nodes.get({filter: n => !n.hidden}).map(n => {
    const b = net.getBoundingBox(n.id);
    const tl = net.canvasToDOM({x: b.left, y: b.top}), br = net.canvasToDOM({x: b.right, y: b.bottom});
    return {id: n.id, group: !!n.isGroup, layer: n.isGroup ? n.layer : mscGraph.data.nodeData[n.id].layer,
            band: n.isGroup ? 0 : mscGraph.data.nodeData[n.id].band, left: tl.x, top: tl.y, right: br.x, bottom: br.y};
  });
}"""
CANVAS = "(() => { const c = document.getElementById('network'); return [c.clientWidth, c.clientHeight]; })()"


def label_boxes(page):
    page.evaluate("mscGraph.network.redraw()")
    page.wait_for_timeout(100)
    return page.evaluate(LABEL_BOXES)


def assert_legible(page, min_font_px: float = 10.0, only=None):
    """The measure of a readable page: every visible node (or those in ``only``) lies inside the canvas,
    its label is drawn at ``min_font_px`` or more (vis-network draws a label from 5 px on), and no two
    label boxes overlap."""
    width, height = page.evaluate(CANVAS)
    boxes = [b for b in label_boxes(page) if only is None or b["id"] in only]
    assert boxes
    scale = page.evaluate("mscGraph.network.getScale()")
    assert 14 * scale >= min_font_px, f"labels drawn at {14 * scale:.1f} px"
    for b in boxes:
        assert b["left"] >= -1 and b["right"] <= width + 1 and b["top"] >= -1 and b["bottom"] <= height + 1, b
    boxes.sort(key=lambda b: b["left"])
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            if b["left"] >= a["right"]:
                break
            assert a["bottom"] <= b["top"] or b["bottom"] <= a["top"], f"{a['id']} overlaps {b['id']}"
    return boxes


@pytest.fixture(scope="module")
def real_kg():
    """The curated graph (built into the tests' temporary folder), with quotes when the corpus is there."""
    import msc_graph

    corpus = Path(__file__).resolve().parents[2] / "shared" / "corpus"
    return msc_graph.load(corpus=corpus if corpus.is_dir() else None)


def test_the_whole_graph_opens_fitted_with_legible_labels(real_kg, browser, tmp_path):
    """~400 terms: the page opens fitted, every term shown has a label of 10 px or more that overlaps no
    other, the least connected terms of a crowded column sit in a "+ N more" group; showing a group
    re-fits the view."""
    view = real_kg.view()
    assert view.node_count > 300
    page, log = open_page(browser, view.write(tmp_path / "all.html"))
    boxes = assert_legible(page)
    groups = [b for b in boxes if b["group"]]
    terms = [b for b in boxes if not b["group"]]
    assert groups and len(terms) >= 120  # a real overview, not a handful of nodes
    hidden = sum(int(page.evaluate(f"mscGraph.state.groups[{g['layer']}].hidden")) for g in groups)
    assert len(terms) + hidden == view.node_count  # every term is shown or counted in a group
    assert "in “+ N more” groups" in page.inner_text("#counts")
    # columns in layer order, left to right
    for a in terms:
        for b in terms:
            if a["layer"] < b["layer"]:
                assert a["right"] < b["left"], (a, b)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "real-all.png"))
    # a group shows its terms when clicked, and the view is fitted to the new layout
    layer = groups[0]["layer"]
    click = "g => { mscGraph.network.body.emitter.emit('click', {nodes: [g], edges: [], event: {}}); }"
    page.evaluate(click, f"group:{layer}")
    shown = page.evaluate(
        "k => mscGraph.nodes.get({filter: n => !n.hidden && !n.isGroup && mscGraph.data.nodeData[n.id].layer === k})"
        ".length",
        layer,
    )
    assert shown > len([b for b in terms if b["layer"] == layer])
    width, height = page.evaluate(CANVAS)
    for b in label_boxes(page):
        assert b["left"] >= -1 and b["right"] <= width + 1 and b["top"] >= -1 and b["bottom"] <= height + 1
    assert log["errors"] == [] and log["requests"] == []


@pytest.mark.parametrize("n_nodes", [300, 1000])
def test_300_to_1000_terms_stay_legible(browser, tmp_path, n_nodes):
    from msc_graph.render import graph_view

    page, log = open_page(browser, graph_view(synthetic_kg(n_nodes, 2 * n_nodes)).write(tmp_path / "s.html"))
    boxes = assert_legible(page)
    assert len(boxes) >= 60
    assert log["errors"] == []


def test_filters_and_search_refit_the_view(real_kg, browser, tmp_path):
    page, _ = open_page(browser, real_kg.view().write(tmp_path / "all.html"))
    before = page.evaluate("mscGraph.network.getScale()")
    document = page.evaluate("mscGraph.data.filters.document[0]")
    page.select_option("#f-document", document)
    boxes = assert_legible(page)  # re-fitted and re-laid out: still inside, legible, apart
    expected = {
        n
        for e in page.evaluate(
            "d => mscGraph.data.edges.filter(e => mscGraph.data.edgeData[e.id].assertions.some(a => a.document === d))",
            document,
        )
        for n in (e["from"], e["to"])
    }
    shown = {b["id"] for b in boxes if not b["group"]}
    assert shown <= expected and len(shown) > 0.5 * min(len(expected), 100)
    # search: the term and its neighbours are shown (out of their groups), highlighted and fitted
    page.select_option("#f-document", "")
    hit = real_kg.lookup("macrophage").curie
    page.fill("#search", "macrophage")
    neighbours = set(page.evaluate("id => mscGraph.network.getConnectedNodes(id)", hit)) | {hit}
    assert neighbours <= {b["id"] for b in label_boxes(page)}
    assert_legible(page, only=neighbours)
    assert page.evaluate("mscGraph.network.getScale()") >= before
    assert "macrophage" in page.inner_text("#details")
    page.fill("#search", "")
    assert abs(page.evaluate("mscGraph.network.getScale()") - before) < 1e-6  # back to the whole view


def test_explanation_page_lays_chains_out_left_to_right_with_the_summary_on_top(kg, browser, tmp_path):
    """Source, cells, factors, mechanisms, condition left to right; the claimed chains above the composed
    one; the explanation's summary (per document, hostile party label shown as text) heads the panel."""
    view = kg.view(source="bone marrow", condition="knee osteoarthritis")
    page, log = open_page(browser, view.write(tmp_path / "focus.html"))
    boxes = {b["id"]: b for b in assert_legible(page)}
    layer = {b["id"]: b["layer"] for b in boxes.values()}
    source, condition = kg.lookup("bone marrow").curie, kg.lookup("knee osteoarthritis").curie
    assert layer[source] == 0 and boxes[source]["right"] < min(b["left"] for k, b in boxes.items() if k != source)
    for a in boxes.values():  # one column per layer, in order
        for b in boxes.values():
            if a["layer"] < b["layer"]:
                assert a["right"] < b["left"]
    # every chain step that goes forward between layers points right
    for e in page.evaluate("mscGraph.edges.get({filter: e => !e.hidden})"):
        if layer[e["from"]] < layer[e["to"]]:
            assert boxes[e["from"]]["right"] < boxes[e["to"]]["left"]
    # the condition is reached only by the composed chain: it sits in the lower band, below every claimed node
    assert boxes[condition]["band"] == 1
    assert boxes[condition]["top"] > max(b["bottom"] for b in boxes.values() if b["band"] == 0)
    bands = page.evaluate("mscGraph.state.bands.map(b => b.text)")
    assert bands[0].startswith("claimed chains") and bands[1].startswith("composed chains")
    find = "c => Object.keys(mscGraph.data.edgeData).find(k => mscGraph.data.edgeData[k].chain === c && k[0] === 's')"
    composed_edge, claimed_edge = page.evaluate(find, "composed"), page.evaluate(find, "claimed")
    widths = page.evaluate("ids => ids.map(id => mscGraph.edges.get(id).width)", [composed_edge, claimed_edge])
    assert widths[0] < widths[1]  # composed-only steps are drawn thin
    # the summary is the first thing in the side panel
    first = page.evaluate("document.querySelector('aside').firstElementChild.id")
    assert first == "answer"
    answer = page.inner_text("#answer")
    assert answer.startswith("How is bone marrow") and "What the documents claim" in answer
    assert "f002_beta.txt" in answer and "a small trial" in answer
    assert '<b onmouseover="window.__pwned=4">Evil party</b>' in answer  # text, not markup
    markup = "#answer [onmouseover], #answer script, #answer img, #answer a, #answer i"
    assert page.evaluate("m => document.querySelectorAll(m).length", markup) == 0
    # clicking a chain in the panel highlights its steps and dims the rest
    page.evaluate("document.querySelectorAll('#answer details').forEach(d => { d.open = true; })")
    page.click("#answer .chains li")
    assert page.evaluate("mscGraph.edges.get({filter: e => !e.hidden && e.color === '#eeeeee'}).length") > 0
    page.hover("#answer")
    page.wait_for_timeout(200)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "fixture-explanation-layers.png"))
    assert log["errors"] == []


def test_a_real_explanation_page_is_layered_and_legible(real_kg, browser, tmp_path):
    view = real_kg.view(source="umbilical cord", condition="multiple sclerosis")
    page, log = open_page(browser, view.write(tmp_path / "ucms.html"))
    boxes = assert_legible(page)
    assert not any(b["group"] for b in boxes)  # no step of a chain is collapsed
    for a in boxes:
        for b in boxes:
            if a["layer"] < b["layer"]:
                assert a["right"] < b["left"]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "real-explanation.png"))
    assert log["errors"] == []


def test_edge_colours_follow_the_effect_and_the_legend_matches(kg, browser, tmp_path):
    """Increase: green arrow; decrease: red bar head; a denial: dark, long dashes, "NOT", never a bar head
    (it is not an inhibition); the legend draws each kind in the colour the edges use."""
    page, log = open_page(browser, kg.view().write(tmp_path / "c.html"))
    edges = {e["id"]: e for e in page.evaluate("mscGraph.edges.get()")}
    kinds = page.evaluate("Object.fromEntries(Object.entries(mscGraph.data.edgeData).map(([k, d]) => [k, d.kind]))")
    legend = page.evaluate(
        "Object.fromEntries([...document.querySelectorAll('#legend [data-kind]')]"
        ".map(d => [d.dataset.kind, d.dataset.colour]))"
    )

    def edge_of(claim):
        return edges[_statement_of(kg, claim)]

    increase, decrease, denial = edge_of("t001-c001"), edge_of("t001-c002"), edge_of("t001-c003")
    assert kinds[increase["id"]] == "increase" and increase["arrows"]["to"]["type"] == "arrow"
    assert kinds[decrease["id"]] == "decrease" and decrease["arrows"]["to"]["type"] == "bar"
    assert kinds[denial["id"]] == "negated" and denial["arrows"]["to"]["type"] != "bar"
    assert denial["label"].startswith("NOT ") and denial["dashes"] and not decrease["label"].startswith("NOT")
    assert len({increase["color"], decrease["color"], denial["color"]}) == 3
    assert legend["increase"] == increase["color"] and legend["decrease"] == decrease["color"]
    assert legend["negated"] == denial["color"]
    for edge_id, kind in kinds.items():
        assert legend[kind] == edges[edge_id]["color"]  # every kind drawn is in the legend, in its colour
    # the legend's sample of a decrease ends in a bar, of an increase in an arrow head
    assert page.evaluate("document.querySelector('#legend [data-kind=decrease] svg line:nth-of-type(2)') !== null")
    assert page.evaluate("document.querySelector('#legend [data-kind=increase] svg polygon') !== null")
    legend_text = page.inner_text("#legend")
    assert "decreases / inhibits" in legend_text and "NOT" in legend_text
    assert log["errors"] == []
