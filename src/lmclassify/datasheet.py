"""Counts for a corpus datasheet: ``python -m lmclassify.datasheet [--data CSV] [--challenge CSV]``.

Prints Markdown tables of label x function by split, domain x label, register x label, the challenge types, and the
shares the datasheet promises (cue-free sentences, neither sentences with cue words in another sense, lengths). The
figures in ``data/README.md`` are this command's output on the bundled files.

>>> from lmclassify.corpus import load_corpus
>>> "Cue-free sentences" in corpus_properties(load_corpus())
True
"""

from __future__ import annotations

import argparse
import sys

import pandas as pd

from lmclassify.corpus import load_challenge_set, load_corpus, read_labelled_csv
from lmclassify.errors import CorpusError
from lmclassify.labels import LABELS, has_cue
from lmclassify.tables import markdown_table


def _crosstab(rows: pd.Series | list, columns: pd.Series) -> pd.DataFrame:
    table = pd.crosstab(rows, columns, margins=True, margins_name="total")
    return table.reset_index()


def corpus_properties(frame: pd.DataFrame) -> str:
    """Bullet points: cue-free shares, other-sense neither share, sentence lengths."""
    oriented = frame[frame["label"] != "neither"]
    cue_free = pd.Series(
        [not has_cue(t, label) for t, label in zip(oriented["text"], oriented["label"])], index=oriented.index
    )
    neither = frame.loc[frame["label"] == "neither", "text"]
    other_sense = neither.map(lambda t: has_cue(t, "management") or has_cue(t, "leadership"))
    words = frame["text"].str.split().str.len()
    shares = ", ".join(f"{cue_free[oriented['label'] == label].mean():.1%} of {label}" for label in LABELS[:2])
    return "\n".join(
        [
            f"- Sentences: {len(frame):,}.",
            f"- Cue-free sentences: {shares} sentences ({cue_free.mean():.1%} overall).",
            "- Neither sentences containing a management or leadership cue word in another sense: "
            f"{other_sense.mean():.1%}.",
            f"- Length: {words.min()} to {words.max()} words, median {words.median():.0f}; {int((words <= 5).sum())} "
            f"sentences have 5 words or fewer and {int((words >= 40).sum())} have 40 or more.",
        ]
    )


def datasheet_tables(frame: pd.DataFrame, challenge: pd.DataFrame | None = None) -> str:
    """All datasheet counts as Markdown."""
    sections = []
    if "function" in frame.columns:
        by = frame["split"] if "split" in frame.columns else pd.Series("all", index=frame.index, name="split")
        sections += [
            "### Label x function, by split",
            markdown_table(_crosstab([frame["label"], frame["function"]], by)),
        ]
    for column in ("domain", "register"):
        if column in frame.columns:
            sections += [f"### {column.title()} x label", markdown_table(_crosstab(frame[column], frame["label"]))]
    sections += ["### Other properties", corpus_properties(frame)]
    if challenge is not None and "challenge_type" in challenge.columns:
        sections += [
            "### Challenge set: type x label",
            markdown_table(_crosstab(challenge["challenge_type"], challenge["label"])),
        ]
    return "\n\n".join(sections) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lmclassify.datasheet", description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", help="labelled CSV (default: the bundled corpus and challenge set)")
    args = parser.parse_args(argv)
    try:
        if args.data:
            frame, challenge = read_labelled_csv(args.data), None
        else:
            frame, challenge = load_corpus(), load_challenge_set()
    except CorpusError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(datasheet_tables(frame, challenge), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
