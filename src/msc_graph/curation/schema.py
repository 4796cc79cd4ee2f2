"""The fields of the curation files: which a record may have, which it must have, and the shape
of ids and hashes. (The controlled values, relations and context keys come from the ontology.)"""

from __future__ import annotations

import re

CLAIM_FIELDS = {
    "id",
    "subject",
    "predicate",
    "object",
    "object_value",
    "polarity",
    "context",
    "modality",
    "cue",
    "party",
    "speaker",
    "reference",
    "evidence",
    "anchor",
    "paraphrase",
    "note",
    "conflicts_with",
    "status",
    "proposal",
}
CLAIM_REQUIRED = ("id", "subject", "predicate", "modality", "party", "evidence", "anchor", "paraphrase")
SKIP_FIELDS = {"id", "anchor", "reason", "note", "status", "proposal"}
EVIDENCE_FIELDS = {"type", "studies", "patients", "follow_up"}
DOCUMENT_FIELDS = {"id", "file", "sha256", "title", "publisher", "kind", "speaker", "url"}
PARTY_FIELDS = {"label", "kind", "speaker", "reference"}
REFERENCE_FIELDS = {"label", "url", "identifier"}
FILE_FIELDS = {"document", "parties", "references", "claims", "skip", "unknown_entities"}
#: review status of a claim or skip made by ``msc-graph propose``: 'proposed' is refused (nothing enters the
#: graph unreviewed); 'accepted' (taken unchanged) and 'edited' (changed in review) are kept for counting
STATUSES = ("proposed", "accepted", "edited")
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
HEX64 = re.compile(r"^[0-9a-f]{64}$")
