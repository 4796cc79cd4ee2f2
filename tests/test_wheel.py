"""The package as a user installs it: a wheel, in a fresh venv, run from an unrelated folder.

The wheel is built without network (``--no-build-isolation``: hatchling is in the test extra)
and installed without its dependencies into a new venv; a ``.pth`` file lends it this
environment's site-packages for the dependencies, so the test is offline and fast while the
package itself comes only from the wheel (the editable install's finder is not loaded there).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"


def _run(cmd: list[str], **kwargs) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL, **kwargs)


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    base = tmp_path_factory.mktemp("wheel")
    dist = base / "dist"
    built = _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(dist), str(ROOT)]
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = dist.glob("msc_graph-*.whl")
    venv = base / "venv"
    made = _run([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    assert made.returncode == 0, made.stderr
    python = venv / "bin" / "python"
    site = Path(_run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).stdout.strip())
    (site / "zz-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    added = _run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps", "--no-index", str(wheel)]
    )
    assert added.returncode == 0, added.stderr
    elsewhere = base / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MSC_GRAPH_")}
    env.update(HOME=str(base / "home"), XDG_CACHE_HOME=str(base / "cache"), PATH=f"{venv / 'bin'}:{env['PATH']}")
    if CORPUS.is_dir():
        env["MSC_GRAPH_CORPUS"] = str(CORPUS)
    return {"venv": venv, "site": site, "env": env, "cwd": elsewhere, "cache": base / "cache"}


def _cli(installed, *args: str) -> subprocess.CompletedProcess[str]:
    return _run([str(installed["venv"] / "bin" / "msc-graph"), *args], env=installed["env"], cwd=installed["cwd"])


def _files(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if "__pycache__" not in p.parts}


def test_the_package_comes_from_the_wheel_with_its_data(installed):
    code = "import msc_graph, msc_graph.project as p; print(msc_graph.__file__); print(p.project_root())"
    out = _run([str(installed["venv"] / "bin" / "python"), "-c", code], env=installed["env"], cwd=installed["cwd"])
    module, root = out.stdout.split()
    assert Path(module).is_relative_to(installed["site"]), module
    assert Path(root) == installed["site"] / "msc_graph" / "data"
    for name in ("ontology/msc.ttl", "ontology/documents.yaml", "queries/claims.rq"):
        assert (Path(root) / name).is_file(), name
    assert (installed["site"] / "msc_graph" / "render" / "page.html").is_file()
    assert (installed["site"] / "msc_graph" / "sparql" / "queries" / "projection.rq").is_file()


def test_the_commands_work_from_another_folder_and_write_only_to_the_cache(installed, tmp_path):
    package = installed["site"] / "msc_graph"
    before = _files(package)

    built = _cli(installed, "build")
    assert built.returncode == 0, built.stderr
    cache_build = installed["cache"] / "msc-graph"
    assert str(cache_build) in built.stdout and "statements" in built.stdout
    (manifest,) = cache_build.glob("*/build/manifest.json")
    assert json.loads(manifest.read_text())["statements"] > 100

    out = tmp_path / "out"
    assert _cli(installed, "build", "--output", str(out)).returncode == 0
    assert (out / "msc-graph.ttl").stat().st_size > 10_000

    entities = _cli(installed, "entities", "cord", "--format", "json")
    assert entities.returncode == 0, entities.stderr
    assert "UBERON:0002331" in {row["curie"] for row in json.loads(entities.stdout)}

    explained = _cli(
        installed, "explain", "--source", "bone marrow", "--condition", "knee osteoarthritis", "--format", "json"
    )
    assert explained.returncode == 0, explained.stderr
    assert json.loads(explained.stdout)["chains"]

    listed = _cli(installed, "queries", "--format", "json")
    assert listed.returncode == 0, listed.stderr
    assert {"claims", "conflicts", "who-claims"} <= {q["name"] for q in json.loads(listed.stdout)}
    rows = _cli(installed, "query", "factors-acting-on-target", "-p", "target=macrophage", "--format", "json")
    assert rows.returncode == 0 and json.loads(rows.stdout), rows.stderr

    page = tmp_path / "view.html"
    viz = _cli(installed, "viz", "--source", "bone marrow", "--condition", "knee osteoarthritis", "-o", str(page))
    assert viz.returncode == 0, viz.stderr
    assert "vis.Network" in page.read_text(encoding="utf-8")

    assert _files(package) == before  # nothing written into site-packages


def test_serve_answers_sparql_from_the_wheel(installed):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [str(installed["venv"] / "bin" / "msc-graph"), "serve", "--port", str(port)],
        env=installed["env"],
        cwd=installed["cwd"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
    )
    try:
        query = urllib.parse.urlencode(
            {"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/msc-graph/Statement> }"}
        )
        deadline = time.monotonic() + 300
        while True:
            try:
                request = urllib.request.Request(
                    f"http://127.0.0.1:{port}/query?{query}", headers={"Accept": "application/sparql-results+json"}
                )
                with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - loopback
                    data = json.loads(response.read())
                break
            except OSError:
                assert server.poll() is None, server.stderr.read().decode() if server.stderr else ""
                assert time.monotonic() < deadline, "the server did not answer"
                time.sleep(0.5)
        assert int(data["results"]["bindings"][0]["n"]["value"]) > 100
        assert list((installed["cache"] / "msc-graph").glob("*/build/oxigraph"))
    finally:
        server.terminate()
        server.wait(timeout=30)
