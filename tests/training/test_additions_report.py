"""The figures on your rows without and with them: each row is labelled by a model that never saw it."""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
import pytest

from lmclassify.training.additions_report import figures, log_report, user_rows_report
from lmclassify.training.crossval import out_of_fold
from lmclassify.training.data import with_documents
from lmclassify.training.estimator import KotterClassifier


def _quick():
    return KotterClassifier(char_ngrams=None, lexicon_weight=0.0, min_df=1, calibration_folds=0)


def test_figures_average_over_the_labels_the_rows_have():
    result = figures(["management", "management", "neither"], ["management", "leadership", "neither"])
    assert result == {"n": 3, "macro_f1": pytest.approx(round((2 / 3 + 1) / 2, 3)), "accuracy": 0.667}
    assert figures([], []) == {"n": 0, "macro_f1": None, "accuracy": None}


@pytest.fixture(scope="module")
def report(corpus):
    """Base rows from the corpus; added rows that differ only by a made-up word which decides their label, so a
    model must have seen other added rows to label them."""
    base = corpus.groupby("label").head(40).assign(user_file="")
    made_up = {"management": "zindlepod", "leadership": "flubbergast"}
    added = pd.DataFrame(
        {
            "text": [f"Please look at the {made_up[label]} {i} before Friday." for i in range(20) for label in made_up],
            "label": [label for _ in range(20) for label in made_up],
            "user_file": "mine.csv",
        }
    )
    added["split"] = ["test" if i % 5 == 0 else "train" for i in range(len(added))]
    train_rows = with_documents(pd.concat([base, added[added["split"] == "train"]], ignore_index=True), None)
    test_rows = added[added["split"] == "test"].reset_index(drop=True)
    predictions, scores = out_of_fold(_quick(), train_rows, seed=0, jobs=1)
    final = _quick().fit(train_rows["text"], train_rows["label"])
    return user_rows_report(_quick(), train_rows, test_rows, predictions, final, float(scores.mean()))


def test_the_rows_are_labelled_better_with_them_than_without(report):
    assert report["n"] == 40 and report["train_rows"] == 32 and report["test_rows"] == 8
    assert report["with"]["n"] == report["without"]["n"] == 40
    assert report["without"]["accuracy"] <= 0.6  # the base data cannot know the made-up words
    assert report["with"]["accuracy"] >= report["without"]["accuracy"] + 0.3
    assert 0 < report["cv_macro_f1"] <= 1


def test_the_report_is_logged(report, caplog):
    with caplog.at_level(logging.INFO, logger="lmclassify"):
        log_report(report, ["mine.csv"])
    assert "added rows (mine.csv): 40, 32 train, 8 test" in caplog.text
    assert f"without them (trained on the base data only):  macro-F1 {report['without']['macro_f1']:.3f}" in caplog.text
    assert f"accuracy {report['with']['accuracy']:.3f}" in caplog.text
    with caplog.at_level(logging.INFO, logger="lmclassify"):
        log_report({**report, "without": None}, ["mine.csv"])
    assert "no base data to compare with (--replace)" in caplog.text


def test_without_base_rows_there_is_no_without_figure(corpus):
    rows = corpus.groupby("label").head(10).assign(user_file="mine.csv").reset_index(drop=True)
    predictions = np.asarray(rows["label"], dtype=object)
    report = user_rows_report(_quick(), rows, rows.iloc[:0], predictions, None, 0.7)
    assert report["without"] is None and report["with"]["accuracy"] == 1.0
