"""``lmclassify compare``: profile many documents side by side; see :mod:`lmclassify.documents.compare`.

lmclassify compare letters/ --output profiles.csv
lmclassify compare letters/ --metadata letters.csv --group-by year --output profiles.csv --html report.html
lmclassify compare a.txt b.md c.txt --output profiles.csv
"""

from __future__ import annotations

import argparse
import signal
import sys
import textwrap

from lmclassify.cli.common import MODEL_HELP, Terminated, examples, fail, model_from, terminate_like_interrupt, visible
from lmclassify.documents.compare import compare_to_csv
from lmclassify.errors import ArgumentError, DataFileError, MissingExtraError, ModelError

COMMAND = "lmclassify compare"
EXAMPLES = examples(
    "lmclassify compare letters --output profiles.csv",
    "lmclassify compare letters --metadata letters.csv --group-by year --output profiles.csv --html report.html",
    "lmclassify compare data/documents/texts --metadata data/documents/documents.csv --group-by genre --output p.csv",
    "lmclassify compare letter-2023.md letter-2024.md --output profiles.csv",
)


def build_parser(prog: str = COMMAND) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog,
        description=textwrap.fill(
            "Profile many documents side by side: one CSV row per document with its units by kind, the share of "
            "management, leadership and neither (by units and by words), the mean confidence and the mix of "
            "Kotter functions. A folder is read recursively for .txt, .text, .md and .markdown files.",
            width=100,
        ),
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("inputs", nargs="+", metavar="FILE_OR_FOLDER", help="documents, or a folder of them")
    parser.add_argument("--output", required=True, metavar="FILE.csv", help="the profiles, one row per document")
    parser.add_argument(
        "--metadata",
        metavar="FILE.csv",
        help="a CSV file with a 'file' column naming the documents; its other columns are added to the rows",
    )
    parser.add_argument(
        "--group-by",
        metavar="COLUMN",
        help="a metadata column (or 'folder') to summarise by; adds a group table to the report and the summary",
    )
    parser.add_argument("--html", metavar="FILE.html", help="also write a standalone HTML report with charts")
    parser.add_argument(
        "--model",
        metavar="PATH",
        help=MODEL_HELP,
    )
    return parser


def main(argv: list[str] | None = None, prog: str = COMMAND) -> int:
    """Run ``lmclassify compare``; print a summary on stderr. Exit code 0 when every document was read, 1 when
    some could not be (they have an ``error`` in the output) or the model or output failed, 2 for unusable
    arguments, 130 after Ctrl-C and 143 after SIGTERM (nothing is written then)."""
    args = build_parser(prog).parse_args(argv)

    def print_error(name: str, problem: str) -> None:
        fail(prog, f"{visible(name)}: {visible(problem)}")

    outputs = args.output if args.html is None else f"{args.output} and {args.html}"
    try:
        model = model_from(args.model)
        with terminate_like_interrupt():
            summary = compare_to_csv(
                model,
                args.inputs,
                args.output,
                metadata=args.metadata,
                group_by=args.group_by,
                html=args.html,
                on_error=print_error,
            )
    except (ArgumentError, DataFileError) as error:
        fail(prog, error)
        return 2
    except (ModelError, MissingExtraError, OSError) as error:
        fail(prog, f"{error}; {outputs} not written")
        return 1
    except KeyboardInterrupt:
        fail(prog, f"interrupted; {outputs} not written")
        return 130
    except Terminated:
        fail(prog, f"terminated; {outputs} not written")
        return 128 + signal.SIGTERM
    first, *rest = summary.report().splitlines()
    print("\n".join([f"{prog}: {first}", *(f"  {visible(line)}" for line in rest)]), file=sys.stderr)
    return 1 if summary.unreadable else 0


if __name__ == "__main__":
    sys.exit(main())
