"""Analyse a whole document: split it into units, classify each, and profile the document.

A document is one bag of words to the model, so :func:`analyze_document` splits it into units first
(:mod:`lmclassify.documents.segment`): headings, lead-ins, list items and sentences, each with its ``kind``.
Every unit is
classified; a model trained on whole documents also carries a log-odds shift per kind (``kind_offsets``, fitted
on held-out documents), which tells a heading such as "Our culture" from a sentence with the same words. The
:class:`DocumentReport` holds one row per unit with its offsets, kind, label, probabilities and function. The
profile counts content units only (list items and sentences) unless asked to count every unit, and the report
renders the document as HTML with every unit highlighted by its label.

>>> from lmclassify import load_model
>>> from lmclassify.resources import default_model_path
>>> report = load_model(default_model_path()).analyze("Track spending against the budget. Inspire the team.")
>>> report.sentences[["start", "end", "kind", "label"]].values.tolist()
[[0, 34, 'sentence', 'management'], [35, 52, 'sentence', 'leadership']]
>>> float(report.profile.loc["management", "sentence_share"])
0.5
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

import numpy as np

from lmclassify.corpus.codebook import LABELS
from lmclassify.documents.segment import CONTENT_KINDS, UNIT_KINDS, split_sentences
from lmclassify.errors import ArgumentError, TextTypeError

if TYPE_CHECKING:
    import pandas as pd

    from lmclassify.runtime.compiled import CompiledClassifier

#: Columns of :attr:`DocumentReport.sentences`, in order.
SENTENCE_COLUMNS = (
    "text",
    "start",
    "end",
    "kind",
    "label",
    "confidence",
    *(f"p_{label}" for label in LABELS),
    "function",
    "function_confidence",
)
#: Columns of :attr:`DocumentReport.profile`, in order.
PROFILE_COLUMNS = ("sentences", "words", "sentence_share", "word_share")


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
    - ``sentences`` (also ``units``): a DataFrame with columns ``text, start, end, kind, label, confidence,
      p_management, p_leadership, p_neither, function, function_confidence``, one row per unit in document
      order, ``document[start:end] == text``; ``kind`` is ``heading``, ``lead_in``, ``list_item`` or
      ``sentence``; ``function`` and ``function_confidence`` are ``None`` for neither;
    - ``profile``: a DataFrame indexed by label (``management, leadership, neither``) with columns
      ``sentences`` and ``words`` (counts of the counted units) and ``sentence_share`` and ``word_share`` (each
      column sums to 1; all zero for a document without counted units);
    - ``counted_kinds``: the unit kinds the profile counts (by default list items and sentences: headings and
      lead-ins are listed but not counted);
    - ``source``: where the document came from, such as its file name (``None`` when not given);
    - ``model_name``, ``model_version``: the model's name and the package version that trained it (from its
      metadata), and ``created``: when the report was made (UTC); the HTML page shows them.

    An empty document, or one without units, gives a report with no rows.
    """

    document: str
    sentences: pd.DataFrame
    profile: pd.DataFrame
    counted_kinds: tuple[str, ...] = CONTENT_KINDS
    source: str | None = None
    model_name: str | None = None
    model_version: str | None = None
    created: datetime | None = None

    @property
    def units(self) -> pd.DataFrame:
        """The same table as :attr:`sentences`: one row per unit."""
        return self.sentences

    def __len__(self) -> int:
        return len(self.sentences)

    def __repr__(self) -> str:
        shares = ", ".join(f"{label} {self.profile.loc[label, 'word_share']:.0%}" for label in self.profile.index)
        return f"DocumentReport({len(self)} units; share of words in {'/'.join(self.counted_kinds)}: {shares})"

    def top(self, label: str, n: int = 5) -> pd.DataFrame:
        """The ``n`` sentences of ``label`` the model is most sure about, most confident first.

        >>> from lmclassify import analyze
        >>> analyze("Cut the travel budget. Inspire the team. Rally everyone.").top("leadership", 1).text.tolist()
        ['Inspire the team.']
        """
        if label not in LABELS:
            raise ArgumentError(f"unknown label {label!r}; expected one of {', '.join(LABELS)}")
        if isinstance(n, bool) or not isinstance(n, int) or n < 0:
            raise ArgumentError(f"n must be a non-negative int, got {n!r}")
        rows = self.sentences[self.sentences["label"] == label]
        return rows.sort_values("confidence", ascending=False, kind="stable").head(n)

    def to_dict(self) -> dict[str, Any]:
        """A plain, JSON-ready dict: ``{"sentences": [row, ...], "profile": {label: {column: value}}}``."""
        sentences = [
            {
                "text": row.text,
                "start": int(row.start),
                "end": int(row.end),
                "kind": row.kind,
                "label": row.label,
                "confidence": float(row.confidence),
                **{f"p_{label}": float(getattr(row, f"p_{label}")) for label in LABELS},
                "scores": {label: float(getattr(row, f"p_{label}")) for label in LABELS},
                "function": row.function,
                "function_confidence": None if row.function is None else float(row.function_confidence),
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
        return {
            "sentences": sentences,
            "profile": profile,
            "counted_kinds": list(self.counted_kinds),
            "model": {"name": self.model_name, "version": self.model_version},
            "created": None if self.created is None else self.created.isoformat(),
        }

    def to_html(self, title: str | None = None, *, fragment: bool = False) -> str:
        """The report as a standalone HTML page: a header (``title``, by default the source's file name; the
        file, model and date), a legend with each label's counts and share of words, then the whole document with
        every unit in its own box, coloured by label and ending in a badge with the label's initial and the
        model's confidence (unsure units are paler, with an outlined badge).

        Every character of the document appears once, HTML-escaped; headings are heading elements and bullet
        items list items. ``fragment=True`` gives one ``<div>`` with inline styles instead, for embedding in
        another page or a notebook (what :meth:`_repr_html_` shows).

        >>> from lmclassify import analyze
        >>> page = analyze("Plan the <b>budget</b>.", source="plan.txt").to_html()
        >>> "&lt;b&gt;" in page, "<title>plan.txt</title>" in page
        (True, True)
        """
        from lmclassify.documents.html import report_fragment, report_page

        if fragment:
            return report_fragment(self)
        if title is None:
            title = "Document report" if self.source is None else self.source.replace("\\", "/").rsplit("/", 1)[-1]
        return report_page(self, title)

    def _repr_html_(self) -> str:
        return self.to_html(fragment=True)


def _profile(sentences: pd.DataFrame, counted_kinds: tuple[str, ...]) -> pd.DataFrame:
    import pandas as pd

    counted = sentences[sentences["kind"].isin(counted_kinds)] if len(sentences) else sentences
    words = counted["text"].map(count_words) if len(counted) else pd.Series(dtype="int64")
    counts = counted["label"].value_counts().reindex(list(LABELS), fill_value=0).astype("int64")
    word_counts = words.groupby(counted["label"]).sum().reindex(list(LABELS), fill_value=0).astype("int64")
    profile = pd.DataFrame({"sentences": counts, "words": word_counts})
    profile.index.name = "label"
    for column, share in (("sentences", "sentence_share"), ("words", "word_share")):
        total = profile[column].sum()
        profile[share] = profile[column] / total if total else 0.0
    return profile[list(PROFILE_COLUMNS)]


def shift_by_kind(probabilities: np.ndarray, kinds: list[str], offsets: Mapping[str, np.ndarray]) -> np.ndarray:
    """Label probabilities ``(n, 3)`` moved by each unit kind's log-odds offsets and renormalised.

    >>> shift_by_kind(np.array([[0.5, 0.25, 0.25]]), ["heading"], {"heading": np.log([1.0, 1.0, 2.0])}).round(3)
    array([[0.4, 0.2, 0.4]])
    """
    shifted = np.array(probabilities, dtype=np.float64)
    for kind, offset in offsets.items():
        rows = np.fromiter((k == kind for k in kinds), dtype=bool, count=len(kinds))
        if rows.any():
            shifted[rows] *= np.exp(offset - offset.max())
    shifted /= shifted.sum(axis=1, keepdims=True)
    return shifted


def classify_units(model: CompiledClassifier, texts: list[str], kinds: list[str]) -> pd.DataFrame:
    """Classify document units of the given kinds: ``label, confidence, p_*, function, function_confidence``.

    >>> from lmclassify import default_model
    >>> classify_units(default_model(), ["Our values", "Cut costs by 5%."], ["heading", "sentence"]).label.tolist()
    ['neither', 'management']
    """
    import pandas as pd

    if texts:
        label_probs, function_heads = model.predict_proba_with_functions(texts)
        label_probs = shift_by_kind(label_probs, kinds, model.kind_offsets)
    else:
        label_probs, function_heads = np.zeros((0, len(model.labels))), {}
    best = label_probs.argmax(axis=1)
    labels = [model.labels[index] for index in best]
    functions: list[str | None] = [None] * len(texts)
    function_confidence: list[float | None] = [None] * len(texts)
    for row, label in enumerate(labels):
        if label in function_heads:
            classes, probabilities = function_heads[label]
            top = int(probabilities[row].argmax())
            functions[row], function_confidence[row] = classes[top], float(probabilities[row, top])
    columns: dict[str, Any] = {
        "label": pd.Series(labels, dtype=object),
        "confidence": pd.Series(label_probs[np.arange(len(texts)), best], dtype="float64"),
    }
    for index, label in enumerate(model.labels):
        columns[f"p_{label}"] = pd.Series(label_probs[:, index], dtype="float64")
    columns["function"] = pd.Series(functions, dtype=object)
    columns["function_confidence"] = pd.Series(function_confidence, dtype=object)
    return pd.DataFrame(columns)


def analyze_document(
    model: CompiledClassifier,
    document: str,
    *,
    counted_kinds: tuple[str, ...] | None = None,
    source: str | None = None,
) -> DocumentReport:
    """Split ``document`` into units and classify each with ``model``; see :class:`DocumentReport`.

    ``counted_kinds`` chooses the unit kinds the profile counts (default: list items and sentences; pass
    :data:`lmclassify.documents.segment.UNIT_KINDS` to count headings and lead-ins too); ``source`` names the
    document (a file name) for the report's header. Raises ``TypeError`` if ``document`` is not a ``str`` and
    ``ValueError`` for an unknown kind.
    """
    import pandas as pd

    if not isinstance(document, str):
        raise TextTypeError(f"expected a str document to analyse, got {type(document).__name__}")
    counted = CONTENT_KINDS if counted_kinds is None else tuple(counted_kinds)
    unknown = sorted(set(counted) - set(UNIT_KINDS))
    if unknown:
        raise ArgumentError(f"unknown unit kind(s) {unknown}; expected some of {', '.join(UNIT_KINDS)}")
    found = split_sentences(document)
    classified = classify_units(model, [s.text for s in found], [s.kind for s in found])
    positions = pd.DataFrame(
        {
            "text": pd.Series([s.text for s in found], dtype=object),
            "start": pd.Series([s.start for s in found], dtype="int64"),
            "end": pd.Series([s.end for s in found], dtype="int64"),
            "kind": pd.Series([s.kind for s in found], dtype=object),
        }
    )
    sentences = pd.concat([positions, classified], axis=1)[list(SENTENCE_COLUMNS)]
    name, version = model.identity
    return DocumentReport(
        document,
        sentences,
        _profile(sentences, counted),
        counted,
        source=source,
        model_name=None if name is None else str(name),
        model_version=None if version is None else str(version),
        created=datetime.now(timezone.utc).replace(microsecond=0),
    )
