"""The Kotter lexicon as a scikit-learn transformer: one feature per function, counting its terms in a text.

The terms live in ``data/lexicon.csv`` (loaded by :mod:`lmclassify.corpus.codebook`) and are matched as whole
word sequences by the same word analyzer as the word n-grams, so a term the corpus never showed still counts
towards its function.

>>> LexiconVectorizer().fit([]).transform(["Track the budget and inspire the team."]).shape
(1, 10)
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.preprocessing import normalize

from lmclassify.corpus.codebook import LEXICON, term_function
from lmclassify.features.analyzer import WordAnalyzer


class LexiconVectorizer(TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """Count the lexicon's terms per function: one column per function, in :data:`LEXICON` order.

    Counts are log-scaled (``1 + log(count)``) and L2-normalised per text, like the TF-IDF blocks, so that the
    block's scale does not depend on text length. The lexicon is fixed: ``fit`` learns nothing.
    """

    def fit(self, texts: Iterable[str] | None = None, y: Any = None) -> LexiconVectorizer:
        """Read the lexicon (``texts`` and ``y`` are ignored)."""
        self.functions_ = tuple(LEXICON)
        owner = term_function()
        self.vocabulary_ = {term: self.functions_.index(function) for term, function in owner.items()}
        self.max_n_ = max(len(term.split()) for term in owner)
        return self

    def transform(self, texts: Iterable[str]) -> sparse.csr_matrix:
        """Rows of L2-normalised, log-scaled term counts per function, shape ``(len(texts), n_functions)``."""
        rows, columns, values = [], [], []
        texts = list(texts)
        analyzer = WordAnalyzer(1, self.max_n_)
        for row, text in enumerate(texts):
            grams = analyzer.grams(text.lower())
            hits = np.asarray([self.vocabulary_[g] for g in grams if g in self.vocabulary_], dtype=np.intp)
            counts = np.bincount(hits, minlength=len(self.functions_))
            for column in np.flatnonzero(counts):
                rows.append(row)
                columns.append(column)
                values.append(1.0 + np.log(counts[column]))
        matrix = sparse.csr_matrix((values, (rows, columns)), shape=(len(texts), len(self.functions_)))
        return normalize(matrix)

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        """``lexicon:<function>`` for each column."""
        return np.asarray([f"lexicon:{function}" for function in self.functions_], dtype=object)
