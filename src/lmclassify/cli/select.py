"""``lmclassify select [--data CSV] [--out docs/model-selection.md] [--seed N] [--documents DIR]``: compare
feature sets and calibrations and write the model-selection report; see :mod:`lmclassify.training.selection`.
``lmclassify select --accurate [--encoder FILE ...]``: the accurate tier's report instead; see
:mod:`lmclassify.training.tier_comparison`."""

from __future__ import annotations

import argparse
import shlex
import sys

from lmclassify.cli.common import examples, fail, show_progress_logs
from lmclassify.errors import ArgumentError, CorpusError, MissingExtraError
from lmclassify.training.selection import run

COMMAND = "lmclassify select"
REPORT = "docs/model-selection.md"
ACCURATE_REPORT = "docs/model-selection-accurate.md"


def build_parser(prog: str = COMMAND) -> argparse.ArgumentParser:
    """The options of ``lmclassify select``."""
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Compare model configurations by cross-validation on the train split and write the\n"
        "comparison report (Markdown, with the figures as JSON beside it).",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=examples(
            "lmclassify select",
            "lmclassify select --data coded.csv --out selection.md --seed 1",
            "lmclassify select --accurate",
        ),
    )
    parser.add_argument(
        "--data", metavar="CSV", help="labelled CSV with text,label,domain (default: the bundled corpus)"
    )
    parser.add_argument(
        "--out",
        default=None,
        metavar="FILE",
        help="Markdown report to write, JSON beside it (default: docs/model-selection.md, or "
        "docs/model-selection-accurate.md with --accurate)",
    )
    parser.add_argument(
        "--accurate",
        action="store_true",
        help="instead: choose the accurate tier's embedding weight and compare it with the default model "
        '(bundled corpus; needs pip install "lmclassify[embeddings]")',
    )
    parser.add_argument(
        "--encoder",
        action="append",
        default=[],
        metavar="FILE",
        help="with --accurate: an encoder file to compare; repeatable (default: the bundled accurate model's)",
    )
    parser.add_argument(
        "--seed", type=int, default=0, metavar="N", help="seed of the cross-validation folds (default: 0)"
    )
    parser.add_argument(
        "--documents", metavar="DIR", help="folder of labelled whole documents (default: the bundled ones)"
    )
    return parser


def main(argv: list[str] | None = None, prog: str = COMMAND) -> int:
    """Run ``lmclassify select``; 0 on success, 2 when the data are unusable."""
    argv = sys.argv[1:] if argv is None else list(argv)
    args = build_parser(prog).parse_args(argv)
    command = " ".join([prog, shlex.join(argv)]).strip()
    if args.accurate and (args.data or args.documents):
        build_parser(prog).error("--accurate compares the bundled models on the bundled corpus: leave out --data")
    if args.encoder and not args.accurate:
        build_parser(prog).error("--encoder is for --accurate")
    show_progress_logs()
    try:
        if args.accurate:
            from lmclassify.training.tier_comparison import run as run_accurate

            run_accurate(args.out or ACCURATE_REPORT, args.encoder, args.seed, command=command)
        else:
            run(args.data, args.out or REPORT, args.seed, args.documents, command=command)
    except (CorpusError, ArgumentError, MissingExtraError) as error:
        fail("error", error)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
