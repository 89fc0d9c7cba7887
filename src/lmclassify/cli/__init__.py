"""The ``lmclassify`` command (also ``python -m lmclassify``): classify texts, or run a subcommand module."""

from __future__ import annotations

import importlib
import sys

#: Subcommand -> (module of this package that runs it, one-line description).
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "analyze": ("analyze", "split documents into units and classify each"),
    "compare": ("compare", "profile many documents side by side: CSV table, groups, HTML charts"),
    "classify": ("classify", "classify every row of a .csv, .jsonl, .txt or .parquet file"),
    "train": ("train", "train a model on labelled data and write it"),
    "evaluate": ("evaluate", "measure a model on labelled data"),
    "select": ("select", "compare feature sets and calibrations; write the model-selection report"),
    "datasheet": ("datasheet", "print the corpus datasheet's tables"),
    "markup": ("markup", "check or build labelled documents written in the .lmd markup"),
}


def subcommand_help() -> str:
    """The list of subcommands, as the top-level ``--help`` shows it."""
    width = max(len(name) for name in SUBCOMMANDS)
    lines = ["subcommands (lmclassify SUBCOMMAND --help for each):"]
    lines += [f"  {name:<{width}}  {about}" for name, (_, about) in SUBCOMMANDS.items()]
    lines += [
        "",
        "examples:",
        '  lmclassify "Track spending against the budget."',
        '  lmclassify --explain "Inspire the team to aim higher."',
        "  lmclassify --json - < lines.txt",
        "  lmclassify classify --input letters.csv --output letters-labelled.csv",
        "  lmclassify --version",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run ``lmclassify``: a known subcommand name first runs that subcommand; anything else is text."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv and argv[0] in SUBCOMMANDS:
        module = importlib.import_module(f"lmclassify.cli.{SUBCOMMANDS[argv[0]][0]}")
        return int(module.main(argv[1:], prog=f"lmclassify {argv[0]}"))
    from lmclassify.cli.text import main as classify_texts

    return classify_texts(argv, epilog=subcommand_help())
