"""Document reports: units with offsets, the profile, the most confident units, metadata, empty documents.

The HTML page and fragment are tested in ``test_html.py`` (markup) and ``test_html_browser.py`` (in Chromium).
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lmclassify
from lmclassify import LABELS, Classifier, DocumentReport, load_model
from lmclassify.documents.analysis import (
    PROFILE_COLUMNS,
    SENTENCE_COLUMNS,
    analyze_document,
    count_words,
    shift_by_kind,
)
from lmclassify.resources import default_model_path

DOCUMENT = """# A letter to our people

Dear colleagues,

This year we cut costs by 3.5% and brought the new plant in on budget. Dr. Osei's team tracked every order
against the weekly forecast. I want every one of you to feel proud of what we are building together!

Our priorities for next year:
- Hire 40 engineers for the Leeds site
- Agree the capital budget by Jan. 31
- Inspire each other to try bold ideas

The old mill on the river dates from 1887. It is now a museum <with> a café & shop.
"""


@pytest.fixture(scope="module")
def model():
    return load_model(default_model_path())


@pytest.fixture(scope="module")
def report(model) -> DocumentReport:
    return model.analyze(DOCUMENT)


def test_sentences_have_the_promised_columns_and_exact_offsets(report):
    frame = report.sentences
    assert list(frame.columns) == list(SENTENCE_COLUMNS)
    assert len(frame) == len(report) == 11
    for row in frame.itertuples():
        assert DOCUMENT[row.start : row.end] == row.text
    assert frame["start"].is_monotonic_increasing
    assert set(frame["label"]) <= set(LABELS)
    assert frame["confidence"].between(0, 1).all()


def test_unit_probabilities_are_the_models_shifted_by_each_units_kind(model, report):
    frame = report.sentences
    expected = shift_by_kind(model.predict_proba(frame["text"].tolist()), frame["kind"].tolist(), model.kind_offsets)
    assert np.allclose(frame[[f"p_{label}" for label in LABELS]].to_numpy(), expected, atol=1e-12)
    assert frame["label"].tolist() == [LABELS[i] for i in expected.argmax(axis=1)]
    assert np.allclose(frame["confidence"], expected.max(axis=1))


def test_without_kind_offsets_units_are_classified_exactly_as_classify_does():
    path = default_model_path()
    with np.load(path) as stored:
        arrays = {key: stored[key] for key in stored.files}
    metadata = json.loads(bytes(arrays.pop("metadata")).decode("utf-8"))
    metadata["kind_offsets"] = {}
    plain = Classifier(arrays, metadata)
    report = plain.analyze(DOCUMENT)
    predictions = plain.classify(report.sentences["text"].tolist())
    assert report.sentences["label"].tolist() == [p.label for p in predictions]
    assert report.sentences["function"].tolist() == [p.function for p in predictions]
    assert np.allclose(report.sentences["confidence"], [p.confidence for p in predictions], atol=1e-12)
    metadata["kind_offsets"] = {"heading": {"management": 0.0, "leadership": 0.0, "neither": 50.0}}
    shifted = Classifier(arrays, metadata).analyze(DOCUMENT).sentences
    assert (shifted.loc[shifted["kind"] == "heading", "label"] == "neither").all()
    others = shifted["kind"] != "heading"
    assert shifted.loc[others, "label"].tolist() == report.sentences.loc[others, "label"].tolist()


def test_kinds_come_from_the_splitter_and_the_profile_counts_content_units_only(report):
    frame = report.sentences
    assert frame["kind"].tolist()[:3] == ["heading", "sentence", "sentence"]
    assert "lead_in" in set(frame["kind"]) and "list_item" in set(frame["kind"])
    content = frame[frame["kind"].isin(["list_item", "sentence"])]
    assert report.profile["sentences"].sum() == len(content) < len(frame)
    assert report.counted_kinds == ("list_item", "sentence")


def test_every_unit_can_be_counted_on_request(model):
    from lmclassify.documents.segment import UNIT_KINDS

    report = analyze_document(model, DOCUMENT, counted_kinds=UNIT_KINDS)
    assert report.profile["sentences"].sum() == len(report)
    with pytest.raises(ValueError, match="unknown unit kind"):
        analyze_document(model, DOCUMENT, counted_kinds=("paragraph",))


def test_probabilities_and_kinds_reach_every_output_format(report):
    rows = report.to_dict()["sentences"]
    assert rows[0]["kind"] == "heading"
    for row, unit in zip(rows, report.sentences.itertuples(index=False)):
        flat = {label: row[f"p_{label}"] for label in LABELS}
        assert flat == row["scores"] == {label: getattr(unit, f"p_{label}") for label in LABELS}
        assert abs(sum(flat.values()) - 1) < 1e-9
        assert row["function_confidence"] == unit.function_confidence and row["kind"] == unit.kind
    assert 'data-kind="heading"' in report.to_html() and 'title="heading: ' in report.to_html()


def test_the_report_names_its_source_model_and_when_it_was_made(model):
    before = datetime.now(timezone.utc).replace(microsecond=0)
    report = model.analyze(DOCUMENT, source="letters/board.md")
    after = datetime.now(timezone.utc)
    metadata = model.metadata
    assert report.source == "letters/board.md"
    assert (report.model_name, report.model_version) == (metadata["name"], metadata["package_version"])
    assert report.created is not None and before <= report.created <= after
    assert report.created.utcoffset() == timedelta(0)
    record = report.to_dict()
    assert record["model"] == {"name": metadata["name"], "version": metadata["package_version"]}
    assert datetime.fromisoformat(record["created"]) == report.created
    assert lmclassify.analyze(DOCUMENT).source is None
    assert lmclassify.analyze(DOCUMENT, source="x.txt").source == "x.txt"


def test_a_report_made_by_hand_still_renders(report):
    bare = DocumentReport(report.document, report.sentences, report.profile)
    assert bare.source is bare.model_name is bare.model_version is bare.created is None
    assert bare.to_dict()["model"] == {"name": None, "version": None} and bare.to_dict()["created"] is None
    assert "<title>Document report</title>" in bare.to_html()


def test_shift_by_kind_leaves_other_kinds_alone():
    probabilities = np.array([[0.6, 0.3, 0.1], [0.6, 0.3, 0.1]])
    shifted = shift_by_kind(probabilities, ["heading", "sentence"], {"heading": np.array([0.0, 0.0, np.log(6.0)])})
    assert np.allclose(shifted[0], [0.4, 0.2, 0.4]) and np.allclose(shifted[1], probabilities[1])


def test_a_mixed_document_is_read_sentence_by_sentence(report):
    by_text = dict(zip(report.sentences["text"], report.sentences["label"]))
    assert by_text["Agree the capital budget by Jan. 31"] == "management"
    assert by_text["Inspire each other to try bold ideas"] == "leadership"
    assert by_text["The old mill on the river dates from 1887."] == "neither"


def test_profile_shares_sum_to_one_and_match_the_counts(report):
    profile = report.profile
    assert list(profile.index) == list(LABELS) and list(profile.columns) == list(PROFILE_COLUMNS)
    assert profile["sentence_share"].sum() == pytest.approx(1.0)
    assert profile["word_share"].sum() == pytest.approx(1.0)
    counted = report.sentences[report.sentences["kind"].isin(report.counted_kinds)]
    counts = counted["label"].value_counts()
    for label in LABELS:
        assert profile.loc[label, "sentences"] == counts.get(label, 0)
        words = counted.loc[counted["label"] == label, "text"].map(count_words).sum()
        assert profile.loc[label, "words"] == words


def test_top_returns_the_most_confident_sentences_of_a_label(report):
    for label in LABELS:
        rows = report.top(label, 2)
        assert len(rows) <= 2 and (rows["label"] == label).all()
        assert rows["confidence"].is_monotonic_decreasing
        others = report.sentences[(report.sentences["label"] == label) & ~report.sentences.index.isin(rows.index)]
        assert (others["confidence"] <= rows["confidence"].min()).all()
    assert report.top("management", 0).empty


@pytest.mark.parametrize(("label", "n"), [("Management", 3), ("nope", 3), ("leadership", -1), ("leadership", 2.5)])
def test_top_refuses_bad_arguments(report, label, n):
    with pytest.raises(ValueError):
        report.top(label, n)


def test_to_dict_is_json_ready(report):
    record = json.loads(json.dumps(report.to_dict()))
    assert [s["text"] for s in record["sentences"]] == report.sentences["text"].tolist()
    assert record["profile"]["leadership"]["sentences"] == report.profile.loc["leadership", "sentences"]


@pytest.mark.parametrize("document", ["", "   \n\n  ", "---\n\n* * *", "…"])
def test_a_document_without_sentences_gives_an_empty_report(model, document):
    report = model.analyze(document)
    assert len(report) == 0 and list(report.sentences.columns) == list(SENTENCE_COLUMNS)
    assert (report.profile[["sentences", "words", "sentence_share", "word_share"]] == 0).all().all()
    assert report.top("leadership").empty
    assert report.to_dict()["sentences"] == []
    assert "0 units" in repr(report)


def test_a_non_string_document_is_refused(model):
    with pytest.raises(TypeError, match="list"):
        model.analyze(["Plan the budget."])


def test_module_level_analyze_uses_the_default_model(report):
    again = lmclassify.analyze(DOCUMENT)
    pd.testing.assert_frame_equal(again.sentences, report.sentences)
    pd.testing.assert_frame_equal(again.profile, report.profile)


@pytest.mark.parametrize(("text", "words"), [("Plan the budget.", 3), ("Revenue rose 3.5% — a record!", 5), ("", 0)])
def test_count_words(text, words):
    assert count_words(text) == words


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=800))
def test_fuzz_any_document_gives_a_consistent_report(document):
    report = lmclassify.analyze(document)
    for row in report.sentences.itertuples():
        assert document[row.start : row.end] == row.text and row.text.strip()
        assert row.label in LABELS
    shares = report.profile["sentence_share"].sum()
    counted = report.sentences["kind"].isin(report.counted_kinds).any()
    assert abs(shares - (1.0 if counted else 0.0)) < 1e-9
