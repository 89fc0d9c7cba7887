"""``lmclassify markup check FILE...`` and ``lmclassify markup build SOURCE_DIR [--out DIR]``: labelled
documents written in the ``.lmd`` markup (see :mod:`lmclassify.corpus.markup`)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from lmclassify.cli.common import examples
from lmclassify.corpus.markup import build_documents, parse_markup
from lmclassify.errors import CorpusError

COMMAND = "lmclassify markup"


def build_parser(prog: str = COMMAND) -> argparse.ArgumentParser:
    raw = argparse.RawDescriptionHelpFormatter
    check_example = f"{prog} check letters/*.lmd"
    build_example = f"{prog} build letters --out data/documents"
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Check or build labelled documents written in .lmd markup.",
        formatter_class=raw,
        epilog=examples(check_example, build_example),
    )
    commands = parser.add_subparsers(dest="command", required=True)
    about = "parse marked-up documents and report problems"
    check = commands.add_parser(
        "check", help=about, description=f"{about.capitalize()}.", formatter_class=raw, epilog=examples(check_example)
    )
    check.add_argument("files", nargs="+", type=Path, metavar="FILE", help=".lmd file(s) to check")
    about = "turn a folder of .lmd files into the corpus's document files"
    build = commands.add_parser(
        "build", help=about, description=f"{about.capitalize()}.", formatter_class=raw, epilog=examples(build_example)
    )
    build.add_argument("source", type=Path, metavar="SOURCE_DIR", help="folder searched for .lmd files")
    build.add_argument(
        "--out",
        type=Path,
        default=Path("data/documents"),
        metavar="DIR",
        help="where to write (default: data/documents)",
    )
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
