"""The Python API: one call loads the knowledge graph; everything else is a method or a free function.

>>> import msc_graph
>>> kg = msc_graph.load()                       # doctest: +SKIP
>>> kg.lookup("UCMSC").label                    # doctest: +SKIP
'mesenchymal stem cell of umbilical cord'
>>> kg.query("factors-acting-on-target", target="macrophage").to_dataframe()   # doctest: +SKIP
"""

from __future__ import annotations

import difflib
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .build import OUTPUTS as BUILD_OUTPUTS
from .build import Release, ensure_built, open_release, read_cache
from .corpus import Corpus, resolve_document_name
from .curation import load_curation
from .errors import InputError, QueryError, SourceDrift, UnknownTermError
from .explain import Explanation
from .explain import explain as explain_question
from .explain import explain_matrix as explain_pairs
from .io import EXPORT_FORMATS, networks
from .io import jsonld as jsonld_io
from .io import kgx as kgx_io
from .io import nanopub as nanopub_io
from .io.tables import write_csv
from .model import Curation, Term, sha256_text
from .namespaces import curie_to_iri
from .ontology import Ontology, load_ontology
from .project import build_dir as default_build_dir
from .project import corpus_dir, ontology_dir, queries_dir
from .project import ontology_dir as default_ontology_dir
from .projection import Projection, conflict_table, network, statements
from .render import GraphView, graph_view
from .results import Table
from .sparql.embedded import Embedded, open_store
from .sparql.named import NamedQuery, bind_params, get_query, load_queries
from .sparql.remote import MAX_BYTES, RemoteEndpoint
from .sparql.statements import context_text, fetch_projection, statement_contexts
from .sparql.text import bind_with_values, count_query, paged, query_file

if TYPE_CHECKING:
    import networkx as nx

#: the rows a named query answers at a time unless told otherwise
PAGE_SIZE = 100

CLAIM_COLUMNS = [
    "claim",
    "statement",
    "subject",
    "subject_label",
    "predicate",
    "predicate_label",
    "object",
    "object_label",
    "object_value",
    "polarity",
    "context",
    "modality",
    "modality_label",
    "cue",
    "document",
    "start",
    "end",
    "party",
    "speaker",
    "speaker_label",
    "evidence_type",
    "evidence_label",
    "studies",
    "patients",
    "follow_up",
    "reference",
    "reference_label",
    "paraphrase",
]


