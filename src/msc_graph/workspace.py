"""A scratch copy of the project for trying out new documents and claims.

A :class:`Workspace` copies the ontology, claims and queries into a folder of its own and
keeps a corpus folder beside it (the shared corpus is linked in, never modified), so a
notebook or a script can add a document, curate it, rebuild, check and query, without
touching the real project:

>>> import tempfile, msc_graph
>>> ws = Workspace.create(tempfile.mkdtemp())                    # doctest: +SKIP
>>> ws.add_document("900_example", "Placental cells calm the joint.", title="Example", publisher="us")  # doctest: +SKIP
>>> ws.anchor("900_example", "Placental cells calm the joint.")  # doctest: +SKIP
{'start': 0, 'end': 31, 'sha256': '...'}
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .build import BuildResult, build
from .check import CheckReport, run_check
from .corpus import Corpus
from .errors import AnchorError
from .graph import KnowledgeGraph, load
from .model import sha256_text
from .project import corpus_dir, ontology_dir, queries_dir, reference_dir


@dataclass
class Workspace:
    root: Path
    corpus_dir: Path

    @classmethod
    def create(cls, folder: str | Path, *, corpus: str | Path | None = None) -> Workspace:
        """Copy the project's ontology, claims and queries into ``folder``; link the corpus files."""
        root = Path(folder) / "project"
        if root.exists():
            shutil.rmtree(root)
        shutil.copytree(ontology_dir(), root / "ontology")
        shutil.copytree(queries_dir(), root / "queries")
        documents = Path(folder) / "corpus"
        documents.mkdir(parents=True, exist_ok=True)
        source = corpus_dir(corpus)
        if source is not None:
            for path in source.glob("*.txt"):
                target = documents / path.name
                if not target.exists():
                    target.symlink_to(path)
        return cls(root, documents)

    @property
    def ontology(self) -> Path:
        return self.root / "ontology"

    def corpus(self) -> Corpus:
        return Corpus(self.corpus_dir)

    def add_document(
        self,
        doc_id: str,
        text: str,
        *,
        title: str,
        publisher: str,
        kind: str = "information-page",
        speaker: str = "health-information",
        url: str | None = None,
    ) -> Path:
        """Add a document to the corpus folder and register it (title, publisher, kind, SHA-256)."""
        path = self.corpus_dir / f"{doc_id}.txt"
        path.write_text(text, encoding="utf-8")
        registry_path = self.ontology / "documents.yaml"
        import yaml

        registry = yaml.safe_load(registry_path.read_text(encoding="utf-8"))
        registry["documents"] = [d for d in registry["documents"] if d["id"] != doc_id]
        record = {
            "id": doc_id,
            "file": path.name,
            "sha256": sha256_text(text),
            "title": title,
            "publisher": publisher,
            "kind": kind,
            "speaker": speaker,
        }
        if url:
            record["url"] = url
        registry["documents"].append(record)
        registry_path.write_text(yaml.safe_dump(registry, sort_keys=False, allow_unicode=True), encoding="utf-8")
        return path

    def anchor(self, doc_id: str, fragment: str) -> dict[str, Any]:
        """The anchor (start, end, sha256) of the first occurrence of ``fragment``."""
        found = self.corpus().locate(doc_id, fragment)
        if not found:
            raise AnchorError(f"{fragment!r} does not occur in {doc_id}")
        a = found[0]
        return {"start": a.start, "end": a.end, "sha256": a.sha256}

    def write_claims(
        self,
        doc_id: str,
        *,
        parties: dict,
        claims: list[dict],
        references: dict | None = None,
        skip: list[dict] | None = None,
    ) -> Path:
        """Write the claim file of a document (the same format as ontology/claims/*.yaml)."""
        data: dict[str, Any] = {"document": doc_id, "parties": parties}
        if references:
            data["references"] = references
        data["claims"] = claims
        if skip:
            data["skip"] = skip
        import yaml

        path = self.ontology / "claims" / f"{doc_id}.yaml"
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
        return path

    def build(self) -> BuildResult:
        return build(self.root / "build", ontology_directory=self.ontology, corpus=self.corpus())

    def check(self, *, hermit: bool = False) -> CheckReport:
        """Run every check; returns the report (``report.ok``, ``report.problems``)."""
        return run_check(
            corpus=self.corpus(), reference_folder=reference_dir(), hermit=hermit, ontology_directory=self.ontology
        )

    def load(self) -> KnowledgeGraph:
        return load(root=self.root, corpus=self.corpus_dir)
