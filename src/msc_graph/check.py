"""``msc-graph check``: every validation in one place.

* curated files: fields, terms, predicates, ids, provenance, anchors against the corpus;
* the compiled graph against the SHACL shapes (pyshacl);
* every OBO term against the reference tables (exists, not obsolete, exact label);
* project terms: definition, category, an OBO superclass;
* paraphrases are our own words, not copies of the anchored span;
* the TBox is consistent under HermiT (owlready2; needs Java).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .compile import compile_abox
from .corpus import Corpus
from .curation import load_curation
from .errors import CheckFailed, CurationError
from .io import canonical_graph, rdf_xml
from .namespaces import BASE, curie_to_iri, iri_to_curie
from .ontology import Ontology, load_ontology, tbox_graph
from .project import ontology_dir
from .reference import ReferenceTables

COPY_WORDS = 8  # a paraphrase sharing this many consecutive words with its span is a copy


@dataclass
class CheckReport:
    sections: dict[str, list[str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def problems(self) -> list[str]:
        return [f"[{name}] {p}" for name, items in self.sections.items() for p in items]

    @property
    def ok(self) -> bool:
        return not self.problems


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def copied_run(paraphrase: str, span: str, n: int = COPY_WORDS) -> str | None:
    """The first run of ``n`` consecutive words the paraphrase shares with the span.

    >>> copied_run("MSCs may wake up local cells", "stem cells may wake up local cells today", n=4)
    'may wake up local'
    >>> copied_run("our own words entirely", "their sentence", n=4) is None
    True
    """
    source = _words(span)
    grams = {tuple(source[i : i + n]) for i in range(len(source) - n + 1)}
    mine = _words(paraphrase)
    for i in range(len(mine) - n + 1):
        if tuple(mine[i : i + n]) in grams:
            return " ".join(mine[i : i + n])
    return None


def check_shacl(graph, shapes_path: Path | None = None) -> list[str]:  # graph: rdflib.Graph (TBox + ABox)
    import pyshacl
    from rdflib import Graph
    from rdflib.namespace import SH

    shapes = Graph().parse(shapes_path or ontology_dir() / "shapes.ttl", format="turtle")
    conforms, results, _ = pyshacl.validate(graph, shacl_graph=shapes, inference="none", advanced=True)
    if conforms:
        return []
    problems = []
    for result in results.subjects(SH.resultSeverity, SH.Violation):
        focus = results.value(result, SH.focusNode)
        path = results.value(result, SH.resultPath)
        message = results.value(result, SH.resultMessage)
        problems.append(f"{focus} {path or ''}: {message}".replace(BASE, "msc:"))
    return sorted(set(problems))


def check_reference_terms(onto, reference) -> tuple[list[str], list[str]]:
    """OBO terms of the TBox against the reference tables; also project-term hygiene."""
    problems: list[str] = []
    unverifiable: list[str] = []
    for term in onto.terms.values():
        if term.curie.startswith(("http://", "https://")):
            continue  # classes of W3C vocabularies the TBox declares (PROV-O): no OBO table
        if term.curie.startswith("msc:"):
            if term.category is None:
                continue
            if not term.definition:
                problems.append(f"project term {term.curie} {term.label!r} has no definition (obo:IAO_0000115)")
            lineage = [term.curie, *onto.ancestors(term.curie)]
            anchors = [a for a in lineage if not a.startswith("msc:")]
            anchors += [f for a in lineage for f in onto.restriction_fillers.get(a, ())]
            # qualities and dispositions (BFO) cannot be verified against the tables: the category anchors them
            if not anchors and term.category != "Property":
                problems.append(f"project term {term.curie} {term.label!r} has no OBO superclass; add rdfs:subClassOf")
            continue
        if reference is None:
            continue
        problem = reference.problem(term.curie, term.label)
        if problem:
            problems.append(problem)
        elif reference.unverifiable(term.curie):
            unverifiable.append(term.curie)
    for curie in onto.restriction_fillers_all:
        if reference is not None and (problem := reference.problem(curie, None)):
            problems.append(problem)
    for prop in onto.predicates.values():
        if (
            reference is not None
            and not prop.curie.startswith("msc:")
            and (problem := reference.problem(prop.curie, prop.label))
        ):
            problems.append(problem)
    for name, curies in sorted(onto.ambiguous_names().items()):
        problems.append(f"the name {name!r} is a label or synonym of several terms: {', '.join(sorted(curies))}")
    problems.extend(onto.problems)
    return problems, unverifiable


def check_paraphrases(curation, corpus: Corpus) -> list[str]:
    problems = []
    for a in curation.assertions:
        run = copied_run(a.paraphrase, corpus.quote(a.anchor))
        if run:
            problems.append(f"{a.source}: claim {a.id}: paraphrase copies the source ('{run}' ...); reword it")
    return problems


def chain_ending_terms(curation, onto) -> dict[str, list[str]]:
    """The terms that can end an explanation chain, with the claims that make them so: the
    object of a step claim (a relation marked ``msc:chainStep``, affirmed, positive) that is
    claimed in a condition's context, or whose category can be asked about (``msc:explanationTarget``)."""
    ends: dict[str, list[str]] = {}
    for a in curation.assertions:
        st = a.statement
        if st.object is None or st.polarity != "positive" or st.predicate not in onto.chain_signs:
            continue
        if onto.stance.get(a.modality) != "affirms":
            continue
        term = onto.terms.get(st.object)
        if st.context.get(onto.role_key("condition")) or (term is not None and term.category in onto.target_categories):
            ends.setdefault(st.object, []).append(a.id)
    return ends


