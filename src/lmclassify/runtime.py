"""Load a compiled model and score texts with numpy alone: no pickle, no scikit-learn.

A compiled model is one ``.npz`` file (see :mod:`lmclassify.compile`) holding, for each TF-IDF block, its
vocabulary and idf weights, and for each head (the label, and the Kotter function within management and within
leadership) its coefficients, intercepts and temperature. Its JSON metadata travels inside the same file, with a
checksum of the arrays, so a model is written and replaced in one atomic step.

Texts are scored by the C extension :mod:`lmclassify._fastscore` when it is built (n-grams, vocabulary lookup,
TF-IDF and the heads, all in C; large batches on several threads), and otherwise by the pure-Python path below,
which gives the same probabilities. Setting the environment variable ``LMCLASSIFY_PURE_PYTHON=1`` before a model
is loaded forces the pure-Python path; :attr:`Classifier.accelerated` says which one a model uses.

>>> model = load_model(default_model_path())
>>> model.classify("Prepare the quarterly budget and track spending against it.").label
'management'
>>> [p.label for p in model.classify(["Inspire people to believe in the new direction.", "Lead is a metal."])]
['leadership', 'neither']
"""

from __future__ import annotations

import gc
import hashlib
import json
import math
import os
import re
import warnings
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, overload

import numpy as np

from lmclassify.errors import ModelError
from lmclassify.labels import LABELS
from lmclassify.resources import default_model_path
from lmclassify.storage import sha256_of

try:
    from lmclassify import _fastscore
except ImportError:  # not compiled (no C compiler at install time): the pure-Python path is used
    _fastscore = None

if TYPE_CHECKING:
    import pandas as pd

    from lmclassify.analysis import DocumentReport
    from lmclassify.explanation import Explanation

FORMAT_NAME = "lmclassify-compiled-model"
FORMAT_VERSION = 1
METADATA_KEY = "metadata"
#: Set to 1 to score with the pure-Python path even when the C extension is available.
PURE_PYTHON_VARIABLE = "LMCLASSIFY_PURE_PYTHON"
#: Batches of at least this many texts are scored by several threads at once (the C scorer releases the GIL).
PARALLEL_MIN_TEXTS = 20_000
_CHUNK = 4096
#: Token patterns the C extension implements, with the shortest token each one matches.
_SHORTEST_TOKEN = {r"(?u)\b\w\w+\b": 2, r"(?u)\b\w+\b": 1}


def extension_available() -> bool:
    """Whether the C scorer is built and not switched off by ``LMCLASSIFY_PURE_PYTHON=1``.

    >>> isinstance(extension_available(), bool)
    True
    """
    return _fastscore is not None and os.environ.get(PURE_PYTHON_VARIABLE, "").strip() not in ("1", "true", "yes")


@contextmanager
def _collection_paused(pause: bool = True) -> Iterator[None]:
    """Pause the cyclic garbage collector while a large batch of predictions is built.

    Predictions hold only strings, floats and a read-only mapping, so they form no reference cycles; without the
    pause, the collector would re-scan the growing list many times over (about 1.5 µs a prediction)."""
    pause = pause and gc.isenabled()
    if pause:
        gc.disable()
    try:
        yield
    finally:
        if pause:
            gc.enable()


def _usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


@dataclass(frozen=True)
class Prediction:
    """What the model says about one text.

    ``scores`` holds a calibrated probability for every label (in :data:`LABELS` order, summing to 1);
    ``confidence`` is the probability of ``label``. ``function`` is the most likely Kotter function within the
    predicted label (``None`` for neither), with its probability given the label in ``function_confidence``.

    >>> p = Prediction("management", 0.9, {"management": 0.9, "leadership": 0.06, "neither": 0.04}, "budgeting", 0.7)
    >>> p.to_dict()["scores"]["leadership"]
    0.06
    """

    label: str
    confidence: float
    scores: Mapping[str, float]
    function: str | None = None
    function_confidence: float | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "scores", MappingProxyType(dict(self.scores)))

    def __reduce__(self):
        return (Prediction, (self.label, self.confidence, dict(self.scores), self.function, self.function_confidence))

    @classmethod
    def _trusted(
        cls,
        label: str,
        confidence: float,
        scores: dict[str, float],
        function: str | None,
        function_confidence: float | None,
        _new=object.__new__,
        _proxy=MappingProxyType,
    ) -> Prediction:
        """Build a prediction from values the runtime made itself (no copying or checks: about twice as fast)."""
        prediction = _new(cls)
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
    """Return ``text`` if it can be classified; raise ``TypeError``/``ValueError`` naming the problem otherwise."""
    where = "" if position is None else f"item {position}: "
    if not isinstance(text, str):
        raise TypeError(f"{where}expected a str to classify, got {type(text).__name__}")
    if not text.strip():
        raise ValueError(f"{where}text is empty or only whitespace; there is nothing to classify")
    return text


