"""The cue vocabulary of ``msc-graph propose``, read from the ontology (``ontology/cues.ttl``).

Relations carry ``msc:relationCue`` / ``msc:inverseRelationCue`` words and the categories of
subject and object a proposal may give them; modalities carry NegEx-style preceding,
following and pseudo cues. Python restates none of it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .. import namespaces
from ..errors import InputError
from ..namespaces import BASE, iri_to_curie
from ..ontology import Ontology

CUES_FILE = "cues.ttl"


@dataclass(frozen=True)
class RelationCues:
    key: str  # curation key of the claim relation
    forward: tuple[str, ...]
    inverse: tuple[str, ...]
    subject_categories: frozenset[str]
    object_categories: frozenset[str]
    same_category: bool


@dataclass(frozen=True)
class ModalityCues:
    key: str  # curation key of the modality
    preceding: tuple[str, ...]
    following: tuple[str, ...]
    pseudo: tuple[str, ...]
    excluded_library: tuple[str, ...] = ()
    reporting: tuple[str, ...] = ()


@dataclass
class CueVocabulary:
    relations: dict[str, RelationCues]
    modalities: dict[str, ModalityCues]
    termination: tuple[str, ...]
    problems: list[str] = field(default_factory=list)


def _strings(graph, subject, prop) -> tuple[str, ...]:
    return tuple(sorted({str(o).strip() for o in graph.objects(subject, prop) if str(o).strip()}))


def load_cues(directory: Path, onto: Ontology) -> CueVocabulary:
    """Read the cue annotations; ``problems`` names cues on IRIs that are not claim relations or modalities."""
    import rdflib
    from rdflib import URIRef

    MSC = namespaces.MSC  # the rdflib namespace, built on first use
    path = directory / CUES_FILE
    graph = rdflib.Graph()
    if path.exists():
        try:
            graph.parse(path, format="turtle")
        except Exception as err:  # rdflib raises several types for syntax errors
            raise InputError(f"{path}: cannot parse Turtle: {str(err).strip().splitlines()[0]}") from err
    by_iri = {p.iri: p for p in onto.predicates.values()}
    problems: list[str] = []
    relations: dict[str, RelationCues] = {}
    cue_props = (MSC.relationCue, MSC.inverseRelationCue)
    subjects = {s for prop in cue_props for s in graph.subjects(prop, None)}
    for subject in sorted(subjects, key=str):
        pred = by_iri.get(str(subject))
        if pred is None:
            problems.append(
                f"{CUES_FILE}: relation cues on {iri_to_curie(str(subject))}, which is not a claim relation"
            )
            continue
        if pred.literal:
            continue

        def cats(prop, subject=subject):
            return frozenset(str(c)[len(BASE) :] for c in graph.objects(subject, prop) if str(c).startswith(BASE))

        for category in cats(MSC.proposalSubjectCategory) | cats(MSC.proposalObjectCategory):
            if category not in onto.categories:
                problems.append(f"{CUES_FILE}: {pred.key} names unknown category {category!r}")
        same = graph.value(subject, MSC.proposalSameCategory)
        relations[pred.key] = RelationCues(
            key=pred.key,
            forward=_strings(graph, subject, MSC.relationCue),
            inverse=_strings(graph, subject, MSC.inverseRelationCue),
            subject_categories=cats(MSC.proposalSubjectCategory),
            object_categories=cats(MSC.proposalObjectCategory),
            same_category=bool(same is not None and same.toPython()),
        )
    modality_keys = {iri: key for key, iri in onto.values.get("Modality", {}).items()}
    modalities: dict[str, ModalityCues] = {}
    modal_props = (MSC.precedingCue, MSC.followingCue, MSC.pseudoCue, MSC.reportingCue)
    for subject in sorted({s for prop in modal_props for s in graph.subjects(prop, None)}, key=str):
        key = modality_keys.get(str(subject))
        if key is None:
            problems.append(f"{CUES_FILE}: modality cues on {iri_to_curie(str(subject))}, which is not a modality")
            continue
        modalities[key] = ModalityCues(
            key=key,
            preceding=_strings(graph, subject, MSC.precedingCue),
            following=_strings(graph, subject, MSC.followingCue),
            pseudo=_strings(graph, subject, MSC.pseudoCue),
            excluded_library=_strings(graph, subject, MSC.excludedLibraryCue),
            reporting=_strings(graph, subject, MSC.reportingCue),
        )
    termination = tuple(sorted({str(o) for o in graph.objects(URIRef(str(MSC.Modality)), MSC.terminationCue)}))
    return CueVocabulary(relations, modalities, termination, problems)
