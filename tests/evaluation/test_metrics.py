import numpy as np
import pytest

from lmclassify.evaluation.metrics import expected_calibration_error, function_metrics, label_metrics


def test_perfect_calibration_has_zero_error():
    probabilities = np.array([[0.8, 0.2]] * 10)
    correct = np.array([True] * 8 + [False] * 2)
    assert expected_calibration_error(probabilities, correct) == pytest.approx(0.0)


def test_overconfidence_is_measured():
    probabilities = np.array([[0.95, 0.05]] * 10)
    correct = np.array([True] * 5 + [False] * 5)
    assert expected_calibration_error(probabilities, correct) == pytest.approx(0.45)


def test_label_metrics_confusion_and_per_class():
    truth = ["management", "management", "leadership", "neither"]
    guess = ["management", "leadership", "leadership", "neither"]
    metrics = label_metrics(truth, guess, np.full((4, 3), 1 / 3))
    assert metrics["confusion_matrix"] == [[1, 1, 0], [0, 1, 0], [0, 0, 1]]
    assert metrics["per_class"]["management"]["recall"] == 0.5
    assert metrics["management_vs_leadership_accuracy"] == pytest.approx(2 / 3)


def test_function_metrics_per_function():
    result = function_metrics(["planning", "planning", "culture"], ["planning", "staffing", "culture"])
    assert result["accuracy"] == pytest.approx(2 / 3)
    assert result["per_function"]["planning"] == {"accuracy": 0.5, "support": 2}
