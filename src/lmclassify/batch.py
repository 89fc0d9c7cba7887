"""Classify every row of a file, streaming it in chunks (what ``lmclassify classify`` runs).

    lmclassify classify --input letters.csv --output letters-labelled.csv
    lmclassify classify --input posts.jsonl --output posts.parquet --column body --jobs 4

The input is read a chunk at a time, each chunk is classified (in ``--jobs`` processes, output order kept) and
written before the next is read, so memory does not grow with the file. Every input column is kept and the
columns of :meth:`Classifier.classify_frame <lmclassify.Classifier.classify_frame>` are added. A row with missing
or empty text, or one that could not be read properly, is kept with an empty label and counted; the run goes on.
The output appears only when the run has succeeded (it is written to a temporary file, then renamed).

>>> import pathlib, tempfile
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "in.txt").write_text("Cut the travel budget by 10%.\\n\\nCelebrate the team's courage.\\n")
>>> summary = classify_file(folder / "in.txt", folder / "out.csv")
>>> summary.rows_read, summary.classified, summary.empty, summary.by_label
(3, 2, 1, {'management': 1, 'leadership': 1})
>>> (folder / "out.csv").read_text().splitlines()[0]
'text,label,confidence,p_management,p_leadership,p_neither,function,function_confidence'
"""

from __future__ import annotations

import os
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TextIO

from lmclassify.cache import cached_model
from lmclassify.errors import ArgumentError, ColumnError, DataFileError
from lmclassify.evaluation.gold import GoldScore
from lmclassify.io.atomic import write_atomically
from lmclassify.io.formats import file_format, require_pyarrow
from lmclassify.io.progress import ProgressBar
from lmclassify.io.readers import Chunk, Malformed, Reader, open_reader
from lmclassify.io.writers import open_writer
from lmclassify.resources import BUNDLED_MODELS
from lmclassify.runtime.frame import check_no_clash, result_arrays
from lmclassify.workers import in_order

if TYPE_CHECKING:
    import numpy as np

DEFAULT_CHUNK_SIZE = 8192
#: How many malformed records the summary lists by line number (all are counted).
LISTED_MALFORMED = 20


@dataclass
class BatchSummary:
    """What a run did: rows read, classified, and kept without a label: ``empty`` (no text: missing, empty or not a
    string) and ``malformed`` (records that could not be read properly); labels and time."""

    input: Path
    output: Path
    rows_read: int = 0
    classified: int = 0
    empty: int = 0
    malformed: int = 0
    malformed_listed: list[Malformed] = field(default_factory=list)
    by_label: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    #: Predicted labels scored against the gold column (``gold=``); ``None`` without one.
    gold: GoldScore | None = None

    @property
    def skipped(self) -> int:
        """Rows kept without a label."""
        return self.empty + self.malformed

    @property
    def rows_per_second(self) -> float:
        return self.rows_read / self.seconds if self.seconds > 0 else 0.0

    def report(self) -> str:
        """A few lines for people: counts, labels, the score against the gold column (if any), speed, and the
        first malformed records by line number."""
        labels = ", ".join(f"{label} {count:,}" for label, count in self.by_label.items()) or "none"
        lines = [
            f"read {self.rows_read:,} rows from {self.input}; classified {self.classified:,}; "
            f"skipped {self.skipped:,} ({self.empty:,} without text, {self.malformed:,} malformed)",
            f"by label: {labels}",
            *([self.gold.report()] if self.gold is not None else []),
            f"{self.seconds:.1f} s, {self.rows_per_second:,.0f} rows/s; wrote {self.output}",
        ]
        if self.malformed:
            lines.append(f"malformed records (kept with an empty label): {self.malformed:,}")
            lines.extend(f"  {record}" for record in self.malformed_listed)
            if self.malformed > len(self.malformed_listed):
                lines.append(f"  ... and {self.malformed - len(self.malformed_listed):,} more")
        return "\n".join(lines)


def classify_texts(texts: list[Any], model_path: str | None = None, prefix: str = "") -> dict[str, np.ndarray]:
    """The columns that ``classify_frame`` adds, for ``texts``, as arrays (see
    :func:`lmclassify.runtime.frame.result_arrays`); ``None`` or non-text gets no label.

    Runs in a thread beside the reading and writing, or in worker processes, so it scores on that one thread;
    the model is loaded once per process (:func:`lmclassify.cache.cached_model`).

    >>> classify_texts(["Plan the rota for December.", None])["label"].tolist()
    ['management', None]
    """
    return result_arrays(cached_model(model_path), texts, prefix, threads=False)[0]


def _texts_of(chunk: Chunk, column: str) -> list[Any]:
    texts: list[Any] = chunk.frame[column].tolist()
    for record in chunk.malformed:
        texts[record.row] = None
    return texts


def _check_paths(input_path: Path, output_path: Path) -> tuple[str, str]:
    kinds = file_format(input_path), file_format(output_path)
    if not input_path.is_file():
        raise DataFileError(f"{input_path}: no such file")
    if output_path.exists() and os.path.samefile(input_path, output_path):
        raise DataFileError(f"{output_path}: refusing to overwrite the input file; choose another output file")
    if output_path.is_dir():
        raise DataFileError(f"{output_path}: is a folder; the output must be a file name")
    for path, kind in zip((input_path, output_path), kinds):
        if kind == "parquet":
            require_pyarrow(path)
    return kinds


