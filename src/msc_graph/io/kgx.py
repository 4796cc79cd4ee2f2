"""KGX (the Biolink Model's exchange format): nodes and edges as TSV and as JSON lines.

Every Biolink name comes from the mapping table in ``ontology/biolink.ttl``: node categories from
the SKOS mapping of the term's msc-graph category, edge predicates (with their direction and aspect
qualifiers) from that of the claim relation, context qualifier slots from ``msc:biolinkSlot``, the
knowledge level from the modality and the agent type from the assertion class.

One edge per assertion that claims its statement (asserted, hedged or negated): a document's
absence of evidence, question or superseded view is no edge, since a Biolink consumer would read
it as a claim. Statements whose object is a value (a prevalence, a dose) are not edges either.
Each edge carries ``negated``, ``knowledge_level``, ``agent_type``, ``primary_knowledge_source``
(``infores:msc-graph``: the curation that made the edge), ``publications`` (the cited work's CURIE
or URL and the document's URL where the registry has one), ``has_evidence``, the anchor into the
document (``msc_anchor``: file, start, end, SHA-256 of the span) and, only when asked for and the
corpus is present, ``supporting_text``.

Written with the standard library's csv and json writers (the ``kgx`` package would bring tox,
Sphinx, pytest, mypy and database drivers into every install); the tests read both back with
``kgx``'s own sources and validate them with ``kgx``'s validator against the Biolink Model.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import EnvironmentProblem
from ..model import Curation
from ..namespaces import BASE, BIOLINK, parse_identifier
from ..ontology import Ontology

#: the knowledge source that made every edge: this project's curation
KNOWLEDGE_SOURCE = "infores:msc-graph"
NODE_COLUMNS = ["id", "category", "name", "description", "iri", "provided_by", "msc_category", "valence"]
#: the first edge columns, in this order; the others follow sorted
EDGE_COLUMNS = [
    "id", "subject", "predicate", "object", "negated", "knowledge_level", "agent_type",
    "primary_knowledge_source", "publications", "has_evidence", "original_predicate",
    "object_direction_qualifier", "object_aspect_qualifier",
]  # fmt: skip
#: the KGX list delimiter in TSV
LIST_DELIMITER = "|"


def biolink(onto: Ontology, iri: str) -> str:
    """The Biolink CURIE a category or a claim relation maps to (ontology/biolink.ttl)."""
    found = onto.mapping(iri, BIOLINK)
    if found is None:
        raise EnvironmentProblem(f"{iri} has no Biolink mapping; add one to ontology/biolink.ttl")
    return "biolink:" + found[1][len(BIOLINK) :]


def records(
    curation: Curation, onto: Ontology, *, quote: Callable[[Any], str | None] | None = None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The KGX node and edge records (lists as lists), sorted by id."""
    agent = onto.agent_types.get("msc:Assertion", "not_provided")
    documents = curation.documents
    references = curation.references
    parties = {p.id: p.label for p in curation.parties.values()}
    edges: list[dict[str, Any]] = []
    used: set[str] = set()
    for a in curation.assertions:
        st = a.statement
        if st.object is None or not onto.claims_it(a.modality):
            continue
        pred = onto.predicates[st.predicate]
        doc = documents[a.document]
        publications = []
        if a.reference and a.reference in references:
            ref = references[a.reference]
            parsed = parse_identifier(ref.identifier)
            publications.append(parsed[0] if parsed else ref.url)
        publications.append(doc.url)
        edge: dict[str, Any] = {
            "id": f"msc.assertion:{a.id}",
            "subject": st.subject,
            "predicate": biolink(onto, pred.iri),
            "object": st.object,
            "negated": st.polarity == "negative",
            "knowledge_level": onto.knowledge_levels.get(a.modality, "not_provided"),
            "agent_type": agent,
            "primary_knowledge_source": KNOWLEDGE_SOURCE,
            "publications": sorted({p for p in publications if p}),
            "has_evidence": [a.evidence.type],
            "original_predicate": pred.curie,
            "msc_statement": f"msc.statement:{st.id}",
            "msc_modality": a.modality,
            "msc_cue": a.cue,
            "msc_speaker_kind": a.speaker,
            "msc_party": parties.get(a.party, a.party),
            "msc_document": doc.file,
            "msc_anchor": f"{doc.file}#char={a.anchor.start},{a.anchor.end};sha256={a.anchor.sha256}",
            "msc_paraphrase": a.paraphrase,
            "msc_studies": a.evidence.studies,
            "msc_patients": a.evidence.patients,
            "msc_follow_up": a.evidence.follow_up,
        }
        for name, value in onto.biolink_qualifiers.get(pred.key, {}).items():
            edge[f"object_{name}_qualifier"] = value
        for key, value in st.context.items():
            slot = onto.biolink_slots.get(key)
            edge[slot or f"msc_{key}"] = value
        if quote is not None and (text := quote(a.anchor)):
            edge["supporting_text"] = [text]
        edges.append({k: v for k, v in edge.items() if v is not None and v != []})
        used.update((st.subject, st.object))
    nodes = []
    for curie in sorted(used):
        term = onto.terms.get(curie)
        if term is None or term.category is None:
            raise EnvironmentProblem(f"{curie} is used in a claim but has no msc-graph category")
        node = {
            "id": curie,
            "category": [biolink(onto, BASE + term.category)],
            "name": term.label,
            "description": term.definition,
            "iri": term.iri,
            "provided_by": [KNOWLEDGE_SOURCE],
            "msc_category": term.category,
            "valence": onto.valence(curie),
        }
        nodes.append({k: v for k, v in node.items() if v is not None})
    return nodes, sorted(edges, key=lambda e: e["id"])


def _cell(value: Any) -> str:
    if isinstance(value, list):
        return LIST_DELIMITER.join(str(v) for v in value)
    if isinstance(value, bool):
        return "True" if value else "False"
    return "" if value is None else str(value)


def _write_tsv(path: Path, rows: list[dict[str, Any]], first: list[str]) -> None:
    columns = first + sorted({k for row in rows for k in row} - set(first))
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_cell(row.get(c)) for c in columns])


def _write_jsonl(path: Path, rows: list[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, sort_keys=True, ensure_ascii=False) + "\n")


def write(
    curation: Curation, onto: Ontology, folder: Path, *, quote: Callable[[Any], str | None] | None = None
) -> list[Path]:
    """Write ``msc-graph_nodes.tsv``, ``msc-graph_edges.tsv`` and their ``.jsonl`` twins into ``folder``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    nodes, edges = records(curation, onto, quote=quote)
    paths = [folder / f"msc-graph_{part}.{ext}" for ext in ("tsv", "jsonl") for part in ("nodes", "edges")]
    _write_tsv(paths[0], nodes, NODE_COLUMNS)
    _write_tsv(paths[1], edges, EDGE_COLUMNS)
    _write_jsonl(paths[2], nodes)
    _write_jsonl(paths[3], edges)
    return paths


__all__ = ["KNOWLEDGE_SOURCE", "records", "write"]
