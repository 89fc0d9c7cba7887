"""The proof that a compiled model gives its scikit-learn reference's probabilities.

>>> import numpy as np
>>> from lmclassify.corpus.load import load_corpus
>>> from lmclassify.training.estimator import KotterClassifier
>>> corpus = load_corpus().sample(300, random_state=0)
>>> fitted = KotterClassifier(char_ngrams=None, calibration_folds=0).fit(corpus["text"], corpus["label"])
>>> arrays, metadata = fitted.export()
>>> max_difference(fitted.reference(), CompiledClassifier(arrays, metadata), corpus["text"].tolist()) < 1e-9
True
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from lmclassify.runtime.compiled import CompiledClassifier


def max_difference(reference: Mapping[str, Any], compiled: CompiledClassifier, texts: Sequence[str]) -> float:
    """Largest absolute difference between reference and compiled probabilities, over every head and text."""
    texts = list(texts)
    label_probs, function_probs = compiled.predict_proba_with_functions(texts)
    label_pipeline = reference["label"]
    order = [list(label_pipeline.classes_).index(label) for label in compiled.labels]
    worst = float(np.max(np.abs(label_pipeline.predict_proba(texts)[:, order] - label_probs)))
    for name, pipeline in reference.items():
        if name.startswith("function:"):
            expected = pipeline.predict_proba(texts)
            worst = max(worst, float(np.max(np.abs(expected - function_probs[name.split(":", 1)[1]][1]))))
    return worst