@dataclass
class KnowledgeGraph:
    """The loaded knowledge graph: an Oxigraph store plus the ontology and (optionally) the corpus."""

    store: Any  # pyoxigraph.Store (embedded) or None with an endpoint
    ontology: Ontology
    corpus: Corpus | None = None
    queries_dir: Path | None = None
    endpoint: RemoteEndpoint | None = None  # when the graph lives on a SPARQL server
    store_factory: Any = field(default=None, repr=False)  # opens the store on first use
    ontology_dir: Path | None = None  # where the curated files are (exports read the claim model)
    release: Release | None = field(default=None, repr=False)  # the build it reads, pinned
    #: documents whose quotes were withheld because the source changed since curation, with the reason
    drift: dict[str, str] = field(default_factory=dict)
    _cache: dict[Any, Any] = field(default_factory=dict, repr=False)

    def get_store(self) -> Any:
        """The embedded store, opened on first use (explanations from the cache never need it)."""
        if self.store is None and self.store_factory is not None:
            self.store = self.store_factory()
        return self.store

    @property
    def backend(self) -> Embedded | RemoteEndpoint:
        """The query back end: the SPARQL endpoint, or the embedded store."""
        if self.endpoint is not None:
            return self.endpoint
        return Embedded(opener=self.get_store)

    # ------------------------------------------------------------------ lookup
    def lookup(self, text: str, *, category: str | None = None) -> Term:
        """A term by CURIE, label or synonym; unknown names raise with suggestions."""
        return self.ontology.resolve(text, category=category)

    def entities(self, text: str | None = None, *, category: str | None = None) -> Table:
        """Terms whose label, synonym or CURIE contains ``text`` (all terms when None)."""

        rows = self.ontology.search(text, category=category)
        return Table(["curie", "label", "category", "synonyms", "parents"], rows, title="entities")

    def document_id(self, name: str) -> str:
        return resolve_document_name(name, self.document_ids)

    @cached_property
    def document_ids(self) -> list[str]:
        _, rows = self.select(query_file("document-ids"))
        return sorted(r["d"].rsplit("/", 1)[-1] for r in rows)

    # ------------------------------------------------------------------ SPARQL
    def select(self, sparql: str, bindings: dict[str, Any] | None = None) -> tuple[list[str], list[dict[str, Any]]]:
        """Run a SPARQL SELECT (or ASK) with bound parameters; returns (columns, rows)."""
        return self.backend.select(sparql, bindings)

    def queries(self) -> dict[str, NamedQuery]:
        return load_queries(self.queries_dir)

    def integrity(self) -> list[str]:
        """Run every integrity check (the named queries ending in ``-violation``, each of which must
        return no rows) over the whole graph; one line per check that found rows, naming the first
        few. ``msc-graph check`` runs them on the built graph."""
        problems = []
        for name, query in sorted(self.queries().items()):
            if not query.is_violation_check:
                continue
            rows = self.query(name, limit=None).rows
            if rows:
                first = ", ".join(  # the assertion, statement or term and what is wrong with it
                    " ".join(str(v) for k, v in row.items() if k != "document" and v is not None) for row in rows[:3]
                )
                problems.append(f"{name}: {len(rows)} row(s), first: {first} (msc-graph query {name} --all)")
        return problems

    def query_catalogue(self) -> Table:
        """The named queries with their questions and parameters, as a table."""
        rows = [
            {
                "name": q.name,
                "title": q.title,
                "question": q.question,
                "params": ", ".join(f"{p.name} ({p.type})" for p in q.params),
            }
            for q in self.queries().values()
        ]
        return Table(["name", "title", "params", "question"], rows, title="named queries")

    def explain_matrix(self, sources: list[str], conditions: list[str], **options: Any) -> Table:
        """One row per source and condition: chains claimed whole by one document (and how many of
        those are about the source's own cells), composed chains, effects, the best claimed chain."""
        return explain_pairs(self, sources, conditions, **options)

    def query(
        self,
        name_or_sparql: str,
        /,
        *,
        limit: int | None = PAGE_SIZE,
        offset: int = 0,
        total: bool = False,
        with_context: bool = False,
        **params: Any,
    ) -> Table:
        """Run a named query from ``queries/`` (with typed parameters) or a SPARQL text.

        A named query answers one page: ``limit`` rows (default 100; None for every row) from
        ``offset``, in the query's stable order; the table says whether there are ``more`` and,
        with ``total=True``, how many rows the whole answer has. A SPARQL text is run as it is.

        ``with_context`` adds the context of the statements the rows list (``context``: "condition:
        knee osteoarthritis; donor: allogeneic donor", keys and order from the ontology) after a
        ``statement`` column, and ``left_context``/``right_context`` after ``left``/``right``."""
        text = name_or_sparql.strip()
        if any(k in text.upper() for k in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE", "INSERT", "DELETE")) and (
            "{" in text or " " in text
        ):
            if params:
                raise QueryError("parameters can only be bound to named queries; use bindings= with select()")
            columns, rows = self.select(text)
            return Table(columns, rows, title="query")
        return self.run_named(
            get_query(text, self.queries_dir),
            params,
            limit=limit,
            offset=offset,
            total=total,
            with_context=with_context,
        )

    def run_named(
        self, query: NamedQuery, params: dict[str, Any], *, limit: int | None = PAGE_SIZE, offset: int = 0,
        total: bool = False, with_context: bool = False,
    ) -> Table:  # fmt: skip
        """One page of a named query (see :meth:`query`)."""
        text = bind_with_values(query.text, bind_params(query, params, self))  # bound before the page is cut
        columns, rows = self.select(paged(text, None if limit is None else limit + 1, offset))
        more = limit is not None and len(rows) > limit
        table = Table(columns, rows[:limit] if more else rows, title=query.title, offset=offset, more=more)
        if total:
            table.total = int(self.select(count_query(text))[1][0]["total"])
        return self.with_context(table) if with_context else table

    def with_context(self, table: Table) -> Table:
        """The table with the context of the statements its ``statement`` (or ``left``/``right``)
        column names, as ``context`` (``left_context``, ``right_context``) columns."""
        pairs = [(c, "context" if c == "statement" else f"{c}_context") for c in ("statement", "left", "right")]
        pairs = [(c, name) for c, name in pairs if c in table.columns]
        if not pairs:
            return table
        ids = [r[c] for c, _ in pairs for r in table.rows if r.get(c)]
        contexts = statement_contexts(self.select, self.ontology, ids)
        columns = list(table.columns)
        for column, name in pairs:
            anchor = "polarity" if column == "statement" and "polarity" in columns else column
            columns.insert(columns.index(anchor) + 1, name)
        rows = [
            {**row, **{name: context_text(contexts.get(str(row.get(column)), [])) for column, name in pairs}}
            for row in table.rows
        ]
        return replace(table, columns=columns, rows=rows, notes=list(table.notes))

    # ------------------------------------------------------------------ claims
    def claims(
        self,
        *,
        subject: str | None = None,
        object: str | None = None,
        predicate: str | None = None,
        document: str | None = None,
        party: str | None = None,
        speaker: str | None = None,
        modality: str | None = None,
        with_quotes: bool = False,
    ) -> Table:
        """Assertions, filterable; each row has the statement, provenance, evidence and paraphrase.

        A tissue given as ``subject`` or ``object`` also matches the claims about the cell classes
        the TBox derives from it (``placenta`` finds the claims about placental MSCs)."""
        filters: dict[str, Any] = {
            "predicate": predicate,
            "document": document,
            "speaker": speaker,
            "modality": modality,
        }
        table = self.query("claims", limit=None, subject=subject, object=object, **filters)
        found = list(table.rows)
        for cell in self._derived_cells(subject):  # the cells from a tissue, the other filters kept
            found += self.query("claims", limit=None, subject=cell, object=object, **filters).rows
        for cell in self._derived_cells(object) if subject is None else []:
            found += self.query("claims", limit=None, subject=cell, **filters).rows
        unique = {r["claim"]: r for r in found}
        contexts = statement_contexts(self.select, self.ontology, [r["statement"] for r in unique.values()])
        rows = []
        for row in sorted(unique.values(), key=lambda r: (r["file"], r["start"], r["claim"])):
            if party and party.lower() not in (row.get("party_label") or "").lower():
                continue
            rows.append(self._claim_row(row, with_quotes, contexts.get(row["statement"], [])))
        if party and not rows:
            parties = sorted({str(r["party_label"]) for r in table.rows if r.get("party_label")})
            close = difflib.get_close_matches(party, parties, n=3, cutoff=0.3)
            if close:
                raise UnknownTermError("party", party, [repr(c) for c in close])
        columns = CLAIM_COLUMNS + self.context_columns() + (["quote"] if with_quotes else [])
        return Table(columns, rows, title="claims")

    def context_columns(self) -> list[str]:
        """The context columns of the claims table, from the ontology's context keys in their order:
        ``key`` (a CURIE, or the value of a literal key such as dose) and ``key_label``."""
        out = []
        for key in self.ontology.context_order:
            out += [key] if self.ontology.context[key].literal else [key, f"{key}_label"]
        return out

    def _derived_cells(self, name: str | None) -> list[str]:
        """The cell classes the TBox derives from a tissue (none for other terms)."""
        relation = self.ontology.start_relations.get("derived cells")
        if not name or relation is None:
            return []
        return self.ontology.related_inverse(self.lookup(name).curie, relation)

    def _claim_row(
        self,
        row: dict[str, Any],
        with_quotes: bool,
        context: list[tuple[str, str, str]] = (),  # type: ignore[assignment]
    ) -> dict[str, Any]:
        keys = {v: k for k, v in self.ontology.values["SpeakerKind"].items()}
        modalities = {v: k for k, v in self.ontology.values["Modality"].items()}
        pred_keys = {p.curie: p.key for p in self.ontology.predicates.values()}
        speaker = keys[curie_to_iri(row["speaker"])]
        modality = modalities[curie_to_iri(row["modality"])]
        out = {
            "claim": row["claim"],
            "statement": row["statement"].rsplit("/", 1)[-1],
            "subject": row["subject"],
            "subject_label": row["subject_label"],
            "predicate": pred_keys.get(row["predicate"], row["predicate"]),
            "predicate_label": row["predicate_label"],
            "object": row.get("object") if row.get("object_label") is not None else None,
            "object_label": row.get("object_label"),
            "object_value": None if row.get("object_label") is not None else row.get("object"),
            "polarity": "positive" if row["polarity"] == "msc:Positive" else "negative",
            "context": context_text(list(context)),
            "modality": modality,
            "modality_label": self.ontology.value_label("Modality", modality),
            "cue": row.get("cue"),
            "document": row["file"],
            "start": row["start"],
            "end": row["end"],
            "party": row.get("party_label"),
            "speaker": speaker,
            "speaker_label": self.ontology.value_label("SpeakerKind", speaker),
            "evidence_type": row["evidence_type"],
            "evidence_label": row["evidence_label"],
            "studies": row.get("studies"),
            "patients": row.get("patients"),
            "follow_up": row.get("follow_up"),
            "reference": row.get("reference_label"),
            "reference_label": row.get("reference_label"),
            "paraphrase": row["paraphrase"],
        }
        if row.get("reference_url"):
            out["reference"] = row["reference_url"]
        for key, value, label in context:
            out[key] = value
            if not self.ontology.context[key].literal:
                out[f"{key}_label"] = label
        if with_quotes:
            out["quote"] = self.quote(row["file"], row["start"], row["end"])
        return out

    def statement_count(self) -> int:
        """How many statements the graph holds (cached)."""
        if "statement_count" not in self._cache:
            rows = self.select(query_file("statement-count"))[1]
            self._cache["statement_count"] = int(rows[0]["n"])
        return self._cache["statement_count"]

    def contradictions(self, *, same_document: bool | None = None, entity: str | None = None) -> Table:
        """Pairs of conflicting statements with the claims and documents on each side: every pair,
        or those with ``entity`` as subject or object on either side (``entity-conflicts``)."""
        if entity is None:
            table = self.query("conflicts", limit=None, with_context=True)
        else:
            table = self.query("entity-conflicts", limit=None, with_context=True, entity=entity)
        if same_document is not None:
            table.rows = [r for r in table.rows if bool(r.get("same_document")) == same_document]
        return table

    # ------------------------------------------------------------------ explanation
    def network(self) -> nx.MultiDiGraph:
        """The NetworkX projection of all claims (one edge per statement, with plain attributes):
        made from the build's cache, else read with SPARQL; kept for the session."""
        if "network" not in self._cache:
            cached = self._cache.get("projection")
            if cached is None:
                self._cache["network"] = fetch_projection(self.select, self.ontology)
            else:
                pairs = [(a, b) for a, bs in conflict_table(cached).items() for b in bs]
                self._cache["network"] = network(statements(cached), self.ontology, pairs)
        return self._cache["network"]

    def projection(self) -> Projection:
        """What an explanation walks: the build's cached statements as a plain
        :class:`~msc_graph.projection.StatementGraph` (no NetworkX needed), else :meth:`network`."""
        cached = self._cache.get("projection")
        return cached if cached is not None else self.network()

    def has_projection(self) -> bool:
        """Whether the projection is at hand without reading the store."""
        return "projection" in self._cache or "network" in self._cache

    def explain(
        self,
        source: str,
        condition: str,
        *,
        stage: str | None = None,
        max_length: int = 5,
        max_chains: int = 200,
        generalise: bool = True,
        donor: str | None = None,
        composed: bool = True,
        strategy: str = "auto",
        budget: int | None = None,
    ) -> Explanation:
        """How ``source`` is claimed to affect ``condition``: a summary per document, the contested
        points, the denials and the ranked chains; see :func:`msc_graph.explain.explain`."""
        return explain_question(
            self,
            source,
            condition,
            stage=stage,
            max_length=max_length,
            max_chains=max_chains,
            generalise=generalise,
            donor=donor,
            composed=composed,
            strategy=strategy,
            **({"budget": budget} if budget is not None else {}),
        )

    def view(
        self,
        *,
        source: str | None = None,
        condition: str | None = None,
        document: str | None = None,
        entity: str | None = None,
        explanation: Explanation | None = None,
        radius: int = 1,
    ) -> GraphView:
        """The interactive graph page (pyvis/vis-network), offline; shows inline in Jupyter."""
        return graph_view(
            self,
            source=source,
            condition=condition,
            document=document,
            entity=entity,
            explanation=explanation,
            radius=radius,
        )

    # ------------------------------------------------------------------ exports
    def curation(self) -> Curation:
        """The curated claims as the claim model (read once per session from the claim files)."""
        if "curation" not in self._cache:
            self._cache["curation"] = load_curation(self.ontology_dir or default_ontology_dir(), corpus=None)[0]
        return self._cache["curation"]

    def export(self, format: str, path: str | Path, *, quotes: bool = False) -> list[Path]:
        """Write the graph for another tool (``msc_graph.io.EXPORT_FORMATS``): ``kgx`` (a folder of
        KGX nodes and edges, TSV and JSON lines), ``graphml``, ``gexf``, ``cyjs``, ``cx2``, ``nanopub``
        (TriG), ``csv`` (the claims table) or ``jsonld`` (one object per claim). ``quotes`` adds the
        anchored text (``supporting_text``, ``quote``) where the corpus is present. Returns the files."""
        if format not in EXPORT_FORMATS:
            raise InputError(f"unknown export format {format!r}; choose one of {', '.join(sorted(EXPORT_FORMATS))}")
        spec = EXPORT_FORMATS[format]
        target = Path(path)
        quote = self._quote_anchor if quotes and self.corpus is not None else None
        if spec.source == "network":
            writer = {"graphml": networks.write_graphml, "gexf": networks.write_gexf, "cyjs": networks.write_cyjs,
                      "cx2": networks.write_cx2}[format]  # fmt: skip
            target.parent.mkdir(parents=True, exist_ok=True)
            writer(self.network(), target)
            return [target]
        if format == "csv":
            table = self.claims(with_quotes=quote is not None)
            return [write_csv(table.columns, table.rows, target)]
        if format == "kgx":
            return kgx_io.write(self.curation(), self.ontology, target, quote=quote)
        if format == "nanopub":
            return [nanopub_io.write(self.curation(), self.ontology, target)]
        return [jsonld_io.write_claims(self.curation(), self.ontology, target, quote=quote)]

    def _quote_anchor(self, anchor: Any) -> str | None:
        return self.corpus.quote(anchor) if self.corpus is not None else None

    def quote(self, document: str, start: int, end: int) -> str | None:
        """The anchored text, resolved from the corpus at run time and verified: None without a corpus,
        and None when the document's SHA-256 differs from the registry's or the span's from the one
        curated, so that drifted text is never shown as a quote. Each drifted document is reported
        once in :attr:`drift` (and as a :class:`~msc_graph.errors.SourceDrift` warning)."""
        if self.corpus is None:
            return None
        registered = self._document_hashes()
        file = document if document in registered else f"{document}.txt"
        try:
            doc = self.corpus.document(file)
        except UnknownTermError:
            self._drifted(document, f"{document} is not in the corpus folder {self.corpus.folder}")
            return None
        if doc.id in self.drift:
            return None
        if registered.get(file) != doc.sha256:
            self._drifted(
                doc.id,
                f"{doc.id}: the source changed since curation (its SHA-256 is {doc.sha256[:12]}..., the registry "
                f"says {str(registered.get(file))[:12]}...); its quotes are not shown: re-anchor its claims "
                "(msc-graph check lists them)",
            )
            return None
        text = doc.text[start:end]
        if self._span_hashes(file).get((int(start), int(end))) != sha256_text(text):
            self._drifted(
                doc.id,
                f"{doc.id}: span {start}-{end} does not match the SHA-256 curated for it; its quotes are not shown: "
                "rebuild with the corpus (msc-graph build --corpus DIR) to have every anchor verified",
            )
            return None
        return text

    def _drifted(self, document: str, message: str) -> None:
        if document not in self.drift:
            self.drift[document] = message
            warnings.warn(message, SourceDrift, stacklevel=3)

    def _document_hashes(self) -> dict[str, str]:
        if "document_hashes" not in self._cache:
            rows = self.select(query_file("document-hashes"))[1]
            self._cache["document_hashes"] = {r["file"]: r["sha256"] for r in rows}
        return self._cache["document_hashes"]

    def _span_hashes(self, file: str) -> dict[tuple[int, int], str]:
        key = ("span_hashes", file)
        if key not in self._cache:
            rows = self.select(query_file("document-anchors"), {"file": file})[1]
            self._cache[key] = {(int(r["start"]), int(r["end"])): r["span_sha256"] for r in rows}
        return self._cache[key]