def check_valences(curation, onto) -> list[str]:
    """Every term that can end a chain has a valence (its own or its nearest superclass's)."""
    problems = []
    for curie, claims in sorted(chain_ending_terms(curation, onto).items()):
        valence, source = onto.valence_from(curie)
        if valence is not None:
            continue
        label = onto.terms[curie].label if curie in onto.terms else curie
        used = ", ".join(sorted(set(claims)))
        if source:
            problems.append(
                f"term {curie} {label!r} ends explanation chains but its nearest superclasses disagree on its "
                f"valence ({source}); state msc:valence on it in ontology/valence.ttl (claims {used})"
            )
        else:
            problems.append(
                f"term {curie} {label!r} ends explanation chains but has no valence; state msc:valence "
                f"(harmful, protective or neutral) on it or a superclass in ontology/valence.ttl (claims {used})"
            )
    return problems


def _a(kinds) -> str:
    """'a material or process', 'an information' ...: kind keys with their article."""
    words = " or ".join(kinds) if isinstance(kinds, (list, tuple)) else str(kinds)
    return ("an " if words[:1] in "aeiou" else "a ") + words


def _term_name(onto, curie: str) -> str:
    term = onto.terms.get(curie)
    return f"{term.label!r} ({curie})" if term is not None else curie


def check_relation_kinds(curation, onto) -> list[str]:
    """Every claim's subject and object are of upper kinds its relation connects.

    One line per claim: where it is, what does not fit, and the relations that would.
    """
    problems = []
    for a in curation.assertions:
        st = a.statement
        pred = onto.predicates.get(st.predicate)
        if pred is None:
            continue
        subject_kind, object_kind = onto.kind_of(st.subject), onto.kind_of(st.object)
        if pred.fits(subject_kind, object_kind):
            continue
        if pred.same_kind and subject_kind in pred.subject_kinds and object_kind in pred.object_kinds:
            wrong = f"its subject is {_a(subject_kind)} and its object {_a(object_kind)}; '{pred.key}' needs one kind"
        elif subject_kind and pred.subject_kinds and subject_kind not in pred.subject_kinds:
            wrong = (
                f"subject {_term_name(onto, st.subject)} is {_a(subject_kind)}; "
                f"'{pred.key}' takes {_a(pred.subject_kinds)} subject"
            )
        else:
            wrong = (
                f"object {_term_name(onto, st.object)} is {_a(object_kind)}; "
                f"'{pred.key}' takes {_a(pred.object_kinds)} object"
            )
        fitting = onto.fitting_relations(pred.key, subject_kind, object_kind)
        hint = (
            f"; use {' or '.join(repr(k) for k in fitting[:3])}" if fitting else "; no relation fits: check the terms"
        )
        problems.append(f"{a.source}: claim {a.id}: {wrong}{hint}")
    return problems


def check_scope(curation, onto) -> list[str]:
    """A regulatory-status or risk claim about a therapy class carries the product scope or condition."""
    problems = []
    for a in curation.assertions:
        st = a.statement
        pred = onto.predicates.get(st.predicate)
        if pred is None or not pred.scoped_classes or not pred.scope_context:
            continue
        if not {st.subject, *onto.ancestors(st.subject)} & set(pred.scoped_classes):
            continue
        if any(st.context.get(key) for key in pred.scope_context):
            continue
        keys = " or ".join(f"'{k}'" for k in pred.scope_context)
        problems.append(
            f"{a.source}: claim {a.id}: '{pred.key}' about the therapy class {_term_name(onto, st.subject)} needs "
            f"the scope the sentence gives in context {keys} (approved for a condition, a commercially offered "
            "unproven product ...)"
        )
    return problems


