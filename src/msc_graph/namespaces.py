"""Every IRI and prefix msc-graph uses, in closed namespaces: a typo raises.

>>> from msc_graph.namespaces import MSC
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

BASE = "https://w3id.org/msc-graph/"
OBO_BASE = "http://purl.obolibrary.org/obo/"

PREFIXES: dict[str, str] = {
    "msc": BASE,
    "obo": OBO_BASE,
    "statement": BASE + "statement/",
    "assertion": BASE + "assertion/",
    "document": BASE + "document/",
    "party": BASE + "party/",
    "reference": BASE + "reference/",
    "publisher": BASE + "publisher/",
    "oa": "http://www.w3.org/ns/oa#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "biolink": "https://w3id.org/biolink/vocab/",
}
BIOLINK = PREFIXES["biolink"]
#: identifier schemes of cited works: CURIE prefix -> IRI prefix (the local id is appended)
IDENTIFIER_PREFIXES: dict[str, str] = {
    "PMID": "https://pubmed.ncbi.nlm.nih.gov/",
    "PMCID": "https://www.ncbi.nlm.nih.gov/pmc/articles/",
    "doi": "https://doi.org/",
}
_IDENTIFIER_PATTERNS = (
    ("PMID", re.compile(r"^(?:PMID|pubmed)[:\s]*([0-9]+)$", re.IGNORECASE)),
    ("PMCID", re.compile(r"^(?:PMCID[:\s]*|PMC[:\s]*)(?:PMC)?([0-9]+)$", re.IGNORECASE)),
    ("doi", re.compile(r"^(?:doi[:\s]*|https?://(?:dx\.)?doi\.org/)(10\.[0-9]{4,9}/\S+)$", re.IGNORECASE)),
)

_MSC_TERMS = [
    "category",
    "curationKey",
    "effectSign",
    "evidenceRank",
    "commercial",
    "valence",
    "Valence",
    "chainStep",
    "chainSign",
    "caveatRelation",
    "chainPassable",
    "explanationSource",
    "explanationTarget",
    "explanationStart",
    "subClassOfOrSelf",
    "statementSummary",
    "stepEdges",
    "caveatStatements",
    "Category",
    "Statement",
    "Assertion",
    "Document",
    "Party",
    "Reference",
    "EvidenceLine",
    "SkippedSpan",
    "Modality",
    "Polarity",
    "SpeakerKind",
    "DocumentKind",
    "Positive",
    "Negative",
    "subject",
    "predicate",
    "object",
    "objectValue",
    "polarity",
    "inCondition",
    "atSite",
    "inSpecies",
    "atStage",
    "viaRoute",
    "donorType",
    "productForm",
    "dose",
    "inPopulation",
    "productStatus",
    "baselineState",
    "contextKey",
    "contextOrder",
    "contextCategory",
    "contextRole",
    "stance",
    "requiredPolarity",
    "excludedPolarity",
    "cueRequired",
    "strength",
    "upperKind",
    "kindKey",
    "subjectKind",
    "objectKind",
    "sameKind",
    "alternative",
    "scopedClass",
    "scopeContext",
    "NotReported",
    "Superseded",
    "conflictsWith",
    "contradictsAssertion",
    "asserts",
    "inDocument",
    "modality",
    "cue",
    "creditedParty",
    "citesReference",
    "speakerKind",
    "paraphrase",
    "claimId",
    "evidenceType",
    "studyCount",
    "patientCount",
    "followUp",
    "spanSha256",
    "sha256",
    "fileName",
    "documentKind",
    "publisher",
    "url",
    "identifier",
    "partyKind",
    "skipReason",
    # the Biolink mapping (ontology/biolink.ttl)
    "biolinkObjectDirection",
    "biolinkObjectAspect",
    "biolinkSlot",
    "biolinkKnowledgeLevel",
    "biolinkAgentType",
    # cue vocabulary of msc-graph propose (ontology/cues.ttl)
    "relationCue",
    "inverseRelationCue",
    "proposalSubjectCategory",
    "proposalObjectCategory",
    "proposalSameCategory",
    "precedingCue",
    "followingCue",
    "pseudoCue",
    "excludedLibraryCue",
    "reportingCue",
    "terminationCue",
]
_OA_TERMS = ["SpecificResource", "TextPositionSelector", "hasSource", "hasSelector", "hasTarget", "start", "end"]
_PROV_TERMS = ["Entity", "Agent", "Organization", "wasAttributedTo", "wasDerivedFrom", "generatedAtTime"]
_RDF_NAMES = (
    "MSC", "OA", "OBO", "PROV", "STATEMENT", "ASSERTION", "DOCUMENT", "PARTY", "REFERENCE", "SKIP", "PUBLISHER",
    "NANOPUB", "HAS_EVIDENCE",
)  # fmt: skip
_LAZY: dict[str, object] = {}


def __getattr__(name: str):  # PEP 562: the rdflib namespaces are built on first use
    """``MSC``, ``OA`` ... are rdflib closed namespaces, imported only where RDF is written,
    so that ``import msc_graph`` and the CLI do not pay for importing rdflib."""
    if name not in _RDF_NAMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    if not _LAZY:
        from rdflib.namespace import DefinedNamespace, Namespace

        def closed(name: str, base: str, terms, doc: str, **extra: object) -> type:
            """A closed rdflib namespace: an unknown term raises instead of minting an IRI."""
            attrs = {"_NS": Namespace(base), "_fail": True, "__annotations__": {t: object for t in terms}}
            return type(name, (DefinedNamespace,), {**attrs, **extra, "__doc__": doc})

        msc = closed("MSC", BASE, _MSC_TERMS, "The msc-graph vocabulary (ontology/msc.ttl).", _extras=["ontology"])
        oa = closed("OA", PREFIXES["oa"], _OA_TERMS, "The W3C Web Annotation terms msc-graph uses.")
        prov = closed("PROV", PREFIXES["prov"], _PROV_TERMS, "The PROV-O terms msc-graph uses.")
        obo = Namespace(OBO_BASE)
        _LAZY.update(
            MSC=msc,
            OA=oa,
            PROV=prov,
            PUBLISHER=Namespace(BASE + "publisher/"),
            NANOPUB=Namespace(BASE + "np/"),
            OBO=obo,
            HAS_EVIDENCE=obo["RO_0002558"],
            STATEMENT=Namespace(BASE + "statement/"),
            ASSERTION=Namespace(BASE + "assertion/"),
            DOCUMENT=Namespace(BASE + "document/"),
            PARTY=Namespace(BASE + "party/"),
            REFERENCE=Namespace(BASE + "reference/"),
            SKIP=Namespace(BASE + "skip/"),
        )
    return _LAZY[name]


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


def parse_identifier(text: str | None) -> tuple[str, str] | None:
    """The CURIE and IRI of a curated identifier of a cited work (PubMed, PubMed Central, DOI),
    or None when the text is not one (a bibliographic citation).

    >>> parse_identifier("PMID 25822648")
    ('PMID:25822648', 'https://pubmed.ncbi.nlm.nih.gov/25822648')
    >>> parse_identifier("PMC3795813")
    ('PMCID:PMC3795813', 'https://www.ncbi.nlm.nih.gov/pmc/articles/PMC3795813')
    >>> parse_identifier("doi:10.1002/btm2.10701")
    ('doi:10.1002/btm2.10701', 'https://doi.org/10.1002/btm2.10701')
    >>> parse_identifier("Phys Sportsmed 2013;41:7-18") is None
    True
    """
    text = (text or "").strip()
    for prefix, pattern in _IDENTIFIER_PATTERNS:
        match = pattern.match(text)
        if match:
            local = ("PMC" if prefix == "PMCID" else "") + match.group(1)
            return f"{prefix}:{local}", IDENTIFIER_PREFIXES[prefix] + local
    return None


def is_curie(text: str) -> bool:
    """True for ``CL:0000134`` or ``msc:Name`` shaped text."""
    return text.startswith("msc:") or bool(_OBO_CURIE.match(text))
