"""Analyse a whole document: split it into sentences, classify each, and profile the document.

A document is one bag of words to the model, so :func:`analyze_document` splits it into sentences first
(:mod:`lmclassify.segment`) and classifies every sentence. The :class:`DocumentReport` holds one row per sentence
with its offsets in the document, the share of each label by sentences and by words, and renders the document
as HTML with every sentence highlighted by its label.

>>> from lmclassify import load_model
>>> from lmclassify.resources import default_model_path
>>> report = load_model(default_model_path()).analyze("Track spending against the budget. Inspire the team.")
>>> report.sentences[["text", "start", "end", "label"]].values.tolist()
[['Track spending against the budget.', 0, 34, 'management'], ['Inspire the team.', 35, 52, 'leadership']]
>>> float(report.profile.loc["management", "sentence_share"])
0.5
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from lmclassify.labels import LABELS
from lmclassify.segment import split_sentences

if TYPE_CHECKING:
    import pandas as pd

    from lmclassify.runtime import Classifier

#: Columns of :attr:`DocumentReport.sentences`, in order.
SENTENCE_COLUMNS = ("text", "start", "end", "label", "confidence", "function")
#: Columns of :attr:`DocumentReport.profile`, in order.
PROFILE_COLUMNS = ("sentences", "words", "sentence_share", "word_share")
#: Highlight colour of each label in :meth:`DocumentReport.to_html`.
COLOURS = {"management": "#cfe2ff", "leadership": "#ffd8a8", "neither": "#e9ecef"}


def count_words(text: str) -> int:
    """Words of ``text``: white-space separated pieces with at least one letter or digit.

    >>> count_words("Revenue rose 3.5% — a record!")
    5
    """
    return sum(any(character.isalnum() for character in piece) for piece in text.split())


@dataclass(frozen=True, eq=False)
class DocumentReport:
    """What each sentence of a document is about, and the document's profile.

    - ``document``: the text analysed; offsets refer to it, in characters;
    - ``sentences``: a DataFrame with columns ``text, start, end, label, confidence, function``, one row per
      sentence in document order, ``document[start:end] == text``; ``function`` is ``None`` for neither;
    - ``profile``: a DataFrame indexed by label (``management, leadership, neither``) with columns
      ``sentences`` and ``words`` (counts) and ``sentence_share`` and ``word_share`` (each column sums to 1;
      all zero for a document without sentences).

    An empty document, or one without sentences, gives a report with no rows.
    """

    document: str
    sentences: pd.DataFrame
    profile: pd.DataFrame

    def __len__(self) -> int:
        return len(self.sentences)

    def __repr__(self) -> str:
        shares = ", ".join(f"{label} {self.profile.loc[label, 'word_share']:.0%}" for label in self.profile.index)
        return f"DocumentReport({len(self)} sentences; share of words: {shares})"

    def top(self, label: str, n: int = 5) -> pd.DataFrame:
        """The ``n`` sentences of ``label`` the model is most sure about, most confident first.

        >>> from lmclassify import analyze
        >>> analyze("Cut the travel budget. Inspire the team. Rally everyone.").top("leadership", 1).text.tolist()
        ['Inspire the team.']
        """
        if label not in LABELS:
            raise ValueError(f"unknown label {label!r}; expected one of {', '.join(LABELS)}")
        if isinstance(n, bool) or not isinstance(n, int) or n < 0:
            raise ValueError(f"n must be a non-negative int, got {n!r}")
        rows = self.sentences[self.sentences["label"] == label]
        return rows.sort_values("confidence", ascending=False, kind="stable").head(n)

    def to_dict(self) -> dict[str, Any]:
        """A plain, JSON-ready dict: ``{"sentences": [row, ...], "profile": {label: {column: value}}}``."""
        sentences = [
            {
                "text": row.text,
                "start": int(row.start),
                "end": int(row.end),
                "label": row.label,
                "confidence": float(row.confidence),
                "function": row.function,
            }
            for row in self.sentences.itertuples(index=False)
        ]
        profile = {
            label: {
                "sentences": int(values["sentences"]),
                "words": int(values["words"]),
                "sentence_share": float(values["sentence_share"]),
                "word_share": float(values["word_share"]),
            }
            for label, values in self.profile.iterrows()
        }
        return {"sentences": sentences, "profile": profile}

    def to_html(self) -> str:
        """The whole document as HTML, each sentence highlighted in its label's colour, with a legend.

        Every piece of the document is HTML-escaped; hovering over a sentence shows its label, confidence and
        function. Styles are inline, so the HTML survives notebook renderers that strip ``<style>``.

        >>> from lmclassify import analyze
        >>> "&lt;b&gt;" in analyze("Plan the <b>budget</b>.").to_html()
        True
        """
        legend = " ".join(
            f'<span style="background-color:{COLOURS.get(label, "#ffffff")};padding:0 0.4em;border-radius:3px">'
            f"{html.escape(label)}: {int(values['sentences'])} sentences, {values['word_share']:.0%} of words</span>"
            for label, values in self.profile.iterrows()
        )
        pieces = []
        position = 0
        for row in self.sentences.itertuples(index=False):
            pieces.append(html.escape(self.document[position : row.start]))
            tip = f"{row.label} {row.confidence:.2f}" + (f" · {row.function}" if row.function else "")
            pieces.append(
                f'<span class="lmclassify-{html.escape(row.label)}" '
                f'style="background-color:{COLOURS.get(row.label, "#ffffff")}" '
                f'title="{html.escape(tip, quote=True)}">{html.escape(row.text)}</span>'
            )
            position = row.end
        pieces.append(html.escape(self.document[position:]))
        return (
            '<div class="lmclassify-report" style="font-family:sans-serif;line-height:1.7">'
            f'<div style="margin-bottom:0.6em">{legend}</div>'
            f'<div style="white-space:pre-wrap">{"".join(pieces)}</div></div>'
        )

    def _repr_html_(self) -> str:
        return self.to_html()


def _profile(sentences: pd.DataFrame) -> pd.DataFrame:
    import pandas as pd

    words = sentences["text"].map(count_words) if len(sentences) else pd.Series(dtype="int64")
    counts = sentences["label"].value_counts().reindex(list(LABELS), fill_value=0).astype("int64")
    word_counts = words.groupby(sentences["label"]).sum().reindex(list(LABELS), fill_value=0).astype("int64")
    profile = pd.DataFrame({"sentences": counts, "words": word_counts})
    profile.index.name = "label"
    for column, share in (("sentences", "sentence_share"), ("words", "word_share")):
        total = profile[column].sum()
        profile[share] = profile[column] / total if total else 0.0
    return profile[list(PROFILE_COLUMNS)]


def analyze_document(model: Classifier, document: str) -> DocumentReport:
    """Split ``document`` into sentences and classify each with ``model``; see :class:`DocumentReport`.

    Raises ``TypeError`` if ``document`` is not a ``str``.
    """
    import pandas as pd

    if not isinstance(document, str):
        raise TypeError(f"expected a str document to analyse, got {type(document).__name__}")
    found = split_sentences(document)
    predictions = model.classify([sentence.text for sentence in found]) if found else []
    sentences = pd.DataFrame(
        {
            "text": pd.Series([s.text for s in found], dtype=object),
            "start": pd.Series([s.start for s in found], dtype="int64"),
            "end": pd.Series([s.end for s in found], dtype="int64"),
            "label": pd.Series([p.label for p in predictions], dtype=object),
            "confidence": pd.Series([p.confidence for p in predictions], dtype="float64"),
            "function": pd.Series([p.function for p in predictions], dtype=object),
        },
        columns=list(SENTENCE_COLUMNS),
    )
    return DocumentReport(document=document, sentences=sentences, profile=_profile(sentences))
