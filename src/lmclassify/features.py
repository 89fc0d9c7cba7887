"""Feature definitions used at training time: TF-IDF over word and character n-grams, and the Kotter lexicon.

The compiled runtime (:mod:`lmclassify.runtime`) re-implements exactly these analyzers, so only options it
supports may be used here; :mod:`lmclassify.compile` refuses anything else.

>>> features = build_features(FeatureConfig(word_ngrams=(1, 2), char_ngrams=None))
>>> features.fit_transform(["Plan the budget.", "Inspire the team."]).shape[0]
2
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion
from sklearn.preprocessing import normalize

from lmclassify.lexicon import LEXICON, term_function
from lmclassify.runtime import word_ngrams

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
    lexicon_weight: float = 0.0  # 0 switches the Kotter lexicon block off

    def __post_init__(self) -> None:
        if self.word_ngrams is None and self.char_ngrams is None:
            raise ValueError("FeatureConfig needs word_ngrams, char_ngrams or both")
        if self.lexicon_weight < 0:
            raise ValueError("lexicon_weight must be 0 (off) or positive")

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
    if config.lexicon_weight > 0:
        blocks.append(("lexicon", LexiconVectorizer()))
        return FeatureUnion(blocks, transformer_weights={"lexicon": config.lexicon_weight})
    return FeatureUnion(blocks)


class LexiconVectorizer(TransformerMixin, BaseEstimator):
    """Count the Kotter lexicon's terms per function: one column per function, in :data:`LEXICON` order.

    Counts are log-scaled (``1 + log(count)``) and L2-normalised per text, like the TF-IDF blocks, so that the
    block's scale does not depend on text length. The lexicon is fixed: ``fit`` learns nothing.

    >>> LexiconVectorizer().fit([]).transform(["Track the budget and inspire the team."]).shape
    (1, 10)
    """

    def fit(self, texts=None, y=None):
        self.functions_ = tuple(LEXICON)
        owner = term_function()
        self.vocabulary_ = {term: self.functions_.index(function) for term, function in owner.items()}
        self.max_n_ = max(len(term.split()) for term in owner)
        self.token_pattern_ = re.compile(TOKEN_PATTERN)
        return self

    def _grams(self, text: str) -> list[str]:
        return word_ngrams(self.token_pattern_.findall(text.lower()), 1, self.max_n_)

    def transform(self, texts) -> sparse.csr_matrix:
        rows, columns, values = [], [], []
        for row, text in enumerate(texts):
            hits = np.asarray([self.vocabulary_[g] for g in self._grams(text) if g in self.vocabulary_], dtype=np.intp)
            counts = np.bincount(hits, minlength=len(self.functions_))
            for column in np.flatnonzero(counts):
                rows.append(row)
                columns.append(column)
                values.append(1.0 + np.log(counts[column]))
        matrix = sparse.csr_matrix((values, (rows, columns)), shape=(len(texts), len(self.functions_)))
        return normalize(matrix)

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        return np.asarray([f"lexicon:{function}" for function in self.functions_], dtype=object)
