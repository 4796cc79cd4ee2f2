"""Deterministic RDF/XML (subjects and properties sorted), readable by owlready2 and Protégé."""

from __future__ import annotations

from typing import Any

from ..namespaces import PREFIXES


def rdf_xml(g: Any) -> bytes:
    """Deterministic RDF/XML (subjects and properties sorted), readable by owlready2 and Protégé.

    rdflib's writers order subjects by set iteration, which changes from run to run.
    """
    from xml.sax.saxutils import escape, quoteattr

    from rdflib import BNode, URIRef
    from rdflib.namespace import RDF, split_uri

    namespaces = {ns: prefix for prefix, ns in sorted(PREFIXES.items())}
    used: dict[str, str] = {}

    def qname(iri: str) -> str:
        ns, local = split_uri(iri)
        prefix = namespaces.get(ns)
        if prefix is None:
            prefix = f"ns{len([p for p in used.values() if p.startswith('ns')]) + 1}"
            namespaces[ns] = prefix
        used[ns] = prefix
        return f"{prefix}:{local}"

    body: list[str] = []

    def describe(subject, indent: str) -> None:
        for pred, obj in sorted(g.predicate_objects(subject), key=lambda po: (str(po[0]), po[1].n3())):
            tag = qname(str(pred))
            if isinstance(obj, URIRef):
                body.append(f"{indent}<{tag} rdf:resource={quoteattr(str(obj))}/>")
            elif isinstance(obj, BNode):  # tree-shaped blank nodes (OWL restrictions) are nested
                body.append(f"{indent}<{tag}>")
                body.append(f"{indent}  <rdf:Description>")
                describe(obj, indent + "    ")
                body.append(f"{indent}  </rdf:Description>")
                body.append(f"{indent}</{tag}>")
            else:
                attrs = ""
                if obj.language:
                    attrs = f" xml:lang={quoteattr(obj.language)}"
                elif obj.datatype:
                    attrs = f" rdf:datatype={quoteattr(str(obj.datatype))}"
                body.append(f"{indent}<{tag}{attrs}>{escape(str(obj))}</{tag}>")

    for subject in sorted(set(g.subjects()), key=str):
        if isinstance(subject, BNode):
            if len(set(g.subject_predicates(subject))) == 1:
                continue  # nested under its only referrer
            raise ValueError("rdf_xml supports only tree-shaped blank nodes")
        body.append(f"  <rdf:Description rdf:about={quoteattr(str(subject))}>")
        describe(subject, "    ")
        body.append("  </rdf:Description>")
    used[str(RDF)] = "rdf"
    decls = "".join(f"\n    xmlns:{prefix}={quoteattr(ns)}" for ns, prefix in sorted(used.items(), key=lambda x: x[1]))
    head = f'<?xml version="1.0" encoding="utf-8"?>\n<rdf:RDF{decls}>\n'
    return (head + "\n".join(body) + "\n</rdf:RDF>\n").encode("utf-8")


dump = rdf_xml
