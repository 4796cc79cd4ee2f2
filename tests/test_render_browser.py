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
    assert page.evaluate("mscGraph.nodes.length") == network.number_of_nodes() == view.node_count
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


def test_a_5000_node_graph_opens_and_becomes_interactive(browser, tmp_path):
    from msc_graph.graph import KnowledgeGraph
    from msc_graph.ontology import load_ontology
    from msc_graph.projection import EvidenceItem, StatementEdge
    from msc_graph.render import graph_view

    graph = nx.MultiDiGraph()
    statements = {}
    categories = ["CellType", "Factor", "Mechanism", "Condition"]
    for i in range(5000):
        graph.add_node(f"n{i}", label=f"term {i}", category=categories[i % 4], valence=None)
    for i in range(6000):
        s, o = f"n{i % 5000}", f"n{(i * 7 + 1) % 5000}"
        sid = f"s{i}"
        statements[sid] = StatementEdge(
            sid,
            s,
            "increases",
            o,
            1,
            "positive",
            {},
            [
                EvidenceItem(
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
            ],
        )
        graph.add_edge(s, o, key=sid, data=statements[sid])
    graph.graph.update(conflicts={}, statements=statements)
    kg = KnowledgeGraph(store=None, ontology=load_ontology())
    kg._cache["network"] = graph
    view = graph_view(kg)
    assert view.node_count == 5000
    page, log = open_page(browser, view.write(tmp_path / "big.html"))
    assert page.evaluate("mscGraph.network.physics.physicsEnabled") is False  # precomputed layout
    page.evaluate("() => { mscGraph.network.body.emitter.emit('click', {nodes: ['n42'], edges: [], event: {}}); }")
    assert "term 42" in page.inner_text("#details")
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
    assert frame.evaluate("mscGraph.nodes.length") == view.node_count


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
    assert denial["label"].startswith("NOT ") and denial["arrows"]["to"]["type"] == "bar"
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
    assert page.evaluate("mscGraph.nodes.length") == view.node_count
    page.click("#evil")
    page.wait_for_timeout(300)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert any("Content Security Policy" in e for e in log["errors"])  # the browser refused them
