"""Classify a Dask DataFrame: the same added columns and dtypes as the pandas ``classify_frame``, computed lazily.

Needs the ``dask`` extra (``pip install "lmclassify[dask]"``). Each worker process loads the model once, from its
file (:func:`lmclassify.cache.cached_model`): tasks carry the model's path, never a pickled model, so the
file must be readable at the same path on every worker (the bundled default model always is).

>>> import pandas as pd, dask.dataframe as dd
>>> texts = pd.DataFrame({"text": ["Plan the rota for December.", "Rally everyone behind one shared purpose."]})
>>> labelled = classify_frame(dd.from_pandas(texts, npartitions=2))
>>> labelled.compute()["label"].tolist()
['management', 'leadership']
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from lmclassify.cache import cached_model
from lmclassify.classifier import Classifier
from lmclassify.errors import ArgumentTypeError, ColumnError
from lmclassify.runtime.frame import check_no_clash

if TYPE_CHECKING:
    from collections.abc import Callable

    import dask.dataframe as dd
    import pandas as pd


def _classify_partition(
    partition: pd.DataFrame, column: str, model_path: str | None, dtypes: dict[str, Any], prefix: str = ""
) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # one warning per partition would only be noise in worker logs
        result = cached_model(model_path).classify_frame(partition, column=column, prefix=prefix)
    return result.astype(dtypes)


def _model_path(model: str | Path | Classifier | None) -> str | None:
    if model is None:
        return None
    if isinstance(model, Classifier):
        if not Path(model.source).is_file():
            raise ArgumentTypeError(
                f"pass the model's file path, not a Classifier that was not loaded from a file ({model.source!r})"
            )
        model = model.source
    if not isinstance(model, (str, Path)):
        raise ArgumentTypeError(f"model must be a path to a compiled model (.npz) or None, got {type(model).__name__}")
    return str(Path(model).resolve())


def added_dtypes(model: Classifier, prefix: str = "") -> dict[str, Any]:
    """The columns that ``model.classify_frame`` adds, with their dtypes, taken from the pandas version itself.

    >>> added_dtypes(cached_model())["label"], added_dtypes(cached_model())["confidence"]
    (dtype('O'), dtype('float64'))
    """
    import pandas as pd

    probe = model.classify_frame(
        pd.DataFrame({"_probe": ["Plan the rota for December."]}), column="_probe", prefix=prefix
    )
    return {name: dtype for name, dtype in probe.dtypes.items() if name != "_probe"}


def classify_frame(
    ddf: dd.DataFrame, column: str = "text", model: str | Path | Classifier | None = None, *, prefix: str = ""
) -> dd.DataFrame:
    """A lazy copy of ``ddf`` with ``label, confidence, p_<label>..., function, function_confidence`` added.

    ``model`` is the path of a compiled model (``None``: the bundled default); a :class:`Classifier` loaded from a
    file is taken as its path. Like the pandas version, missing, empty or non-text cells get no label and NaN
    probabilities (without a warning per partition). The model is loaded here once to check it, and then once in
    each worker process. The added columns' names start with ``prefix``. Raises
    :class:`~lmclassify.errors.ColumnError` (a ``KeyError``) when ``column`` is missing or an added column would
    overwrite one of ``ddf``'s, and :class:`lmclassify.ModelError` when the model cannot be loaded, before anything
    is computed.
    """
    if column not in ddf.columns:
        raise ColumnError(f"column {column!r} not found; the frame has columns {list(ddf.columns)}")
    import pandas as pd

    model_path = _model_path(model)
    dtypes = added_dtypes(cached_model(model_path), prefix)
    try:
        check_no_clash(list(ddf.columns), list(dtypes))
    except ColumnError as error:
        raise ColumnError(f"the frame {error}") from None
    meta = ddf._meta.copy()  # empty, with ddf's columns and dtypes
    for name, dtype in dtypes.items():
        meta[name] = pd.Series([], index=meta.index, dtype=dtype)
    map_partitions = cast("Callable[..., dd.DataFrame]", ddf.map_partitions)  # dask does not annotate it
    return map_partitions(
        _classify_partition, column=column, model_path=model_path, dtypes=dtypes, prefix=prefix, meta=meta
    )
