"""One loaded model per model file per process: the bundled default model, and what workers share.

A compiled model is a plain ``.npz`` file, so parallel code (batch jobs, Dask, Spark) passes its *path* to
workers and each worker process loads it once, on first use, instead of receiving a pickled model with every task.

>>> model = cached_model()            # None means the bundled default model
>>> model is cached_model(None) is default_model()
True
>>> model.classify("Hire two more nurses for the night shift.").label
'management'
"""

from __future__ import annotations

import os
import threading
from collections import Counter

from lmclassify.classifier import Classifier, load_model
from lmclassify.resources import DEFAULT_MODEL_NAME

_models: dict[str | None, Classifier] = {}
_loads: Counter[str | None] = Counter()
_lock = threading.Lock()


def cached_model(path: str | os.PathLike[str] | None = None) -> Classifier:
    """The model at ``path`` (``None``: the bundled default; ``"accurate"``: the bundled accurate model), loaded on
    the first call in this process, then reused.

    A bundled model is checked against its recorded SHA-256. Raises :class:`lmclassify.ModelError` naming the
    file when it cannot be loaded (and tries again next call).
    """
    key = None if path is None or os.fspath(path) == DEFAULT_MODEL_NAME else os.fspath(path)
    model = _models.get(key)
    if model is None:
        with _lock:
            model = _models.get(key)
            if model is None:
                model = load_model(DEFAULT_MODEL_NAME if key is None else key)
                _models[key] = model
                _loads[key] += 1
    return model


def default_model() -> Classifier:
    """The bundled default model (loaded on first use, checked against its recorded SHA-256, then shared)."""
    model = _models.get(None)  # the common case, without cached_model's checks: every module-level call comes here
    return model if model is not None else cached_model(None)


def load_counts() -> dict[str | None, int]:
    """How many times each model was loaded in this process (each should be 1): for checks and diagnostics.

    >>> _ = cached_model(); load_counts()[None]
    1
    """
    return dict(_loads)
