"""The compiled runtime reproduces the scikit-learn reference model exactly (within 1e-9)."""

from __future__ import annotations

import json

import joblib
import numpy as np
import pytest
import sklearn
from conftest import REPO
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline

from lmclassify import Classifier, load_model
from lmclassify.errors import CompileError
from lmclassify.model.export import export_reference
from lmclassify.resources import default_model_path
from lmclassify.runtime import scorer as runtime
from lmclassify.runtime.scorer import PURE_PYTHON_VARIABLE
from lmclassify.training.equivalence import max_difference


@pytest.fixture(scope="module")
def reference():
    """The scikit-learn model the bundled model was compiled from (our own file: trusted)."""
    written_with = json.loads((REPO / "models" / "default.json").read_text())["sklearn_version"]
    if written_with != sklearn.__version__:
        pytest.skip(
            f"the reference pickle was written by scikit-learn {written_with}; pickles do not load "
            f"reliably in another version ({sklearn.__version__})"
        )
    return joblib.load(REPO / "models" / "default.joblib")


def _load(monkeypatch, pure_python: bool) -> Classifier:
    if pure_python:
        monkeypatch.setenv(PURE_PYTHON_VARIABLE, "1")
    elif runtime._fastscore is None:
        pytest.skip("the C extension is not built")
    model = load_model(default_model_path())
    assert model.accelerated is not pure_python
    return model


@pytest.mark.parametrize(
    "pure_python", [False, pytest.param(True, marks=pytest.mark.slow)], ids=["extension", "pure-python"]
)
def test_bundled_model_matches_its_scikit_learn_reference_on_every_corpus_sentence(
    corpus, reference, monkeypatch, pure_python
):
    compiled = _load(monkeypatch, pure_python)
    texts = corpus["text"].tolist()
    assert max_difference(reference, compiled, texts) <= 1e-9


@pytest.mark.parametrize(
    "pure_python", [False, pytest.param(True, marks=pytest.mark.slow)], ids=["extension", "pure-python"]
)
def test_single_batch_and_threaded_predictions_match_the_reference(corpus, reference, monkeypatch, pure_python):
    model = _load(monkeypatch, pure_python)
    texts = corpus["text"].tolist()
    label_head = reference["label"]
    expected = label_head.predict_proba(texts)[:, [list(label_head.classes_).index(label) for label in model.labels]]
    function_heads = {name.split(":", 1)[1]: head for name, head in reference.items() if name.startswith("function:")}
    expected_functions = {label: head.predict_proba(texts) for label, head in function_heads.items()}
    monkeypatch.setattr(runtime, "PARALLEL_MIN_TEXTS", 10**9)  # one thread
    batch = model.classify(texts)
    single = [model.classify(text) for text in texts]
    monkeypatch.setattr(runtime, "PARALLEL_MIN_TEXTS", 100)
    monkeypatch.setattr(runtime, "THREAD_STEP", 256)
    monkeypatch.setattr(runtime, "usable_cores", lambda: 2)
    threaded = model.classify(texts)
    for predictions in (batch, single, threaded):
        scores = np.array([[p.scores[label] for label in model.labels] for p in predictions])
        assert np.max(np.abs(scores - expected)) <= 1e-9
        for row, p in enumerate(predictions):
            assert p.label == model.labels[int(np.argmax(expected[row]))]
            if p.label in function_heads:
                probabilities = expected_functions[p.label][row]
                assert p.function == function_heads[p.label].classes_[int(np.argmax(probabilities))]
                assert abs(p.function_confidence - probabilities.max()) <= 1e-9
    assert batch == single == threaded


def _fit(vectorizer, texts=("Plan the budget now", "Inspire the team today", "Rivers flow to the sea")):
    features = FeatureUnion([("block", vectorizer)]).fit(list(texts))
    head = LogisticRegression().fit(features.transform(list(texts)), ["management", "leadership", "neither"])
    return {"label": Pipeline([("features", features), ("classifier", head)])}


@pytest.mark.parametrize(
    "vectorizer",
    [
        TfidfVectorizer(ngram_range=(1, 3), sublinear_tf=False),
        TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 6)),
        TfidfVectorizer(ngram_range=(2, 2), sublinear_tf=True, token_pattern=r"(?u)\b\w+\b"),
    ],
)
def test_supported_vectorizer_settings_compile_exactly(vectorizer, monkeypatch):
    reference = _fit(vectorizer)
    arrays, metadata = export_reference(reference, {})
    texts = ["plan the team today", "Über-große Flüsse", "a", "sea  sea\tsea", "🙂 inspire"]
    assert max_difference(reference, Classifier(arrays, metadata), texts) <= 1e-12
    monkeypatch.setenv(PURE_PYTHON_VARIABLE, "1")
    assert max_difference(reference, Classifier(arrays, metadata), texts) <= 1e-12


@pytest.mark.parametrize(
    "vectorizer",
    [
        TfidfVectorizer(stop_words="english"),
        TfidfVectorizer(analyzer="char"),
        TfidfVectorizer(binary=True),
        TfidfVectorizer(lowercase=False),
        TfidfVectorizer(strip_accents="unicode"),
    ],
)
def test_unsupported_settings_are_refused(vectorizer):
    with pytest.raises(CompileError, match=r"does not support|cannot run"):
        export_reference(_fit(vectorizer), {})


def test_binary_heads_compile_to_two_classes():
    features = FeatureUnion([("w", TfidfVectorizer())]).fit(["good plan", "bad plan", "good day", "bad day"])
    head = LogisticRegression().fit(
        features.transform(["good plan", "bad plan", "good day", "bad day"]),
        ["management", "neither", "management", "neither"],
    )
    arrays, _ = export_reference({"label": Pipeline([("features", features), ("classifier", head)])}, {})
    assert arrays["weights"].shape[1] == 2 and np.all(arrays["weights"][:, 0] == 0)


def test_the_lexicon_block_compiles_exactly(corpus):
    from lmclassify.features.config import FeatureConfig
    from lmclassify.features.union import build_features

    texts = corpus["text"].tolist()[::10]
    features = build_features(FeatureConfig(char_ngrams=None, lexicon_weight=0.7)).fit(texts)
    labels = corpus["label"].tolist()[::10]
    head = LogisticRegression(max_iter=1000).fit(features.transform(texts), labels)
    reference = {"label": Pipeline([("features", features), ("classifier", head)])}
    arrays, metadata = export_reference(reference, {})
    probe = [*corpus["text"].tolist()[1::10], "Root cause analysis of the outage and a corrective action plan."]
    assert max_difference(reference, Classifier(arrays, metadata), probe) <= 1e-12
