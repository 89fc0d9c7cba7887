"""Lean results for many texts: a :class:`ProbabilityTable` holds arrays, not one Python object per text.

>>> from lmclassify import default_model
>>> table = default_model().classify_many(["Cut the travel budget by 10%.", "Inspire the team."])
>>> table.label.tolist(), table.probabilities.shape
(['management', 'leadership'], (2, 3))
>>> table[1].label == default_model().classify("Inspire the team.").label
True
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from lmclassify.runtime.prediction import Prediction

if TYPE_CHECKING:
    import pandas as pd

#: A model's function heads: label -> (its function classes, first column, end column) in the full table.
FunctionHeads = Mapping[str, tuple[tuple[str, ...], int, int]]


@dataclass(frozen=True, eq=False)
class ProbabilityTable:
    """What the model says about ``n`` texts, as arrays.

    - ``labels``: the label names, in the column order of ``probabilities``;
    - ``probabilities``: calibrated label probabilities, float64, shape ``(n, len(labels))``; rows sum to 1;
    - ``label_index``: the chosen label of each text as an index into ``labels``, shape ``(n,)``;
    - ``functions``: every Kotter function name the model can give;
    - ``function_index``: the chosen function as an index into ``functions``, ``-1`` where there is none
      (neither), shape ``(n,)``;
    - ``function_confidence``: its probability given the label, NaN where there is none, shape ``(n,)``.

    ``table[i]`` is the :class:`Prediction` that ``classify`` gives for text ``i``; :meth:`to_frame` gives the
    columns ``classify_frame`` adds.
    """

    labels: tuple[str, ...]
    probabilities: np.ndarray
    label_index: np.ndarray
    functions: tuple[str, ...]
    function_index: np.ndarray
    function_confidence: np.ndarray

    def __len__(self) -> int:
        return len(self.label_index)

    def __repr__(self) -> str:
        return f"ProbabilityTable({len(self)} texts, labels {list(self.labels)}, {self.nbytes:,} bytes)"

    @property
    def confidence(self) -> np.ndarray:
        """The probability of the chosen label, shape ``(n,)``."""
        return self.probabilities[np.arange(len(self)), self.label_index]  # type: ignore[no-any-return]

    @property
    def label(self) -> np.ndarray:
        """The chosen label's name, an object array of shape ``(n,)``."""
        return np.asarray(self.labels, dtype=object)[self.label_index]  # type: ignore[no-any-return]

    @property
    def function(self) -> np.ndarray:
        """The chosen function's name, ``None`` where there is none, an object array of shape ``(n,)``."""
        names = np.asarray([*self.functions, None], dtype=object)
        return names[self.function_index]  # type: ignore[no-any-return]  # -1 picks the trailing None

    @property
    def nbytes(self) -> int:
        """Bytes held by the arrays."""
        arrays = (self.probabilities, self.label_index, self.function_index, self.function_confidence)
        return sum(array.nbytes for array in arrays)

    def __getitem__(self, row: int) -> Prediction:
        index = int(self.label_index[row])
        scores = dict(zip(self.labels, self.probabilities[row].tolist()))
        function = int(self.function_index[row])
        return Prediction.trusted(
            self.labels[index],
            scores[self.labels[index]],
            scores,
            None if function < 0 else self.functions[function],
            None if function < 0 else float(self.function_confidence[row]),
        )

    def columns(self, prefix: str = "") -> dict[str, np.ndarray]:
        """The columns ``classify_frame`` adds, as arrays of shape ``(n,)``: ``label`` and ``function`` (object:
        names, ``None`` for no function), ``confidence``, ``p_<label>``... and ``function_confidence`` (float64,
        NaN for none); each name starts with ``prefix``.

        >>> from lmclassify import default_model
        >>> list(default_model().classify_many(["Inspire the team."]).columns("pred_"))[:3]
        ['pred_label', 'pred_confidence', 'pred_p_management']
        """
        columns = {f"{prefix}label": self.label, f"{prefix}confidence": self.confidence}
        for column, label in enumerate(self.labels):
            columns[f"{prefix}p_{label}"] = self.probabilities[:, column]
        columns[f"{prefix}function"] = self.function
        columns[f"{prefix}function_confidence"] = self.function_confidence
        return columns

    def to_frame(self, prefix: str = "") -> pd.DataFrame:
        """:meth:`columns` as a DataFrame, one row per text, with the dtypes ``classify_frame`` gives them."""
        import pandas as pd

        from lmclassify.io.writers import column_series

        return pd.DataFrame({name: column_series(values) for name, values in self.columns(prefix).items()})


def function_names(heads: FunctionHeads) -> tuple[str, ...]:
    """Every function class of ``heads``, in head order, each once.

    >>> function_names({"management": (("planning", "budgeting"), 3, 5), "leadership": (("vision",), 5, 6)})
    ('planning', 'budgeting', 'vision')
    """
    return tuple(dict.fromkeys(name for classes, _, _ in heads.values() for name in classes))


def reduce_table(
    table: np.ndarray, labels: tuple[str, ...], label_columns: list[int], heads: FunctionHeads
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """From every head's probabilities ``(n, n_outputs)``: the label probabilities ``(n, len(labels))``, the
    chosen label indices, the chosen function indices into :func:`function_names` (``-1`` for none) and their
    probabilities (NaN for none), each ``(n,)``. Ties go to the first class, as in ``classify``."""
    probabilities = np.ascontiguousarray(table[:, label_columns])
    best = probabilities.argmax(axis=1)
    names = function_names(heads)
    function_index = np.full(len(table), -1, dtype=np.int16)
    function_confidence = np.full(len(table), np.nan)
    for label, (classes, start, stop) in heads.items():
        if label not in labels:
            continue
        rows = np.flatnonzero(best == labels.index(label))
        head = table[rows, start:stop]
        chosen = head.argmax(axis=1)
        function_index[rows] = np.asarray([names.index(name) for name in classes], dtype=np.int16)[chosen]
        function_confidence[rows] = head[np.arange(len(rows)), chosen]
    return probabilities, best.astype(np.int8), function_index, function_confidence
