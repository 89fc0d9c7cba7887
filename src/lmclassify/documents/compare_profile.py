"""One document's row of a comparison: unit counts by kind, label shares, confidence and the Kotter function mix.

The columns of a profile row, in order (metadata columns, when there are any, come right after ``folder``):

- ``file``: the document's name (as given, or relative to the folder compared); ``folder``: its folder part;
- ``error``: empty, or why the file could not be read (its other counts are then 0 and its shares empty);
- ``units``: every unit of the document; ``headings``, ``lead_ins``, ``list_items``, ``sentences``: by kind;
- ``content_units``: list items plus sentences, the units the shares count (as :class:`DocumentReport`'s
  profile does); ``words``: the words in them;
- ``<label>_units``, ``<label>_unit_share``, ``<label>_words``, ``<label>_word_share`` for management,
  leadership and neither: content units and their words per label, and their shares (each set sums to 1; all
  0 for a document without content units);
- ``mean_confidence``: the mean probability of the chosen label over the content units (empty without any);
- ``function_units``: content units with a Kotter function (those labelled management or leadership);
- ``top_functions``: the three most frequent functions and their share of ``function_units``, e.g.
  ``"controlling 38%; planning 21%; direction 12%"``;
- ``<function>_function_share`` for each function of :data:`lmclassify.FUNCTIONS` (``planning`` ...
  ``culture``): its share of ``function_units`` (they sum to 1; all 0 without any).

>>> from lmclassify import analyze
>>> values = profile_values(analyze("# Plan\\n\\nTrack spending against the budget. Inspire the team."))
>>> values["headings"], values["content_units"], values["management_unit_share"], values["top_functions"]
(1, 2, 0.5, 'controlling 50%; motivation 50%')
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from lmclassify.corpus.codebook import FUNCTIONS, LABELS

if TYPE_CHECKING:
    from lmclassify.documents.analysis import DocumentReport

#: Kotter functions in codebook order: management's, then leadership's.
FUNCTION_NAMES = tuple(function for label in LABELS for function in FUNCTIONS[label])
#: Unit kind -> the column counting it.
KIND_COLUMNS = {"heading": "headings", "lead_in": "lead_ins", "list_item": "list_items", "sentence": "sentences"}
#: How many functions ``top_functions`` lists.
TOP_FUNCTIONS = 3

UNIT_SHARE_COLUMNS = tuple(f"{label}_unit_share" for label in LABELS)
WORD_SHARE_COLUMNS = tuple(f"{label}_word_share" for label in LABELS)
FUNCTION_SHARE_COLUMNS = tuple(f"{function}_function_share" for function in FUNCTION_NAMES)
#: The columns of a profile row after ``file``, ``folder`` and any metadata columns.
VALUE_COLUMNS = (
    "error",
    "units",
    *KIND_COLUMNS.values(),
    "content_units",
    "words",
    *(f"{label}_units" for label in LABELS),
    *UNIT_SHARE_COLUMNS,
    *(f"{label}_words" for label in LABELS),
    *WORD_SHARE_COLUMNS,
    "mean_confidence",
    "function_units",
    "top_functions",
    *FUNCTION_SHARE_COLUMNS,
)
#: Columns that hold text; all others are numbers.
TEXT_COLUMNS = ("file", "folder", "error", "top_functions")
#: Columns that hold a share or a probability (0..1).
FRACTION_COLUMNS = (*UNIT_SHARE_COLUMNS, *WORD_SHARE_COLUMNS, "mean_confidence", *FUNCTION_SHARE_COLUMNS)
#: Columns that hold a count.
COUNT_COLUMNS = tuple(column for column in VALUE_COLUMNS if column not in (*TEXT_COLUMNS, *FRACTION_COLUMNS))


def profile_columns(metadata_columns: tuple[str, ...] = ()) -> tuple[str, ...]:
    """All the columns of a profile row, in order.

    >>> profile_columns(("year",))[:4]
    ('file', 'folder', 'year', 'error')
    """
    return ("file", "folder", *metadata_columns, *VALUE_COLUMNS)


def top_functions(counts: dict[str, int], n: int = TOP_FUNCTIONS) -> str:
    """The ``n`` most frequent functions with their shares; ties in codebook order.

    >>> top_functions({"planning": 1, "controlling": 3, "culture": 1, "direction": 0})
    'controlling 60%; planning 20%; culture 20%'
    """
    total = sum(counts.values())
    ranked = sorted(
        (function for function in FUNCTION_NAMES if counts.get(function, 0) > 0),
        key=lambda function: -counts[function],
    )
    return "; ".join(f"{function} {counts[function] / total:.0%}" for function in ranked[:n])


def profile_values(report: DocumentReport) -> dict[str, Any]:
    """The :data:`VALUE_COLUMNS` of one analysed document, as plain Python numbers and strings."""
    units = report.sentences
    kinds = units["kind"].value_counts()
    content = units[units["kind"].isin(report.counted_kinds)]
    profile = report.profile
    values: dict[str, Any] = {"error": "", "units": len(units)}
    for kind, column in KIND_COLUMNS.items():
        values[column] = int(kinds.get(kind, 0))
    values["content_units"] = int(profile["sentences"].sum())
    values["words"] = int(profile["words"].sum())
    for label in LABELS:
        values[f"{label}_units"] = int(profile.loc[label, "sentences"])
    for label in LABELS:
        values[f"{label}_unit_share"] = float(profile.loc[label, "sentence_share"])
    for label in LABELS:
        values[f"{label}_words"] = int(profile.loc[label, "words"])
    for label in LABELS:
        values[f"{label}_word_share"] = float(profile.loc[label, "word_share"])
    values["mean_confidence"] = float(content["confidence"].mean()) if len(content) else math.nan
    functions = content["function"].dropna().value_counts()
    counts = {function: int(functions.get(function, 0)) for function in FUNCTION_NAMES}
    total = sum(counts.values())
    values["function_units"] = total
    values["top_functions"] = top_functions(counts)
    for function in FUNCTION_NAMES:
        values[f"{function}_function_share"] = counts[function] / total if total else 0.0
    return values


def error_values(problem: str) -> dict[str, Any]:
    """The :data:`VALUE_COLUMNS` of a document that could not be read: the problem, zero counts, no shares.

    >>> values = error_values("not UTF-8 text")
    >>> values["error"], values["words"], values["management_word_share"]
    ('not UTF-8 text', 0, nan)
    """
    values: dict[str, Any] = {}
    for column in VALUE_COLUMNS:
        values[column] = math.nan if column in FRACTION_COLUMNS else 0
    values["error"] = problem
    values["top_functions"] = ""
    return values
