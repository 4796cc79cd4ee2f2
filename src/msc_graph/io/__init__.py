"""Serialisations of the knowledge graph: one module per format, and the registry of exporters
the build writes (file name and writer, from a canonical rdflib graph to bytes).

>>> sorted(EXPORTERS)
['jsonld', 'nt', 'owl', 'ttl']
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

__all__ = ["EXPORTERS", "Exporter", "bind_prefixes", "canonical_graph", "rdf_xml", "sorted_ntriples"]
