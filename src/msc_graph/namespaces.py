"""Every IRI and prefix msc-graph uses, in closed namespaces: a typo raises.

>>> str(MSC.Statement)
'https://w3id.org/msc-graph/Statement'
>>> MSC.Statment
Traceback (most recent call last):
...
AttributeError: term 'Statment' not in namespace 'https://w3id.org/msc-graph/'
>>> curie_to_iri("CL:0000134")
'http://purl.obolibrary.org/obo/CL_0000134'
>>> iri_to_curie("http://purl.obolibrary.org/obo/CL_0000134")
'CL:0000134'
>>> iri_to_curie("https://w3id.org/msc-graph/ResidentRepairCell")
'msc:ResidentRepairCell'
"""

from __future__ import annotations

import re

from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, XSD, DefinedNamespace, Namespace

BASE = "https://w3id.org/msc-graph/"
OBO_BASE = "http://purl.obolibrary.org/obo/"

STATEMENT = Namespace(BASE + "statement/")
ASSERTION = Namespace(BASE + "assertion/")
DOCUMENT = Namespace(BASE + "document/")
PARTY = Namespace(BASE + "party/")
REFERENCE = Namespace(BASE + "reference/")
SKIP = Namespace(BASE + "skip/")
OBO = Namespace(OBO_BASE)


class MSC(DefinedNamespace):
    """The msc-graph vocabulary (ontology/msc.ttl)."""

    _NS = Namespace(BASE)
    _fail = True
    _extras = ["ontology"]

    # annotation properties
    category: object
    curationKey: object
    effectSign: object
    evidenceRank: object
    commercial: object
    harmful: object
    subClassOfOrSelf: object
    # classes
    Category: object
    Statement: object
    Assertion: object
    Document: object
    Party: object
    Reference: object
    EvidenceLine: object
    SkippedSpan: object
    Modality: object
    Polarity: object
    SpeakerKind: object
    DocumentKind: object
    Positive: object
    Negative: object
    # statement
    subject: object
    predicate: object
    object: object
    objectValue: object
    polarity: object
    inCondition: object
    atSite: object
    inSpecies: object
    atStage: object
    viaRoute: object
    donorType: object
    productForm: object
    dose: object
    conflictsWith: object
    contradictsAssertion: object
    # assertion
    asserts: object
    inDocument: object
    modality: object
    cue: object
    creditedParty: object
    citesReference: object
    speakerKind: object
    paraphrase: object
    claimId: object
    evidenceType: object
    studyCount: object
    patientCount: object
    followUp: object
    spanSha256: object
    # document, party, reference, skip
    sha256: object
    fileName: object
    documentKind: object
    publisher: object
    url: object
    identifier: object
    partyKind: object
    skipReason: object


class OA(DefinedNamespace):
    """The W3C Web Annotation vocabulary terms msc-graph uses."""

    _NS = Namespace("http://www.w3.org/ns/oa#")
    _fail = True

    SpecificResource: object
    TextPositionSelector: object
    hasSource: object
    hasSelector: object
    hasTarget: object
    start: object
    end: object


HAS_EVIDENCE = OBO["RO_0002558"]

PREFIXES: dict[str, str] = {
    "msc": BASE,
    "obo": OBO_BASE,
    "statement": str(STATEMENT),
    "assertion": str(ASSERTION),
    "document": str(DOCUMENT),
    "party": str(PARTY),
    "reference": str(REFERENCE),
    "oa": "http://www.w3.org/ns/oa#",
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "skos": str(SKOS),
    "xsd": str(XSD),
    "dcterms": str(DCTERMS),
}

_OBO_CURIE = re.compile(r"^([A-Za-z][A-Za-z0-9]*):([0-9A-Za-z_]+)$")


def curie_to_iri(curie: str) -> str:
    """Expand an OBO CURIE (``CL:0000134``) or a project CURIE (``msc:X``) to its IRI."""
    if curie.startswith("msc:"):
        return BASE + curie[4:]
    match = _OBO_CURIE.match(curie)
    if not match:
        raise ValueError(f"not a CURIE: {curie!r}")
    return f"{OBO_BASE}{match.group(1)}_{match.group(2)}"


def iri_to_curie(iri: str) -> str:
    """Compact an OBO or project IRI to a CURIE; other IRIs are returned unchanged."""
    if iri.startswith(OBO_BASE):
        local = iri[len(OBO_BASE) :]
        prefix, _, number = local.partition("_")
        return f"{prefix}:{number}" if number else iri
    if iri.startswith(BASE) and "/" not in iri[len(BASE) :]:
        return "msc:" + iri[len(BASE) :]
    return iri


def is_curie(text: str) -> bool:
    """True for ``CL:0000134`` or ``msc:Name`` shaped text."""
    return text.startswith("msc:") or bool(_OBO_CURIE.match(text))
