"""Synthetic claim graphs in msc-graph's real model, for measuring scale.

``generate(path, claims=N, seed=S)`` writes N-Triples with: the real TBox; a few thousand
synthetic entity terms in the real categories (with labels, synonyms, parents, and the
source axioms of source-specific cell classes); thousands of documents with parties;
statements along typed layers (source → cell → factor → target → mechanism → outcome →
condition) with skewed (Zipf-like) popularity, so that mechanism chains exist from sources
to conditions; several assertions per statement, each with a Web Annotation anchor,
modality, credited party, speaker kind, evidence and paraphrase; opposite-polarity
statements linked as conflicts; the materialised direct edges and subclass closure; and the
summary triples the build writes (:mod:`msc_graph.summaries`: per statement what ranking reads,
per term its chain steps and caveats), from the same code. Deterministic by seed.
"""

from __future__ import annotations

import hashlib
import random
from bisect import bisect
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path

from .namespaces import BASE, OBO_BASE, PREFIXES, iri_to_curie
from .ontology import load_ontology
from .summaries import STATEMENT_SUMMARY, Skeleton, StatementFacts, statement_summary, summary_rules

RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
SUBCLASS = "<http://www.w3.org/2000/01/rdf-schema#subClassOf>"
ALT = "<http://www.w3.org/2004/02/skos/core#altLabel>"
XSD = "http://www.w3.org/2001/XMLSchema#"
OA = PREFIXES["oa"]

# layer, category, number of terms, the relations that lead from this layer to the next
LAYERS = [
    ("CellSource", 20),
    ("CellType", 200),
    ("Factor", 800),
    ("Target", 300),
    ("Mechanism", 600),
    ("Outcome", 200),
    ("Condition", 400),
]
NEXT_RELATIONS = {
    "CellType": ["RO_0003000", "RO_0003000", "RO_0002203"],
    "Factor": ["RO_0002304", "RO_0002305", "msc:protects"],
    "Target": ["RO_0002304", "RO_0002305"],
    "Mechanism": ["RO_0002304", "RO_0002305"],
    "Outcome": ["RO_0003304", "RO_0003307"],
}
EVIDENCE = [
    "ECO_0000204",
    "ECO_0000033",
    "ECO_0000179",
    "OBI_0003699",
    "OBI_0004001",
    "msc:MetaAnalysis",
    "msc:NarrativeReview",
    "ECO_0006018",
]
#: the valences of each layer's terms (cycled through by term number)
VALENCE = {
    "CellType": ["Neutral"],
    "Factor": ["Neutral", "Protective"],
    "Target": ["Protective"],
    "Mechanism": ["Harmful", "Protective"],
    "Outcome": ["Harmful", "Protective"],
    "Condition": ["Harmful"],
}
SPEAKERS = ["ClinicMarketing", "MedicalTourismSite", "HealthInformation", "ReviewSummary", "ReaderComment"]
MODALITIES = ["Asserted"] * 7 + ["Hedged"] * 3


def iri(x: str) -> str:
    if x.startswith("msc:"):
        return f"<{BASE}{x[4:]}>"
    return f"<{OBO_BASE}{x}>"


def m(local: str) -> str:
    return f"<{BASE}{local}>"


def lit(text: str, datatype: str | None = None) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"^^<{XSD}{datatype}>' if datatype else f'"{escaped}"'


@dataclass(frozen=True)
class SyntheticGraph:
    path: Path
    claims: int
    statements: int
    documents: int
    triples: int
    sources: list[str]
    conditions: list[str]
    popular: dict[str, str]  # category -> the most popular term's CURIE


class _Zipf:
    """Skewed choice: item i has weight 1 / (i + 1) ** s."""

    def __init__(self, n: int, s: float = 1.1):
        self.cum = list(accumulate(1 / (i + 1) ** s for i in range(n)))

    def pick(self, rng: random.Random) -> int:
        return bisect(self.cum, rng.random() * self.cum[-1])


