"""Counts for a corpus datasheet (what ``lmclassify datasheet [--data CSV]`` prints).

Prints Markdown tables of the codebook (labels, functions with their number of lexicon terms, cue stems, all read
from ``data/codebook.json`` and ``data/lexicon.csv``), then of label x function by split, domain x label, register x
label, hard-case families, the challenge types, the whole documents (genre, variety, unit kinds, labels, functions)
and the shares the datasheet promises (cue-free sentences, neither sentences with cue words in another sense,
lengths). The tables and figures in ``data/README.md`` are this command's output on the bundled files.

>>> from lmclassify.corpus.load import load_corpus
>>> "Cue-free units" in corpus_properties(load_corpus())
True
"""

from __future__ import annotations

import pandas as pd

from lmclassify.corpus.codebook import (
    CUE_STEMS,
    FUNCTION_DEFINITIONS,
    FUNCTION_LABEL,
    FUNCTIONS,
    LABEL_DEFINITIONS,
    LABELS,
    LEXICON,
    NO_FUNCTION,
    has_cue,
)
from lmclassify.corpus.load import DocumentSet
from lmclassify.io.markdown import markdown_table


def _crosstab(rows: pd.Series | list[pd.Series], columns: pd.Series) -> pd.DataFrame:
    table = pd.crosstab(rows, columns, margins=True, margins_name="total")
    return table.reset_index()


def codebook_tables() -> str:
    """Markdown tables of the codebook: the labels, the functions with their lexicon terms, the cue stems.

    >>> codebook_tables().splitlines()[0]
    '### Codebook: labels'
    """
    labels = pd.DataFrame(
        {
            "label": list(LABELS),
            "definition": [LABEL_DEFINITIONS[label] for label in LABELS],
            "functions": [", ".join(FUNCTIONS[label]) or f"`{NO_FUNCTION}`" for label in LABELS],
        }
    )
    functions = pd.DataFrame(
        {
            "function": list(FUNCTION_LABEL),
            "label": list(FUNCTION_LABEL.values()),
            "definition": [FUNCTION_DEFINITIONS[function] for function in FUNCTION_LABEL],
            "lexicon terms": [len(LEXICON[function]) for function in FUNCTION_LABEL],
        }
    )
    stems = pd.DataFrame({"label": list(CUE_STEMS), "cue stems": [", ".join(found) for found in CUE_STEMS.values()]})
    return "\n\n".join(
        [
            "### Codebook: labels",
            markdown_table(labels),
            "### Codebook: functions and their lexicon terms",
            markdown_table(functions),
            "### Codebook: cue stems (word-initial)",
            markdown_table(stems),
        ]
    )


def corpus_properties(frame: pd.DataFrame) -> str:
    """Bullet points: cue-free shares, other-sense neither share, unit lengths."""
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
            f"- Units: {len(frame):,}.",
            f"- Cue-free units: {shares} units ({cue_free.mean():.1%} overall).",
            "- Neither units containing a management or leadership cue word in another sense or as a topic: "
            f"{other_sense.mean():.1%}.",
            f"- Length: {words.min()} to {words.max()} words, median {words.median():.0f}; {int((words <= 5).sum())} "
            f"units have 5 words or fewer and {int((words >= 40).sum())} have 40 or more.",
        ]
    )


def document_tables(documents: DocumentSet) -> list[str]:
    """Markdown sections counting the whole documents and their units."""
    units = documents.units
    words = units["text"].str.split().str.len()
    per_document = units.groupby("doc_id").size()
    return [
        "### Whole documents: genre x split (documents)",
        markdown_table(_crosstab(documents.documents["genre"], documents.documents["split"])),
        "### Whole documents: variety x split (documents)",
        markdown_table(_crosstab(documents.documents["variety"], documents.documents["split"])),
        "### Document units: genre x label",
        markdown_table(_crosstab(units["genre"], units["label"])),
        "### Document units: kind x label",
        markdown_table(_crosstab(units["kind"], units["label"])),
        "### Document units: label x function, by split",
        markdown_table(_crosstab([units["label"], units["function"]], units["split"])),
        "### Document units: other properties",
        "\n".join(
            [
                f"- Documents: {len(documents):,}; units: {len(units):,} ({per_document.min()} to "
                f"{per_document.max()} per document, median {per_document.median():.0f}).",
                f"- Unit length: {words.min()} to {words.max()} words, median {words.median():.0f}.",
                f"- Units marked as a hard case (`case`): {int((units['case'] != '').sum()):,}.",
            ]
        ),
    ]


def datasheet_tables(
    frame: pd.DataFrame, challenge: pd.DataFrame | None = None, documents: DocumentSet | None = None
) -> str:
    """The codebook tables and all datasheet counts as Markdown."""
    sections = [codebook_tables()]
    if "function" in frame.columns:
        by = frame["split"] if "split" in frame.columns else pd.Series("all", index=frame.index, name="split")
        sections += [
            "### Label x function, by split",
            markdown_table(_crosstab([frame["label"], frame["function"]], by)),
        ]
    for column in ("domain", "register"):
        if column in frame.columns:
            sections += [f"### {column.title()} x label", markdown_table(_crosstab(frame[column], frame["label"]))]
    if "case" in frame.columns:
        marked = frame[frame["case"] != ""]
        sections += [
            "### Hard-case family (`case`) x label, single units written for version 3",
            markdown_table(_crosstab(marked["case"], marked["label"])),
        ]
    sections += ["### Other properties", corpus_properties(frame)]
    if challenge is not None and "challenge_type" in challenge.columns:
        sections += [
            "### Challenge set: type x label",
            markdown_table(_crosstab(challenge["challenge_type"], challenge["label"])),
        ]
    if documents is not None:
        sections += document_tables(documents)
    return "\n\n".join(sections) + "\n"
