"""Measure a model on labelled data: ``python -m lmclassify.evaluate [--data CSV] [--model PATH]``.

Reports macro-F1, per-class precision/recall/F1, the confusion matrix, the calibration error (ECE, 10 bins),
management-vs-leadership accuracy, Kotter-function accuracy (when a ``function`` column is present) and a breakdown
by a grouping column (``--by``; by default ``challenge_type`` when present). Any CSV with ``text`` and ``label``
works, so you can measure the model on your own documents.

Without ``--data`` it evaluates the bundled corpus's test split and the bundled challenge set.

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

from lmclassify.api import default_model
from lmclassify.corpus import load_challenge_set, load_corpus, read_labelled_csv
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
    if args.json:
        write_json_atomically(args.json, results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
