"""The ``msc-graph`` command line. The only module that prints.

Exit codes: 0 success, 1 a check failed, 2 bad usage or input.
"""

from __future__ import annotations

import csv
import json
import os
import sys
import warnings
from collections.abc import Callable, Iterable, Sequence
from functools import wraps
from pathlib import Path
from typing import Any

import click

from .build import build
from .check import require_ok, run_check
from .corpus import Corpus, resolve_document_name
from .curation import coverage, load_curation, registered_documents
from .errors import CheckFailed, EnvironmentProblem, InputError, MscGraphError, SourceDrift, UnknownTermError
from .graph import PAGE_SIZE, KnowledgeGraph, load
from .io import EXPORT_FORMATS
from .model import LINE_BREAKS
from .ontology import RELATION_TABLE_END, RELATION_TABLE_START, load_ontology, relation_table
from .project import check_output_file, check_output_folder, corpus_dir, reference_dir
from .propose import evaluate, propose, table_rows
from .serve import Front, oxigraph_binary, prepare_store, serve
from .sparql.named import get_query, load_queries, parse_query_file

FORMATS = click.Choice(["table", "json", "jsonl", "csv"])
FORMAT_HELP = (
    "table: aligned columns for reading (long cells cut); json: one JSON array; jsonl: one JSON object "
    "per line; csv: comma-separated with a header row, every column."
)


def _fail(message: str, code: int) -> None:
    click.echo(f"msc-graph: {message}", err=True)
    sys.exit(code)


def _one_line(text: str) -> str:
    """A message as one line: line breaks (including U+2028 and the like) become spaces."""
    return " ".join(str(text).split("\n")).translate({ord(c): " " for c in "\r" + LINE_BREAKS})


def handle_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn every error into one line on stderr and the right exit code: 2 for bad input (the first
    problem, with how many more there are), 1 for a failed check (its problems listed), never a
    traceback (an unexpected one is reported as a bug; ``MSC_GRAPH_DEBUG=1`` shows it)."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except CheckFailed as err:
            for line in err.problems:
                click.echo(f"  {_one_line(line)}", err=True)
            _fail(str(err), err.exit_code)
        except MscGraphError as err:
            more = len(getattr(err, "problems", [])[1:])
            tail = f" (and {more} more problem{'s' if more > 1 else ''}: msc-graph validate lists them)" if more else ""
            _fail(_one_line(str(err)) + tail, err.exit_code)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except KeyboardInterrupt:
            _fail("interrupted", 130)
        except OSError as err:  # the file system refused (disk full, permissions changed while running ...)
            if os.environ.get("MSC_GRAPH_DEBUG"):
                raise
            where = f"{err.filename}: " if err.filename else ""
            _fail(_one_line(f"{where}{err.strerror or err}; check the path and the free space"), 2)
        except Exception as err:  # noqa: BLE001 - a bug: one line, never a traceback
            if os.environ.get("MSC_GRAPH_DEBUG"):
                raise
            _fail(
                _one_line(
                    f"internal error ({type(err).__name__}: {err}); this is a bug in msc-graph, please report it "
                    "with the command (MSC_GRAPH_DEBUG=1 shows the traceback)"
                ),
                1,
            )

    return wrapper


