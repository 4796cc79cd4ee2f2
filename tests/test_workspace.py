"""Library pieces the notebooks use: Workspace, explain_matrix, query_catalogue."""

from __future__ import annotations

import pytest

from msc_graph.errors import AnchorError, CurationError
from msc_graph.workspace import Workspace

TEXT = "Placental cells release interleukin 10. Interleukin 10 may ease multiple sclerosis.\n"


@pytest.fixture
def workspace(project, tmp_path, monkeypatch):
    monkeypatch.setenv("MSC_GRAPH_ROOT", str(project.root))
    return Workspace.create(tmp_path / "ws", corpus=project.corpus)


def _claims(ws, object_="IL-10"):
    first = ws.anchor("900_example", "Placental cells release interleukin 10.")
    second = ws.anchor("900_example", "Interleukin 10 may ease multiple sclerosis.")
    ws.write_claims(
        "900_example",
        parties={"publisher": {"label": "example", "kind": "publisher"}},
        claims=[
            {
                "id": "d900-c001",
                "subject": "mesenchymal stem cell of the placenta",
                "predicate": "produces",
                "object": object_,
                "modality": "asserted",
                "party": "publisher",
                "evidence": "ECO:0000204",
                "anchor": first,
                "paraphrase": "Placental MSCs are said to secrete IL-10.",
            },
            {
                "id": "d900-c002",
                "subject": "IL-10",
                "predicate": "ameliorates",
                "object": "multiple sclerosis",
                "modality": "hedged",
                "cue": "may",
                "party": "publisher",
                "evidence": "ECO:0000204",
                "anchor": second,
                "paraphrase": "IL-10 is suggested to ease MS.",
            },
        ],
    )


def test_adding_a_document_changes_the_answer(workspace, project):
    before = workspace.load().explain("placenta", "multiple sclerosis", generalise=False)
    assert not before.found
    workspace.add_document("900_example", TEXT, title="Example", publisher="tests")
    _claims(workspace)
    assert workspace.build().assertions == 7  # 5 fixture claims + 2
    assert workspace.check().ok
    after = workspace.load().explain("placenta", "multiple sclerosis", generalise=False)
    assert after.found and after.chains[0].steps[-1].object == "MONDO:0005301"
    # the real project is untouched
    assert not (project.ontology / "claims" / "900_example.yaml").exists()


def test_workspace_errors(workspace):
    workspace.add_document("900_example", TEXT, title="Example", publisher="tests")
    with pytest.raises(AnchorError):
        workspace.anchor("900_example", "not in the text")
    _claims(workspace, object_="interleukin 1O")
    with pytest.raises(CurationError, match="did you mean 'interleukin-10'"):
        workspace.build()


def test_explain_matrix_and_query_catalogue(project, monkeypatch):
    import msc_graph

    monkeypatch.setenv("MSC_GRAPH_ROOT", str(project.root))
    kg = msc_graph.load(build_dir=project.build, corpus=project.corpus)
    table = kg.explain_matrix(["bone marrow", "umbilical cord"], ["knee osteoarthritis"])
    rows = {r["source"]: r for r in table}
    assert rows["bone marrow"]["chains"] == len(kg.explain("bone marrow", "knee osteoarthritis").chains) > 0
    assert rows["umbilical cord"]["chains"] == 0
    assert rows["bone marrow"]["claimed"] + rows["bone marrow"]["composed"] == rows["bone marrow"]["chains"]
    assert rows["bone marrow"]["best_claimed_chain"].startswith("bone marrow --source of-->")
    catalogue = kg.query_catalogue()
    assert "claims" in catalogue.column("name") and all(catalogue.column("question"))