def word_ngrams(tokens: Sequence[str], min_n: int, max_n: int) -> list[str]:
    """Word n-grams of ``tokens`` in scikit-learn's order: all unigrams (if ``min_n`` is 1), then bigrams, ...

    >>> word_ngrams(["plan", "the", "budget"], 1, 2)
    ['plan', 'the', 'budget', 'plan the', 'the budget']
    """
    grams = list(tokens) if min_n == 1 else []
    for n in range(max(min_n, 2), min(max_n, len(tokens)) + 1):
        grams.extend(" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
    return grams


class _Block:
    """One feature block: turns lower-cased text into the n-grams that scikit-learn's analyzer would produce.

    Each term maps to a column of the block; several terms may share a column (a lexicon block counts all the
    terms of one Kotter function in one column). Counts are optionally log-scaled, multiplied by the column's idf,
    L2-normalised within the block (``norm``) and multiplied by the block's ``weight``.
    """

    def __init__(self, spec: Mapping[str, Any], terms: str, columns: np.ndarray, n_columns: int, offset: int):
        self.kind = spec["analyzer"]
        if self.kind not in ("word", "char_wb"):
            raise ValueError(f"unknown analyzer {self.kind!r}")
        self.min_n, self.max_n = (int(n) for n in spec["ngram_range"])
        self.sublinear_tf = bool(spec["sublinear_tf"])
        self.normalised = spec.get("norm", "l2") == "l2"
        self.weight = float(spec.get("weight", 1.0))
        self.pattern = spec.get("token_pattern") or r"(?u)\b\w\w+\b"
        self.token_pattern = re.compile(self.pattern)
        self.terms = terms  # every term, separated by line breaks
        self.columns = columns  # the block's column of each term
        self.n_columns = n_columns
        self.offset = offset
        self.grams = self._word_grams if self.kind == "word" else self._char_wb_grams

    @cached_property
    def vocabulary(self) -> dict[str, int]:
        """Term -> global column (built on first use: the C scorer has its own table)."""
        return {term: self.offset + column for term, column in zip(self.terms.split("\n"), self.columns.tolist())}

    def extension_spec(self) -> tuple | None:
        """The block as :class:`lmclassify._fastscore.Scorer` takes it, or ``None`` if the C scorer cannot run it."""
        shortest_token = _SHORTEST_TOKEN.get(self.pattern, 0) if self.kind == "word" else 1
        if not shortest_token or not 1 <= self.min_n <= self.max_n <= 64:
            return None
        return (
            self.kind,
            self.min_n,
            self.max_n,
            shortest_token,
            self.sublinear_tf,
            self.normalised,
            self.weight,
            self.terms,
            self.columns,
            self.n_columns,
        )

    def _word_grams(self, text: str) -> list[str]:
        return word_ngrams(self.token_pattern.findall(text), self.min_n, self.max_n)

    def _char_wb_grams(self, text: str) -> list[str]:
        grams: list[str] = []
        append = grams.append
        for word in text.split():
            padded = f" {word} "
            length = len(padded)
            for n in range(self.min_n, self.max_n + 1):
                if n >= length:  # a short word counts once, whole, and longer n-grams are skipped
                    append(padded)
                    break
                for start in range(length - n + 1):
                    append(padded[start : start + n])
        return grams


@dataclass(frozen=True)
class _Head:
    """A linear head: which columns of the weight matrix it owns, its classes and its temperature."""

    classes: tuple[str, ...]
    columns: slice
    temperature: float = 1.0


@dataclass
class _Features:
    """Sparse TF-IDF rows of a batch, as coordinate arrays."""

    rows: np.ndarray
    columns: np.ndarray
    values: np.ndarray
    n_rows: int = field(default=0)


class Classifier:
    """A loaded model. Use :func:`load_model` to make one; it is safe to share between threads.

    >>> model = load_model(default_model_path())
    >>> model.metadata["labels"]
    ['management', 'leadership', 'neither']
    """

    def __init__(self, arrays: Mapping[str, np.ndarray], metadata: Mapping[str, Any], source: str = "<memory>"):
        self._arrays = dict(arrays)
        self._metadata = json.loads(json.dumps(metadata))
        self.source = source
        self._blocks: list[_Block] = []
        idf_parts = []
        offset = 0
        for index, spec in enumerate(metadata["blocks"]):
            terms = bytes(arrays[f"block{index}_terms"]).decode("utf-8")
            n_terms = terms.count("\n") + 1
            idf = np.asarray(arrays[f"block{index}_idf"], dtype=np.float64)
            columns = np.ascontiguousarray(arrays.get(f"block{index}_columns", np.arange(n_terms)), dtype=np.int64)
            if n_terms != len(columns) or (len(columns) and not 0 <= columns.min() <= columns.max() < len(idf)):
                raise ModelError(f"{source}: block {index} maps {n_terms} terms onto {len(idf)} idf weights")
            self._blocks.append(_Block(spec, terms, columns, len(idf), offset))
            idf_parts.append(idf)
            offset += len(idf)
        self._n_features = offset
        self._idf = np.ascontiguousarray(np.concatenate(idf_parts))
        self._block_of_feature = np.repeat(np.arange(len(idf_parts)), [len(part) for part in idf_parts])
        self._sublinear = np.array([block.sublinear_tf for block in self._blocks])
        self._normalised = np.array([block.normalised for block in self._blocks])
        self._block_weight = np.array([block.weight for block in self._blocks])
        self._weights = np.ascontiguousarray(arrays["weights"], dtype=np.float64)  # features x classes
        if self._weights.shape[0] != offset:
            raise ModelError(f"{source}: weights have {self._weights.shape[0]} rows for {offset} features")
        self._intercepts = np.ascontiguousarray(arrays["intercepts"], dtype=np.float64)
        self._n_outputs = len(self._intercepts)
        if self._weights.ndim != 2 or self._weights.shape[1] != self._n_outputs:
            raise ModelError(f"{source}: weights have shape {self._weights.shape} for {self._n_outputs} intercepts")
        self._heads = {
            name: _Head(tuple(head["classes"]), slice(*head["columns"]), float(head.get("temperature", 1.0)))
            for name, head in metadata["heads"].items()
        }
        for name, head in self._heads.items():
            start, stop, _ = head.columns.indices(self._n_outputs)
            if (start, stop) != (head.columns.start, head.columns.stop) or stop - start != len(head.classes):
                raise ModelError(f"{source}: head {name!r} has {len(head.classes)} classes but columns {head.columns}")
        self.labels: tuple[str, ...] = tuple(metadata["labels"])
        label_head = self._heads["label"]
        self._label_order = [label_head.classes.index(label) for label in self.labels]
        self._label_columns = [label_head.columns.start + index for index in self._label_order]
        self._function_heads = {
            name.split(":", 1)[1]: (head.classes, head.columns.start, head.columns.stop)
            for name, head in self._heads.items()
            if name.startswith("function:")
        }
        self.kind_offsets: dict[str, np.ndarray] = _kind_offsets(metadata, self.labels, source)
        self._scorer = self._extension_scorer() if extension_available() else None
        self._prediction_layout = (  # for _fastscore.build_predictions: labels, their columns, function heads
            self.labels,
            tuple(self._label_columns),
            tuple(self._function_heads.get(label) for label in self.labels),
        )

    def _extension_scorer(self) -> Any:
        """The model loaded into the C scorer, or ``None`` when a block uses something only Python implements."""
        specs = [block.extension_spec() for block in self._blocks]
        if any(spec is None for spec in specs):
            return None
        heads = [(head.columns.start, head.columns.stop, head.temperature) for head in self._heads.values()]
        return _fastscore.Scorer(specs, self._idf, self._weights, self._intercepts, heads)

    @property
    def accelerated(self) -> bool:
        """Whether this model scores with the C extension (``False``: the pure-Python path).

        >>> isinstance(load_model(default_model_path()).accelerated, bool)
        True
        """
        return self._scorer is not None

    def __reduce__(self):
        return (Classifier, (self._arrays, self._metadata, self.source))

    @cached_property
    def _weights_by_class(self) -> np.ndarray:
        return np.ascontiguousarray(self._weights.T)  # classes x features: contiguous gathers (pure-Python path)

    @property
    def metadata(self) -> dict[str, Any]:
        """Training metadata: versions, corpus checksum, hyperparameters, metrics, labels, creation time."""
        return json.loads(json.dumps(self._metadata))

    def __repr__(self) -> str:
        return f"Classifier(source={self.source!r}, features={self._n_features}, labels={self.labels})"

    # ----------------------------------------------------------------------------------------------- scoring
    def _featurize(self, texts: Sequence[str]) -> _Features:
        rows: list[int] = []
        columns: list[int] = []
        counts: list[int] = []
        for row, text in enumerate(texts):
            lowered = text.lower()
            found: dict[int, int] = {}
            for block in self._blocks:
                lookup = block.vocabulary.get
                for gram in block.grams(lowered):
                    column = lookup(gram)
                    if column is not None:
                        found[column] = found.get(column, 0) + 1
            rows.extend([row] * len(found))
            columns.extend(found)
            counts.extend(found.values())
        row_array = np.asarray(rows, dtype=np.int64)
        column_array = np.asarray(columns, dtype=np.int64)
        values = np.asarray(counts, dtype=np.float64)
        block = self._block_of_feature[column_array]
        sublinear = self._sublinear[block]
        values[sublinear] = np.log(values[sublinear]) + 1.0
        values *= self._idf[column_array]
        group = row_array * len(self._blocks) + block
        norms = np.sqrt(np.bincount(group, weights=values * values, minlength=len(texts) * len(self._blocks)))
        values /= np.where(self._normalised[block], norms[group], 1.0)
        values *= self._block_weight[block]
        return _Features(row_array, column_array, values, len(texts))

    def _scores(self, features: _Features) -> np.ndarray:
        """Decision scores for every head's classes, one row per text (before temperature and softmax)."""
        scores = np.empty((features.n_rows, len(self._weights_by_class)))
        for column, weights in enumerate(self._weights_by_class):  # 1-D takes are far faster than a 2-D gather
            contributions = np.take(weights, features.columns) * features.values
            scores[:, column] = np.bincount(features.rows, weights=contributions, minlength=features.n_rows)
        scores += self._intercepts
        return scores

    @staticmethod
    def _probabilities(scores: np.ndarray, head: _Head) -> np.ndarray:
        scaled = scores[:, head.columns] / head.temperature
        scaled -= scaled.max(axis=1, keepdims=True)
        np.exp(scaled, out=scaled)
        scaled /= scaled.sum(axis=1, keepdims=True)
        return scaled

    def _probability_table(self, texts: list[str]) -> np.ndarray:
        """Every head's probabilities, one row per text, columns in the model's output order."""
        table = np.empty((len(texts), self._n_outputs))
        for _ in self._fill(texts, table):
            pass
        return table

    def _fill(self, texts: list[str], table: np.ndarray) -> Iterator[tuple[int, int]]:
        """Fill ``table`` with :meth:`_probability_table`'s rows, yielding each ``(start, stop)`` range once it is
        done, in order. The C scorer takes large batches in one thread per core (it releases the GIL), so the
        caller can turn finished rows into predictions while later rows are scored."""
        if self._scorer is None:
            for start in range(0, len(texts), _CHUNK):
                chunk = texts[start : start + _CHUNK]
                scores = self._scores(self._featurize(chunk))
                for head in self._heads.values():
                    table[start : start + len(chunk), head.columns] = self._probabilities(scores, head)
                yield start, start + len(chunk)
            return
        cores = _usable_cores()
        if len(texts) < PARALLEL_MIN_TEXTS or cores < 2:
            self._scorer.score_into(texts, 0, len(texts), table)
            yield 0, len(texts)
            return
        from concurrent.futures import ThreadPoolExecutor

        step = max(_CHUNK, -(-len(texts) // (8 * cores)))
        ranges = [(start, min(start + step, len(texts))) for start in range(0, len(texts), step)]
        with ThreadPoolExecutor(max_workers=cores, thread_name_prefix="lmclassify") as pool:
            jobs = [pool.submit(self._scorer.score_into, texts, start, stop, table[start:]) for start, stop in ranges]
            try:
                for (start, stop), job in zip(ranges, jobs):
                    job.result()
                    yield start, stop
            finally:
                for job in jobs:
                    job.cancel()

    def _predict_chunk(self, texts: Sequence[str]) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        table = self._probability_table(list(texts))
        label_probs = table[:, self._label_columns]
        function_probs = {label: table[:, start:stop] for label, (_, start, stop) in self._function_heads.items()}
        return label_probs, function_probs

    def predict_proba_with_functions(
        self, texts: Sequence[str]
    ) -> tuple[np.ndarray, dict[str, tuple[tuple[str, ...], np.ndarray]]]:
        """Label probabilities (as :meth:`predict_proba`) and, for each label with a function head, its classes
        and the function probabilities given that label, shape ``(len(texts), n_functions)``.

        >>> labels, functions = load_model(default_model_path()).predict_proba_with_functions(["Cut costs."])
        >>> labels.shape, functions["management"][1].shape
        ((1, 3), (1, 6))
        """
        label_probs, function_probs = self._predict_chunk(texts)
        heads = {label: (classes, function_probs[label]) for label, (classes, _, _) in self._function_heads.items()}
        return label_probs, heads

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Calibrated label probabilities, shape ``(len(texts), 3)``, columns in :attr:`labels` order.

        Texts are not validated here (use :meth:`classify` for checked input); empty text gets the prior.
        """
        return self._probability_table(list(texts))[:, self._label_columns]

    def _predictions(self, texts: list[str]) -> list[Prediction]:
        table = np.empty((len(texts), self._n_outputs))
        predictions: list[Prediction] = []
        with _collection_paused(len(texts) >= _CHUNK):
            for start, stop in self._fill(texts, table):
                if self._scorer is not None:
                    predictions += _fastscore.build_predictions(table[start:stop], Prediction, *self._prediction_layout)
                else:
                    predictions += self._predictions_from_table(table[start:stop])
        return predictions

    def _predictions_from_table(self, table: np.ndarray) -> list[Prediction]:
        label_probs = table[:, self._label_columns]
        best = label_probs.argmax(axis=1)
        rows = np.arange(len(table))
        labels = [self.labels[index] for index in best.tolist()]
        confidences = label_probs[rows, best].tolist()
        functions: list[str | None] = [None] * len(table)
        function_confidences: list[float | None] = [None] * len(table)
        for label, (classes, start, stop) in self._function_heads.items():
            chosen = np.flatnonzero(best == self.labels.index(label)) if label in self.labels else rows[:0]
            probs = table[chosen, start:stop]
            function_best = probs.argmax(axis=1)
            names = [classes[index] for index in function_best.tolist()]
            values = probs[np.arange(len(chosen)), function_best].tolist()
            for row, name, value in zip(chosen.tolist(), names, values):
                functions[row] = name
                function_confidences[row] = value
        make = Prediction._trusted
        label_names = self.labels
        return [
            make(label, confidence, dict(zip(label_names, scores)), function, function_confidence)
            for label, confidence, scores, function, function_confidence in zip(
                labels, confidences, label_probs.tolist(), functions, function_confidences
            )
        ]

    def _predict_one(self, text: str) -> Prediction:
        """One text through the C scorer, with no numpy in between (the single-text fast path)."""
        table = self._scorer.probabilities(text)
        label_probs = [table[column] for column in self._label_columns]
        best = label_probs.index(max(label_probs))
        label = self.labels[best]
        function = function_confidence = None
        head = self._function_heads.get(label)
        if head is not None:
            classes, start, stop = head
            probs = table[start:stop]
            index = probs.index(max(probs))
            function, function_confidence = classes[index], probs[index]
        return Prediction._trusted(
            label, label_probs[best], dict(zip(self.labels, label_probs)), function, function_confidence
        )

    def _checked(self, texts: Iterable[Any]) -> list[str]:
        """``texts`` as a list, after raising for its first item that is not a str or is blank."""
        texts = list(texts)
        if _fastscore is not None:
            bad = _fastscore.first_invalid(texts)
            if bad >= 0:
                check_text(texts[bad], bad)  # raises, naming the item and the problem
            return texts
        for position, text in enumerate(texts):
            check_text(text, position)
        return texts

    # ------------------------------------------------------------------------------------------- public API
    @overload
    def classify(self, texts: str) -> Prediction: ...
    @overload
    def classify(self, texts: Iterable[str]) -> list[Prediction]: ...
    def classify(self, texts):
        """Classify one text (returns a :class:`Prediction`) or an iterable of texts (returns a list, same order).

        Raises ``TypeError`` for anything that is not a ``str`` (in a list, naming the item's index) and
        ``ValueError`` for empty or whitespace-only text. Texts of any length are scored whole, in linear time.
        """
        if isinstance(texts, str):
            check_text(texts)
            return self._predict_one(texts) if self._scorer is not None else self._predictions([texts])[0]
        if isinstance(texts, (bytes, bytearray)) or not isinstance(texts, Iterable):
            raise TypeError(f"expected a str or an iterable of str to classify, got {type(texts).__name__}")
        return self._predictions(self._checked(texts))

    def classify_frame(self, frame: pd.DataFrame, column: str = "text") -> pd.DataFrame:
        """A copy of ``frame`` with ``label, confidence, p_<label>..., function, function_confidence`` added.

        The index is kept and ``frame`` is not modified. Missing, empty or non-text cells never raise: their
        rows get no label and NaN probabilities, and one warning says how many there were.

        >>> import pandas as pd
        >>> out = load_model(default_model_path()).classify_frame(pd.DataFrame({"text": ["Cut costs by 5%."]}))
        >>> list(out.columns)
        ['text', 'label', 'confidence', 'p_management', 'p_leadership', 'p_neither', 'function', 'function_confidence']
        """
        import pandas as pd

        if column not in frame.columns:
            raise KeyError(f"column {column!r} not found; the frame has columns {list(frame.columns)}")
        cells = frame[column].tolist()
        usable = [isinstance(cell, str) and bool(cell.strip()) for cell in cells]
        predictions = iter(self._predictions([cell for cell, ok in zip(cells, usable) if ok]))
        rows = [next(predictions) if ok else None for ok in usable]
        skipped = usable.count(False)
        if skipped:
            warnings.warn(
                f"{skipped} row(s) of column {column!r} had missing, empty or non-text values; "
                "they were not classified and have no label",
                UserWarning,
                stacklevel=2,
            )
        result = frame.copy()
        result["label"] = pd.Series([p.label if p else None for p in rows], index=frame.index, dtype=object)
        result["confidence"] = [p.confidence if p else math.nan for p in rows]
        for label in self.labels:
            result[f"p_{label}"] = [p.scores[label] if p else math.nan for p in rows]
        result["function"] = pd.Series([p.function if p else None for p in rows], index=frame.index, dtype=object)
        result["function_confidence"] = [
            p.function_confidence if p and p.function_confidence is not None else math.nan for p in rows
        ]
        return result

    def explain(self, text: str, top: int | None = 5) -> Explanation:
        """Which terms of ``text`` moved each label's decision score: see :class:`lmclassify.explanation.Explanation`.

        ``top`` terms per label are listed (all when ``None``); the rest are summed, so the terms plus the
        intercept always add up to the decision score exactly.

        >>> load_model(default_model_path()).explain("Inspire the team.", top=2).prediction.label
        'leadership'
        """
        from lmclassify.explanation import explain_text

        return explain_text(self, text, top=top)

    def analyze(self, document: str, *, counted_kinds: Sequence[str] | None = None) -> DocumentReport:
        """Split ``document`` into units and classify each: see :class:`lmclassify.analysis.DocumentReport`.

        ``counted_kinds`` chooses the unit kinds the profile counts (default: list items and sentences).

        >>> report = load_model(default_model_path()).analyze("Plan the budget. Inspire the team.")
        >>> report.sentences["label"].tolist()
        ['management', 'leadership']
        """
        from lmclassify.analysis import analyze_document

        return analyze_document(self, document, counted_kinds=None if counted_kinds is None else tuple(counted_kinds))


def _kind_offsets(metadata: Mapping[str, Any], labels: tuple[str, ...], source: str) -> dict[str, np.ndarray]:
    """Per unit kind, the log-odds shift that document analysis adds to the label scores (see
    :mod:`lmclassify.analysis`); models without them get none."""
    offsets = metadata.get("kind_offsets") or {}
    if not isinstance(offsets, Mapping):
        raise ModelError(f"{source}: kind_offsets must map unit kinds to per-label offsets")
    result = {}
    for kind, by_label in offsets.items():
        try:
            values = np.array([float(by_label[label]) for label in labels])
        except (KeyError, TypeError, ValueError):
            raise ModelError(f"{source}: kind_offsets[{kind!r}] must give a number for each label") from None
        if not np.all(np.isfinite(values)):
            raise ModelError(f"{source}: kind_offsets[{kind!r}] is not finite")
        result[str(kind)] = values
    return result


def arrays_checksum(arrays: Mapping[str, np.ndarray]) -> str:
    """SHA-256 over every array's name, dtype, shape and bytes, in name order."""
    digest = hashlib.sha256()
    for name in sorted(arrays):
        array = np.ascontiguousarray(arrays[name])
        digest.update(f"{name}|{array.dtype.str}|{array.shape}|".encode())
        digest.update(array.tobytes())
    return digest.hexdigest()


def _read_npz(path: Path) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    with open(path, "rb") as handle:
        head = handle.read(4)
    if head != b"PK\x03\x04":
        kind = "a pickle/joblib file, which can run code when loaded" if head[:1] == b"\x80" else "not a zip archive"
        raise ModelError(f"{path}: not an lmclassify model (.npz): the file is {kind}; it was not loaded")
    try:
        with np.load(path, allow_pickle=False) as archive:
            arrays = {name: archive[name] for name in archive.files}
    except (ValueError, OSError, zipfile.BadZipFile, EOFError, KeyError) as error:
        raise ModelError(f"{path}: the model file is truncated or corrupted ({error}); retrain or reinstall") from None
    if METADATA_KEY not in arrays:
        raise ModelError(f"{path}: not an lmclassify model: the archive has no {METADATA_KEY!r} entry")
    try:
        metadata = json.loads(bytes(arrays.pop(METADATA_KEY)).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ModelError(f"{path}: the model's metadata is unreadable ({error})") from None
    return arrays, metadata


def load_model(path: str | Path, *, expected_sha256: str | None = None) -> Classifier:
    """Load a compiled model (``.npz``) written by ``python -m lmclassify.train``.

    Nothing in the file is executed: arrays are read with ``allow_pickle=False`` and checked against the
    checksum stored with them; with ``expected_sha256`` the whole file must also have that SHA-256 (the bundled
    default model is checked this way). Raises :class:`ModelError` naming the file and the cause when the file is
    missing, not a model, truncated, corrupted or written by an incompatible version.
    """
    path = Path(path)
    if not path.is_file():
        raise ModelError(f"{path}: no such model file")
    if expected_sha256 is not None and sha256_of(path) != expected_sha256:
        raise ModelError(f"{path}: the file does not have its recorded SHA-256; it was altered or damaged, reinstall")
    arrays, metadata = _read_npz(path)
    if metadata.get("format") != FORMAT_NAME:
        raise ModelError(f"{path}: not an lmclassify model (format {metadata.get('format')!r})")
    written_by = metadata.get("package_version", "an unknown version")
    if metadata.get("format_version") != FORMAT_VERSION:
        raise ModelError(
            f"{path}: written by lmclassify {written_by} in model format {metadata.get('format_version')}; this "
            f"lmclassify reads format {FORMAT_VERSION}. "
            "Retrain it with `python -m lmclassify.train --data CSV --out DIR`"
        )
    if arrays_checksum(arrays) != metadata.get("arrays_sha256"):
        raise ModelError(f"{path}: checksum mismatch, the model file is corrupted; retrain or reinstall it")
    try:
        return Classifier(arrays, metadata, source=str(path))
    except (KeyError, IndexError, TypeError, ValueError) as error:
        raise ModelError(f"{path}: the model is incomplete ({error!r}); retrain it") from None


__all__ = [
    "LABELS",
    "PURE_PYTHON_VARIABLE",
    "Classifier",
    "ModelError",
    "Prediction",
    "check_text",
    "default_model_path",
    "extension_available",
    "load_model",
]
