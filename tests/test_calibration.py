import numpy as np
from sklearn.linear_model import LogisticRegression

from lmclassify.calibration import TemperatureScaledClassifier, fit_temperature, softmax


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
