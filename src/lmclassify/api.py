"""Module-level functions that use the bundled default model, loaded once, lazily and thread-safely.

>>> classify("Prepare the quarterly budget and track spending against it.").label
'management'
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, overload

from lmclassify.cache import default_model

if TYPE_CHECKING:
    import pandas as pd

    from lmclassify.documents.analysis import DocumentReport
    from lmclassify.documents.compare_result import Comparison
    from lmclassify.explain import Explanation
    from lmclassify.runtime.prediction import Prediction
    from lmclassify.runtime.table import ProbabilityTable


@overload
def classify(texts: str) -> Prediction: ...  # type: ignore[overload-overlap]  # a str is one text
@overload
def classify(texts: Iterable[str]) -> list[Prediction]: ...
def classify(texts: str | Iterable[str]) -> Prediction | list[Prediction]:
    """Classify one text or many with the default model.

    A ``str`` gives one :class:`Prediction`; any other iterable of ``str`` gives a list in the same order.

    >>> p = classify("Inspire the team with a clear picture of where we are going.")
    >>> p.label, round(sum(p.scores.values()), 6)
    ('leadership', 1.0)
    """
    return default_model().classify(texts)


def classify_many(texts: Iterable[str]) -> ProbabilityTable:
    """Classify many texts with the default model into arrays; see :meth:`Classifier.classify_many`.

    >>> classify_many(["Track spending against the budget.", "Inspire the team."]).label.tolist()
    ['management', 'leadership']
    """
    return default_model().classify_many(texts)


def classify_frame(frame: pd.DataFrame, column: str = "text", *, prefix: str = "") -> pd.DataFrame:
    """Classify a DataFrame column with the default model; see :meth:`Classifier.classify_frame`."""
    return default_model().classify_frame(frame, column=column, prefix=prefix)


def explain(text: str, top: int | None = 5) -> Explanation:
    """Which terms of ``text`` moved each label's score, with the default model; see :meth:`Classifier.explain`.

    >>> explanation = explain("Track spending against the budget every week.")
    >>> explanation.prediction.label, explanation.contributions["management"][0][1] > 0
    ('management', True)
    """
    return default_model().explain(text, top=top)


def analyze(document: str, *, counted_kinds: Sequence[str] | None = None, source: str | None = None) -> DocumentReport:
    """Split ``document`` into units and classify each with the default model; see :meth:`Classifier.analyze`.

    ``source`` names the document (such as its file name) in the report and its HTML page.

    >>> analyze("Plan the budget. Inspire the team.").profile["sentence_share"].tolist()
    [0.5, 0.5, 0.0]
    """
    return default_model().analyze(document, counted_kinds=counted_kinds, source=source)


def compare(
    paths_or_folder: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    *,
    metadata: str | os.PathLike[str] | None = None,
    group_by: str | None = None,
    model: str | os.PathLike[str] | None = None,
    progress: bool = False,
) -> Comparison:
    """Profile many documents (a folder, or a list of files) side by side; see :mod:`lmclassify.documents.compare`.

    ``metadata`` is a CSV file with a ``file`` column whose other columns are added to the profiles;
    ``group_by`` names one of them (or ``folder``) to get :attr:`Comparison.groups`; ``model`` is a compiled
    model file instead of the bundled default. Unreadable files get a row with an ``error``.

    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "plan.txt").write_text("Track spending against the budget.", encoding="utf-8")
    >>> compare(folder).profiles[["file", "management_word_share"]].values.tolist()
    [['plan.txt', 1.0]]
    """
    from lmclassify.cache import cached_model
    from lmclassify.documents.compare import compare_documents

    classifier = default_model() if model is None else cached_model(model)
    return compare_documents(classifier, paths_or_folder, metadata=metadata, group_by=group_by, progress=progress)
