"""Locate the files that ship with the package: the labelled corpus and the default model.

In an installed wheel they live inside the package (``lmclassify/data``, ``lmclassify/models``) and are read
with :mod:`importlib.resources`. In a source checkout (editable install, or tests run from the repository)
the top-level ``data/`` and ``models/`` folders are the source of truth and are used directly.

>>> bundled_file("data", "corpus.csv").name
'corpus.csv'
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from lmclassify.errors import BundledFileError

DEFAULT_MODEL_NAME = "default"


def bundled_file(folder: str, name: str) -> Path:
    """Return the path of a bundled file, preferring the installed package copy.

    Raises ``FileNotFoundError`` naming both places looked at when the file is in neither.
    """
    packaged = resources.files("lmclassify").joinpath(folder).joinpath(name)  # one part a call before Python 3.11
    if packaged.is_file():
        return Path(str(packaged))
    checkout = Path(__file__).resolve().parents[2] / folder / name
    if checkout.is_file():
        return checkout
    raise BundledFileError(
        f"bundled file {folder}/{name} is missing: looked in the installed package ({packaged}) and in a "
        f"source checkout ({checkout}); reinstall lmclassify or run `lmclassify train`"
    )


def default_corpus_path() -> Path:
    """The labelled corpus that ships with lmclassify."""
    return bundled_file("data", "corpus.csv")


def default_model_path() -> Path:
    """The compiled default model that ships with lmclassify."""
    return bundled_file("models", f"{DEFAULT_MODEL_NAME}.npz")


def default_model_sha256() -> str:
    """The SHA-256 the bundled default model must have, as recorded beside it at training time."""
    import json

    sidecar = bundled_file("models", f"{DEFAULT_MODEL_NAME}.json")
    digest: str = json.loads(sidecar.read_text(encoding="utf-8"))["file_sha256"]
    return digest
