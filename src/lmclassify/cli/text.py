"""``lmclassify [--json] [--explain] [--model PATH] TEXT...`` (or ``-`` for standard input): classify texts given as
arguments or standard input lines; ``lmclassify --version`` prints the version.

Standard input is read as UTF-8, one text per ``\\n``-terminated line; bytes that are not valid UTF-8 become U+FFFD
rather than stopping the run. Blank input lines are not classified: they get an empty result on their own output
line (so output lines match input lines) and are counted on standard error.
"""

from __future__ import annotations

import argparse
import io
import itertools
import sys
from collections.abc import Iterable, Iterator
from typing import TextIO

from lmclassify import __version__
from lmclassify.classifier import Classifier
from lmclassify.cli.common import MODEL_HELP, model_from, visible
from lmclassify.errors import MissingExtraError, ModelError
from lmclassify.io.json_lines import json_line
from lmclassify.runtime.prediction import Prediction

_STDIN_CHUNK = 1000


def build_parser(epilog: str = "") -> argparse.ArgumentParser:
    """The options of ``lmclassify TEXT...``; ``epilog`` ends the help (the subcommands and examples, kept as
    written)."""
    parser = argparse.ArgumentParser(
        prog="lmclassify",
        description="Say whether texts are about management, leadership (Kotter) or neither.\n"
        "Give the texts as arguments, or - to read one text per line from standard input.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=epilog,
    )
    parser.add_argument("--version", action="version", version=f"lmclassify {__version__}")
    parser.add_argument("texts", nargs="+", metavar="TEXT", help="text(s) to classify, or - to read lines from stdin")
    parser.add_argument("--json", action="store_true", help="print one JSON object per line")
    parser.add_argument(
        "--model",
        metavar="PATH",
        help=MODEL_HELP,
    )
    parser.add_argument("--explain", action="store_true", help="show which terms moved each label's score")
    parser.add_argument("--top", type=int, default=5, metavar="N", help="terms listed per label with --explain")
    return parser


def _format(text: str, prediction: Prediction | None, as_json: bool) -> str:
    if as_json:
        record = {"text": text, **(prediction.to_dict() if prediction else {"label": None, "error": "empty text"})}
        return json_line(record)
    if prediction is None:
        return f"-\t-\t-\t{visible(text)}"
    return f"{prediction.label}\t{prediction.confidence:.3f}\t{prediction.function or '-'}\t{visible(text)}"


def _classify_stream(model: Classifier, lines: Iterable[str], as_json: bool, out: TextIO) -> int:
    """Classify lines in chunks, writing one output line per input line; return the number of blank lines."""
    blank = 0
    iterator: Iterator[str] = (line.rstrip("\r\n") for line in lines)
    while chunk := list(itertools.islice(iterator, _STDIN_CHUNK)):
        usable = [text for text in chunk if text.strip()]
        predictions = iter(model.classify(usable))
        for text in chunk:
            prediction = next(predictions) if text.strip() else None
            blank += prediction is None
            print(_format(text, prediction, as_json), file=out)
    return blank


def _stdin_lines() -> Iterable[str]:
    """Standard input as UTF-8 lines split on ``\\n`` only; undecodable bytes become U+FFFD instead of stopping."""
    binary = getattr(sys.stdin, "buffer", None)
    if binary is None:
        return sys.stdin
    return io.TextIOWrapper(binary, encoding="utf-8", errors="replace", newline="\n")


def _explain_stream(model: Classifier, lines: Iterable[str], as_json: bool, top: int, out: TextIO) -> int:
    """Explain each non-blank line (a blank line between explanations in text form); return the blank count."""
    blank = 0
    for number, line in enumerate(line.rstrip("\r\n") for line in lines):
        if not line.strip():
            blank += 1
            continue
        explanation = model.explain(line, top=top)
        if as_json:
            print(json_line(explanation.to_dict()), file=out)
        else:
            shown = "\n".join(visible(line) for line in str(explanation).split("\n"))
            print(("\n" if number - blank else "") + shown, file=out)
    return blank


def main(argv: list[str] | None = None, epilog: str = "") -> int:
    """``lmclassify [--json] [--model PATH] TEXT...`` (or ``-``): classify texts given as arguments or stdin lines."""
    parser = build_parser(epilog)
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    if args.top < 0:
        parser.error("--top must be 0 or more")
    try:
        model = model_from(args.model)
    except (ModelError, MissingExtraError) as error:
        print(f"lmclassify: {error}", file=sys.stderr)
        return 1
    lines: Iterable[str] = _stdin_lines() if args.texts == ["-"] else args.texts
    if hasattr(sys.stdout, "reconfigure"):  # never fail on text that the terminal's encoding cannot show
        sys.stdout.reconfigure(errors="backslashreplace")
    try:
        if args.explain:
            blank = _explain_stream(model, lines, args.json, args.top, sys.stdout)
        else:
            blank = _classify_stream(model, lines, args.json, sys.stdout)
    except BrokenPipeError:  # e.g. piped into `head`
        return 0
    if blank:
        action = "explained" if args.explain else "classified"
        print(f"lmclassify: {blank} blank line(s) were not {action}", file=sys.stderr)
    return 0
