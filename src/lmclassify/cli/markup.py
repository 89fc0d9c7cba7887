"""``lmclassify markup check FILE...`` and ``lmclassify markup build SOURCE_DIR [--out DIR]``: labelled
documents written in the ``.lmd`` markup (see :mod:`lmclassify.corpus.markup`)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from lmclassify.corpus.markup import build_documents, parse_markup
from lmclassify.errors import CorpusError

COMMAND = "lmclassify markup"


def build_parser(prog: str = COMMAND) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=prog, description="Check or build labelled documents written in .lmd markup.")
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="parse marked-up documents and report problems")
    check.add_argument("files", nargs="+", type=Path)
    build = commands.add_parser("build", help="turn a folder of .lmd files into the corpus's document files")
    build.add_argument("source", type=Path)
    build.add_argument("--out", type=Path, default=Path("data/documents"))
    return parser


def main(argv: list[str] | None = None, prog: str = COMMAND) -> int:
    """``lmclassify markup check FILE...`` or ``lmclassify markup build SOURCE_DIR [--out DIR]``."""
    args = build_parser(prog).parse_args(argv)
    try:
        if args.command == "check":
            total = 0
            for path in args.files:
                total += len(parse_markup(path.read_text(encoding="utf-8"), str(path)).units)
            print(f"{len(args.files)} document(s), {total} units: no problems")
        else:
            documents, units = build_documents(sorted(args.source.rglob("*.lmd")), args.out)
            print(f"wrote {documents} documents and {units} units to {args.out}")
    except CorpusError as error:
        print(error, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
