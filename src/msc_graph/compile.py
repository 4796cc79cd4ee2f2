"""The curated claims and the ontology as RDF, and back (:func:`compile_abox`, :func:`decompile`).

Statements, assertions with their anchors and evidence, documents, parties, references, skipped
spans, the materialised direct edges, the subclass closure, the conflicts between statements and
the summary triples of the explanation engine (:mod:`msc_graph.summaries`).
No blank nodes: every node has an IRI derived from its content or its curated id.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from . import namespaces as ns
from .corpus import Corpus
from .curation import load_curation
from .model import Anchor, Assertion, Context, Curation, Document, Evidence, Party, Reference, Skip, Statement
from .namespaces import curie_to_iri, iri_to_curie, parse_identifier
from .ontology import Ontology, load_ontology, tbox_graph
from .project import ontology_dir
from .summaries import STATEMENT_SUMMARY, Skeleton, StatementFacts, statement_summary, summary_rules

#: publisher names in the document registry that name no one (no PROV agent is made for them)
UNNAMED_PUBLISHERS = {"not named in the text"}


def statement_iri(statement: Statement) -> Any:  # rdflib.URIRef
    return ns.STATEMENT[statement.id]


def _iri(curie: str) -> Any:  # rdflib.URIRef
    """A CURIE as an IRI; terms of other vocabularies (PROV classes) are keyed by their full IRI."""
    from rdflib import URIRef

    return URIRef(curie if curie.startswith(("http://", "https://")) else curie_to_iri(curie))


def party_iri(party_id: str) -> Any:  # rdflib.URIRef
    return ns.PARTY[_local(party_id)]


def reference_iri(reference_id: str) -> Any:  # rdflib.URIRef
    return ns.REFERENCE[_local(reference_id)]


def _slug(name: str) -> str:
    """A name as an IRI path segment (``MedicalTourism.com (Medical Tourism Magazine)`` ->
    ``medicaltourism-com-medical-tourism-magazine``)."""
    import re

    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


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
    for assertion in curation.assertions:
        for other in assertion.conflicts_with:
            mine, theirs = assertion, by_claim.get(other)
            if theirs is None or not (onto.claims_it(mine.modality) and onto.claims_it(theirs.modality)):
                continue
            if theirs.statement.id != mine.statement.id:
                low, high = sorted((mine.statement.id, theirs.statement.id))
                pairs.add((low, high))
    return pairs


def general_denials(statements: Iterable[Statement], onto: Ontology) -> set[tuple[str, str]]:
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

    statements = list(statements)
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


def compile_abox(curation: Curation, onto: Ontology) -> Any:  # rdflib.Graph
    """The instance data: documents, parties, references, statements, assertions, skips."""
    from rdflib import Graph, Literal, URIRef
    from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

    MSC, DOCUMENT, PARTY, REFERENCE, STATEMENT, SKIP, PUBLISHER = (
        ns.MSC, ns.DOCUMENT, ns.PARTY, ns.REFERENCE, ns.STATEMENT, ns.SKIP, ns.PUBLISHER
    )  # fmt: skip
    g = Graph()
    PROV = ns.PROV
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
            g.add((d, MSC.url, URIRef(doc.url)))
        if doc.publisher and doc.publisher not in UNNAMED_PUBLISHERS:
            # the publisher as a PROV agent (the literal above keeps the name as the registry gives it)
            agent = PUBLISHER[_slug(doc.publisher)]
            g.add((agent, RDF.type, PROV.Organization))
            g.add((agent, RDFS.label, Literal(doc.publisher)))
            g.add((d, DCTERMS.publisher, agent))
            g.add((d, PROV.wasAttributedTo, agent))
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
            g.add((r, MSC.url, URIRef(ref.url)))
        parsed = parse_identifier(ref.identifier)
        if parsed:  # a CURIE, with the IRI it expands to
            g.add((r, MSC.identifier, Literal(parsed[0])))
            g.add((r, RDFS.seeAlso, URIRef(parsed[1])))
        elif ref.identifier:
            g.add((r, DCTERMS.bibliographicCitation, Literal(ref.identifier)))

    positive_supported: set[str] = set()
    for st in curation.statements().values():
        add_statement(g, st, onto)
    for a in curation.assertions:
        _add_assertion(g, a, onto)
        if a.statement.polarity == "positive" and onto.claims_it(a.modality):
            positive_supported.add(a.statement.id)
    # materialised direct edges: simple SPARQL stays simple, provenance is one hop away
    for st in curation.statements().values():
        if st.id in positive_supported:
            g.add(direct_edge(st, onto))
    # the reflexive-transitive subclass closure, so that queries need no property paths
    for curie in sorted(onto.terms):
        g.add((_iri(curie), MSC.subClassOfOrSelf, _iri(curie)))
        for ancestor in onto.ancestors(curie):
            g.add((_iri(curie), MSC.subClassOfOrSelf, _iri(ancestor)))
    for a_id, b_id in conflicts(curation, onto):
        g.add((STATEMENT[a_id], MSC.conflictsWith, STATEMENT[b_id]))
        g.add((STATEMENT[b_id], MSC.conflictsWith, STATEMENT[a_id]))
    _add_summaries(g, curation, onto)
    for skip in curation.skips:
        k = SKIP[skip.id]
        g.add((k, RDF.type, MSC.SkippedSpan))
        g.add((k, MSC.skipReason, Literal(skip.reason)))
        _add_target(g, k, skip.anchor.document, skip.anchor.start, skip.anchor.end, skip.anchor.sha256, skip.id)
        if skip.note:
            g.add((k, SKOS.note, Literal(skip.note)))
    return g


def _add_summaries(g: Any, curation: Curation, onto: Ontology) -> None:
    """The summary triples: per statement what ranking reads, per term its chain steps and caveats."""
    from rdflib import Literal, URIRef

    files = {d.id: d.file for d in curation.documents.values()}
    facts: dict[str, StatementFacts] = {}
    for st in curation.statements().values():
        if st.object is not None:
            facts[st.id] = StatementFacts(
                st.id, st.subject, onto.predicates[st.predicate].curie, st.object, st.polarity, st.context.as_dict()
            )
    for a in curation.assertions:
        item = facts.get(a.statement.id)
        if item is not None:
            item.assertions.append(
                (files[a.document], iri_to_curie(onto.value("Modality", a.modality)), a.evidence.type)
            )
    skeleton = Skeleton(summary_rules(onto))
    for sid, item in facts.items():
        g.add((ns.STATEMENT[sid], URIRef(STATEMENT_SUMMARY), Literal(statement_summary(item))))
        skeleton.add(item)
    for subject, prop, text in skeleton.triples():
        g.add((URIRef(subject), URIRef(prop), Literal(text)))


def add_statement(g: Any, st: Statement, onto: Ontology) -> None:
    """The triples of a statement: subject, relation, object or value, polarity and context."""
    from rdflib import Literal, URIRef
    from rdflib.namespace import RDF

    MSC = ns.MSC
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


def direct_edge(st: Statement, onto: Ontology) -> tuple[Any, Any, Any]:
    """The materialised ``subject relation object`` triple of a positive statement."""
    from rdflib import Literal, URIRef

    obj = _iri(st.object) if st.object is not None else Literal(st.object_value)
    return (_iri(st.subject), URIRef(onto.predicates[st.predicate].iri), obj)


def add_assertion(g: Any, a: Assertion, onto: Ontology) -> None:
    """The triples of an assertion: document, anchor, modality, party (and PROV), evidence, paraphrase."""
    _add_assertion(g, a, onto)


def _add_target(g: Any, node: Any, doc: str, start: int, end: int, digest: str, local: str) -> None:
    from rdflib import Literal, URIRef
    from rdflib.namespace import RDF, XSD

    MSC, OA = ns.MSC, ns.OA
    target = URIRef(f"{node}/target")
    selector = URIRef(f"{node}/selector")
    g.add((node, OA.hasTarget, target))
    g.add((target, RDF.type, OA.SpecificResource))
    g.add((target, OA.hasSource, ns.DOCUMENT[doc]))
    g.add((target, OA.hasSelector, selector))
    g.add((target, MSC.spanSha256, Literal(digest)))
    g.add((selector, RDF.type, OA.TextPositionSelector))
    g.add((selector, OA.start, Literal(start, datatype=XSD.nonNegativeInteger)))
    g.add((selector, OA.end, Literal(end, datatype=XSD.nonNegativeInteger)))


def _add_assertion(g: Any, a: Assertion, onto: Ontology) -> None:
    from rdflib import Literal, URIRef
    from rdflib.namespace import RDF, SKOS, XSD

    MSC, ASSERTION, DOCUMENT, PARTY, REFERENCE = ns.MSC, ns.ASSERTION, ns.DOCUMENT, ns.PARTY, ns.REFERENCE
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
    # the same in PROV-O (msc:creditedParty and msc:inDocument are subproperties of these)
    g.add((node, ns.PROV.wasAttributedTo, PARTY[_local(a.party)]))
    g.add((node, ns.PROV.wasDerivedFrom, DOCUMENT[a.document]))
    g.add((node, MSC.speakerKind, URIRef(onto.value("SpeakerKind", a.speaker))))
    if a.reference:
        g.add((node, MSC.citesReference, REFERENCE[_local(a.reference)]))
    g.add((node, MSC.paraphrase, Literal(a.paraphrase)))
    if a.note:
        g.add((node, SKOS.note, Literal(a.note)))
    for other in a.conflicts_with:
        g.add((node, MSC.contradictsAssertion, ASSERTION[other]))
    ev = URIRef(f"{node}/evidence")
    g.add((node, ns.HAS_EVIDENCE, ev))
    g.add((ev, RDF.type, MSC.EvidenceLine))
    g.add((ev, MSC.evidenceType, _iri(a.evidence.type)))
    if a.evidence.studies is not None:
        g.add((ev, MSC.studyCount, Literal(a.evidence.studies, datatype=XSD.nonNegativeInteger)))
    if a.evidence.patients is not None:
        g.add((ev, MSC.patientCount, Literal(a.evidence.patients, datatype=XSD.nonNegativeInteger)))
    if a.evidence.follow_up:
        g.add((ev, MSC.followUp, Literal(a.evidence.follow_up)))


def compile_graph(ontology_directory: Path | None = None, *, corpus: Corpus | None = None) -> tuple[Any, Curation]:
    """TBox + ABox as one rdflib graph, and the curation it came from."""
    directory = ontology_directory or ontology_dir()
    onto = load_ontology(directory)
    curation, _ = load_curation(directory, corpus=corpus, strict=True)
    graph = tbox_graph(directory)
    graph += compile_abox(curation, onto)
    return graph, curation


def decompile(graph: Any, onto: Ontology) -> Curation:
    """Read a compiled graph back into the claim model (the inverse of :func:`compile_abox`).

    Used to prove that claims → RDF → claims loses nothing. File positions (``source``)
    are not part of the graph and come back as None.
    """
    from rdflib import Literal, URIRef
    from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

    MSC, OA, ASSERTION, DOCUMENT, PARTY, REFERENCE, SKIP = (
        ns.MSC, ns.OA, ns.ASSERTION, ns.DOCUMENT, ns.PARTY, ns.REFERENCE, ns.SKIP
    )  # fmt: skip

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
            url=None if graph.value(d, MSC.url) is None else str(graph.value(d, MSC.url)),
        )
    parties = {}
    for p in graph.subjects(RDF.type, MSC.Party):
        pid = str(p)[len(str(PARTY)) :]
        parties[pid] = Party(pid, value(p, RDFS.label), value(p, MSC.partyKind))
    references = {}
    for r in graph.subjects(RDF.type, MSC.Reference):
        rid = str(r)[len(str(REFERENCE)) :]
        url = graph.value(r, MSC.url)
        identifier = value(r, MSC.identifier) or value(r, DCTERMS.bibliographicCitation)
        references[rid] = Reference(rid, value(r, RDFS.label), None if url is None else str(url), identifier)

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
        ev = graph.value(a, ns.HAS_EVIDENCE)
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
