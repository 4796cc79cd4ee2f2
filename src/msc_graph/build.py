"""Compiling the TBox and the curated claims into the knowledge graph.

Deterministic byte for byte (no blank nodes, sorted output) and atomic: every output is
written to a temporary file first and moved into place only when all of them are ready,
so a failed build leaves the previous build untouched.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD

from .artifacts import NETWORK_CACHE, ONTOLOGY_CACHE, OUTPUTS, inputs_hash, write_network_cache, write_ontology_cache
from .corpus import Corpus
from .curation import load_curation
from .model import Assertion, Curation, Statement
from .namespaces import (
    ASSERTION,
    DOCUMENT,
    HAS_EVIDENCE,
    MSC,
    OA,
    PARTY,
    PREFIXES,
    REFERENCE,
    SKIP,
    STATEMENT,
    curie_to_iri,
)
from .ontology import Ontology, load_ontology, tbox_graph

def statement_iri(statement: Statement) -> URIRef:
    return STATEMENT[statement.id]


def _iri(curie: str) -> URIRef:
    return URIRef(curie_to_iri(curie))


def _local(global_id: str) -> str:
    """``doc/local`` ids become IRI path segments."""
    return global_id.replace("#", "/")


def conflicts(curation: Curation, onto: Ontology) -> set[tuple[str, str]]:
    """Pairs of statement ids that conflict (sorted pairs).

    * the same subject, predicate and object with opposite polarity on compatible context;
    * the same subject and object, opposite-sign predicates, same polarity, compatible context;
    * a denial about a general class or a stage and an affirmation about a subclass or the same
      stage (:func:`general_denials`);
    * a curator's ``conflicts_with`` between two assertions.

    Only statements that some document claims (an assertion whose modality affirms or denies it)
    take part: absence of evidence, a question or a view the document reports as superseded is
    never set against a claim.
    """
    claimed = {a.statement.id for a in curation.assertions if onto.claims_it(a.modality)}
    statements = {k: v for k, v in curation.statements().items() if k in claimed}
    by_pair: dict[tuple[str, str | None], list[Statement]] = {}
    for st in statements.values():
        by_pair.setdefault((st.subject, st.object), []).append(st)
    pairs: set[tuple[str, str]] = set()
    for group in by_pair.values():
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                if not a.context.compatible(b.context):
                    continue
                sign_a = onto.predicates[a.predicate].sign
                sign_b = onto.predicates[b.predicate].sign
                same_relation = a.predicate == b.predicate
                if (same_relation and a.polarity != b.polarity) or (sign_a * sign_b == -1 and a.polarity == b.polarity):
                    pairs.add(tuple(sorted((a.id, b.id))))  # type: ignore[arg-type]
    pairs |= general_denials(statements.values(), onto)
    by_claim = {a.id: a for a in curation.assertions}
    for a in curation.assertions:
        for other in a.conflicts_with:
            if other not in by_claim or not (onto.claims_it(a.modality) and onto.claims_it(by_claim[other].modality)):
                continue
            if by_claim[other].statement.id != a.statement.id:
                pairs.add(tuple(sorted((a.statement.id, by_claim[other].statement.id))))  # type: ignore[arg-type]
    return pairs


def general_denials(statements, onto: Ontology) -> set[tuple[str, str]]:
    """Pairs of a denial and an affirmation it covers: the same relation, the denial's subject and
    object the same as or superclasses of the affirmation's, and every context key set on both
    sides the same or, for terms, more general on the denial's side (a denial in severe arthritis
    covers a claim in severe knee osteoarthritis; a denial with no stage covers every stage).

    "Stem cells cannot regrow cartilage in bone-on-bone arthritis" thus meets "bone marrow MSCs
    regrow cartilage" (no stage: it may be about severe disease) and "... in severe disease", but not
    "... in mild disease", and a denial about bone marrow MSCs never meets a claim about all MSCs.
    """

    ancestors: dict[str, set[str]] = {}

    def covers(general: str | None, specific: str | None) -> bool:
        if general == specific:
            return True
        if general is None or specific is None:
            return False
        if specific not in ancestors:
            ancestors[specific] = set(onto.ancestors(specific))
        return general in ancestors[specific]

    def context_covers(denial: Statement, claim: Statement) -> bool:
        mine = claim.context.as_dict()
        return all(key not in mine or covers(value, mine[key]) for key, value in denial.context.items())

    denials = [st for st in statements if st.polarity == "negative"]
    pairs: set[tuple[str, str]] = set()
    if not denials:
        return pairs
    by_predicate: dict[str, list[Statement]] = {}
    for st in statements:
        if st.polarity == "positive":
            by_predicate.setdefault(st.predicate, []).append(st)
    for denial in denials:
        for claim in by_predicate.get(denial.predicate, []):
            if (
                covers(denial.subject, claim.subject)
                and covers(denial.object, claim.object)
                and denial.object_value == claim.object_value
                and context_covers(denial, claim)
            ):
                pairs.add(tuple(sorted((denial.id, claim.id))))  # type: ignore[arg-type]
    return pairs


def compile_abox(curation: Curation, onto: Ontology) -> Graph:
    """The instance data: documents, parties, references, statements, assertions, skips."""
    g = Graph()
    for doc in curation.documents.values():
        d = DOCUMENT[doc.id]
        g.add((d, RDF.type, MSC.Document))
        g.add((d, DCTERMS.title, Literal(doc.title)))
        g.add((d, MSC.publisher, Literal(doc.publisher)))
        g.add((d, MSC.fileName, Literal(doc.file)))
        g.add((d, MSC.sha256, Literal(doc.sha256)))
        g.add((d, MSC.documentKind, URIRef(onto.value("DocumentKind", doc.kind))))
        g.add((d, MSC.speakerKind, URIRef(onto.value("SpeakerKind", doc.speaker))))
        if doc.url:
            g.add((d, MSC.url, Literal(doc.url, datatype=XSD.anyURI)))
    for party in curation.parties.values():
        p = PARTY[_local(party.id)]
        g.add((p, RDF.type, MSC.Party))
        g.add((p, RDFS.label, Literal(party.label)))
        g.add((p, MSC.partyKind, Literal(party.kind)))
    for ref in curation.references.values():
        r = REFERENCE[_local(ref.id)]
        g.add((r, RDF.type, MSC.Reference))
        g.add((r, RDFS.label, Literal(ref.label)))
        if ref.url:
            g.add((r, MSC.url, Literal(ref.url, datatype=XSD.anyURI)))
        if ref.identifier:
            g.add((r, MSC.identifier, Literal(ref.identifier)))

    positive_supported: set[str] = set()
    for st in curation.statements().values():
        s = statement_iri(st)
        pred = onto.predicates[st.predicate]
        g.add((s, RDF.type, MSC.Statement))
        g.add((s, MSC.subject, _iri(st.subject)))
        g.add((s, MSC.predicate, URIRef(pred.iri)))
        if st.object is not None:
            g.add((s, MSC.object, _iri(st.object)))
        else:
            g.add((s, MSC.objectValue, Literal(st.object_value)))
        g.add((s, MSC.polarity, MSC.Positive if st.polarity == "positive" else MSC.Negative))
        for key, value in st.context.items():
            spec = onto.context[key]
            g.add((s, URIRef(spec.iri), Literal(value) if spec.literal else _iri(value)))
    for a in curation.assertions:
        _add_assertion(g, a, onto)
        if a.statement.polarity == "positive" and onto.claims_it(a.modality):
            positive_supported.add(a.statement.id)
    # materialised direct edges: simple SPARQL stays simple, provenance is one hop away
    for st in curation.statements().values():
        if st.id in positive_supported and st.object is not None:
            g.add((_iri(st.subject), URIRef(onto.predicates[st.predicate].iri), _iri(st.object)))
        elif st.id in positive_supported:
            g.add((_iri(st.subject), URIRef(onto.predicates[st.predicate].iri), Literal(st.object_value)))
    # the reflexive-transitive subclass closure, so that queries need no property paths
    for curie in sorted(onto.terms):
        g.add((_iri(curie), MSC.subClassOfOrSelf, _iri(curie)))
        for ancestor in onto.ancestors(curie):
            g.add((_iri(curie), MSC.subClassOfOrSelf, _iri(ancestor)))
    for a_id, b_id in conflicts(curation, onto):
        g.add((STATEMENT[a_id], MSC.conflictsWith, STATEMENT[b_id]))
        g.add((STATEMENT[b_id], MSC.conflictsWith, STATEMENT[a_id]))
    for skip in curation.skips:
        k = SKIP[skip.id]
        g.add((k, RDF.type, MSC.SkippedSpan))
        g.add((k, MSC.skipReason, Literal(skip.reason)))
        _add_target(g, k, skip.anchor.document, skip.anchor.start, skip.anchor.end, skip.anchor.sha256, skip.id)
        if skip.note:
            g.add((k, SKOS.note, Literal(skip.note)))
    return g


def _add_target(g: Graph, node: URIRef, doc: str, start: int, end: int, digest: str, local: str) -> None:
    target = URIRef(f"{node}/target")
    selector = URIRef(f"{node}/selector")
    g.add((node, OA.hasTarget, target))
    g.add((target, RDF.type, OA.SpecificResource))
    g.add((target, OA.hasSource, DOCUMENT[doc]))
    g.add((target, OA.hasSelector, selector))
    g.add((target, MSC.spanSha256, Literal(digest)))
    g.add((selector, RDF.type, OA.TextPositionSelector))
    g.add((selector, OA.start, Literal(start, datatype=XSD.nonNegativeInteger)))
    g.add((selector, OA.end, Literal(end, datatype=XSD.nonNegativeInteger)))


def _add_assertion(g: Graph, a: Assertion, onto: Ontology) -> None:
    node = ASSERTION[a.id]
    g.add((node, RDF.type, MSC.Assertion))
    g.add((node, MSC.claimId, Literal(a.id)))
    g.add((node, MSC.asserts, statement_iri(a.statement)))
    g.add((node, MSC.inDocument, DOCUMENT[a.document]))
    _add_target(g, node, a.document, a.anchor.start, a.anchor.end, a.anchor.sha256, a.id)
    g.add((node, MSC.modality, URIRef(onto.value("Modality", a.modality))))
    if a.cue:
        g.add((node, MSC.cue, Literal(a.cue)))
    g.add((node, MSC.creditedParty, PARTY[_local(a.party)]))
    g.add((node, MSC.speakerKind, URIRef(onto.value("SpeakerKind", a.speaker))))
    if a.reference:
        g.add((node, MSC.citesReference, REFERENCE[_local(a.reference)]))
    g.add((node, MSC.paraphrase, Literal(a.paraphrase)))
    if a.note:
        g.add((node, SKOS.note, Literal(a.note)))
    for other in a.conflicts_with:
        g.add((node, MSC.contradictsAssertion, ASSERTION[other]))
    ev = URIRef(f"{node}/evidence")
    g.add((node, HAS_EVIDENCE, ev))
    g.add((ev, RDF.type, MSC.EvidenceLine))
    g.add((ev, MSC.evidenceType, _iri(a.evidence.type)))
    if a.evidence.studies is not None:
        g.add((ev, MSC.studyCount, Literal(a.evidence.studies, datatype=XSD.nonNegativeInteger)))
    if a.evidence.patients is not None:
        g.add((ev, MSC.patientCount, Literal(a.evidence.patients, datatype=XSD.nonNegativeInteger)))
    if a.evidence.follow_up:
        g.add((ev, MSC.followUp, Literal(a.evidence.follow_up)))


def _bind(g: Graph) -> Graph:
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns, override=True, replace=True)
    return g


def sorted_ntriples(g: Graph) -> str:
    """Canonical N-Triples: one triple per line, sorted (no blank nodes in msc-graph)."""
    data = g.serialize(format="nt", encoding="utf-8").decode("utf-8")
    return "".join(sorted(line + "\n" for line in data.splitlines() if line.strip()))


def canonical_graph(g: Graph) -> Graph:
    """A copy of ``g`` with canonical blank-node labels and triples inserted in sorted order,
    so that every serialiser gives the same bytes on every run."""
    from rdflib.compare import to_canonical_graph

    out = _bind(Graph())
    for triple in sorted(to_canonical_graph(g), key=lambda t: (t[0].n3(), t[1].n3(), t[2].n3())):
        out.add(triple)
    return out


@dataclass(frozen=True)
class BuildResult:
    directory: Path
    files: dict[str, Path]
    triples: int
    statements: int
    assertions: int
    documents: int
    input_hash: str


def compile_graph(ontology_directory: Path | None = None, *, corpus: Corpus | None = None) -> tuple[Graph, Curation]:
    """TBox + ABox as one rdflib graph, and the curation it came from."""
    from .paths import ontology_dir

    directory = ontology_directory or ontology_dir()
    onto = load_ontology(directory)
    curation, _ = load_curation(directory, corpus=corpus, strict=True)
    graph = tbox_graph(directory)
    graph += compile_abox(curation, onto)
    return graph, curation


def _atomic_write(files: dict[Path, bytes]) -> None:
    """Write each file to a temporary sibling, then move them all into place."""
    temps: list[tuple[str, Path]] = []
    try:
        for path, data in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.chmod(tmp, 0o644)
            temps.append((tmp, path))
        for tmp, path in temps:
            os.replace(tmp, path)
    finally:
        for tmp, _ in temps:
            if os.path.exists(tmp):
                os.unlink(tmp)


def build(
    out_dir: Path | None = None, *, ontology_directory: Path | None = None, corpus: Corpus | None = None
) -> BuildResult:
    """Validate, compile and write the knowledge graph in every format."""
    from .paths import build_dir, ontology_dir

    directory = ontology_directory or ontology_dir()
    out = Path(out_dir or build_dir())
    graph, curation = compile_graph(directory, corpus=corpus)
    canonical = canonical_graph(graph)
    tbox = canonical_graph(tbox_graph(directory))
    nt = sorted_ntriples(canonical)
    blobs = {
        out / OUTPUTS["nt"]: nt.encode("utf-8"),
        out / OUTPUTS["ttl"]: canonical.serialize(format="turtle", encoding="utf-8"),
        out / OUTPUTS["owl"]: rdf_xml(canonical),
        out / OUTPUTS["jsonld"]: _jsonld(canonical),
        out / OUTPUTS["tbox"]: rdf_xml(tbox),
    }
    digest = inputs_hash(directory)
    manifest = {
        "inputs_sha256": digest,
        "triples": len(canonical),
        "statements": len(curation.statements()),
        "assertions": len(curation.assertions),
        "documents": len(curation.documents),
        "skipped_spans": len(curation.skips),
        "files": {
            name: hashlib.sha256(blobs[out / name]).hexdigest()
            for name in sorted(OUTPUTS.values())
            if out / name in blobs
        },
    }
    blobs[out / OUTPUTS["manifest"]] = (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode()
    # caches for a fast start: the term index and the NetworkX projection (made by the same SPARQL as always)
    onto = load_ontology(directory)
    blobs[out / ONTOLOGY_CACHE] = write_ontology_cache(out, directory, onto)
    blobs[out / NETWORK_CACHE] = write_network_cache(_project_ntriples(nt, onto), digest)
    _atomic_write(blobs)
    return BuildResult(
        out,
        {k: out / v for k, v in OUTPUTS.items()},
        len(canonical),
        len(curation.statements()),
        len(curation.assertions),
        len(curation.documents),
        digest,
    )


def _project_ntriples(nt: str, onto: Ontology):
    """The NetworkX projection of freshly built N-Triples (through the embedded store's SPARQL)."""
    import pyoxigraph as ox

    from .graph import KnowledgeGraph
    from .network import project

    store = ox.Store()
    store.bulk_load(nt.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
    return project(KnowledgeGraph(store=store, ontology=onto))


def _jsonld(g: Graph) -> bytes:
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


def rdf_xml(g: Graph) -> bytes:
    """Deterministic RDF/XML (subjects and properties sorted), readable by owlready2 and Protégé.

    rdflib's writers order subjects by set iteration, which changes from run to run.
    """
    from xml.sax.saxutils import escape, quoteattr

    from rdflib.namespace import split_uri

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

    from rdflib import BNode

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


def decompile(graph: Graph, onto: Ontology) -> Curation:
    """Read a compiled graph back into the claim model (the inverse of :func:`compile_abox`).

    Used to prove that claims → RDF → claims loses nothing. File positions (``source``)
    are not part of the graph and come back as None.
    """
    from .model import Anchor, Context, Document, Evidence, Party, Reference, Skip
    from .namespaces import iri_to_curie

    def value(node, prop):
        v = graph.value(node, prop)
        return None if v is None else v.toPython() if isinstance(v, Literal) else v

    keys = {name: {iri: key for key, iri in values.items()} for name, values in onto.values.items()}
    pred_keys = {p.iri: p.key for p in onto.predicates.values()}
    documents = {}
    for d in graph.subjects(RDF.type, MSC.Document):
        doc_id = str(d)[len(str(DOCUMENT)) :]
        documents[doc_id] = Document(
            id=doc_id,
            file=value(d, MSC.fileName),
            sha256=value(d, MSC.sha256),
            title=value(d, DCTERMS.title),
            publisher=value(d, MSC.publisher),
            kind=keys["DocumentKind"][str(value(d, MSC.documentKind))],
            speaker=keys["SpeakerKind"][str(value(d, MSC.speakerKind))],
            url=None if value(d, MSC.url) is None else str(value(d, MSC.url)),
        )
    parties = {}
    for p in graph.subjects(RDF.type, MSC.Party):
        pid = str(p)[len(str(PARTY)) :]
        parties[pid] = Party(pid, value(p, RDFS.label), value(p, MSC.partyKind))
    references = {}
    for r in graph.subjects(RDF.type, MSC.Reference):
        rid = str(r)[len(str(REFERENCE)) :]
        url = value(r, MSC.url)
        references[rid] = Reference(
            rid, value(r, RDFS.label), None if url is None else str(url), value(r, MSC.identifier)
        )

    def anchor_of(node) -> Anchor:
        target = graph.value(node, OA.hasTarget)
        selector = graph.value(target, OA.hasSelector)
        doc = str(graph.value(target, OA.hasSource))[len(str(DOCUMENT)) :]
        return Anchor(doc, int(value(selector, OA.start)), int(value(selector, OA.end)), value(target, MSC.spanSha256))

    def statement_of(s) -> Statement:
        context = {}
        for key, spec in onto.context.items():
            v = graph.value(s, URIRef(spec.iri))
            if v is not None:
                context[key] = str(v) if spec.literal else iri_to_curie(str(v))
        obj = graph.value(s, MSC.object)
        return Statement(
            subject=iri_to_curie(str(graph.value(s, MSC.subject))),
            predicate=pred_keys[str(graph.value(s, MSC.predicate))],
            object=None if obj is None else iri_to_curie(str(obj)),
            object_value=value(s, MSC.objectValue),
            polarity="positive" if graph.value(s, MSC.polarity) == MSC.Positive else "negative",
            context=Context.of(context, onto.context_order),
        )

    assertions = []
    for a in graph.subjects(RDF.type, MSC.Assertion):
        ev = graph.value(a, HAS_EVIDENCE)
        ref = graph.value(a, MSC.citesReference)
        assertions.append(
            Assertion(
                id=value(a, MSC.claimId),
                statement=statement_of(graph.value(a, MSC.asserts)),
                document=str(graph.value(a, MSC.inDocument))[len(str(DOCUMENT)) :],
                anchor=anchor_of(a),
                modality=keys["Modality"][str(graph.value(a, MSC.modality))],
                party=str(graph.value(a, MSC.creditedParty))[len(str(PARTY)) :],
                speaker=keys["SpeakerKind"][str(graph.value(a, MSC.speakerKind))],
                evidence=Evidence(
                    iri_to_curie(str(graph.value(ev, MSC.evidenceType))),
                    value(ev, MSC.studyCount),
                    value(ev, MSC.patientCount),
                    value(ev, MSC.followUp),
                ),
                paraphrase=value(a, MSC.paraphrase),
                cue=value(a, MSC.cue),
                reference=None if ref is None else str(ref)[len(str(REFERENCE)) :],
                note=value(a, SKOS.note),
                conflicts_with=tuple(
                    sorted(str(o)[len(str(ASSERTION)) :] for o in graph.objects(a, MSC.contradictsAssertion))
                ),
            )
        )
    skips = [
        Skip(str(k)[len(str(SKIP)) :], anchor_of(k), value(k, MSC.skipReason), value(k, SKOS.note))
        for k in graph.subjects(RDF.type, MSC.SkippedSpan)
    ]
    return Curation(
        documents,
        parties,
        references,
        tuple(sorted(assertions, key=lambda a: a.id)),
        tuple(sorted(skips, key=lambda s: s.id)),
    )
