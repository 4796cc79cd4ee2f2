"""msc-graph propose: the pipeline's components on our own invented sentences, the CLI on the
fixture project (anchors verify, build refuses proposed claims) and the evaluation."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from fixture_project import default_claims, make_project

from msc_graph.corpus import Corpus
from msc_graph.errors import CurationError
from msc_graph.ontology import load_ontology
from msc_graph.project import ontology_dir
from msc_graph.propose import evaluate, propose
from msc_graph.propose.draft import SentenceDrafter, propose_document
from msc_graph.propose.evaluate import Item, score
from msc_graph.propose.nlp import annotator, split_sentences
from msc_graph.propose.vocabulary import load_cues

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def annot():
    """The pipeline over the real ontology, built once per test session."""
    return annotator(ontology_dir(), load_ontology())


def drafts(annot, text: str):
    sent = annot.annotate(text, 0, len(text))
    return sent, SentenceDrafter(annot, None).draft(sent, 1)


def only(found, predicate=None, obj=None):
    hits = [
        d for d in found if (predicate is None or d.predicate == predicate) and (obj is None or d.object.curie == obj)
    ]
    assert len(hits) == 1, [(d.subject.curie, d.predicate, d.object.curie) for d in found]
    return hits[0]


# ------------------------------------------------------------------ vocabulary and sentences


def test_every_cue_names_a_claim_relation_or_modality(annot):
    cues = load_cues(ontology_dir(), load_ontology())
    assert cues.problems == []
    assert "produces" in cues.relations and "secrete" in cues.relations["produces"].forward
    assert set(cues.modalities) >= {"negated", "hedged", "questioned", "not-reported", "superseded"}
    assert set(cues.modalities) <= set(load_ontology().modalities)


def test_sentence_splitter_keeps_abbreviations_and_splits_glued_sentences():
    text = "Lee et al. saw this in 2019, e.g. in knees.Then it stopped?\nA heading\n\nLast one."
    assert [text[s:e] for s, e in split_sentences(text)] == [
        "Lee et al. saw this in 2019, e.g. in knees.",
        "Then it stopped?",
        "A heading",
        "Last one.",
    ]


# ------------------------------------------------------------------ grounding


def test_grounding_records_the_matched_span(annot):
    text = "Stem cells from the umbilical cord release exosomes and IL-10."
    sent, found = drafts(annot, text)
    cord = next(m for m in sent.mentions if m.curie == "UBERON:0002331")
    assert text[cord.start : cord.end] == cord.text == "umbilical cord"
    exo = only(found, "produces", "GO:0070062")
    assert text[exo.object.start : exo.object.end] == "exosomes"  # matched by stem: plural of 'exosome'
    assert exo.subject.curie == "CL:0000034" and exo.subject.text == "Stem cells"
    assert only(found, "produces", "PR:000001471").modality == "asserted"


def test_acronyms_match_case_sensitively(annot):
    sent, _ = drafts(annot, "The ms timing of MSCs matters.")
    assert [m.text for m in sent.mentions if m.curie == "MONDO:0005301"] == []  # 'ms' is not multiple sclerosis
    assert any(m.text == "MSCs" for m in sent.mentions)


# ------------------------------------------------------------------ modality


def test_negation(annot):
    _, found = drafts(annot, "Bone marrow MSCs do not secrete IL-10.")
    d = only(found, "produces", "PR:000001471")
    assert (d.subject.curie, d.polarity, d.modality, d.cue) == ("CL:0002540", "negative", "negated", "do not")


def test_hedge(annot):
    _, found = drafts(annot, "Umbilical cord MSCs may reduce inflammation in arthritic joints.")
    d = only(found, "decreases", "GO:0006954")
    assert (d.polarity, d.modality, d.cue) == ("positive", "hedged", "may")


def test_hedged_negation_keeps_both_cues(annot):
    _, found = drafts(annot, "Stem cells might not turn into chondrocytes.")
    d = only(found, "develops_into", "CL:0000138")
    assert (d.polarity, d.modality) == ("negative", "hedged")
    assert "might" in d.cue and "not" in d.cue


def test_question(annot):
    _, found = drafts(annot, "Can MSCs treat multiple sclerosis?")
    d = only(found, "treats", "MONDO:0005301")
    assert (d.modality, d.cue) == ("questioned", "?")


def test_absence_of_evidence_from_a_cue_phrase(annot):
    _, found = drafts(annot, "There is no evidence that MSCs cause cancer.")
    d = only(found, obj="MONDO:0004992")
    assert (d.modality, d.polarity) == ("not-reported", "positive")
    assert d.cue.lower().startswith("no evidence")


def test_absence_of_evidence_from_negation_and_reporting(annot):
    text = "No serious adverse events have been reported after the injections."
    sent, _ = drafts(annot, text)
    event = next(m for m in sent.mentions if m.curie == "msc:SeriousAdverseEvent")
    flags = sent.modifiers(event.i, event.j)
    assert flags["negated"].text == "No" and "reported" in flags["not-reported#reporting"].text
    _, found = drafts(annot, "Tumours caused by MSC therapy have not been reported.")
    d = only(found, obj="MONDO:0005070")
    assert (d.predicate, d.modality, d.polarity) == ("causes", "not-reported", "positive")


def test_superseded_view(annot):
    _, found = drafts(annot, "It was long believed that MSCs turn into chondrocytes in the joint.")
    d = only(found, "develops_into", "CL:0000138")
    assert (d.modality, d.polarity) == ("superseded", "positive")
    assert "long believed" in d.cue


def test_passive_cue_reverses_subject_and_object(annot):
    _, found = drafts(annot, "IL-10 is secreted by bone marrow MSCs.")
    d = only(found, "produces")
    assert (d.subject.curie, d.object.curie) == ("CL:0002540", "PR:000001471")


def test_pronoun_subject_is_the_topic(annot):
    text = "Bone marrow MSCs are multipotent. They secrete IL-10."
    drafter = SentenceDrafter(annot, None)
    (s1, e1), (s2, e2) = split_sentences(text)
    drafter.draft(annot.annotate(text, s1, e1), 1)
    d = only(drafter.draft(annot.annotate(text, s2, e2), 2), "produces")
    assert (d.subject.curie, d.subject_from) == ("CL:0002540", "topic")


# ------------------------------------------------------------------ party and evidence


@pytest.mark.parametrize(
    ("text", "label", "kind"),
    [
        ("Smith et al. showed that bone marrow MSCs produce IL-10.", "Smith et al", "authors"),
        ("A new study from Kyoto found that stem cells reduce pain.", "A new study", "study"),
        (
            "Researchers at Oakridge University reported that stem cells reduce pain.",
            "Researchers at Oakridge University",
            "researchers",
        ),
        ("Stem cells reduce pain, said Maria Lopez.", "Maria Lopez", "person"),
    ],
)
def test_credited_party(annot, text, label, kind):
    sent, _ = drafts(annot, text)
    assert [(p.label, p.kind) for p in sent.parties if p.kind != "anaphor"][:1] == [(label, kind)]


def test_evidence_cues(annot):
    text = "In a phase II trial of 40 patients followed for 2 years, MSCs reduced knee pain."
    sent, _ = drafts(annot, text)
    assert sent.evidence == {"phase": "phase II", "patients": 40, "follow_up": "2 years"}
    from msc_graph.propose.draft import _evidence

    assert _evidence(sent, annot.onto)["type"] == "OBI:0003701"
    sent, _ = drafts(annot, "A review of twelve studies found the same.")
    assert sent.evidence == {"studies": 12}


# ------------------------------------------------------------------ unknown entities


def test_unknown_entities_are_listed_with_nearest_terms(annot, tmp_path):
    text = (
        "Zorbalix Biotherapeutics sells platelet lysate concentrate (PLC) for sore knees.\n"
        "Stem cells secrete glimmerins.\n"
    )
    (tmp_path / "x001_test.txt").write_text(text, encoding="utf-8")
    proposal = propose_document("x001_test", corpus=Corpus(tmp_path), annot=annot)
    names = {u["text"]: u for u in proposal.unknown}
    assert "Zorbalix Biotherapeutics" in names and "PLC" in names
    assert names["PLC"]["kind"] == "abbreviation"
    assert "platelet lysate concentrate" in names
    assert "glimmerins" in names and names["glimmerins"]["kind"] == "after 'secrete'"
    for u in proposal.unknown:
        assert text[u["start"] : u["end"]] == u["text"]
        assert isinstance(u["nearest"], list)


# ------------------------------------------------------------------ the loader and the CLI


def run(project, *args):
    return subprocess.run(
        [sys.executable, "-m", "msc_graph", *args], capture_output=True, text=True, env=project.env(), timeout=120
    )


def test_cli_propose_writes_verifiable_anchors_and_build_refuses_proposed(project, tmp_path):
    out = tmp_path / "draft.yaml"
    done = run(project, "propose", "f001_alpha", "--all-sentences", "--output", str(out))
    assert done.returncode == 0, done.stderr
    data = yaml.safe_load(out.read_text())
    assert data["document"] == "f001_alpha" and data["claims"]
    corpus = Corpus(project.corpus)
    from msc_graph.model import Anchor

    for record in [*data["claims"], *data["skip"]]:
        assert record["status"] == "proposed"
        a = record["anchor"]
        corpus.verify(Anchor("f001_alpha", a["start"], a["end"], a["sha256"]))
    for record in data["claims"]:
        for role in ("subject_span", "object_span", "relation_cue"):
            span = record["proposal"][role]
            assert corpus.document("f001_alpha").text[span["start"] : span["end"]] == span["text"]
    hedged = [c for c in data["claims"] if c["predicate"] == "decreases"]
    assert hedged and (hedged[0]["object"], hedged[0]["modality"], hedged[0]["cue"]) == (
        "inflammatory response",
        "hedged",
        "may",
    )
    # "interleukin ten" is no name of the term: listed as unknown, with the term it is closest to
    unknown = {u["text"]: u for u in data["unknown_entities"]}
    assert unknown["interleukin ten"]["nearest"][0] == "'interleukin-10' (PR:000001471)"

    # the draft put where curated claims live: build and validate refuse it, naming file:line and claim
    target = project.claim_file("f001_alpha")
    target.write_text(out.read_text())
    first = data["claims"][0]["id"]
    for command in ("build", "validate"):
        done = run(project, command)
        assert done.returncode == 2
        assert "f001_alpha.yaml:" in done.stderr and f"claim {first}: claim is still proposed" in done.stderr
    assert not (project.build / "msc-graph.ttl").exists()


def test_loader_accepts_reviewed_statuses_only(tmp_path):
    from msc_graph.curation import load_curation

    claims = default_claims()
    claims["f001_alpha"]["claims"][0]["status"] = "accepted"
    claims["f001_alpha"]["claims"][1]["status"] = "edited"
    claims["f001_alpha"]["claims"][1]["proposal"] = {"sentence": 2}
    project = make_project(tmp_path, claims)
    curation, problems = load_curation(project.ontology, corpus=Corpus(project.corpus), strict=False)
    assert problems == [] and len(curation.assertions) == 5
    claims["f001_alpha"]["claims"][2]["status"] = "maybe"
    claims["f001_alpha"]["skip"][0]["status"] = "proposed"
    project = make_project(tmp_path / "again", claims)
    with pytest.raises(CurationError) as err:
        load_curation(project.ontology, corpus=Corpus(project.corpus))
    messages = [str(p) for p in err.value.problems]
    assert any("claim t001-c003: status 'maybe' is not one of proposed, accepted, edited" in m for m in messages)
    assert any("skip t001-k001 is still proposed" in m for m in messages)


# ------------------------------------------------------------------ evaluation


def test_evaluation_is_computed_from_the_files(project, tmp_path):
    corpus = Corpus(project.corpus)
    fresh = evaluate(corpus=corpus, ontology_directory=project.ontology)
    assert [s.document for s in fresh] == ["f001_alpha", "f002_beta"]
    for s in fresh:
        assert s.source == "fresh" and s.curated == len(default_claims()[s.document]["claims"])
        assert s.proposals == len(
            propose(s.document, corpus=corpus, ontology_directory=project.ontology, all_sentences=True).claims
        )

    # a proposal file equal to the curated claims scores 100%; one wrong subject costs exactly one
    records = [dict(c, status="proposed") for c in default_claims()["f001_alpha"]["claims"]]
    perfect = tmp_path / "perfect.yaml"
    perfect.write_text(yaml.safe_dump({"document": "f001_alpha", "claims": records}))
    (s,) = evaluate(corpus=corpus, ontology_directory=project.ontology, proposals=[perfect])
    assert s.source == str(perfect) and s.aligned == 3
    assert all(s.fields[f].recall == 1.0 for f in ("subject", "object", "relation", "claim", "polarity", "modality"))
    records[0]["subject"] = "stem cell"
    records[1]["modality"] = "asserted"
    records[1].pop("cue")
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text(yaml.safe_dump({"document": "f001_alpha", "claims": records}))
    (s,) = evaluate(corpus=corpus, ontology_directory=project.ontology, proposals=[wrong], documents=["f001"])
    assert (s.fields["subject"].tp, s.fields["subject"].precision) == (2, 2 / 3)
    assert (s.fields["modality"].tp, s.fields["modality"].proposed, s.fields["modality"].curated) == (1, 1, 2)


def test_alignment_is_one_to_one_and_needs_overlap():
    p = [
        Item("p1", 0, 10, "A", "r", "B", "positive", "asserted"),
        Item("p2", 50, 60, "A", "r", "B", "negative", "negated"),
    ]
    c = [Item("c1", 2, 8, "A", "r", "B", "positive", "asserted"), Item("c2", 3, 9, "A", "r", "C", "positive", "hedged")]
    s = score("d", p, c, "test")
    assert s.aligned == 1 and s.fields["claim"].tp == 1
    assert (s.fields["polarity"].proposed, s.fields["polarity"].tp) == (1, 0)
    assert (s.fields["modality"].curated, s.fields["modality"].tp) == (1, 0)


def test_cli_evaluate_json(project):
    done = run(project, "propose", "--evaluate", "--format", "json")
    assert done.returncode == 0, done.stderr
    import json

    rows = json.loads(done.stdout)
    assert {r["document"] for r in rows} == {"f001_alpha", "f002_beta"}
    assert all(set(r["fields"]) == {"subject", "object", "relation", "claim", "polarity", "modality"} for r in rows)
