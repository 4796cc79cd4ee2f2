"""Run every notebook top to bottom and save it with its outputs, so the repository shows them.

    .venv/bin/python notebooks/execute.py              # all four
    .venv/bin/python notebooks/execute.py 02-explain   # one

Run it from the project's environment with the corpus present (``../shared/corpus`` or
``MSC_GRAPH_CORPUS``). Timings are not recorded, so a re-run changes only what the notebook shows;
``tests/test_notebooks.py`` checks the saved outputs (every code cell has one, no error, no local
path) and runs each notebook again from scratch.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

HERE = Path(__file__).resolve().parent


def execute(path: Path) -> nbformat.NotebookNode:
    """The notebook at ``path``, run in a fresh kernel from the notebooks folder."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb, timeout=600, kernel_name="python3", record_timing=False, resources={"metadata": {"path": str(HERE)}}
    )
    client.execute()
    return nb


def main(names: list[str]) -> int:
    paths = [HERE / f"{n.removesuffix('.ipynb')}.ipynb" for n in names] or sorted(HERE.glob("*.ipynb"))
    for path in paths:
        print(f"running {path.name} ...", file=sys.stderr)
        nbformat.write(execute(path), path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
