"""Exports for other tools, each read back by that ecosystem's own reader.

* the NetworkX projection: every NetworkX writer takes it (GraphML, GEXF, node-link JSON);
* GraphML and GEXF: NetworkX's readers, and GraphML's XML conventions checked element by element;
* Cytoscape.js JSON: NetworkX's ``cytoscape_graph``; CX2: ``ndex2``'s own CX2 reader and its
  NetworkX factory;
* KGX: ``kgx``'s TSV and JSON lines sources, validated by ``kgx``'s validator against the Biolink
  Model that the ``biolink-model`` package ships (offline: see :func:`kgx_offline`);
* nanopublications: rdflib's Dataset (TriG) and the ``nanopub`` package's validity check;
* the claims CSV: pandas; the per-claim JSON-LD: pyld (expanded to RDF with the shipped contexts
  only) against the build's own triples.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pytest
from helpers import run_cli

import msc_graph
from msc_graph.io import EXPORT_FORMATS
from msc_graph.io import jsonld as jsonld_io
from msc_graph.namespaces import BASE, BIOLINK
from msc_graph.project import build_dir
from msc_graph.projection import statements

GRAPHML = "{http://graphml.graphdrawing.org/xmlns}"
GRAPHML_TYPES = {"boolean", "int", "long", "float", "double", "string"}


@pytest.fixture(scope="module")
def kg():
    return msc_graph.load()


@pytest.fixture(scope="module")
def exported(kg, tmp_path_factory):
    folder = tmp_path_factory.mktemp("exports")
    out = {}
    for name, spec in EXPORT_FORMATS.items():
        out[name] = kg.export(name, folder / (name if spec.folder else f"msc-graph{spec.suffix}"))
    return out


def _claiming(kg) -> list:
    return [a for a in kg.curation().assertions if a.statement.object is not None and kg.ontology.claims_it(a.modality)]


# ---------------------------------------------------------------------------- the NetworkX projection


def test_the_network_has_plain_attributes_and_every_writer_takes_it(kg, tmp_path):
    g = kg.network()
    plain = (str, int, float, bool)
    for _, data in g.nodes(data=True):
        assert all(isinstance(v, plain) for v in data.values()), data
    for _, _, key, data in g.edges(keys=True, data=True):
        assert all(isinstance(v, plain) for v in data.values()), data
        assert data["statement"] == key and statements(g)[key].statement == key  # the object, by key
    assert all(isinstance(v, plain) for v in g.graph.values())
    nx.write_graphml(g, tmp_path / "g.graphml")
    nx.write_gexf(g, tmp_path / "g.gexf")
    data = json.loads(json.dumps(nx.node_link_data(g, edges="edges")))
    assert len(data["edges"]) == g.number_of_edges()
    assert nx.get_edge_attributes(g, "predicate") and nx.get_edge_attributes(g, "polarity")
    negated = [d for _, _, d in g.edges(data=True) if d["negated"]]
    assert negated and all(d["label"].startswith("NOT ") and d["polarity"] == "negative" for d in negated)


# ---------------------------------------------------------------------------- network formats


def test_graphml_reads_back_and_follows_the_graphml_conventions(kg, exported):
    (path,) = exported["graphml"]
    g = kg.network()
    back = nx.read_graphml(path, force_multigraph=True)
    assert back.number_of_nodes() == g.number_of_nodes() and back.number_of_edges() == g.number_of_edges()
    u, v, key, data = next(iter(sorted(g.edges(keys=True, data=True), key=lambda e: e[2])))
    assert back.edges[u, v, key]["predicate"] == data["predicate"] and back.edges[u, v, key]["sign"] == data["sign"]
    root = ET.parse(path).getroot()
    assert root.tag == f"{GRAPHML}graphml"
    keys = {k.get("id"): k for k in root.findall(f"{GRAPHML}key")}
    assert keys and all(k.get("attr.type") in GRAPHML_TYPES and k.get("attr.name") for k in keys.values())
    assert all(k.get("for") in {"node", "edge", "graph", "all"} for k in keys.values())
    (graph,) = root.findall(f"{GRAPHML}graph")
    assert graph.get("edgedefault") == "directed"
    node_ids = [n.get("id") for n in graph.findall(f"{GRAPHML}node")]
    edges = graph.findall(f"{GRAPHML}edge")
    assert len(set(node_ids)) == len(node_ids) == g.number_of_nodes()
    assert len({e.get("id") for e in edges}) == len(edges) == g.number_of_edges()
    assert all(e.get("source") in node_ids and e.get("target") in node_ids for e in edges)
    assert all(d.get("key") in keys for d in root.iter(f"{GRAPHML}data"))


def test_gexf_reads_back(kg, exported):
    (path,) = exported["gexf"]
    back = nx.read_gexf(path)
    g = kg.network()
    assert back.number_of_nodes() == g.number_of_nodes() and back.number_of_edges() == g.number_of_edges()
    labels = {back.nodes[n]["label"] for n in back.nodes}
    assert "mesenchymal stem cell" in labels
    assert {d["polarity"] for _, _, d in back.edges(data=True)} == {"positive", "negative"}


def test_cytoscape_js_reads_back(kg, exported):
    (path,) = exported["cyjs"]
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    assert all("id" in e["data"] for e in data["elements"]["nodes"] + data["elements"]["edges"])
    back = nx.cytoscape_graph(data, name="label", ident="id")
    g = kg.network()
    assert back.number_of_nodes() == g.number_of_nodes() and back.number_of_edges() == g.number_of_edges()


def test_cx2_round_trips_through_ndex2(kg, exported):
    from ndex2.cx2 import CX2NetworkXFactory, RawCX2NetworkFactory

    (path,) = exported["cx2"]
    network = RawCX2NetworkFactory().get_cx2network(str(path))
    g = kg.network()
    assert len(network.get_nodes()) == g.number_of_nodes() and len(network.get_edges()) == g.number_of_edges()
    names = {n["v"]["represents"]: n["v"]["name"] for n in network.get_nodes().values()}
    assert names["CL:0000134"] == "mesenchymal stem cell"
    interactions = {e["v"]["interaction"] for e in network.get_edges().values()}
    assert "produces" in interactions and any(i.startswith("NOT ") for i in interactions)
    back = CX2NetworkXFactory().get_graph(network)
    assert back.number_of_edges() == g.number_of_edges()


# ---------------------------------------------------------------------------- KGX


def kgx_offline():
    """kgx's validator, offline, with the Biolink Model the ``biolink-model`` package ships.

    kgx 2.3 builds a Biolink Model Toolkit at import time from a GitHub URL (bmt's default schema
    and predicate map) and reads the Biolink JSON-LD context from another URL. The shipped schema
    (``biolink_model/schema/biolink_model.yaml``, 4.x) and prefix map replace them; the predicate
    map (for predicate/qualifier conversion, which validation does not use) is left empty.
    """
    import biolink_model
    import bmt.toolkit
    import kgx.config

    base = Path(next(iter(biolink_model.__path__)))
    kgx.config.jsonld_context_map["biolink"] = json.loads(
        (base / "prefixmaps" / "biolink-model-prefix-map.json").read_text(encoding="utf-8")
    )
    bmt.toolkit.Toolkit.__init__.__defaults__ = (
        str(base / "schema" / "biolink_model.yaml"),
        {"predicate mappings": []},
    )
    from kgx.validator import Validator

    return Validator


@pytest.mark.parametrize("fmt", ["tsv", "jsonl"])
def test_kgx_passes_the_kgx_validator_against_the_biolink_model(kg, exported, fmt):
    Validator = kgx_offline()  # before anything imports kgx
    from kgx.transformer import Transformer

    files = [str(p) for p in exported["kgx"] if p.suffix == f".{fmt}"]
    counts: dict[str, int] = {}
    validator = Validator(
        progress_monitor=lambda kind, rec: counts.__setitem__(kind.value, counts.get(kind.value, 0) + 1)
    )
    # the project's own prefixes are not Biolink's: msc (project terms), msc.assertion, msc.statement
    validator.prefixes |= {"msc", "msc.assertion", "msc.statement"}
    Transformer(stream=True).transform(input_args={"filename": files, "format": fmt}, inspector=validator)
    assert validator.get_errors() == {}
    assert counts["edge"] == len(_claiming(kg))
    assert validator.get_validation_model_version().startswith("4.")


def test_kgx_edges_carry_negation_knowledge_level_sources_and_anchor(kg, exported):
    rows = [json.loads(line) for p in exported["kgx"] if p.name == "msc-graph_edges.jsonl"
            for line in p.read_text(encoding="utf-8").splitlines()]  # fmt: skip
    by_id = {r["id"]: r for r in rows}
    negated = [r for r in rows if r["negated"]]
    assert negated and all(r["msc_modality"] in ("negated", "hedged") for r in negated)
    assert all(r["knowledge_level"] == kg.ontology.knowledge_levels[r["msc_modality"]] for r in rows)
    assert {r["agent_type"] for r in rows} == {"manual_agent"}
    assert {r["primary_knowledge_source"] for r in rows} == {"infores:msc-graph"}
    assert any(p.startswith("PMID:") for r in rows for p in r.get("publications", []))
    assert all(r["msc_anchor"].split("#char=")[0] == r["msc_document"] for r in rows)
    hedged = [r for r in rows if r["msc_modality"] == "hedged"]
    assert hedged and {r["knowledge_level"] for r in hedged} == {"prediction"}
    assert any("disease_context_qualifier" in r for r in rows)
    # a claim relation with a direction: decreases is affects + decreased
    decreases = [r for r in rows if r["original_predicate"] == "RO:0002305"]
    assert decreases and all(r["predicate"] == "biolink:affects" and r["object_direction_qualifier"] == "decreased"
                             for r in decreases)  # fmt: skip
    assert len(by_id) == len(rows)


def test_every_category_and_relation_maps_to_a_biolink_element(kg):
    """The mapping table is in the ontology and complete; every target exists in the Biolink Model."""
    kgx_offline()
    from bmt import Toolkit

    toolkit = Toolkit()
    onto = kg.ontology
    for category in onto.categories:
        kind, target = onto.mapping(BASE + category, BIOLINK)
        assert toolkit.is_category("biolink:" + target[len(BIOLINK) :]), (category, target)
    for pred in onto.predicates.values():
        if pred.literal:
            continue
        kind, target = onto.mapping(pred.iri, BIOLINK)
        assert toolkit.is_predicate("biolink:" + target[len(BIOLINK) :]), (pred.key, target)
    for key, slot in onto.biolink_slots.items():
        assert toolkit.get_element(slot) is not None, (key, slot)


def test_no_biolink_name_is_written_in_code():
    src = Path(msc_graph.__file__).parent
    for path in src.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "biolink:Named" not in text and "biolink:related_to" not in text, path


# ---------------------------------------------------------------------------- nanopublications


def test_nanopublications_parse_as_a_dataset_and_pass_the_nanopub_check(kg, exported):
    from nanopub import Nanopub
    from rdflib import ConjunctiveGraph, Dataset, URIRef
    from rdflib.namespace import RDF

    (path,) = exported["nanopub"]
    ds = Dataset(default_union=True)
    ds.parse(path, format="trig")
    np_class = URIRef("http://www.nanopub.org/nschema#Nanopublication")
    heads = sorted(ds.subjects(RDF.type, np_class))
    assert len(heads) == len(kg.curation().assertions)
    assert len([g for g in ds.graphs() if len(g)]) == 4 * len(heads)
    prov = "http://www.w3.org/ns/prov#"
    for head in heads[:: max(1, len(heads) // 40)]:  # every 40th, each whole
        one = ConjunctiveGraph()
        for part in ("Head", "assertion", "provenance", "pubinfo"):
            graph = ds.graph(URIRef(f"{head}#{part}"))
            assert len(graph), (head, part)
            for triple in graph:
                one.get_context(graph.identifier).add(triple)
        assert Nanopub(rdf=one).is_valid
        provenance = ds.graph(URIRef(f"{head}#provenance"))
        assertion = URIRef(f"{head}#assertion")
        assert provenance.value(assertion, URIRef(prov + "wasAttributedTo")) is not None
        assert str(provenance.value(assertion, URIRef(prov + "wasDerivedFrom"))).startswith(BASE + "document/")
        pubinfo = ds.graph(URIRef(f"{head}#pubinfo"))
        assert str(pubinfo.value(URIRef(str(head)), URIRef("http://purl.org/dc/terms/license"))).endswith("MIT")


# ---------------------------------------------------------------------------- tables and JSON-LD


def test_claims_csv_carries_every_context_key(kg, exported):
    import pandas as pd

    (path,) = exported["csv"]
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert len(frame) == len(kg.curation().assertions)
    for key in kg.ontology.context_order:
        assert key in frame.columns
    with_donor = frame[frame["donor"] != ""]
    assert len(with_donor) and set(with_donor["donor"]) <= set(kg.ontology.terms)


def test_claims_json_ld_is_one_object_per_claim_and_expands_offline_to_the_builds_triples(kg, exported):
    from pyld import jsonld
    from rdflib import Graph

    (path,) = exported["jsonld"]
    doc = json.loads(Path(path).read_text(encoding="utf-8"))
    assert doc["@context"] == [jsonld_io.ANNO_CONTEXT_URL, jsonld_io.CONTEXT_URL]
    assert len(doc["@graph"]) == len(kg.curation().assertions)
    first = doc["@graph"][0]
    assert first["target"]["selector"]["type"] == "TextPositionSelector"
    assert isinstance(first["target"]["selector"]["start"], int)
    nquads = jsonld.to_rdf(doc, {"documentLoader": jsonld_io.document_loader, "format": "application/n-quads"})
    claims = Graph().parse(data=nquads, format="nt")
    build = Graph().parse(build_dir() / "msc-graph.nt", format="nt")
    assert len(claims) > 20 * len(doc["@graph"])
    assert not [t for t in claims if t not in build]


def test_the_shipped_json_ld_contexts_are_generated_from_the_ontology(kg, tmp_path):
    jsonld_io.write_contexts(kg.ontology, tmp_path)
    for path in jsonld_io.SHIPPED.values():
        assert (tmp_path / path.name).read_text(encoding="utf-8") == path.read_text(encoding="utf-8"), (
            f"{path.name} is stale: run msc_graph.io.jsonld.write_contexts(load_ontology())"
        )


# ---------------------------------------------------------------------------- the command


def test_export_command_writes_each_format_and_rejects_an_unknown_one(tmp_path):
    done = run_cli(None, "export", "--format", "graphml", "--output", str(tmp_path / "g.graphml"))
    assert done.returncode == 0, done.stderr
    assert nx.read_graphml(tmp_path / "g.graphml", force_multigraph=True).number_of_edges() > 0
    bad = run_cli(None, "export", "--format", "pajek", "--output", str(tmp_path / "x"))
    assert bad.returncode == 2 and "pajek" in bad.stderr
    helped = run_cli(None, "export", "--help")
    assert all(name in helped.stdout for name in EXPORT_FORMATS) and "Examples" in helped.stdout


def test_claims_json_ld_is_what_framing_on_claim_gives(exported):
    """JSON-LD framing (pyld) of a sample with the frame ``{"@type": "Claim"}`` gives one object per
    claim again, holding the same triples: the export is in framed form."""
    from pyld import jsonld

    (path,) = exported["jsonld"]
    doc = json.loads(Path(path).read_text(encoding="utf-8"))
    sample = {"@context": doc["@context"], "@graph": doc["@graph"][::25]}
    options = {"documentLoader": jsonld_io.document_loader}
    framed = jsonld.frame(sample, {"@context": doc["@context"], "@type": "Claim"}, {**options, "embed": "@always"})
    assert sorted(c["claim_id"] for c in framed["@graph"]) == sorted(c["claim_id"] for c in sample["@graph"])

    def triples(data):
        return set(jsonld.to_rdf(data, {**options, "format": "application/n-quads"}).splitlines())

    assert triples(framed) == triples(sample)
