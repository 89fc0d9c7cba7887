"""Measure a model on labelled data: ``python -m lmclassify.evaluate [--data CSV] [--model PATH]``.

Reports macro-F1, per-class precision/recall/F1, the confusion matrix, the calibration error (ECE, 10 bins),
management-vs-leadership accuracy, Kotter-function accuracy (when a ``function`` column is present) and a breakdown
by a grouping column (``--by``; by default ``challenge_type`` when present). Any CSV with ``text`` and ``label``
works, so you can measure the model on your own documents.

Without ``--data`` it evaluates the bundled corpus's test split, the bundled challenge set and the test documents
(each unit on its own, and end to end through ``analyze()``).

>>> from lmclassify.corpus import load_challenge_set
>>> result = evaluate(default_model(), load_challenge_set().head(30))
>>> sorted(result)[:3]
['accuracy', 'confusion_matrix', 'ece']
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from lmclassify.analysis import analyze_document, classify_units
from lmclassify.api import default_model
from lmclassify.corpus import DocumentSet, load_challenge_set, load_corpus, load_documents, read_labelled_csv
from lmclassify.errors import CorpusError, ModelError
from lmclassify.labels import LABELS
from lmclassify.metrics import format_label_metrics, function_metrics, label_metrics
from lmclassify.runtime import Classifier, load_model
from lmclassify.storage import write_json_atomically


def evaluate(model: Classifier, frame: pd.DataFrame, by: str | None = None) -> dict[str, Any]:
    """Metrics of ``model`` on a labelled frame (see the module docstring); ``by`` adds per-group figures."""
    predictions = model.classify(frame["text"].tolist())
    predicted = np.asarray([p.label for p in predictions])
    truth = frame["label"].to_numpy()
    result = label_metrics(truth, predicted, [[p.scores[label] for label in LABELS] for p in predictions])
    if "function" in frame.columns:
        right = [i for i, (t, g) in enumerate(zip(truth, predicted)) if t == g != "neither"]
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


def evaluate_documents(model: Classifier, documents: DocumentSet) -> dict[str, Any]:
    """Metrics of ``model`` on labelled whole documents, two ways.

    - ``units``: every gold unit classified on its own, with its gold kind;
    - ``end_to_end``: every document run through ``analyze()``; each gold unit takes the label and
      probabilities of the unit the splitter produced that overlaps it most;

    plus ``segmentation`` (share of gold units the splitter found exactly, and with the same kind) and
    ``by_genre`` (end-to-end macro-F1 and units per genre). Each of ``units`` and ``end_to_end`` holds the
    :func:`lmclassify.metrics.label_metrics` figures.
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


def format_document_report(result: dict[str, Any], title: str) -> str:
    """Plain-text report of :func:`evaluate_documents`."""
    units = result["units"]["n"]
    lines = [
        format_label_metrics(result["units"], title=f"{title}{units} units, each classified on its own):"),
        format_label_metrics(result["end_to_end"], title="the same units, end to end through analyze():"),
        f"units the splitter found exactly: {result['segmentation']['exact_span']:.3f}"
        f" (with the same kind: {result['segmentation']['exact_span_and_kind']:.3f})",
        "end-to-end macro-F1 by genre:",
    ]
    for genre, row in result["by_genre"].items():
        lines.append(f"  {genre:24}{row['macro_f1']:.3f}  (n={row['units']})")
    return "\n".join(lines)


def format_report(result: dict[str, Any], title: str) -> str:
    """Plain-text report of :func:`evaluate`."""
    lines = [format_label_metrics(result, title=title)]
    if result.get("management_vs_leadership_accuracy") is not None:
        lines.append(f"management vs leadership accuracy: {result['management_vs_leadership_accuracy']:.3f}")
    if "function" in result and result["function"]["accuracy"] is not None:
        function = result["function"]
        per = ", ".join(f"{name} {row['accuracy']:.2f}" for name, row in function["per_function"].items())
        lines.append(f"Kotter function accuracy on correctly labelled rows: {function['accuracy']:.3f} ({per})")
    if "by" in result:
        lines.append(f"accuracy by {result['by']['column']}:")
        for group, row in result["by"]["groups"].items():
            lines.append(f"  {group:24}{row['accuracy']:.3f}  (n={row['n']})")
    return "\n".join(lines)


def _datasets(data: str | None, split: str) -> list[tuple[str, pd.DataFrame]]:
    if data is None:
        corpus = load_corpus()
        return [("corpus test split", corpus[corpus["split"] == "test"]), ("challenge set", load_challenge_set())]
    frame = read_labelled_csv(data, min_per_label=1)
    if split != "all":
        if "split" not in frame.columns:
            raise CorpusError(f"{data}: --split {split} needs a split column")
        frame = frame[frame["split"] == split]
    return [(Path(data).name + ("" if split == "all" else f" ({split} split)"), frame)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lmclassify.evaluate", description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", help="labelled CSV with text,label (default: corpus test split + challenge set)")
    parser.add_argument("--model", help="compiled model (.npz) to evaluate (default: the bundled model)")
    parser.add_argument("--split", choices=["all", "train", "test"], default="all", help="rows of --data to use")
    parser.add_argument("--by", help="column to break accuracy down by (default: challenge_type if present)")
    parser.add_argument("--json", metavar="PATH", help="also write all figures as JSON to PATH")
    args = parser.parse_args(argv)
    try:
        model = load_model(args.model) if args.model else default_model()
        datasets = _datasets(args.data, args.split)
    except (CorpusError, ModelError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    results = {}
    for title, frame in datasets:
        by = args.by or ("challenge_type" if "challenge_type" in frame.columns else None)
        if by is not None and by not in frame.columns:
            print(f"error: --by {by}: no such column in {title}", file=sys.stderr)
            return 2
        results[title] = evaluate(model, frame, by=by)
        print(format_report(results[title], title=f"{title} ({len(frame)} rows):"), end="\n\n")
    if args.data is None:
        documents = load_documents().split("test")
        figures = evaluate_documents(model, documents)
        results["test documents"] = figures
        print(format_document_report(figures, f"test documents ({len(documents)} documents, "), end="\n\n")
    if args.json:
        write_json_atomically(args.json, results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
