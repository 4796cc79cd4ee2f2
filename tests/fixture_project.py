"""A tiny msc-graph project for tests: two invented documents (our own text), their
claims and a skip, with anchors computed from the text so they always verify.

``make_project(tmp_path)`` writes it and returns its paths; ``claims`` can be edited
before writing to produce broken fixtures.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import yaml

from msc_graph.model import sha256_text

ROOT = Path(__file__).resolve().parents[1]

DOCS = {
    "f001_alpha": (
        "Bone marrow stem cells release interleukin ten into the knee joint. "
        "These signals may lower inflammation in arthritic knees. "
        "Injected cells cannot rebuild cartilage once the joint is bone on bone.\n"
        "Home | Contact <script>alert(1)</script>\n"
    ),
    "f002_beta": (
        "A small trial found that marrow cells regrow cartilage even in severe arthritis. "
        "Inflammation drives knee osteoarthritis.\n"
    ),
}


def anchor(doc: str, fragment: str) -> dict:
    text = DOCS[doc]
    start = text.index(fragment)
    return {"start": start, "end": start + len(fragment), "sha256": sha256_text(fragment)}


def default_claims() -> dict[str, dict]:
    return {
        "f001_alpha": {
            "document": "f001_alpha",
            "parties": {"publisher": {"label": "Alpha Clinic", "kind": "publisher"}},
            "claims": [
                {
                    "id": "t001-c001",
                    "subject": "bone marrow MSC",
                    "predicate": "produces",
                    "object": "IL-10",
                    "context": {"site": "knee joint"},
                    "modality": "asserted",
                    "party": "publisher",
                    "evidence": {"type": "ECO:0000204"},
                    "anchor": anchor(
                        "f001_alpha", "Bone marrow stem cells release interleukin ten into the knee joint."
                    ),
                    "paraphrase": "Marrow-derived MSCs are said to secrete IL-10 in the joint.",
                },
                {
                    "id": "t001-c002",
                    "subject": "IL-10",
                    "predicate": "decreases",
                    "object": "inflammation",
                    "context": {"condition": "knee osteoarthritis"},
                    "modality": "hedged",
                    "cue": "may",
                    "party": "publisher",
                    "evidence": "ECO:0000204",
                    "anchor": anchor("f001_alpha", "These signals may lower inflammation in arthritic knees."),
                    "paraphrase": "The secreted signal is suggested to calm joint inflammation.",
                },
                {
                    "id": "t001-c003",
                    "subject": "stem cell",
                    "predicate": "increases",
                    "object": "cartilage repair",
                    "polarity": "negative",
                    "context": {"stage": "severe stage"},
                    "modality": "negated",
                    "cue": "cannot",
                    "party": "publisher",
                    "evidence": "ECO:0000204",
                    "anchor": anchor(
                        "f001_alpha", "Injected cells cannot rebuild cartilage once the joint is bone on bone."
                    ),
                    "paraphrase": "No regrowth of cartilage is possible in end-stage joints, per the clinic.",
                },
            ],
            "skip": [
                {
                    "id": "t001-k001",
                    "reason": "navigation",
                    "anchor": anchor("f001_alpha", "Home | Contact <script>alert(1)</script>"),
                }
            ],
        },
        "f002_beta": {
            "document": "f002_beta",
            "parties": {
                "trial": {"label": "a small trial", "kind": "unnamed-study"},
                "publisher": {"label": "Beta News", "kind": "publisher"},
            },
            "claims": [
                {
                    "id": "t002-c001",
                    "subject": "bone marrow MSC",
                    "predicate": "increases",
                    "object": "cartilage repair",
                    "context": {"stage": "severe stage", "condition": "arthritis"},
                    "modality": "asserted",
                    "party": "trial",
                    "evidence": {"type": "clinical trial", "patients": 12},
                    "anchor": anchor(
                        "f002_beta", "A small trial found that marrow cells regrow cartilage even in severe arthritis."
                    ),
                    "paraphrase": "A trial reportedly saw cartilage return after marrow MSCs in advanced disease.",
                    "conflicts_with": ["t001-c003"],
                },
                {
                    "id": "t002-c002",
                    "subject": "inflammation",
                    "predicate": "contributes_to",
                    "object": "knee osteoarthritis",
                    "modality": "asserted",
                    "party": "publisher",
                    "evidence": "ECO:0000204",
                    "anchor": anchor("f002_beta", "Inflammation drives knee osteoarthritis."),
                    "paraphrase": "Joint inflammation is named as a driver of knee OA.",
                },
            ],
        },
    }


@dataclass
class Project:
    root: Path
    corpus: Path
    build: Path

    @property
    def ontology(self) -> Path:
        return self.root / "ontology"

    def env(self) -> dict[str, str]:
        import os

        env = dict(os.environ)
        env.update(
            {"MSC_GRAPH_ROOT": str(self.root), "MSC_GRAPH_CORPUS": str(self.corpus), "MSC_GRAPH_BUILD": str(self.build)}
        )
        return env

    def claim_file(self, doc: str) -> Path:
        return self.ontology / "claims" / f"{doc}.yaml"


def make_project(tmp_path: Path, claims: dict[str, dict] | None = None) -> Project:
    root = tmp_path / "project"
    (root / "ontology" / "claims").mkdir(parents=True)
    for name in ("msc.ttl", "terms.ttl", "shapes.ttl", "cues.ttl"):
        shutil.copy(ROOT / "ontology" / name, root / "ontology" / name)
    shutil.copytree(ROOT / "queries", root / "queries")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    registry = []
    for doc, text in DOCS.items():
        (corpus / f"{doc}.txt").write_text(text, encoding="utf-8")
        registry.append(
            {
                "id": doc,
                "file": f"{doc}.txt",
                "sha256": sha256_text(text),
                "title": f"Fixture document {doc}",
                "publisher": "fixture",
                "kind": "clinic-blog-post",
                "speaker": "clinic-marketing",
            }
        )
    (root / "ontology" / "documents.yaml").write_text(yaml.safe_dump({"documents": registry}, sort_keys=False))
    for doc, data in (claims or default_claims()).items():
        (root / "ontology" / "claims" / f"{doc}.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    return Project(root, corpus, tmp_path / "build")
