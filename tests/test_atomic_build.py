"""Whole-build atomicity: a build killed at any point, or racing with readers, never shows a mix of two
builds; stale staging folders are cleaned; a build whose inputs changed while it ran is not current."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest
import yaml
from helpers import BIN

from msc_graph import build as build_module
from msc_graph.build import OUTPUTS, build, build_is_current, clean_releases, ensure_built, open_release, publish
from msc_graph.corpus import Corpus


def _blobs(tag: str) -> dict[str, bytes]:
    """A small build: every output file, each holding the tag, with a manifest listing their hashes."""
    files = {name: f"{name} of build {tag}\n".encode() * 200 for name in OUTPUTS.values() if name != "manifest.json"}
    files["network.json"] = f'{{"tag": "{tag}"}}\n'.encode()
    manifest = {"tag": tag, "msc_graph": "test", "files": {n: hashlib.sha256(b).hexdigest() for n, b in files.items()}}
    return {**files, OUTPUTS["manifest"]: json.dumps(manifest).encode()}


def complete_build(out: Path) -> str:
    """The tag of the build published at ``out``, after checking that every file belongs to it."""
    release = open_release(out)
    try:
        manifest = json.loads((release.path / OUTPUTS["manifest"]).read_text())
        for name, digest in manifest["files"].items():
            data = (release.path / name).read_bytes()
            assert hashlib.sha256(data).hexdigest() == digest, f"{name} is not of build {manifest.get('tag')}"
        return manifest.get("tag") or manifest["inputs_sha256"]
    finally:
        release.close()


class _Crash:
    """Stands in for ``os`` and ``_write`` in the build module and kills the process (no cleanup runs,
    as with SIGKILL) at the n-th file-system step; a crash inside a write leaves half the file."""

    STEPS = {"rename", "replace", "symlink", "unlink", "rmdir", "fsync", "chmod", "mkdir"}

    def __init__(self, n: int):
        self.n, self.count = n, 0
        self.real_write = build_module._write

    def step(self) -> bool:
        self.count += 1
        return self.count == self.n

    def __getattr__(self, name: str):
        real = getattr(os, name)
        if name not in self.STEPS:
            return real

        def wrapped(*args, **kwargs):
            if self.step():
                os._exit(77)
            return real(*args, **kwargs)

        return wrapped

    def write(self, path: Path, data: bytes) -> None:
        if self.step():
            Path(path).write_bytes(data[: len(data) // 2])
            os._exit(77)
        self.real_write(path, data)


def _publish_in_child(out: Path, tag: str, crash_at: int | None) -> int:
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        try:
            if crash_at is not None:
                crash = _Crash(crash_at)
                build_module.os = crash  # type: ignore[assignment]
                build_module._write = crash.write  # type: ignore[assignment]
            publish(out, _blobs(tag))
        finally:
            os._exit(0)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


def test_a_build_killed_at_every_step_leaves_one_complete_build(tmp_path):
    out = tmp_path / "build"
    publish(out, _blobs("v0"))
    steps = 0
    while True:  # kill the second build at its 1st, 2nd, ... file-system step until it finishes
        steps += 1
        code = _publish_in_child(out, f"v{steps}", crash_at=steps)
        tag = complete_build(out)
        if code == 0:
            assert tag == f"v{steps}"
            break
        assert code == 77
        assert tag in ("v0", *(f"v{i}" for i in range(1, steps + 1))), tag  # killed after the swap: the new one
    assert steps > 12  # every write, fsync, rename and the link swap were a kill point
    # the killed builds left staging folders (some with half-written files); the next build removes them
    releases = build_module.releases_dir(out)
    assert any(p.name.startswith("staging-") for p in releases.iterdir())
    publish(out, _blobs("last"))
    clean_releases(out)
    left = sorted(p.name for p in releases.iterdir() if p.is_dir())
    assert not [n for n in left if n.startswith(("staging-", "trash-"))], left
    assert len(left) == 2  # the published build and the one before it
    assert complete_build(out) == "last"
    assert not list(tmp_path.glob(".build.link-*"))


def test_a_staging_folder_in_use_is_not_cleaned_and_a_pinned_release_is_not_removed(tmp_path):
    out = tmp_path / "build"
    publish(out, _blobs("a"))
    pinned = open_release(out)
    busy = Path(build_module.tempfile.mkdtemp(prefix="staging-", dir=build_module.releases_dir(out)))
    lock = build_module._try_lock(busy / ".lock")  # as a build that is still writing holds it
    for tag in ("b", "c", "d"):
        publish(out, _blobs(tag))
        clean_releases(out)
    assert busy.is_dir() and pinned.path.is_dir()
    assert (pinned.path / "network.json").read_text() == '{"tag": "a"}\n'  # still readable, still build a
    lock.close()
    pinned.close()
    clean_releases(out)
    assert not busy.exists() and not pinned.path.exists()
    assert complete_build(out) == "d"


def test_an_old_plain_build_folder_is_adopted_and_any_other_folder_refused(tmp_path):
    out = tmp_path / "build"
    out.mkdir()
    (out / "manifest.json").write_text('{"msc_graph": "0.0.1"}')
    publish(out, _blobs("new"))
    assert out.is_symlink() and complete_build(out) == "new"
    other = tmp_path / "documents"
    other.mkdir()
    (other / "thesis.txt").write_text("mine")
    from msc_graph.errors import InputError

    with pytest.raises(InputError, match="not a msc-graph build"):
        build(other)
    assert (other / "thesis.txt").read_text() == "mine"


def test_a_build_whose_inputs_change_while_it_runs_is_reported_and_not_current(project, monkeypatch):
    real = build_module.compile_graph

    def compile_then_edit(directory, *, corpus=None):
        result = real(directory, corpus=corpus)
        path = project.claim_file("f002_beta")  # a curator saves while the build runs
        data = yaml.safe_load(path.read_text())
        data["claims"][1]["paraphrase"] = "Edited while the build ran."
        path.write_text(yaml.safe_dump(data, sort_keys=False))
        return result

    monkeypatch.setattr(build_module, "compile_graph", compile_then_edit)
    result = build(project.build, ontology_directory=project.ontology, corpus=Corpus(project.corpus))
    assert result.changed == ("claims/f002_beta.yaml",)
    manifest = json.loads((project.build / "manifest.json").read_text())
    assert manifest["inputs_changed"] == ["claims/f002_beta.yaml"]
    assert not build_is_current(project.build, project.ontology)
    monkeypatch.setattr(build_module, "compile_graph", real)
    ensure_built(project.build, ontology_directory=project.ontology, corpus=Corpus(project.corpus))
    assert build_is_current(project.build, project.ontology)
    assert "Edited while the build ran." in (project.build / "msc-graph.nt").read_text()


@pytest.mark.slow
def test_cli_builds_killed_at_any_time_never_show_readers_a_mixed_build(project):
    """Real `msc-graph build` processes killed with SIGKILL at spread-out moments while a reader keeps
    opening the published build: every read is one complete build."""
    env = project.env()
    started = time.monotonic()
    subprocess.run([str(BIN), "build"], env=env, check=True, capture_output=True)
    duration = time.monotonic() - started
    failures: list[str] = []
    reads = 0
    stop = threading.Event()

    def reader() -> None:
        nonlocal reads
        while not stop.is_set():
            try:
                complete_build(project.build)
                reads += 1
            except Exception as err:  # noqa: BLE001 - every failure is recorded
                failures.append(repr(err))

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        for i, fraction in enumerate((0.3, 0.55, 0.75, 0.9, 0.97, 1.05)):
            path = project.claim_file("f002_beta")
            data = yaml.safe_load(path.read_text())
            data["claims"][1]["paraphrase"] = f"Joint inflammation is named as a driver of knee OA ({i})."
            path.write_text(yaml.safe_dump(data, sort_keys=False))
            proc = subprocess.Popen([str(BIN), "build"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            try:
                proc.wait(timeout=duration * fraction)
            except subprocess.TimeoutExpired:
                proc.send_signal(signal.SIGKILL)
                proc.wait()
    finally:
        stop.set()
        thread.join()
    assert not failures, failures[:3]
    assert reads > 0
    result = subprocess.run([str(BIN), "build"], env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    left = [p.name for p in build_module.releases_dir(project.build).iterdir() if p.is_dir()]
    assert not [n for n in left if n.startswith(("staging-", "trash-"))] and len(left) <= 2, left
