"""The scikit-learn ``FeatureUnion`` a :class:`~lmclassify.features.config.FeatureConfig` asks for.

>>> features = build_features(FeatureConfig(word_ngrams=(1, 2), char_ngrams=None))
>>> features.fit_transform(["Plan the budget.", "Inspire the team."]).shape[0]
2
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lmclassify.features.blocks import BLOCK_KINDS
from lmclassify.features.config import FeatureConfig

if TYPE_CHECKING:
    from sklearn.pipeline import FeatureUnion


def build_features(config: FeatureConfig) -> FeatureUnion:
    """An unfitted scikit-learn ``FeatureUnion`` with one transformer per block the config switches on."""
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
    return FeatureUnion(blocks, transformer_weights=weights or None)
