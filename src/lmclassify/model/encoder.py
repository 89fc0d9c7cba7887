"""The sentence encoder inside a model file: read and written here, beside the format it lives in.

A model with an embedding block (the accurate tier) holds, besides the TF-IDF arrays:

- ``encoder_graph``: the encoder's ONNX graph, as ``uint8`` bytes;
- ``encoder_vocabulary``: its WordPiece vocabulary, ``\\n``-separated UTF-8, one token per id;
- ``embedding_weights``: the heads' weights on the embedding (dimension x outputs), the block weight folded in;

and ``metadata["embedding"]``: the encoder's spec (``name``, ``dimension``, ``max_tokens``, ``pooling``,
``normalize``, ``graph_sha256`` and ``provenance``: where its weights came from, their licence and checksums).
An *encoder file* (written by ``tools/export_encoder.py``, read by ``lmclassify train --embeddings --encoder``)
is the same format with the encoder alone: no blocks and no heads.

>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "encoder.npz"
>>> vocabulary = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "plan"]
>>> _ = write_encoder_file(path, np.frombuffer(b"graph", np.uint8), vocabulary, {"name": "tiny", "dimension": 2})
>>> files = read_encoder(path)
>>> files.spec["name"], files.vocabulary[-1], files.graph
('tiny', 'plan', b'graph')
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from lmclassify.embeddings.encoder import EncoderFiles
from lmclassify.errors import ModelError
from lmclassify.model.format import ModelFile, read_model, with_format, write_model

GRAPH = "encoder_graph"
VOCABULARY = "encoder_vocabulary"
WEIGHTS = "embedding_weights"
#: The metadata key of the encoder's spec.
SPEC = "embedding"
#: What an encoder file's metadata says it is.
ENCODER_FILE_KIND = "encoder"


def encoder_arrays(files: EncoderFiles) -> dict[str, np.ndarray]:
    """The arrays that store ``files`` in a model file (without the heads' ``embedding_weights``)."""
    if any("\n" in token for token in files.vocabulary):
        raise ModelError("an encoder vocabulary token contains a line break")
    return {
        GRAPH: np.frombuffer(files.graph, dtype=np.uint8),
        VOCABULARY: np.frombuffer("\n".join(files.vocabulary).encode("utf-8"), dtype=np.uint8),
    }


def has_encoder(metadata: Mapping[str, Any]) -> bool:
    """Whether a model's metadata describes an embedding block."""
    return SPEC in metadata


def encoder_of(model: ModelFile) -> EncoderFiles:
    """The encoder stored in ``model``; :class:`ModelError` names the file when it has none or it is damaged."""
    spec = model.metadata.get(SPEC)
    if not isinstance(spec, dict):
        raise ModelError(f"{model.source}: the file holds no sentence encoder")
    missing = [name for name in (GRAPH, VOCABULARY) if name not in model.arrays]
    if missing:
        raise ModelError(f"{model.source}: the encoder's arrays {missing} are missing; retrain it")
    graph = model.arrays[GRAPH].tobytes()
    if "graph_sha256" in spec and hashlib.sha256(graph).hexdigest() != spec["graph_sha256"]:
        raise ModelError(f"{model.source}: the encoder graph does not have its recorded SHA-256; reinstall it")
    try:
        vocabulary = tuple(model.arrays[VOCABULARY].tobytes().decode("utf-8").split("\n"))
    except UnicodeDecodeError:
        raise ModelError(f"{model.source}: the encoder vocabulary is not UTF-8 text") from None
    return EncoderFiles(graph, vocabulary, dict(spec))


def write_encoder_file(path: str | Path, graph: np.ndarray, vocabulary: Sequence[str], spec: Mapping[str, Any]) -> Path:
    """Write an encoder file (the encoder alone, in the model format); return its path."""
    arrays = encoder_arrays(EncoderFiles(bytes(graph.tobytes()), tuple(vocabulary), dict(spec)))
    metadata = {"kind": ENCODER_FILE_KIND, "labels": [], "blocks": [], "heads": {}, SPEC: dict(spec)}
    return write_model(path, arrays, with_format(arrays, metadata))


def read_encoder(path: str | Path) -> EncoderFiles:
    """The encoder of an encoder file or of a model that has one (such as the bundled accurate model)."""
    return encoder_of(read_model(path))
