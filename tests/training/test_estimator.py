"""KotterClassifier behaves as a scikit-learn estimator and exports a compiled model with its probabilities."""

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer

from lmclassify import ArgumentError, KotterClassifier, load_model
from lmclassify.training.estimator import KotterClassifier as Direct


@pytest.fixture(scope="module")
def sample(corpus):
    return corpus.groupby("function", group_keys=False).head(40).reset_index(drop=True)


@pytest.fixture(scope="module")
def fitted(sample):
    model = KotterClassifier(char_ngrams=(2, 4), calibration_folds=3)
    return model.fit(sample["text"], sample["label"], functions=sample["function"].where(sample["label"] != "neither"))


def test_it_is_exported_lazily_and_clones_with_its_parameters():
    assert KotterClassifier is Direct
    model = KotterClassifier(C=3.0, lexicon_weight=0.0, word_ngrams=(1, 1))
    copy = clone(model)
    assert copy is not model and copy.get_params() == model.get_params()


def test_fit_gives_classes_probabilities_and_function_heads(fitted, sample):
    assert list(fitted.classes_) == sorted(["management", "leadership", "neither"])
    probabilities = fitted.predict_proba(sample["text"][:20])
    assert probabilities.shape == (20, 3) and np.allclose(probabilities.sum(axis=1), 1.0)
    assert set(fitted.predict(sample["text"][:20])) <= set(fitted.classes_)
    assert sorted(fitted.function_heads_) == ["leadership", "management"]
    assert fitted.label_head_.temperature_ > 0
    assert fitted.score(sample["text"], sample["label"]) > 0.8


def test_it_works_in_a_pipeline_and_in_grid_search(sample):
    pipeline = Pipeline(
        [
            ("strip", FunctionTransformer(lambda texts: [text.strip() for text in texts])),
            ("kotter", KotterClassifier(char_ngrams=None, calibration_folds=0)),
        ]
    )
    search = GridSearchCV(pipeline, {"kotter__C": [0.3, 10.0], "kotter__lexicon_weight": [0.0, 0.5]}, cv=3)
    search.fit(sample["text"].tolist(), sample["label"].tolist())
    assert set(search.cv_results_["params"][0]) == {"kotter__C", "kotter__lexicon_weight"}
    assert len(search.best_estimator_.predict(["Inspire the team.", "Plan the rota."])) == 2


def test_export_writes_a_model_with_the_same_probabilities(fitted, sample, tmp_path):
    texts = sample["text"].tolist()
    _, metadata = fitted.export(tmp_path / "model.npz", metadata={"name": "sample"}, check_texts=texts)
    assert metadata["compiled_max_difference"] <= 1e-9
    compiled = load_model(tmp_path / "model.npz")
    order = [list(fitted.classes_).index(label) for label in compiled.classes_]
    np.testing.assert_allclose(compiled.predict_proba(texts), fitted.predict_proba(texts)[:, order], atol=1e-9)
    assert list(compiled.classes_) == list(compiled.labels)
    assert (compiled.predict(texts) == fitted.predict(texts)).all()
    functions, probabilities = fitted.predict_function_proba(texts[:5], "management")
    assert probabilities.shape == (5, len(functions))


def test_export_checks_its_own_vocabulary_by_default(fitted):
    _, metadata = fitted.export()
    assert metadata["compiled_max_difference"] <= 1e-9


def test_bad_arguments_are_refused_by_name(sample):
    with pytest.raises(ArgumentError, match="not one str"):
        KotterClassifier().fit("one text", ["management"])
    with pytest.raises(ArgumentError, match="labels"):
        KotterClassifier().fit(["a", "b"], ["management"])
