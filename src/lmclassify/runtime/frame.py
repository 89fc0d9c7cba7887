"""The pandas adapter: classify a DataFrame column and add the results as columns.

>>> import pandas as pd
>>> from lmclassify import default_model
>>> out = classify_frame(default_model(), pd.DataFrame({"text": ["Cut costs by 5%."]}))
>>> list(out.columns)
['text', 'label', 'confidence', 'p_management', 'p_leadership', 'p_neither', 'function', 'function_confidence']
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from typing import Protocol

import pandas as pd

from lmclassify.errors import ColumnError
from lmclassify.runtime.prediction import Prediction


class TextClassifier(Protocol):
    """What :func:`classify_frame` needs of a model: its labels, and ``classify`` of a list of texts."""

    labels: tuple[str, ...]

    def classify(self, texts: Sequence[str]) -> list[Prediction]: ...


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
    cells = frame[column].tolist()
    usable = [isinstance(cell, str) and bool(cell.strip()) for cell in cells]
    predictions = iter(model.classify([cell for cell, ok in zip(cells, usable) if ok]))
    rows = [next(predictions) if ok else None for ok in usable]
    skipped = usable.count(False)
    if skipped:
        warnings.warn(
            f"{skipped} row(s) of column {column!r} had missing, empty or non-text values; "
            "they were not classified and have no label",
            UserWarning,
            stacklevel=3,
        )
    result = frame.copy()
    result[f"{prefix}label"] = pd.Series([p.label if p else None for p in rows], index=frame.index, dtype=object)
    result[f"{prefix}confidence"] = [p.confidence if p else math.nan for p in rows]
    for label in model.labels:
        result[f"{prefix}p_{label}"] = [p.scores[label] if p else math.nan for p in rows]
    functions = pd.Series([p.function if p else None for p in rows], index=frame.index, dtype=object)
    result[f"{prefix}function"] = functions
    result[f"{prefix}function_confidence"] = [
        p.function_confidence if p and p.function_confidence is not None else math.nan for p in rows
    ]
    return result
