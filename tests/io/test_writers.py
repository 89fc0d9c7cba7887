"""Writers take a chunk's frame plus the added result arrays, and write exactly what a combined frame gives."""

from __future__ import annotations

import io
import json
import math

import numpy as np
import pandas as pd
import pytest

from lmclassify.io.writers import cell_text, open_writer


def _written(kind: str, frame: pd.DataFrame, added: dict | None = None, **options) -> bytes:
    buffer = io.BytesIO()
    with open_writer(buffer, kind, **options) as writer:
        writer.write(frame, added)
    return buffer.getvalue()


def _added() -> dict[str, np.ndarray]:
    return {
        "label": np.array(["management", None, "neither"], dtype=object),
        "confidence": np.array([0.1 + 0.2, math.nan, 1.0]),
        "function": np.array(["budgeting", None, None], dtype=object),
        "p_x": np.array([1e-300, math.inf, 5e-324]),
    }


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "text": pd.Series(["a, b", 'say "hi"', "=SUM(A1)"], dtype=object),
            "n": pd.array([1, None, 3], dtype="Int64"),
            "flag": pd.array([True, False, None], dtype="boolean"),
        }
    )


def _combined() -> pd.DataFrame:
    combined = _frame()
    for name, values in _added().items():
        combined[name] = pd.Series(values, dtype=object if values.dtype == object else values.dtype)
    return combined


@pytest.mark.parametrize("escape_formulas", [False, True])
@pytest.mark.parametrize("kind", ["csv", "txt"])
def test_added_arrays_are_written_as_the_cells_of_a_combined_frame_would_be(kind, escape_formulas):
    separate = _written(kind, _frame(), _added(), escape_formulas=escape_formulas)
    assert separate == _written(kind, _combined(), escape_formulas=escape_formulas)
    lines = separate.decode().splitlines()
    cells = lines[1].split("," if kind == "csv" else "\t")
    assert cells[-4:] == ["management", cell_text(0.1 + 0.2), "budgeting", "1e-300"]
    assert lines[2].endswith(("," if kind == "csv" else "\t").join(["", "", "", "inf"]))  # NaN and None: empty


def test_csv_cells_keep_their_text_and_floats_their_full_precision():
    text = _written("csv", _frame(), _added()).decode()
    assert text.splitlines()[0] == "text,n,flag,label,confidence,function,p_x"
    assert text.splitlines()[1] == '"a, b",1,true,management,0.30000000000000004,budgeting,1e-300'
    assert float(text.splitlines()[3].split(",")[-1]) == 5e-324


def test_jsonl_and_parquet_take_the_added_arrays_too():
    rows = [json.loads(line) for line in _written("jsonl", _frame(), _added()).decode().splitlines()]
    assert rows[1] == {"text": 'say "hi"', "n": None, "flag": False, "label": None, "confidence": None,
                       "function": None, "p_x": math.inf}  # fmt: skip
    pytest.importorskip("pyarrow", reason="Parquet needs pyarrow (the parquet extra)")
    import pyarrow.parquet as pq

    table = pq.read_table(io.BytesIO(_written("parquet", _frame(), _added())))
    assert table.column_names == list(_combined().columns)
    assert table.column("label").to_pylist() == ["management", None, "neither"]
    assert str(table.schema.field("confidence").type) == "double"


def test_an_empty_chunk_writes_the_header_alone():
    empty = _frame().iloc[:0]
    added = {name: values[:0] for name, values in _added().items()}
    assert _written("csv", empty, added).decode() == "text,n,flag,label,confidence,function,p_x\n"
