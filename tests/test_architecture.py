"""The package's shape: layers that only look down, no import loop, no function-level import of
the package's own modules, and a light ``import msc_graph``.

Every import counts, including those inside functions (the same walk as
``../shared/tools/import_loops.py``, kept here so the suite needs nothing outside the repository).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import msc_graph

PACKAGE = Path(msc_graph.__file__).resolve().parent
#: the README's architecture section, top to bottom: a module imports only from its own row or rows above
LAYERS = [
    ["namespaces", "model", "errors", "project", "results"],
    ["ontology", "corpus", "reference", "summaries", "synthetic"],
    ["curation"],
    ["compile", "projection", "io", "build", "check", "propose"],
    ["sparql"],
    ["explain"],
    ["render", "serve"],
    ["graph", "workspace", "cli", "__main__"],
]


def _modules() -> dict[str, Path]:
    mods = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        mods[".".join(parts)] = path
    return mods


MODULES = _modules()


def _imports(module: str, path: Path) -> list[tuple[ast.AST, str, bool]]:
    """(node, imported module of the package, at top level) for every import in a module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top = {id(node) for node in tree.body}
    for node in tree.body:  # `if TYPE_CHECKING:` blocks at top level count as top level
        if isinstance(node, ast.If):
            top |= {id(n) for n in ast.walk(node)}
    is_pkg = path.name == "__init__.py"
    out = []
    for node in ast.walk(tree):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".") if is_pkg else module.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)]
                stem = ".".join(base + ([node.module] if node.module else []))
            else:
                stem = node.module or ""
            targets = [stem] + [f"{stem}.{a.name}" for a in node.names]
        for target in targets:
            while target and target not in MODULES:
                target = target.rpartition(".")[0]
            if target and target != module and not module.startswith(target + "."):
                out.append((node, target, id(node) in top))
    return out


EDGES = {m: {t for _, t, _ in _imports(m, p)} for m, p in MODULES.items()}


def _loops(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    loops: list[list[str]] = []

    def strong(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                loops.append(sorted(comp))

    for v in sorted(edges):
        if v not in index:
            strong(v)
    return loops


def test_the_walk_sees_the_whole_package():
    assert len(MODULES) > 40 and sum(len(t) for t in EDGES.values()) > 100
    assert _loops({"a": {"b"}, "b": {"a"}, "c": set()}) == [["a", "b"]]  # the check can fail


def test_no_import_loop():
    assert _loops(EDGES) == []


def _layer(module: str) -> int:
    if module == "msc_graph":
        return len(LAYERS)  # the package's __init__ re-exports the public API: above everything
    name = module.split(".")[1]
    for i, row in enumerate(LAYERS):
        if name in row:
            return i
    raise AssertionError(f"{module} is in no layer of LAYERS (and of the README's architecture section)")


@pytest.mark.parametrize("module", sorted(MODULES))
def test_layers_only_look_down(module):
    mine = _layer(module)
    upward = sorted(t for t in EDGES[module] if _layer(t) > mine)
    assert not upward, f"{module} (layer {mine}) imports from later layers: {upward}"


def test_no_function_level_import_of_the_package_s_own_modules():
    late = [
        f"{path.relative_to(PACKAGE.parent)}:{node.lineno} imports {target}"
        for module, path in MODULES.items()
        for node, target, top in _imports(module, path)
        if not top
    ]
    assert late == []


def test_import_msc_graph_stays_light():
    heavy = ["rdflib", "networkx", "pyoxigraph", "pyvis", "pandas", "spacy", "owlready2", "pyshacl"]
    code = f"import sys, msc_graph, msc_graph.cli; print(' '.join(m for m in {heavy!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == ""


def test_a_cold_explanation_from_the_build_does_not_import_networkx(tmp_path):
    """The cold-start figure rests on this: ``msc-graph explain`` walks the build's cached statements
    as a plain graph; NetworkX (about 0.1 s to import) is loaded only for export and the page."""
    msc_graph.load()  # build first if needed (in this process)
    code = (
        "import sys, msc_graph; kg = msc_graph.load(); r = kg.explain('bone marrow', 'knee osteoarthritis'); "
        "print(len(r.chains), 'networkx' in sys.modules, 'pyoxigraph' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert int(out[0]) > 0 and out[1:] == ["False", "False"]
