"""``lmclassify evaluate [--data CSV] [--model PATH] [--split S] [--by COLUMN] [--json PATH]``.

Reports macro-F1, per-class precision/recall/F1, the confusion matrix, the calibration error (ECE, 10 bins),
management-vs-leadership accuracy, Kotter-function accuracy (when a ``function`` column is present) and a
breakdown by a grouping column (``--by``; by default ``challenge_type`` when present). Without ``--data`` it
evaluates the bundled corpus's test split, the challenge set and the test documents.
"""

from __future__ import annotations

import argparse
import sys

from lmclassify.cli.common import examples, fail, model_from
from lmclassify.corpus.load import load_documents
from lmclassify.errors import CorpusError, MissingExtraError, ModelError
from lmclassify.evaluation.evaluate import evaluate, evaluate_documents, labelled_datasets
from lmclassify.evaluation.report import format_document_report, format_report
from lmclassify.io.atomic import write_json_atomically

COMMAND = "lmclassify evaluate"


def build_parser(prog: str = COMMAND) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Measure a model on labelled data: macro-F1, per-class precision, recall and F1,\n"
        "the confusion matrix, the calibration error (ECE), management-vs-leadership accuracy,\n"
        "Kotter-function accuracy and accuracy by group. Without --data it measures the bundled\n"
        "test split, challenge set and test documents.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=examples(
            "lmclassify evaluate",
            "lmclassify evaluate --data data/corpus.csv --split test --by domain",
            "lmclassify evaluate --data coded.csv --model my-model.npz --json figures.json",
        ),
    )
    parser.add_argument(
        "--data", metavar="CSV", help="labelled CSV with text,label (default: corpus test split + challenge set)"
    )
    parser.add_argument(
        "--model",
        metavar="PATH",
        help="compiled model (.npz) to evaluate, or `accurate` (default: the bundled fast model)",
    )
    parser.add_argument("--split", choices=["all", "train", "test"], default="all", help="rows of --data to use")
    parser.add_argument(
        "--by", metavar="COLUMN", help="column to break accuracy down by (default: challenge_type if present)"
    )
    parser.add_argument("--json", metavar="PATH", help="also write all figures as JSON to PATH")
    return parser


def main(argv: list[str] | None = None, prog: str = COMMAND) -> int:
    args = build_parser(prog).parse_args(argv)
    try:
        model = model_from(args.model)
        datasets = labelled_datasets(args.data, args.split)
    except (CorpusError, ModelError, MissingExtraError) as error:
        fail("error", error)
        return 2
    results = {}
    for title, frame in datasets:
        by = args.by or ("challenge_type" if "challenge_type" in frame.columns else None)
        if by is not None and by not in frame.columns:
            fail("error", f"--by {by}: no such column in {title}")
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
