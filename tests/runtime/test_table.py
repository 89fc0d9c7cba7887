"""A ProbabilityTable holds, as arrays, exactly what classify() says about each text."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from lmclassify import ArgumentError, EmptyTextError, ProbabilityTable, TextTypeError, default_model, load_model
from lmclassify.resources import default_model_path
from lmclassify.runtime.scorer import PURE_PYTHON_VARIABLE


def _same(table: ProbabilityTable, predictions) -> None:
    assert len(table) == len(predictions)
    assert table.label.tolist() == [p.label for p in predictions]
    assert table.function.tolist() == [p.function for p in predictions]
    np.testing.assert_array_equal(table.confidence, [p.confidence for p in predictions])
    expected = [[p.scores[label] for label in table.labels] for p in predictions]
    np.testing.assert_array_equal(table.probabilities, expected)
    for value, p in zip(table.function_confidence.tolist(), predictions):
        assert (math.isnan(value) and p.function_confidence is None) or value == p.function_confidence


def test_the_table_equals_classify_on_every_corpus_sentence(corpus):
    model = default_model()
    texts = corpus["text"].tolist()
    _same(model.classify_many(texts), model.classify(texts))


def test_small_chunks_give_the_same_table(corpus):
    model = default_model()
    texts = corpus["text"].tolist()[:500]
    whole, chunked = model.classify_many(texts), model.classify_many(texts, chunk_size=7)
    np.testing.assert_array_equal(whole.probabilities, chunked.probabilities)
    assert whole.function.tolist() == chunked.function.tolist()


def test_the_python_scorer_gives_the_same_table(corpus, monkeypatch):
    texts = corpus["text"].tolist()[:300]
    monkeypatch.setenv(PURE_PYTHON_VARIABLE, "1")
    pure = load_model(default_model_path())
    monkeypatch.delenv(PURE_PYTHON_VARIABLE)
    assert not pure.accelerated
    table = pure.classify_many(texts)
    _same(table, pure.classify(texts))
    np.testing.assert_allclose(table.probabilities, default_model().classify_many(texts).probabilities, atol=1e-12)


def test_rows_are_predictions_and_the_frame_matches_classify_frame(corpus):
    model = default_model()
    texts = corpus["text"].tolist()[:200]
    table = model.classify_many(texts)
    assert [table[i] for i in range(len(table))] == model.classify(texts)
    frame = model.classify_frame(pd.DataFrame({"text": texts})).drop(columns=["text"])
    pd.testing.assert_frame_equal(table.to_frame(), frame)
    assert list(table.to_frame(prefix="pred_").columns) == [f"pred_{c}" for c in frame.columns]


def test_no_texts_give_an_empty_table_with_the_right_shapes():
    table = default_model().classify_many([])
    assert len(table) == 0 and table.probabilities.shape == (0, 3) and table.label.tolist() == []


def test_a_large_list_takes_a_few_dozen_bytes_a_text():
    table = default_model().classify_many(["Plan the budget."] * 10_000)
    assert table.nbytes / len(table) < 50


def test_bad_input_is_refused_as_classify_refuses_it():
    model = default_model()
    with pytest.raises(TextTypeError, match="item 1"):
        model.classify_many(["Plan.", 3])
    with pytest.raises(EmptyTextError):
        model.classify_many(["Plan.", "  "])
    with pytest.raises(TextTypeError):
        model.classify_many("one string")
    with pytest.raises(ArgumentError):
        model.classify_many(["Plan."], chunk_size=0)


def test_a_model_loaded_from_its_file_gives_the_same_table():
    texts = ["Cut costs by 5%.", "Inspire the team.", "The river floods in spring."]
    assert (
        load_model(default_model_path()).classify_many(texts).label.tolist()
        == default_model().classify_many(texts).label.tolist()
    )
