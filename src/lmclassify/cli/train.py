"""``lmclassify train [--data CSV] [--add CSV ...] [--replace] [--documents DIR | --no-documents] [--out DIR]
[--embeddings [--encoder FILE]]``: train, check and write a model; see :mod:`lmclassify.training.train`."""

from __future__ import annotations

import argparse
import signal
import sys

from lmclassify.cli.common import Terminated, examples, fail, show_progress_logs, terminate_like_interrupt
from lmclassify.errors import ArgumentError, CorpusError, MissingExtraError
from lmclassify.resources import DEFAULT_MODEL_NAME
from lmclassify.training.crossval import MIN_MACRO_F1
from lmclassify.training.train import train

COMMAND = "lmclassify train"

EXAMPLES = examples(
    "lmclassify train --add my-labels.csv --out my-models",
    "lmclassify train --add my-labels.csv --add more-labels.csv --out my-models --no-search",
    "lmclassify train --add my-labels.csv --replace --out my-models",
    "lmclassify train --data my-corpus.csv --out my-models",
    "lmclassify train --embeddings --add my-labels.csv --out my-models",
) + (
    """

An --add file needs only text,label columns (function, id and split are optional; blank cells are filled in).
A row whose text is already in the corpus replaces that corpus row. Nothing is written when the model's
cross-validated macro-F1 is below --min-macro-f1, unless --force."""
)


def _fraction(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        number = -1.0
    if not 0.0 <= number <= 1.0:
        raise argparse.ArgumentTypeError(f"must be a number from 0 to 1, not {value!r}")
    return number


def build_parser(prog: str = COMMAND) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Train a model on a labelled CSV (and your own labelled rows) and write it.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--data", help="labelled CSV with text,label (default: the bundled corpus)")
    parser.add_argument(
        "--add",
        action="append",
        default=[],
        metavar="CSV",
        help="your own labelled rows (text,label; function, id, split optional), added to --data; repeatable",
    )
    parser.add_argument(
        "--replace", action="store_true", help="train on the --add files alone: no bundled corpus, no documents"
    )
    parser.add_argument("--out", default="models", help="folder for the model files (default: models)")
    parser.add_argument("--seed", type=int, default=0, help="random seed for splits and folds (default: 0)")
    parser.add_argument(
        "--name",
        default=None,
        help=f"model file name stem (default: {DEFAULT_MODEL_NAME}, or accurate with --embeddings)",
    )
    parser.add_argument(
        "--embeddings",
        action="store_true",
        help='train the accurate tier: TF-IDF plus sentence embeddings (needs pip install "lmclassify[embeddings]")',
    )
    parser.add_argument(
        "--encoder",
        metavar="FILE",
        help="with --embeddings: an encoder file (tools/export_encoder.py) or a model holding one "
        "(default: the bundled accurate model's encoder)",
    )
    parser.add_argument("--no-search", action="store_true", help="skip the hyperparameter search; use the defaults")
    parser.add_argument("--jobs", type=int, default=-1, help="processes for cross-validation (default: all cores)")
    parser.add_argument(
        "--documents", help="folder of labelled whole documents (default: the bundled ones with the bundled corpus)"
    )
    parser.add_argument("--no-documents", action="store_true", help="train on the single units of --data only")
    parser.add_argument(
        "--min-macro-f1",
        type=_fraction,
        default=MIN_MACRO_F1,
        metavar="F",
        help=f"refuse a model whose cross-validated macro-F1 is below F (default: {MIN_MACRO_F1})",
    )
    parser.add_argument("--force", action="store_true", help="write the model even when it is below --min-macro-f1")
    return parser


def main(argv: list[str] | None = None, prog: str = COMMAND) -> int:
    parser = build_parser(prog)
    args = parser.parse_args(argv)
    if args.encoder and not args.embeddings:
        parser.error("--encoder chooses the encoder of --embeddings; add --embeddings")
    documents: str | bool | None = False if args.no_documents else args.documents
    show_progress_logs()
    try:
        with terminate_like_interrupt():
            train(
                args.data,
                args.out,
                args.seed,
                args.name,
                search=not args.no_search,
                jobs=args.jobs,
                documents=documents,
                add=args.add,
                replace=args.replace,
                force=args.force,
                min_macro_f1=args.min_macro_f1,
                embeddings=args.embeddings,
                encoder=args.encoder,
            )
    except (CorpusError, ArgumentError, MissingExtraError) as error:
        fail("error", error)
        fail("error", "nothing was written; the existing model is unchanged")
        return 2
    except OSError as error:
        fail("error", error)
        return 1
    except (KeyboardInterrupt, Terminated) as stopped:
        fail("error", "stopped; nothing was written and the existing model is unchanged")
        return 130 if isinstance(stopped, KeyboardInterrupt) else 128 + signal.SIGTERM
    return 0


if __name__ == "__main__":
    sys.exit(main())
