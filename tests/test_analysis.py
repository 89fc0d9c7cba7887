"""Document reports: sentences with offsets, the profile, the most confident sentences, HTML, empty documents."""

from __future__ import annotations

import html
import json
import re

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lmclassify
from lmclassify import LABELS, DocumentReport, load_model
from lmclassify.analysis import COLOURS, PROFILE_COLUMNS, SENTENCE_COLUMNS, count_words
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


def test_sentence_labels_agree_with_classifying_each_sentence(model, report):
    predictions = model.classify(report.sentences["text"].tolist())
    assert report.sentences["label"].tolist() == [p.label for p in predictions]
    assert report.sentences["function"].tolist() == [p.function for p in predictions]
    assert report.sentences["confidence"].tolist() == [p.confidence for p in predictions]


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
    counts = report.sentences["label"].value_counts()
    for label in LABELS:
        assert profile.loc[label, "sentences"] == counts.get(label, 0)
        words = report.sentences.loc[report.sentences["label"] == label, "text"].map(count_words).sum()
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


def _visible_text(markup: str) -> str:
    body = markup.split('<div style="white-space:pre-wrap">', 1)[1]
    return html.unescape(re.sub(r"<[^>]+>", "", body))


def test_html_shows_the_whole_document_escaped_with_each_sentence_highlighted(report):
    markup = report.to_html()
    assert "<with>" not in markup and "&lt;with&gt;" in markup and "café &amp; shop" in markup
    assert _visible_text(markup) == DOCUMENT
    spans = re.findall(r'<span class="lmclassify-(\w+)" style="background-color:([^"]+)" title="([^"]*)">', markup)
    assert [label for label, _, _ in spans] == report.sentences["label"].tolist()
    assert all(colour == COLOURS[label] and title.startswith(label) for label, colour, title in spans)
    for label in LABELS:  # the legend
        assert f"{label}: {int(report.profile.loc[label, 'sentences'])} sentences" in markup
    assert report._repr_html_() == markup


def test_html_escapes_quotes_inside_the_tooltip_and_text(model):
    markup = model.analyze('She said "<script>alert(1)</script>" & left.').to_html()
    assert "<script>" not in markup and "&lt;script&gt;" in markup


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
    assert _visible_text(report.to_html()) == document
    assert "0 sentences" in repr(report)


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
    assert abs(shares - (1.0 if len(report.sentences) else 0.0)) < 1e-9
