"""Types of the optional C extension ``lmclassify.runtime._fastscore`` (built from ``_fastscore.c``)."""

from collections.abc import Sequence
from typing import TypeAlias, TypeVar

import numpy as np
from numpy.typing import NDArray

#: (kind, min_n, max_n, min_token, sublinear, normalised, weight, terms, columns, n_columns): see
#: :meth:`lmclassify.runtime.parts.CompiledBlock.extension_spec`.
BlockSpec: TypeAlias = tuple[str, int, int, int, bool, bool, float, str, NDArray[np.int64], int]
#: (start, stop, temperature) of one head's slice of the outputs.
HeadSpec: TypeAlias = tuple[int, int, float]
#: None, or (classes, start, stop) of one label's function head.
FunctionHeadSpec: TypeAlias = tuple[tuple[str, ...], int, int] | None

_T = TypeVar("_T")

class Scorer:
    """A compiled model's blocks and heads, ready to score texts."""

    def __init__(
        self,
        blocks: Sequence[BlockSpec],
        idf: NDArray[np.float64],
        weights: NDArray[np.float64],
        intercepts: NDArray[np.float64],
        heads: Sequence[HeadSpec],
    ) -> None: ...
    @property
    def n_outputs(self) -> int:
        """How many probabilities each text gets."""
    @property
    def n_features(self) -> int:
        """How many feature columns the model has."""
    def score_into(self, texts: list[str], start: int, stop: int, out: NDArray[np.float64], /) -> None:
        """Write every head's probabilities for ``texts[start:stop]`` into ``out`` (releases the GIL)."""
    def probabilities(self, text: str, /) -> tuple[float, ...]:
        """Every head's class probabilities for one str."""
    def set_predictions(
        self,
        prediction_type: type[object],
        labels: tuple[str, ...],
        label_columns: tuple[int, ...],
        function_heads: tuple[FunctionHeadSpec, ...],
        text_type_error: type[BaseException],
        empty_text_error: type[BaseException],
        /,
    ) -> None:
        """What :meth:`classify` and :meth:`classify_each` build, and the exceptions they raise for bad text."""
    def classify(self, text: object, /) -> object:
        """Check one text, score it and return its prediction, in one call."""
    def classify_each(self, texts: list[object], /) -> list[object]:
        """:meth:`classify` of every item of a list, with the GIL held; an error names the item."""

def first_invalid(texts: list[object], /) -> int:
    """Index of the first item that is not a str or is empty or only whitespace; -1 if none."""

def build_predictions(
    table: NDArray[np.float64],
    prediction_type: type[_T],
    labels: tuple[str, ...],
    label_columns: tuple[int, ...],
    function_heads: tuple[FunctionHeadSpec, ...],
    /,
) -> list[_T]:
    """One prediction per row of ``table``, each made with ``object.__new__(prediction_type)``."""
