"""lmclassify: is a text about management, leadership (in John Kotter's sense) or neither?

>>> from lmclassify import classify
>>> classify("Prepare the quarterly budget and track spending against it.").label
'management'

Nothing heavy is loaded at import time: the default model is read on first use, and pandas and scikit-learn
are imported only by the parts that need them (:class:`KotterClassifier` loads scikit-learn when first used).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lmclassify.api import analyze, classify, classify_frame, classify_many, compare, explain
from lmclassify.cache import cached_model, default_model
from lmclassify.classifier import Classifier, load_model
from lmclassify.corpus.codebook import FUNCTIONS, LABELS
from lmclassify.documents.analysis import DocumentReport
from lmclassify.documents.segment import UNIT_KINDS
from lmclassify.errors import (
    ArgumentError,
    ArgumentTypeError,
    BundledFileError,
    ColumnError,
    CompileError,
    CorpusError,
    DataFileError,
    DocumentError,
    EmptyTextError,
    ExportError,
    LmclassifyError,
    MissingExtraError,
    ModelError,
    TextTypeError,
)
from lmclassify.explain import Explanation
from lmclassify.runtime.prediction import Prediction
from lmclassify.runtime.table import ProbabilityTable

if TYPE_CHECKING:
    from lmclassify.training.estimator import KotterClassifier


def __getattr__(name: str) -> Any:
    """``__version__`` (read from the installed metadata) and :class:`KotterClassifier` (which needs
    scikit-learn), both on first use."""
    if name == "KotterClassifier":
        from lmclassify.training.estimator import KotterClassifier

        globals()["KotterClassifier"] = KotterClassifier
        return KotterClassifier
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
    "ArgumentError",
    "ArgumentTypeError",
    "BundledFileError",
    "Classifier",
    "ColumnError",
    "CompileError",
    "CorpusError",
    "DataFileError",
    "DocumentError",
    "DocumentReport",
    "EmptyTextError",
    "Explanation",
    "ExportError",
    "KotterClassifier",
    "LmclassifyError",
    "MissingExtraError",
    "ModelError",
    "Prediction",
    "ProbabilityTable",
    "TextTypeError",
    "__version__",
    "analyze",
    "cached_model",
    "classify",
    "classify_frame",
    "classify_many",
    "compare",
    "default_model",
    "explain",
    "load_model",
]
