"""Feature definitions used at training time: TF-IDF over word n-grams and character n-grams.

The compiled runtime (:mod:`lmclassify.runtime`) re-implements exactly these analyzers, so only options it
supports may be used here; :mod:`lmclassify.compile` refuses anything else.

>>> features = build_features(FeatureConfig(word_ngrams=(1, 2), char_ngrams=None))
>>> features.fit_transform(["Plan the budget.", "Inspire the team."]).shape[0]
2
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion

#: Words are runs of two or more word characters (scikit-learn's default pattern).
TOKEN_PATTERN = r"(?u)\b\w\w+\b"


@dataclass(frozen=True)
class FeatureConfig:
    """Which n-grams to extract. ``None`` switches a block off.

    >>> FeatureConfig().word_ngrams
    (1, 2)
    """

    word_ngrams: tuple[int, int] | None = (1, 2)
    char_ngrams: tuple[int, int] | None = (2, 5)
    min_df: int = 2
    sublinear_tf: bool = True

    def __post_init__(self) -> None:
        if self.word_ngrams is None and self.char_ngrams is None:
            raise ValueError("FeatureConfig needs word_ngrams, char_ngrams or both")

    def to_dict(self) -> dict:
        return asdict(self)


def build_features(config: FeatureConfig) -> FeatureUnion:
    """An unfitted scikit-learn ``FeatureUnion`` of L2-normalised TF-IDF blocks."""
    blocks = []
    if config.word_ngrams is not None:
        blocks.append(
            (
                "word",
                TfidfVectorizer(
                    analyzer="word",
                    token_pattern=TOKEN_PATTERN,
                    ngram_range=tuple(config.word_ngrams),
                    lowercase=True,
                    min_df=config.min_df,
                    sublinear_tf=config.sublinear_tf,
                    dtype=np.float64,
                ),
            )
        )
    if config.char_ngrams is not None:
        blocks.append(
            (
                "char",
                TfidfVectorizer(
                    analyzer="char_wb",
                    ngram_range=tuple(config.char_ngrams),
                    lowercase=True,
                    min_df=config.min_df,
                    sublinear_tf=config.sublinear_tf,
                    dtype=np.float64,
                ),
            )
        )
    return FeatureUnion(blocks)
