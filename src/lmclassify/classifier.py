"""The model users hold: :class:`Classifier` (scoring, explanations, document analysis) and :func:`load_model`.

>>> from lmclassify.resources import default_model_path
>>> model = load_model(default_model_path())
>>> model.classify("Prepare the quarterly budget and track spending against it.").label
'management'
>>> model.explain("Inspire the team.", top=2).prediction.label
'leadership'
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from lmclassify.documents.analysis import DocumentReport, analyze_document
from lmclassify.embeddings.encoder import onnxruntime_module
from lmclassify.explain import Explanation, explain_text
from lmclassify.model.format import read_model_or_bundled
from lmclassify.resources import ACCURATE_MODEL_NAME
from lmclassify.runtime.compiled import CompiledClassifier


class Classifier(CompiledClassifier):
    """A loaded model. Use :func:`load_model` to make one; it is safe to share between threads.

    Everything :class:`~lmclassify.runtime.compiled.CompiledClassifier` does (``classify``, ``classify_frame``,
    ``predict_proba``, ``classes_``, ...), plus :meth:`explain` and :meth:`analyze`.

    >>> from lmclassify.resources import default_model_path
    >>> load_model(default_model_path()).metadata["labels"]
    ['management', 'leadership', 'neither']
    """

    def explain(self, text: str, top: int | None = 5) -> Explanation:
        """Which terms of ``text`` moved each label's decision score: see :class:`lmclassify.explain.Explanation`.

        ``top`` terms per label are listed (all when ``None``); the rest are summed, so the terms plus the
        intercept always add up to the decision score exactly.
        """
        return explain_text(self, text, top=top)

    def analyze(
        self, document: str, *, counted_kinds: Sequence[str] | None = None, source: str | None = None
    ) -> DocumentReport:
        """Split ``document`` into units and classify each: see :class:`lmclassify.DocumentReport`.

        ``counted_kinds`` chooses the unit kinds the profile counts (default: list items and sentences);
        ``source`` names the document (such as its file name) in the report and its HTML page.

        >>> from lmclassify.resources import default_model_path
        >>> report = load_model(default_model_path()).analyze("Plan the budget. Inspire the team.")
        >>> report.sentences["label"].tolist()
        ['management', 'leadership']
        """
        kinds = None if counted_kinds is None else tuple(counted_kinds)
        return analyze_document(self, document, counted_kinds=kinds, source=source)


def load_model(path: str | Path, *, expected_sha256: str | None = None) -> Classifier:
    """Load a compiled model (``.npz``) written by ``lmclassify train``, or a bundled model by its name:
    ``"default"`` (the fast model) or ``"accurate"`` (TF-IDF plus sentence embeddings; it needs
    ``pip install "lmclassify[embeddings]"``, and :class:`~lmclassify.MissingExtraError` says so without it).

    Nothing in the file is executed: arrays are read with ``allow_pickle=False`` and checked against the
    checksum stored with them; with ``expected_sha256`` the whole file must also have that SHA-256 (the bundled
    default model is checked this way). Raises :class:`~lmclassify.ModelError` naming the file and the cause when
    the file is missing, not a model, truncated, corrupted or written by an incompatible version.
    """
    if path == ACCURATE_MODEL_NAME:
        onnxruntime_module()  # the install command, before the model is read
    model = read_model_or_bundled(path, expected_sha256=expected_sha256)
    return Classifier(model.arrays, model.metadata, model.source)
