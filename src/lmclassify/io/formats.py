"""The file formats batch jobs read and write, chosen by extension, and the optional pyarrow they may need.

>>> file_format("reports/2024.JSONL")
'jsonl'
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

from lmclassify.errors import DataFileError, MissingExtraError

#: File extension -> format name.
FORMATS: dict[str, str] = {".csv": "csv", ".jsonl": "jsonl", ".txt": "txt", ".parquet": "parquet"}


def file_format(path: str | Path) -> str:
    """The format of ``path`` from its extension (case-insensitive); :class:`DataFileError` if unsupported."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        found = f"extension {suffix!r}" if suffix else "no extension"
        raise DataFileError(f"{path}: unsupported file type ({found}); use one of {', '.join(FORMATS)}")
    return FORMATS[suffix]


def require_pyarrow(path: str | Path) -> Any:
    """Import pyarrow for a Parquet file, or raise :class:`~lmclassify.errors.MissingExtraError` (a
    ``ModuleNotFoundError``) saying how to install it."""
    try:
        return importlib.import_module("pyarrow")
    except ModuleNotFoundError:
        raise MissingExtraError(
            f"{path}: Parquet files need pyarrow, which is not installed; "
            'install it with `pip install "lmclassify[parquet]"`',
            name="pyarrow",
        ) from None
