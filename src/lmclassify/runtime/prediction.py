"""What the model says about one text (:class:`Prediction`), and the check every text passes first.

>>> p = Prediction("management", 0.9, {"management": 0.9, "leadership": 0.06, "neither": 0.04}, "budgeting", 0.7)
>>> p.to_dict()["scores"]["leadership"]
0.06
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from lmclassify.errors import EmptyTextError, TextTypeError


@dataclass(frozen=True)
class Prediction:
    """What the model says about one text.

    ``scores`` holds a calibrated probability for every label (in :data:`~lmclassify.LABELS` order, summing to
    1); ``confidence`` is the probability of ``label``. ``function`` is the most likely Kotter function within the
    predicted label (``None`` for neither), with its probability given the label in ``function_confidence``.
    """

    label: str
    confidence: float
    scores: Mapping[str, float]
    function: str | None = None
    function_confidence: float | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "scores", MappingProxyType(dict(self.scores)))

    def __reduce__(self) -> tuple[Any, ...]:
        return (Prediction, (self.label, self.confidence, dict(self.scores), self.function, self.function_confidence))

    @classmethod
    def trusted(
        cls,
        label: str,
        confidence: float,
        scores: dict[str, float],
        function: str | None,
        function_confidence: float | None,
        _new: Any = object.__new__,
        _proxy: Any = MappingProxyType,
    ) -> Prediction:
        """Build a prediction from values the runtime made itself: no copying or checks (about twice as fast;
        ``_new`` and ``_proxy`` are bound once, as defaults, to save two lookups per call).

        >>> Prediction.trusted("neither", 1.0, {"neither": 1.0}, None, None).label
        'neither'
        """
        prediction: Prediction = _new(cls)
        prediction.__dict__.update(
            label=label,
            confidence=confidence,
            scores=_proxy(scores),
            function=function,
            function_confidence=function_confidence,
        )
        return prediction

    def to_dict(self) -> dict[str, Any]:
        """A plain, JSON-ready dict."""
        return {
            "label": self.label,
            "confidence": self.confidence,
            "scores": dict(self.scores),
            "function": self.function,
            "function_confidence": self.function_confidence,
        }


def check_text(text: object, position: int | None = None) -> str:
    """Return ``text`` if it can be classified; raise :class:`~lmclassify.errors.TextTypeError` or
    :class:`~lmclassify.errors.EmptyTextError` naming the problem (and the item's position) otherwise.

    >>> check_text("Plan it.")
    'Plan it.'
    """
    where = "" if position is None else f"item {position}: "
    if not isinstance(text, str):
        raise TextTypeError(f"{where}expected a str to classify, got {type(text).__name__}")
    if not text.strip():
        raise EmptyTextError(f"{where}text is empty or only whitespace; there is nothing to classify")
    return text
