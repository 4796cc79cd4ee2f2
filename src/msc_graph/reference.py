"""The OBO reference tables (``../shared/reference/obo/*.tsv``): existence, obsolescence, labels."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

#: prefixes without a release table; they are checked against seed-entities.tsv only
SEED_ONLY = {"CHEBI", "PR", "NCIT", "HP", "HGNC", "NCBITaxon"}


@dataclass(frozen=True)
class ReferenceTerm:
    curie: str
    label: str
    obsolete: bool


class ReferenceTables:
    def __init__(self, folder: Path):
        self.folder = folder
        self.terms: dict[str, ReferenceTerm] = {}
        for path in sorted((folder / "obo").glob("*.tsv")):
            with path.open(encoding="utf-8", newline="") as handle:
                for row in csv.DictReader(handle, delimiter="\t"):
                    self.terms[row["curie"]] = ReferenceTerm(row["curie"], row["label"], row["obsolete"] == "true")
        self.prefixes = {c.split(":", 1)[0] for c in self.terms}
        seeds = folder / "seed-entities.tsv"
        if seeds.exists():
            with seeds.open(encoding="utf-8", newline="") as handle:
                for row in csv.DictReader(handle, delimiter="\t"):
                    self.terms.setdefault(row["curie"], ReferenceTerm(row["curie"], row["label"], False))

    def problem(self, curie: str, label: str | None) -> str | None:
        """A one-line problem with an OBO term and its label, or None when it checks out."""
        prefix = curie.split(":", 1)[0]
        ref = self.terms.get(curie)
        if ref is None:
            if prefix in SEED_ONLY:
                return None  # not verifiable here; reported separately
            return f"unknown OBO term {curie}: not in the {prefix} reference table"
        if ref.obsolete:
            return f"obsolete OBO term {curie} {ref.label!r}: use its replacement"
        if label is not None and ref.label and label.strip().lower() != ref.label.strip().lower():
            return f"label mismatch for {curie}: the ontology says {label!r}, the reference says {ref.label!r}"
        return None

    def unverifiable(self, curie: str) -> bool:
        return curie.split(":", 1)[0] in SEED_ONLY and curie not in self.terms
