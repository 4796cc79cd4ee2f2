"""Property: whatever is done to the curated files, the term files, the registry or the corpus, `msc-graph
build` ends in exit 0 with a valid build, or exit 2 with one line; never a traceback, never a changed
build.

The mutations are what a careless or hostile editor produces: values of the wrong type, text with
control characters, line separators, lone surrogates or bytes that are not UTF-8, YAML aliases and
anchors (up to alias bombs), oversized files, broken Turtle, edited corpus text. A bounded number of
examples runs in the suite; ``MSC_GRAPH_FUZZ_EXAMPLES=500 pytest tests/test_fuzz.py`` runs a longer
search.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from fixture_project import make_project
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from msc_graph.build import OUTPUTS, build, inputs_hash
from msc_graph.cli import main
from msc_graph.corpus import Corpus

EXAMPLES = int(os.environ.get("MSC_GRAPH_FUZZ_EXAMPLES", "30"))

#: characters that have broken something before, and their neighbours
NASTY = [
    "\x00", "\x01", "\x07", "\x0b", "\x0c", "\x1c", "\x1f", "\x7f", "\x85", "\u2028", "\u2029", "\ud800", "\udfff",
    "\ufeff", "\ufffe", "\uffff", "\r", "\n", "\t", '"', "'", "\\", "<", "&", "__DATA__", "__VIS__", ": ", "- ", "#",
    "*a", "&a", "!!python/object:os.system", "{", "}", "[", "]", "é", "😀", "\U0010ffff",
]  # fmt: skip
text = st.lists(st.one_of(st.sampled_from(NASTY), st.text(max_size=8)), max_size=6).map("".join)
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70), st.floats(allow_nan=True), text
)
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(text, inner, max_size=3),
                      max_leaves=6)  # fmt: skip
raw_bytes = st.binary(max_size=8) | st.sampled_from(
    [b"\xff", b"\xfe\xff", b"\xc3", b"\xed\xa0\x80", b"\x00", b"\r\n", b"\xe2\x80\xa8", b"\xef\xbb\xbf"]
)


@pytest.fixture(scope="module")
def base() -> Path:
    """The fixture project, built once; every example starts from a copy of it."""
    folder = Path(tempfile.mkdtemp(prefix="msc-graph-fuzz-"))
    project = make_project(folder)
    build(project.build, ontology_directory=project.ontology, corpus=Corpus(project.corpus))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def _yaml_paths(data, prefix=()):
    """Every (path, value) in a loaded YAML document."""
    yield prefix, data
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _yaml_paths(value, (*prefix, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _yaml_paths(value, (*prefix, i))


def _set(data, path, value):
    if not path:
        return value
    node = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return data


@st.composite
def mutations(draw):
    """(description, function that edits a copy of the project)."""
    target = draw(st.sampled_from(["claims/f001_alpha.yaml", "claims/f002_beta.yaml", "documents.yaml", "terms.ttl",
                                   "corpus"]))  # fmt: skip
    kind = draw(st.sampled_from(["value", "bytes", "alias", "size", "delete-key"]))
    if target == "terms.ttl" or target == "corpus":
        kind = draw(st.sampled_from(["bytes", "text", "size"]))
    position = draw(st.floats(min_value=0, max_value=1))
    payload_bytes = draw(raw_bytes)
    payload_text = draw(text)
    value = draw(values)
    pick = draw(st.integers(min_value=0, max_value=10_000))
    depth = draw(st.integers(min_value=1, max_value=12))
    allow_unicode = draw(st.booleans())

    def edit(root: Path, corpus: Path) -> None:
        path = corpus / "f001_alpha.txt" if target == "corpus" else root / "ontology" / target
        data_bytes = path.read_bytes()
        at = int(len(data_bytes) * position)
        if kind == "bytes":
            path.write_bytes(data_bytes[:at] + payload_bytes + data_bytes[at:])
        elif kind == "text":
            text_ = data_bytes.decode("utf-8")
            at = int(len(text_) * position)
            if target == "terms.ttl":  # inside a literal, as an escape or raw
                quote = text_.find('"', at)
                at = quote + 1 if quote >= 0 else at
                insert = payload_text.encode("unicode_escape").decode("ascii") if pick % 2 else payload_text
            else:
                insert = payload_text
            path.write_bytes((text_[:at] + insert + text_[at:]).encode("utf-8", "surrogatepass"))
        elif kind == "size":
            path.write_bytes(data_bytes + b"#" + b"x" * (9 * 2**20 if pick % 3 == 0 else 200_000) + b"\n")
        elif kind == "alias":
            levels = "".join(f"  a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]\n" for i in range(1, depth))
            head = "unknown_entities:\n  a0: &a0 [x, x, x, x, x, x, x, x, x]\n" + levels
            body = data_bytes.decode("utf-8")
            body = body.replace("paraphrase: ", f"paraphrase: *a{depth - 1}\n  note: ", 1)
            path.write_text(head + body if target != "documents.yaml" else body + head.replace("unknown_entities", "x"))
        else:
            data = yaml.safe_load(data_bytes)
            paths = [p for p, _ in _yaml_paths(data) if p]
            chosen = paths[pick % len(paths)]
            if kind == "delete-key":
                parent = data
                for key in chosen[:-1]:
                    parent = parent[key]
                del parent[chosen[-1]]
            else:
                data = _set(data, chosen, value)
            path.write_text(yaml.safe_dump(data, allow_unicode=allow_unicode, sort_keys=False), encoding="utf-8",
                            errors="surrogatepass")  # fmt: skip

    return f"{kind} in {target}", edit


def _published(build_dir: Path) -> tuple[str, dict[str, str]]:
    """The published release and its files' hashes, checked against its manifest."""
    release = build_dir.resolve()
    manifest = json.loads((release / OUTPUTS["manifest"]).read_text())
    files = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in release.iterdir() if p.is_file()}
    for name, digest in manifest["files"].items():
        assert files[name] == digest, f"{name} does not match the manifest"
    return str(release), files


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
)
@given(mutation=mutations())
def test_a_mutated_project_builds_or_fails_in_one_line_and_never_changes_the_build(base, mutation):
    import pyoxigraph as ox

    description, edit = mutation
    with tempfile.TemporaryDirectory(prefix="msc-graph-fuzz-case-") as scratch:
        copy = Path(scratch) / "case"
        shutil.copytree(base, copy, symlinks=True)
        root, corpus, build_dir = copy / "project", copy / "corpus", copy / "build"
        before = _published(build_dir)
        edit(root, corpus)
        env = {"MSC_GRAPH_ROOT": str(root), "MSC_GRAPH_CORPUS": str(corpus), "MSC_GRAPH_BUILD": str(build_dir)}
        result = CliRunner().invoke(main, ["build"], env=env, catch_exceptions=True)
        stderr = result.stderr
        event(f"{description}: exit {result.exit_code}")
        assert "Traceback" not in stderr and result.exception is None or isinstance(result.exception, SystemExit), (
            description,
            stderr,
            repr(result.exception),
        )
        if result.exit_code == 0:
            release, files = _published(build_dir)
            manifest = json.loads((Path(release) / OUTPUTS["manifest"]).read_text())
            assert manifest["inputs_sha256"] == inputs_hash(root / "ontology")
            store = ox.Store()
            store.bulk_load(path=str(Path(release) / OUTPUTS["nt"]), format=ox.RdfFormat.N_TRIPLES)
            assert len(store) == manifest["triples"]
        else:
            lines = stderr.strip().splitlines()
            assert result.exit_code == 2, (description, result.exit_code, stderr)
            assert len(lines) == 1 and lines[0].startswith("msc-graph: "), (description, stderr)
            assert _published(build_dir) == before, description  # the build is untouched
