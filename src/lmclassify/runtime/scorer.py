"""Score texts into a probability table: the C scorer when it is built, else the pure-Python scorer.

Both take a model's :class:`~lmclassify.runtime.parts.ModelParts` and fill, for each text, every head's
probabilities (``softmax(scores / temperature)`` per head) in the model's output column order. They give the same
numbers: the Python scorer runs the analyzers of :mod:`lmclassify.features.analyzer`, and the C scorer
(:mod:`lmclassify.runtime._fastscore`: n-grams, vocabulary lookup, TF-IDF and the heads, all in C) implements
the same rules. Setting ``LMCLASSIFY_PURE_PYTHON=1`` before a model is loaded forces the Python scorer.

>>> from lmclassify.model.format import read_model
>>> from lmclassify.resources import default_model_path
>>> parts = ModelParts.from_file(read_model(default_model_path()))
>>> table = np.empty((1, parts.n_outputs))
>>> PythonScorer(parts).score_into(["Cut costs."], 0, 1, table)
>>> round(float(table[0, parts.heads["label"].columns].sum()), 6)
1.0
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

import numpy as np

from lmclassify.runtime.parts import Head, ModelParts

_T = TypeVar("_T")

if TYPE_CHECKING:
    from lmclassify.runtime import _fastscore as _extension_types

    class _Extension(Protocol):
        """What this module uses of the C extension (``_fastscore.pyi`` types it), so that it can be ``None``."""

        @property
        def Scorer(self) -> type[_extension_types.Scorer]: ...
        def first_invalid(self, texts: list[object], /) -> int: ...
        def build_predictions(
            self,
            table: np.ndarray,
            prediction_type: type[_T],
            labels: tuple[str, ...],
            label_columns: tuple[int, ...],
            function_heads: tuple[_extension_types.FunctionHeadSpec, ...],
            /,
        ) -> list[_T]: ...


_fastscore: _Extension | None
try:
    from lmclassify.runtime import _fastscore
except ImportError:  # not compiled (no C compiler at install time): the pure-Python scorer is used
    _fastscore = None

#: Set to 1 to score with the pure-Python path even when the C extension is available.
PURE_PYTHON_VARIABLE = "LMCLASSIFY_PURE_PYTHON"
#: Batches of at least this many texts are scored by several threads at once (the C scorer releases the GIL).
PARALLEL_MIN_TEXTS = 1000
#: Texts per chunk of a batch.
CHUNK = 4096
#: Fewest texts a thread is handed at a time when a batch is scored by several threads.
THREAD_STEP = 512
#: Lists of at most this many texts are classified one by one in C, with no table or thread in between.
FEW_TEXTS = 64


def extension_available() -> bool:
    """Whether the C scorer is built and not switched off by ``LMCLASSIFY_PURE_PYTHON=1``.

    >>> isinstance(extension_available(), bool)
    True
    """
    return _fastscore is not None and os.environ.get(PURE_PYTHON_VARIABLE, "").strip() not in ("1", "true", "yes")


def first_invalid(texts: list[Any]) -> int:
    """Index of the first item that is not a non-blank ``str`` (-1 if none), in C when it is built."""
    if _fastscore is not None:
        return int(_fastscore.first_invalid(texts))
    for position, text in enumerate(texts):
        if not isinstance(text, str) or not text.strip():
            return position
    return -1


class Scorer(Protocol):
    """What both scorers do."""

    def score_into(self, texts: list[str], start: int, stop: int, table: np.ndarray, /) -> None:
        """Write the probabilities of ``texts[start:stop]`` into rows ``0 .. stop - start`` of ``table``."""

    def probabilities(self, text: str, /) -> Sequence[float]:
        """Every output's probability for one text."""


@dataclass(frozen=True)
class SparseFeatures:
    """Feature values of a batch of texts, as coordinates: ``values[i]`` is feature ``columns[i]`` of text
    ``rows[i]``; ``n_rows`` texts in all."""

    rows: np.ndarray
    columns: np.ndarray
    values: np.ndarray
    n_rows: int


def softmax_head(scores: np.ndarray, head: Head) -> np.ndarray:
    """One head's probabilities from decision scores (rows x outputs)."""
    scaled = scores[:, head.columns] / head.temperature
    scaled -= scaled.max(axis=1, keepdims=True)
    np.exp(scaled, out=scaled)
    scaled /= scaled.sum(axis=1, keepdims=True)
    return scaled


