import numpy as np
from sklearn.linear_model import LogisticRegression

from lmclassify.training.calibration import TemperatureScaledClassifier, fit_temperature, softmax


def test_temperature_recovers_a_known_scaling():
    rng = np.random.default_rng(0)
    true_scores = rng.normal(size=(4000, 3)) * 2
    y = np.array([rng.choice(3, p=p) for p in softmax(true_scores.copy())])
    assert abs(fit_temperature(true_scores * 3, y) - 3) < 0.3


def test_calibration_keeps_predictions_and_sums_to_one():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(300, 5))
    y = np.where(X[:, 0] + 0.5 * rng.normal(size=300) > 0, "a", "b")
    model = TemperatureScaledClassifier(LogisticRegression(C=100.0), cv=3).fit(X, y)
    assert model.temperature_ > 0
    assert np.allclose(model.predict_proba(X).sum(axis=1), 1)
    assert (model.predict(X) == model.estimator_.predict(X)).all()


def test_offsets_recover_a_known_shift_and_sum_to_zero():
    from lmclassify.training.calibration import fit_offsets

    rng = np.random.default_rng(2)
    scores = rng.normal(size=(6000, 3))
    shift = np.array([-1.0, 0.0, 1.0])
    y = np.array([rng.choice(3, p=p) for p in softmax(scores + shift)])
    offsets = fit_offsets(scores, y, penalty=0.0)
    assert np.allclose(offsets, shift, atol=0.15) and abs(offsets.sum()) < 1e-9
    assert np.abs(fit_offsets(scores, y, penalty=1e6)).max() < 1e-3  # the penalty pulls towards no shift


def test_groups_keep_each_document_in_one_fold():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(200, 4))
    y = np.where(X[:, 0] > 0, "a", "b")
    groups = np.repeat(np.arange(20), 10)
    model = TemperatureScaledClassifier(LogisticRegression(), cv=4).fit(X, y, groups=groups)
    assert model.out_of_fold_scores_.shape == (200, 2) and model.temperature_ > 0
    # A model that memorises its documents: with grouped folds the out-of-fold scores carry no memory of them.
    document_feature = np.eye(20)[groups] * 10
    y_by_document = np.where(groups % 2 == 0, "a", "b")
    grouped = TemperatureScaledClassifier(LogisticRegression(C=100.0), cv=4)
    grouped.fit(document_feature, y_by_document, groups=groups)
    ungrouped = TemperatureScaledClassifier(LogisticRegression(C=100.0), cv=4).fit(document_feature, y_by_document)
    assert grouped.temperature_ > 5 * ungrouped.temperature_
