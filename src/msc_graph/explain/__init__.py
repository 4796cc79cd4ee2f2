"""The explanation engine: how is a cell source claimed to affect a condition?

* :mod:`.rules` — the rules read from the ontology (step relations and their signs, the
  categories a chain may pass through, valences, stances) and the effect of a chain;
* :mod:`.question` — resolving the question (source, condition and stage, donor type) and
  expanding the source into start nodes;
* :mod:`.access` — the store access: the full projection, or the bounded corridor;
* :mod:`.search` — the one best-first search, in rank order;
* :mod:`.summary` — per-document summary, caveats, contested points, denials;
* :mod:`.result` — the result model and its text, JSON, table and HTML forms;
* :mod:`.engine` — :func:`explain` and :func:`explain_matrix`.
"""

from __future__ import annotations

from .engine import explain, explain_matrix
from .result import Chain, DocumentClaim, Explanation, Step
from .rules import EFFECTS, Rules, effect

__all__ = ["EFFECTS", "Chain", "DocumentClaim", "Explanation", "Rules", "Step", "effect", "explain", "explain_matrix"]