#: the namespace of the classes the check makes for the reasoner (never written to the build)
CHECK_NS = "https://w3id.org/msc-graph/check/"


@dataclass
class KindAxioms:
    """What the check gives the reasoner on top of the TBox, and how to read its answer.

    * every term with a category is a subclass of its upper kind (``term ⊑ material entity``);
    * for every claim end, a class ``use ⊑ term ⊓ (kind₁ ⊔ kind₂ ...)`` with the kinds its relation
      allows (one class per term and allowed kinds, shared by the claims that need it).

    The upper kinds are pairwise disjoint in the TBox, so a term placed under two kinds, or used
    where its relation needs another kind, is an unsatisfiable class; ``explain`` turns its IRI
    back into the term or claims.
    """

    graph: Any  # rdflib.Graph
    uses: dict[str, list[str]] = field(default_factory=dict)  # class IRI -> claims ("file:line: claim id: ...")
    onto: Ontology | None = None

    def explain(self, iri: str) -> str:
        if iri in self.uses:
            return f"the reasoner cannot satisfy {self.uses[iri][0]}" + (
                f" (and {len(self.uses[iri]) - 1} more claim(s) with the same use)" if len(self.uses[iri]) > 1 else ""
            )
        curie = iri_to_curie(iri)
        onto = self.onto
        if onto is None or curie not in onto.terms:
            return f"unsatisfiable class under HermiT: {iri}"
        kind = onto.kind_of(curie)
        upper = {c: k for k, c in onto.kinds.items()}
        clashes = [
            f"{_term_name(onto, a)} is {_a(onto.kind_of(a) or upper[a])}"
            for a in onto.ancestors(curie)
            if (onto.kind_of(a) or upper.get(a)) not in (None, kind)
        ]
        category = onto.category_label(onto.terms[curie].category)
        return (
            f"unsatisfiable term under HermiT: {_term_name(onto, curie)} is {_a(kind)} (its category {category!r}) "
            f"but its superclass {'; '.join(clashes) or 'axioms place it elsewhere'}"
        )


def kind_axioms(onto, curation=None):  # -> KindAxioms
    """The reasoner's view of the upper kinds: term ⊑ kind, and one class per claim end."""
    from rdflib import OWL, RDF, RDFS, BNode, Graph, URIRef
    from rdflib.collection import Collection

    g = Graph()
    kind_iri = {key: URIRef(curie_to_iri(curie)) for key, curie in onto.kinds.items()}
    for curie, term in sorted(onto.terms.items()):
        kind = onto.kind_of(curie)
        if term.category is not None and kind in kind_iri:
            g.add((URIRef(term.iri), RDFS.subClassOf, kind_iri[kind]))
    out = KindAxioms(graph=g, onto=onto)
    if curation is None:
        return out
    for a in curation.assertions:
        st = a.statement
        pred = onto.predicates.get(st.predicate)
        if pred is None:
            continue
        ends = [("subject", st.subject, pred.subject_kinds), ("object", st.object, pred.object_kinds)]
        if pred.same_kind:
            ends = [
                ("subject", st.subject, (onto.kind_of(st.object),) if onto.kind_of(st.object) else pred.subject_kinds),
                ("object", st.object, pred.object_kinds),
            ]
        for end, curie, kinds in ends:
            if curie is None or curie not in onto.terms or not kinds or set(kinds) >= set(kind_iri):
                continue
            local = f"{curie.replace(':', '_')}/{'-'.join(sorted(kinds))}"
            node = URIRef(CHECK_NS + local)
            if str(node) not in out.uses:
                g.add((node, RDF.type, OWL.Class))
                g.add((node, RDFS.subClassOf, URIRef(onto.terms[curie].iri)))
                if len(kinds) == 1:
                    g.add((node, RDFS.subClassOf, kind_iri[kinds[0]]))
                else:  # one named union per set of kinds keeps the blank nodes (and canonicalisation) few
                    union = URIRef(CHECK_NS + "kinds/" + "-".join(sorted(kinds)))
                    if (union, RDF.type, OWL.Class) not in g:
                        items = BNode()
                        g.add((union, RDF.type, OWL.Class))
                        g.add((union, OWL.unionOf, items))
                        Collection(g, items, [kind_iri[k] for k in sorted(kinds)])
                    g.add((node, RDFS.subClassOf, union))
            out.uses.setdefault(str(node), []).append(
                f"{a.source}: claim {a.id}: its {end} {_term_name(onto, curie)} as {_a(tuple(sorted(kinds)))} "
                f"('{pred.key}' needs it)"
            )
    return out