class _Group(click.Group):
    """The command group, with click's usage errors as one line too (``msc-graph viz: --radius: ...``)."""

    def main(self, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        kwargs["standalone_mode"] = False
        try:
            return super().main(*args, **kwargs)
        except click.exceptions.NoArgsIsHelpError as err:
            click.echo(err.ctx.get_help() if err.ctx else str(err), err=True)
            sys.exit(2)
        except click.UsageError as err:
            command = err.ctx.command_path if err.ctx else "msc-graph"
            hint = f" (see {command} --help)" if err.ctx else ""
            click.echo(f"{command}: {_one_line(err.format_message())}{hint}", err=True)
            sys.exit(err.exit_code)
        except click.ClickException as err:
            click.echo(f"msc-graph: {_one_line(err.format_message())}", err=True)
            sys.exit(err.exit_code)
        except click.Abort:
            click.echo("msc-graph: aborted", err=True)
            sys.exit(130)
        except click.exceptions.Exit as err:
            sys.exit(err.exit_code)


def print_rows(rows: Sequence[dict[str, Any]], columns: Sequence[str], fmt: str) -> None:
    """Print rows as a table (tabulate; cells cut at 60 characters), JSON, JSON lines or CSV."""
    if fmt == "json":
        click.echo(json.dumps(list(rows), indent=2, ensure_ascii=False))
        return
    if fmt == "jsonl":
        for row in rows:
            click.echo(json.dumps(row, ensure_ascii=False))
        return
    if fmt == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=list(columns), extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({c: _cell(row.get(c)) for c in columns})
        return
    if not rows:
        click.echo("(no rows)")
        return
    from tabulate import tabulate

    def cut(value: Any) -> str:
        text = " ".join(_cell(value).split())
        return text if len(text) <= 60 else text[:59] + "…"

    body = [[cut(row.get(c)) for c in columns] for row in rows]
    click.echo(tabulate(body, headers=list(columns), tablefmt="simple", disable_numparse=True))


class Stages:
    """Staged progress on stderr for long commands: a spinner on the running stage and a line with
    its time when it ends. Only when stderr is a terminal and ``--quiet`` is not given; otherwise
    it prints nothing (pipes, CI and tests see no progress)."""

    def __init__(self, quiet: bool = False) -> None:
        self.enabled = not quiet and sys.stderr.isatty()
        self.stage: str | None = None
        self.started = 0.0
        self.status: Any = None
        self.console: Any = None
        if self.enabled:
            from rich.console import Console

            self.console = Console(stderr=True)

    def __call__(self, stage: str) -> None:
        import time

        self._finish()
        if not self.enabled:
            return
        self.stage, self.started = stage, time.perf_counter()
        if self.status is None:
            self.status = self.console.status(stage)
            self.status.start()
        else:
            self.status.update(stage)

    def _finish(self) -> None:
        import time

        if self.enabled and self.stage is not None:
            self.console.print(f"  [green]done[/green] {self.stage} ({time.perf_counter() - self.started:.1f} s)")
        self.stage = None

    def __enter__(self) -> Stages:
        return self

    def __exit__(self, *exc: Any) -> None:
        if exc[0] is None:
            self._finish()
        if self.status is not None:
            self.status.stop()


quiet_option = click.option(
    "--quiet", "-q", is_flag=True, help="No progress on stderr (none is shown when not a terminal)."
)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict):
        return value.get("label") or value.get("id") or json.dumps(value, ensure_ascii=False)
    if isinstance(value, list | tuple):
        return "; ".join(_cell(v) for v in value)
    return str(value)


def _corpus(path: str | None) -> Corpus | None:
    """The corpus: the folder given (``--corpus`` or ``$MSC_GRAPH_CORPUS``, which must exist), else
    the default ``../shared/corpus`` when present."""
    folder = corpus_dir(path)
    if path and (folder is None or not folder.is_dir()):
        raise InputError(
            f"--corpus {path}: no such folder (from --corpus or MSC_GRAPH_CORPUS); name the folder that holds "
            "the source documents"
        )
    return Corpus(folder) if folder is not None and folder.is_dir() else None


def _required_corpus(path: str | None) -> Corpus:
    corpus = _corpus(path)
    if corpus is None:
        raise EnvironmentProblem("the corpus folder is not available; pass --corpus DIR or set MSC_GRAPH_CORPUS")
    return corpus


corpus_option = click.option(
    "--corpus",
    "corpus_path",
    envvar="MSC_GRAPH_CORPUS",
    type=click.Path(file_okay=False),
    help="Folder with the source documents (default ../shared/corpus; env MSC_GRAPH_CORPUS).",
)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="msc-graph")
def main() -> None:
    """msc-graph: how mesenchymal stem cell therapies are claimed to work, by whom, on what evidence."""
    warnings.simplefilter("ignore", SourceDrift)  # reported by the commands themselves, one line per document


# ---------------------------------------------------------------------------- curation aids


@main.command()
@click.argument("document")
@click.argument("text")
@click.option("--sentence", is_flag=True, help="Anchor the whole sentence that contains TEXT.")
@corpus_option
@handle_errors
def locate(document: str, text: str, sentence: bool, corpus_path: str | None) -> None:
    """Find TEXT in DOCUMENT and print ready-to-paste anchors (start, end, sha256)."""
    corpus = _required_corpus(corpus_path)
    anchors = corpus.locate(document, text)
    if not anchors:
        raise MscGraphError(f"{text!r} does not occur in {corpus.document(document).id}")
    for anchor in anchors:
        if sentence:
            doc = corpus.document(document)
            for start, end in doc.sentences:
                if start <= anchor.start < end:
                    anchor = corpus.anchor(doc.id, start, max(end, anchor.end))
                    break
        click.echo(f"anchor: {{start: {anchor.start}, end: {anchor.end}, sha256: {anchor.sha256}}}")


