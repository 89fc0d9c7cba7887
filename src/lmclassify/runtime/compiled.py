"""A loaded compiled model: :class:`CompiledClassifier` scores texts with numpy and C alone (no scikit-learn).

It is safe to share between threads. :class:`lmclassify.Classifier`, which :func:`lmclassify.load_model`
returns, adds explanations and document analysis on top of it.

>>> from lmclassify.model.format import read_model
>>> from lmclassify.resources import default_model_path
>>> model = CompiledClassifier.from_file(read_model(default_model_path()))
>>> model.classify("Prepare the quarterly budget and track spending against it.").label
'management'
>>> [p.label for p in model.classify(["Inspire people to believe in the new direction.", "Lead is a metal."])]
['leadership', 'neither']
"""

from __future__ import annotations

import gc
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, overload

import numpy as np

from lmclassify.errors import ArgumentError, EmptyTextError, ModelError, TextTypeError
from lmclassify.model.encoder import has_encoder
from lmclassify.model.format import ModelFile
from lmclassify.runtime.parts import MODEL_FAULTS, CompiledBlock, Head, ModelParts
from lmclassify.runtime.prediction import Prediction, check_text
from lmclassify.runtime.scorer import (
    CHUNK,
    FEW_TEXTS,
    PythonScorer,
    SparseFeatures,
    build_predictions,
    extension_scorer,
    fill,
    first_invalid,
)
from lmclassify.runtime.table import ProbabilityTable, function_names, reduce_table

if TYPE_CHECKING:
    import pandas as pd

    from lmclassify.runtime.embedded import EmbeddingScorer


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


