"""The result of comparing documents: :class:`Comparison`, with its profiles, groups, CSV form and HTML report.

>>> import pandas as pd
>>> from lmclassify.documents.compare_profile import error_values, profile_columns
>>> row = {"file": "a.txt", "folder": ".", **error_values("no such file")}
>>> comparison = Comparison(pd.DataFrame([row], columns=list(profile_columns())), None, None, {}, "2026-01-01")
>>> comparison, comparison.errors.values.tolist()
(Comparison(1 documents, 1 unreadable), [['a.txt', 'no such file']])
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from lmclassify.documents.compare_inputs import Metadata, PathLike
from lmclassify.documents.compare_profile import FRACTION_COLUMNS, TEXT_COLUMNS
from lmclassify.io.atomic import write_atomically, write_text_atomically

if TYPE_CHECKING:
    import pandas as pd

    from lmclassify.runtime.compiled import CompiledClassifier


def model_details(model: CompiledClassifier) -> dict[str, str]:
    """The model's ``name``, ``version`` (of lmclassify that trained it) and ``created``, for report headers.

    >>> from lmclassify import default_model
    >>> sorted(model_details(default_model()))
    ['created', 'name', 'version']
    """
    metadata = model.metadata
    return {
        "name": str(metadata.get("name") or "unnamed"),
        "version": str(metadata.get("package_version") or "unknown"),
        "created": str(metadata.get("created") or "unknown"),
    }


def csv_cell(column: str, value: Any) -> str:
    """A profile value as written to CSV: shares with six decimals, empty for NaN, counts as integers.

    >>> csv_cell("management_word_share", 1 / 3), csv_cell("mean_confidence", float("nan")), csv_cell("words", 12)
    ('0.333333', '', '12')
    """
    if column in FRACTION_COLUMNS:
        number = float(value)
        return "" if math.isnan(number) else f"{number:.6f}"
    if column in TEXT_COLUMNS or isinstance(value, str):
        return str(value)
    return str(int(value))


@dataclass(frozen=True, eq=False)
class Comparison:
    """Profiles of many documents, one row each (``profiles``), and per group when grouped (``groups``).

    - ``profiles``: a DataFrame with the columns of :func:`profile_columns` (metadata values as text);
    - ``groups``: the group table of :mod:`~lmclassify.documents.compare_groups`, or ``None``;
    - ``model``: the model's ``name``, ``version`` and ``created``; ``created``: when the comparison ran;
    - ``metadata``: the metadata file, and the documents and rows it could not match.
    """

    profiles: pd.DataFrame
    groups: pd.DataFrame | None
    group_by: str | None
    model: dict[str, str]
    created: str
    metadata: Metadata | None = None

    def __len__(self) -> int:
        return len(self.profiles)

    def __repr__(self) -> str:
        grouped = f", {len(self.groups)} groups by {self.group_by}" if self.groups is not None else ""
        return f"Comparison({len(self)} documents, {int((self.profiles['error'] != '').sum())} unreadable{grouped})"

    @property
    def errors(self) -> pd.DataFrame:
        """The rows of documents that could not be read: ``file`` and ``error``."""
        return self.profiles.loc[self.profiles["error"] != "", ["file", "error"]]

    def to_csv(self, path: PathLike) -> Path:
        """Write :attr:`profiles` as CSV (as ``lmclassify compare --output`` does), atomically."""
        columns = list(self.profiles.columns)

        def write(handle: IO[bytes]) -> None:
            write_rows(handle, columns, self.profiles.to_dict("records"))

        return write_atomically(Path(path), write)

    def to_html(self) -> str:
        """A standalone HTML page with the comparison's charts and tables (inline SVG, no scripts)."""
        from lmclassify.documents.compare_html import comparison_html

        return comparison_html(self)

    def write_html(self, path: PathLike) -> Path:
        """Write :meth:`to_html` to ``path``, atomically."""
        return write_text_atomically(Path(path), self.to_html())

    def to_dict(self) -> dict[str, Any]:
        """Plain, JSON-ready values: ``profiles`` and ``groups`` as lists of records (NaN as ``None``)."""

        def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
            return [
                {key: None if isinstance(value, float) and math.isnan(value) else value for key, value in row.items()}
                for row in frame.to_dict("records")
            ]

        groups = None if self.groups is None else records(self.groups.reset_index())
        meta = self.metadata
        return {
            "profiles": records(self.profiles),
            "groups": groups,
            "group_by": self.group_by,
            "model": dict(self.model),
            "created": self.created,
            "metadata": None if meta is None else meta.source,
            "unmatched_documents": [] if meta is None else list(meta.unmatched_documents),
            "unmatched_rows": [] if meta is None else list(meta.unmatched_rows),
        }


def write_rows(handle: IO[bytes], columns: list[str], rows: Iterable[dict[str, Any]]) -> None:
    """Write a header and profile ``rows`` as UTF-8 CSV to the binary ``handle``, one row at a time."""
    text = io.TextIOWrapper(handle, encoding="utf-8", newline="")
    try:
        writer = csv.writer(text, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([csv_cell(column, row[column]) for column in columns])
        text.flush()
    finally:
        text.detach()