def check_hermit(tbox_owl: bytes, explain=None) -> list[str]:
    """Consistency of the TBox under HermiT. Returns problems; raises nothing.

    ``explain`` turns the IRI of an unsatisfiable class into a sentence (see :class:`KindAxioms`)."""
    if shutil.which("java") is None:
        return ["HermiT needs Java, which is not installed (apt-get install default-jre-headless)"]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "tbox.owl"
        path.write_bytes(tbox_owl)
        script = (
            "import sys, owlready2\n"
            "w = owlready2.World()\n"
            f"o = w.get_ontology({str(path)!r}).load()\n"
            "n = len(list(o.classes()))\n"
            "try:\n"
            "    owlready2.sync_reasoner_hermit(w, infer_property_values=False, debug=0)\n"
            "except owlready2.OwlReadyInconsistentOntologyError:\n"
            "    print('INCONSISTENT'); sys.exit(3)\n"
            "bad = list(w.inconsistent_classes())\n"
            "print('CLASSES', n, 'UNSAT', ' '.join(c.iri for c in bad))\n"
        )
        import sys

        proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    if proc.returncode == 3:
        return ["the TBox is inconsistent under HermiT"]
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        return [f"HermiT could not run: {last}"]
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("CLASSES")), "")
    parts = line.split("UNSAT", 1)
    if not line or int(parts[0].split()[1]) == 0:
        return ["owlready2 loaded no classes from the TBox (RDF/XML conversion failed)"]
    unsat = [iri for iri in (parts[1].split() if len(parts) > 1 else []) if not iri.endswith("#Nothing")]
    if explain is None:
        return [f"unsatisfiable class under HermiT: {iri}" for iri in unsat]
    terms = [iri for iri in unsat if not iri.startswith(CHECK_NS)]
    # a claim end on a term that is itself unsatisfiable adds nothing: report the term
    uses = [iri for iri in unsat if iri.startswith(CHECK_NS)]
    return [explain(iri) for iri in terms] + [explain(iri) for iri in uses if not _uses_any(iri, terms)]


def _uses_any(check_iri: str, term_iris: list[str]) -> bool:
    local = check_iri[len(CHECK_NS) :].split("/")[0]
    return any(iri_to_curie(t).replace(":", "_") == local for t in term_iris)


def run_check(
    *,
    corpus: Corpus | None,
    reference_folder: Path | None,
    hermit: bool = True,
    ontology_directory: Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> CheckReport:
    """Run every check and report; curation errors (bad input) are raised, not reported.
    ``progress`` is told the name of each stage as it starts."""
    step = progress or (lambda _stage: None)
    directory = ontology_directory or ontology_dir()
    report = CheckReport()
    step("reading the ontology and the claim files (anchors against the corpus)")
    onto = load_ontology(directory)
    curation, problems = load_curation(directory, corpus=corpus, strict=False)
    if problems:
        first: CurationError = problems[0]
        first.problems = problems  # type: ignore[attr-defined]
        raise first
    if corpus is None:
        report.notes.append("corpus not available: anchors and paraphrases were not checked against the text")
    step("compiling and checking the SHACL shapes")
    tbox = tbox_graph(directory)
    graph = tbox + compile_abox(curation, onto)
    report.sections["shacl"] = check_shacl(graph, directory / "shapes.ttl")
    step("OBO terms, paraphrases, valences, relation kinds and scope")
    reference = ReferenceTables(reference_folder) if reference_folder else None
    if reference is None:
        report.notes.append("reference tables not available: OBO terms were not checked")
    ref_problems, unverifiable = check_reference_terms(onto, reference)
    report.sections["terms"] = ref_problems
    if unverifiable:
        report.notes.append("not verifiable here (no reference table): " + ", ".join(sorted(unverifiable)))
    report.sections["paraphrase"] = check_paraphrases(curation, corpus) if corpus else []
    report.sections["valence"] = check_valences(curation, onto)
    report.sections["kinds"] = check_relation_kinds(curation, onto)
    report.sections["scope"] = check_scope(curation, onto)
    if hermit:
        step("HermiT over the TBox and the claim kinds")
        axioms = kind_axioms(onto, curation)
        report.sections["hermit"] = check_hermit(rdf_xml(canonical_graph(tbox + axioms.graph)), axioms.explain)
    report.notes.append(
        f"checked {len(curation.documents)} documents, {len(curation.assertions)} assertions, "
        f"{len(curation.statements())} statements, {len(onto.terms)} terms"
    )
    return report


def require_ok(report: CheckReport) -> None:
    if not report.ok:
        raise CheckFailed(report.problems)
