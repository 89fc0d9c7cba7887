"""What the added rows change, measured on the added rows themselves: a model without them and one with them.

- **without**: the chosen configuration fitted on the base data's train rows only (the added rows, and the base
  rows they replace, left out), labelling every added row;
- **with**: each added row labelled by a model that was trained with the other added rows but not with it: its
  out-of-fold prediction from the cross-validation over all train rows (for rows in the train split), or the
  final model's prediction (for rows in the test split, which it never saw).

Both are scored by macro-F1 (over the labels the added rows have) and accuracy, beside the cross-validated
macro-F1 over all train rows.

>>> figures(["management", "leadership", "management"], ["management", "management", "management"])
{'n': 3, 'macro_f1': 0.4, 'accuracy': 0.667}
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.metrics import f1_score

from lmclassify.corpus.codebook import LABELS
from lmclassify.training.merge import user_rows

logger = logging.getLogger(__name__)


def figures(truth: Sequence[str] | np.ndarray, predicted: Sequence[str] | np.ndarray) -> dict[str, Any]:
    """``n``, ``macro_f1`` (over the labels ``truth`` has) and ``accuracy``, rounded to 3 places."""
    truth, predicted = np.asarray(truth, dtype=object), np.asarray(predicted, dtype=object)
    present = [label for label in LABELS if label in set(truth)]
    if not len(truth):
        return {"n": 0, "macro_f1": None, "accuracy": None}
    macro_f1 = f1_score(truth, predicted, labels=present, average="macro", zero_division=0)
    return {
        "n": len(truth),
        "macro_f1": round(float(macro_f1), 3),
        "accuracy": round(float(np.mean(truth == predicted)), 3),
    }


def user_rows_report(
    estimator: Any,
    train_rows: pd.DataFrame,
    test_rows: pd.DataFrame,
    out_of_fold_predictions: np.ndarray,
    final_model: Any,
    cv_macro_f1: float,
) -> dict[str, Any]:
    """The figures on the added rows, without and with them (see the module docstring).

    ``estimator``: an unfitted estimator of the chosen configuration; ``train_rows``/``test_rows``: the train rows
    (with document units) and the test rows, both with the ``user_file`` column; ``out_of_fold_predictions``:
    one label per train row; ``final_model``: the fitted model (anything with ``predict(texts)``).
    """
    in_train, in_test = user_rows(train_rows).to_numpy(), user_rows(test_rows).to_numpy()
    added = pd.concat([train_rows.loc[in_train], test_rows.loc[in_test]], ignore_index=True)
    truth = added["label"].to_numpy()
    held_out = test_rows.loc[in_test, "text"].tolist()
    with_them = np.concatenate(
        [
            np.asarray(out_of_fold_predictions, dtype=object)[in_train],
            np.asarray(final_model.predict(held_out) if held_out else [], dtype=object),
        ]
    )
    base = train_rows.loc[~in_train]
    without = None
    if len(added) and base["label"].nunique() > 1:
        model = clone(estimator).fit(base["text"], base["label"])
        without = figures(truth, model.predict(added["text"].tolist()))
    return {
        "n": len(added),
        "train_rows": int(in_train.sum()),
        "test_rows": int(in_test.sum()),
        "without": without,
        "with": figures(truth, with_them),
        "cv_macro_f1": round(float(cv_macro_f1), 3),
    }


def log_report(report: dict[str, Any], files: Sequence[str]) -> None:
    """Log :func:`user_rows_report`'s figures at INFO level."""

    def shown(row: dict[str, Any] | None) -> str:
        if row is None:
            return "no base data to compare with (--replace)"
        if row["macro_f1"] is None:
            return "no rows"
        return f"macro-F1 {row['macro_f1']:.3f}, accuracy {row['accuracy']:.3f}"

    logger.info(
        "added rows (%s): %d, %d train, %d test",
        ", ".join(files),
        report["n"],
        report["train_rows"],
        report["test_rows"],
    )
    logger.info("  without them (trained on the base data only):  %s", shown(report["without"]))
    logger.info("  with them (each row held out of its model):    %s", shown(report["with"]))
    logger.info("  cross-validated macro-F1 over all train rows:  %.3f", report["cv_macro_f1"])
