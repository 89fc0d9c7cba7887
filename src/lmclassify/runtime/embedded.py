"""Scoring a model with an embedding block (the accurate tier): TF-IDF scores plus sentence-embedding scores.

Each output's decision score is the TF-IDF blocks' score (as the fast model computes it) plus the embedding of
the text times the heads' ``embedding_weights``; each head's probabilities are then ``softmax(score /
temperature)``, as for every model. The TF-IDF part is scored by the C scorer (or the Python one) with every
temperature set to 1, whose log-probabilities are the TF-IDF scores up to a constant per head, which the softmax
ignores. :class:`EmbeddingScorer` fills probability tables like the other scorers, so every batch path uses it.

The encoder runs on onnxruntime (the ``embeddings`` extra); without it, loading such a model raises
:class:`~lmclassify.errors.MissingExtraError` with the install command.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from lmclassify.embeddings.encoder import SentenceEncoder, onnxruntime_module
from lmclassify.errors import ModelError
from lmclassify.model.encoder import WEIGHTS, encoder_of
from lmclassify.model.format import ModelFile
from lmclassify.runtime.parts import ModelParts
from lmclassify.runtime.scorer import PythonScorer, extension_scorer, softmax_head

#: Probabilities below this are taken as this before their logarithm (a TF-IDF score gap of about 690).
SMALLEST_PROBABILITY = 1e-300


class EmbeddingScorer:
    """The TF-IDF scorer and the encoder of one model, scoring texts into probability tables."""

    def __init__(self, parts: ModelParts, model: ModelFile):
        onnxruntime_module()  # the install command, before anything else is built
        self.parts = parts
        self.encoder = SentenceEncoder(encoder_of(model), model.source)
        weights = np.asarray(model.arrays.get(WEIGHTS, np.empty((0, 0))), dtype=np.float64)
        if weights.shape != (self.encoder.dimension, parts.n_outputs) or not np.all(np.isfinite(weights)):
            raise ModelError(
                f"{model.source}: the embedding weights have shape {weights.shape}, not "
                f"({self.encoder.dimension}, {parts.n_outputs}) finite numbers; retrain it"
            )
        self.weights = weights
        unit = replace(parts, heads={name: replace(head, temperature=1.0) for name, head in parts.heads.items()})
        self._tfidf = extension_scorer(unit) or PythonScorer(unit)

    @property
    def n_outputs(self) -> int:
        return self.parts.n_outputs

    def embedding_scores(self, texts: Sequence[str]) -> np.ndarray:
        """The embedding block's part of every output's decision score, shape ``(len(texts), n_outputs)``."""
        embeddings = self.encoder.embed(texts).astype(np.float64)
        # einsum's own loop (not BLAS), so that a text's scores do not depend on how many are scored with it
        scores: np.ndarray = np.einsum("nd,dk->nk", embeddings, self.weights, optimize=False)
        return scores

    def score_into(self, texts: Sequence[str], start: int, stop: int, table: np.ndarray) -> None:
        """Every head's probabilities for ``texts[start:stop]`` into ``table[: stop - start]``."""
        tfidf = np.empty((stop - start, self.n_outputs))
        self._tfidf.score_into(texts, start, stop, tfidf)
        scores = np.log(np.maximum(tfidf, SMALLEST_PROBABILITY))
        scores += self.embedding_scores(texts[start:stop])
        for head in self.parts.heads.values():
            table[: stop - start, head.columns] = softmax_head(scores, head)

    def probabilities(self, text: str) -> list[float]:
        table = np.empty((1, self.n_outputs))
        self.score_into([text], 0, 1, table)
        return table[0].tolist()  # type: ignore[no-any-return]
