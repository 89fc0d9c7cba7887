"""Export a fitted scikit-learn reference model to the compiled format's plain arrays.

The reference is a dict of scikit-learn pipelines that share one fitted ``FeatureUnion`` of feature blocks:
``"label"`` and ``"function:<label>"`` heads, each ending in a linear classifier (the label head wrapped in a
temperature-scaling calibrator, which exposes ``estimator_`` and ``temperature_``). Each block is exported by
its kind (:mod:`lmclassify.features.blocks`); the coefficients, intercepts and temperatures become the heads.
``lmclassify.training.equivalence`` proves the export gives the reference's probabilities.

>>> from sklearn.linear_model import LogisticRegression
>>> from sklearn.pipeline import Pipeline
>>> from lmclassify.features.config import FeatureConfig
>>> from lmclassify.features.union import build_features
>>> texts = ["Plan the budget.", "Inspire the team.", "Lead is a metal."]
>>> labels = ["management", "leadership", "neither"]
>>> features = build_features(FeatureConfig(char_ngrams=None, min_df=1)).fit(texts)
>>> head = LogisticRegression().fit(features.transform(texts), labels)
>>> arrays, metadata = export_reference({"label": Pipeline([("features", features), ("classifier", head)])}, {})
>>> metadata["heads"]["label"]["classes"], arrays["weights"].shape[1]
(['leadership', 'management', 'neither'], 3)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from lmclassify.corpus.codebook import LABELS
from lmclassify.embeddings.features import EMBEDDING_BLOCK, EmbeddingFeatures
from lmclassify.errors import ExportError
from lmclassify.features.blocks import kind_for
from lmclassify.model import encoder as encoder_arrays
from lmclassify.model.format import with_format


def _head_arrays(pipeline: Any) -> tuple[np.ndarray, np.ndarray, list[str], float]:
    """(coefficients as features x classes, intercepts, classes, temperature) of a pipeline's final step."""
    classifier = pipeline[-1]
    temperature = 1.0
    if hasattr(classifier, "temperature_") and hasattr(classifier, "estimator_"):
        temperature = float(classifier.temperature_)
        classifier = classifier.estimator_
    if not hasattr(classifier, "coef_"):
        raise ExportError(f"the head's final step is a {type(classifier).__name__}, not a fitted linear classifier")
    coef = np.asarray(classifier.coef_, dtype=np.float64)
    intercept = np.asarray(classifier.intercept_, dtype=np.float64)
    if coef.shape[0] == 1:  # binary: one score s, probabilities softmax([0, s])
        coef = np.vstack([np.zeros_like(coef), coef])
        intercept = np.concatenate([[0.0], intercept])
    return coef.T, intercept, [str(c) for c in classifier.classes_], temperature


def export_reference(
    reference: Mapping[str, Any], metadata: Mapping[str, Any]
) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """Return ``(arrays, metadata)`` for a compiled model equivalent to ``reference``.

    Raises :class:`~lmclassify.errors.ExportError` when a head does not share the label head's features or a
    block uses something the runtime cannot reproduce.
    """
    union = reference["label"][0]
    for name, pipeline in reference.items():
        if pipeline[0] is not union:
            raise ExportError(f"head {name!r} does not share the label head's fitted features")
    block_weights = union.transformer_weights or {}
    arrays: dict[str, np.ndarray] = {}
    blocks = []
    embedding: tuple[Any, float] | None = None  # (encoder, block weight) of the accurate tier
    for index, (name, transformer) in enumerate(union.transformer_list):
        weight = float(block_weights.get(name, 1.0))
        if isinstance(transformer, EmbeddingFeatures):
            if name != EMBEDDING_BLOCK or index != len(union.transformer_list) - 1:
                raise ExportError(f"the embedding block must be the last block, named {EMBEDDING_BLOCK!r}")
            embedding = (transformer.encoder, weight)
            continue
        exported = kind_for(name, transformer).export(name, transformer)
        blocks.append({**exported.spec, "weight": weight})
        arrays.update({f"block{index}_{key}": value for key, value in exported.arrays.items()})
    weights, intercepts, heads, start = [], [], {}, 0
    for name, pipeline in reference.items():
        coef, intercept, classes, temperature = _head_arrays(pipeline)
        heads[name] = {"classes": classes, "columns": [start, start + len(classes)], "temperature": temperature}
        weights.append(coef)
        intercepts.append(intercept)
        start += len(classes)
    all_weights = np.hstack(weights)
    compiled = {**metadata, "labels": list(LABELS), "blocks": blocks, "heads": heads}
    if embedding is not None:
        encoder, weight = embedding
        dimension = int(encoder.dimension)
        arrays.update(encoder_arrays.encoder_arrays(encoder.files))
        arrays[encoder_arrays.WEIGHTS] = np.ascontiguousarray(all_weights[-dimension:] * weight)
        all_weights = all_weights[:-dimension]
        compiled[encoder_arrays.SPEC] = {**encoder.files.spec, "weight": weight}
    arrays["weights"] = np.ascontiguousarray(all_weights)
    arrays["intercepts"] = np.concatenate(intercepts)
    return arrays, with_format(arrays, compiled)
