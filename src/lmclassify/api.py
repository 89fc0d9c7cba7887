"""Module-level functions that use the bundled default model, loaded once, lazily and thread-safely.

>>> classify("Prepare the quarterly budget and track spending against it.").label
'management'
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, overload

from lmclassify.cache import default_model

if TYPE_CHECKING:
    import pandas as pd

    from lmclassify.documents.analysis import DocumentReport
    from lmclassify.explain import Explanation
    from lmclassify.runtime.prediction import Prediction


@overload
def classify(texts: str) -> Prediction: ...  # type: ignore[overload-overlap]  # a str is one text
@overload
def classify(texts: Iterable[str]) -> list[Prediction]: ...
def classify(texts: str | Iterable[str]) -> Prediction | list[Prediction]:
    """Classify one text or many with the default model.

    A ``str`` gives one :class:`Prediction`; any other iterable of ``str`` gives a list in the same order.

    >>> p = classify("Inspire the team with a clear picture of where we are going.")
    >>> p.label, round(sum(p.scores.values()), 6)
    ('leadership', 1.0)
    """
    return default_model().classify(texts)


def classify_frame(frame: pd.DataFrame, column: str = "text", *, prefix: str = "") -> pd.DataFrame:
    """Classify a DataFrame column with the default model; see :meth:`Classifier.classify_frame`."""
    return default_model().classify_frame(frame, column=column, prefix=prefix)


def explain(text: str, top: int | None = 5) -> Explanation:
    """Which terms of ``text`` moved each label's score, with the default model; see :meth:`Classifier.explain`.

    >>> explanation = explain("Track spending against the budget every week.")
    >>> explanation.prediction.label, explanation.contributions["management"][0][1] > 0
    ('management', True)
    """
    return default_model().explain(text, top=top)


def analyze(document: str, *, counted_kinds: Sequence[str] | None = None) -> DocumentReport:
    """Split ``document`` into units and classify each with the default model; see :meth:`Classifier.analyze`.

    >>> analyze("Plan the budget. Inspire the team.").profile["sentence_share"].tolist()
    [0.5, 0.5, 0.0]
    """
    return default_model().analyze(document, counted_kinds=counted_kinds)
