"""Feedback and help: progress on stderr only for a person at a terminal, an example in every
subcommand's --help, each --format choice described, tables printed by a table library."""

from __future__ import annotations

import os
import pty
import subprocess
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from helpers import BIN, run_cli

from msc_graph.cli import EXAMPLES, main


@pytest.mark.parametrize("name", sorted(main.commands))
def test_every_subcommand_help_has_an_example_and_describes_each_format(name):
    result = CliRunner().invoke(main, [name, "--help"], terminal_width=200)
    assert result.exit_code == 0
    assert "Examples:" in result.output and f"msc-graph {name}" in result.output
    for param in main.commands[name].params:
        if isinstance(param, click.Option) and "--format" in param.opts and isinstance(param.type, click.Choice):
            assert all(f"{choice}" in (param.help or "") or name == "export" for choice in param.type.choices)
            if name == "export":
                assert all(f"  {choice} " in result.output for choice in param.type.choices)
    assert set(EXAMPLES) == set(main.commands)


def _in_a_terminal(args: list[str], cwd: Path) -> tuple[int, str]:
    """Run the console script with stdin, stdout and stderr on a pseudo-terminal; its output."""
    leader, follower = pty.openpty()
    process = subprocess.Popen([str(BIN), *args], stdin=follower, stdout=follower, stderr=follower, cwd=cwd)
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 4096)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    os.close(leader)
    return process.wait(timeout=300), b"".join(chunks).decode("utf-8", "replace")


def test_build_shows_its_stages_in_a_terminal_and_nothing_when_quiet_or_piped(tmp_path):
    code, shown = _in_a_terminal(["build", "--output", str(tmp_path / "a")], tmp_path)
    assert code == 0 and "done" in shown and "compiling them to RDF" in shown and "serialising" in shown
    code, quiet = _in_a_terminal(["build", "--output", str(tmp_path / "b"), "--quiet"], tmp_path)
    assert code == 0 and "done" not in quiet and "built" in quiet
    piped = run_cli(None, "build", "--output", str(tmp_path / "c"))
    assert piped.returncode == 0 and piped.stderr == ""


def test_tables_are_printed_by_tabulate():
    result = run_cli(None, "queries")
    header, rule = result.stdout.splitlines()[:2]
    assert header.split() == ["name", "params", "question"] and set(rule.replace(" ", "")) == {"-"}
