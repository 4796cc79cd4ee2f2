"""The explanation rules, read from the ontology (annotations in ``ontology/msc.ttl``).

Which relations a chain may use as a step and the sign it composes for each
(``msc:chainStep``, ``msc:effectSign``, ``msc:chainSign``), which categories a chain may
pass through, start from and be asked about (``msc:chainPassable``,
``msc:explanationSource``, ``msc:explanationTarget``), which relations are caveats
(``msc:caveatRelation``), how a source expands (``msc:explanationStart``), which modalities
support a step (``msc:stance`` "affirms") and how firm they are, and the valence of every
term that can end a chain (``msc:valence``). Python restates none of it.

The effect of a chain is the product of its step signs composed with the valence of its end;
an unsigned step or an end without a harmful or protective valence makes it "not stated":

>>> [effect([-1], v) for v in ("harmful", "protective", "neutral", None)]
['beneficial', 'harmful', 'not stated', 'not stated']
>>> effect([1, -1, 1], "harmful"), effect([1, 0], "harmful")
('beneficial', 'not stated')
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..ontology import Ontology
from ..projection import EvidenceItem, StatementEdge

BENEFICIAL, HARMFUL, NOT_STATED = "beneficial", "harmful", "not stated"
#: the values a chain's effect takes (the JSON contract)
EFFECTS = (BENEFICIAL, HARMFUL, NOT_STATED)


def effect(signs: Iterable[int | None], valence: str | None) -> str:
    """The effect on the patient of a chain with these step signs ending on a term of this valence."""
    product = 1
    for sign in signs:
        if not sign:
            return NOT_STATED
        product *= sign
    if valence == "harmful":
        return BENEFICIAL if product < 0 else HARMFUL
    if valence == "protective":
        return BENEFICIAL if product > 0 else HARMFUL
    return NOT_STATED


@dataclass(frozen=True)
class Rules:
    """What an explanation may do, as the ontology states it."""

    onto: Ontology

    def sign(self, predicate: str) -> int:
        """The sign a chain composes for a step relation (0: unsigned)."""
        return self.onto.chain_signs.get(predicate, 0)

    def is_step_relation(self, predicate: str) -> bool:
        return predicate in self.onto.chain_signs

    def passable(self, curie: str) -> bool:
        term = self.onto.terms.get(curie)
        return term is not None and term.category in self.onto.passable

    def affirms(self, item: EvidenceItem) -> bool:
        return self.onto.stance.get(item.modality) == "affirms"

    def denies(self, item: EvidenceItem) -> bool:
        return self.onto.stance.get(item.modality) == "denies"

    def support(self, edge: StatementEdge) -> list[EvidenceItem]:
        """The assertions that support a statement as a chain step (those that affirm it)."""
        return [a for a in edge.assertions if self.affirms(a)]

    def is_step(self, edge: StatementEdge) -> bool:
        """A positive statement of a step relation that at least one document affirms."""
        return (
            edge.polarity == "positive"
            and edge.predicate in self.onto.chain_signs
            and any(map(self.affirms, edge.assertions))
        )

    def strength(self, item: EvidenceItem) -> int:
        return self.onto.strength.get(item.modality, 0)

    def valence(self, curie: str) -> str | None:
        return self.onto.valence(curie)

    def label(self, curie: str | None) -> str:
        if curie is None:
            return ""
        term = self.onto.terms.get(curie)
        return term.label if term is not None else curie

    @property
    def derived_cells(self) -> str | None:
        """The TBox relation from a cell class to the tissue it derives from."""
        return self.onto.start_relations.get("derived cells")

    @property
    def therapy_input(self) -> str | None:
        """The TBox relation from a therapy to the cells it takes as input."""
        return self.onto.start_relations.get("therapy")

    @property
    def derives_from_key(self) -> str | None:
        """The claim relation (curation key) of claims that cells derive from a tissue."""
        curie = self.derived_cells
        return next((p.key for p in self.onto.predicates.values() if p.curie == curie), None)
