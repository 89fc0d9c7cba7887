"""classify_frame: result columns added, index kept, input untouched, bad cells never raise."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from lmclassify import LABELS, load_model
from lmclassify.resources import default_model_path
from lmclassify.runtime.frame import result_columns


@pytest.fixture(scope="module")
def model():
    return load_model(default_model_path())


def test_classify_frame_adds_columns_keeps_index_and_does_not_modify_input(model):
    frame = pd.DataFrame({"id": [7, 8], "body": ["Cut unit costs by 5% this year.", "A bird sang."]}, index=[10, 20])
    before = frame.copy()
    out = model.classify_frame(frame, column="body")
    pd.testing.assert_frame_equal(frame, before)
    assert list(out.index) == [10, 20]
    assert list(out.columns) == [
        "id",
        "body",
        "label",
        "confidence",
        *[f"p_{label}" for label in LABELS],
        "function",
        "function_confidence",
    ]
    expected = model.classify(frame["body"].tolist())
    assert out["label"].tolist() == [p.label for p in expected]
    assert np.allclose(out[[f"p_{label}" for label in LABELS]].sum(axis=1), 1.0)


def test_classify_frame_never_raises_on_missing_cells_and_warns_once(model):
    frame = pd.DataFrame({"text": ["Plan the rota.", None, float("nan"), "", "  ", 42, "Inspire people."]})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = model.classify_frame(frame)
    assert len(caught) == 1 and "5 row(s)" in str(caught[0].message)
    assert out["label"].isna().tolist() == [False, True, True, True, True, True, False]
    assert out.loc[1:5, "p_management"].isna().all()


def test_existing_result_columns_are_refused_by_name_and_a_prefix_adds_beside_them(model):
    from lmclassify import ColumnError

    gold = pd.DataFrame({"text": ["Plan the rota.", "Inspire the team."], "label": ["management", "x"]})
    with pytest.raises(ColumnError, match=r"\['label'\].*prefix="):
        model.classify_frame(gold)
    out = model.classify_frame(gold, prefix="predicted_")
    assert out["label"].tolist() == ["management", "x"]
    assert out["predicted_label"].tolist() == ["management", "leadership"]
    assert list(out.columns) == ["text", "label", *result_columns(model.labels, "predicted_")]
    with pytest.raises(ColumnError, match="predicted_label"):
        model.classify_frame(out, prefix="predicted_")


def test_classify_frame_names_a_missing_column(model):
    with pytest.raises(KeyError, match="'content' not found"):
        model.classify_frame(pd.DataFrame({"text": ["x"]}), column="content")


def test_result_arrays_match_classify_on_one_thread_or_many(model):
    from lmclassify.runtime.frame import result_arrays

    cells = ["Cut unit costs by 5% this year.", None, "   ", 3, "Give people a reason to believe.", ""] * 400
    columns, skipped = result_arrays(model, cells, prefix="pred_")
    alone, _ = result_arrays(model, cells, prefix="pred_", threads=False)
    assert skipped == 4 * 400 and list(columns) == result_columns(model.labels, "pred_")
    for name, values in columns.items():
        assert values.shape == (len(cells),) and values.dtype == alone[name].dtype
        assert (
            np.array_equal(values, alone[name], equal_nan=True)
            if values.dtype != object
            else values.tolist() == alone[name].tolist()
        )
    predictions = model.classify([cell for cell in cells if isinstance(cell, str) and cell.strip()])
    usable = [row for row, cell in enumerate(cells) if isinstance(cell, str) and cell.strip()]
    assert columns["pred_label"][usable].tolist() == [p.label for p in predictions]
    assert columns["pred_p_leadership"][usable].tolist() == [p.scores["leadership"] for p in predictions]
    assert columns["pred_function"][usable].tolist() == [p.function for p in predictions]
    unusable = sorted(set(range(len(cells))) - set(usable))
    assert set(columns["pred_label"][unusable].tolist()) == {None}
    assert np.isnan(columns["pred_confidence"][unusable]).all()
