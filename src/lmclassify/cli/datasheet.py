"""``lmclassify datasheet [--data CSV]``: print the corpus datasheet's tables as Markdown; see
:mod:`lmclassify.corpus.datasheet`."""

from __future__ import annotations

import argparse
import sys

from lmclassify.cli.common import examples, fail
from lmclassify.corpus.datasheet import datasheet_tables
from lmclassify.corpus.load import load_challenge_set, load_corpus, load_documents, read_labelled_csv
from lmclassify.errors import CorpusError

COMMAND = "lmclassify datasheet"


def build_parser(prog: str = COMMAND) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Print the counts of a corpus datasheet as Markdown.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=examples("lmclassify datasheet", "lmclassify datasheet --data coded.csv > datasheet.md"),
    )
    parser.add_argument("--data", metavar="CSV", help="labelled CSV (default: the bundled corpus and challenge set)")
    return parser


def main(argv: list[str] | None = None, prog: str = COMMAND) -> int:
    args = build_parser(prog).parse_args(argv)
    try:
        if args.data:
            frame, challenge, documents = read_labelled_csv(args.data), None, None
        else:
            frame, challenge, documents = load_corpus(), load_challenge_set(), load_documents()
    except CorpusError as error:
        fail("error", error)
        return 2
    print(datasheet_tables(frame, challenge, documents), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
