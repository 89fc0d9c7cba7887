"""Temperature scaling: one scalar that makes a linear classifier's probabilities mean what they say.

The temperature ``T`` is fitted on out-of-fold decision scores of the training data (so it sees scores the
model produces on text it was not fitted on), then the estimator is refitted on all of it. Probabilities are
``softmax(decision_function(X) / T)``; ``T > 1`` softens over-confident scores. The predicted class never
changes, only the confidence.

>>> from sklearn.linear_model import LogisticRegression
>>> import numpy as np
>>> X = np.array([[0.0], [0.1], [0.9], [1.0], [0.2], [0.8]]); y = np.array([0, 0, 1, 1, 0, 1])
>>> model = TemperatureScaledClassifier(LogisticRegression(), cv=2).fit(X, y)
>>> model.predict_proba(X).shape
(6, 2)
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import minimize_scalar
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.model_selection import StratifiedKFold, cross_val_predict


def _as_class_scores(decision: np.ndarray) -> np.ndarray:
    """Binary classifiers return one score per row; make it one score per class."""
    decision = np.asarray(decision, dtype=np.float64)
    if decision.ndim == 1:
        return np.column_stack([np.zeros_like(decision), decision])
    return decision


def softmax(scores: np.ndarray) -> np.ndarray:
    """Row-wise softmax, stable for large scores."""
    shifted = scores - scores.max(axis=1, keepdims=True)
    np.exp(shifted, out=shifted)
    shifted /= shifted.sum(axis=1, keepdims=True)
    return shifted


def fit_temperature(scores: np.ndarray, y_index: np.ndarray) -> float:
    """The temperature minimising the negative log-likelihood of ``y_index`` under ``softmax(scores / T)``."""

    def nll(log_t: float) -> float:
        scaled = scores / np.exp(log_t)
        scaled = scaled - scaled.max(axis=1, keepdims=True)
        log_norm = np.log(np.exp(scaled).sum(axis=1))
        return float(np.mean(log_norm - scaled[np.arange(len(y_index)), y_index]))

    result = minimize_scalar(nll, bounds=(np.log(0.05), np.log(20.0)), method="bounded")
    return float(np.exp(result.x))


class TemperatureScaledClassifier(ClassifierMixin, BaseEstimator):
    """Wrap a classifier with a ``decision_function`` and calibrate its probabilities by temperature scaling."""

    def __init__(self, estimator, cv: int = 5, random_state: int | None = 0):
        self.estimator = estimator
        self.cv = cv
        self.random_state = random_state

    def fit(self, X, y):
        y = np.asarray(y)
        folds = StratifiedKFold(n_splits=self.cv, shuffle=True, random_state=self.random_state)
        out_of_fold = cross_val_predict(clone(self.estimator), X, y, cv=folds, method="decision_function")
        self.estimator_ = clone(self.estimator).fit(X, y)
        self.classes_ = self.estimator_.classes_
        y_index = np.searchsorted(self.classes_, y)
        self.temperature_ = fit_temperature(_as_class_scores(out_of_fold), y_index)
        return self

    def decision_function(self, X) -> np.ndarray:
        return self.estimator_.decision_function(X)

    def predict_proba(self, X) -> np.ndarray:
        return softmax(_as_class_scores(self.decision_function(X)) / self.temperature_)

    def predict(self, X) -> np.ndarray:
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]
