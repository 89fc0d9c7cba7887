""":class:`KotterClassifier`: lmclassify's model as a scikit-learn estimator, ready for ``Pipeline``,
``GridSearchCV`` and ``clone``, that exports itself to a compiled model.

It fits the feature blocks (:mod:`lmclassify.features`), a logistic-regression label head calibrated by
temperature scaling (:mod:`lmclassify.training.calibration`) and, when ``functions`` are given, one Kotter
function head per label.

>>> from sklearn.model_selection import GridSearchCV
>>> from lmclassify.corpus.load import load_corpus
>>> corpus = load_corpus().sample(300, random_state=0)
>>> search = GridSearchCV(KotterClassifier(char_ngrams=None, calibration_folds=0), {"C": [1.0, 10.0]}, cv=3)
>>> search.fit(corpus["text"], corpus["label"]).best_params_["C"] in (1.0, 10.0)
True
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

from lmclassify.corpus.codebook import FUNCTIONS, LABELS
from lmclassify.errors import ArgumentError, ExportError
from lmclassify.features.config import FeatureConfig
from lmclassify.features.union import build_features
from lmclassify.model.export import export_reference
from lmclassify.model.format import write_model
from lmclassify.training.calibration import TemperatureScaledClassifier

#: Largest difference from scikit-learn's probabilities an export may have.
EQUIVALENCE_TOLERANCE = 1e-9
#: Texts the export is checked on by default: this many terms of the word (else first) block.
CHECK_TEXTS = 2000


class KotterClassifier(ClassifierMixin, BaseEstimator):  # type: ignore[misc]
    """Management, leadership or neither, as a scikit-learn classifier over raw texts.

    Parameters: the feature blocks (``word_ngrams``, ``char_ngrams``, ``min_df``, ``sublinear_tf``,
    ``lexicon_weight``, and ``embedding_weight`` with its frozen ``encoder``, a
    :class:`~lmclassify.embeddings.encoder.SentenceEncoder`; ``None`` or 0 switches a block off), the linear
    heads (``C``, ``class_weight``, ``max_iter``), and ``calibration_folds``: the folds the temperature is fitted
    on (0 or 1: no calibration).

    After :meth:`fit`: ``classes_`` (sorted labels), ``features_`` (the fitted ``FeatureUnion``), ``label_head_``
    and ``function_heads_`` (label -> fitted head, for labels with at least two functions in the data).
    """

    def __init__(
        self,
        word_ngrams: tuple[int, int] | None = (1, 2),
        char_ngrams: tuple[int, int] | None = (2, 5),
        min_df: int = 2,
        sublinear_tf: bool = True,
        lexicon_weight: float = 0.5,
        embedding_weight: float = 0.0,
        encoder: Any = None,
        C: float = 10.0,
        class_weight: str | Mapping[str, float] | None = None,
        calibration_folds: int = 5,
        max_iter: int = 5000,
        random_state: int | None = 0,
    ):
        self.word_ngrams = word_ngrams
        self.char_ngrams = char_ngrams
        self.min_df = min_df
        self.sublinear_tf = sublinear_tf
        self.lexicon_weight = lexicon_weight
        self.embedding_weight = embedding_weight
        self.encoder = encoder
        self.C = C
        self.class_weight = class_weight
        self.calibration_folds = calibration_folds
        self.max_iter = max_iter
        self.random_state = random_state

    def feature_config(self) -> FeatureConfig:
        """The feature blocks these parameters ask for."""
        return FeatureConfig(
            word_ngrams=None if self.word_ngrams is None else tuple(self.word_ngrams),  # type: ignore[arg-type]
            char_ngrams=None if self.char_ngrams is None else tuple(self.char_ngrams),  # type: ignore[arg-type]
            min_df=self.min_df,
            sublinear_tf=self.sublinear_tf,
            lexicon_weight=self.lexicon_weight,
            embedding_weight=self.embedding_weight,
        )

    def linear_head(self) -> LogisticRegression:
        """An unfitted linear head with these parameters."""
        return LogisticRegression(C=self.C, class_weight=self.class_weight, max_iter=self.max_iter)

    def fit(
        self,
        X: Iterable[str],
        y: Iterable[str],
        functions: Iterable[str | None] | None = None,
        groups: Iterable[Any] | None = None,
        calibration_weight: np.ndarray | None = None,
    ) -> KotterClassifier:
        """Fit on texts ``X`` and labels ``y``.

        ``functions`` (one per row, ``None``/NaN where unknown) trains a function head per label; ``groups``
        (one per row: the document a unit comes from) keeps each group inside one calibration fold;
        ``calibration_weight`` weights rows when the temperature is fitted.
        """
        texts = _texts(X)
        labels = np.asarray(list(y), dtype=object)
        if len(labels) != len(texts):
            raise ArgumentError(f"X has {len(texts)} texts but y has {len(labels)} labels")
        self.features_ = build_features(self.feature_config(), self.encoder).fit(texts)
        matrix = self.features_.transform(texts)
        if self.calibration_folds >= 2:
            self.label_head_: Any = TemperatureScaledClassifier(
                self.linear_head(), cv=self.calibration_folds, random_state=self.random_state
            )
            group_array = None if groups is None else np.asarray(list(groups))
            self.label_head_.fit(matrix, labels, groups=group_array, calibration_weight=calibration_weight)
        else:
            self.label_head_ = self.linear_head().fit(matrix, labels)
        self.classes_ = self.label_head_.classes_
        self.function_heads_: dict[str, LogisticRegression] = {}
        if functions is not None:
            function_array = np.asarray(list(functions), dtype=object)
            if len(function_array) != len(texts):
                raise ArgumentError(f"X has {len(texts)} texts but functions has {len(function_array)} values")
            known = np.asarray([isinstance(value, str) for value in function_array])
            for label in LABELS:
                rows = (labels == label) & known
                if FUNCTIONS.get(label) and len(set(function_array[rows])) > 1:
                    self.function_heads_[label] = self.linear_head().fit(matrix[rows], function_array[rows])
        return self

    def decision_function(self, X: Iterable[str]) -> np.ndarray:
        """Label decision scores (before temperature), shape ``(n_texts, n_classes)``."""
        check_is_fitted(self, "label_head_")
        return self.label_head_.decision_function(self.features_.transform(_texts(X)))  # type: ignore[no-any-return]

    def predict_proba(self, X: Iterable[str]) -> np.ndarray:
        """Calibrated label probabilities, shape ``(n_texts, n_classes)``, columns in :attr:`classes_` order."""
        check_is_fitted(self, "label_head_")
        return self.label_head_.predict_proba(self.features_.transform(_texts(X)))  # type: ignore[no-any-return]

    def predict(self, X: Iterable[str]) -> np.ndarray:
        """The most likely label of each text, shape ``(n_texts,)``."""
        return self.classes_[self.predict_proba(X).argmax(axis=1)]  # type: ignore[no-any-return]

    def predict_function_proba(self, X: Iterable[str], label: str) -> tuple[np.ndarray, np.ndarray]:
        """``(functions, probabilities)`` of ``label``'s function head, probabilities shape ``(n_texts, n)``."""
        check_is_fitted(self, "function_heads_")
        if label not in self.function_heads_:
            raise ArgumentError(f"no function head for {label!r}; heads: {sorted(self.function_heads_)}")
        head = self.function_heads_[label]
        return head.classes_, head.predict_proba(self.features_.transform(_texts(X)))

    def reference(self) -> dict[str, Pipeline]:
        """The fitted model as scikit-learn pipelines sharing one ``FeatureUnion``: ``"label"`` and
        ``"function:<label>"`` (what :mod:`lmclassify.model.export` exports and ``.joblib`` files hold)."""
        check_is_fitted(self, "label_head_")
        pipelines = {"label": Pipeline([("features", self.features_), ("classifier", self.label_head_)])}
        for label, head in self.function_heads_.items():
            pipelines[f"function:{label}"] = Pipeline([("features", self.features_), ("classifier", head)])
        return pipelines

    def export(
        self,
        path: str | Path | None = None,
        *,
        metadata: Mapping[str, Any] | None = None,
        check_texts: Iterable[str] | None = None,
    ) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
        """Compile the fitted model, prove it gives scikit-learn's probabilities, and write it to ``path``.

        The proof runs on ``check_texts`` (default: up to :data:`CHECK_TEXTS` of the model's own word terms, which
        exercise its vocabulary); :class:`~lmclassify.errors.ExportError` when any probability differs by more than
        :data:`EQUIVALENCE_TOLERANCE`, and then nothing is written. Returns ``(arrays, metadata)``, the metadata
        with ``compiled_max_difference`` added.
        """
        from lmclassify.runtime.compiled import CompiledClassifier
        from lmclassify.training.equivalence import max_difference

        reference = self.reference()
        arrays, compiled = export_reference(reference, metadata or {})
        texts = _texts(check_texts) if check_texts is not None else self._own_terms()
        difference = max_difference(reference, CompiledClassifier(arrays, compiled), texts)
        if difference > EQUIVALENCE_TOLERANCE:
            raise ExportError(f"compiled model differs from scikit-learn by {difference:.3g}; nothing was written")
        compiled["compiled_max_difference"] = difference
        if path is not None:
            write_model(path, arrays, compiled)
        return arrays, compiled

    def _own_terms(self) -> list[str]:
        names = dict(self.features_.transformer_list)
        block = names.get("word") or self.features_.transformer_list[0][1]
        terms = [str(term) for term in block.get_feature_names_out()]
        step = max(1, len(terms) // CHECK_TEXTS)
        return terms[::step][:CHECK_TEXTS] or ["."]


def _texts(X: Iterable[str]) -> list[str]:
    if isinstance(X, str):
        raise ArgumentError("X must be an iterable of texts, not one str; wrap it in a list")
    return [str(text) for text in X]
