"""Cross-validated quality of a configuration, and the floor below which training refuses to write a model.

Folds are stratified by label and grouped (all the units of one document fall in one fold). The out-of-fold
predictions give both the per-fold macro-F1 that model choice compares and, for any subset of rows, how a model
that never saw them labels them.

>>> check_floor(0.81, MIN_MACRO_F1)
False
>>> check_floor(0.45, 0.6, force=True)
True
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedGroupKFold, cross_val_predict

from lmclassify.errors import ArgumentError, CorpusError
from lmclassify.training.data import groups_of

logger = logging.getLogger(__name__)

#: The cross-validated macro-F1 a model needs before training writes it (``--min-macro-f1`` changes it,
#: ``--force`` writes a weaker model anyway). Three labels guessed at random score about 0.33.
MIN_MACRO_F1 = 0.6


def out_of_fold(
    estimator: Any, frame: pd.DataFrame, seed: int, folds: int = 5, jobs: int = -1
) -> tuple[np.ndarray, np.ndarray]:
    """``(predictions, fold_scores)``: each row's label predicted by a clone of ``estimator`` fitted on the
    other folds, shape ``(len(frame),)``, and the macro-F1 of each fold, shape ``(folds,)`` (the figures
    ``cross_val_score(..., scoring="f1_macro")`` gives on the same folds).

    Rows that share a ``group`` (the units of one document) stay in one fold.
    """
    splitter = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=seed)
    texts, truth, groups = frame["text"], frame["label"].to_numpy(), groups_of(frame)
    predictions = np.asarray(
        cross_val_predict(estimator, texts, truth, groups=groups, cv=splitter, n_jobs=jobs), dtype=object
    )
    scores = [
        f1_score(truth[test], predictions[test], average="macro") for _, test in splitter.split(texts, truth, groups)
    ]
    return predictions, np.asarray(scores, dtype=np.float64)


def check_min_macro_f1(floor: float) -> float:
    """``floor`` as a float in [0, 1], else :class:`ArgumentError`."""
    if not isinstance(floor, (int, float)) or not 0.0 <= float(floor) <= 1.0:
        raise ArgumentError(f"the macro-F1 floor must be a number from 0 to 1, not {floor!r}")
    return float(floor)


def check_floor(cv_macro_f1: float, floor: float, force: bool = False) -> bool:
    """Raise :class:`CorpusError` when the cross-validated macro-F1 is below ``floor`` (unless ``force``, which
    logs a warning instead). Returns whether the model is below the floor and written only because it was forced.
    """
    if cv_macro_f1 >= floor:
        return False
    if force:
        logger.warning(
            "warning: cross-validated macro-F1 %.3f is below the floor of %.2f; writing the model anyway (forced)",
            cv_macro_f1,
            floor,
        )
        return True
    raise CorpusError(
        f"the model is too weak to be written: its cross-validated macro-F1 is {cv_macro_f1:.3f}, below the floor "
        f"of {floor:.2f} (three labels guessed at random score about 0.33). Add more labelled rows, check that the "
        "labels follow the codebook (data/README.md), or write it anyway with --force (force=True from Python); "
        "--min-macro-f1 changes the floor"
    )
