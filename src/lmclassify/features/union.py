"""The scikit-learn ``FeatureUnion`` a :class:`~lmclassify.features.config.FeatureConfig` asks for.

>>> features = build_features(FeatureConfig(word_ngrams=(1, 2), char_ngrams=None))
>>> features.fit_transform(["Plan the budget.", "Inspire the team."]).shape[0]
2
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lmclassify.errors import ArgumentError
from lmclassify.features.blocks import BLOCK_KINDS
from lmclassify.features.config import FeatureConfig

if TYPE_CHECKING:
    from sklearn.pipeline import FeatureUnion


def build_features(config: FeatureConfig, encoder: Any = None) -> FeatureUnion:
    """An unfitted scikit-learn ``FeatureUnion`` with one transformer per block the config switches on; the
    embedding block (``config.embedding_weight`` > 0) comes last and needs ``encoder``, a
    :class:`~lmclassify.embeddings.encoder.SentenceEncoder`."""
    from sklearn.pipeline import FeatureUnion

    blocks = []
    weights = {}
    for kind in BLOCK_KINDS:
        transformer = kind.build(config)
        if transformer is not None:
            blocks.append((kind.name, transformer))
            weight = kind.weight(config)
            if weight != 1.0:
                weights[kind.name] = weight
    if config.embedding_weight:
        from lmclassify.embeddings.features import EMBEDDING_BLOCK, EmbeddingFeatures

        if encoder is None:
            raise ArgumentError("the embedding block (embedding_weight > 0) needs a sentence encoder")
        blocks.append((EMBEDDING_BLOCK, EmbeddingFeatures(encoder)))
        weights[EMBEDDING_BLOCK] = config.embedding_weight
    return FeatureUnion(blocks, transformer_weights=weights or None)
