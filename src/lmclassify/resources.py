"""Locate the files that ship with the package: the labelled corpus and the bundled models.

Two models ship: ``default`` (the fast TF-IDF model) and ``accurate`` (TF-IDF plus sentence embeddings, which
needs the ``embeddings`` extra to run). Each has a ``<name>.json`` beside it recording its SHA-256.

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
ACCURATE_MODEL_NAME = "accurate"
#: The models that ship with lmclassify, by the name ``load_model`` and ``--model`` accept.
BUNDLED_MODELS = (DEFAULT_MODEL_NAME, ACCURATE_MODEL_NAME)


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


def bundled_model_path(name: str = DEFAULT_MODEL_NAME) -> Path:
    """The compiled model ``name`` (one of :data:`BUNDLED_MODELS`) that ships with lmclassify.

    >>> bundled_model_path("accurate").name
    'accurate.npz'
    """
    if name not in BUNDLED_MODELS:
        raise BundledFileError(f"no bundled model is called {name!r}; the bundled models are {list(BUNDLED_MODELS)}")
    return bundled_file("models", f"{name}.npz")


def bundled_model_sha256(name: str = DEFAULT_MODEL_NAME) -> str:
    """The SHA-256 the bundled model ``name`` must have, as recorded beside it at training time."""
    import json

    sidecar = bundled_file("models", f"{name}.json")
    digest: str = json.loads(sidecar.read_text(encoding="utf-8"))["file_sha256"]
    return digest


def default_model_path() -> Path:
    """The compiled default model that ships with lmclassify."""
    return bundled_model_path(DEFAULT_MODEL_NAME)


def default_model_sha256() -> str:
    """The SHA-256 the bundled default model must have, as recorded beside it at training time."""
    return bundled_model_sha256(DEFAULT_MODEL_NAME)
