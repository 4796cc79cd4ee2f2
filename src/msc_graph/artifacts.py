"""The build's outputs and caches, and how to tell whether they are current.

Besides the RDF files, the build writes two caches that let the command line start fast
without importing rdflib or re-running SPARQL: ``ontology.json`` (the term index) and
``network.pickle`` (the NetworkX projection). Both carry the SHA-256 of the inputs they
were made from and are ignored when it no longer matches. ``build/`` is the project's
own, git-ignored output folder; the pickle is never read from anywhere else.
"""

from __future__ import annotations

import hashlib
import json
import pickle
from pathlib import Path
from typing import Any

OUTPUTS = {
    "ttl": "msc-graph.ttl",
    "nt": "msc-graph.nt",
    "owl": "msc-graph.owl",
    "jsonld": "msc-graph.jsonld",
    "tbox": "tbox.owl",
    "manifest": "manifest.json",
}
ONTOLOGY_CACHE = "ontology.json"
NETWORK_CACHE = "network.pickle"


def tbox_files(ontology_directory: Path) -> list[Path]:
    from .ontology import ontology_files

    return list(ontology_files(ontology_directory))


def inputs_hash(ontology_directory: Path) -> str:
    """SHA-256 over every input file (TBox, registry, claim files), to detect stale builds."""
    h = hashlib.sha256()
    paths = [
        *tbox_files(ontology_directory),
        ontology_directory / "documents.yaml",
        *sorted((ontology_directory / "claims").glob("*.yaml")),
    ]
    for path in paths:
        if path.exists():
            h.update(path.name.encode())
            h.update(path.read_bytes())
    return h.hexdigest()


def tbox_hash(ontology_directory: Path) -> str:
    h = hashlib.sha256()
    for path in tbox_files(ontology_directory):
        if path.exists():
            h.update(path.name.encode())
            h.update(path.read_bytes())
    return h.hexdigest()


def build_is_current(build_dir: Path, ontology_directory: Path) -> bool:
    manifest = build_dir / OUTPUTS["manifest"]
    if not manifest.exists() or not (build_dir / OUTPUTS["nt"]).exists():
        return False
    return json.loads(manifest.read_text())["inputs_sha256"] == inputs_hash(ontology_directory)


def write_ontology_cache(build_dir: Path, ontology_directory: Path, onto) -> bytes:
    from dataclasses import asdict

    data = {
        "tbox_sha256": tbox_hash(ontology_directory),
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
        "stance": onto.stance,
        "strength": onto.strength,
        "kinds": onto.kinds,
        "category_kinds": onto.category_kinds,
        "term_kinds": onto.term_kinds,
    }
    return (json.dumps(data, sort_keys=True, indent=0) + "\n").encode()


def read_ontology_cache(build_dir: Path, ontology_directory: Path):
    """The cached term index, or None when it is missing or its TBox changed."""
    path = build_dir / ONTOLOGY_CACHE
    if not path.exists():
        return None
    data = json.loads(path.read_text())
    if data.get("tbox_sha256") != tbox_hash(ontology_directory) or "kinds" not in data:
        return None
    from .model import ContextKey, Predicate, Term
    from .ontology import Ontology, ontology_files

    return Ontology(
        terms={
            t["curie"]: Term(**{**t, "synonyms": tuple(t["synonyms"]), "parents": tuple(t["parents"])})
            for t in data["terms"]
        },
        predicates={
            p["key"]: Predicate(**{k: tuple(v) if isinstance(v, list) else v for k, v in p.items()})
            for p in data["predicates"]
        },
        values=data["values"],
        categories=data["categories"],
        evidence_rank=data["evidence_rank"],
        commercial=set(data["commercial"]),
        files=ontology_files(ontology_directory),
        problems=data["problems"],
        restriction_fillers={k: tuple(v) for k, v in data["restriction_fillers"].items()},
        restrictions={k: tuple(tuple(p) for p in v) for k, v in data["restrictions"].items()},
        context={k["key"]: ContextKey(**{**k, "categories": tuple(k["categories"])}) for k in data["context"]},
        stance=data["stance"],
        strength=data["strength"],
        kinds=data["kinds"],
        category_kinds=data["category_kinds"],
        term_kinds=data["term_kinds"],
    )


def write_network_cache(network, digest: str) -> bytes:
    return pickle.dumps({"inputs_sha256": digest, "network": network}, protocol=pickle.HIGHEST_PROTOCOL)


def read_network_cache(build_dir: Path, digest: str) -> Any:
    path = build_dir / NETWORK_CACHE
    if not path.exists():
        return None
    data = pickle.loads(path.read_bytes())  # noqa: S301 - the project's own build output
    return data["network"] if data.get("inputs_sha256") == digest else None