@main.command()
@click.argument("document")
@click.argument("start", type=int)
@click.argument("end", type=int)
@corpus_option
@handle_errors
def anchor(document: str, start: int, end: int, corpus_path: str | None) -> None:
    """Print the anchor of DOCUMENT[START:END] and the span it covers."""
    corpus = _required_corpus(corpus_path)
    a = corpus.anchor(document, start, end)
    click.echo(f"anchor: {{start: {a.start}, end: {a.end}, sha256: {a.sha256}}}")
    click.echo(f"# {corpus.quote(a)!r}")


@main.command()
@click.argument("document")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True, help=FORMAT_HELP)
@corpus_option
@handle_errors
def sentences(document: str, fmt: str, corpus_path: str | None) -> None:
    """List the sentences of DOCUMENT with their offsets (what coverage counts)."""
    corpus = _required_corpus(corpus_path)
    doc = corpus.document(document)
    rows = [{"n": i, "start": s, "end": e, "text": doc.text[s:e]} for i, (s, e) in enumerate(doc.sentences, 1)]
    if fmt == "table":
        for row in rows:
            click.echo(f"{row['n']:>4} {row['start']:>6}-{row['end']:<6} {row['text']}")
    else:
        print_rows(rows, ["n", "start", "end", "text"], fmt)


@main.command()
@click.argument("text", required=False)
@click.option("--category", help="Only terms of this category (e.g. CellType, Condition).")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True, help=FORMAT_HELP)
@handle_errors
def entities(text: str | None, category: str | None, fmt: str) -> None:
    """List ontology terms, optionally those whose label or synonym contains TEXT."""
    onto = load_ontology()
    rows = onto.search(text, category=category)
    if text and not rows:
        suggestions = onto.suggest(text, category=category)
        hint = (
            "; did you mean " + " or ".join(suggestions) + "?"
            if suggestions
            else "; try a shorter part of the name, a synonym or a CURIE (msc-graph entities lists every term)"
        )
        raise InputError(f"no term matches {text!r}" + (f" in category {category}" if category else "") + hint)
    print_rows(rows, ["curie", "label", "category", "synonyms"], fmt)


@main.command()
@corpus_option
@handle_errors
def validate(corpus_path: str | None) -> None:
    """Validate the curated files only (fast): fields, terms, anchors, ids, provenance. Lists every problem,
    one line each."""
    curation, problems = load_curation(corpus=_corpus(corpus_path), strict=False)
    if problems:
        for problem in problems[1:]:
            click.echo(f"msc-graph: {_one_line(str(problem))}", err=True)
        total = f" ({len(problems)} problems, listed above)" if len(problems) > 1 else ""
        _fail(_one_line(str(problems[0])) + total, 2)
    click.echo(
        f"ok: {len(curation.documents)} documents, {len(curation.assertions)} assertions, "
        f"{len(curation.statements())} statements, {len(curation.skips)} skipped spans"
    )


def _registered(name: str, registry: list[str]) -> str:
    """A ``--document`` name resolved against the document registry (not the corpus folder, which may hold
    documents nobody has registered)."""
    try:
        return resolve_document_name(name, registry)
    except UnknownTermError as err:
        hint = (
            "; did you mean " + " or ".join(err.suggestions) + "?"
            if err.suggestions
            else "; register it in ontology/documents.yaml first"
        )
        raise InputError(f"--document {name}: not a document of the registry (ontology/documents.yaml){hint}") from None


def _iter_lines(lines: Iterable[str]) -> None:
    for line in lines:
        click.echo(line)


