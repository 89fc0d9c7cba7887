"""The compiled runtime reproduces the scikit-learn reference model exactly (within 1e-9)."""

from __future__ import annotations

import joblib
import numpy as np
import pytest
from conftest import REPO
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline

from lmclassify.compile import CompileError, compile_reference, max_difference
from lmclassify.resources import default_model_path
from lmclassify.runtime import Classifier, load_model


def test_bundled_model_matches_its_scikit_learn_reference_on_every_corpus_sentence(corpus):
    reference = joblib.load(REPO / "models" / "default.joblib")  # our own file: trusted
    compiled = load_model(default_model_path())
    texts = corpus["text"].tolist()
    assert max_difference(reference, compiled, texts) <= 1e-9


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
def test_supported_vectorizer_settings_compile_exactly(vectorizer):
    reference = _fit(vectorizer)
    arrays, metadata = compile_reference(reference, {})
    texts = ["plan the team today", "Über-große Flüsse", "a", "sea  sea\tsea", "🙂 inspire"]
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
    with pytest.raises(CompileError, match="does not support"):
        compile_reference(_fit(vectorizer), {})


def test_binary_heads_compile_to_two_classes():
    features = FeatureUnion([("w", TfidfVectorizer())]).fit(["good plan", "bad plan", "good day", "bad day"])
    head = LogisticRegression().fit(
        features.transform(["good plan", "bad plan", "good day", "bad day"]),
        ["management", "neither", "management", "neither"],
    )
    arrays, _ = compile_reference({"label": Pipeline([("features", features), ("classifier", head)])}, {})
    assert arrays["weights"].shape[1] == 2 and np.all(arrays["weights"][:, 0] == 0)


def test_the_lexicon_block_compiles_exactly(corpus):
    from lmclassify.features import FeatureConfig, build_features

    texts = corpus["text"].tolist()[::10]
    features = build_features(FeatureConfig(char_ngrams=None, lexicon_weight=0.7)).fit(texts)
    labels = corpus["label"].tolist()[::10]
    head = LogisticRegression(max_iter=1000).fit(features.transform(texts), labels)
    reference = {"label": Pipeline([("features", features), ("classifier", head)])}
    arrays, metadata = compile_reference(reference, {})
    probe = [*corpus["text"].tolist()[1::10], "Root cause analysis of the outage and a corrective action plan."]
    assert max_difference(reference, Classifier(arrays, metadata), probe) <= 1e-12
