"""The embedding block as a scikit-learn transformer, for training: texts -> their sentence embeddings.

It joins the TF-IDF blocks in the model's ``FeatureUnion`` (:func:`lmclassify.features.union.build_features`),
so that the linear heads learn weights on both; the union's ``transformer_weights`` scale it against them.
The encoder is frozen: :meth:`EmbeddingFeatures.fit` learns nothing.

>>> import numpy as np
>>> class Constant:  # stands in for a SentenceEncoder
...     dimension = 2
...     def embed(self, texts):
...         return np.ones((len(texts), 2), dtype=np.float32)
>>> EmbeddingFeatures(Constant()).fit_transform(["Plan it.", "Lead it."]).shape
(2, 2)
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

#: The name of the embedding block in a ``FeatureUnion`` (and in reports).
EMBEDDING_BLOCK = "embedding"


class EmbeddingFeatures(TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """``encoder`` (a :class:`~lmclassify.embeddings.encoder.SentenceEncoder`) as a feature block: dense
    float64 features, shape ``(n_texts, encoder.dimension)``."""

    def __init__(self, encoder: Any = None):
        self.encoder = encoder

    def fit(self, X: Iterable[str], y: Any = None) -> EmbeddingFeatures:
        self.n_features_out_ = int(self.encoder.dimension)
        return self

    def transform(self, X: Iterable[str]) -> np.ndarray:
        return np.asarray(self.encoder.embed(list(X)), dtype=np.float64)

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        return np.asarray([f"{EMBEDDING_BLOCK}:{index}" for index in range(int(self.encoder.dimension))], dtype=object)
