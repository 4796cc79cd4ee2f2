"""Issue 17's list of bad input, each through the real CLI: one line on stderr naming the file and line
and the claim (or the argument) and the way out, exit code 2, never a traceback, nothing written."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable

import pytest
import yaml
from fixture_project import Project, make_project
from helpers import run_cli

ALPHA = "f001_alpha"


def _text_edit(old: str, new: str, file: str = f"claims/{ALPHA}.yaml") -> Callable[[Project], None]:
    def edit(project: Project) -> None:
        path = project.ontology / file
        text = path.read_text(encoding="utf-8")
        assert old in text, old
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return edit


def _bytes_edit(old: bytes, new: bytes, where: str = "claim") -> Callable[[Project], None]:
    def edit(project: Project) -> None:
        path = project.claim_file(ALPHA) if where == "claim" else project.corpus / f"{ALPHA}.txt"
        data = path.read_bytes()
        assert old in data
        path.write_bytes(data.replace(old, new, 1))

    return edit


def _claim(index: int, **fields) -> Callable[[Project], None]:
    def edit(project: Project) -> None:
        data = yaml.safe_load(project.claim_file(ALPHA).read_text())
        data["claims"][index].update(fields)
        project.claim_file(ALPHA).write_text(yaml.safe_dump(data, sort_keys=False))

    return edit


def _duplicate(project: Project) -> None:
    data = yaml.safe_load(project.claim_file(ALPHA).read_text())
    copy = dict(data["claims"][0], id="t001-c009", paraphrase="The same claim again, reworded.")
    data["claims"].append(copy)
    project.claim_file(ALPHA).write_text(yaml.safe_dump(data, sort_keys=False))


def _bomb(project: Project) -> None:
    levels = "".join(f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]\n" for i in range(1, 10))
    nested = "  l0: &l0 [x, x, x, x, x, x, x, x, x]\n  " + levels.replace("\n", "\n  ").rstrip() + "\n"
    path = project.claim_file(ALPHA)
    text = path.read_text().replace(f"document: {ALPHA}\n", f"document: {ALPHA}\nunknown_entities:\n{nested}", 1)
    paraphrase = "paraphrase: Marrow-derived MSCs are said to secrete IL-10 in the joint."
    path.write_text(text.replace(paraphrase, "paraphrase: *l9", 1))


def _cycle(project: Project) -> None:
    path = project.ontology / "terms.ttl"
    text = path.read_text(encoding="utf-8")
    for term, other in (("msc:PlacentaMSC", "msc:PeripheralBloodMSC"), ("msc:PeripheralBloodMSC", "msc:PlacentaMSC")):
        head, rest = text.split(f"\n{term} a owl:Class ;", 1)
        block, tail = rest.split(" .\n", 1)
        text = f"{head}\n{term} a owl:Class ;{block} ;\n    rdfs:subClassOf {other} .\n{tail}"
    path.write_text(text, encoding="utf-8")


def _unregistered(project: Project) -> None:
    (project.corpus / "f003_gamma.txt").write_text("A document nobody registered.\n", encoding="utf-8")


def _conflicting_typo(project: Project) -> None:
    """A one-letter typo in document: of the file whose claim another file conflicts with."""
    _text_edit(f"document: {ALPHA}", "document: f001_alpho")(project)


CASES: dict[str, tuple[Callable[[Project], None] | None, tuple[str, ...], str, str | None]] = {
    # name: (edit, command, expected in the line, file:line expected in the line)
    "parties as a list": (
        _text_edit("parties:\n  publisher:\n    label: Alpha Clinic\n    kind: publisher", "parties:\n- publisher"),
        ("build",),
        "parties must be a mapping",
        f"{ALPHA}.yaml:2",
    ),
    "conflicts_with: 42": (
        _claim(0, conflicts_with=42),
        ("build",),
        "conflicts_with must be a claim id",
        f"{ALPHA}.yaml:",
    ),
    "anchor start: true (validate)": (
        _claim(1, anchor={"start": True, "end": 90, "sha256": "a" * 64}),
        ("validate",),
        "offsets must be whole numbers",
        f"{ALPHA}.yaml:",
    ),
    "anchor start: true (build)": (
        _claim(1, anchor={"start": True, "end": 90, "sha256": "a" * 64}),
        ("build",),
        "offsets must be whole numbers",
        f"{ALPHA}.yaml:",
    ),
    "byte 0xff in a claim file": (
        _bytes_edit(b"Marrow-derived", b"Marrow\xffderived"),
        ("build",),
        "not UTF-8: byte 0xff",
        f"{ALPHA}.yaml:",
    ),
    "byte 0xff in a corpus file": (
        _bytes_edit(b"Home", b"Ho\xffme", "corpus"),
        ("build",),
        "not UTF-8: byte 0xff",
        f"{ALPHA}.txt:2",
    ),
    "raw control character in a claim file": (
        _bytes_edit(b"Marrow-derived", b"Marrow\x01derived"),
        ("build",),
        "U+0001 (a control character) is not allowed",
        f"{ALPHA}.yaml:",
    ),
    "escaped control character in a claim file": (
        _claim(0, paraphrase="Marrow\x07derived"),
        ("build",),
        "U+0007 (a control character) cannot be stored",
        f"{ALPHA}.yaml:",
    ),
    "lone surrogate in a paraphrase (validate)": (
        _text_edit(
            "paraphrase: Marrow-derived MSCs are said", 'paraphrase: "Marrow-derived \\ud800 MSCs"\n  note: said'
        ),
        ("validate",),
        "U+D800 (a lone surrogate",
        f"{ALPHA}.yaml:",
    ),
    "lone surrogate in a paraphrase (build)": (
        _text_edit(
            "paraphrase: Marrow-derived MSCs are said", 'paraphrase: "Marrow-derived \\ud800 MSCs"\n  note: said'
        ),
        ("build",),
        "U+D800 (a lone surrogate",
        f"{ALPHA}.yaml:",
    ),
    "U+2028 in a paraphrase": (
        _claim(0, paraphrase="Marrow-derived\u2028MSCs secrete IL-10."),
        ("build",),
        "paraphrase must be one line (it holds the character U+2028",
        f"{ALPHA}.yaml:",
    ),
    "YAML alias bomb": (_bomb, ("build",), "aliases here expand to more than 1,000,000 nodes", f"{ALPHA}.yaml:"),
    "build --output below a file": (
        None,
        ("build", "--output", "/etc/hostname/build"),
        "/etc/hostname is a file",
        None,
    ),
    "build --output unwritable": (None, ("build", "--output", "/proc/msc-graph/build"), "cannot write in /proc", None),
    "viz -o below a file": (None, ("viz", "-o", "/etc/hostname/x.html"), "/etc/hostname is a file", None),
    "viz -o unwritable": (None, ("viz", "-o", "/proc/msc-graph/x.html"), "cannot write in /proc", None),
    "claims --endpoint not-a-url": (None, ("claims", "--endpoint", "not-a-url"), "is not an http(s) URL", None),
    "validate --corpus /no/such/dir": (
        None,
        ("validate", "--corpus", "/no/such/dir"),
        "/no/such/dir: no such folder",
        None,
    ),
    "verbatim duplicate under a new id": (
        _duplicate,
        ("build",),
        "claim t001-c009: repeats claim t001-c001",
        f"{ALPHA}.yaml:",
    ),
    "cyclic subclass among project terms (build)": (_cycle, ("build",), "subclass cycle msc:", "terms.ttl:"),
    "cyclic subclass among project terms (check)": (_cycle, ("check",), "subclass cycle msc:", "terms.ttl:"),
    "conflicts_with itself": (
        _claim(0, conflicts_with="t001-c001"),
        ("build",),
        "conflicts_with names the claim itself",
        f"{ALPHA}.yaml:",
    ),
    "registry file outside the corpus": (
        _text_edit(f"file: {ALPHA}.txt", "file: ../../../../etc/passwd", "documents.yaml"),
        ("check", "--no-hermit"),
        "must be the document's own file",
        "documents.yaml:",
    ),
    "viz --radius -3": (
        None,
        ("viz", "--entity", "IL-10", "--radius", "-3", "-o", "{tmp}/x.html"),
        "-3 is not in the range",
        None,
    ),
    "claims --quotes --corpus /nope": (
        None,
        ("claims", "--quotes", "--corpus", "/nope"),
        "/nope: no such folder",
        None,
    ),
    "contradictions --within --between": (
        None,
        ("contradictions", "--within", "--between"),
        "exclude each other",
        None,
    ),
    "coverage --document not registered": (
        _unregistered,
        ("coverage", "--document", "f003"),
        "--document f003: not a document of the registry",
        None,
    ),
    "claims --document not registered": (
        _unregistered,
        ("claims", "--document", "f003"),
        "--document f003: not a document of the registry",
        None,
    ),
    "viz --document not registered": (
        _unregistered,
        ("viz", "--document", "f003", "-o", "{tmp}/x.html"),
        "--document f003: not a document of the registry",
        None,
    ),
    "propose --evaluate --document not registered": (
        _unregistered,
        ("propose", "--evaluate", "--document", "f003"),
        "--document f003: not a document of the registry",
        None,
    ),
    "Turtle syntax error": (
        _text_edit('rdfs:label "interleukin-10" ;', 'rdfs:label "interleukin-10" ;;; oops"', "terms.ttl"),
        ("build",),
        "cannot parse Turtle: expected '.'",
        "terms.ttl:",
    ),
    "typo in document:": (
        _conflicting_typo,
        ("build",),
        "unknown document 'f001_alpho'; did you mean 'f001_alpha'?",
        f"{ALPHA}.yaml:1",
    ),
    "entities zzzzqqq": (None, ("entities", "zzzzqqq"), "no term matches 'zzzzqqq'", None),
    "serve --port 99999": (None, ("serve", "--port", "99999"), "99999 is not in the range", None),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_is_one_line_exit_2_and_nothing_written(tmp_path, case):
    edit, command, expected, where = CASES[case]
    project = make_project(tmp_path)
    if edit is not None:
        edit(project)
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    started = time.monotonic()
    result = run_cli(project, *(arg.replace("{tmp}", str(tmp_path)) for arg in command))
    elapsed = time.monotonic() - started
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2, result.stderr
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("msc-graph") and "Traceback" not in result.stderr
    assert expected in lines[0], lines[0]
    if where:
        assert where in lines[0], lines[0]
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before  # nothing written
    assert elapsed < 30, elapsed  # refused before the work (an alias bomb ran out of memory after 30-50 s)


def test_a_busy_port_is_refused_before_the_url_is_printed(project):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        result = run_cli(project, "serve", "--port", str(taken.getsockname()[1]))
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert "address already in use" in result.stderr and "SPARQL endpoint" not in result.stderr


def test_line_separators_in_notes_and_synonyms_make_a_valid_build(tmp_path):
    """U+2028 and U+0085 inside literals are kept: the N-Triples are split on \\n only."""
    import pyoxigraph as ox

    project = make_project(tmp_path)
    _claim(0, note="first part\u2028second part, and a next-line\u0085character")(project)
    _text_edit('skos:altLabel "IL-10", ', 'skos:altLabel "IL-10", "IL\u008510", ', "terms.ttl")(project)
    result = run_cli(project, "build")
    assert result.returncode == 0, result.stderr
    store = ox.Store()
    store.bulk_load(path=str(project.build / "msc-graph.nt"), format=ox.RdfFormat.N_TRIPLES)
    values = {
        str(q.object.value) for q in store.quads_for_pattern(None, None, None) if isinstance(q.object, ox.Literal)
    }
    assert "first part\u2028second part, and a next-line\u0085character" in values and "IL\u008510" in values
