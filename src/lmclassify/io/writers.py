"""Write tables of texts in chunks, in the format of the file's extension (see :mod:`~.readers`).

CSV and text cells are written back as the text they were read as; other values as their shortest exact text.

>>> import io
>>> import pandas as pd
>>> buffer = io.BytesIO()
>>> with open_writer(buffer, "csv") as writer:
...     writer.write(pd.DataFrame({"id": ["1"], "text": ["Inspire, then align."]}))
>>> buffer.getvalue().decode().splitlines()
['id,text', '1,"Inspire, then align."']
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from typing import IO, TYPE_CHECKING, Any

from lmclassify.errors import DataFileError
from lmclassify.io.formats import require_pyarrow
from lmclassify.io.json_lines import json_line
from lmclassify.io.lines import has_undecodable

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd


def _is_missing(value: Any) -> bool:
    """None, NaN, pandas.NA or NaT (checked without importing pandas)."""
    return (
        value is None or (isinstance(value, float) and value != value) or type(value).__name__ in ("NAType", "NaTType")
    )


def cell_text(value: Any) -> str:
    """A cell as text for CSV and text output: missing -> ``""``, floats in full precision, JSON for nested values.

    >>> [cell_text(v) for v in (None, float("nan"), 0.1 + 0.2, True, {"a": [1]}, "x")]
    ['', '', '0.30000000000000004', 'true', '{"a": [1]}', 'x']
    """
    if isinstance(value, str):
        return value
    if _is_missing(value):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list, tuple)):
        return json.dumps(value, ensure_ascii=False, default=str)
    if hasattr(value, "item") and not hasattr(value, "__len__"):  # numpy scalar
        return cell_text(value.item())
    return str(value)


def _json_value(value: Any) -> Any:
    if _is_missing(value):
        return None
    if hasattr(value, "item") and not isinstance(value, (str, int, float)) and not hasattr(value, "__len__"):
        return value.item()  # numpy scalar
    return value


#: Columns added to a chunk's frame, as arrays as long as the frame (see ``ProbabilityTable.columns``).
Added = Mapping[str, "np.ndarray"]


class Writer:
    """Write :class:`pandas.DataFrame` chunks to a binary file handle, every chunk with the same columns.

    ``write(frame, added)`` writes the frame's columns followed by ``added``, a mapping of column name to an array
    as long as the frame: CSV and text output take the arrays as they are, without a combined frame."""

    def __init__(self, handle: IO[bytes]):
        self.handle = handle
        self.rows_written = 0

    def write(self, frame: pd.DataFrame, added: Added | None = None) -> None:
        self._write(frame, added or {})
        self.rows_written += len(frame)

    def _write(self, frame: pd.DataFrame, added: Added) -> None:
        raise NotImplementedError

    def close(self) -> None:
        """Finish the file (the handle itself stays open: its owner closes it)."""

    def __enter__(self) -> Writer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


#: What a spreadsheet may read as the start of a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def escape_formula(cell: str) -> str:
    """``cell`` with an apostrophe in front when a spreadsheet would run it as a formula.

    >>> escape_formula("=HYPERLINK(1)"), escape_formula("-0.5"), escape_formula("Plan it.")
    ("'=HYPERLINK(1)", "'-0.5", 'Plan it.')
    """
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def _column_values(frame: pd.DataFrame, added: Added) -> list[list[Any]]:
    """Every column's values as a list: the frame's columns, then the added arrays."""
    return [frame[name].tolist() for name in frame.columns] + [values.tolist() for values in added.values()]


def _column_names(frame: pd.DataFrame, added: Added) -> list[str]:
    return [str(name) for name in frame.columns] + list(added)


def _as_text(values: list[Any]) -> list[str]:
    """Values as :func:`cell_text` writes them (a column of ``str`` is returned as it is)."""
    if all(type(value) is str for value in values):
        return values
    return [cell_text(value) for value in values]


def _as_csv_cells(values: list[Any]) -> list[Any]:
    """Values that the csv module writes as :func:`cell_text` would: ``str`` and finite ``float`` (whose
    ``str`` is :func:`cell_text`'s) as they are, ``None`` (written as an empty cell) for NaN and None."""
    kinds = set(map(type, values))
    if kinds <= {str, type(None)}:
        return values
    if kinds <= {float, type(None)}:
        return [None if value != value else value for value in values]  # NaN is the one float unequal to itself
    return [cell_text(value) for value in values]


def _text_rows(frame: pd.DataFrame, added: Added, escape_formulas: bool = False) -> list[tuple[str, ...]]:
    columns = [_as_text(values) for values in _column_values(frame, added)]
    if escape_formulas:
        columns = [[escape_formula(cell) for cell in column] for column in columns]
    return list(zip(*columns)) if columns else [()] * len(frame)


def _csv_line(cells: tuple[str, ...] | list[str]) -> str:
    """One CSV record, quoting a cell that holds a comma, quote, line feed or carriage return.

    >>> _csv_line(["a", "b,c", 'say "hi" now', "x\\ry", ""])
    'a,"b,c","say ""hi"" now","x\\ry",'
    """
    if len(cells) == 1 and cells[0] == "":
        return '""'  # an empty one-field record must not look like a blank line
    return ",".join(
        '"' + cell.replace('"', '""') + '"' if any(mark in cell for mark in ',"\n\r') else cell for cell in cells
    )


class CsvWriter(Writer):
    """CSV with a header line (written once, from the first chunk), quoting only where needed. Cells are written
    as they are, including ones a spreadsheet would run as formulas, unless ``escape_formulas`` puts an apostrophe
    in front of those (see :func:`escape_formula`)."""

    def __init__(self, handle: IO[bytes], escape_formulas: bool = False):
        super().__init__(handle)
        self._header_written = False
        self.escape_formulas = escape_formulas

    def _write(self, frame: pd.DataFrame, added: Added) -> None:
        if self.escape_formulas:
            records: list[tuple[Any, ...]] = _text_rows(frame, added, escape_formulas=True)
        else:
            columns = [_as_csv_cells(values) for values in _column_values(frame, added)]
            records = list(zip(*columns)) if columns else [()] * len(frame)
        if not self._header_written:
            records.insert(0, tuple(_column_names(frame, added)))
            self._header_written = True
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows(records)
        text = buffer.getvalue()
        if "\r" in text:  # the csv module leaves a lone carriage return unquoted when lines end with "\n"
            text = "".join(_csv_line([cell_text(cell) for cell in record]) + "\n" for record in records)
        self.handle.write(text.encode("utf-8", "surrogateescape"))


_TSV_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


class TsvWriter(Writer):
    """Text output: a header line, then one line per row, values separated by tabs. A backslash, tab or line
    break inside a value is written as ``\\\\``, ``\\t``, ``\\n`` or ``\\r``, so every row stays on one line.

    >>> import pandas as pd
    >>> buffer = io.BytesIO()
    >>> TsvWriter(buffer).write(pd.DataFrame({"text": ["a\\tb"], "label": ["neither"]}))
    >>> buffer.getvalue()
    b'text\\tlabel\\na\\\\tb\\tneither\\n'
    """

    def __init__(self, handle: IO[bytes], escape_formulas: bool = False):
        super().__init__(handle)
        self._header_written = False
        self.escape_formulas = escape_formulas

    def _write(self, frame: pd.DataFrame, added: Added) -> None:
        lines = []
        if not self._header_written:
            lines.append("\t".join(name.translate(_TSV_ESCAPES) for name in _column_names(frame, added)))
            self._header_written = True
        rows = _text_rows(frame, added, self.escape_formulas)
        lines.extend("\t".join(cell.translate(_TSV_ESCAPES) for cell in row) for row in rows)
        if lines:
            self.handle.write(("\n".join(lines) + "\n").encode("utf-8", "surrogateescape"))


class JsonLinesWriter(Writer):
    """One JSON object per row; missing values are ``null``, floats keep full precision."""

    def _write(self, frame: pd.DataFrame, added: Added) -> None:
        names = _column_names(frame, added)
        columns = _column_values(frame, added)
        lines = [json_line(dict(zip(names, map(_json_value, row))), default=str) for row in zip(*columns)]
        if lines:
            self.handle.write(("\n".join(lines) + "\n").encode("utf-8", "surrogateescape"))


def column_series(values: np.ndarray, index: pd.Index | None = None) -> pd.Series:
    """An array of results as a pandas column: object arrays stay ``object`` (pandas would infer ``str`` for
    names), others keep their dtype.

    >>> import numpy as np
    >>> column_series(np.array(["management", None], dtype=object)).dtype, column_series(np.zeros(2)).dtype
    (dtype('O'), dtype('float64'))
    """
    import pandas as pd

    return pd.Series(values, index=index, dtype=object if values.dtype == object else values.dtype)


def _utf8(text: str) -> str:
    """``text`` with the bytes a reader could not decode (kept as lone surrogates) written as U+FFFD."""
    if not has_undecodable(text):
        return text
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


class ParquetWriter(Writer):
    """Parquet, one row group per chunk. The schema comes from the first chunk: Arrow-typed and numeric columns
    keep their types; text columns (and columns of mixed values, written as JSON text) are strings. Parquet
    strings must be UTF-8, so bytes that were not UTF-8 in the input (a row reported malformed) are written as
    U+FFFD: write .csv, .txt or .jsonl to keep them byte for byte."""

    def __init__(self, handle: IO[bytes]):
        super().__init__(handle)
        self.pa = require_pyarrow("output")
        self._writer: Any = None
        self._schema: Any = None

    @staticmethod
    def _prepare(frame: pd.DataFrame) -> pd.DataFrame:
        import pandas as pd

        prepared = frame.copy(deep=False)
        for name in frame.columns:
            if frame[name].dtype == object:
                values = [
                    None if _is_missing(value) else _utf8(value) if isinstance(value, str) else cell_text(value)
                    for value in frame[name].tolist()
                ]
                prepared[name] = pd.Series(values, index=frame.index, dtype=object)
        return prepared

    def _write(self, frame: pd.DataFrame, added: Added) -> None:
        pa = self.pa
        if added:
            frame = frame.copy(deep=False)
            for name, values in added.items():
                frame[name] = column_series(values, frame.index)
        prepared = self._prepare(frame)
        if self._schema is None:
            schema = pa.Schema.from_pandas(prepared, preserve_index=False)
            for index, column in enumerate(schema):
                if pa.types.is_null(column.type):
                    schema = schema.set(index, pa.field(column.name, pa.string()))
            self._schema = schema
            import pyarrow.parquet as pq

            self._writer = pq.ParquetWriter(self.handle, schema)
        table = pa.Table.from_pandas(prepared, schema=self._schema, preserve_index=False)
        self._writer.write_table(table)

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()


def open_writer(handle: IO[bytes], kind: str, escape_formulas: bool = False) -> Writer:
    """A :class:`Writer` of format ``kind`` (``csv``, ``jsonl``, ``txt`` or ``parquet``) on a binary handle;
    ``escape_formulas`` applies to the formats spreadsheets open (``csv`` and ``txt``)."""
    writers: dict[str, type[Writer]] = {
        "csv": CsvWriter,
        "jsonl": JsonLinesWriter,
        "txt": TsvWriter,
        "parquet": ParquetWriter,
    }
    if kind not in writers:
        raise DataFileError(f"unknown format {kind!r}; expected one of {sorted(writers)}")
    if kind in ("csv", "txt"):
        return writers[kind](handle, escape_formulas=escape_formulas)  # type: ignore[call-arg]
    return writers[kind](handle)