@main.command(name="coverage")
@click.option("--document", "document", help="Only this document.")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True, help=FORMAT_HELP)
@corpus_option
@handle_errors
def coverage_command(document: str | None, fmt: str, corpus_path: str | None) -> None:
    """Per document: the share of sentences covered by a claim or a skip, and every uncovered one."""
    wanted = _registered(document, registered_documents()) if document else None
    corpus = _required_corpus(corpus_path)
    curation, _ = load_curation(corpus=corpus)
    results = coverage(curation, corpus)
    if wanted:
        results = [r for r in results if r.document == wanted]
    rows: list[dict[str, Any]] = []
    for r in results:
        text = corpus.document(r.document).text
        rows.append(
            {
                "document": r.document,
                "sentences": r.sentences,
                "covered": r.covered,
                "share": round(r.share, 4),
                "uncovered": [{"start": s, "end": e, "text": text[s:e]} for s, e in r.uncovered],
            }
        )
    if fmt != "table":
        print_rows(rows, ["document", "sentences", "covered", "share"], fmt)
    else:
        print_rows(
            [{**row, "share": f"{100 * row['share']:.1f}%", "uncovered": len(row["uncovered"])} for row in rows],
            ["document", "sentences", "covered", "uncovered", "share"],
            "table",
        )
        for row in rows:
            for u in row["uncovered"]:
                click.echo(f"uncovered {row['document']} {u['start']}-{u['end']}: {u['text']}")
    if any(row["uncovered"] for row in rows):
        sys.exit(1)


@main.command(name="propose")
@click.argument("document", required=False)
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write the draft here (default: stdout).")
@click.option("--all-sentences", is_flag=True, help="Propose for every sentence, also those a curated claim covers.")
@click.option("--evaluate", "evaluate_", is_flag=True, help="Score proposals against the curated claims instead.")
@click.option(
    "--proposals",
    "proposal_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    help="With --evaluate: score this proposal file (repeatable) instead of proposing afresh.",
)
@click.option("--document", "documents", multiple=True, help="With --evaluate: only this document (repeatable).")
@click.option(
    "--format", "fmt", type=FORMATS, default="table", show_default=True, help="With --evaluate: " + FORMAT_HELP
)
@corpus_option
@handle_errors
def propose_command(
    document: str | None,
    output: str | None,
    all_sentences: bool,
    evaluate_: bool,
    proposal_files: tuple[str, ...],
    documents: tuple[str, ...],
    fmt: str,
    corpus_path: str | None,
) -> None:
    """Draft a claim file for DOCUMENT (status: proposed), or --evaluate proposals against the curated claims.

    Without --all-sentences, a curated document gets proposals only for the sentences that no
    claim or skip covers. Every proposal must be reviewed: build refuses status: proposed.
    """
    corpus = _required_corpus(corpus_path)
    if output:
        check_output_file(output, "--output")
    if evaluate_:
        if documents:
            documents = tuple(_registered(d, registered_documents()) for d in documents)
        if document:
            documents = (*documents, document)
        scores = evaluate(
            corpus=corpus, documents=list(documents) or None, proposals=[Path(p) for p in proposal_files] or None
        )
        if fmt == "table":
            rows = table_rows(scores)
            print_rows(
                rows,
                ["document", "curated", "proposed", "subject", "object", "relation", "claim", "polarity", "modality"],
                "table",
            )
            click.echo("(precision / recall, %; polarity: the negative class; modality: the non-asserted ones)")
        else:
            print_rows([s.to_dict() for s in scores], ["document", "proposals", "curated", "aligned"], fmt)
        return
    if proposal_files or documents:
        raise InputError("--proposals and --document go with --evaluate")
    if not document:
        raise InputError("name the DOCUMENT to propose claims for (or use --evaluate)")
    proposal = propose(document, corpus=corpus, all_sentences=all_sentences)
    text = proposal.to_yaml()
    if output:
        out = Path(output)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
        click.echo(
            f"wrote {output}: {len(proposal.claims)} proposed claims, {len(proposal.skips)} proposed skips, "
            f"{len(proposal.unknown)} unknown entities, from {proposal.proposed_sentences} of "
            f"{proposal.sentences} sentences",
            err=True,
        )
    else:
        click.echo(text, nl=False)


@main.command(name="build")
@click.option("--output", "out_dir", type=click.Path(file_okay=False), help="Build folder (default build/).")
@corpus_option
@quiet_option
@handle_errors
def build_command(out_dir: str | None, corpus_path: str | None, quiet: bool) -> None:
    """Validate the ontology and claims and write the knowledge graph (Turtle, N-Triples, RDF/XML, JSON-LD)."""
    out = check_output_folder(out_dir) if out_dir else None
    with Stages(quiet) as stages:
        result = build(out, corpus=_corpus(corpus_path), progress=stages)
    click.echo(
        f"built {result.directory}: {result.triples} triples, {result.statements} statements, "
        f"{result.assertions} assertions, {result.documents} documents"
    )
    if result.changed:
        click.echo(
            f"msc-graph: warning: {', '.join(result.changed)} changed while the build ran; the build is complete "
            "but not marked current, so the next use builds again (or run msc-graph build)",
            err=True,
        )