class PythonScorer:
    """The pure-Python (numpy) scorer; also gives the feature values and decision scores explanations use."""

    def __init__(self, parts: ModelParts):
        self.parts = parts
        self._block_of_feature = np.repeat(np.arange(len(parts.blocks)), [block.n_columns for block in parts.blocks])
        self._sublinear = np.array([block.sublinear_tf for block in parts.blocks])
        self._normalised = np.array([block.normalised for block in parts.blocks])
        self._block_weight = np.array([block.weight for block in parts.blocks])
        self._weights_by_class = np.ascontiguousarray(parts.weights.T)  # classes x features: contiguous gathers

    def features(self, texts: Sequence[str]) -> SparseFeatures:
        """The TF-IDF feature values of ``texts``."""
        rows: list[int] = []
        columns: list[int] = []
        counts: list[int] = []
        blocks = self.parts.blocks
        for row, text in enumerate(texts):
            lowered = text.lower()
            found: dict[int, int] = {}
            for block in blocks:
                lookup = block.vocabulary.get
                for gram in block.analyzer.grams(lowered):
                    column = lookup(gram)
                    if column is not None:
                        found[column] = found.get(column, 0) + 1
            rows.extend([row] * len(found))
            columns.extend(found)
            counts.extend(found.values())
        row_array = np.asarray(rows, dtype=np.int64)
        column_array = np.asarray(columns, dtype=np.int64)
        values = np.asarray(counts, dtype=np.float64)
        block_of = self._block_of_feature[column_array]  # each value's block
        sublinear = self._sublinear[block_of]
        values[sublinear] = np.log(values[sublinear]) + 1.0
        values *= self.parts.idf[column_array]
        group = row_array * len(blocks) + block_of
        norms = np.sqrt(np.bincount(group, weights=values * values, minlength=len(texts) * len(blocks)))
        values /= np.where(self._normalised[block_of], norms[group], 1.0)
        values *= self._block_weight[block_of]
        return SparseFeatures(row_array, column_array, values, len(texts))

    def decision_scores(self, features: SparseFeatures) -> np.ndarray:
        """Decision scores of every output, one row per text (before temperature and softmax)."""
        scores = np.empty((features.n_rows, len(self._weights_by_class)))
        for column, weights in enumerate(self._weights_by_class):  # 1-D takes are far faster than a 2-D gather
            contributions = np.take(weights, features.columns) * features.values
            scores[:, column] = np.bincount(features.rows, weights=contributions, minlength=features.n_rows)
        scores += self.parts.intercepts
        return scores

    def contributions(self, features: SparseFeatures) -> np.ndarray:
        """Each feature's product with each output's weight, shape ``(n_outputs, len(features.columns))``."""
        products: np.ndarray = self._weights_by_class[:, features.columns] * features.values
        return products

    def score_into(self, texts: Sequence[str], start: int, stop: int, table: np.ndarray) -> None:
        scores = self.decision_scores(self.features(texts[start:stop]))
        for head in self.parts.heads.values():
            table[: stop - start, head.columns] = softmax_head(scores, head)

    def probabilities(self, text: str) -> list[float]:
        table = np.empty((1, self.parts.n_outputs))
        self.score_into([text], 0, 1, table)
        return table[0].tolist()  # type: ignore[no-any-return]


def extension_scorer(parts: ModelParts) -> Any:
    """The model loaded into the C scorer (``None`` when the extension is not built or switched off)."""
    if _fastscore is None or not extension_available():
        return None
    heads = [(head.start, head.stop, head.temperature) for head in parts.heads.values()]
    specs = [block.extension_spec() for block in parts.blocks]
    return _fastscore.Scorer(specs, parts.idf, parts.weights, parts.intercepts, heads)


def usable_cores() -> int:
    """How many CPU cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def fill(scorer: Scorer, texts: list[str], table: np.ndarray, threaded: bool) -> Iterator[tuple[int, int]]:
    """Fill ``table`` with the probabilities of ``texts``, yielding each finished ``(start, stop)`` row range in
    order, so that the caller can use finished rows while later ones are scored. With ``threaded`` (the C scorer,
    which releases the GIL), batches of :data:`PARALLEL_MIN_TEXTS` or more are scored by one thread per core."""
    cores = usable_cores()
    if not threaded or len(texts) < PARALLEL_MIN_TEXTS or cores < 2:
        step = CHUNK if not threaded else max(len(texts), 1)
        for start in range(0, len(texts), step):
            stop = min(start + step, len(texts))
            scorer.score_into(texts, start, stop, table[start:])
            yield start, stop
        return
    step = max(THREAD_STEP, -(-len(texts) // (8 * cores)))
    ranges = [(start, min(start + step, len(texts))) for start in range(0, len(texts), step)]
    with ThreadPoolExecutor(max_workers=cores, thread_name_prefix="lmclassify") as pool:
        jobs = [pool.submit(scorer.score_into, texts, start, stop, table[start:]) for start, stop in ranges]
        try:
            for (start, stop), job in zip(ranges, jobs):
                job.result()
                yield start, stop
        finally:
            for job in jobs:
                job.cancel()


def build_predictions(table: np.ndarray, prediction_type: type[_T], layout: tuple[Any, ...]) -> list[_T]:
    """Predictions from rows of a probability table, in C (the caller checks :func:`extension_available`)."""
    assert _fastscore is not None, "build_predictions needs the C extension"
    return _fastscore.build_predictions(table, prediction_type, *layout)
