"""The artefact audit: does a fitted model lean on function words and document scaffolding?

It lists each label's heaviest terms (terms made only of function words flagged), the function words whose
coefficients differ most between labels, and what the model says about bare function words and scaffolding
(:data:`ARTEFACT_PROBES`).

>>> "what" in FUNCTION_WORDS, "budget" in FUNCTION_WORDS, len(ARTEFACT_PROBES)
(True, False, 18)
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from lmclassify.features.union import build_features
from lmclassify.training.calibration import TemperatureScaledClassifier, softmax
from lmclassify.training.train import TrainingConfig

#: Words whose weight says something about a corpus's style, not its meaning: the artefact audit flags them.
FUNCTION_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "if",
        "so",
        "not",
        "no",
        "nor",
        "never",
        "what",
        "why",
        "how",
        "who",
        "when",
        "where",
        "which",
        "whom",
        "whose",
        "this",
        "that",
        "these",
        "those",
        "it",
        "its",
        "i",
        "me",
        "my",
        "we",
        "us",
        "our",
        "ours",
        "you",
        "your",
        "yours",
        "they",
        "them",
        "their",
        "he",
        "him",
        "his",
        "she",
        "her",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "will",
        "would",
        "shall",
        "should",
        "can",
        "could",
        "may",
        "might",
        "must",
        "do",
        "does",
        "did",
        "have",
        "has",
        "had",
        "to",
        "of",
        "in",
        "on",
        "at",
        "by",
        "for",
        "from",
        "with",
        "as",
        "than",
        "then",
        "there",
        "here",
        "all",
        "any",
        "each",
        "every",
        "some",
        "just",
        "only",
        "also",
        "very",
        "more",
        "most",
    ]
)
#: Inputs that must come out neither, or with low confidence: bare function words and document scaffolding.
ARTEFACT_PROBES = (
    "What",
    "Why",
    "Not",
    "You",
    "We",
    "Our",
    "How",
    "This",
    "What we offer:",
    "You will:",
    "Why it matters",
    "Our culture",
    "Our vision",
    "Find out more",
    "Apply now",
    "See also",
    "Key responsibilities",
    "Leadership and management",
)
#: How many of each label's heaviest terms the audit lists.
AUDIT_TOP_TERMS = 15
#: How many function words (largest coefficient spread between labels) the audit lists.
AUDIT_FUNCTION_WORDS = 10


def artefact_audit(train: pd.DataFrame, config: TrainingConfig, seed: int = 0) -> dict[str, Any]:
    """Fit ``config`` on ``train``; list each label's heaviest terms (function words flagged) and probe it with
    bare function words and scaffolding (:data:`ARTEFACT_PROBES`).

    Returns ``{"top_terms": {label: [{term, weight, function_word}]}, "function_words": [{term, spread}],
    "probes": [{text, label, confidence}]}``.
    """
    features = build_features(config.features).fit(train["text"])
    model = TemperatureScaledClassifier(config.estimator(random_state=seed).linear_head(), cv=5, random_state=seed)
    model.fit(features.transform(train["text"]), train["label"], groups=train["group"].to_numpy())
    names = np.asarray([name.split("__", 1)[-1] for name in features.get_feature_names_out()])
    coefficients = model.estimator_.coef_
    top_terms = {}
    for index, label in enumerate(model.classes_):
        # a term's pull towards this label against the mean of the others
        pull = coefficients[index] - np.delete(coefficients, index, axis=0).mean(axis=0)
        order = np.argsort(-pull)[:AUDIT_TOP_TERMS]
        top_terms[str(label)] = [
            {"term": str(names[i]), "weight": float(pull[i]), "function_word": _is_function_term(str(names[i]))}
            for i in order
        ]
    function_word_columns = [i for i, name in enumerate(names) if name in FUNCTION_WORDS]
    spread = coefficients[:, function_word_columns].max(axis=0) - coefficients[:, function_word_columns].min(axis=0)
    heaviest = np.argsort(-spread)[:AUDIT_FUNCTION_WORDS]
    probabilities = softmax(model.decision_function(features.transform(list(ARTEFACT_PROBES))) / model.temperature_)
    probes = []
    for text, row in zip(ARTEFACT_PROBES, probabilities):
        best = int(row.argmax())
        probes.append({"text": text, "label": str(model.classes_[best]), "confidence": float(row[best])})
    return {
        "top_terms": top_terms,
        "function_words": [
            {"term": str(names[function_word_columns[i]]), "spread": float(spread[i])} for i in heaviest
        ],
        "probes": probes,
    }


def _is_function_term(term: str) -> bool:
    """A word n-gram made only of function words (character n-grams are judged by the word they come from)."""
    words = term.split()
    return bool(words) and all(word in FUNCTION_WORDS for word in words)
