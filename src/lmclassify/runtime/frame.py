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


def result_columns(labels: tuple[str, ...]) -> list[str]:
    """The columns :func:`classify_frame` adds, in order.

    >>> result_columns(("management", "neither"))
    ['label', 'confidence', 'p_management', 'p_neither', 'function', 'function_confidence']
    """
    return ["label", "confidence", *(f"p_{label}" for label in labels), "function", "function_confidence"]


def classify_frame(model: TextClassifier, frame: pd.DataFrame, column: str = "text") -> pd.DataFrame:
    """A copy of ``frame`` with :func:`result_columns` added.

    The index is kept and ``frame`` is not modified. Missing, empty or non-text cells never raise: their rows get
    no label and NaN probabilities, and one warning says how many there were. A missing ``column`` raises
    :class:`~lmclassify.errors.ColumnError`.
    """
    if column not in frame.columns:
        raise ColumnError(f"column {column!r} not found; the frame has columns {list(frame.columns)}")
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
    result["label"] = pd.Series([p.label if p else None for p in rows], index=frame.index, dtype=object)
    result["confidence"] = [p.confidence if p else math.nan for p in rows]
    for label in model.labels:
        result[f"p_{label}"] = [p.scores[label] if p else math.nan for p in rows]
    result["function"] = pd.Series([p.function if p else None for p in rows], index=frame.index, dtype=object)
    result["function_confidence"] = [
        p.function_confidence if p and p.function_confidence is not None else math.nan for p in rows
    ]
    return result
