"""Your own labelled rows, added to the training data (what ``lmclassify train --add FILE`` reads).

A file needs only ``text`` and ``label`` columns; ``function``, ``id`` and ``split`` are optional, and a blank
cell in them counts as missing. Each file is checked by the corpus reader's checks
(:func:`lmclassify.corpus.load.problems_in`), and every problem of every file is reported at once, with its lines.

- **function**: a missing function is ``none`` for a neither row and unknown for a management or leadership row:
  the label head trains on every row, each function head on the rows of its label that have a function.
- **id**: a missing id is ``<file stem>:<first 10 hex digits of the SHA-256 of the normalised text>``, so that a
  sentence keeps its id whatever line it is on.
- **split**: within each label, the rows without a split are ordered by the SHA-256 of their normalised text
  (case and spacing ignored) and the first fifth, rounded down, is ``test``; the rest is ``train``. The same rows
  give the same split in any order, and adding a row moves at most one other row between the splits.

A text or an id that two files share is an error; :mod:`lmclassify.training.merge` adds the rows to the base data.

>>> generated_id("my-labels", "Plan  the rota.") == generated_id("my-labels", "plan the rota.")
True
>>> rows = pd.DataFrame({"text": [f"Plan step {i}." for i in range(12)], "label": ["management"] * 7 + ["neither"] * 5})
>>> generated_splits(rows).groupby(rows["label"]).value_counts().to_dict()
{('management', 'train'): 6, ('management', 'test'): 1, ('neither', 'train'): 4, ('neither', 'test'): 1}
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from lmclassify.corpus.codebook import FUNCTIONS, NO_FUNCTION
from lmclassify.corpus.load import (
    CORPUS_COLUMNS,
    REQUIRED_COLUMNS,
    normalise_text,
    problems_in,
    read_csv,
)
from lmclassify.errors import ArgumentError, CorpusError
from lmclassify.io.atomic import sha256_of

logger = logging.getLogger(__name__)

#: The share of each label's rows, rounded down, that a generated split puts in ``test``.
TEST_SHARE = 0.2
#: The column that names the file a row was added from (empty for the rows of the base data).
USER_FILE = "user_file"


@dataclass(frozen=True)
class Additions:
    """The validated rows of the ``--add`` files: ``rows`` (``text, label, function, id, split``, the optional
    corpus columns the files have, ``user_file`` and ``line``) and, per file, its name, SHA-256 and row count."""

    rows: pd.DataFrame
    files: list[dict[str, Any]]


def _digest(text: str) -> str:
    return hashlib.sha256(normalise_text(text).encode("utf-8")).hexdigest()


def generated_id(stem: str, text: str) -> str:
    """The id a row without one gets: ``<stem>:<10 hex digits of the SHA-256 of its normalised text>``."""
    return f"{stem}:{_digest(text)[:10]}"


def generated_splits(frame: pd.DataFrame) -> pd.Series:
    """``train``/``test`` for each row of ``frame`` (``text``, ``label``): per label, the rows with the smallest
    SHA-256 of their normalised text, a :data:`TEST_SHARE` of them rounded down, go to ``test``."""
    splits = pd.Series("train", index=frame.index, dtype=object)
    digests = frame["text"].astype(str).map(_digest)
    for _, rows in digests.groupby(frame["label"]):
        test = rows.sort_values().index[: int(len(rows) * TEST_SHARE)]
        splits[test] = "test"
    return splits


def _blank(frame: pd.DataFrame, column: str) -> pd.Series:
    """Where ``column`` is absent or blank (every row when the file has no such column)."""
    if column not in frame.columns:
        return pd.Series(True, index=frame.index)
    return frame[column].astype(str).str.strip() == ""


def _complete(frame: pd.DataFrame, stem: str) -> pd.DataFrame:
    """``frame`` with generated ids and splits where they are missing, ``none`` as the function of neither rows
    without one, and ``None`` as the function of other rows without one."""
    frame = frame.copy()
    missing_id, missing_split = _blank(frame, "id"), _blank(frame, "split")
    frame["id"] = frame["id"].str.strip() if "id" in frame.columns else ""
    frame.loc[missing_id, "id"] = [generated_id(stem, text) for text in frame.loc[missing_id, "text"]]
    if "split" not in frame.columns:
        frame["split"] = ""
    frame.loc[missing_split, "split"] = generated_splits(frame.loc[missing_split, ["text", "label"]])
    missing_function = _blank(frame, "function")
    if "function" not in frame.columns:
        frame["function"] = None
    frame["function"] = frame["function"].astype(object)
    frame.loc[missing_function, "function"] = None
    frame.loc[missing_function & (frame["label"] == "neither"), "function"] = NO_FUNCTION
    return frame


def _checkable(frame: pd.DataFrame, generated_ids: pd.Series) -> pd.DataFrame:
    """A copy the corpus checks accept a missing function in: each unknown function is set to one its label
    allows (only the functions a file gives are checked); generated ids are made unique, since a repeated text,
    reported as such, would repeat its id too."""
    checked = frame.copy()
    unknown = checked["function"].isna()
    checked.loc[unknown, "function"] = [
        (FUNCTIONS.get(label) or (NO_FUNCTION,))[0] for label in checked.loc[unknown, "label"]
    ]
    checked.loc[generated_ids, "id"] = [f"{value}#{index}" for index, value in checked.loc[generated_ids, "id"].items()]
    checked.attrs = dict(frame.attrs)
    return checked


def place(name: str, line: Any, position: int) -> str:
    """Where a row is, for messages: its line in the file (line 1 is the header), else its row number."""
    return f"{name} line {line}" if line is not None else f"{name} row {position + 1}"


def listed(items: list[str]) -> str:
    """The first eight ``items``, joined, and how many more there are."""
    return "; ".join(items[:8]) + (f" and {len(items) - 8} more" if len(items) > 8 else "")


def read_addition(path: str | Path) -> tuple[pd.DataFrame, list[str]]:
    """One ``--add`` file, completed (see the module docstring), and the list of its problems (empty when it is
    usable). Rows keep their line in the file in a ``line`` column."""
    path = Path(path)
    frame = read_csv(path)
    if any(column not in frame.columns for column in REQUIRED_COLUMNS) or frame.empty:
        return frame, problems_in(frame, min_per_label=0)
    ignored = [column for column in frame.columns if column not in CORPUS_COLUMNS]
    if ignored:
        logger.info("%s: ignored column(s) %s", path, ", ".join(ignored))
    lines = frame.attrs.get("lines")
    generated_ids = _blank(frame, "id")
    frame = _complete(frame[[column for column in frame.columns if column in CORPUS_COLUMNS]], path.stem)
    frame.attrs = {"lines": lines} if lines is not None else {}
    problems = problems_in(_checkable(frame, generated_ids), min_per_label=0)
    frame[USER_FILE] = path.name
    frame["line"] = lines if lines is not None else [None] * len(frame)
    return frame, problems


def read_additions(paths: Sequence[str | Path]) -> Additions:
    """Read, check and complete the ``--add`` files; raise one :class:`CorpusError` listing every problem of every
    file (with its lines), including a text or an id that two files share."""
    resolved = [Path(path).resolve() for path in paths]
    twice = sorted({str(path) for path in paths if resolved.count(Path(path).resolve()) > 1})
    if twice:
        raise ArgumentError(f"--add names {', '.join(twice)} more than once; give each file once")
    sections, frames, files = [], [], []
    for path in map(Path, paths):
        frame, problems = read_addition(path)
        if problems:
            listed = "\n".join(f"  - {problem}" for problem in problems)
            sections.append(f"{path}: {len(problems)} problem(s) found:\n{listed}")
            continue
        frames.append((path, frame))
        files.append({"path": path.name, "sha256": sha256_of(path), "rows": len(frame)})
    sections += _shared_between_files(frames)
    if sections:
        raise CorpusError("\n".join(sections))
    rows = pd.concat([frame for _, frame in frames], ignore_index=True, sort=False)
    return Additions(rows, files)


def _shared_between_files(frames: list[tuple[Path, pd.DataFrame]]) -> list[str]:
    """Problems of texts or ids that two ``--add`` files share."""
    problems = []
    for column, what, fix in (
        ("text", "texts (ignoring case and spacing)", "keep each text in one file"),
        ("id", "ids", "give them other ids, or leave them blank to have ids generated"),
    ):
        seen: dict[str, str] = {}
        clashes = []
        for path, frame in frames:
            for position, (value, line) in enumerate(zip(frame[column], frame["line"])):
                key = normalise_text(value) if column == "text" else str(value)
                where = place(path.name, line, position)
                if key in seen:
                    clashes.append(f"{seen[key]} and {where}")
                else:
                    seen[key] = where
        if clashes:
            problems.append(f"--add files share {what}: {listed(clashes)}; {fix}")
    return problems
