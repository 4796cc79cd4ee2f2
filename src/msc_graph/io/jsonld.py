"""JSON-LD with a compact context, nodes sorted by ``@id`` and keys sorted."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..namespaces import OBO_BASE, PREFIXES
from ..ontology import Ontology


def dump(g: Any) -> bytes:
    """JSON-LD with a compact context, nodes sorted by @id and keys sorted."""
    context = dict(PREFIXES)
    data = json.loads(g.serialize(format="json-ld", context=context, encoding="utf-8"))
    nodes = data.get("@graph", [data] if "@id" in data else [])

    def canon(value):  # sort values of multi-valued keys
        if isinstance(value, list):
            return sorted((canon(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True))
        if isinstance(value, dict):
            return {k: canon(v) for k, v in value.items()}
        return value

    out = {"@context": context, "@graph": sorted((canon(n) for n in nodes), key=lambda n: n.get("@id", ""))}
    return (json.dumps(out, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


# ---------------------------------------------------------------------------- contexts and claims

#: where the contexts are published; both are shipped in ``io/contexts/`` and resolved from there
#: (:func:`document_loader`), so nothing is fetched at run time
CONTEXT_URL = "https://w3id.org/msc-graph/context.jsonld"
ANNO_CONTEXT_URL = "http://www.w3.org/ns/anno.jsonld"
CONTEXTS = Path(__file__).resolve().parent / "contexts"
#: the Web Annotation context is shipped as the terms msc-graph uses, defined as that context defines them
SHIPPED = {CONTEXT_URL: CONTEXTS / "msc-graph.context.jsonld", ANNO_CONTEXT_URL: CONTEXTS / "anno-terms.jsonld"}
#: prefixes of instance IRIs whose names are terms here (``statement``, ``document`` ...): documents
#: write those IRIs in full
_INSTANCE_PREFIXES = {"statement", "assertion", "document", "party", "reference", "publisher"}


def context(onto: Ontology) -> dict[str, Any]:
    """msc-graph's JSON-LD context: prefixes (OBO prefixes flagged ``@prefix`` so that ``CL:0000134``
    expands), a term for every class, property and context key of a claim, ``@type: @id`` on every
    property whose value is a node and the XSD datatype on the typed literals. Generated from the
    ontology; the shipped copy (``contexts/msc-graph.context.jsonld``) is compared with it by a test.
    The anchor terms (``target``, ``source``, ``selector``, ``start``, ``end``) are the Web
    Annotation context's, which documents list first."""
    curies = [*onto.terms, *(p.curie for p in onto.predicates.values())]
    obo_prefixes = sorted({c.split(":", 1)[0] for c in curies if ":" in c and not c.startswith(("msc:", "http"))})
    ctx: dict[str, Any] = {"@version": 1.1}
    for prefix, iri in sorted(PREFIXES.items()):
        if prefix not in ("rdf", "oa") and prefix not in _INSTANCE_PREFIXES:
            ctx[prefix] = iri
    for prefix in obo_prefixes:
        ctx[prefix] = {"@id": f"{OBO_BASE}{prefix}_", "@prefix": True}

    def node(iri: str) -> dict[str, str]:
        return {"@id": iri, "@type": "@id"}

    msc = PREFIXES["msc"]
    xsd = PREFIXES["xsd"]
    ctx.update(
        {
            "Claim": msc + "Assertion",
            "Statement": msc + "Statement",
            "Document": msc + "Document",
            "Party": msc + "Party",
            "Reference": msc + "Reference",
            "EvidenceLine": msc + "EvidenceLine",
            "claim_id": msc + "claimId",
            "statement": node(msc + "asserts"),
            "subject": node(msc + "subject"),
            "predicate": node(msc + "predicate"),
            "object": node(msc + "object"),
            "object_value": msc + "objectValue",
            "polarity": node(msc + "polarity"),
            "document": node(msc + "inDocument"),
            "modality": node(msc + "modality"),
            "cue": msc + "cue",
            "party": node(msc + "creditedParty"),
            "speaker_kind": node(msc + "speakerKind"),
            "reference": node(msc + "citesReference"),
            "paraphrase": msc + "paraphrase",
            "evidence": node(OBO_BASE + "RO_0002558"),
            "evidence_type": node(msc + "evidenceType"),
            "studies": {"@id": msc + "studyCount", "@type": xsd + "nonNegativeInteger"},
            "patients": {"@id": msc + "patientCount", "@type": xsd + "nonNegativeInteger"},
            "follow_up": msc + "followUp",
            "span_sha256": msc + "spanSha256",
            "sha256": msc + "sha256",
            "file_name": msc + "fileName",
            "title": PREFIXES["dcterms"] + "title",
            "label": PREFIXES["rdfs"] + "label",
            "url": node(msc + "url"),
            "identifier": msc + "identifier",
            "see_also": node(PREFIXES["rdfs"] + "seeAlso"),
            "attributed_to": node(PREFIXES["prov"] + "wasAttributedTo"),
            "derived_from": node(PREFIXES["prov"] + "wasDerivedFrom"),
        }
    )
    for key, spec in onto.context.items():
        ctx[key] = {"@id": spec.iri} if spec.literal else node(spec.iri)
    return {"@context": ctx}