def _check_columns(reader: Reader, column: str, added: list[str], gold: str | None) -> None:
    if column not in reader.columns:
        raise DataFileError(
            f"{reader.path}: no column {column!r} to classify; the file has columns {reader.columns}. "
            "Name the text column with --column"
        )
    if gold is not None and gold not in reader.columns:
        raise DataFileError(
            f"{reader.path}: no gold column {gold!r}; the file has columns {reader.columns}. "
            "Name the column of gold labels with --gold"
        )
    try:
        check_no_clash(reader.columns, added, option="--prefix")
    except ColumnError as error:
        raise DataFileError(f"{reader.path}: {error}") from None


def _results(
    chunks: Iterator[Chunk], column: str, model_path: str | None, jobs: int, prefix: str
) -> Iterator[tuple[Chunk, dict[str, np.ndarray]]]:
    """Each chunk with its added columns, in input order: with ``jobs > 1`` classified in worker processes that
    load the model once, otherwise in one thread while the last chunk is written and the next one read (see
    :func:`lmclassify.workers.in_order`)."""
    return in_order(
        partial(classify_texts, model_path=model_path, prefix=prefix),
        chunks,
        jobs,
        payload=lambda chunk: _texts_of(chunk, column),
        load=cached_model,
        load_args=(model_path,),
    )


def classify_file(
    input_path: str | Path,
    output_path: str | Path,
    column: str = "text",
    model: str | Path | None = None,
    jobs: int = 1,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    progress: bool | None = None,
    progress_stream: TextIO | None = None,
    prefix: str = "",
    escape_formulas: bool = False,
    gold: str | None = None,
) -> BatchSummary:
    """Classify the ``column`` of every row of ``input_path`` into ``output_path``; formats from the extensions.

    ``model`` is a compiled model file (default: the bundled model); ``jobs`` processes classify chunks of
    ``chunk_size`` rows in parallel. The added columns' names start with ``prefix`` (an input column that one
    of them would overwrite is refused, naming ``--prefix``). ``escape_formulas`` puts an apostrophe in front of
    CSV and text cells that a spreadsheet would run as formulas (``=``, ``+``, ``-``, ``@``). A progress bar is
    drawn on ``progress_stream`` (default stderr) when ``progress`` is true, or by default when that stream is a
    terminal. ``gold`` names a column of gold labels: ``summary.gold`` (a
    :class:`~lmclassify.evaluation.gold.GoldScore`) then scores the predicted labels against it (accuracy,
    macro-F1, F1 by label, and the rows without a valid gold label, counted), and the report shows it.

    Raises :class:`DataFileError` (unsupported extension, missing input, output that is the input, missing or
    clashing column, missing gold column), :class:`lmclassify.ModelError`, or ``ModuleNotFoundError`` when
    Parquet needs pyarrow, all before anything is written. Bad rows never raise; if the run fails anyway,
    ``output_path`` is left as it was.
    """
    started = time.perf_counter()
    input_path, output_path = Path(input_path), Path(output_path)
    if jobs < 1:
        raise ArgumentError(f"jobs must be at least 1, got {jobs}")
    if chunk_size < 1:
        raise ArgumentError(f"chunk_size must be at least 1, got {chunk_size}")
    _, output_kind = _check_paths(input_path, output_path)
    model_path = None if model is None else str(model if model in BUNDLED_MODELS else Path(model).resolve())
    added = list(classify_texts([], model_path, prefix))  # loads and checks the model
    summary = BatchSummary(input_path, output_path)
    if gold is not None:
        summary.gold = GoldScore(gold, tuple(added_labels(added, prefix)))
    labels: Counter[str] = Counter()
    bar = ProgressBar(progress_stream or sys.stderr, enabled=progress)

    with open_reader(input_path, chunk_size, text_column=column) as reader:
        _check_columns(reader, column, added, gold)

        def write(handle: IO[bytes]) -> None:
            with open_writer(handle, output_kind, escape_formulas) as writer:
                for chunk, result in _results(iter(reader), column, model_path, jobs, prefix):
                    writer.write(chunk.frame, result)
                    predicted = result[f"{prefix}label"].tolist()
                    chunk_labels = Counter(predicted)
                    classified = len(predicted) - chunk_labels.pop(None, 0)
                    labels.update(chunk_labels)
                    if summary.gold is not None:
                        summary.gold.add(chunk.frame[summary.gold.column].tolist(), predicted)
                    summary.rows_read += len(chunk.frame)
                    summary.classified += classified
                    summary.malformed += len(chunk.malformed)
                    summary.empty += len(chunk.frame) - classified - len(chunk.malformed)
                    room = LISTED_MALFORMED - len(summary.malformed_listed)
                    summary.malformed_listed.extend(chunk.malformed[: max(room, 0)])
                    bar.update(chunk.position, summary.rows_read)

        try:
            write_atomically(output_path, write)
        finally:
            bar.close()
    summary.by_label = {label: labels[label] for label in added_labels(added, prefix) if labels[label]}
    summary.seconds = time.perf_counter() - started
    return summary


def added_labels(added: list[str], prefix: str = "") -> list[str]:
    """The labels in the order of their ``p_<label>`` columns.

    >>> added_labels(["label", "confidence", "p_management", "p_leadership", "p_neither", "function"])
    ['management', 'leadership', 'neither']
    """
    return [name[len(prefix) + 2 :] for name in added if name.startswith(f"{prefix}p_")]