class CompiledClassifier:
    """A loaded compiled model; make one with :meth:`from_file` (or :func:`lmclassify.load_model`)."""

    def __init__(self, arrays: Mapping[str, np.ndarray], metadata: Mapping[str, Any], source: str = "<memory>"):
        self._file = ModelFile(dict(arrays), json.loads(json.dumps(metadata)), source)
        self.source = source
        self.parts = ModelParts.from_file(self._file)
        self.labels: tuple[str, ...] = self.parts.labels
        self.kind_offsets: Mapping[str, np.ndarray] = self.parts.kind_offsets
        self._python = PythonScorer(self.parts)
        self._embedding: EmbeddingScorer | None = None
        self._c: Any = None
        if has_encoder(self._file.metadata):  # the accurate tier: every text goes through the encoder too
            from lmclassify.runtime.embedded import EmbeddingScorer

            self._embedding = EmbeddingScorer(self.parts, self._file)
        else:
            try:
                self._c = extension_scorer(self.parts)
            except MODEL_FAULTS as error:
                raise ModelError(f"{source}: the C scorer refused the model ({error}); retrain it") from None
        self._label_columns = self.parts.label_columns
        function_heads = self.parts.function_heads
        self._function_heads = {label: (h.classes, h.start, h.stop) for label, h in function_heads.items()}
        self._layout = (  # for the C build_predictions: labels, their columns, function heads
            self.labels,
            tuple(self._label_columns),
            tuple(self._function_heads.get(label) for label in self.labels),
        )
        if self._c is not None:  # the C single-text path checks, scores and builds the Prediction in one call
            self._c.set_predictions(Prediction, *self._layout, TextTypeError, EmptyTextError)

    @classmethod
    def from_file(cls, model: ModelFile) -> CompiledClassifier:
        """The classifier of a model read by :func:`lmclassify.model.format.read_model`."""
        return cls(model.arrays, model.metadata, model.source)

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self._file.arrays, self._file.metadata, self.source))

    def __repr__(self) -> str:
        return f"{type(self).__name__}(source={self.source!r}, features={self.parts.n_features}, labels={self.labels})"

    # --------------------------------------------------------------------------------------------- accessors
    @property
    def accelerated(self) -> bool:
        """Whether this model scores with the C extension (``False``: the pure-Python path)."""
        return self._c is not None

    @property
    def scorer(self) -> Any:
        """The scorer in use: the C scorer, :class:`~lmclassify.runtime.scorer.PythonScorer`, or (for a model with
        an embedding block) :class:`~lmclassify.runtime.embedded.EmbeddingScorer`."""
        if self._embedding is not None:
            return self._embedding
        return self._c if self._c is not None else self._python

    @property
    def has_embeddings(self) -> bool:
        """Whether this model has an embedding block (the accurate tier)."""
        return self._embedding is not None

    @property
    def metadata(self) -> dict[str, Any]:
        """Training metadata: versions, corpus checksum, hyperparameters, metrics, labels, creation time."""
        return json.loads(json.dumps(self._file.metadata))  # type: ignore[no-any-return]

    @property
    def identity(self) -> tuple[str | None, str | None]:
        """The model's ``name`` and the ``package_version`` that wrote it, read from the metadata without a copy."""
        metadata = self._file.metadata
        return metadata.get("name"), metadata.get("package_version")

    @property
    def classes_(self) -> np.ndarray:
        """The labels in the column order of :meth:`predict_proba`, as scikit-learn estimators give them."""
        return np.asarray(self.labels, dtype=object)

    @property
    def blocks(self) -> tuple[CompiledBlock, ...]:
        """The feature blocks, in feature-column order."""
        return self.parts.blocks

    @property
    def heads(self) -> Mapping[str, Head]:
        """The linear heads by name: ``"label"`` and ``"function:<label>"``."""
        return self.parts.heads

    @property
    def intercepts(self) -> np.ndarray:
        """Every output's intercept (a read-only view)."""
        view: np.ndarray = self.parts.intercepts.view()
        view.flags.writeable = False
        return view

    def features(self, texts: Sequence[str]) -> SparseFeatures:
        """The feature values of ``texts``, as sparse coordinates (the Python analyzers)."""
        return self._python.features(texts)

    def decision_scores(self, features: SparseFeatures) -> np.ndarray:
        """Decision scores of every output from the TF-IDF features, shape ``(features.n_rows, n_outputs)``,
        before temperature (a model with an embedding block adds :meth:`embedding_scores`)."""
        return self._python.decision_scores(features)

    def embedding_scores(self, texts: Sequence[str]) -> np.ndarray | None:
        """The embedding block's part of every output's decision score, shape ``(len(texts), n_outputs)``;
        ``None`` for a model without one."""
        return None if self._embedding is None else self._embedding.embedding_scores(texts)

    def contributions(self, features: SparseFeatures) -> np.ndarray:
        """Each feature's contribution to each output's score, shape ``(n_outputs, len(features.columns))``."""
        return self._python.contributions(features)

    # ----------------------------------------------------------------------------------------------- scoring
    def probability_table(self, texts: Sequence[str], *, threads: bool = True) -> np.ndarray:
        """Every head's probabilities, shape ``(len(texts), n_outputs)``, in the model's output order; with
        ``threads=False`` scored in the calling thread alone (see :meth:`classify_many`)."""
        texts = list(texts)
        table = np.empty((len(texts), self.parts.n_outputs))
        for _ in fill(self.scorer, texts, table, threaded=self.accelerated and threads):
            pass
        return table

    def predict_proba_with_functions(
        self, texts: Sequence[str]
    ) -> tuple[np.ndarray, dict[str, tuple[tuple[str, ...], np.ndarray]]]:
        """Label probabilities (as :meth:`predict_proba`) and, for each label with a function head, its classes
        and the function probabilities given that label, shape ``(len(texts), n_functions)``."""
        table = self.probability_table(texts)
        functions = {label: (c, table[:, start:stop]) for label, (c, start, stop) in self._function_heads.items()}
        return table[:, self._label_columns], functions

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Calibrated label probabilities, shape ``(len(texts), 3)``, columns in :attr:`classes_` order.

        Texts are not validated here (use :meth:`classify` for checked input); empty text gets the prior.
        """
        return self.probability_table(texts)[:, self._label_columns]

    def predict(self, texts: Sequence[str]) -> np.ndarray:
        """The most likely label of each text, shape ``(len(texts),)``."""
        return self.classes_[self.predict_proba(texts).argmax(axis=1)]  # type: ignore[no-any-return]

    def _predictions(self, texts: list[str]) -> list[Prediction]:
        table = np.empty((len(texts), self.parts.n_outputs))
        predictions: list[Prediction] = []
        with _collection_paused(len(texts) >= CHUNK):
            for start, stop in fill(self.scorer, texts, table, threaded=self.accelerated):
                if self._c is not None:
                    predictions += build_predictions(table[start:stop], Prediction, self._layout)
                else:
                    predictions += self._predictions_from_table(table[start:stop])
        return predictions

    def _predictions_from_table(self, table: np.ndarray) -> list[Prediction]:
        label_probs = table[:, self._label_columns]
        best = label_probs.argmax(axis=1)
        rows = np.arange(len(table))
        functions: list[str | None] = [None] * len(table)
        function_confidences: list[float | None] = [None] * len(table)
        for label, (classes, start, stop) in self._function_heads.items():
            chosen = np.flatnonzero(best == self.labels.index(label)) if label in self.labels else rows[:0]
            probs = table[chosen, start:stop]
            function_best = probs.argmax(axis=1)
            values = probs[np.arange(len(chosen)), function_best].tolist()
            for row, index, value in zip(chosen.tolist(), function_best.tolist(), values):
                functions[row] = classes[index]
                function_confidences[row] = value
        make = Prediction.trusted
        names = self.labels
        return [
            make(names[index], confidence, dict(zip(names, scores)), function, function_confidence)
            for index, confidence, scores, function, function_confidence in zip(
                best.tolist(), label_probs[rows, best].tolist(), label_probs.tolist(), functions, function_confidences
            )
        ]

    @overload
    def classify(self, texts: str) -> Prediction: ...  # type: ignore[overload-overlap]  # a str is one text
    @overload
    def classify(self, texts: Iterable[str]) -> list[Prediction]: ...
    def classify(self, texts: str | Iterable[str]) -> Prediction | list[Prediction]:
        """Classify one text (returns a :class:`Prediction`) or an iterable of texts (returns a list, same order).

        Raises :class:`~lmclassify.errors.TextTypeError` for anything that is not a ``str`` (in a list, naming
        the item's index) and :class:`~lmclassify.errors.EmptyTextError` for empty or whitespace-only text.
        Texts of any length are scored whole, in linear time.
        """
        if isinstance(texts, str):
            if self._c is not None:
                return self._c.classify(texts)  # type: ignore[no-any-return]
            return self._predictions([check_text(texts)])[0]
        given: object = texts  # callers without type checking can pass anything, bytes included
        if type(given) is list:  # the common case, without the costlier checks below
            items: list[str] = given
        elif isinstance(given, (bytes, bytearray)) or not isinstance(given, Iterable):
            raise TextTypeError(f"expected a str or an iterable of str to classify, got {type(texts).__name__}")
        else:
            items = list(texts)
        if len(items) <= FEW_TEXTS and self._c is not None:
            return self._c.classify_each(items)  # type: ignore[no-any-return]  # one C call each, no table
        if items is texts:
            items = list(items)  # a copy that the caller cannot change while it is scored
        bad = first_invalid(items)
        if bad >= 0:
            check_text(items[bad], bad)  # raises, naming the item and the problem
        return self._predictions(items)

    def classify_many(
        self, texts: Iterable[str], *, chunk_size: int = 65_536, threads: bool = True
    ) -> ProbabilityTable:
        """Classify many texts into a :class:`~lmclassify.runtime.table.ProbabilityTable`: the same results as
        :meth:`classify` of a list, as arrays (35 bytes per text) instead of one :class:`Prediction` each.

        Texts are checked as :meth:`classify` checks them; they are scored ``chunk_size`` at a time, so scratch
        memory stays bounded however many there are. Batches of ``PARALLEL_MIN_TEXTS`` or more are scored by one
        thread per core; ``threads=False`` keeps to the calling thread, for callers that run their own threads or
        processes (batch jobs do).
        """
        given: object = texts
        if isinstance(given, (str, bytes, bytearray)) or not isinstance(given, Iterable):
            raise TextTypeError(f"expected an iterable of str to classify, got {type(texts).__name__}")
        if isinstance(chunk_size, bool) or not isinstance(chunk_size, int) or chunk_size < 1:
            raise ArgumentError(f"chunk_size must be a positive int, got {chunk_size!r}")
        items = list(texts)
        bad = first_invalid(items)
        if bad >= 0:
            check_text(items[bad], bad)  # raises, naming the item and the problem
        starts = range(0, max(len(items), 1), chunk_size)  # one empty chunk for no texts, for the array shapes
        parts = [
            reduce_table(
                self.probability_table(items[start : start + chunk_size], threads=threads),
                self.labels,
                self._label_columns,
                self._function_heads,
            )
            for start in starts
        ]
        probabilities, label_index, function_index, function_confidence = (
            np.concatenate([part[column] for part in parts]) for column in range(4)
        )
        return ProbabilityTable(
            self.labels,
            probabilities,
            label_index,
            function_names(self._function_heads),
            function_index,
            function_confidence,
        )

    def classify_frame(self, frame: pd.DataFrame, column: str = "text", *, prefix: str = "") -> pd.DataFrame:
        """A copy of ``frame`` with ``label, confidence, p_<label>..., function, function_confidence`` added
        (named ``prefix + name``); see :func:`lmclassify.runtime.frame.classify_frame`."""
        from lmclassify.runtime.frame import classify_frame

        return classify_frame(self, frame, column, prefix)
