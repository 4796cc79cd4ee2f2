"""Reading and validating the human-edited curation files.

``ontology/documents.yaml`` registers the documents; ``ontology/claims/<document>.yaml``
holds one document's parties, references, claims and skipped spans (format: README,
"Curated claim files"). Every problem is reported as one line naming the file and line,
the claim id where there is one, and the way out.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

from ..corpus import Corpus
from ..errors import AnchorError, CurationError, InputError, UnknownTermError
from ..model import (
    LINE_BREAKS,
    POLARITIES,
    SKIP_REASONS,
    Anchor,
    Assertion,
    Context,
    Curation,
    Document,
    Evidence,
    Party,
    Reference,
    Skip,
    Statement,
    describe_character,
)
from ..namespaces import parse_identifier
from ..ontology import Ontology, load_ontology
from ..project import ontology_dir
from .loader import display_path, location, read_yaml
from .schema import (
    CLAIM_FIELDS,
    CLAIM_REQUIRED,
    DOCUMENT_FIELDS,
    EVIDENCE_FIELDS,
    FILE_FIELDS,
    HEX64,
    ID_PATTERN,
    PARTY_FIELDS,
    REFERENCE_FIELDS,
    SKIP_FIELDS,
    STATUSES,
)


class _Collector:
    """Collects problems as one-line messages; the first is raised at the end."""

    def __init__(self) -> None:
        self.problems: list[CurationError] = []
        self.seen_ids: set[str] = set()  # every claim id in the files, valid or not

    def add(self, message: str, *, where: str, claim: str | None = None) -> None:
        self.problems.append(CurationError(message, where=where, claim=claim))


def _unknown_fields(found: dict, allowed: set[str]) -> list[str]:
    messages = []
    for key in sorted(set(found) - allowed):
        close = difflib.get_close_matches(str(key), sorted(allowed), n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]!r}?" if close else f"; allowed: {', '.join(sorted(allowed))}"
        messages.append(f"unknown field {key!r}{hint}")
    return messages


def _kind(value: Any) -> str:
    """What a YAML value is, for messages (``a list``, ``a boolean (true)``)."""
    if isinstance(value, bool):
        return f"a boolean ({str(value).lower()}; YAML reads yes/no/on/off/true/false as booleans: quote it)"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    if isinstance(value, int | float):
        return f"a number ({value!r})"
    return f"{type(value).__name__} {value!r}"


#: claim fields that must be text (YAML would otherwise turn ``cue: no`` into false, a paraphrase into a list)
TEXT_FIELDS = ("id", "subject", "predicate", "object", "polarity", "modality", "cue", "party", "speaker",
               "reference", "paraphrase", "note", "status")  # fmt: skip
#: fields whose value may also be written as a number
VALUE_FIELDS = ("object_value",)


# ------------------------------------------------------------------ documents


def load_documents(path: Path, corpus: Corpus | None, problems: _Collector) -> dict[str, Document]:
    data = read_yaml(path)
    if not isinstance(data, dict) or not isinstance(data.get("documents"), list):
        raise CurationError("expected a mapping with a 'documents' list", where=location(path, data))
    documents: dict[str, Document] = {}
    for record in data["documents"]:
        where = location(path, record)
        if not isinstance(record, dict):
            problems.add("each document must be a mapping", where=location(path, data, "documents"))
            continue
        for message in _unknown_fields(record, DOCUMENT_FIELDS):
            problems.add(message, where=where)
        missing = [k for k in ("id", "file", "sha256", "title", "publisher", "kind", "speaker") if not record.get(k)]
        if missing:
            problems.add(f"document is missing {', '.join(missing)}", where=where)
            continue
        not_text = [k for k in sorted(DOCUMENT_FIELDS) if k in record and not isinstance(record[k], str | None)]
        if not_text:
            problems.add(
                f"{not_text[0]}: expected text, got {_kind(record[not_text[0]])}",
                where=location(path, record, not_text[0]),
            )
            continue
        if record["file"] != f"{record['id']}.txt":
            problems.add(
                f"file {record['file']!r} must be the document's own file in the corpus folder, "
                f"'{record['id']}.txt' (no folders: the registry names files, not paths)",
                where=location(path, record, "file"),
            )
            continue
        doc = Document(
            id=str(record["id"]),
            file=str(record["file"]),
            sha256=str(record["sha256"]),
            title=str(record["title"]),
            publisher=str(record["publisher"]),
            kind=str(record["kind"]),
            speaker=str(record["speaker"]),
            url=record.get("url"),
        )
        if doc.id in documents:
            problems.add(f"duplicate document id {doc.id!r}", where=where)
        if not HEX64.match(doc.sha256):
            problems.add("sha256 must be 64 lowercase hex digits", where=where)
        if corpus is not None:
            cdoc = corpus.documents.get(doc.id)
            if cdoc is None:
                problems.add(f"document {doc.id!r} is not in the corpus folder {corpus.folder}", where=where)
            elif cdoc.sha256 != doc.sha256:
                problems.add(
                    f"document {doc.id} has SHA-256 {cdoc.sha256[:12]}... in the corpus, the registry says "
                    f"{doc.sha256[:12]}...: the source changed; re-anchor its claims before updating the hash",
                    where=where,
                )
        documents[doc.id] = doc
    return documents


# ------------------------------------------------------------------ claim files


def _check_status(record: dict, problems: _Collector, where: str, claim: str | None, kind: str) -> None:
    """Refuse a record still marked ``status: proposed``; check the status and proposal fields."""
    status = record.get("status")
    if status is not None and status not in STATUSES:
        problems.add(f"status {status!r} is not one of {', '.join(STATUSES)}", where=where, claim=claim)
    elif status == "proposed":
        problems.add(
            f"{kind} is still proposed (status: proposed) and has not been reviewed; check it against the text, "
            "then set status: accepted or edited (or delete the record)",
            where=where,
            claim=claim,
        )
    if record.get("proposal") is not None and not isinstance(record["proposal"], dict):
        problems.add("proposal must be a mapping (the notes msc-graph propose wrote)", where=where, claim=claim)


class _FileReader:
    def __init__(
        self, path: Path, onto: Ontology, corpus: Corpus | None, documents: dict[str, Document], problems: _Collector
    ):
        self.path = path
        self.onto = onto
        self.corpus = corpus
        self.documents = documents
        self.problems = problems

    def term(
        self, value: Any, *, node: Any, key: str, claim: str | None, categories: tuple[str, ...] | None = None
    ) -> str | None:
        where = location(self.path, node, key)
        if value is None or value == "":
            self.problems.add(f"{key} is empty", where=where, claim=claim)
            return None
        try:
            term = self.onto.resolve(str(value))
        except (UnknownTermError, InputError) as err:
            self.problems.add(f"{key}: {err}", where=where, claim=claim)
            return None
        if categories and term.category not in categories:
            wanted = " or ".join(self.onto.category_label(c) for c in categories)
            self.problems.add(
                f"{key}: {term.label!r} ({term.curie}) is a {self.onto.category_label(term.category)}, "
                f"expected a {wanted}",
                where=where,
                claim=claim,
            )
            return None
        return term.curie

    def anchor(self, value: Any, *, doc: str, node: Any, claim: str | None) -> Anchor | None:
        where = location(self.path, node, "anchor")
        if not isinstance(value, dict) or set(value) != {"start", "end", "sha256"}:
            self.problems.add(
                f"anchor must be {{start: N, end: M, sha256: HEX}}; get one with msc-graph locate {doc} 'TEXT'",
                where=where,
                claim=claim,
            )
            return None
        start, end, digest = value["start"], value["end"], str(value["sha256"])
        whole = all(isinstance(x, int) and not isinstance(x, bool) for x in (start, end))
        if not whole or start < 0 or start >= end:
            self.problems.add(
                f"anchor offsets must be whole numbers with 0 <= start < end (got {start!r}-{end!r}); "
                f"get them with msc-graph locate {doc} 'TEXT'",
                where=where,
                claim=claim,
            )
            return None
        if not HEX64.match(digest):
            self.problems.add("anchor sha256 must be 64 lowercase hex digits", where=where, claim=claim)
            return None
        anchor = Anchor(doc, start, end, digest)
        if self.corpus is not None and doc in self.corpus.documents:
            try:
                self.corpus.verify(anchor)
            except AnchorError as err:
                self.problems.add(str(err), where=where, claim=claim)
                return None
        return anchor

    def read(self) -> tuple[str | None, dict[str, Party], dict[str, Reference], list[Assertion], list[Skip]]:
        data = read_yaml(self.path)
        path = self.path
        if not isinstance(data, dict):
            raise CurationError("expected a mapping with 'document' and 'claims'", where=str(path))
        for message in _unknown_fields(data, FILE_FIELDS):
            self.problems.add(message, where=location(path, data))
        doc_id = data.get("document")
        if not isinstance(doc_id, str) or doc_id not in self.documents:
            # its claim ids still count as known, so that links to them are not reported as a second problem
            for record in data.get("claims") or [] if isinstance(data.get("claims"), list) else []:
                if isinstance(record, dict) and isinstance(record.get("id"), str):
                    self.problems.seen_ids.add(record["id"])
            close = difflib.get_close_matches(str(doc_id), list(self.documents), n=1, cutoff=0.3)
            hint = f"; did you mean {close[0]!r}?" if close else "; register it in ontology/documents.yaml"
            self.problems.add(f"unknown document {doc_id!r}{hint}", where=location(path, data, "document"))
            return None, {}, {}, [], []
        document = self.documents[doc_id]
        shapes = {"references": dict, "parties": dict, "claims": list, "skip": list}
        for key, shape in shapes.items():
            if data.get(key) is not None and not isinstance(data[key], shape):
                what = "a mapping of name: {label: ...}" if shape is dict else "a list of records (- id: ...)"
                self.problems.add(f"{key} must be {what}, not {_kind(data[key])}", where=location(path, data, key))
                return None, {}, {}, [], []

        references: dict[str, Reference] = {}
        for local, rec in (data.get("references") or {}).items():
            where = location(path, data.get("references"), local)
            if not isinstance(rec, dict) or not isinstance(rec.get("label"), str) or not rec["label"]:
                self.problems.add(f"reference {local!r} needs a label (text)", where=where)
                continue
            for message in _unknown_fields(rec, REFERENCE_FIELDS):
                self.problems.add(message, where=where)
            identifier = rec.get("identifier")
            parsed = parse_identifier(str(identifier)) if identifier else None
            # a PubMed, PMC or DOI identifier becomes its CURIE; other text is a bibliographic citation
            identifier = parsed[0] if parsed else identifier
            references[local] = Reference(f"{doc_id}/{local}", str(rec["label"]), rec.get("url"), identifier)

        parties: dict[str, Party] = {}
        party_defaults: dict[str, tuple[str | None, str | None]] = {}
        for local, rec in (data.get("parties") or {}).items():
            where = location(path, data.get("parties"), local)
            if (
                not isinstance(rec, dict)
                or not isinstance(rec.get("label"), str)
                or not isinstance(rec.get("kind"), str)
            ):
                self.problems.add(f"party {local!r} needs a label and a kind (text)", where=where)
                continue
            for message in _unknown_fields(rec, PARTY_FIELDS):
                self.problems.add(message, where=where)
            speaker = rec.get("speaker")
            if speaker is not None:
                try:
                    self.onto.value("SpeakerKind", speaker)
                except UnknownTermError as err:
                    self.problems.add(str(err), where=where)
            ref = rec.get("reference")
            if ref is not None and ref not in references:
                self.problems.add(f"party {local!r} cites unknown reference {ref!r}", where=where)
            parties[local] = Party(f"{doc_id}/{local}", str(rec["label"]), str(rec["kind"]))
            party_defaults[local] = (speaker, ref)

        assertions = []
        for record in data.get("claims") or []:
            assertion = self.claim(record, document, parties, party_defaults, references)
            if assertion is not None:
                assertions.append(assertion)
        skips = []
        for record in data.get("skip") or []:
            where = location(path, record)
            if not isinstance(record, dict):
                self.problems.add("each skip entry must be a mapping", where=where)
                continue
            for message in _unknown_fields(record, SKIP_FIELDS):
                self.problems.add(message, where=where)
            sid = record.get("id")
            if not sid or not ID_PATTERN.match(str(sid)):
                self.problems.add("skip entry needs an id of lowercase letters, digits and hyphens", where=where)
                continue
            if record.get("status") is not None or record.get("proposal") is not None:
                before = len(self.problems.problems)
                _check_status(record, self.problems, location(path, record, "status"), None, f"skip {sid}")
                if len(self.problems.problems) > before:
                    continue
            reason = record.get("reason")
            if reason not in SKIP_REASONS:
                self.problems.add(
                    f"skip {sid}: reason {reason!r} is not one of {', '.join(SKIP_REASONS)}",
                    where=location(path, record, "reason"),
                )
                continue
            anchor = self.anchor(record.get("anchor"), doc=doc_id, node=record, claim=None)
            if anchor is None:
                continue
            skips.append(Skip(str(sid), anchor, str(reason), record.get("note"), where))
        return doc_id, {p.id: p for p in parties.values()}, {r.id: r for r in references.values()}, assertions, skips

    def claim(
        self,
        record: Any,
        document: Document,
        parties: dict[str, Party],
        party_defaults: dict[str, tuple[str | None, str | None]],
        references: dict[str, Reference],
    ) -> Assertion | None:
        path = self.path
        where = location(path, record)
        if not isinstance(record, dict):
            self.problems.add("each claim must be a mapping", where=where)
            return None
        cid = record.get("id")
        claim = str(cid) if cid else None
        if claim:
            self.problems.seen_ids.add(claim)
        before = len(self.problems.problems)
        for message in _unknown_fields(record, CLAIM_FIELDS):
            self.problems.add(message, where=where, claim=claim)
        if not cid or not ID_PATTERN.match(str(cid)):
            self.problems.add("claim needs an id of lowercase letters, digits and hyphens", where=where)
            return None
        for key in TEXT_FIELDS:
            value = record.get(key)
            if value is not None and not isinstance(value, str) and not (key in VALUE_FIELDS and _number(value)):
                self.problems.add(
                    f"{key}: expected text, got {_kind(value)}", where=location(path, record, key), claim=claim
                )
                return None
        for key in VALUE_FIELDS:
            value = record.get(key)
            if value is not None and not isinstance(value, str) and not _number(value):
                self.problems.add(
                    f"{key}: expected a value, got {_kind(value)}", where=location(path, record, key), claim=claim
                )
                return None
        _check_status(record, self.problems, location(path, record, "status"), claim, "claim")
        missing = [k for k in CLAIM_REQUIRED if record.get(k) in (None, "", [])]
        if missing:
            provenance = {"party", "anchor", "paraphrase", "evidence"} & set(missing)
            kind = "missing provenance" if provenance else "missing field"
            self.problems.add(f"{kind}: {', '.join(missing)}", where=where, claim=claim)
            return None

        subject = self.term(record["subject"], node=record, key="subject", claim=claim)
        try:
            predicate = self.onto.predicate(str(record["predicate"]))
        except UnknownTermError as err:
            self.problems.add(str(err), where=location(path, record, "predicate"), claim=claim)
            predicate = None
        obj = value = None
        if predicate is not None:
            if predicate.literal:
                if record.get("object") is not None or record.get("object_value") in (None, ""):
                    self.problems.add(
                        f"predicate {predicate.key!r} takes object_value (a quantity), not object",
                        where=where,
                        claim=claim,
                    )
                else:
                    value = str(record["object_value"])
            elif record.get("object_value") is not None or record.get("object") is None:
                self.problems.add(
                    f"predicate {predicate.key!r} takes an object term, not object_value", where=where, claim=claim
                )
            else:
                obj = self.term(record["object"], node=record, key="object", claim=claim)

        polarity = record.get("polarity", "positive")
        modality = record.get("modality")
        if polarity not in POLARITIES:
            self.problems.add(
                f"polarity {polarity!r} is not one of {', '.join(POLARITIES)}",
                where=location(path, record, "polarity"),
                claim=claim,
            )
        modalities = self.onto.modalities
        if modality not in modalities:
            close = difflib.get_close_matches(str(modality), modalities, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            self.problems.add(
                f"modality {modality!r} is not one of {', '.join(modalities)}{hint}",
                where=location(path, record, "modality"),
                claim=claim,
            )
        required = self.onto.required_polarity.get(str(modality))
        if required is not None and polarity != required:
            self.problems.add(f"modality {modality!r} needs polarity: {required}", where=where, claim=claim)
        if self.onto.excluded_polarity.get(str(modality)) == polarity:
            fitting = [
                m
                for m in modalities
                if self.onto.excluded_polarity.get(m) != polarity
                and self.onto.required_polarity.get(m, polarity) == polarity
            ]
            self.problems.add(
                f"modality {modality!r} does not go with polarity: {polarity}; use one of {', '.join(fitting)}",
                where=where,
                claim=claim,
            )
        cue = record.get("cue")
        if modality in modalities and modality not in self.onto.cue_free and not cue:
            self.problems.add(f"modality {modality!r} needs its cue word (cue: ...)", where=where, claim=claim)

        context_record = record.get("context") or {}
        context_values: dict[str, str | None] = {}
        if not isinstance(context_record, dict):
            self.problems.add("context must be a mapping", where=where, claim=claim)
            context_record = {}
        for message in _unknown_fields(context_record, set(self.onto.context)):
            self.problems.add(f"context: {message}", where=location(path, record, "context"), claim=claim)
        for key, spec in self.onto.context.items():
            if key not in context_record:
                continue
            if spec.literal:
                context_values[key] = str(context_record[key])
            else:
                context_values[key] = self.term(
                    context_record[key], node=context_record, key=key, claim=claim, categories=spec.categories
                )

        party_key = str(record["party"])
        if party_key not in parties:
            close = difflib.get_close_matches(party_key, list(parties), n=1, cutoff=0.5)
            hint = f"; did you mean {close[0]!r}?" if close else "; declare it under 'parties:'"
            self.problems.add(
                f"missing provenance: unknown party {party_key!r}{hint}",
                where=location(path, record, "party"),
                claim=claim,
            )
        default_speaker, default_reference = party_defaults.get(party_key, (None, None))
        speaker = str(record.get("speaker") or default_speaker or document.speaker)
        try:
            self.onto.value("SpeakerKind", speaker)
        except UnknownTermError as err:
            self.problems.add(str(err), where=location(path, record, "speaker"), claim=claim)
        reference = record.get("reference", default_reference)
        if reference is not None and reference not in references:
            self.problems.add(
                f"unknown reference {reference!r}; declare it under 'references:'",
                where=location(path, record, "reference"),
                claim=claim,
            )

        evidence_record = record["evidence"]
        if isinstance(evidence_record, str):
            evidence_record = {"type": evidence_record}
        evidence = None
        if not isinstance(evidence_record, dict) or not evidence_record.get("type"):
            self.problems.add("missing provenance: evidence needs a type", where=where, claim=claim)
        else:
            for message in _unknown_fields(evidence_record, EVIDENCE_FIELDS):
                self.problems.add(f"evidence: {message}", where=location(path, record, "evidence"), claim=claim)
            etype = self.term(
                evidence_record["type"], node=record, key="evidence", claim=claim, categories=("EvidenceType",)
            )
            for key in ("studies", "patients"):
                if evidence_record.get(key) is not None and not isinstance(evidence_record[key], int):
                    self.problems.add(f"evidence {key} must be a whole number", where=where, claim=claim)
            if etype:
                evidence = Evidence(
                    etype,
                    evidence_record.get("studies"),
                    evidence_record.get("patients"),
                    None if evidence_record.get("follow_up") is None else str(evidence_record["follow_up"]),
                )

        anchor = self.anchor(record["anchor"], doc=document.id, node=record, claim=claim)
        paraphrase = str(record["paraphrase"]).strip()
        breaks = [c for c in "\n\r" + LINE_BREAKS if c in paraphrase]
        if breaks:
            self.problems.add(
                "paraphrase must be one line"
                + (f" (it holds {describe_character(breaks[0])})" if breaks[0] not in "\n" else ""),
                where=location(path, record, "paraphrase"),
                claim=claim,
            )
        conflicts = record.get("conflicts_with") or []
        if isinstance(conflicts, str):
            conflicts = [conflicts]
        if not isinstance(conflicts, list) or not all(isinstance(c, str) for c in conflicts):
            self.problems.add(
                f"conflicts_with must be a claim id or a list of claim ids, not {_kind(record.get('conflicts_with'))}",
                where=location(path, record, "conflicts_with"),
                claim=claim,
            )
            conflicts = []
        elif str(cid) in conflicts:
            self.problems.add(
                "conflicts_with names the claim itself; a claim cannot conflict with itself (name the other claim)",
                where=location(path, record, "conflicts_with"),
                claim=claim,
            )

        if len(self.problems.problems) > before or subject is None or predicate is None:
            return None
        if anchor is None or evidence is None or (not predicate.literal and obj is None):
            return None
        statement = Statement(
            subject=subject,
            predicate=predicate.key,
            object=obj,
            object_value=value,
            polarity=polarity,
            context=Context.of(context_values, self.onto.context_order),
        )
        return Assertion(
            id=str(cid),
            statement=statement,
            document=document.id,
            anchor=anchor,
            modality=str(modality),
            party=f"{document.id}/{party_key}",
            speaker=speaker,
            evidence=evidence,
            paraphrase=paraphrase,
            cue=None if cue is None else str(cue),
            reference=None if reference is None else f"{document.id}/{reference}",
            note=None if record.get("note") is None else str(record["note"]).strip(),
            conflicts_with=tuple(str(c) for c in conflicts),
            source=where,
        )


def registered_documents(ontology_directory: Path | None = None) -> list[str]:
    """The ids in the document registry (``documents.yaml``), read without validating the rest: what a
    ``--document`` option is checked against before any work."""
    data = read_yaml((ontology_directory or ontology_dir()) / "documents.yaml")
    records = data.get("documents") if isinstance(data, dict) else None
    return sorted(str(r["id"]) for r in records or [] if isinstance(r, dict) and isinstance(r.get("id"), str))


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def claim_files(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.yaml"))


def load_curation(
    ontology_directory: Path | None = None,
    *,
    corpus: Corpus | None = None,
    strict: bool = True,
) -> tuple[Curation, list[CurationError]]:
    """Read and validate every curation file.

    Returns the curation and the list of problems. With ``strict`` (the default) the
    first problem is raised instead, carrying all of them in ``.problems``.
    """
    directory = ontology_directory or ontology_dir()
    onto = load_ontology(directory)
    problems = _Collector()
    documents = load_documents(directory / "documents.yaml", corpus, problems)
    parties: dict[str, Party] = {}
    references: dict[str, Reference] = {}
    assertions: list[Assertion] = []
    skips: list[Skip] = []
    for path in claim_files(directory / "claims"):
        reader = _FileReader(path, onto, corpus, documents, problems)
        doc_id, p, r, a, s = reader.read()
        if doc_id is None:
            continue
        # a long document may be split into <doc>.yaml and <doc>.<part>.yaml; shared ids must agree
        for label, new, old in (("party", p, parties), ("reference", r, references)):
            for key, value in new.items():
                if key in old and old[key] != value:
                    problems.add(
                        f"{label} {key.split('/', 1)[1]!r} of {doc_id} is defined differently in "
                        "another file of the same document; use one definition",
                        where=display_path(path),
                    )
        parties.update(p)
        references.update(r)
        assertions.extend(a)
        skips.extend(s)

    ids: dict[str, str] = {}
    items: list[Assertion | Skip] = [*assertions, *skips]
    for item in items:
        if item.id in ids:
            problems.add(
                f"duplicate id {item.id!r} (first at {ids[item.id]}); ids must be unique across all files",
                where=item.source or "",
            )
        else:
            ids[item.id] = item.source or ""
    # the same document claiming the same statement from the same span, credited to the same party and
    # reference with the same modality and evidence, is one assertion however it is paraphrased
    verbatim: dict[tuple[Any, ...], Assertion] = {}
    for one in assertions:
        same = (one.statement.id, one.document, one.anchor.start, one.anchor.end, one.party, one.reference,
                one.modality, one.cue, one.speaker, one.evidence)  # fmt: skip
        earlier = verbatim.setdefault(same, one)
        if earlier is not one:
            problems.add(
                f"repeats claim {earlier.id} (at {earlier.source}): the same statement from the same span of "
                f"{one.document}, party, reference, modality and evidence is one assertion, not two; delete one "
                "(or encode what differs)",
                where=one.source or "",
                claim=one.id,
            )
    claim_ids = {one.id for one in assertions}
    for assertion in assertions:
        for other in assertion.conflicts_with:
            if other not in claim_ids and other not in problems.seen_ids:
                close = difflib.get_close_matches(other, sorted(claim_ids), n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                problems.add(
                    f"conflicts_with names unknown claim {other!r}{hint}",
                    where=assertion.source or "",
                    claim=assertion.id,
                )
    curation = Curation(documents, parties, references, tuple(assertions), tuple(skips))
    if strict and problems.problems:
        first = problems.problems[0]
        first.problems = problems.problems  # type: ignore[attr-defined]
        raise first
    return curation, problems.problems
