"""Read tables of texts in chunks, so that memory does not grow with file size (writers: :mod:`~.writers`).

Four formats, chosen by file extension: ``.csv`` (a header line, then one row per record), ``.jsonl`` (one JSON
object per line), ``.txt`` (one text per line; written as tab-separated values with a header line) and
``.parquet`` (needs pyarrow: ``pip install "lmclassify[parquet]"``).

Readers never stop at a bad record: a CSV row with the wrong number of fields, a JSONL line that is not a JSON
object, or a line that is not valid UTF-8 becomes a row of its chunk listed in :attr:`Chunk.malformed` with its
line number, keeping whatever values could be read. CSV and text cells are read as text, unchanged; JSONL columns
are all keys found in the file, typed by a first pass over it; Parquet columns keep their Arrow types.

>>> import pathlib, tempfile
>>> path = pathlib.Path(tempfile.mkdtemp()) / "texts.csv"
>>> _ = path.write_text('id,text\\n1,Plan the rota.\\n2,"Inspire, then align."\\n')
>>> with open_reader(path, chunk_size=10) as reader:
...     chunks = list(reader)
>>> chunks[0].frame.to_dict("list")
{'id': ['1', '2'], 'text': ['Plan the rota.', 'Inspire, then align.']}
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lmclassify.errors import ArgumentError, DataFileError
from lmclassify.io.csv_records import CsvRecords
from lmclassify.io.formats import file_format, require_pyarrow
from lmclassify.io.lines import Lines, has_undecodable, raw_lines, too_long_problem

if TYPE_CHECKING:
    import pandas as pd

_INT64 = (-(2**63), 2**63 - 1)


@dataclass(frozen=True)
class Malformed:
    """A record that could not be read as it should: its row in the chunk, its line in the file, and why."""

    row: int
    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


@dataclass
class Chunk:
    """Consecutive rows of the file: ``frame`` (index 0..n-1, every column of the file), its malformed rows, and
    ``position``, the share of the file read once this chunk was read (0..1)."""

    frame: pd.DataFrame
    malformed: list[Malformed] = field(default_factory=list)
    position: float = 0.0


# ------------------------------------------------------------------------------------------------------ readers
class Reader:
    """Iterate over a file in :class:`Chunk` objects of at most ``chunk_size`` rows; use as a context manager.

    ``columns`` is known before the first chunk; ``progress()`` is the share of the file read so far (0..1). At
    least one chunk is produced, empty when the file has no records, so that writers learn the columns.
    """

    columns: list[str]

    def __init__(self, path: Path, chunk_size: int):
        if chunk_size < 1:
            raise ArgumentError(f"chunk_size must be at least 1, got {chunk_size}")
        self.path = path
        self.chunk_size = chunk_size

    def __iter__(self) -> Iterator[Chunk]:
        for chunk in self._chunks():
            chunk.position = self.progress()
            yield chunk

    def _chunks(self) -> Iterator[Chunk]:
        raise NotImplementedError

    def progress(self) -> float:
        raise NotImplementedError

    def close(self) -> None:
        """Release the file."""

    def __enter__(self) -> Reader:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def object_frame(columns: list[str], rows: list[list[Any]]) -> pd.DataFrame:
    """Rows of text cells as a frame of object columns (plain ``str`` values), empty rows included."""
    import pandas as pd

    if not rows:
        return pd.DataFrame({name: pd.Series(dtype=object) for name in columns}, columns=columns)
    return pd.DataFrame(rows, columns=columns, dtype=object)


class _LineFileReader(Reader):
    """A reader of a text file taken line by line (CSV, plain text, JSON Lines)."""

    def __init__(self, path: Path, chunk_size: int):
        super().__init__(path, chunk_size)
        self._lines = Lines(path)

    def progress(self) -> float:
        return self._lines.bytes_read / self._lines.total_bytes

    def close(self) -> None:
        self._lines.close()


class CsvReader(_LineFileReader):
    """A CSV file with a header line. Every cell is read as text (``""`` when empty), exactly as written.

    A damaged record never takes other records with it (see :mod:`~.csv_records`): a quote that is not closed
    within its limits, a field over the field limit, a wrong number of fields or bytes that are not UTF-8 make
    only that record malformed, and its cells are kept (surplus fields stay together, as CSV, in the last column).
    """

    def __init__(self, path: Path, chunk_size: int):
        super().__init__(path, chunk_size)
        self._records = iter(CsvRecords(iter(self._lines)))
        header = next(self._records, None)
        if header is None or header.line != 1:
            self.close()
            raise DataFileError(f"{path}: the first line is empty; a CSV file needs a header line naming its columns")
        if header.problem is not None:
            self.close()
            raise DataFileError(f"{path}: the header line cannot be read as CSV ({header.problem})")
        duplicates = sorted({name for name in header.cells if header.cells.count(name) > 1})
        if duplicates:
            self.close()
            raise DataFileError(f"{path}: the header names column(s) {duplicates} more than once; rename them")
        self.columns = header.cells

    def _chunks(self) -> Iterator[Chunk]:
        width = len(self.columns)
        rows: list[list[str]] = []
        malformed: list[Malformed] = []
        produced = False
        for record in self._records:
            cells, problem = record.cells, record.problem
            if len(cells) != width:
                problem = problem or f"expected {width} fields, found {len(cells)}"
                cells = _fit(cells, width)
            if record.line in self._lines.too_long:
                problem = too_long_problem()
            elif problem is None and self._lines.last_undecodable >= record.line and any(map(has_undecodable, cells)):
                problem = "not valid UTF-8"
            if problem is not None:
                malformed.append(Malformed(len(rows), record.line, problem))
            rows.append(cells)
            if len(rows) == self.chunk_size:
                yield Chunk(object_frame(self.columns, rows), malformed)
                produced, rows, malformed = True, [], []
        if rows or not produced:
            yield Chunk(object_frame(self.columns, rows), malformed)


def _fit(cells: list[str], width: int) -> list[str]:
    """``cells`` made ``width`` long: missing ones empty, surplus ones kept together, as CSV, in the last cell.

    >>> _fit(["1", "a", "b,c"], 2), _fit(["1"], 2)
    (['1', 'a,"b,c"'], ['1', ''])
    """
    if len(cells) <= width:
        return cells + [""] * (width - len(cells))
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow(cells[width - 1 :])
    return [*cells[: width - 1], buffer.getvalue()]


class TextReader(_LineFileReader):
    """A plain text file: every line is one text (line ends removed), in one column named ``column``."""

    def __init__(self, path: Path, chunk_size: int, column: str = "text"):
        super().__init__(path, chunk_size)
        self.columns = [column]

    def _chunks(self) -> Iterator[Chunk]:
        rows: list[list[str]] = []
        malformed: list[Malformed] = []
        produced = False
        for line in self._lines:
            number = self._lines.line_number
            if number in self._lines.too_long:
                malformed.append(Malformed(len(rows), number, too_long_problem()))
                line = ""
            elif self._lines.last_undecodable == number:
                malformed.append(Malformed(len(rows), number, "not valid UTF-8"))
            rows.append([line.rstrip("\r\n")])
            if len(rows) == self.chunk_size:
                yield Chunk(object_frame(self.columns, rows), malformed)
                produced, rows, malformed = True, [], []
        if rows or not produced:
            yield Chunk(object_frame(self.columns, rows), malformed)


def _parse_json_line(line: str) -> tuple[dict[str, Any] | None, str | None]:
    """The object on a JSONL line, or ``None`` and why not."""
    try:
        value = json.loads(line)
    except json.JSONDecodeError as error:
        return None, f"not valid JSON ({error})"
    except RecursionError:
        return None, "not readable JSON (nested too deeply)"
    if not isinstance(value, dict):
        return None, f"expected a JSON object, found {type(value).__name__}"
    return value, None


def _json_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int" if _INT64[0] <= value <= _INT64[1] else "other"
    if isinstance(value, float):
        return "float"
    return "str" if isinstance(value, str) else "other"


class JsonLinesReader(_LineFileReader):
    """A JSON Lines file: one JSON object per line (blank lines are ignored).

    A first pass collects every key, in order of first appearance, and its type: a key holding only booleans,
    only integers, only numbers or only strings (or null) gets a matching pandas dtype; any other key keeps the
    JSON values as they are. A line that is not a JSON object is a malformed row with every value missing.
    """

    def __init__(self, path: Path, chunk_size: int):
        super().__init__(path, chunk_size)
        kinds: dict[str, set[str]] = {}
        with open(path, "rb") as handle:
            for raw in raw_lines(handle):
                if raw is None or not raw.strip():
                    continue
                try:
                    record, _ = _parse_json_line(raw.decode("utf-8-sig"))
                except UnicodeDecodeError:
                    continue
                for key, value in (record or {}).items():
                    found = kinds.setdefault(key, set())
                    if value is not None:
                        found.add(_json_kind(value))
        self.columns = list(kinds)
        self._dtypes = {key: self._dtype(found) for key, found in kinds.items()}

    @staticmethod
    def _dtype(kinds: set[str]) -> str:
        if kinds == {"bool"}:
            return "boolean"
        if kinds == {"int"}:
            return "Int64"
        if kinds and kinds <= {"int", "float"}:
            return "float64"
        if kinds == {"str"}:
            return "string"
        return "object"

    def _frame(self, records: list[dict[str, Any]]) -> pd.DataFrame:
        import pandas as pd

        data = {}
        for key in self.columns:
            values = [record.get(key) for record in records]
            dtype = self._dtypes[key]
            if dtype == "float64":
                values = [math.nan if value is None else float(value) for value in values]
            data[key] = pd.Series(values, dtype=dtype)
        return pd.DataFrame(data, columns=self.columns)

    def _chunks(self) -> Iterator[Chunk]:
        records: list[dict[str, Any]] = []
        malformed: list[Malformed] = []
        produced = False
        for line in self._lines:
            if not line.strip():
                continue
            number = self._lines.line_number
            record, problem = (None, too_long_problem()) if number in self._lines.too_long else _parse_json_line(line)
            if self._lines.last_undecodable == number:
                problem = "not valid UTF-8"
            if problem:
                malformed.append(Malformed(len(records), number, problem))
            records.append(record or {})
            if len(records) == self.chunk_size:
                yield Chunk(self._frame(records), malformed)
                produced, records, malformed = True, [], []
        if records or not produced:
            yield Chunk(self._frame(records), malformed)


class ParquetReader(Reader):
    """A Parquet file, read a batch at a time; columns keep their Arrow types (pandas ``ArrowDtype``).

    Memory follows the file's row groups: a file written as one huge row group is read whole.
    """

    def __init__(self, path: Path, chunk_size: int):
        super().__init__(path, chunk_size)
        require_pyarrow(path)
        import pyarrow.parquet as pq

        try:
            self._file = pq.ParquetFile(path)
        except Exception as error:  # pyarrow raises several types for files that are not Parquet
            raise DataFileError(f"{path}: not a readable Parquet file ({error})") from None
        self.columns = list(self._file.schema_arrow.names)
        self._total: int = max(self._file.metadata.num_rows, 1)
        self._read = 0

    def _chunks(self) -> Iterator[Chunk]:
        import pandas as pd

        produced = False
        for batch in self._file.iter_batches(batch_size=self.chunk_size):
            self._read += batch.num_rows
            produced = True
            yield Chunk(batch.to_pandas(types_mapper=pd.ArrowDtype))
        if not produced:
            yield Chunk(self._file.schema_arrow.empty_table().to_pandas(types_mapper=pd.ArrowDtype))

    def progress(self) -> float:
        return self._read / self._total

    def close(self) -> None:
        getattr(self._file, "close", lambda: None)()


def open_reader(path: str | Path, chunk_size: int = 2000, text_column: str = "text") -> Reader:
    """A :class:`Reader` for ``path``, its format chosen by extension (``text_column`` names a .txt file's column).

    Raises :class:`DataFileError` for an unsupported extension, a missing file or an unusable header.
    """
    path = Path(path)
    kind = file_format(path)
    if not path.is_file():
        raise DataFileError(f"{path}: no such file")
    if kind == "csv":
        return CsvReader(path, chunk_size)
    if kind == "txt":
        return TextReader(path, chunk_size, text_column)
    if kind == "jsonl":
        return JsonLinesReader(path, chunk_size)
    return ParquetReader(path, chunk_size)


# ------------------------------------------------------------------------------------------------------ writers
