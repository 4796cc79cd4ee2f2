"""The notebooks: committed WITH their outputs (so the repository shows them), those outputs clean and
up to date enough, and every notebook still runs top to bottom from scratch.

Re-run them with ``.venv/bin/python notebooks/execute.py`` after changing a notebook or what it shows.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
CORPUS = ROOT.parent / "shared" / "corpus"
#: no output may repeat this many consecutive characters of a document: longer than any anchored
#: quote the library prints (the longest anchor is 328 characters)
LONGEST_QUOTE = 400
#: local folders an output must not name
LOCAL_PATH = re.compile(r"(/tmp/|/home/|/root/|/work/|/Users/|[A-Z]:\\\\)")


def _texts(cell) -> list[str]:
    """The text a code cell's outputs show (stream text, plain and unescaped HTML, tracebacks)."""
    texts = []
    for out in cell.outputs:
        if out.output_type == "stream":
            texts.append(out.text)
        elif out.output_type == "error":
            texts.append("\n".join(out.traceback))
        else:
            for mime, value in out.get("data", {}).items():
                if mime.startswith("text/"):
                    texts.append(html.unescape(value) if mime == "text/html" else value)
    return texts


def _code_cells(path: Path):
    return [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]


def test_the_four_notebooks_exist():
    assert [p.stem for p in NOTEBOOKS] == ["01-tour", "02-explain", "03-evidence-audit", "04-extend"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_committed_notebook_carries_its_outputs(path):
    """One clean run, top to bottom: every code cell executed in order and showing something, no error,
    and at least one figure."""
    cells = _code_cells(path)
    assert [c.execution_count for c in cells] == list(range(1, len(cells) + 1)), (
        f"{path.name}: run it top to bottom with notebooks/execute.py before committing"
    )
    for i, cell in enumerate(cells, 1):
        assert cell.outputs, f"{path.name}: code cell {i} shows nothing"
        assert all(o.output_type != "error" for o in cell.outputs), f"{path.name}: code cell {i} failed"
    images = [o for c in cells for o in c.outputs if "image/png" in o.get("data", {})]
    assert images, f"{path.name}: no figure"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_committed_outputs_name_no_local_path(path):
    for i, cell in enumerate(_code_cells(path), 1):
        for text in _texts(cell):
            found = LOCAL_PATH.search(text)
            assert found is None, (
                f"{path.name}: code cell {i} shows a local path: {text[max(found.start() - 40, 0) :][:120]!r}"
            )
            assert str(ROOT) not in text


@pytest.mark.skipif(not CORPUS.is_dir(), reason="needs ../shared/corpus")
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_committed_outputs_quote_no_more_than_the_library_does(path):
    """Third-party text appears only as the short anchored quotes the library prints."""
    shown = "\n".join(t for cell in _code_cells(path) for t in _texts(cell))
    for document in sorted(CORPUS.glob("*.txt")):
        text = document.read_text(encoding="utf-8")
        for start in range(0, max(len(text) - LONGEST_QUOTE, 0) + 1, 20):
            window = text[start : start + LONGEST_QUOTE]
            assert window not in shown, f"{path.name} repeats {document.name} at {start}"


@pytest.mark.slow
@pytest.mark.skipif(not CORPUS.is_dir(), reason="needs ../shared/corpus")
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_top_to_bottom(path):
    """From scratch, in a fresh kernel: no error, and each cell shows the same kinds of output as the
    committed copy (a figure where the committed copy has a figure, a table where it has a table), so
    the committed outputs are not stale in shape."""
    from nbclient import NotebookClient

    committed = _code_cells(path)
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    fresh = [c for c in nb.cells if c.cell_type == "code"]
    errors = [o for c in fresh for o in c.outputs if o.output_type == "error"]
    assert errors == []

    def kinds(cell) -> set[str]:
        return {o.output_type + ":" + ",".join(sorted(o.get("data", {}))) for o in cell.outputs}

    for i, (old, new) in enumerate(zip(committed, fresh, strict=True), 1):
        assert kinds(old) == kinds(new), (
            f"{path.name}: code cell {i} now shows {kinds(new)}; re-run notebooks/execute.py"
        )
