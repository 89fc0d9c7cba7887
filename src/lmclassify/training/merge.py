"""The labelled rows training uses: the base data (``--data``, by default the bundled corpus), your ``--add``
files (read by :mod:`lmclassify.training.additions`) added to it, or the files alone (``--replace``).

When an added row repeats a text of the base data (ignoring case and spacing), the added row replaces it: its
label, function and split are the ones used, and the log says how many rows were replaced (and how many of them
with another label). An added row may not reuse the id of another base row.

>>> base = pd.DataFrame({"id": ["a", "b"], "text": ["Plan it.", "Lead it."], "label": ["management", "leadership"],
...                      "function": ["planning", "direction"], "split": ["train", "test"]})
>>> rows = pd.DataFrame({"id": ["mine:1"], "text": ["plan  it.", ], "label": ["leadership"], "function": [None],
...                      "split": ["train"], "user_file": ["mine.csv"], "line": [2]})
>>> merged, summary = merge_additions(base, Additions(rows, [{"path": "mine.csv"}]), seed=0)
>>> merged[["id", "label", "user_file"]].values.tolist(), summary["replaced_rows"], summary["relabelled_rows"]
([['b', 'leadership', ''], ['mine:1', 'leadership', 'mine.csv']], 1, 1)
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from lmclassify.corpus.codebook import LABELS
from lmclassify.corpus.load import MIN_EXAMPLES_PER_LABEL, normalise_text, read_labelled_csv
from lmclassify.errors import ArgumentError, CorpusError
from lmclassify.resources import default_corpus_path
from lmclassify.training.additions import USER_FILE, Additions, listed, place, read_additions
from lmclassify.training.data import split_train_test

logger = logging.getLogger(__name__)


def training_data(
    data: str | Path | None,
    add: Sequence[str | Path],
    replace: bool,
    documents: str | Path | bool | None,
    seed: int,
) -> tuple[pd.DataFrame, Path | None, dict[str, Any] | None]:
    """``(rows, base_path, summary)``: the validated rows to split and train on, the base data's path (``None``
    with ``replace``) and :func:`merge_additions`'s summary (``None`` without ``add``)."""
    if replace and not add:
        raise ArgumentError("--replace (replace=True) trains on the --add files alone; give at least one --add file")
    if replace and (data is not None or documents not in (None, False)):
        raise ArgumentError(
            "--replace (replace=True) trains on the --add files alone, so it takes no --data and no --documents; "
            "leave those out, or add the files to that data without --replace"
        )
    base_path = None if replace else Path(data) if data is not None else default_corpus_path()
    base = None if base_path is None else read_labelled_csv(base_path)
    if not add:
        assert base is not None
        return base, base_path, None
    frame, summary = merge_additions(base, read_additions(add), seed)
    return frame, base_path, summary


def merge_additions(base: pd.DataFrame | None, additions: Additions, seed: int) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The base data (``None``: none, as ``--replace`` asks) with the added rows, and a summary for the model's
    metadata (``files``, ``rows``, ``train_rows``, ``test_rows``, ``replaced_rows``, ``relabelled_rows``,
    ``replace``).

    Every row of the result has a ``split``: base rows without one get the stratified split ``seed`` draws. The
    ``user_file`` column names the file of each added row (``""`` for base rows). Without any function of a
    management or leadership row, the result has no ``function`` column (the model then predicts labels only).
    """
    added = additions.rows.copy()
    replaced = relabelled = 0
    if base is None:
        merged = added
        counts = added["label"].value_counts()
        scarce = [
            f"{label} ({counts.get(label, 0)})" for label in LABELS if counts.get(label, 0) < MIN_EXAMPLES_PER_LABEL
        ]
        if scarce:
            raise CorpusError(
                f"{', '.join(file['path'] for file in additions.files)}: without the base data (--replace) the files "
                f"together have too few examples of {', '.join(scarce)}; each label needs at least "
                f"{MIN_EXAMPLES_PER_LABEL}. Add rows, or train without --replace"
            )
    else:
        base = base.copy()
        if "split" not in base.columns:
            train, _ = split_train_test(base, seed)
            base["split"] = ["train" if index in train.index else "test" for index in base.index]
        keys = base["text"].map(normalise_text)
        added_labels = dict(zip(added["text"].map(normalise_text), added["label"]))
        repeated = keys.isin(added_labels).to_numpy()
        replaced = int(repeated.sum())
        relabelled = sum(added_labels[key] != label for key, label in zip(keys[repeated], base.loc[repeated, "label"]))
        base = base.loc[~repeated]
        _check_ids(base, added)
        base[USER_FILE] = ""
        merged = pd.concat([base, added], ignore_index=True, sort=False)
        if replaced:
            logger.info(
                "%d added row(s) repeat a text of the base data (ignoring case and spacing) and replace it "
                "(%d with another label)",
                replaced,
                relabelled,
            )
    if "function" in merged.columns and not any(
        isinstance(function, str) for function, label in zip(merged["function"], merged["label"]) if label != "neither"
    ):
        merged = merged.drop(columns="function")  # nothing to train function heads on
    summary = {
        "files": additions.files,
        "rows": len(added),
        "train_rows": int((added["split"] == "train").sum()),
        "test_rows": int((added["split"] == "test").sum()),
        "replaced_rows": replaced,
        "relabelled_rows": int(relabelled),
        "replace": base is None,
    }
    return merged.drop(columns="line"), summary


def _check_ids(base: pd.DataFrame, added: pd.DataFrame) -> None:
    """Raise :class:`CorpusError` when an added row has the id of another row of the base data."""
    if "id" not in base.columns:
        return
    taken = set(base["id"].astype(str))
    clashes = [
        f"{place(name, line, position)} (id {value!r})"
        for position, (name, line, value) in enumerate(zip(added[USER_FILE], added["line"], added["id"]))
        if value in taken
    ]
    if clashes:
        raise CorpusError(
            f"added rows use ids of other rows of the base data: {listed(clashes)}; give them other ids, or leave "
            "the id blank to have one generated"
        )


def user_rows(frame: pd.DataFrame) -> pd.Series:
    """Where ``frame`` (rows to train or test on, possibly with document units) holds added rows."""
    if USER_FILE not in frame.columns:
        return pd.Series(False, index=frame.index)
    return frame[USER_FILE].fillna("").astype(str) != ""