def anno_context() -> dict[str, Any]:
    """The terms of the W3C Web Annotation context (``http://www.w3.org/ns/anno.jsonld``) that
    msc-graph's documents use, with the definitions that context gives them."""
    oa = PREFIXES["oa"]
    return {
        "@context": {
            "oa": oa,
            "xsd": PREFIXES["xsd"],
            "id": {"@id": "@id", "@type": "@id"},
            "type": {"@id": "@type", "@type": "@id"},
            "SpecificResource": "oa:SpecificResource",
            "TextPositionSelector": "oa:TextPositionSelector",
            "TextQuoteSelector": "oa:TextQuoteSelector",
            "target": {"@id": "oa:hasTarget", "@type": "@id"},
            "source": {"@id": "oa:hasSource", "@type": "@id"},
            "selector": {"@id": "oa:hasSelector", "@type": "@id"},
            "start": {"@id": "oa:start", "@type": "xsd:nonNegativeInteger"},
            "end": {"@id": "oa:end", "@type": "xsd:nonNegativeInteger"},
            "exact": "oa:exact",
            "prefix": "oa:prefix",
            "suffix": "oa:suffix",
        }
    }


def document_loader(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    """A pyld document loader that serves the shipped contexts and refuses everything else."""
    path = SHIPPED.get(url.rstrip("#"))
    if path is None:
        raise ValueError(f"msc-graph resolves only its shipped JSON-LD contexts, not {url}")
    return {"contextUrl": None, "documentUrl": url, "document": json.loads(path.read_text(encoding="utf-8"))}


def claim_object(
    a: Any, curation: Any, onto: Ontology, *, quote: Callable[[Any], str | None] | None = None
) -> dict[str, Any]:
    """One claim as a JSON-LD node object: the assertion with its statement, anchor (a Web
    Annotation target with a text position selector), party, document, evidence and reference."""
    st = a.statement
    assertion = PREFIXES["assertion"] + a.id
    document = PREFIXES["document"] + a.document
    statement: dict[str, Any] = {
        "id": PREFIXES["statement"] + st.id,
        "type": "Statement",
        "subject": st.subject,
        "predicate": onto.predicates[st.predicate].curie,
        "polarity": "msc:Positive" if st.polarity == "positive" else "msc:Negative",
    }
    if st.object is not None:
        statement["object"] = st.object
    else:
        statement["object_value"] = st.object_value
    for key, value in st.context.items():
        statement[key] = value
    selector: dict[str, Any] = {
        "id": f"{assertion}/selector",
        "type": "TextPositionSelector",
        "start": a.anchor.start,
        "end": a.anchor.end,
    }
    target = {
        "id": f"{assertion}/target",
        "type": "SpecificResource",
        "source": document,
        "selector": selector,
        "span_sha256": a.anchor.sha256,
    }
    evidence: dict[str, Any] = {"id": f"{assertion}/evidence", "type": "EvidenceLine", "evidence_type": a.evidence.type}
    for name in ("studies", "patients", "follow_up"):
        value = getattr(a.evidence, name)
        if value is not None:
            evidence[name] = value
    doc = curation.documents[a.document]
    party = curation.parties[a.party]
    party_id = PREFIXES["party"] + a.party.replace("#", "/")
    claim: dict[str, Any] = {
        "id": assertion,
        "type": "Claim",
        "claim_id": a.id,
        "statement": statement,
        "document": {
            "id": document,
            "type": "Document",
            "title": doc.title,
            "file_name": doc.file,
            "sha256": doc.sha256,
        },
        "target": target,
        "modality": iri_to_prefixed(onto.value("Modality", a.modality)),
        "party": {"id": party_id, "type": "Party", "label": party.label},
        "speaker_kind": iri_to_prefixed(onto.value("SpeakerKind", a.speaker)),
        "evidence": evidence,
        "paraphrase": a.paraphrase,
        "attributed_to": party_id,
        "derived_from": document,
    }
    if a.cue:
        claim["cue"] = a.cue
    if a.reference and a.reference in curation.references:
        ref = curation.references[a.reference]
        claim["reference"] = {
            "id": PREFIXES["reference"] + a.reference.replace("#", "/"),
            "type": "Reference",
            "label": ref.label,
        }
    if quote is not None and (text := quote(a.anchor)):
        selector_quote = {"id": f"{assertion}/quote", "type": "TextQuoteSelector", "exact": text}
        target["selector"] = [selector, selector_quote]
    return claim


def iri_to_prefixed(iri: str) -> str:
    """An msc-graph IRI as ``msc:Name``."""
    return "msc:" + iri[len(PREFIXES["msc"]) :] if iri.startswith(PREFIXES["msc"]) else iri


def claims_document(curation: Any, onto: Ontology, *, quote: Callable[[Any], str | None] | None = None) -> dict:
    """Every claim as one JSON-LD object (``@graph``), in claim id order, with the Web Annotation
    context for the anchors and msc-graph's context for the rest."""
    return {
        "@context": [ANNO_CONTEXT_URL, CONTEXT_URL],
        "@graph": [
            claim_object(a, curation, onto, quote=quote) for a in sorted(curation.assertions, key=lambda x: x.id)
        ],
    }


def write_claims(
    curation: Any, onto: Ontology, path: Path, *, quote: Callable[[Any], str | None] | None = None
) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = claims_document(curation, onto, quote=quote)
    path.write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def write_contexts(onto: Ontology, folder: Path = CONTEXTS) -> list[Path]:
    """(Re)write the shipped contexts from the ontology (the test compares them with these)."""
    out = []
    for path, data in ((SHIPPED[CONTEXT_URL], context(onto)), (SHIPPED[ANNO_CONTEXT_URL], anno_context())):
        target = Path(folder) / path.name
        target.write_text(json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
        out.append(target)
    return out
