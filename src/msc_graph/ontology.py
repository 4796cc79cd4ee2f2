"""The TBox as a term index: categories, claim relations, controlled values and lookup.

Terms are looked up by CURIE, label or synonym, case-insensitively; an unknown name
raises :class:`~msc_graph.errors.UnknownTermError` with the nearest labels.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import re
import tempfile
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from . import namespaces
from .errors import EnvironmentProblem, InputError, UnknownTermError
from .model import ContextKey, Predicate, Term, bad_character, describe_character, utf8_error
from .namespaces import BASE, iri_to_curie, is_curie
from .project import __version__, cache_dir, ontology_dir

#: curation keys of the controlled value sets defined in msc.ttl, by the class they belong to
VALUE_SETS = ("Modality", "Polarity", "SpeakerKind", "DocumentKind", "Valence")


def normalise(text: str) -> str:
    """Lower-case and collapse white space and hyphen variants for lookup."""
    text = text.replace("\u2011", "-").replace("\u2010", "-").replace("\u2019", "'")
    return " ".join(text.lower().split())


@dataclass
class Ontology:
    """Terms, predicates and value sets read from ``ontology/*.ttl``."""

    terms: dict[str, Term]
    predicates: dict[str, Predicate]
    values: dict[str, dict[str, str]]  # value set -> curation key -> IRI
    categories: dict[str, str]  # category local name -> label
    evidence_rank: dict[str, int]
    commercial: set[str]  # speaker-kind keys that are commercial
    files: tuple[Path, ...] = ()
    problems: list[str] = field(default_factory=list)
    #: OBO classes a term is related to by an existential restriction (``capable of some GO:...``)
    restriction_fillers: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: (property CURIE, filler CURIE) pairs of each term's existential restrictions
    restrictions: dict[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)
    #: the context properties of statements, by key, in their canonical order
    context: dict[str, ContextKey] = field(default_factory=dict)
    #: the context key that plays each role of the explanation engine (``msc:contextRole``)
    context_roles: dict[str, str] = field(default_factory=dict)
    #: modality key -> stance ("affirms", "denies" or "none") and firmness (higher is firmer)
    stance: dict[str, str] = field(default_factory=dict)
    strength: dict[str, int] = field(default_factory=dict)
    #: the curation rules of modalities: the polarity a claim must have or cannot have, and the
    #: modalities that need no cue word (``msc:requiredPolarity``, ``msc:excludedPolarity``, ``msc:cueRequired``)
    required_polarity: dict[str, str] = field(default_factory=dict)
    excluded_polarity: dict[str, str] = field(default_factory=dict)
    cue_free: set[str] = field(default_factory=set)
    #: the explanation rules (annotations in msc.ttl): step relation key -> the sign a chain composes
    #: for it (0: unsigned, the effect is not stated), caveat relations, and the categories a chain
    #: may pass through, start from and be asked about
    chain_signs: dict[str, int] = field(default_factory=dict)
    caveat_relations: set[str] = field(default_factory=set)
    passable: set[str] = field(default_factory=set)
    source_categories: set[str] = field(default_factory=set)
    target_categories: set[str] = field(default_factory=set)
    #: how an explanation expands its source: "derived cells" and "therapy" -> the relation's CURIE
    start_relations: dict[str, str] = field(default_factory=dict)
    #: value set -> curation key -> label (``SpeakerKind``/``medical-tourism-site`` -> "medical-tourism site")
    value_labels: dict[str, dict[str, str]] = field(default_factory=dict)
    #: SKOS mappings of the TBox's own vocabulary: IRI -> [(match kind, target IRI)], match kind one of
    #: ``exactMatch``, ``closeMatch``, ``broadMatch``, ``narrowMatch`` (biolink.ttl maps to Biolink)
    mappings: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    #: the Biolink annotations of biolink.ttl: relation key -> {"direction": ..., "aspect": ...};
    #: context key -> Biolink slot; modality key -> knowledge level; class CURIE -> agent type
    biolink_qualifiers: dict[str, dict[str, str]] = field(default_factory=dict)
    biolink_slots: dict[str, str] = field(default_factory=dict)
    knowledge_levels: dict[str, str] = field(default_factory=dict)
    agent_types: dict[str, str] = field(default_factory=dict)
    #: the ontology header (msc.ttl): iri, title, creator, license, version, version_iri
    metadata: dict[str, str] = field(default_factory=dict)

    def value_label(self, value_set: str, key: str | None) -> str | None:
        """The label of a controlled value given by its key (the key itself when it has no label).

        >>> load_ontology().value_label("SpeakerKind", "medical-tourism-site")
        'medical-tourism site'
        """
        if key is None:
            return None
        return self.value_labels.get(value_set, {}).get(key, key)

    def mapping(self, iri: str, namespace: str) -> tuple[str, str] | None:
        """The (match kind, target IRI) of a term's one SKOS mapping into ``namespace`` (None: unmapped)."""
        found = sorted((kind, target) for kind, target in self.mappings.get(iri, []) if target.startswith(namespace))
        return found[0] if found else None

    def valence(self, curie: str) -> str | None:
        """The valence of a term: stated on it, else on its nearest superclasses (None when none
        is stated, or when the nearest superclasses disagree)."""
        return self.valence_from(curie)[0]

    def valence_from(self, curie: str) -> tuple[str | None, str | None]:
        """The valence of a term and the term it is stated on; (None, None) when no superclass
        states one, (None, "a, b") when the nearest ones disagree.

        >>> onto = load_ontology()
        >>> onto.valence_from("MONDO:0005416")
        ('harmful', 'MONDO:0005416')
        """
        level = [curie]
        seen = set(level)
        while level:
            found = {c: self.terms[c].valence for c in level if c in self.terms and self.terms[c].valence}
            if found:
                values = set(found.values())
                if len(values) == 1:
                    return values.pop(), sorted(found)[0]
                return None, ", ".join(sorted(found))
            level = sorted({p for c in level if c in self.terms for p in self.terms[c].parents} - seen)
            seen.update(level)
        return None, None

    #: upper kinds by key (``material`` -> ``BFO:0000040`` ...); pairwise disjoint in the TBox
    kinds: dict[str, str] = field(default_factory=dict)
    #: the upper kind of each category's terms, and of terms that state their own (``msc:upperKind``)
    category_kinds: dict[str, str] = field(default_factory=dict)
    term_kinds: dict[str, str] = field(default_factory=dict)

    def kind_of(self, curie: str | None) -> str | None:
        """The upper kind of a term: its own ``msc:upperKind``, else its category's (None when unknown)."""
        if curie is None:
            return None
        if curie in self.term_kinds:
            return self.term_kinds[curie]
        term = self.terms.get(curie)
        return self.category_kinds.get(term.category or "") if term is not None else None

    def fitting_relations(self, predicate: str, subject_kind: str | None, object_kind: str | None) -> list[str]:
        """Relation keys whose kinds fit a subject and object of these kinds: the relation's own
        alternatives first, then other relations with the same effect sign."""
        pred = self.predicates[predicate]
        out = [
            k for k in pred.alternatives if k in self.predicates and self.predicates[k].fits(subject_kind, object_kind)
        ]
        for key, other in sorted(self.predicates.items()):
            same_sign = key not in out and key != predicate and other.sign == pred.sign and not other.literal
            if same_sign and other.fits(subject_kind, object_kind) and (other.subject_kinds or other.object_kinds):
                out.append(key)
        return out

    def role_key(self, role: str) -> str:
        """The context key that plays a role of the explanation engine ("condition", "stage",
        "donor"); the role's own name when the ontology assigns it to no key."""
        return self.context_roles.get(role, role)

    @property
    def context_order(self) -> list[str]:
        """Context keys in their canonical order."""
        return [k.key for k in sorted(self.context.values(), key=lambda k: k.order)]

    @property
    def modalities(self) -> list[str]:
        """Modality keys, firmest first."""
        return sorted(self.values["Modality"], key=lambda m: (-self.strength.get(m, 0), m))

    def claims_it(self, modality: str) -> bool:
        """Whether an assertion with this modality claims its statement (affirms or denies it)."""
        return self.stance.get(modality, "none") != "none"

    def related(self, curie: str, prop: str) -> list[str]:
        """Fillers of ``prop some X`` restrictions on a term (``RO:0001000`` gives source tissues)."""
        return [f for p, f in self.restrictions.get(curie, ()) if p == prop]

    def related_inverse(self, filler: str, prop: str) -> list[str]:
        """Terms with a ``prop some filler`` restriction (cells derived from a tissue)."""
        return sorted(c for c, pairs in self.restrictions.items() if (prop, filler) in pairs)

    @property
    def restriction_fillers_all(self) -> set[str]:
        return {f for fillers in self.restriction_fillers.values() for f in fillers}

    # ------------------------------------------------------------------ lookup
    @cached_property
    def _names(self) -> dict[str, set[str]]:
        names: dict[str, set[str]] = {}
        for term in self.terms.values():
            if term.category is None:
                continue
            names.setdefault(normalise(term.label), set()).add(term.curie)
            for syn in term.synonyms:
                names.setdefault(normalise(syn), set()).add(term.curie)
        return names

    @cached_property
    def _categorised(self) -> set[str]:
        return {c for c, t in self.terms.items() if t.category is not None}

    def ambiguous_names(self) -> dict[str, set[str]]:
        """Names that lead to more than one term (a curation hazard)."""
        return {n: c for n, c in self._names.items() if len(c) > 1}

    def suggest(self, text: str, *, category: str | None = None, n: int = 3) -> list[str]:
        """The nearest labels to ``text``, formatted ``'label' (CURIE)``."""
        candidates = {
            name: curies
            for name, curies in self._names.items()
            if category is None or any(self.terms[c].category == category for c in curies)
        }
        wanted = normalise(text)
        close = difflib.get_close_matches(wanted, list(candidates), n=n, cutoff=0.6)
        if len(close) < n:
            close += [name for name in sorted(candidates) if wanted in name and name not in close][: n - len(close)]
        out = []
        for name in close:
            for curie in sorted(candidates[name]):
                label = f"{self.terms[curie].label!r} ({curie})"
                if label not in out:
                    out.append(label)
        return out[:n]

    def resolve(self, text: str, *, category: str | None = None) -> Term:
        """The term named by a CURIE, label or synonym.

        >>> onto = load_ontology()
        >>> onto.resolve("umbilical cord").curie
        'UBERON:0002331'
        >>> onto.resolve("MSC").label
        'mesenchymal stem cell'
        >>> onto.resolve("umbilical chord")
        Traceback (most recent call last):
        ...
        msc_graph.errors.UnknownTermError: unknown term 'umbilical chord'; did you mean 'umbilical cord' (UBERON:0002331)...
        """
        text = str(text).strip()
        if is_curie(text) and text in self.terms and self.terms[text].category is not None:
            term = self.terms[text]
        elif text.startswith(("http://", "https://")) and iri_to_curie(text) in self._categorised:
            term = self.terms[iri_to_curie(text)]
        else:
            curies = self._names.get(normalise(text), set())
            if category is not None and len(curies) > 1:
                curies = {c for c in curies if self.terms[c].category == category} or curies
            if not curies:
                raise UnknownTermError("term", text, self.suggest(text, category=category))
            if len(curies) > 1:
                options = ", ".join(f"{self.terms[c].label!r} ({c})" for c in sorted(curies))
                raise InputError(f"ambiguous term {text!r}: it names {options}; use the CURIE")
            term = self.terms[next(iter(curies))]
        if category is not None and term.category != category:
            raise InputError(
                f"term {text!r} ({term.curie}) is a {self.category_label(term.category)}, "
                f"not a {self.category_label(category)}"
            )
        return term

    def predicate(self, key: str) -> Predicate:
        """The claim relation for a curation key, label or CURIE."""
        wanted = normalise(key).replace(" ", "_")
        for pred in self.predicates.values():
            if wanted in (pred.key, normalise(pred.label).replace(" ", "_"), pred.curie.lower()):
                return pred
        close = difflib.get_close_matches(wanted, sorted(self.predicates), n=3, cutoff=0.5)
        raise UnknownTermError("predicate", key, [repr(c) for c in close] or None)

    def value(self, value_set: str, key: str) -> str:
        """The IRI of a controlled value (``modality``/``hedged``)."""
        known = self.values[value_set]
        if key in known:
            return known[key]
        close = difflib.get_close_matches(str(key), sorted(known), n=3, cutoff=0.5)
        kind = {"SpeakerKind": "speaker kind", "DocumentKind": "document kind"}.get(value_set, value_set.lower())
        raise UnknownTermError(kind, str(key), [repr(c) for c in close] or [", ".join(sorted(known))])

    def category_label(self, category: str | None) -> str:
        return self.categories.get(category or "", "term without category")

    # --------------------------------------------------------------- hierarchy
    def ancestors(self, curie: str) -> list[str]:
        """All superclasses of a term among the loaded terms, nearest first."""
        seen: list[str] = []
        frontier = list(self.terms[curie].parents) if curie in self.terms else []
        while frontier:
            parent = frontier.pop(0)
            if parent in seen:
                continue
            seen.append(parent)
            if parent in self.terms:
                frontier.extend(self.terms[parent].parents)
        return seen

    def descendants(self, curie: str) -> list[str]:
        """All subclasses of a term among the loaded terms."""
        children: dict[str, list[str]] = {}
        for term in self.terms.values():
            for parent in term.parents:
                children.setdefault(parent, []).append(term.curie)
        out: list[str] = []
        frontier = list(children.get(curie, []))
        while frontier:
            child = frontier.pop(0)
            if child not in out:
                out.append(child)
                frontier.extend(children.get(child, []))
        return sorted(out)

    def search(self, text: str | None = None, *, category: str | None = None) -> list[dict]:
        """Categorised terms whose label, synonym or CURIE contains ``text`` (all when None), as rows."""
        if category is not None and category not in self.categories:
            close = difflib.get_close_matches(category, sorted(self.categories), n=3)
            raise UnknownTermError("category", category, [repr(c) for c in close] or None)
        rows = []
        for term in sorted(self.terms.values(), key=lambda t: (t.category or "~", t.label.lower())):
            if term.category is None or (category and term.category != category):
                continue
            if text and not any(normalise(text) in normalise(n) for n in (term.label, *term.synonyms, term.curie)):
                continue
            rows.append(
                {
                    "curie": term.curie,
                    "label": term.label,
                    "category": term.category,
                    "synonyms": list(term.synonyms),
                    "parents": list(term.parents),
                }
            )
        return rows

    def in_category(self, category: str) -> list[Term]:
        return sorted((t for t in self.terms.values() if t.category == category), key=lambda t: t.label.lower())


def ontology_files(directory: Path) -> tuple[Path, ...]:
    """The TBox files: ``msc.ttl`` first, then every other ``*.ttl`` (shapes excluded)."""
    files = sorted(p for p in directory.glob("*.ttl") if p.name not in {"msc.ttl", "shapes.ttl"})
    return (directory / "msc.ttl", *files)


def tbox_graph(directory: Path | None = None):  # -> rdflib.Graph
    """The TBox as one rdflib graph. Parse errors name the file and line."""
    import rdflib

    directory = directory or ontology_dir()
    _require_tbox(directory)
    graph = rdflib.Graph()
    where: dict[str, Path] = {}  # the file that declares each subject, for messages
    for path in ontology_files(directory):
        part = _parse_turtle(path)
        for subject in part.subjects(unique=True):
            where.setdefault(str(subject), path)
        graph += part
        for prefix, ns in part.namespaces():
            graph.bind(prefix, ns, override=False)
    _check_subclass_cycles(graph, where)
    return graph


def _parse_turtle(path: Path):  # -> rdflib.Graph
    """One Turtle file; every problem is one line naming the file and line: bytes that are not
    UTF-8, syntax errors (with the parser's reason), literals no serialisation can hold."""
    import rdflib

    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8")
    except OSError as err:
        raise InputError(f"{path}: cannot read: {err.strerror}") from err
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise InputError(f"{path}:{line}: {utf8_error(raw, err)}") from err
    graph = rdflib.Graph()
    try:
        graph.parse(data=text, format="turtle", publicID=path.resolve().as_uri())
    except Exception as err:  # rdflib raises several types for syntax errors
        lines = getattr(err, "lines", None)
        reason = getattr(err, "_why", None) or (str(err).strip().splitlines() or [type(err).__name__])[0]
        at = f":{lines + 1}" if isinstance(lines, int) else ""
        raise InputError(f"{path}{at}: cannot parse Turtle: {reason}; fix the syntax there") from err
    for s, p, o in graph:
        for node in (s, p, o):
            bad = bad_character(str(node))
            if bad is not None:
                subject = iri_to_curie(str(s)) if isinstance(s, rdflib.URIRef) else str(s)
                raise InputError(
                    f"{path}:{_line_of(text, graph, s)}: {subject}: {describe_character(bad)} cannot be stored in "
                    "the graph (RDF/XML and N-Triples refuse it); delete it or replace the escape"
                )
    return graph


def _line_of(text: str, graph, node) -> int:
    """The line of a Turtle text where ``node`` is first written as a subject (else first mentioned)."""
    names = [f"<{node}>"]
    for prefix, ns in graph.namespaces():
        if str(node).startswith(str(ns)) and prefix:
            names.insert(0, f"{prefix}:{str(node)[len(str(ns)) :]}")
    for pattern in ("^[ \\t]*{}(?![\\w:.-])", "{}(?![\\w:.-])"):
        for name in names:
            match = re.search(pattern.format(re.escape(name)), text, re.MULTILINE)
            if match:
                return text.count("\n", 0, match.start()) + 1
    return 1


def _check_subclass_cycles(graph, where: dict[str, Path]) -> None:
    """Refuse a cycle of named classes under rdfs:subClassOf (``A ⊑ B``, ``B ⊑ A``): HermiT reads it
    as an equivalence and reports nothing, but in msc-graph's hierarchy it is always a mistake."""
    from rdflib import RDFS, URIRef

    parents: dict[str, list[str]] = {}
    for child, parent in graph.subject_objects(RDFS.subClassOf):
        if isinstance(child, URIRef) and isinstance(parent, URIRef):
            parents.setdefault(str(child), []).append(str(parent))
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    for start in sorted(parents):
        if state.get(start):
            continue
        path: list[str] = []
        stack = [(start, iter(sorted(parents.get(start, ()))))]
        state[start] = 1
        path.append(start)
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                path.pop()
                state[node] = 2
            elif state.get(child) == 1:
                cycle = [*path[path.index(child) :], child]
                names = " ⊑ ".join(iri_to_curie(c) for c in cycle)
                file = where.get(child)
                text = file.read_text(encoding="utf-8") if file else ""
                at = f"{file}:{_line_of(text, graph, URIRef(child))}" if file else "the ontology"
                raise InputError(
                    f"{at}: subclass cycle {names}: a class cannot be its own superclass; "
                    "remove one of these rdfs:subClassOf statements"
                )
            elif not state.get(child):
                state[child] = 1
                path.append(child)
                stack.append((child, iter(sorted(parents.get(child, ())))))


def _require_tbox(directory: Path) -> None:
    if not (directory / "msc.ttl").is_file():
        raise EnvironmentProblem(
            f"no ontology in {directory} (msc.ttl is missing); set MSC_GRAPH_ROOT to a project folder "
            "or reinstall msc-graph"
        )


#: bump when the cached term index changes shape (the cache is also keyed by the package version)
CACHE_FORMAT = 5
_MEMORY: dict[tuple[Path, str], Ontology] = {}


def tbox_key(directory: Path) -> str:
    """SHA-256 over the package version, the cache format and every TBox file (name and bytes):
    the key of the term index built from them."""
    h = hashlib.sha256(f"msc-graph {__version__} term index {CACHE_FORMAT}\n".encode())
    for path in ontology_files(directory):
        if path.exists():
            h.update(path.name.encode() + b"\0")
            h.update(path.read_bytes())
    return h.hexdigest()


def load_ontology(directory: Path | None = None) -> Ontology:
    """The term index of the TBox in ``directory`` (default: the project's ``ontology/``).

    The one constructor: it is kept in memory and in the user cache (``ontology/<key>.json``)
    under a key made of the TBox files' bytes and the package version, so an edit to any TBox
    file or an upgrade gives a fresh index at once, and nothing else writes or reads that cache.
    """
    directory = (directory or ontology_dir()).resolve()
    _require_tbox(directory)
    key = tbox_key(directory)
    found = _MEMORY.get((directory, key))
    if found is None:
        found = _read_cache(key, directory)
        if found is None:
            found = _parse(directory)
            _write_cache(key, found)
        _MEMORY[(directory, key)] = found
    return found


def _cache_path(key: str) -> Path:
    return cache_dir() / "ontology" / f"{key}.json"


def _write_cache(key: str, onto: Ontology) -> None:
    """Write the term index to the user cache atomically (a read-only cache folder is not an error)."""
    path = _cache_path(key)
    data = {
        "key": key,
        "terms": [asdict(t) for t in sorted(onto.terms.values(), key=lambda t: t.curie)],
        "predicates": [asdict(p) for p in sorted(onto.predicates.values(), key=lambda p: p.key)],
        "values": onto.values,
        "categories": onto.categories,
        "evidence_rank": onto.evidence_rank,
        "commercial": sorted(onto.commercial),
        "problems": onto.problems,
        "restrictions": {k: [list(p) for p in v] for k, v in sorted(onto.restrictions.items())},
        "restriction_fillers": {k: list(v) for k, v in sorted(onto.restriction_fillers.items())},
        "context": [asdict(k) for k in onto.context.values()],
        "context_roles": onto.context_roles,
        "stance": onto.stance,
        "strength": onto.strength,
        "required_polarity": onto.required_polarity,
        "excluded_polarity": onto.excluded_polarity,
        "cue_free": sorted(onto.cue_free),
        "chain_signs": onto.chain_signs,
        "caveat_relations": sorted(onto.caveat_relations),
        "passable": sorted(onto.passable),
        "source_categories": sorted(onto.source_categories),
        "target_categories": sorted(onto.target_categories),
        "start_relations": onto.start_relations,
        "kinds": onto.kinds,
        "category_kinds": onto.category_kinds,
        "term_kinds": onto.term_kinds,
        "value_labels": onto.value_labels,
        "mappings": {k: [list(m) for m in v] for k, v in sorted(onto.mappings.items())},
        "biolink_qualifiers": onto.biolink_qualifiers,
        "biolink_slots": onto.biolink_slots,
        "knowledge_levels": onto.knowledge_levels,
        "agent_types": onto.agent_types,
        "metadata": onto.metadata,
    }
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, sort_keys=True)
        os.replace(tmp, path)
    except OSError:
        return


def _read_cache(key: str, directory: Path) -> Ontology | None:
    """The cached term index of this key, or None (missing, unreadable, or of another key)."""
    path = _cache_path(key)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("key") != key:
        return None
    try:
        return Ontology(
            terms={
                t["curie"]: Term(**{**t, "synonyms": tuple(t["synonyms"]), "parents": tuple(t["parents"])})
                for t in data["terms"]
            },
            predicates={p["key"]: _predicate(p) for p in data["predicates"]},
            values=data["values"],
            categories=data["categories"],
            evidence_rank=data["evidence_rank"],
            commercial=set(data["commercial"]),
            files=ontology_files(directory),
            problems=data["problems"],
            restriction_fillers={k: tuple(v) for k, v in data["restriction_fillers"].items()},
            restrictions={k: tuple((p[0], p[1]) for p in v) for k, v in data["restrictions"].items()},
            context={k["key"]: ContextKey(**{**k, "categories": tuple(k["categories"])}) for k in data["context"]},
            context_roles=data["context_roles"],
            stance=data["stance"],
            strength=data["strength"],
            required_polarity=data["required_polarity"],
            excluded_polarity=data["excluded_polarity"],
            cue_free=set(data["cue_free"]),
            chain_signs=data["chain_signs"],
            caveat_relations=set(data["caveat_relations"]),
            passable=set(data["passable"]),
            source_categories=set(data["source_categories"]),
            target_categories=set(data["target_categories"]),
            start_relations=data["start_relations"],
            kinds=data["kinds"],
            category_kinds=data["category_kinds"],
            term_kinds=data["term_kinds"],
            value_labels=data["value_labels"],
            mappings={k: [(m[0], m[1]) for m in v] for k, v in data["mappings"].items()},
            biolink_qualifiers=data["biolink_qualifiers"],
            biolink_slots=data["biolink_slots"],
            knowledge_levels=data["knowledge_levels"],
            agent_types=data["agent_types"],
            metadata=data["metadata"],
        )
    except (KeyError, TypeError):
        return None


def _predicate(record: dict[str, Any]) -> Predicate:
    fields: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v for k, v in record.items()}
    return Predicate(**fields)


def _parse(directory: Path) -> Ontology:
    """Read the TBox files with rdflib into an :class:`Ontology`."""
    graph = tbox_graph(directory)
    from rdflib import OWL, RDF, RDFS, SKOS, URIRef

    MSC, OBO = namespaces.MSC, namespaces.OBO  # rdflib namespaces, built on first use
    definition = OBO["IAO_0000115"]

    categories = {}
    for cat in graph.subjects(RDFS.subClassOf, MSC.Category):
        categories[str(cat)[len(BASE) :]] = str(graph.value(cat, RDFS.label))

    valence_keys = {str(i): str(graph.value(i, MSC.curationKey)) for i in graph.subjects(RDF.type, MSC.Valence)}
    terms: dict[str, Term] = {}
    problems: list[str] = []
    for subject, value in graph.subject_objects(MSC.valence):
        if str(value) not in valence_keys:
            problems.append(f"term {iri_to_curie(str(subject))} has an unknown valence {iri_to_curie(str(value))}")
    for subject in sorted(set(graph.subjects(RDF.type, OWL.Class))):
        if not isinstance(subject, URIRef):
            continue
        curie = iri_to_curie(str(subject))
        labels = list(graph.objects(subject, RDFS.label))
        if len(labels) != 1:
            problems.append(f"term {curie} has {len(labels)} labels (needs exactly one)")
            if not labels:
                continue
        cat_iri = graph.value(subject, MSC.category)
        category = str(cat_iri)[len(BASE) :] if cat_iri is not None else None
        parents = tuple(
            sorted(iri_to_curie(str(p)) for p in graph.objects(subject, RDFS.subClassOf) if isinstance(p, URIRef))
        )
        valence = graph.value(subject, MSC.valence)
        defn = graph.value(subject, definition)
        terms[curie] = Term(
            curie=curie,
            iri=str(subject),
            label=str(labels[0]),
            category=category,
            synonyms=tuple(sorted(str(s) for s in graph.objects(subject, SKOS.altLabel))),
            parents=parents,
            definition=str(defn) if defn is not None else None,
            valence=valence_keys.get(str(valence)) if valence is not None else None,
        )

    fillers: dict[str, tuple[str, ...]] = {}
    restrictions: dict[str, tuple[tuple[str, str], ...]] = {}
    for subject, parent in graph.subject_objects(RDFS.subClassOf):
        if isinstance(subject, URIRef) and not isinstance(parent, URIRef):
            filler = graph.value(parent, OWL.someValuesFrom)
            prop = graph.value(parent, OWL.onProperty)
            if isinstance(filler, URIRef):
                curie = iri_to_curie(str(subject))
                fillers[curie] = tuple(sorted({*fillers.get(curie, ()), iri_to_curie(str(filler))}))
                if isinstance(prop, URIRef):
                    pair = (iri_to_curie(str(prop)), iri_to_curie(str(filler)))
                    restrictions[curie] = tuple(sorted({*restrictions.get(curie, ()), pair}))

    kind_keys = {str(node): str(key) for node, key in graph.subject_objects(MSC.kindKey)}
    category_kinds: dict[str, str] = {}
    term_kinds: dict[str, str] = {}
    for node, kind in graph.subject_objects(MSC.upperKind):
        if str(kind) not in kind_keys:
            problems.append(
                f"{iri_to_curie(str(node))} has upper kind {iri_to_curie(str(kind))}, which has no msc:kindKey"
            )
        elif str(node)[len(BASE) :] in categories:
            category_kinds[str(node)[len(BASE) :]] = kind_keys[str(kind)]
        else:
            term_kinds[iri_to_curie(str(node))] = kind_keys[str(kind)]
    keys_by_iri = {str(p): str(k) for p, k in graph.subject_objects(MSC.curationKey)}

    def kinds_of(prop, attribute) -> tuple[str, ...]:
        return tuple(sorted(kind_keys[str(k)] for k in graph.objects(prop, attribute) if str(k) in kind_keys))

    predicates: dict[str, Predicate] = {}
    for prop, key in graph.subject_objects(MSC.curationKey):
        kinds = set(graph.objects(prop, RDF.type))
        if not kinds & {OWL.ObjectProperty, OWL.DatatypeProperty}:
            continue
        sign = graph.value(prop, MSC.effectSign)
        same = graph.value(prop, MSC.sameKind)
        predicates[str(key)] = Predicate(
            key=str(key),
            curie=iri_to_curie(str(prop)),
            iri=str(prop),
            label=str(graph.value(prop, RDFS.label)),
            sign=int(sign) if sign is not None else 0,
            literal=OWL.DatatypeProperty in kinds,
            subject_kinds=kinds_of(prop, MSC.subjectKind),
            object_kinds=kinds_of(prop, MSC.objectKind),
            same_kind=bool(same is not None and same.toPython()),
            alternatives=tuple(_keys(graph, prop, MSC.alternative, keys_by_iri)),
            scoped_classes=tuple(sorted(iri_to_curie(str(c)) for c in graph.objects(prop, MSC.scopedClass))),
            scope_context=tuple(
                sorted(str(k) for c in graph.objects(prop, MSC.scopeContext) if (k := graph.value(c, MSC.contextKey)))
            ),
        )

    values: dict[str, dict[str, str]] = {name: {} for name in VALUE_SETS}
    value_labels: dict[str, dict[str, str]] = {name: {} for name in VALUE_SETS}
    for name in VALUE_SETS:
        for individual in graph.subjects(RDF.type, MSC[name]):
            key = graph.value(individual, MSC.curationKey)
            if key is not None:
                values[name][str(key)] = str(individual)
                value_labels[name][str(key)] = str(graph.value(individual, RDFS.label) or key)
    mappings: dict[str, list[tuple[str, str]]] = {}
    for kind in ("exactMatch", "closeMatch", "broadMatch", "narrowMatch"):
        for node, target in graph.subject_objects(SKOS[kind]):
            if isinstance(node, URIRef) and isinstance(target, URIRef):
                mappings.setdefault(str(node), []).append((kind, str(target)))
    mappings = {k: sorted(v) for k, v in sorted(mappings.items())}
    qualifiers: dict[str, dict[str, str]] = {}
    for pred in predicates.values():
        node = URIRef(pred.iri)
        found = {
            name: str(value)
            for name, prop in (("direction", MSC.biolinkObjectDirection), ("aspect", MSC.biolinkObjectAspect))
            if (value := graph.value(node, prop)) is not None
        }
        if found:
            qualifiers[pred.key] = found
    slots = {
        str(key): str(slot)
        for prop, slot in graph.subject_objects(MSC.biolinkSlot)
        if (key := graph.value(prop, MSC.contextKey)) is not None
    }
    modality_keys = {iri: key for key, iri in values["Modality"].items()}
    knowledge_levels = {
        modality_keys[str(node)]: str(level)
        for node, level in graph.subject_objects(MSC.biolinkKnowledgeLevel)
        if str(node) in modality_keys
    }
    agent_types = {iri_to_curie(str(node)): str(kind) for node, kind in graph.subject_objects(MSC.biolinkAgentType)}
    metadata: dict[str, str] = {}
    header = URIRef(BASE + "ontology")
    if (header, RDF.type, OWL.Ontology) in graph:
        from rdflib.namespace import DCTERMS

        metadata["iri"] = str(header)
        for name, prop in (
            ("title", DCTERMS.title),
            ("creator", DCTERMS.creator),
            ("license", DCTERMS.license),
            ("version", OWL.versionInfo),
            ("version_iri", OWL.versionIRI),
        ):
            if (value := graph.value(header, prop)) is not None:
                metadata[name] = str(value)
    commercial = {
        key
        for key, iri in values["SpeakerKind"].items()
        if (v := graph.value(URIRef(iri), MSC.commercial)) is not None and v.toPython()
    }
    evidence_rank = {iri_to_curie(str(s)): int(o) for s, o in graph.subject_objects(MSC.evidenceRank)}
    context: dict[str, ContextKey] = {}
    for prop, key in graph.subject_objects(MSC.contextKey):
        order = graph.value(prop, MSC.contextOrder)
        context[str(key)] = ContextKey(
            key=str(key),
            curie=iri_to_curie(str(prop)),
            iri=str(prop),
            label=str(graph.value(prop, RDFS.label)),
            order=int(order) if order is not None else 99,
            categories=tuple(sorted(str(c)[len(BASE) :] for c in graph.objects(prop, MSC.contextCategory))),
        )
    context_roles = {
        str(role): str(key)
        for prop, role in graph.subject_objects(MSC.contextRole)
        if (key := graph.value(prop, MSC.contextKey)) is not None
    }
    stance: dict[str, str] = {}
    strength: dict[str, int] = {}
    polarity_keys = {iri: key for key, iri in values["Polarity"].items()}
    required: dict[str, str] = {}
    excluded: dict[str, str] = {}
    cue_free: set[str] = set()
    for key, iri in values["Modality"].items():
        node = URIRef(iri)
        stance[key] = str(graph.value(node, MSC.stance) or "none")
        strength[key] = int(graph.value(node, MSC.strength) or 0)
        for prop, target in ((MSC.requiredPolarity, required), (MSC.excludedPolarity, excluded)):
            polarity = graph.value(node, prop)
            if polarity is not None:
                target[key] = polarity_keys.get(str(polarity), iri_to_curie(str(polarity)))
        cue = graph.value(node, MSC.cueRequired)
        if cue is not None and not cue.toPython():
            cue_free.add(key)
    chain_signs, caveats = {}, set()
    for pred in predicates.values():
        node = URIRef(pred.iri)
        if _true(graph.value(node, MSC.chainStep)):
            override = graph.value(node, MSC.chainSign)
            chain_signs[pred.key] = int(override) if override is not None else pred.sign
        if _true(graph.value(node, MSC.caveatRelation)):
            caveats.add(pred.key)
    starts = {str(role): iri_to_curie(str(prop)) for prop, role in graph.subject_objects(MSC.explanationStart)}
    roles = {
        name: {local for local in categories if _true(graph.value(URIRef(BASE + local), MSC[name]))}
        for name in ("chainPassable", "explanationSource", "explanationTarget")
    }
    return Ontology(
        terms=terms,
        predicates=predicates,
        values=values,
        categories=categories,
        evidence_rank=evidence_rank,
        commercial=commercial,
        files=ontology_files(directory),
        problems=problems,
        restriction_fillers=fillers,
        restrictions=restrictions,
        context=dict(sorted(context.items(), key=lambda kv: kv[1].order)),
        context_roles=dict(sorted(context_roles.items())),
        stance=stance,
        strength=strength,
        required_polarity=dict(sorted(required.items())),
        excluded_polarity=dict(sorted(excluded.items())),
        cue_free=cue_free,
        chain_signs=dict(sorted(chain_signs.items())),
        caveat_relations=caveats,
        passable=roles["chainPassable"],
        source_categories=roles["explanationSource"],
        target_categories=roles["explanationTarget"],
        start_relations=dict(sorted(starts.items())),
        kinds={key: iri_to_curie(iri) for iri, key in sorted(kind_keys.items(), key=lambda kv: kv[1])},
        category_kinds=dict(sorted(category_kinds.items())),
        term_kinds=dict(sorted(term_kinds.items())),
        value_labels=value_labels,
        mappings=mappings,
        biolink_qualifiers=dict(sorted(qualifiers.items())),
        biolink_slots=dict(sorted(slots.items())),
        knowledge_levels=dict(sorted(knowledge_levels.items())),
        agent_types=dict(sorted(agent_types.items())),
        metadata=metadata,
    )


def _true(value) -> bool:
    """An annotation value read with rdflib as a boolean (absent: False)."""
    return value is not None and bool(value.toPython())


def _keys(graph, node, prop, keys: dict[str, str]) -> list[str]:
    """The curation keys of the relations an annotation points to (RDF keeps no order: sorted)."""
    return sorted(keys[str(o)] for o in graph.objects(node, prop) if str(o) in keys)


RELATION_TABLE_START = "<!-- relation table: generated from ontology/msc.ttl by `msc-graph relations`; do not edit -->"
RELATION_TABLE_END = "<!-- end of the generated relation table -->"


def relation_table(directory: Path | None = None) -> str:
    """The claim relations as a Markdown table (key, relation, IRI, sign, subject and object kinds,
    use), read from the ontology, for the modelling guide. A test compares it with docs/curation.md."""
    from rdflib import RDFS, SKOS, URIRef

    OBO = namespaces.OBO
    onto = load_ontology(directory)
    graph = tbox_graph(directory)
    sign = {1: "+", -1: "−", 0: "0"}
    rows = [
        "| key | relation | IRI | sign | subject | object | use for |",
        "|---|---|---|---|---|---|---|",
    ]
    every = set(onto.kinds)
    for pred in sorted(onto.predicates.values(), key=lambda p: (p.literal, p.key)):
        node = URIRef(pred.iri)
        note = graph.value(node, SKOS.scopeNote) or graph.value(node, OBO["IAO_0000115"]) or ""

        def kinds(values: tuple[str, ...]) -> str:
            return "any" if set(values) >= every else ", ".join(values) or "any"

        subject = kinds(pred.subject_kinds)
        obj = "a value" if pred.literal else kinds(pred.object_kinds)
        if pred.same_kind:
            obj += " (same kind as the subject)"
        note = " ".join(str(note).split()).replace("|", "/")
        rows.append(
            f"| `{pred.key}` | {graph.value(node, RDFS.label) or pred.label} | {pred.curie} | {sign.get(pred.sign, pred.sign)} "
            f"| {subject} | {obj} | {note} |"
        )
    return "\n".join(rows) + "\n"


def entity_terms(onto: Ontology) -> Iterable[Term]:
    """Terms that claims may use: those with a category."""
    return (t for t in onto.terms.values() if t.category is not None)
