"""Scoring predicted labels against a gold column: the same figures as label_metrics, summed over chunks, and every
row that could not be scored counted by reason."""

from __future__ import annotations

import itertools
import math
import random

import numpy as np
import pandas as pd
import pytest

from lmclassify.corpus.codebook import LABELS
from lmclassify.evaluation.gold import LISTED_UNKNOWN, GoldScore
from lmclassify.evaluation.metrics import label_metrics


def _random_rows(seed: int, n: int, labels=LABELS) -> tuple[list[str], list[str]]:
    chance = random.Random(seed)
    return [chance.choice(labels) for _ in range(n)], [chance.choice(labels) for _ in range(n)]


@pytest.mark.parametrize("seed", range(5))
def test_the_figures_equal_label_metrics(seed):
    gold, guess = _random_rows(seed, 200)
    score = GoldScore("label", LABELS)
    score.add(gold, guess)
    reference = label_metrics(gold, guess, np.full((len(gold), 3), 1 / 3))
    assert score.rows == reference["n"]
    assert score.accuracy == pytest.approx(reference["accuracy"])
    assert score.macro_f1 == pytest.approx(reference["macro_f1"])
    assert score.counts == reference["confusion_matrix"]
    for label in LABELS:
        for name in ("precision", "recall", "f1", "support"):
            assert score.per_label[label][name] == pytest.approx(reference["per_class"][label][name]), (label, name)


def test_a_label_absent_from_gold_and_predictions_counts_as_zero_f1_as_in_label_metrics():
    gold, guess = _random_rows(7, 50, labels=("management", "leadership"))
    score = GoldScore("label", LABELS)
    score.add(gold, guess)
    assert score.per_label["neither"]["f1"] == 0.0
    assert score.macro_f1 == pytest.approx(label_metrics(gold, guess, np.full((50, 3), 1 / 3))["macro_f1"])


def test_chunks_sum_to_the_whole_whatever_the_split():
    gold, guess = _random_rows(3, 300)
    whole = GoldScore("label", LABELS)
    whole.add(gold, guess)
    chunked = GoldScore("label", LABELS)
    cuts = [0, 1, 17, 150, 151, 299, 300]
    for start, end in itertools.pairwise(cuts):
        chunked.add(gold[start:end], guess[start:end])
    assert chunked.to_dict() == whole.to_dict()


def test_gold_cells_are_stripped_but_case_matters():
    score = GoldScore("label", LABELS)
    score.add(["  management\t", "Management", "LEADERSHIP", "neither "], ["management"] * 4)
    assert (score.rows, score.unknown, score.missing) == (2, 2, 0)
    assert dict(score.unknown_values) == {"'Management'": 1, "'LEADERSHIP'": 1}


def test_every_row_not_scored_is_counted_by_reason():
    gold = ["management", None, math.nan, pd.NA, "", "   ", "boss", 3, "leadership", "neither"]
    guess = [
        "management",
        "management",
        "neither",
        None,
        "leadership",
        "neither",
        "neither",
        "neither",
        None,
        "neither",
    ]
    score = GoldScore("label", LABELS)
    score.add(gold, guess)
    assert (score.rows, score.missing, score.unknown, score.unclassified) == (2, 5, 2, 1)
    assert score.rows + score.missing + score.unknown + score.unclassified == len(gold)
    assert score.accuracy == 1.0
    report = score.report()
    assert "5 row(s) without a gold label, 2 with an unknown one, 1 not classified" in report
    assert "'boss' 1" in report and "3 1" in report and "use exactly management, leadership or neither" in report


def test_the_unknown_values_listed_are_bounded_but_all_are_counted():
    gold = [f"label {i}" for i in range(40)] + ["label 0"] * 3
    score = GoldScore("label", LABELS)
    score.add(gold, ["management"] * len(gold))
    assert score.unknown == 43 and len(score.unknown_values) == LISTED_UNKNOWN
    assert score.unknown_values["'label 0'"] == 4
    assert f"and {43 - 4 - (LISTED_UNKNOWN - 1):,} more" in score.report()


def test_no_scored_row_gives_no_figures_and_says_so():
    score = GoldScore("coded", LABELS)
    score.add([None, "x"], ["management", "neither"])
    assert score.accuracy is None and score.macro_f1 is None and score.rows == 0
    assert "no row had both a valid gold label and a prediction" in score.report()
    assert "column 'coded'" in score.report()


def test_the_mismatched_lengths_of_a_chunk_are_an_error():
    with pytest.raises(ValueError):
        GoldScore("label", LABELS).add(["management"], ["management", "neither"])