@main.command(name="relations")
@click.option(
    "--update",
    "update",
    type=click.Path(dir_okay=False, exists=True),
    help="Rewrite the generated relation table inside this Markdown file (docs/curation.md).",
)
@handle_errors
def relations_command(update: str | None) -> None:
    """The claim relations with their kinds and signs, as a Markdown table read from the ontology."""
    table = relation_table()
    if update is None:
        click.echo(table, nl=False)
        return
    path = Path(update)
    text = path.read_text(encoding="utf-8")
    if RELATION_TABLE_START not in text or RELATION_TABLE_END not in text:
        raise InputError(f"{path}: no generated relation table (the markers {RELATION_TABLE_START!r} ... are missing)")
    head, rest = text.split(RELATION_TABLE_START, 1)
    _, tail = rest.split(RELATION_TABLE_END, 1)
    path.write_text(f"{head}{RELATION_TABLE_START}\n{table}{RELATION_TABLE_END}{tail}", encoding="utf-8")
    click.echo(f"updated the relation table in {path}")


@main.command(name="check")
@click.option("--no-hermit", is_flag=True, help="Skip the HermiT consistency check (needs Java).")
@click.option(
    "--reference",
    "reference_path",
    type=click.Path(file_okay=False),
    envvar="MSC_GRAPH_REFERENCE",
    help="Folder with obo/*.tsv reference tables (default ../shared/reference).",
)
@corpus_option
@quiet_option
@handle_errors
def check_command(no_hermit: bool, reference_path: str | None, corpus_path: str | None, quiet: bool) -> None:
    """Validate everything: curated files, anchors, SHACL shapes, OBO terms, paraphrases, HermiT, and
    the integrity queries over the built graph."""
    reference = Path(reference_path) if reference_path else reference_dir()
    with Stages(quiet) as stages:
        report = run_check(
            corpus=_corpus(corpus_path), reference_folder=reference, hermit=not no_hermit, progress=stages
        )
        stages("integrity queries over the built graph (queries/*-violation.rq)")
        report.sections["integrity"] = _kg(corpus_path).integrity()
    for note in report.notes:
        click.echo(f"note: {note}")
    for name, items in report.sections.items():
        click.echo(f"{name}: {'ok' if not items else f'{len(items)} problem(s)'}")
    require_ok(report)
    click.echo("check: ok")


def _warn_drift(kg: KnowledgeGraph) -> None:
    """One warning per source document whose quotes were withheld because it changed since curation."""
    for message in kg.drift.values():
        click.echo(f"msc-graph: warning: {_one_line(message)}", err=True)


def _kg(corpus_path: str | None = None, endpoint: str | None = None) -> KnowledgeGraph:
    corpus = _corpus(corpus_path)  # a --corpus that names no folder is an error, not a graph without quotes
    return load(corpus=corpus.folder if corpus else None, endpoint=endpoint)


endpoint_option = click.option(
    "--endpoint", envvar="MSC_GRAPH_ENDPOINT", help="Ask a SPARQL 1.1 endpoint URL instead of the embedded store."
)


@main.command(name="claims")
@click.option("--subject", help="Subject term (CURIE, label or synonym).")
@click.option("--object", "object_", help="Object term.")
@click.option("--predicate", help="Claim relation (e.g. produces, decreases).")
@click.option("--document", help="Document id, file name or number (e.g. 003).")
@click.option("--party", help="Credited party (substring of its label, e.g. 'Kong').")
@click.option("--speaker", help="Speaker kind, as in the claim files (an msc:SpeakerKind key of the ontology).")
@click.option("--modality", help="Modality, as in the claim files (an msc:Modality key of the ontology).")
@click.option("--quotes", is_flag=True, help="Add the anchored text (needs the corpus).")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True, help=FORMAT_HELP)
@corpus_option
@endpoint_option
@handle_errors
def claims_command(
    subject, object_, predicate, document, party, speaker, modality, quotes, fmt, corpus_path, endpoint=None
):
    """List assertions with statement, provenance, evidence and paraphrase; filter by any field."""
    if document and not endpoint:  # checked before the graph is built or loaded
        document = _registered(document, registered_documents())
    kg = _kg(corpus_path, endpoint)
    if quotes and kg.corpus is None:
        raise EnvironmentProblem("--quotes needs the corpus folder; pass --corpus DIR or set MSC_GRAPH_CORPUS")
    table = kg.claims(
        subject=subject,
        object=object_,
        predicate=predicate,
        document=document,
        party=party,
        speaker=speaker,
        modality=modality,
        with_quotes=quotes,
    )
    if fmt == "table":
        print_rows(
            table.rows,
            [
                "claim",
                "subject_label",
                "predicate",
                "object_label",
                "polarity",
                "context",
                "modality",
                "speaker",
                "party",
                "paraphrase",
            ],
            fmt,
        )
    else:
        print_rows(table.rows, table.columns, fmt)
    _warn_drift(kg)


