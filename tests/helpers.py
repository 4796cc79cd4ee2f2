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


#: the parameters the suite binds to each named query on the real graph (who-claims: see params_for)
PARAMS = {
    "entity-claims": {"entity": "macrophage"},
    "secreted-by": {"cell": "bone marrow"},
    "factors-acting-on-target": {"target": "macrophage"},
    "condition-outcomes": {"condition": "knee osteoarthritis"},
    "evidence-summary": {"condition": "osteoarthritis"},
    "subclasses": {"class": "mesenchymal stem cell"},
    "terms-of-category": {"category": "CellSource"},
    "who-claims": {"statement": None},
    "hedged-claims": {"document": "002"},
    "negated-claims": {"document": "004"},
    "doses-routes-sizes": {"document": "003"},
    "source-specific-claims": {"document": "001"},
    "commercial-only": {"subject": "mesenchymal stem cell"},
    "single-document": {"subject": "mesenchymal stem cell"},
    "claims": {
        "subject": "mesenchymal stem cell",
        "predicate": "produces",
        "object": "IL-10",
        "document": "003",
        "speaker": "medical-tourism-site",
        "modality": "asserted",
    },
}


def params_for(kg, name: str) -> dict:
    """The test parameters of a named query, with a real statement id for who-claims."""
    params = dict(PARAMS.get(name, {}))
    if name == "who-claims":
        params["statement"] = kg.claims()[0]["statement"]
    return params
