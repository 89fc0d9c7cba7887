"""``lmclassify classify --input FILE --output FILE``: classify every row of a file; see :mod:`lmclassify.batch`.

lmclassify classify --input letters.csv --output letters-labelled.csv
lmclassify classify --input posts.jsonl --output posts.parquet --column body --jobs 4
lmclassify classify --input coded.csv --output checked.csv --prefix pred_ --gold label
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from concurrent.futures.process import BrokenProcessPool

from lmclassify.batch import DEFAULT_CHUNK_SIZE, classify_file
from lmclassify.cli.common import MODEL_HELP, Terminated, examples, terminate_like_interrupt
from lmclassify.errors import DataFileError, ModelError

COMMAND = "lmclassify classify"


def build_parser(prog: str = COMMAND) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog,
        description=(
            "Classify every row of a .csv, .jsonl, .txt (one text per line) or .parquet file,\n"
            "streaming it in chunks. All input columns are kept; label, confidence, p_<label>,\n"
            "function and function_confidence are added. Formats follow the file extensions.\n"
            "A summary is printed on standard error; with --gold it scores the predicted labels\n"
            "against a column of gold labels (accuracy, macro-F1, F1 by label)."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=examples(
            "lmclassify classify --input letters.csv --output letters-labelled.csv",
            "lmclassify classify --input posts.jsonl --output posts.parquet --column body --jobs 4",
            "lmclassify classify --input coded.csv --output checked.csv --prefix pred_ --gold label",
        ),
    )
    parser.add_argument("--input", required=True, metavar="FILE", help="file to classify")
    parser.add_argument("--output", required=True, metavar="FILE", help="file to write (never the input file)")
    parser.add_argument("--column", default="text", help="column holding the text (default: text)")
    parser.add_argument(
        "--jobs", type=int, default=1, metavar="N", help="worker processes (default: 1; 0: one per CPU core)"
    )
    parser.add_argument(
        "--model",
        metavar="PATH",
        help=MODEL_HELP,
    )
    parser.add_argument(
        "--escape-formulas",
        action="store_true",
        help="put an apostrophe before .csv/.txt cells starting with = + - @ so spreadsheets do not run them",
    )
    parser.add_argument(
        "--prefix",
        default="",
        metavar="TEXT",
        help="start the added columns' names with TEXT (for example pred_), e.g. when the input has a label",
    )
    parser.add_argument(
        "--gold",
        metavar="COLUMN",
        help="score the predicted labels against this column of gold labels (management, leadership or neither): "
        "accuracy and macro-F1 are added to the summary",
    )
    parser.add_argument(
        "--chunk-size",
        type=int,
        default=DEFAULT_CHUNK_SIZE,
        metavar="N",
        help=f"rows per chunk (default: {DEFAULT_CHUNK_SIZE})",
    )
    return parser


def main(argv: list[str] | None = None, prog: str = COMMAND) -> int:
    """Run ``lmclassify classify``; print a summary on stderr. Exit code 0 on success (bad rows included), 2 for
    unusable arguments or files, 1 when the model cannot be loaded or the output cannot be written."""
    parser = build_parser(prog)
    args = parser.parse_args(argv)
    jobs = (os.cpu_count() or 1) if args.jobs == 0 else args.jobs
    if jobs < 0:
        parser.error(f"--jobs must be 0 or more, got {args.jobs}")
    if args.chunk_size < 1:
        parser.error(f"--chunk-size must be at least 1, got {args.chunk_size}")
    try:
        with terminate_like_interrupt():
            summary = classify_file(
                args.input,
                args.output,
                column=args.column,
                model=args.model,
                jobs=jobs,
                chunk_size=args.chunk_size,
                prefix=args.prefix,
                escape_formulas=args.escape_formulas,
                gold=args.gold,
            )
    except (DataFileError, ModuleNotFoundError) as error:
        print(f"lmclassify classify: {error}", file=sys.stderr)
        return 2
    except (ModelError, OSError) as error:
        print(f"lmclassify classify: {error}; {args.output} was not written", file=sys.stderr)
        return 1
    except BrokenProcessPool:
        print(
            f"lmclassify classify: a worker process died (out of memory?); {args.output} was not written. "
            "Try fewer --jobs or a smaller --chunk-size",
            file=sys.stderr,
        )
        return 1
    except KeyboardInterrupt:
        print(f"lmclassify classify: interrupted; {args.output} was not written", file=sys.stderr)
        return 130
    except Terminated:
        print(f"lmclassify classify: terminated; {args.output} was not written", file=sys.stderr)
        return 128 + signal.SIGTERM
    first, *rest = summary.report().splitlines()
    print("\n".join([f"lmclassify classify: {first}", *(f"  {line}" for line in rest)]), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
