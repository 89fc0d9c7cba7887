"""Temperature scaling: one scalar that makes a linear classifier's probabilities mean what they say.

The temperature ``T`` is fitted on out-of-fold decision scores of the training data (so it sees scores the
model produces on text it was not fitted on), then the estimator is refitted on all of it. With ``groups`` (one
per whole document, one per single unit), the folds hold out whole documents, so the temperature is fitted
where users are: on units of documents the model never saw. Probabilities are
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

from typing import TYPE_CHECKING, Any

import numpy as np
from scipy.optimize import minimize_scalar
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold, cross_val_predict

if TYPE_CHECKING:
    from numpy.typing import ArrayLike
    from scipy import sparse


def _as_class_scores(decision: np.ndarray) -> np.ndarray:
    """Binary classifiers return one score per row; make it one score per class."""
    decision = np.asarray(decision, dtype=np.float64)
    if decision.ndim == 1:
        return np.column_stack([np.zeros_like(decision), decision])
    return decision


def softmax(scores: np.ndarray) -> np.ndarray:
    """Row-wise softmax, stable for large scores."""
    shifted: np.ndarray = scores - scores.max(axis=1, keepdims=True)
    np.exp(shifted, out=shifted)
    shifted /= shifted.sum(axis=1, keepdims=True)
    return shifted


def fit_temperature(scores: np.ndarray, y_index: np.ndarray, weights: np.ndarray | None = None) -> float:
    """The temperature minimising the (``weights``-weighted) negative log-likelihood of ``y_index`` under
    ``softmax(scores / T)``."""

    def nll(log_t: float) -> float:
        scaled = scores / np.exp(log_t)
        scaled = scaled - scaled.max(axis=1, keepdims=True)
        log_norm = np.log(np.exp(scaled).sum(axis=1))
        return float(np.average(log_norm - scaled[np.arange(len(y_index)), y_index], weights=weights))

    result = minimize_scalar(nll, bounds=(np.log(0.05), np.log(20.0)), method="bounded")
    return float(np.exp(result.x))


def fit_offsets(scores: np.ndarray, y_index: np.ndarray, penalty: float = 1.0) -> np.ndarray:
    """Per-class log-odds offsets ``b`` (summing to 0) minimising the negative log-likelihood of ``y_index``
    under ``softmax(scores + b)``, with an L2 ``penalty`` (in units of rows) that pulls them towards 0.

    >>> scores = np.zeros((4, 2)); fit_offsets(scores, np.array([1, 1, 1, 0]), penalty=0.0).round(2)
    array([-0.55,  0.55])
    """
    from scipy.optimize import minimize

    n_classes = scores.shape[1]
    rows = np.arange(len(y_index))

    def objective(offsets: np.ndarray) -> tuple[float, np.ndarray]:
        shifted = scores + offsets
        probabilities = softmax(shifted.copy())
        log_norm = np.log(np.exp(shifted - shifted.max(axis=1, keepdims=True)).sum(axis=1))
        log_norm += shifted.max(axis=1)
        loss = float(np.sum(log_norm - shifted[rows, y_index])) + penalty * float(offsets @ offsets)
        gradient = probabilities.sum(axis=0) - np.bincount(y_index, minlength=n_classes) + 2 * penalty * offsets
        return loss, gradient

    result = minimize(objective, np.zeros(n_classes), jac=True, method="L-BFGS-B")
    offsets: np.ndarray = result.x - result.x.mean()
    return offsets


class TemperatureScaledClassifier(ClassifierMixin, BaseEstimator):  # type: ignore[misc]
    """Wrap a classifier with a ``decision_function`` and calibrate its probabilities by temperature scaling."""

    def __init__(self, estimator: Any, cv: int = 5, random_state: int | None = 0) -> None:
        self.estimator = estimator
        self.cv = cv
        self.random_state = random_state

    def fit(
        self,
        X: ArrayLike | sparse.spmatrix,
        y: ArrayLike,
        groups: ArrayLike | None = None,
        calibration_weight: np.ndarray | None = None,
    ) -> TemperatureScaledClassifier:
        """Fit on ``X, y``; ``groups`` (optional, one per row) keeps each group inside one fold, and
        ``calibration_weight`` (optional, one per row) weights the rows when fitting the temperature.

        Sets ``estimator_``, ``classes_``, ``temperature_`` and ``out_of_fold_scores_`` (the out-of-fold class
        scores, shape ``(n_rows, n_classes)``, before temperature scaling).
        """
        y = np.asarray(y)
        if groups is None:
            folds = StratifiedKFold(n_splits=self.cv, shuffle=True, random_state=self.random_state)
        else:
            folds = StratifiedGroupKFold(n_splits=self.cv, shuffle=True, random_state=self.random_state)
        out_of_fold = cross_val_predict(
            clone(self.estimator), X, y, groups=groups, cv=folds, method="decision_function"
        )
        self.estimator_ = clone(self.estimator).fit(X, y)
        self.classes_ = self.estimator_.classes_
        y_index = np.searchsorted(self.classes_, y)
        self.out_of_fold_scores_ = _as_class_scores(out_of_fold)
        self.temperature_ = fit_temperature(self.out_of_fold_scores_, y_index, calibration_weight)
        return self

    def decision_function(self, X: ArrayLike | sparse.spmatrix) -> np.ndarray:
        scores: np.ndarray = self.estimator_.decision_function(X)
        return scores

    def predict_proba(self, X: ArrayLike | sparse.spmatrix) -> np.ndarray:
        return softmax(_as_class_scores(self.decision_function(X)) / self.temperature_)

    def predict(self, X: ArrayLike | sparse.spmatrix) -> np.ndarray:
        predicted: np.ndarray = self.classes_[np.argmax(self.predict_proba(X), axis=1)]
        return predicted
