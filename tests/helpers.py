from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from fixture_project import Project

BIN = Path(sys.executable).parent / "msc-graph"


def run_cli(project: Project | None, *args: str, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    """Run the real console script as a user would."""
    env = project.env() if project else None
    return subprocess.run(
        [str(BIN), *args], capture_output=True, text=True, env=env, timeout=timeout, stdin=subprocess.DEVNULL
    )
