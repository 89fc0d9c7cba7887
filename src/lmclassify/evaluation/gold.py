"""Predicted labels scored against a column of gold labels, a chunk at a time (``lmclassify classify --gold``).

Only confusion counts are kept, so memory does not grow with the file and chunks can be added in any order. A gold
cell counts when, stripped of surrounding white space, it is exactly one of the labels (case matters); every other
row is counted under why it was not scored: no gold label, an unknown one, or no prediction (no text to classify).
Macro-F1 is the mean F1 over all the labels, as in :func:`lmclassify.evaluation.metrics.label_metrics`.

>>> score = GoldScore("label", ("management", "leadership", "neither"))
>>> score.add([" management", "leadership", None, "Leadership"], ["management", "management", "neither", None])
>>> score.rows, score.missing, score.unknown, score.accuracy
(2, 1, 1, 0.5)
>>> print(score.report())
gold labels in column 'label': accuracy 0.500, macro-F1 0.222 over 2 rows
  F1 by label: management 0.667, leadership 0.000, neither 0.000
  not scored: 1 row(s) without a gold label, 1 with an unknown one, 0 not classified
  unknown gold labels (use exactly management, leadership or neither): 'Leadership' 1
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pandas import NA

#: How many distinct unknown gold values are remembered (and listed); all of them are counted.
LISTED_UNKNOWN = 5


def _is_missing(cell: object) -> bool:
    """``None``, NaN, pandas' NA, or text that is empty or only white space."""
    if isinstance(cell, str):
        return not cell.strip()
    if isinstance(cell, float):
        return math.isnan(cell)
    return cell is None or cell is NA


@dataclass
class GoldScore:
    """Confusion counts of predicted against gold labels (rows: gold, columns: predicted, in ``labels`` order),
    with the rows that could not be scored counted by reason."""

    column: str
    labels: tuple[str, ...]
    counts: list[list[int]] = field(default_factory=list)
    missing: int = 0
    unknown: int = 0
    unclassified: int = 0
    unknown_values: Counter[str] = field(default_factory=Counter)

    def __post_init__(self) -> None:
        if not self.counts:
            self.counts = [[0] * len(self.labels) for _ in self.labels]

    def add(self, gold: Sequence[object], predicted: Sequence[object]) -> None:
        """Count one chunk: ``gold`` cells and the predicted labels of the same rows (``None``: not classified)."""
        index = {label: position for position, label in enumerate(self.labels)}
        for cell, guess in zip(gold, predicted, strict=True):
            if _is_missing(cell):
                self.missing += 1
                continue
            truth = index.get(cell.strip() if isinstance(cell, str) else "")
            if truth is None:
                self.unknown += 1
                shown = repr(cell)
                if shown in self.unknown_values or len(self.unknown_values) < LISTED_UNKNOWN:
                    self.unknown_values[shown] += 1
            elif guess in index:
                self.counts[truth][index[str(guess)]] += 1
            else:
                self.unclassified += 1

    @property
    def rows(self) -> int:
        """Rows scored: a valid gold label and a prediction."""
        return sum(map(sum, self.counts))

    @property
    def accuracy(self) -> float | None:
        """Share of scored rows whose predicted label is the gold one (``None`` when no row was scored)."""
        right = sum(self.counts[i][i] for i in range(len(self.labels)))
        return right / self.rows if self.rows else None

    @property
    def per_label(self) -> dict[str, dict[str, float | int]]:
        """Precision, recall, F1 and support (gold rows) of each label; 0 where a ratio has nothing to divide by."""
        figures: dict[str, dict[str, float | int]] = {}
        for i, label in enumerate(self.labels):
            right = self.counts[i][i]
            gold = sum(self.counts[i])
            guessed = sum(row[i] for row in self.counts)
            figures[label] = {
                "precision": right / guessed if guessed else 0.0,
                "recall": right / gold if gold else 0.0,
                "f1": 2 * right / (gold + guessed) if gold + guessed else 0.0,
                "support": gold,
            }
        return figures

    @property
    def macro_f1(self) -> float | None:
        """Mean F1 over all the labels (``None`` when no row was scored)."""
        if not self.rows:
            return None
        return sum(float(row["f1"]) for row in self.per_label.values()) / len(self.labels)

    def to_dict(self) -> dict[str, Any]:
        """The figures as plain values (for JSON)."""
        return {
            "column": self.column,
            "rows": self.rows,
            "accuracy": self.accuracy,
            "macro_f1": self.macro_f1,
            "per_label": self.per_label,
            "confusion_matrix": [list(row) for row in self.counts],
            "missing": self.missing,
            "unknown": self.unknown,
            "unclassified": self.unclassified,
        }

    def report(self) -> str:
        """A few lines for people: accuracy and macro-F1, F1 by label, and the rows not scored, by reason."""
        if self.accuracy is None or self.macro_f1 is None:
            lines = [f"gold labels in column {self.column!r}: no row had both a valid gold label and a prediction"]
        else:
            f1 = ", ".join(f"{label} {row['f1']:.3f}" for label, row in self.per_label.items())
            lines = [
                f"gold labels in column {self.column!r}: accuracy {self.accuracy:.3f}, "
                f"macro-F1 {self.macro_f1:.3f} over {self.rows:,} rows",
                f"  F1 by label: {f1}",
            ]
        lines.append(
            f"  not scored: {self.missing:,} row(s) without a gold label, {self.unknown:,} with an unknown one, "
            f"{self.unclassified:,} not classified"
        )
        if self.unknown:
            names = ", ".join(self.labels[:-1]) + f" or {self.labels[-1]}" if len(self.labels) > 1 else self.labels[0]
            listed = ", ".join(f"{value} {count:,}" for value, count in self.unknown_values.most_common())
            more = self.unknown - sum(self.unknown_values.values())
            listed += f", and {more:,} more" if more else ""
            lines.append(f"  unknown gold labels (use exactly {names}): {listed}")
        return "\n".join(lines)
