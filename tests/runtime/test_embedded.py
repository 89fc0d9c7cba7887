"""The accurate tier at run time: one model, every path (single, list, table, frame, explain) agreeing."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lmclassify.errors import EmptyTextError, ModelError, TextTypeError
from lmclassify.model.format import read_model
from lmclassify.resources import bundled_model_path

pytest.importorskip("onnxruntime")

SENTENCES = [
    "We will put together next year's budget by the end of March.",
    "Give people a reason to believe in where we are heading.",
    "The castle was rebuilt after the fire of 1642.",
    "Check the stock levels every Monday and reorder what is short.",
    "She made every new starter feel that their ideas mattered.",
]


@pytest.fixture(scope="module")
def accurate():
    from lmclassify import load_model

    return load_model("accurate")


def test_the_accurate_model_loads_by_name_and_says_what_it_is(accurate):
    assert accurate.has_embeddings and not accurate.accelerated
    assert accurate.metadata["tier"] == "accurate" and accurate.metadata["embedding"]["name"].startswith("minilm")


def test_every_path_gives_the_same_probabilities(accurate):
    single = [accurate.classify(text) for text in SENTENCES]
    listed = accurate.classify(SENTENCES)
    table = accurate.classify_many(SENTENCES)
    frame = accurate.classify_frame(pd.DataFrame({"text": SENTENCES}))
    assert single == listed
    probabilities = np.asarray([[p.scores[label] for label in accurate.labels] for p in single])
    assert np.array_equal(table.probabilities, probabilities)
    assert frame["label"].tolist() == [p.label for p in single] == table.label.tolist()
    assert np.allclose(probabilities.sum(axis=1), 1.0)
    assert [p.label for p in single] == ["management", "leadership", "neither", "management", "leadership"]


def test_bad_input_is_refused_as_by_the_default_model(accurate):
    with pytest.raises(TextTypeError, match="item 1"):
        accurate.classify(["Plan it.", 3])  # type: ignore[list-item]
    with pytest.raises(EmptyTextError):
        accurate.classify("   ")


def test_the_score_is_the_tfidf_part_plus_the_embedding_part(accurate):
    """The decision scores the heads see are the TF-IDF scores plus the embedding's; their softmax (with the
    label head's temperature) is exactly the probabilities classify() gives."""
    text = SENTENCES[1]
    scores = accurate.decision_scores(accurate.features([text]))[0] + accurate.embedding_scores([text])[0]
    head = accurate.heads["label"]
    scaled = scores[head.columns] / head.temperature
    expected = np.exp(scaled - scaled.max()) / np.exp(scaled - scaled.max()).sum()
    got = accurate.classify(text).scores
    assert np.allclose([got[name] for name in head.classes], expected, rtol=0, atol=1e-12)


def test_an_explanation_adds_up_with_the_embedding_as_one_term(accurate):
    from lmclassify.explain import EMBEDDING_TERM

    explanation = accurate.explain(SENTENCES[0], top=3)
    for label in accurate.labels:
        terms = dict(explanation.contributions[label])
        assert EMBEDDING_TERM in terms
        total = sum(terms.values()) + explanation.rest[label] + explanation.intercepts[label]
        assert abs(total - explanation.scores[label]) < 1e-9


def test_embedding_weights_of_the_wrong_shape_are_refused_naming_the_file(tmp_path):
    from lmclassify.model.format import with_format, write_model
    from lmclassify.runtime.compiled import CompiledClassifier

    model = read_model(bundled_model_path("accurate"))
    arrays = {**model.arrays, "embedding_weights": model.arrays["embedding_weights"][:10]}
    path = write_model(tmp_path / "cut.npz", arrays, with_format(arrays, model.metadata))
    with pytest.raises(ModelError, match=r"cut.npz: the embedding weights have shape \(10, "):
        CompiledClassifier.from_file(read_model(path))


def test_a_small_accurate_model_exports_exactly(corpus):
    """Training with the embedding block and exporting proves the compiled model gives scikit-learn's
    probabilities within 1e-9 (export refuses otherwise)."""
    from lmclassify.classifier import Classifier
    from lmclassify.training.encoding import load_training_encoder
    from lmclassify.training.estimator import KotterClassifier

    sample = corpus.sample(240, random_state=3)
    model = KotterClassifier(char_ngrams=None, embedding_weight=0.5, encoder=load_training_encoder(None))
    model.set_params(calibration_folds=3).fit(sample["text"], sample["label"], functions=sample["function"])
    arrays, metadata = model.export(check_texts=sample["text"].tolist()[:60])
    assert metadata["compiled_max_difference"] <= 1e-9
    compiled = Classifier(arrays, metadata)
    order = [list(model.classes_).index(label) for label in compiled.labels]
    assert np.allclose(compiled.predict_proba(SENTENCES), model.predict_proba(SENTENCES)[:, order], rtol=0, atol=1e-9)
    assert "embedding_weights" in arrays and arrays["weights"].shape[0] == compiled.parts.n_features
