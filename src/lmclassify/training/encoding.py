"""The sentence encoder a training run of the accurate tier uses, and encoding its texts once, up front.

>>> try:
...     load_training_encoder("no-such-file.npz")
... except ArgumentError as error:
...     print(str(error)[:46])
--encoder no-such-file.npz: no such model file
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from pathlib import Path

from lmclassify.embeddings.encoder import SentenceEncoder, onnxruntime_module
from lmclassify.errors import ArgumentError, ModelError
from lmclassify.model.encoder import read_encoder
from lmclassify.resources import ACCURATE_MODEL_NAME, bundled_model_path

logger = logging.getLogger(__name__)


def load_training_encoder(path: str | Path | None) -> SentenceEncoder:
    """The encoder in ``path`` (an encoder file or a model holding one; ``None``: the bundled accurate model's).

    Raises :class:`~lmclassify.errors.MissingExtraError` without the ``embeddings`` extra and
    :class:`~lmclassify.errors.ArgumentError` naming the file when it holds no usable encoder, before any fitting.
    """
    source = bundled_model_path(ACCURATE_MODEL_NAME) if path is None else Path(path)
    try:
        files = read_encoder(source)
    except ModelError as error:
        problem = str(error).removeprefix(f"{source}: ")
        raise ArgumentError(
            f"--encoder {source}: {problem}; give an encoder file written by tools/export_encoder.py, or a model "
            "that holds one"
        ) from None
    onnxruntime_module()
    return SentenceEncoder(files, str(source))


def encode_once(encoder: SentenceEncoder, texts: Sequence[str]) -> None:
    """Encode every distinct text of ``texts`` into the encoder's cache, so that no fold encodes one twice."""
    distinct = list(dict.fromkeys(texts))
    started = time.perf_counter()
    encoder.embed(distinct)
    seconds = time.perf_counter() - started
    logger.info("encoded %d texts with %s in %.1f s", len(distinct), encoder.files.spec.get("name"), seconds)
