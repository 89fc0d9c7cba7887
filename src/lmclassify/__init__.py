"""lmclassify: is a text about management, leadership (in John Kotter's sense) or neither?

>>> from lmclassify import classify
>>> classify("Prepare the quarterly budget and track spending against it.").label
'management'

Nothing heavy is loaded at import time: the default model is read on first use, and pandas and
scikit-learn are imported only by the functions that need them.
"""

from lmclassify.analysis import DocumentReport
from lmclassify.api import analyze, classify, classify_frame, default_model, explain
from lmclassify.errors import CorpusError, ModelError
from lmclassify.explanation import Explanation
from lmclassify.labels import FUNCTIONS, LABELS
from lmclassify.runtime import Classifier, Prediction, load_model
from lmclassify.segment import UNIT_KINDS


def __getattr__(name: str) -> str:
    """``__version__``, read from the installed metadata on first use (importlib.metadata is slow to import)."""
    if name != "__version__":
        raise AttributeError(f"module 'lmclassify' has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        found = version("lmclassify")
    except PackageNotFoundError:  # running from a source tree without installing
        found = "0.0.0+unknown"
    globals()["__version__"] = found
    return found


__all__ = [
    "FUNCTIONS",
    "LABELS",
    "UNIT_KINDS",
    "Classifier",
    "CorpusError",
    "DocumentReport",
    "Explanation",
    "ModelError",
    "Prediction",
    "__version__",
    "analyze",
    "classify",
    "classify_frame",
    "default_model",
    "explain",
    "load_model",
]
