"""``lmclassify select [--data CSV] [--out docs/model-selection.md] [--seed N] [--documents DIR]``: compare
feature sets and calibrations and write the model-selection report; see :mod:`lmclassify.training.selection`."""

from __future__ import annotations

import argparse
import shlex
import sys

from lmclassify.cli.common import examples, fail, show_progress_logs
from lmclassify.errors import CorpusError
from lmclassify.training.selection import run

COMMAND = "lmclassify select"


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
        ),
    )
    parser.add_argument(
        "--data", metavar="CSV", help="labelled CSV with text,label,domain (default: the bundled corpus)"
    )
    parser.add_argument(
        "--out",
        default="docs/model-selection.md",
        metavar="FILE",
        help="Markdown report to write, JSON beside it (default: docs/model-selection.md)",
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
    show_progress_logs()
    try:
        run(args.data, args.out, args.seed, args.documents, command=" ".join([prog, shlex.join(argv)]).strip())
    except CorpusError as error:
        fail("error", error)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