def generate(path: str | Path, *, claims: int, seed: int = 7, tbox_ntriples: str | None = None) -> SyntheticGraph:
    """Write a synthetic claim graph of about ``claims`` assertions to ``path`` (N-Triples)."""
    rng = random.Random(seed)
    skeleton = Skeleton(summary_rules(load_ontology()))
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    n_docs = max(50, claims // 200)
    triples = 0
    with path.open("w", encoding="utf-8") as out:

        def emit(s: str, p: str, o: str) -> None:
            nonlocal triples
            out.write(f"{s} {p} {o} .\n")
            triples += 1

        if tbox_ntriples:
            for line in tbox_ntriples.splitlines():
                if line.strip():
                    out.write(line + "\n")
                    triples += 1
        # ---- entity terms, by layer
        layers: dict[str, list[str]] = {}
        for category, size in LAYERS:
            terms = [f"msc:syn{category}{i}" for i in range(size)]
            layers[category] = terms
            for i, term in enumerate(terms):
                node = iri(term)
                emit(node, RDF_TYPE, "<http://www.w3.org/2002/07/owl#Class>")
                emit(node, LABEL, lit(f"synthetic {category.lower()} {i}"))
                emit(node, ALT, lit(f"syn-{category[:3].lower()}-{i}"))
                emit(node, m("category"), m(category))
                emit(node, m("subClassOfOrSelf"), node)
                if category == "CellType" and i >= 10:  # source-specific cells under 10 general classes
                    parent = iri(terms[i % 10])
                    emit(node, SUBCLASS, parent)
                    emit(node, m("subClassOfOrSelf"), parent)
                valence = VALENCE.get(category)
                if valence:  # every term that can end a chain has a valence, as check requires of the real data
                    emit(node, m("valence"), m(valence[i % len(valence)]))
        # the source axioms: cell i (i >= 10) derives from source i % 20
        for restriction, (i, cell) in enumerate(enumerate(layers["CellType"][10:], 10)):
            source = layers["CellSource"][i % len(layers["CellSource"])]
            bnode = f"_:r{restriction}"
            emit(iri(cell), SUBCLASS, bnode)
            emit(bnode, RDF_TYPE, "<http://www.w3.org/2002/07/owl#Restriction>")
            emit(bnode, "<http://www.w3.org/2002/07/owl#onProperty>", iri("RO_0001000"))
            emit(bnode, "<http://www.w3.org/2002/07/owl#someValuesFrom>", iri(source))
        # ---- documents and parties
        for d in range(n_docs):
            doc = m(f"document/syn{d:06d}")
            emit(doc, RDF_TYPE, m("Document"))
            emit(doc, "<http://purl.org/dc/terms/title>", lit(f"Synthetic document {d}"))
            emit(doc, m("publisher"), lit(f"publisher {d % 97}"))
            emit(doc, m("fileName"), lit(f"syn{d:06d}.txt"))
            emit(doc, m("sha256"), lit(hashlib.sha256(f"doc{d}".encode()).hexdigest()))
            emit(doc, m("documentKind"), m(["ClinicBlogPost", "MagazineArticle", "InformationPage"][d % 3]))
            emit(doc, m("speakerKind"), m(SPEAKERS[d % len(SPEAKERS)]))
            for p in range(2):
                party = m(f"party/syn{d:06d}/p{p}")
                emit(party, RDF_TYPE, m("Party"))
                emit(party, LABEL, lit(f"party {p} of document {d}"))
                emit(party, m("partyKind"), lit("publisher" if p == 0 else "review-authors"))
        # ---- statements along the layers, then assertions
        zipfs = {c: _Zipf(len(t)) for c, t in layers.items()}
        # document sizes are log-normal (median about 120 claims, a long tail of large reviews) and
        # unrelated to the document number; a Zipf law here made one document hold 4% of the corpus
        doc_weights = [rng.lognormvariate(0.0, 1.0) for _ in range(n_docs)]
        doc_cum = list(accumulate(doc_weights))
        order = [c for c, _ in LAYERS]
        claim = 0
        statements = 0
        seen: set[tuple[str, str, str, str]] = set()
        while claim < claims:
            layer = rng.choice(order[1:6])  # CellType .. Outcome
            subject = layers[layer][zipfs[layer].pick(rng)]
            nxt = order[order.index(layer) + 1] if rng.random() < 0.85 else "Condition"
            obj = layers[nxt][zipfs[nxt].pick(rng)]
            pred = rng.choice(NEXT_RELATIONS[layer])
            polarity = "Negative" if rng.random() < 0.04 else "Positive"
            key = (subject, pred, obj, polarity)
            if key in seen:
                continue
            seen.add(key)
            sid = hashlib.sha256(repr(key).encode()).hexdigest()[:16]
            st = m(f"statement/s{sid}")
            statements += 1
            emit(st, RDF_TYPE, m("Statement"))
            emit(st, m("subject"), iri(subject))
            emit(st, m("predicate"), iri(pred))
            emit(st, m("object"), iri(obj))
            emit(st, m("polarity"), m(polarity))
            facts = StatementFacts(
                f"s{sid}", iri_to_curie(iri(subject)[1:-1]), iri_to_curie(iri(pred)[1:-1]),
                iri_to_curie(iri(obj)[1:-1]), polarity.lower(), {},
            )  # fmt: skip
            if rng.random() < 0.3:
                condition = iri(layers["Condition"][zipfs["Condition"].pick(rng)])
                emit(st, m("inCondition"), condition)
                facts.context["condition"] = iri_to_curie(condition[1:-1])
            if polarity == "Positive":
                emit(iri(subject), iri(pred), iri(obj))
            else:
                twin = m(
                    "statement/s" + hashlib.sha256(repr((subject, pred, obj, "Positive")).encode()).hexdigest()[:16]
                )
                if (subject, pred, obj, "Positive") in seen:
                    emit(st, m("conflictsWith"), twin)
                    emit(twin, m("conflictsWith"), st)
            for _ in range(1 + min(int(rng.expovariate(0.5)), 9)):
                if claim >= claims:
                    break
                d = min(bisect(doc_cum, rng.random() * doc_cum[-1]), n_docs - 1)
                a = m(f"assertion/syn{claim:08d}")
                emit(a, RDF_TYPE, m("Assertion"))
                emit(a, m("claimId"), lit(f"syn{claim:08d}"))
                emit(a, m("asserts"), st)
                emit(a, m("inDocument"), m(f"document/syn{d:06d}"))
                modality = "Negated" if polarity == "Negative" else rng.choice(MODALITIES)
                emit(a, m("modality"), m(modality))
                if modality != "Asserted":
                    emit(a, m("cue"), lit("may" if modality == "Hedged" else "not"))
                emit(a, m("creditedParty"), m(f"party/syn{d:06d}/p{claim % 2}"))
                emit(a, m("speakerKind"), m(SPEAKERS[(d + claim) % len(SPEAKERS)]))
                emit(a, m("paraphrase"), lit(f"Synthetic claim {claim} about {layer.lower()}s."))
                target, selector, evidence = (
                    f"<{BASE}assertion/syn{claim:08d}/target>",
                    f"<{BASE}assertion/syn{claim:08d}/selector>",
                    f"<{BASE}assertion/syn{claim:08d}/evidence>",
                )
                start = rng.randrange(0, 20000)
                emit(a, f"<{OA}hasTarget>", target)
                emit(target, RDF_TYPE, f"<{OA}SpecificResource>")
                emit(target, f"<{OA}hasSource>", m(f"document/syn{d:06d}"))
                emit(target, f"<{OA}hasSelector>", selector)
                emit(target, m("spanSha256"), lit(hashlib.sha256(f"{claim}".encode()).hexdigest()))
                emit(selector, RDF_TYPE, f"<{OA}TextPositionSelector>")
                emit(selector, f"<{OA}start>", lit(str(start), "nonNegativeInteger"))
                emit(selector, f"<{OA}end>", lit(str(start + rng.randrange(20, 300)), "nonNegativeInteger"))
                emit(a, iri("RO_0002558"), evidence)
                emit(evidence, RDF_TYPE, m("EvidenceLine"))
                etype = rng.choice(EVIDENCE)
                emit(evidence, m("evidenceType"), iri(etype))
                facts.assertions.append((f"syn{d:06d}.txt", f"msc:{modality}", iri_to_curie(iri(etype)[1:-1])))
                if etype in ("OBI_0003699", "OBI_0004001", "msc:MetaAnalysis") and rng.random() < 0.5:
                    emit(evidence, m("patientCount"), lit(str(rng.randrange(10, 2000)), "nonNegativeInteger"))
                claim += 1
            emit(st, f"<{STATEMENT_SUMMARY}>", lit(statement_summary(facts)))
            skeleton.add(facts)
        for subject, prop, text in skeleton.triples():
            emit(f"<{subject}>", f"<{prop}>", lit(text))
    popular = {c: t[0] for c, t in layers.items()}
    return SyntheticGraph(
        path, claim, statements, n_docs, triples, layers["CellSource"][:5], layers["Condition"][:5], popular
    )
