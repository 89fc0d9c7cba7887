"""The rows a model trains on: single units plus the units of whole documents, split and weighted.

>>> frame = pd.DataFrame({"text": ["Plan it.", "Lead it."], "label": ["management", "leadership"]})
>>> with_documents(frame, None)[["group", "kind"]].values.tolist()
[['unit:0', ''], ['unit:1', '']]
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split

from lmclassify.corpus.load import DocumentSet, load_documents


def split_train_test(frame: pd.DataFrame, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Use the ``split`` column when present, else draw a stratified 80/20 split."""
    if "split" in frame.columns:
        return frame[frame["split"] == "train"], frame[frame["split"] == "test"]
    train, test = train_test_split(frame, test_size=0.2, stratify=frame["label"], random_state=seed)
    return train, test


def with_documents(units: pd.DataFrame, documents: DocumentSet | None) -> pd.DataFrame:
    """Single units plus the units of whole documents, as one frame with a ``group`` column (the document id
    for document units, a group of its own for each single unit) and a ``kind`` (``""`` for single units).

    """
    singles = units.copy()
    singles["group"] = [f"unit:{index}" for index in range(len(singles))]
    singles["kind"] = ""
    if documents is None or documents.units.empty:
        return singles.reset_index(drop=True)
    columns = [c for c in ("text", "label", "function", "domain") if c in singles.columns]
    document_units = documents.units[[*columns, "doc_id", "kind", "genre"]].copy()
    document_units["group"] = document_units["doc_id"]
    document_units = document_units.drop(columns="doc_id")
    return pd.concat([singles, document_units], ignore_index=True, sort=False)


def calibration_weights(frame: pd.DataFrame) -> np.ndarray | None:
    """Weights for fitting the temperature: single units and document units count half each, so that the
    probabilities are calibrated on held-out documents as much as on isolated sentences.

    >>> calibration_weights(pd.DataFrame({"kind": ["", "", "", "heading"]})).round(3).tolist()
    [0.667, 0.667, 0.667, 2.0]
    """
    if "kind" not in frame.columns:
        return None
    in_documents = (frame["kind"].fillna("") != "").to_numpy()
    if in_documents.all() or not in_documents.any():
        return None
    share = np.where(in_documents, 0.5 / in_documents.sum(), 0.5 / (~in_documents).sum())
    weights: np.ndarray = share * len(frame)
    return weights


def groups_of(frame: pd.DataFrame) -> np.ndarray:
    """The fold group of each row: its ``group`` column, else one group per row."""
    if "group" in frame.columns:
        groups: np.ndarray = frame["group"].to_numpy()
        return groups
    return np.arange(len(frame))


def document_set(data: str | Path | None, documents: str | Path | bool | None) -> DocumentSet | None:
    """The whole documents to train with: ``None``/``True`` means the bundled ones when ``data`` is the bundled
    corpus (and none otherwise), ``False`` none, a path a folder of the same layout."""
    if documents is False or (documents in (None, True) and data is not None):
        return None
    return load_documents(None if documents in (None, True) else Path(documents))  # type: ignore[arg-type]
