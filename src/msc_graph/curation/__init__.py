"""The human-edited curation files: the line-aware YAML loader (:mod:`.loader`), the fields of
each record (:mod:`.schema`), reading and validating them into the claim model
(:mod:`.reader`), and sentence coverage (:mod:`.coverage`)."""

from __future__ import annotations

from .coverage import DocumentCoverage, coverage, is_covered
from .loader import LineDict, display_path, read_yaml
from .reader import claim_files, load_curation, load_documents, registered_documents

__all__ = [
    "DocumentCoverage",
    "LineDict",
    "claim_files",
    "coverage",
    "display_path",
    "is_covered",
    "load_curation",
    "load_documents",
    "read_yaml",
    "registered_documents",
]
