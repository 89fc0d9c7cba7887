"""Module-level functions that use the bundled default model, loaded once, lazily and thread-safely.

>>> classify("Prepare the quarterly budget and track spending against it.").label
'management'
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, overload

from lmclassify.resources import default_model_path, default_model_sha256
from lmclassify.runtime import Classifier, Prediction, load_model

if TYPE_CHECKING:
    import pandas as pd

    from lmclassify.analysis import DocumentReport
    from lmclassify.explanation import Explanation

_default: Classifier | None = None
_lock = threading.Lock()


def default_model() -> Classifier:
    """The bundled default model (loaded on first use, checked against its recorded SHA-256, then shared)."""
    global _default
    if _default is None:
        with _lock:
            if _default is None:
                _default = load_model(default_model_path(), expected_sha256=default_model_sha256())
    return _default


@overload
def classify(texts: str) -> Prediction: ...
@overload
def classify(texts: Iterable[str]) -> list[Prediction]: ...
def classify(texts):
    """Classify one text or many with the default model.

    A ``str`` gives one :class:`Prediction`; any other iterable of ``str`` gives a list in the same order.

    >>> p = classify("Inspire the team with a clear picture of where we are going.")
    >>> p.label, round(sum(p.scores.values()), 6)
    ('leadership', 1.0)
    """
    return default_model().classify(texts)


def classify_frame(frame: pd.DataFrame, column: str = "text") -> pd.DataFrame:
    """Classify a DataFrame column with the default model; see :meth:`Classifier.classify_frame`."""
    return default_model().classify_frame(frame, column=column)


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
