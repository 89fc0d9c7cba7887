"""The pandas adapter: classify a DataFrame column and add the results as columns.

>>> import pandas as pd
>>> from lmclassify import default_model
>>> out = classify_frame(default_model(), pd.DataFrame({"text": ["Cut costs by 5%."]}))
>>> list(out.columns)
['text', 'label', 'confidence', 'p_management', 'p_leadership', 'p_neither', 'function', 'function_confidence']
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Sequence
from typing import Protocol

import numpy as np
import pandas as pd

from lmclassify.errors import ColumnError
from lmclassify.io.writers import column_series
from lmclassify.runtime.scorer import first_invalid
from lmclassify.runtime.table import ProbabilityTable


class TextClassifier(Protocol):
    """What :func:`classify_frame` needs of a model: its labels, and ``classify_many`` of a list of texts."""

    labels: tuple[str, ...]

    def classify_many(self, texts: Iterable[str], *, threads: bool = True) -> ProbabilityTable: ...


def result_columns(labels: Sequence[str], prefix: str = "") -> list[str]:
    """The columns :func:`classify_frame` adds, in order, each name starting with ``prefix``.

    >>> result_columns(("management", "neither"))
    ['label', 'confidence', 'p_management', 'p_neither', 'function', 'function_confidence']
    >>> result_columns(("neither",), prefix="predicted_")[:2]
    ['predicted_label', 'predicted_confidence']
    """
    names = ["label", "confidence", *(f"p_{label}" for label in labels), "function", "function_confidence"]
    return [prefix + name for name in names]


def check_no_clash(existing: Sequence[object], added: Sequence[str], option: str = "prefix=") -> None:
    """Raise :class:`~lmclassify.errors.ColumnError` naming the columns of ``existing`` that ``added`` would
    overwrite, and the option (``prefix=`` or ``--prefix``) that adds the results under other names.

    >>> check_no_clash(["text", "label"], ["label", "confidence"], option="--prefix")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    lmclassify.errors.ColumnError: already has column(s) ['label'], ...; use --prefix (for example --prefix pred_) ...
    """
    present = set(existing)
    clashes = [name for name in added if name in present]
    if clashes:
        example = option + ("" if option.endswith("=") else " ") + "pred_"
        raise ColumnError(
            f"already has column(s) {clashes}, which classifying adds; use {option} (for example "
            f"{example}) to add the results under other names, or rename or drop those columns"
        )


def classify_frame(model: TextClassifier, frame: pd.DataFrame, column: str = "text", prefix: str = "") -> pd.DataFrame:
    """A copy of ``frame`` with :func:`result_columns` added, their names starting with ``prefix``.

    The index is kept and ``frame`` is not modified. Missing, empty or non-text cells never raise: their rows get
    no label and NaN probabilities, and one warning says how many there were. A missing ``column`` raises
    :class:`~lmclassify.errors.ColumnError`, and so does a column of ``frame`` that a result would overwrite
    (a gold ``label``, say): ``prefix`` then gives the results other names, and ``frame`` is never changed.
    """
    if column not in frame.columns:
        raise ColumnError(f"column {column!r} not found; the frame has columns {list(frame.columns)}")
    try:
        check_no_clash(list(frame.columns), result_columns(model.labels, prefix))
    except ColumnError as error:
        raise ColumnError(f"the frame {error}") from None
    columns, skipped = result_arrays(model, frame[column].tolist(), prefix)
    if skipped:
        warnings.warn(
            f"{skipped} row(s) of column {column!r} had missing, empty or non-text values; "
            "they were not classified and have no label",
            UserWarning,
            stacklevel=3,
        )
    result = frame.copy()
    for name, values in columns.items():
        result[name] = column_series(values, frame.index)
    return result


def unusable_rows(cells: list[object]) -> np.ndarray:
    """Positions of the cells that cannot be classified (not a ``str``, or empty or only whitespace).

    >>> unusable_rows(["Plan it.", None, "  ", "Lead."]).tolist()
    [1, 2]
    """
    if first_invalid(cells) < 0:  # the common case, checked in C
        return np.empty(0, dtype=np.intp)
    return np.flatnonzero([not isinstance(cell, str) or not cell.strip() for cell in cells])


def result_arrays(
    model: TextClassifier, cells: list[object], prefix: str = "", *, threads: bool = True
) -> tuple[dict[str, np.ndarray], int]:
    """The columns :func:`classify_frame` adds for ``cells``, as arrays of ``len(cells)`` rows (see
    :meth:`ProbabilityTable.columns <lmclassify.runtime.table.ProbabilityTable.columns>`), and how many cells
    could not be classified: those rows get ``None`` labels and NaN probabilities. No Python object is made per
    text: this is the path of ``classify_frame``, Dask and batch jobs. ``threads`` is passed to ``classify_many``.

    >>> from lmclassify import default_model
    >>> columns, skipped = result_arrays(default_model(), ["Cut costs by 5%.", None])
    >>> columns["label"].tolist(), columns["confidence"].shape, skipped
    (['management', None], (2,), 1)
    """
    unusable = unusable_rows(cells)
    if not len(unusable):
        return model.classify_many(cells, threads=threads).columns(prefix), 0  # type: ignore[arg-type]  # all are str
    usable = np.ones(len(cells), dtype=bool)
    usable[unusable] = False
    texts = [cell for cell, ok in zip(cells, usable.tolist()) if ok]
    found = model.classify_many(texts, threads=threads).columns(prefix)  # type: ignore[arg-type]  # all are str
    columns = {}
    for name, values in found.items():
        full = np.full(len(cells), None if values.dtype == object else np.nan, dtype=values.dtype)
        full[usable] = values
        columns[name] = full
    return columns, len(unusable)
