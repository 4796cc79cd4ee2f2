"""Serialisations of the knowledge graph: one module per format, the registry of the RDF
serialisations the build writes (file name and writer, from a canonical rdflib graph to bytes),
and the registry of the exports for other tools (``msc-graph export --format F``).

>>> sorted(EXPORTERS)
['jsonld', 'nt', 'owl', 'ttl']
>>> sorted(EXPORT_FORMATS)
['csv', 'cx2', 'cyjs', 'gexf', 'graphml', 'jsonld', 'kgx', 'nanopub']
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import jsonld, ntriples, rdfxml, turtle
from .canonical import bind_prefixes, canonical_graph
from .ntriples import sorted_ntriples
from .rdfxml import rdf_xml


@dataclass(frozen=True)
class Exporter:
    """A serialisation the build writes: its file name in the build folder and its writer."""

    file_name: str
    dump: Callable[[Any], bytes]
    description: str


EXPORTERS: dict[str, Exporter] = {
    "nt": Exporter("msc-graph.nt", ntriples.dump, "N-Triples, sorted (what the stores load)"),
    "ttl": Exporter("msc-graph.ttl", turtle.dump, "Turtle"),
    "owl": Exporter("msc-graph.owl", rdfxml.dump, "RDF/XML (OWL tools: owlready2, Protégé)"),
    "jsonld": Exporter("msc-graph.jsonld", jsonld.dump, "JSON-LD with a compact context"),
}


@dataclass(frozen=True)
class ExportFormat:
    """An export for other tools: what it is, what it is made from, what reads it and how it was checked.

    ``source`` is what the writer takes: ``network`` (the projection), ``curation`` (the claim model
    and the ontology) or ``claims`` (the claims table). ``folder``: the output is a folder of files.
    """

    name: str
    description: str
    source: str
    suffix: str
    readers: str
    folder: bool = False


EXPORT_FORMATS: dict[str, ExportFormat] = {
    f.name: f
    for f in (
        ExportFormat("kgx", "KGX nodes and edges (Biolink Model), as TSV and JSON lines", "curation", "",
                     "kgx (Biolink/Translator pipelines)", folder=True),
        ExportFormat("graphml", "GraphML with flat node and edge attributes", "network", ".graphml",
                     "Cytoscape, Gephi, yEd, NetworkX"),
        ExportFormat("gexf", "GEXF 1.2 with flat attributes", "network", ".gexf", "Gephi, NetworkX"),
        ExportFormat("cyjs", "Cytoscape.js elements JSON", "network", ".cyjs", "Cytoscape.js, Cytoscape"),
        ExportFormat("cx2", "CX2 network JSON", "network", ".cx2", "NDEx, Cytoscape (ndex2)"),
        ExportFormat("nanopub", "one nanopublication per assertion, TriG", "curation", ".trig",
                     "nanopub tools, any RDF 1.1 dataset reader (rdflib Dataset)"),
        ExportFormat("csv", "the claims table with every context key", "claims", ".csv",
                     "spreadsheets, pandas, R"),
        ExportFormat("jsonld", "one JSON-LD object per claim, framed, Web Annotation anchors", "curation",
                     ".jsonld", "JSON-LD processors (pyld, jsonld.js), annotation tools"),
    )
}  # fmt: skip

__all__ = [
    "EXPORTERS",
    "EXPORT_FORMATS",
    "ExportFormat",
    "Exporter",
    "bind_prefixes",
    "canonical_graph",
    "rdf_xml",
    "sorted_ntriples",
]
