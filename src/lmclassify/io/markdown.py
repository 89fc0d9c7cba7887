"""Render small pandas DataFrames as GitHub-flavoured Markdown tables (for reports written to docs/).

>>> import pandas as pd
>>> print(markdown_table(pd.DataFrame({"label": ["management"], "f1": [0.91234]}), floatfmt=".3f"))
| label      |    f1 |
|:-----------|------:|
| management | 0.912 |
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping

import pandas as pd


def _cell(value: object, floatfmt: str) -> str:
    if isinstance(value, float) and value != value:  # NaN
        return ""
    if not isinstance(value, bool):  # bools are numbers.Integral too, but are shown as text
        if isinstance(value, numbers.Integral):
            return f"{value:d}"
        if isinstance(value, numbers.Real):
            return format(value, floatfmt)
    return str(value).replace("|", "\\|")


def markdown_table(frame: pd.DataFrame, floatfmt: str | Mapping[str, str] = ".4f", index: bool = False) -> str:
    """The frame as a Markdown table; numbers right-aligned, text left-aligned.

    ``floatfmt`` is one format for every float, or a format per column name (others use ``".4f"``).
    """
    if index:
        frame = frame.reset_index()
    headers = [str(column) for column in frame.columns]
    formats = [floatfmt.get(h, ".4f") if isinstance(floatfmt, Mapping) else floatfmt for h in headers]
    rows = [[_cell(value, fmt) for value, fmt in zip(row, formats)] for row in frame.itertuples(index=False)]
    numeric = [pd.api.types.is_numeric_dtype(frame[column]) for column in frame.columns]
    widths = [max([len(h), *(len(row[i]) for row in rows)]) for i, h in enumerate(headers)]

    def line(cells: list[str]) -> str:
        padded = [c.rjust(w) if num else c.ljust(w) for c, w, num in zip(cells, widths, numeric)]
        return "| " + " | ".join(padded) + " |"

    rule = "|" + "|".join(("-" * (w + 1) + ":") if num else (":" + "-" * (w + 1)) for w, num in zip(widths, numeric))
    return "\n".join([line(headers), rule + "|", *(line(row) for row in rows)])