def load(
    *,
    build_dir: str | Path | None = None,
    corpus: str | Path | None = None,
    rebuild: bool = True,
    root: str | Path | None = None,
    endpoint: str | None = None,
    timeout: float = 60.0,
    progress: Callable[[str], None] | None = None,
    max_bytes: int = MAX_BYTES,
) -> KnowledgeGraph:
    """Load the knowledge graph into the embedded Oxigraph store (no server).

    Builds first when ``build/`` is missing or older than the curated files. The corpus
    (``../shared/corpus`` by default, or ``$MSC_GRAPH_CORPUS``) is optional: with it, quotes
    are resolved from anchors. ``root`` loads another project folder (a
    :class:`~msc_graph.workspace.Workspace`): its ontology, claims, queries and build.
    ``endpoint`` answers everything from a SPARQL 1.1 endpoint URL instead of the embedded
    store (explanations then fetch only the neighbourhood they need); each answer must arrive
    whole within ``timeout`` seconds and ``max_bytes`` bytes.
    """
    folder = corpus_dir(corpus)
    if corpus is not None and (folder is None or not folder.is_dir()):
        raise InputError(f"corpus folder {corpus} does not exist; name the folder that holds the source documents")
    corpus_obj = Corpus(folder) if folder is not None and folder.is_dir() else None
    if endpoint is not None:
        return KnowledgeGraph(
            store=None,
            ontology=load_ontology(),
            corpus=corpus_obj,
            queries_dir=queries_dir(),
            endpoint=RemoteEndpoint(endpoint, timeout=timeout, max_bytes=max_bytes),
            ontology_dir=ontology_dir(),
        )
    if root is not None:
        root = Path(root)
        build, onto_dir, queries = Path(build_dir) if build_dir else root / "build", root / "ontology", root / "queries"
    else:
        build, onto_dir, queries = Path(build_dir) if build_dir else default_build_dir(), ontology_dir(), queries_dir()
    if rebuild:
        ensure_built(build, ontology_directory=onto_dir, corpus=corpus_obj, progress=progress)
    onto = load_ontology(onto_dir)
    release = open_release(build)  # one published build, pinned while the graph lives: never a mix of two
    kg = KnowledgeGraph(
        store=None,
        ontology=onto,
        corpus=corpus_obj,
        queries_dir=queries,
        store_factory=lambda: open_store(release.path / BUILD_OUTPUTS["nt"]),
        release=release,
        ontology_dir=onto_dir,
    )
    network, anchors = read_cache(release.path, onto_dir, onto)
    if network is not None:
        kg._cache["projection"] = network
    if anchors is not None:  # quotes are verified without opening the store
        kg._cache["document_hashes"] = dict(anchors["documents"])
        for file, spans in anchors["spans"].items():
            kg._cache[("span_hashes", file)] = {(int(a), int(b)): str(h) for a, b, h in spans}
    return kg
