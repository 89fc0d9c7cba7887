"""Cross-validated scores and the macro-F1 floor that training must reach before it writes a model."""

from __future__ import annotations

import logging

import numpy as np
import pytest
from sklearn.model_selection import StratifiedGroupKFold, cross_val_score

from lmclassify.errors import ArgumentError, CorpusError
from lmclassify.training.crossval import MIN_MACRO_F1, check_floor, check_min_macro_f1, out_of_fold
from lmclassify.training.estimator import KotterClassifier


def _quick():
    return KotterClassifier(char_ngrams=None, lexicon_weight=0.0, calibration_folds=0)


def test_out_of_fold_scores_are_those_of_cross_val_score(corpus):
    frame = corpus.groupby("label").head(40).reset_index(drop=True)
    predictions, scores = out_of_fold(_quick(), frame, seed=3, folds=3, jobs=1)
    splitter = StratifiedGroupKFold(n_splits=3, shuffle=True, random_state=3)
    expected = cross_val_score(
        _quick(), frame["text"], frame["label"], groups=np.arange(len(frame)), cv=splitter, scoring="f1_macro"
    )
    assert np.allclose(scores, expected)
    assert predictions.shape == (len(frame),) and set(predictions) <= set(frame["label"])


def test_a_model_below_the_floor_is_refused_with_what_to_do():
    with pytest.raises(CorpusError) as raised:
        check_floor(0.412, MIN_MACRO_F1)
    message = str(raised.value)
    assert "0.412" in message and f"{MIN_MACRO_F1:.2f}" in message
    assert "Add more labelled rows" in message and "--force" in message and "--min-macro-f1" in message


def test_force_writes_a_weak_model_with_a_warning(caplog):
    with caplog.at_level(logging.WARNING, logger="lmclassify"):
        assert check_floor(0.412, 0.6, force=True) is True
    assert "below the floor of 0.60" in caplog.text
    assert check_floor(0.6, 0.6) is False and check_floor(0.9, 0.6, force=True) is False


@pytest.mark.parametrize("floor", [-0.1, 1.5, "0.6", None])
def test_the_floor_must_be_a_fraction(floor):
    with pytest.raises(ArgumentError, match="from 0 to 1"):
        check_min_macro_f1(floor)
    assert check_min_macro_f1(0) == 0.0 and check_min_macro_f1(1) == 1.0
