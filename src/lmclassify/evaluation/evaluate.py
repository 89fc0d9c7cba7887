"""Measure a model on labelled data (what ``lmclassify evaluate [--data CSV] [--model PATH]`` runs).

Reports macro-F1, per-class precision/recall/F1, the confusion matrix, the calibration error (ECE, 10 bins),
management-vs-leadership accuracy, Kotter-function accuracy (when a ``function`` column is present) and a breakdown
by a grouping column (``--by``; by default ``challenge_type`` when present). Any CSV with ``text`` and ``label``
works, so you can measure the model on your own documents.

Without ``--data`` it evaluates the bundled corpus's test split, the bundled challenge set and the test documents
(each unit on its own, and end to end through ``analyze()``).

>>> from lmclassify.corpus.load import load_challenge_set
>>> from lmclassify import default_model
>>> result = evaluate(default_model(), load_challenge_set().head(30))
>>> sorted(result)[:3]
['accuracy', 'confusion_matrix', 'ece']
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from lmclassify.corpus.codebook import LABELS
from lmclassify.corpus.load import DocumentSet, load_challenge_set, load_corpus, read_labelled_csv
from lmclassify.documents.analysis import analyze_document, classify_units
from lmclassify.errors import CorpusError
from lmclassify.evaluation.metrics import function_metrics, label_metrics
from lmclassify.runtime.compiled import CompiledClassifier


def evaluate(model: CompiledClassifier, frame: pd.DataFrame, by: str | None = None) -> dict[str, Any]:
    """Metrics of ``model`` on a labelled frame (see the module docstring); ``by`` adds per-group figures."""
    predictions = model.classify(frame["text"].tolist())
    predicted = np.asarray([p.label for p in predictions])
    truth = frame["label"].to_numpy()
    result = label_metrics(truth, predicted, [[p.scores[label] for label in LABELS] for p in predictions])
    if "function" in frame.columns:
        known = [isinstance(function, str) for function in frame["function"]]  # rows without one are skipped
        right = [i for i, (t, g) in enumerate(zip(truth, predicted)) if t == g != "neither" and known[i]]
        result["function"] = function_metrics(
            frame["function"].iloc[right].tolist(), [predictions[i].function for i in right]
        )
    if by is not None:
        groups = frame[by].to_numpy()
        result["by"] = {
            "column": by,
            "groups": {
                str(group): {
                    "n": int((groups == group).sum()),
                    "accuracy": float(np.mean(truth[groups == group] == predicted[groups == group])),
                }
                for group in sorted(set(groups))
            },
        }
    return result


def _matched_rows(gold: pd.DataFrame, found: pd.DataFrame) -> np.ndarray:
    """For each gold unit, the row of ``found`` (units the splitter produced) that overlaps it most."""
    starts, ends = found["start"].to_numpy(), found["end"].to_numpy()
    rows = np.empty(len(gold), dtype=np.int64)
    for index, (start, end) in enumerate(zip(gold["start"], gold["end"])):
        overlap = np.minimum(ends, end) - np.maximum(starts, start)
        rows[index] = int(np.argmax(overlap)) if len(overlap) else -1
    return rows


def evaluate_documents(model: CompiledClassifier, documents: DocumentSet) -> dict[str, Any]:
    """Metrics of ``model`` on labelled whole documents, two ways.

    - ``units``: every gold unit classified on its own, with its gold kind;
    - ``end_to_end``: every document run through ``analyze()``; each gold unit takes the label and
      probabilities of the unit the splitter produced that overlaps it most;

    plus ``segmentation`` (share of gold units the splitter found exactly, and with the same kind) and
    ``by_genre`` (end-to-end macro-F1 and units per genre). Each of ``units`` and ``end_to_end`` holds the
    :func:`lmclassify.evaluation.metrics.label_metrics` figures.
    """
    units = documents.units
    texts, kinds = units["text"].tolist(), units["kind"].tolist()
    one_by_one = classify_units(model, texts, kinds)
    truth = units["label"].to_numpy()
    columns = [f"p_{label}" for label in LABELS]
    result: dict[str, Any] = {
        "documents": len(documents),
        "units": label_metrics(truth, one_by_one["label"].to_numpy(), one_by_one[columns].to_numpy()),
    }
    predicted, probabilities, exact, same_kind = [], [], 0, 0
    for doc_id, gold in units.groupby("doc_id", sort=False):
        report = analyze_document(model, documents.texts[doc_id])
        found = report.sentences
        rows = _matched_rows(gold, found)
        for (start, end, kind), row in zip(gold[["start", "end", "kind"]].itertuples(index=False), rows):
            if row < 0:
                predicted.append("neither")
                probabilities.append([0.0, 0.0, 1.0])
                continue
            match = found.iloc[row]
            predicted.append(match["label"])
            probabilities.append([float(match[column]) for column in columns])
            if (match["start"], match["end"]) == (start, end):
                exact += 1
                same_kind += match["kind"] == kind
    predicted_array = np.asarray(predicted)
    result["end_to_end"] = label_metrics(truth, predicted_array, probabilities)
    result["segmentation"] = {"exact_span": exact / len(units), "exact_span_and_kind": same_kind / len(units)}
    by_genre = {}
    for genre in sorted(set(units["genre"])):
        rows = (units["genre"] == genre).to_numpy()
        figures = label_metrics(truth[rows], predicted_array[rows], np.asarray(probabilities)[rows])
        by_genre[genre] = {"units": int(rows.sum()), "macro_f1": figures["macro_f1"], "accuracy": figures["accuracy"]}
    result["by_genre"] = by_genre
    return result


def labelled_datasets(data: str | None, split: str) -> list[tuple[str, pd.DataFrame]]:
    """Named labelled frames to evaluate: the bundled test split and challenge set when ``data`` is ``None``,
    else the rows of ``data`` in ``split`` (``"all"``, ``"train"`` or ``"test"``)."""
    if data is None:
        corpus = load_corpus()
        return [("corpus test split", corpus[corpus["split"] == "test"]), ("challenge set", load_challenge_set())]
    frame = read_labelled_csv(data, min_per_label=1)
    if split != "all":
        if "split" not in frame.columns:
            raise CorpusError(f"{data}: --split {split} needs a split column")
        frame = frame[frame["split"] == split]
    return [(Path(data).name + ("" if split == "all" else f" ({split} split)"), frame)]
