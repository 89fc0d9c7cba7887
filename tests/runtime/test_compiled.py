"""The numpy runtime: predictions, input contract, DataFrames, and safe loading of model files."""

from __future__ import annotations

import dataclasses
import json
import math
import pickle
import time

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lmclassify import LABELS, Prediction, load_model
from lmclassify.resources import default_model_path


@pytest.fixture(scope="module")
def model():
    return load_model(default_model_path())


def test_one_text_gives_one_prediction_with_all_labels(model):
    p = model.classify("Prepare the quarterly budget and track spending against it.")
    assert isinstance(p, Prediction)
    assert p.label in LABELS and tuple(p.scores) == LABELS
    assert math.isclose(sum(p.scores.values()), 1.0, abs_tol=1e-12)
    assert p.confidence == max(p.scores.values()) == p.scores[p.label]


def test_a_list_gives_predictions_in_the_same_order(model):
    texts = [
        "Lead is a soft, heavy metal.",
        "Approve overtime only within the agreed budget.",
        "Paint a picture of the future that makes people want to come with us.",
    ]
    batch = model.classify(texts)
    assert [p.label for p in batch] == ["neither", "management", "leadership"]
    assert batch == [model.classify(t) for t in texts]
    assert model.classify(iter(texts)) == batch
    assert model.classify([]) == []


def test_functions_belong_to_the_predicted_label(model):
    for p in model.classify(
        [
            "Fill the two vacant night-shift posts by March.",
            "The river floods each spring.",
            "Make people proud of the mission we share.",
        ]
    ):
        if p.label == "neither":
            assert p.function is None and p.function_confidence is None
        else:
            from lmclassify import FUNCTIONS

            assert p.function in FUNCTIONS[p.label] and 0 < p.function_confidence <= 1


def test_prediction_is_immutable_and_serialisable(model):
    p = model.classify("Track absence rates monthly against the target.")
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.label = "leadership"
    with pytest.raises(TypeError):
        p.scores["management"] = 0.0
    assert json.loads(json.dumps(p.to_dict()))["label"] == p.label
    assert pickle.loads(pickle.dumps(p)) == p


@pytest.mark.parametrize("bad", [None, b"bytes", 3, 2.5, object(), ["nested"]])
def test_non_strings_raise_type_error_naming_the_type(model, bad):
    with pytest.raises(TypeError, match=type(bad).__name__):
        model.classify(["fine text", bad] if bad is not None else None)


def test_the_bad_item_of_a_list_is_named_by_its_index(model):
    with pytest.raises(TypeError, match="item 2: expected a str to classify, got NoneType"):
        model.classify(["a text", "another", None])
    with pytest.raises(ValueError, match="item 1: text is empty"):
        model.classify(["a text", "   "])


@pytest.mark.parametrize("blank", ["", " ", "\n\t "])
def test_blank_text_raises_value_error(model, blank):
    with pytest.raises(ValueError, match="empty or only whitespace"):
        model.classify(blank)


def test_predict_proba_matches_classify(model):
    texts = ["Set the budget.", "Build trust."]
    probabilities = model.predict_proba(texts)
    assert probabilities.shape == (2, 3)
    assert np.allclose(probabilities, [[p.scores[label] for label in LABELS] for p in model.classify(texts)])


def test_metadata_describes_the_model(model):
    metadata = model.metadata
    for key in (
        "package_version",
        "sklearn_version",
        "numpy_version",
        "corpus",
        "hyperparameters",
        "metrics",
        "labels",
        "created",
    ):
        assert key in metadata
    metadata["labels"] = ["changed"]
    assert model.metadata["labels"] == list(LABELS)


# ------------------------------------------------------------------------------------ any text at all
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(min_size=1, max_size=400).filter(str.strip))
def test_any_string_gives_a_valid_deterministic_prediction(model, text):
    first, second = model.classify(text), model.classify(text)
    assert first == second
    assert first.label in LABELS and math.isclose(sum(first.scores.values()), 1.0, abs_tol=1e-9)
    assert all(0.0 <= value <= 1.0 for value in first.scores.values())


@pytest.mark.parametrize(
    "text",
    [
        "👩‍⚕️ 🚑 Budget 💷 approved ✅",
        "ميزانية الربع الأول",
        "שלום\u200f team",
        "Plan\x00the\x00budget",
        "\x1b[31mred",
        "a\u0301\u0302\u0303",
        "\ud800 lone surrogate",
        "\U0001f600" * 1000,
        "ǅ ß İ ﬁ Σ",
    ],
)
def test_unusual_unicode_is_classified(model, text):
    prediction = model.classify(text)
    assert prediction.label in LABELS and math.isclose(sum(prediction.scores.values()), 1.0)


def test_a_one_megabyte_text_is_classified_in_linear_time(model):
    sentence = "We will cut overtime costs and inspire every ward to own the change. "
    small, large = sentence * 1500, sentence * 15000  # ~0.1 MB and ~1 MB
    timings = []
    for text in (small, large):
        started = time.perf_counter()
        prediction = model.classify(text)
        timings.append(time.perf_counter() - started)
        assert prediction.label in LABELS
    assert len(large.encode()) >= 1_000_000
    assert timings[1] / timings[0] < 30  # ten times the text; quadratic behaviour would give ~100


def test_identity_is_the_name_and_version_in_the_metadata():
    from lmclassify import default_model

    model = default_model()
    assert model.identity == (model.metadata["name"], model.metadata["package_version"])
