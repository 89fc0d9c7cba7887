"""Quality figures for labelled predictions: per-class precision/recall/F1, confusion matrix, calibration error.

>>> m = label_metrics(["management", "neither"], ["management", "leadership"],
...                   [[0.8, 0.1, 0.1], [0.2, 0.5, 0.3]])
>>> m["accuracy"], m["confusion_matrix"][2]
(0.5, [0, 1, 0])
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.metrics import confusion_matrix, f1_score, precision_recall_fscore_support

from lmclassify.corpus.codebook import LABELS


def expected_calibration_error(probabilities: np.ndarray, correct: np.ndarray, bins: int = 10) -> float:
    """ECE: bin predictions by confidence (equal-width bins), weight |accuracy - mean confidence| by bin size.

    >>> expected_calibration_error(np.array([[0.9, 0.1], [0.6, 0.4]]), np.array([True, False]))
    0.35
    """
    probabilities = np.asarray(probabilities, dtype=np.float64)
    confidence = probabilities.max(axis=1)
    correct = np.asarray(correct, dtype=np.float64)
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(confidence, edges[1:-1], right=True), 0, bins - 1)
    total = 0.0
    for b in range(bins):
        mask = which == b
        if mask.any():
            total += mask.mean() * abs(correct[mask].mean() - confidence[mask].mean())
    return round(float(total), 12)


def label_metrics(
    y_true: Sequence[str] | np.ndarray,
    y_pred: Sequence[str] | np.ndarray,
    probabilities: Sequence[Sequence[float]] | np.ndarray,
) -> dict[str, Any]:
    """Macro-F1, accuracy, per-class metrics, confusion matrix (rows = true, columns = predicted, in
    :data:`LABELS` order), expected calibration error (10 bins) and management-vs-leadership accuracy."""
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    precision, recall, f1, support = precision_recall_fscore_support(
        y_true, y_pred, labels=list(LABELS), zero_division=0
    )
    between = np.isin(y_true, ["management", "leadership"]) & np.isin(y_pred, ["management", "leadership"])
    return {
        "n": len(y_true),
        "macro_f1": float(f1_score(y_true, y_pred, labels=list(LABELS), average="macro", zero_division=0)),
        "accuracy": float(np.mean(y_true == y_pred)),
        "management_vs_leadership_accuracy": float(np.mean(y_true[between] == y_pred[between]))
        if between.any()
        else None,
        "ece": expected_calibration_error(np.asarray(probabilities), y_true == y_pred),
        "per_class": {
            label: {
                "precision": float(precision[i]),
                "recall": float(recall[i]),
                "f1": float(f1[i]),
                "support": int(support[i]),
            }
            for i, label in enumerate(LABELS)
        },
        "confusion_matrix": confusion_matrix(y_true, y_pred, labels=list(LABELS)).tolist(),
    }


def function_metrics(true_functions: Sequence[str], predicted_functions: Sequence[str | None]) -> dict[str, Any]:
    """Accuracy of the Kotter function, overall and per true function (callers pass rows whose label is right)."""
    truth, guess = np.asarray(true_functions, dtype=object), np.asarray(predicted_functions, dtype=object)
    per_function = {
        str(function): {"accuracy": float(np.mean(guess[truth == function] == function)), "support": int(n)}
        for function, n in zip(*np.unique(truth, return_counts=True))
    }
    return {
        "n": len(truth),
        "accuracy": float(np.mean(truth == guess)) if len(truth) else None,
        "per_function": per_function,
    }


def format_label_metrics(metrics: dict[str, Any], title: str = "") -> str:
    """A plain-text report of :func:`label_metrics`."""
    lines = [title] if title else []
    lines.append(
        f"n={metrics['n']}  macro-F1={metrics['macro_f1']:.3f}  accuracy={metrics['accuracy']:.3f}  "
        f"ECE={metrics['ece']:.3f}"
    )
    lines.append(f"{'':12}{'precision':>10}{'recall':>10}{'f1':>10}{'support':>10}")
    for label, row in metrics["per_class"].items():
        lines.append(
            f"{label:12}{row['precision']:>10.3f}{row['recall']:>10.3f}{row['f1']:>10.3f}{row['support']:>10d}"
        )
    lines.append("confusion matrix (rows: true, columns: predicted)")
    lines.append(f"{'':12}" + "".join(f"{label:>12}" for label in LABELS))
    for label, row in zip(LABELS, metrics["confusion_matrix"]):
        lines.append(f"{label:12}" + "".join(f"{count:>12d}" for count in row))
    return "\n".join(lines)
