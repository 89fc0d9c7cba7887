"""The ``lmclassify analyze`` command: split whole documents into units (sentences, headings, list items) and
report on each.

    lmclassify analyze letter.md notes.txt              # per document: profile, then a table of units
    lmclassify analyze --format json letter.md          # one JSON object per document, one per line
    lmclassify analyze --format csv *.txt > out.csv     # one row per unit, with a file column
    lmclassify analyze --format html letter.md > letter.html   # one document as a standalone web page
    lmclassify analyze - < letter.txt                   # a document from standard input

Files must be UTF-8 text (``.txt``, ``.text``, ``.md``, ``.markdown``); a leading byte-order mark is dropped and
offsets count characters of the decoded text. A file that cannot be read gets one error line on standard error
naming it and the problem, the other files are still analysed, and the exit code is then 1.
"""

from __future__ import annotations

import argparse
import csv
import sys
from typing import TYPE_CHECKING, TextIO

from lmclassify.cli.common import MODEL_HELP, examples, model_from, visible
from lmclassify.errors import DocumentError, MissingExtraError, ModelError
from lmclassify.io.documents import STDIN, read_document
from lmclassify.io.json_lines import json_line

if TYPE_CHECKING:
    from _csv import Writer as CsvWriter

    from lmclassify.documents.analysis import DocumentReport

COMMAND = "lmclassify analyze"
FORMATS = ("text", "json", "csv", "html")
EXAMPLES = examples(
    "lmclassify analyze letter.md notes.txt",
    "lmclassify analyze --format json letter.md notes.txt > units.jsonl",
    "lmclassify analyze --format csv letter.md notes.txt > units.csv",
    "lmclassify analyze --format html letter.md > letter.html",
    "lmclassify analyze - < letter.txt",
)
CSV_COLUMNS = (
    "file",
    "unit",
    "start",
    "end",
    "kind",
    "label",
    "confidence",
    "p_management",
    "p_leadership",
    "p_neither",
    "function",
    "function_confidence",
    "text",
)


def build_parser(prog: str = COMMAND) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Split documents into units (sentences, headings, list items) and say which are about\n"
        "management, leadership or neither.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("files", nargs="+", metavar="FILE", help="a .txt or .md file, or - for standard input")
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="text",
        help="text: profile and unit table (default); json: one object per document; csv: one row per unit; "
        "html: a standalone web page of one document, each unit highlighted, with a legend",
    )
    parser.add_argument(
        "--model",
        metavar="PATH",
        help=MODEL_HELP,
    )
    return parser


def _one_line(text: str) -> str:
    return visible(" ".join(text.split()))


def format_text(name: str, report: DocumentReport) -> str:
    """A document's profile and its table of sentences, for reading in a terminal."""
    profile = report.profile
    counted = "/".join(report.counted_kinds)
    lines = [
        f"== {visible(name)}: {len(report)} units; profile of {counted} units, {int(profile['words'].sum())} words =="
    ]
    lines.append(f"{'label':<12}{'units':>10}{'share':>8}{'words':>8}{'share':>8}")
    for label, row in profile.iterrows():
        lines.append(
            f"{label:<12}{int(row['sentences']):>10}{row['sentence_share']:>8.1%}"
            f"{int(row['words']):>8}{row['word_share']:>8.1%}"
        )
    if len(report):
        lines.append("")
        lines.append(
            f"{'#':>4} {'start':>6} {'end':>6}  {'kind':<10}{'label':<11}{'conf':>5} {'p_m':>5} {'p_l':>5} {'p_n':>5}"
            f"  {'function':<16}{'f_conf':>6}  text"
        )
        for number, row in enumerate(report.sentences.itertuples(index=False), start=1):
            function_confidence = "-" if row.function is None else f"{row.function_confidence:.2f}"
            lines.append(
                f"{number:>4} {row.start:>6} {row.end:>6}  {row.kind:<10}{row.label:<11}{row.confidence:>5.2f} "
                f"{row.p_management:>5.2f} {row.p_leadership:>5.2f} {row.p_neither:>5.2f}  "
                f"{row.function or '-':<16}{function_confidence:>6}  {_one_line(row.text)}"
            )
    return "\n".join(lines)


def _write(name: str, report: DocumentReport, output_format: str, out: TextIO, writer: CsvWriter | None) -> None:
    if output_format == "json":
        print(json_line({"file": name, **report.to_dict()}), file=out)
    elif output_format == "html":
        out.write(report.to_html())
    elif writer is not None:
        for number, row in enumerate(report.sentences.itertuples(index=False), start=1):
            writer.writerow(
                [
                    name,
                    number,
                    row.start,
                    row.end,
                    row.kind,
                    row.label,
                    f"{row.confidence:.6f}",
                    f"{row.p_management:.6f}",
                    f"{row.p_leadership:.6f}",
                    f"{row.p_neither:.6f}",
                    row.function or "",
                    "" if row.function is None else f"{row.function_confidence:.6f}",
                    row.text,
                ]
            )
    else:
        print(format_text(name, report), file=out, end="\n\n")


def main(argv: list[str] | None = None, prog: str = COMMAND) -> int:
    """``lmclassify analyze [--format text|json|csv|html] [--model PATH] FILE... | -``."""
    parser = build_parser(prog)
    args = parser.parse_args(argv)
    if args.format == "html" and len(args.files) != 1:
        parser.error(
            f"--format html writes one page for one document, got {len(args.files)} files: "
            "run the command once per file, e.g. lmclassify analyze --format html letter.md > letter.html"
        )
    try:
        model = model_from(args.model)
    except (ModelError, MissingExtraError) as error:
        print(f"lmclassify analyze: {error}", file=sys.stderr)
        return 1
    out = sys.stdout
    writer = csv.writer(out, lineterminator="\n") if args.format == "csv" else None
    failed = 0
    try:
        if writer is not None:
            writer.writerow(CSV_COLUMNS)
        for name in args.files:
            try:
                document = read_document(name)
            except DocumentError as error:
                failed += 1
                print(f"lmclassify analyze: {error}", file=sys.stderr)
                continue
            source = "<stdin>" if name == STDIN else name
            _write(source, model.analyze(document, source=source), args.format, out, writer)
    except BrokenPipeError:  # e.g. piped into `head`
        return 0
    if failed:
        print(f"lmclassify analyze: {failed} of {len(args.files)} document(s) could not be read", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