@main.command(name="queries")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True, help=FORMAT_HELP)
@handle_errors
def queries_command(fmt: str) -> None:
    """List the named SPARQL queries with the question each answers and its parameters."""
    rows = [
        {"name": q.name, "question": q.question, "params": ", ".join(f"{p.name} ({p.type})" for p in q.params)}
        for q in load_queries().values()
    ]
    print_rows(rows, ["name", "params", "question"], fmt)


@main.command(name="query")
@click.argument("name_or_file")
@click.option("--param", "-p", "params", multiple=True, metavar="KEY=VALUE", help="Bind a parameter (repeatable).")
@click.option("--help-query", is_flag=True, help="Show the query's header (title, question, parameters, returns).")
@click.option("--limit", default=PAGE_SIZE, show_default=True, help="Rows per page (in the query's stable order).")
@click.option("--offset", default=0, show_default=True, help="Rows to skip: the page starting after them.")
@click.option("--all", "all_rows", is_flag=True, help="Every row (no page).")
@click.option("--count", is_flag=True, help="Also say how many rows the whole answer has.")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True, help=FORMAT_HELP)
@corpus_option
@endpoint_option
@handle_errors
def query_command(
    name_or_file: str,
    params: tuple[str, ...],
    help_query: bool,
    limit: int,
    offset: int,
    all_rows: bool,
    count: bool,
    fmt: str,
    corpus_path,
    endpoint=None,
) -> None:
    """Run a named query from queries/ (see `msc-graph queries`) or a .rq file, with bound parameters:
    one page of rows (--limit, --offset), or --all."""
    path = Path(name_or_file)
    query = parse_query_file(path) if path.suffix == ".rq" and path.exists() else get_query(name_or_file)
    if help_query:
        click.echo(f"{query.name}: {query.title}\n  question: {query.question}")
        for p in query.params:
            click.echo(f"  param ?{p.name} ({p.description})")
        click.echo(f"  returns: {query.returns}")
        return
    if limit < 1 or offset < 0:
        raise InputError("--limit must be at least 1 and --offset at least 0")
    values = {}
    for item in params:
        if "=" not in item:
            raise InputError(f"--param needs KEY=VALUE, got {item!r}")
        key, _, value = item.partition("=")
        values[key.strip().lstrip("?")] = value
    kg = _kg(corpus_path, endpoint)
    table = kg.run_named(
        query, values, limit=None if all_rows else limit, offset=offset, total=count, with_context=True
    )
    print_rows(table.rows, table.columns, fmt)
    if table.rows or offset:
        where = f"rows {offset + 1:,}-{offset + len(table.rows):,}" if table.rows else f"no rows after {offset:,}"
        of = f" of {table.total:,}" if table.total is not None else ""
        nxt = f"; next page: --offset {offset + len(table.rows)}, every row: --all" if table.more else ""
        if count or table.more or offset:
            click.echo(f"{where}{of}{nxt}", err=True)
    elif count:
        click.echo("0 rows", err=True)


