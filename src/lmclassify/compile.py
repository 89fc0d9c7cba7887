"""Turn a fitted scikit-learn reference model into plain arrays that :mod:`lmclassify.runtime` can load.

The reference model is a dict of scikit-learn pipelines that share one fitted ``FeatureUnion`` of TF-IDF
blocks: ``"label"`` (ending in a :class:`~lmclassify.calibration.TemperatureScaledClassifier`) and
``"function:<label>"`` heads (ending in a ``LogisticRegression``). :func:`compile_reference` copies out the
vocabularies, idf weights, coefficients, intercepts and temperatures; :func:`max_difference` proves the compiled
model gives the same probabilities as the reference.
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import Pipeline

from lmclassify.calibration import TemperatureScaledClassifier
from lmclassify.features import TOKEN_PATTERN, LexiconVectorizer
from lmclassify.labels import LABELS
from lmclassify.runtime import (
    FORMAT_NAME,
    FORMAT_VERSION,
    METADATA_KEY,
    Classifier,
    arrays_checksum,
)
from lmclassify.storage import write_atomically

#: TfidfVectorizer settings the runtime re-implements; anything else is refused.
_SUPPORTED = {
    "input": "content",
    "lowercase": True,
    "strip_accents": None,
    "preprocessor": None,
    "tokenizer": None,
    "stop_words": None,
    "norm": "l2",
    "use_idf": True,
    "binary": False,
    "vocabulary": None,
}


class CompileError(ValueError):
    """The fitted model uses something the numpy runtime cannot reproduce."""


def _lexicon_arrays(name: str, lexicon: LexiconVectorizer) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    terms = list(lexicon.vocabulary_)
    spec = {
        "name": name,
        "analyzer": "word",
        "ngram_range": [1, lexicon.max_n_],
        "token_pattern": TOKEN_PATTERN,
        "sublinear_tf": True,
        "norm": "l2",
    }
    arrays = {
        "terms": _terms_blob(name, terms),
        "columns": np.asarray([lexicon.vocabulary_[term] for term in terms], dtype=np.int64),
        "idf": np.ones(len(lexicon.functions_)),
    }
    return spec, arrays


def _terms_blob(name: str, terms: list[str]) -> np.ndarray:
    if any("\n" in term for term in terms):
        raise CompileError(f"feature block {name!r} has a term containing a line break")
    return np.frombuffer("\n".join(terms).encode("utf-8"), dtype=np.uint8)


def _block_arrays(name: str, vectorizer: Any) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """The spec and arrays (``terms``, optional ``columns``, ``idf``) of one fitted feature block."""
    if isinstance(vectorizer, LexiconVectorizer):
        return _lexicon_arrays(name, vectorizer)
    if not isinstance(vectorizer, TfidfVectorizer):
        raise CompileError(f"feature block {name!r} is a {type(vectorizer).__name__}, which the runtime cannot run")
    params = vectorizer.get_params()
    unsupported = {key: params[key] for key, value in _SUPPORTED.items() if params[key] != value}
    if params["analyzer"] not in ("word", "char_wb"):
        unsupported["analyzer"] = params["analyzer"]
    if unsupported:
        raise CompileError(f"feature block {name!r} uses settings the runtime does not support: {unsupported}")
    terms = [str(term) for term in vectorizer.get_feature_names_out()]
    spec = {
        "name": name,
        "analyzer": params["analyzer"],
        "ngram_range": list(params["ngram_range"]),
        "token_pattern": params["token_pattern"] if params["analyzer"] == "word" else None,
        "sublinear_tf": bool(params["sublinear_tf"]),
        "norm": "l2",
    }
    return spec, {"terms": _terms_blob(name, terms), "idf": np.asarray(vectorizer.idf_, dtype=np.float64)}


def _head_arrays(pipeline: Pipeline) -> tuple[np.ndarray, np.ndarray, list[str], float]:
    """(coefficients as features x classes, intercepts, classes, temperature) of a pipeline's final step."""
    classifier = pipeline[-1]
    temperature = 1.0
    if isinstance(classifier, TemperatureScaledClassifier):
        temperature = float(classifier.temperature_)
        classifier = classifier.estimator_
    coef = np.asarray(classifier.coef_, dtype=np.float64)
    intercept = np.asarray(classifier.intercept_, dtype=np.float64)
    if coef.shape[0] == 1:  # binary: one score s, probabilities softmax([0, s])
        coef = np.vstack([np.zeros_like(coef), coef])
        intercept = np.concatenate([[0.0], intercept])
    return coef.T, intercept, [str(c) for c in classifier.classes_], temperature


def compile_reference(reference: Mapping[str, Pipeline], metadata: Mapping[str, Any]) -> tuple[dict, dict]:
    """Return ``(arrays, metadata)`` for a compiled model equivalent to ``reference``."""
    union = reference["label"][0]
    for name, pipeline in reference.items():
        if pipeline[0] is not union:
            raise CompileError(f"head {name!r} does not share the label head's fitted features")
    block_weights = union.transformer_weights or {}
    arrays: dict[str, np.ndarray] = {}
    blocks = []
    for index, (name, vectorizer) in enumerate(union.transformer_list):
        spec, block_arrays = _block_arrays(name, vectorizer)
        spec["weight"] = float(block_weights.get(name, 1.0))
        blocks.append(spec)
        arrays.update({f"block{index}_{key}": value for key, value in block_arrays.items()})
    weights, intercepts, heads, start = [], [], {}, 0
    for name, pipeline in reference.items():
        coef, intercept, classes, temperature = _head_arrays(pipeline)
        heads[name] = {"classes": classes, "columns": [start, start + len(classes)], "temperature": temperature}
        weights.append(coef)
        intercepts.append(intercept)
        start += len(classes)
    arrays["weights"] = np.ascontiguousarray(np.hstack(weights))
    arrays["intercepts"] = np.concatenate(intercepts)
    compiled = dict(metadata)
    compiled.update(
        format=FORMAT_NAME,
        format_version=FORMAT_VERSION,
        labels=list(LABELS),
        blocks=blocks,
        heads=heads,
        arrays_sha256=arrays_checksum(arrays),
    )
    return arrays, compiled


def save_compiled(path: str | Path, arrays: Mapping[str, np.ndarray], metadata: Mapping[str, Any]) -> Path:
    """Write a compiled model as one ``.npz`` file, atomically."""
    payload = dict(arrays)
    payload[METADATA_KEY] = np.frombuffer(json.dumps(metadata, sort_keys=True).encode("utf-8"), dtype=np.uint8)
    buffer = io.BytesIO()
    np.savez(buffer, **payload)
    return write_atomically(path, lambda handle: handle.write(buffer.getvalue()))


def max_difference(reference: Mapping[str, Pipeline], compiled: Classifier, texts: Sequence[str]) -> float:
    """Largest absolute difference between reference and compiled probabilities, over every head and text."""
    texts = list(texts)
    label_probs, function_probs = compiled._predict_chunk(texts)
    label_pipeline = reference["label"]
    order = [list(label_pipeline.classes_).index(label) for label in compiled.labels]
    worst = float(np.max(np.abs(label_pipeline.predict_proba(texts)[:, order] - label_probs)))
    for name, pipeline in reference.items():
        if name.startswith("function:"):
            expected = pipeline.predict_proba(texts)
            worst = max(worst, float(np.max(np.abs(expected - function_probs[name.split(":", 1)[1]]))))
    return worst
