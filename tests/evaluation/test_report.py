"""The plain-text reports: tables of groups stay aligned whatever the length of the group names."""

from __future__ import annotations

import re

import numpy as np

from lmclassify.evaluation.metrics import label_metrics
from lmclassify.evaluation.report import format_document_report, format_report

LONG = "customer letters from the regional offices, second batch"


def _table(report: str, heading: str) -> list[str]:
    lines = report.splitlines()
    start = lines.index(heading) + 1
    return [line for line in lines[start:] if line.startswith("  ")]


def _number_columns(rows: list[str]) -> set[int]:
    return {re.search(r"\d\.\d{3}", row).start() for row in rows}


def test_accuracy_by_group_aligns_with_a_long_group_name():
    truth, guess = ["management", "leadership", "neither"], ["management", "neither", "neither"]
    result = label_metrics(truth, guess, np.full((3, 3), 1 / 3))
    result["by"] = {
        "column": "source",
        "groups": {"email": {"n": 1, "accuracy": 1.0}, LONG: {"n": 2, "accuracy": 0.5}, "x": {"n": 9, "accuracy": 0}},
    }
    rows = _table(format_report(result, "title:"), "accuracy by source:")
    assert len(rows) == 3 and any(LONG in row for row in rows)
    assert len(_number_columns(rows)) == 1, rows
    assert all(f"{name}  " in "".join(rows) for name in ("email", LONG, "x"))  # a name never runs into a number


def test_macro_f1_by_genre_aligns_with_a_long_genre_name():
    metrics = label_metrics(["management"], ["management"], np.full((1, 3), 1 / 3))
    result = {
        "units": metrics,
        "end_to_end": metrics,
        "segmentation": {"exact_span": 1.0, "exact_span_and_kind": 1.0},
        "by_genre": {"memo": {"macro_f1": 0.5, "units": 3}, LONG: {"macro_f1": 0.25, "units": 4}},
    }
    rows = _table(format_document_report(result, "documents ("), "end-to-end macro-F1 by genre:")
    assert len(rows) == 2 and len(_number_columns(rows)) == 1, rows