@main.command(name="explain")
@click.option("--source", required=True, help="Cell source (tissue), source-specific MSC class, cell type or therapy.")
@click.option(
    "--condition",
    required=True,
    help="Condition (CURIE, label or synonym); a phrase naming a stage ('bone-on-bone arthritis') also sets --stage.",
)
@click.option("--stage", help="Disease stage: keep steps claimed for this stage or for none, and show the denials.")
@click.option("--max-length", default=5, show_default=True, help="Most claim steps in a chain.")
@click.option("--max-chains", default=200, show_default=True, help="Keep the best this many chains (ranked first).")
@click.option("--limit", default=10, show_default=True, help="Chains to print in the text output.")
@click.option(
    "--no-generalise",
    is_flag=True,
    help="Use only claims about the source's own cells (no inheritance from MSCs in general).",
)
@click.option("--no-composed", is_flag=True, help="Leave out chains that no single document claims whole.")
@click.option("--donor", help="autologous or allogeneic: leave out steps claimed only for the other donor type.")
@click.option(
    "--strategy",
    type=click.Choice(["auto", "full", "bounded"]),
    default="auto",
    show_default=True,
    help="full: search every statement; bounded: fetch only the corridor to the condition (large graphs).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "table", "csv"]),
    default="text",
    show_default=True,
    help="text: the answer to read (summary, contested points, chains); json: the JSON contract (README); "
    "table/csv: one row per chain step.",
)
@corpus_option
@endpoint_option
@handle_errors
def explain_command(
    source,
    condition,
    stage,
    max_length,
    max_chains,
    limit,
    no_generalise,
    no_composed,
    donor,
    strategy,
    fmt,
    corpus_path,
    endpoint=None,
):
    """How is SOURCE claimed to affect CONDITION? What each document claims, the contested points,
    then every chain step by step with its assertions (claimed chains before composed ones)."""
    kg = _kg(corpus_path, endpoint)
    result = kg.explain(
        source,
        condition,
        stage=stage,
        max_length=max_length,
        max_chains=max_chains,
        generalise=not no_generalise,
        donor=donor,
        composed=not no_composed,
        strategy=strategy,
    )
    if fmt == "json":
        click.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    elif fmt in ("table", "csv"):
        table = result.to_table()
        print_rows(table.rows, table.columns, fmt)
    else:
        click.echo(result.text(limit=limit))
    _warn_drift(kg)


@main.command(name="contradictions")
@click.option("--within", is_flag=True, help="Only conflicts inside one document.")
@click.option("--between", is_flag=True, help="Only conflicts between documents.")
@click.option("--entity", help="Only conflicts with this term as subject or object on either side.")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True, help=FORMAT_HELP)
@corpus_option
@endpoint_option
@handle_errors
def contradictions_command(
    within: bool, between: bool, entity: str | None, fmt: str, corpus_path, endpoint=None
) -> None:
    """Where the documents disagree (or a document disagrees with itself): both sides, with their claims."""
    if within and between:
        raise InputError("--within and --between exclude each other; give one of them, or neither for both kinds")
    same = True if within else False if between else None
    table = _kg(corpus_path, endpoint).contradictions(same_document=same, entity=entity)
    print_rows(
        table.rows,
        ["left_text", "left_context", "left_claims", "right_text", "right_context", "right_claims", "same_document"]
        if fmt == "table"
        else table.columns,
        fmt,
    )


@main.command(name="viz")
@click.option("--source", help="Cell source: with --condition, the chains of the explanation highlighted.")
@click.option("--condition", help="Condition, with --source.")
@click.option("--document", help="Only the claims of this document.")
@click.option("--entity", help="Only the neighbourhood of this entity.")
@click.option(
    "--radius", default=1, show_default=True, type=click.IntRange(0, 10), help="Neighbourhood radius for --entity."
)
@click.option("--output", "-o", required=True, type=click.Path(dir_okay=False), help="The HTML file to write.")
@corpus_option
@handle_errors
def viz_command(source, condition, document, entity, radius, output, corpus_path):
    """Write an interactive, self-contained HTML graph (works with no network at all)."""
    chosen = [x for x in ((source or condition), document, entity) if x]
    if len(chosen) > 1:
        raise InputError("choose one view: --source/--condition, --document or --entity")
    check_output_file(output, "--output")
    if document:
        document = _registered(document, registered_documents())
    kg = _kg(corpus_path)
    view = kg.view(source=source, condition=condition, document=document, entity=entity, radius=radius)
    path = view.write(output)
    click.echo(f"wrote {path}: {view.node_count} nodes, {view.edge_count} edges")
    _warn_drift(kg)


def _export_help() -> str:
    lines = ["\b"]
    for spec in EXPORT_FORMATS.values():
        lines.append(f"  {spec.name:<8} {spec.description}; read by {spec.readers}")
    return "\n".join(lines)


