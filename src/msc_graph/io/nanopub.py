"""Nanopublications: one per assertion, in TriG, written as an rdflib Dataset.

The claim model maps onto a nanopublication's graphs almost one to one:

* **assertion graph** ``<np/ID#assertion>``: the statement (subject, relation, object or value,
  polarity, context) and, for a positive statement that the assertion claims, the plain
  ``subject relation object`` triple;
* **provenance graph** ``<np/ID#provenance>``: the assertion graph is attributed to the credited
  party and derived from the document (PROV-O), and the msc-graph assertion that asserts the
  statement with its Web Annotation anchor, modality and cue, speaker kind, evidence, cited work
  and paraphrase, with the party's and the document's own descriptions;
* **publication info** ``<np/ID#pubinfo>``: the project as creator, the licence and the date of
  creation, from the ontology header (``SOURCE_DATE_EPOCH`` fixes the date for reproducible output).

The identifiers are plain IRIs in the project's namespace, not trusty URIs: signing needs a key.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .. import namespaces as ns
from ..compile import add_assertion, add_statement, direct_edge, party_iri, reference_iri
from ..model import Curation
from ..ontology import Ontology

NP = "http://www.nanopub.org/nschema#"


def created_at() -> datetime:
    """Now (UTC, whole seconds), or ``SOURCE_DATE_EPOCH`` when set (reproducible builds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = datetime.fromtimestamp(int(epoch), UTC) if epoch else datetime.now(UTC)
    return moment.replace(microsecond=0)


def dataset(curation: Curation, onto: Ontology, *, created: datetime | None = None) -> Any:  # rdflib.Dataset
    """Every assertion as a nanopublication (four named graphs each)."""
    from rdflib import Dataset, Literal, Namespace, URIRef
    from rdflib.namespace import DCTERMS, RDF, RDFS, XSD

    npx = Namespace(NP)
    PROV, MSC = ns.PROV, ns.MSC
    when = Literal((created or created_at()).isoformat().replace("+00:00", "Z"), datatype=XSD.dateTime)
    meta = onto.metadata
    project = URIRef(ns.BASE)
    ds = Dataset()
    for prefix, iri in {**ns.PREFIXES, "np": NP, "this": str(ns.NANOPUB)}.items():
        ds.bind(prefix, iri, override=True, replace=True)
    parties = curation.parties
    for a in sorted(curation.assertions, key=lambda x: x.id):
        base = ns.NANOPUB[a.id]
        head, assertion, provenance, pubinfo = (URIRef(f"{base}#{part}") for part in
                                                ("Head", "assertion", "provenance", "pubinfo"))  # fmt: skip
        h = ds.graph(head)
        h.add((base, RDF.type, npx.Nanopublication))
        h.add((base, npx.hasAssertion, assertion))
        h.add((base, npx.hasProvenance, provenance))
        h.add((base, npx.hasPublicationInfo, pubinfo))

        g = ds.graph(assertion)
        add_statement(g, a.statement, onto)
        if a.statement.polarity == "positive" and onto.claims_it(a.modality):
            g.add(direct_edge(a.statement, onto))

        p = ds.graph(provenance)
        party = party_iri(a.party)
        document = ns.DOCUMENT[a.document]
        p.add((assertion, PROV.wasAttributedTo, party))
        p.add((assertion, PROV.wasDerivedFrom, document))
        add_assertion(p, a, onto)
        if a.party in parties:
            p.add((party, RDF.type, MSC.Party))
            p.add((party, RDFS.label, Literal(parties[a.party].label)))
        doc = curation.documents[a.document]
        p.add((document, RDF.type, MSC.Document))
        p.add((document, DCTERMS.title, Literal(doc.title)))
        p.add((document, MSC.sha256, Literal(doc.sha256)))
        p.add((document, MSC.fileName, Literal(doc.file)))
        if a.reference and a.reference in curation.references:
            p.add((reference_iri(a.reference), RDFS.label, Literal(curation.references[a.reference].label)))

        i = ds.graph(pubinfo)
        i.add((base, RDFS.label, Literal(f"msc-graph claim {a.id}")))
        i.add((base, DCTERMS.created, when))
        i.add((base, PROV.wasAttributedTo, project))
        i.add((base, PROV.generatedAtTime, when))
        if meta.get("creator"):
            i.add((base, DCTERMS.creator, Literal(meta["creator"])))
        if meta.get("license"):
            i.add((base, DCTERMS.license, URIRef(meta["license"])))
        if meta.get("version_iri"):
            i.add((base, DCTERMS.conformsTo, URIRef(meta["version_iri"])))
    return ds


def write(curation: Curation, onto: Ontology, path: Path, *, created: datetime | None = None) -> Path:
    """Write every nanopublication to one TriG file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(dataset(curation, onto, created=created).serialize(format="trig", encoding="utf-8"))
    return path
