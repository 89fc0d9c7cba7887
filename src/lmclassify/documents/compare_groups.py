"""Profiles summed by group as they stream past: the per-group table of a comparison.

Columns of the group table, indexed by the group value (documents without a value form the group
:data:`MISSING_GROUP`):

- ``documents``: profile rows in the group; ``unreadable``: those with an ``error``;
- ``content_units``, ``words``: summed over the group's documents;
- ``mean_<label>_unit_share``, ``mean_<label>_word_share``: the mean of the documents' shares, over the
  documents with content units (each document counts once, whatever its length);
- ``pooled_<label>_word_share``: the label's words over all the group's words (long documents weigh more);
- ``mean_confidence``: over all the group's content units;
- ``<function>_function_share``: each function's share of all the group's content units with a function.

>>> totals = GroupTotals("sector")
>>> totals.add("retail", {"error": "", "content_units": 2, "words": 10, "management_words": 10, "function_units": 2,
...                       "management_unit_share": 1.0, "management_word_share": 1.0, "mean_confidence": 0.9,
...                       "planning_function_share": 1.0})
>>> totals.add("retail", {"error": "not UTF-8 text"})
>>> row = totals.frame().loc["retail"]
>>> int(row["documents"]), int(row["unreadable"]), float(row["pooled_management_word_share"])
(2, 1, 1.0)
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from lmclassify.corpus.codebook import LABELS
from lmclassify.documents.compare_profile import FUNCTION_NAMES

if TYPE_CHECKING:
    import pandas as pd

#: The group of documents that have no value in the grouping column (or no metadata row).
MISSING_GROUP = "(missing)"
#: Columns of :meth:`GroupTotals.frame`, in order.
GROUP_COLUMNS = (
    "documents",
    "unreadable",
    "content_units",
    "words",
    *(f"mean_{label}_unit_share" for label in LABELS),
    *(f"mean_{label}_word_share" for label in LABELS),
    *(f"pooled_{label}_word_share" for label in LABELS),
    "mean_confidence",
    *(f"{function}_function_share" for function in FUNCTION_NAMES),
)


@dataclass
class _Sums:
    documents: int = 0
    unreadable: int = 0
    with_content: int = 0
    content_units: int = 0
    words: int = 0
    confidence: float = 0.0
    function_units: int = 0
    label_words: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LABELS, 0))
    unit_shares: dict[str, float] = field(default_factory=lambda: dict.fromkeys(LABELS, 0.0))
    word_shares: dict[str, float] = field(default_factory=lambda: dict.fromkeys(LABELS, 0.0))
    functions: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FUNCTION_NAMES, 0))

    def add(self, row: Mapping[str, Any]) -> None:
        self.documents += 1
        if row.get("error"):
            self.unreadable += 1
            return
        units = int(row.get("content_units", 0))
        function_units = int(row.get("function_units", 0))
        self.content_units += units
        self.words += int(row.get("words", 0))
        self.function_units += function_units
        for label in LABELS:
            self.label_words[label] += int(row.get(f"{label}_words", 0))
        for function in FUNCTION_NAMES:  # shares are counts over function_units: this gives the counts back
            self.functions[function] += round(float(row.get(f"{function}_function_share", 0.0)) * function_units)
        if units:
            self.with_content += 1
            self.confidence += float(row["mean_confidence"]) * units
            for label in LABELS:
                self.unit_shares[label] += float(row.get(f"{label}_unit_share", 0.0))
                self.word_shares[label] += float(row.get(f"{label}_word_share", 0.0))

    def values(self) -> list[float]:
        def ratio(part: float, whole: float) -> float:
            return part / whole if whole else math.nan

        return [
            self.documents,
            self.unreadable,
            self.content_units,
            self.words,
            *(ratio(self.unit_shares[label], self.with_content) for label in LABELS),
            *(ratio(self.word_shares[label], self.with_content) for label in LABELS),
            *(ratio(self.label_words[label], self.words) for label in LABELS),
            ratio(self.confidence, self.content_units),
            *(ratio(self.functions[function], self.function_units) for function in FUNCTION_NAMES),
        ]


def _order(key: str) -> tuple[int, float, str]:
    """Numbers in numeric order, then text, then the missing group last."""
    if key == MISSING_GROUP:
        return (2, 0.0, key)
    try:
        number = float(key)
    except ValueError:
        return (1, 0.0, key)
    return (0, number, key) if math.isfinite(number) else (1, 0.0, key)


class GroupTotals:
    """Running sums per group, fed one profile row at a time (constant memory per group)."""

    def __init__(self, column: str):
        self.column = column
        self._sums: dict[str, _Sums] = {}

    def __len__(self) -> int:
        return len(self._sums)

    def add(self, key: str, row: Mapping[str, Any]) -> None:
        """Count profile ``row`` in group ``key`` (an empty key counts in :data:`MISSING_GROUP`)."""
        key = key.strip() or MISSING_GROUP
        sums = self._sums.get(key)
        if sums is None:
            sums = self._sums[key] = _Sums()
        sums.add(row)

    def frame(self) -> pd.DataFrame:
        """The group table (see the module docstring), groups in order: numbers, text, then the missing group."""
        import pandas as pd

        keys = sorted(self._sums, key=_order)
        table = pd.DataFrame([self._sums[key].values() for key in keys], columns=list(GROUP_COLUMNS))
        for column in ("documents", "unreadable", "content_units", "words"):
            table[column] = table[column].astype("int64")
        table.index = pd.Index(keys, name=self.column, dtype=object)
        return table