@main.command(
    name="export",
    help=(
        "Write the graph for another tool: a network for Cytoscape, Gephi or NDEx, a KGX graph for "
        "Biolink pipelines, nanopublications, the claims table or one JSON-LD object per claim.\n\n"
        "Formats (--format):\n\n" + _export_help()
    ),
)
@click.option(
    "--format", "fmt", required=True, type=click.Choice(list(EXPORT_FORMATS)), help="The export format (see above)."
)
@click.option("--output", "-o", required=True, type=click.Path(), help="The file to write (a folder for kgx).")
@click.option(
    "--quotes", is_flag=True, help="Add the anchored text where the format has a place for it (needs the corpus)."
)
@corpus_option
@quiet_option
@handle_errors
def export_command(fmt: str, output: str, quotes: bool, corpus_path: str | None, quiet: bool) -> None:
    with Stages(quiet) as stages:
        stages("loading the graph (building it first when the claim files changed)")
        kg = load(corpus=corpus_path, progress=stages)
        stages(f"writing {fmt} ({EXPORT_FORMATS[fmt].description})")
        paths = kg.export(fmt, output, quotes=quotes)
    for path in paths:
        click.echo(f"wrote {path}", err=True)


@main.command(name="serve")
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="Address to bind (loopback unless told otherwise)."
)
@click.option("--port", default=7878, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--timeout",
    default=30.0,
    show_default=True,
    type=click.FloatRange(min=1, max=86400),
    help="Query timeout in seconds.",
)
@corpus_option
@handle_errors
def serve_command(host: str, port: int, timeout: float, corpus_path) -> None:
    """Serve the knowledge graph as a read-only SPARQL 1.1 endpoint (the Oxigraph server behind a guard
    that refuses SERVICE and updates and stops any query at --timeout plus a second)."""
    front = Front((host, port), timeout=timeout)  # the port is taken first: busy or invalid fails here
    try:
        location = prepare_store(corpus=_corpus(corpus_path))
        binary = oxigraph_binary()
    except BaseException:
        front.server_close()
        raise
    click.echo(f"SPARQL endpoint: {front.url}  (query page: {front.url[: -len('query')]})", err=True)
    serve(front, location, binary)


#: an example for every subcommand's --help (a test checks that each has one)
EXAMPLES: dict[str, list[str]] = {
    "locate": ['msc-graph locate 003 "allogeneic mesenchymal stem cells" --sentence'],
    "anchor": ["msc-graph anchor 003 120 245"],
    "sentences": ["msc-graph sentences 003", "msc-graph sentences 003 --format csv > sentences.csv"],
    "entities": ['msc-graph entities "cord"', "msc-graph entities --category CellType --format json"],
    "validate": ["msc-graph validate"],
    "coverage": ["msc-graph coverage", "msc-graph coverage --document 003 --format json"],
    "propose": ["msc-graph propose 005 --output draft.yaml", "msc-graph propose --evaluate --document 003"],
    "build": ["msc-graph build", "msc-graph build --output /tmp/msc-build --quiet"],
    "relations": ["msc-graph relations", "msc-graph relations --update docs/curation.md"],
    "check": ["msc-graph check", "msc-graph check --no-hermit --reference ../shared/reference"],
    "claims": [
        "msc-graph claims --object placenta --format csv > placenta.csv",
        "msc-graph claims --document 003 --modality hedged --quotes",
    ],
    "queries": ["msc-graph queries"],
    "query": [
        "msc-graph query factors-acting-on-target -p target=macrophage",
        'msc-graph query condition-outcomes -p condition="knee osteoarthritis" --format csv',
        "msc-graph query doses-routes-sizes --help-query",
    ],
    "explain": [
        'msc-graph explain --source "bone marrow" --condition "knee osteoarthritis"',
        'msc-graph explain --source "umbilical cord" --condition "multiple sclerosis" --no-composed --format json',
    ],
    "contradictions": ["msc-graph contradictions --between", "msc-graph contradictions --format json"],
    "viz": [
        'msc-graph viz --source "umbilical cord" --condition "multiple sclerosis" -o ms.html',
        "msc-graph viz --document 003 -o 003.html",
    ],
    "export": [
        "msc-graph export --format graphml --output msc-graph.graphml   # Cytoscape, Gephi",
        "msc-graph export --format kgx --output kgx/   # a folder: msc-graph_nodes.tsv, _edges.tsv, .jsonl",
        "msc-graph export --format nanopub --output claims.trig",
    ],
    "serve": ["msc-graph serve --port 7878 --timeout 30"],
}
for _name, _lines in EXAMPLES.items():
    _command = main.commands[_name]
    _command.help = (_command.help or "").rstrip() + "\n\n\b\nExamples:\n" + "\n".join(f"  {x}" for x in _lines)


if __name__ == "__main__":  # pragma: no cover
    main()
