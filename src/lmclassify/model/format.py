"""The compiled model format, read and written here and nowhere else.

A compiled model is one ``.npz`` archive (numpy's zip of arrays, read with ``allow_pickle=False``) holding:

- ``metadata``: UTF-8 JSON as a ``uint8`` array: ``format``, ``format_version``, ``labels``, ``blocks`` (one spec
  per feature block, see :mod:`lmclassify.features.blocks`), ``heads`` (per head its ``classes``, its
  ``columns`` of the weight matrix and its ``temperature``), ``arrays_sha256`` and training metadata;
- per block ``block<i>_terms`` (the vocabulary, ``\\n``-separated UTF-8), ``block<i>_idf`` and optionally
  ``block<i>_columns`` (the column of each term, when terms share columns);
- ``weights`` (features x outputs) and ``intercepts`` (outputs).

Two checksums travel inside the file: ``arrays_sha256`` over every array's name, dtype, shape and bytes, and
``metadata_sha256`` over the rest of the metadata, so a model is written and replaced in one atomic step and a
damaged one is refused. (Files written before ``metadata_sha256`` existed have only the first, and are read.)

>>> from lmclassify.resources import default_model_path
>>> model = read_model(default_model_path())
>>> model.metadata["format"], model.metadata["labels"]
('lmclassify-compiled-model', ['management', 'leadership', 'neither'])
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from lmclassify.errors import ModelError
from lmclassify.io.atomic import finish_replacing, sha256_of, write_atomically
from lmclassify.resources import BUNDLED_MODELS, bundled_model_path, bundled_model_sha256

FORMAT_NAME = "lmclassify-compiled-model"
FORMAT_VERSION = 1
METADATA_KEY = "metadata"


@dataclass(frozen=True)
class ModelFile:
    """The contents of a compiled model: its arrays, its metadata and where it came from."""

    arrays: Mapping[str, np.ndarray]
    metadata: Mapping[str, Any]
    source: str = "<memory>"


def arrays_checksum(arrays: Mapping[str, np.ndarray]) -> str:
    """SHA-256 over every array's name, dtype, shape and bytes, in name order.

    >>> len(arrays_checksum({"weights": np.zeros((2, 3))}))
    64
    """
    digest = hashlib.sha256()
    for name in sorted(arrays):
        array = np.ascontiguousarray(arrays[name])
        digest.update(f"{name}|{array.dtype.str}|{array.shape}|".encode())
        digest.update(array.tobytes())
    return digest.hexdigest()


def metadata_checksum(metadata: Mapping[str, Any]) -> str:
    """SHA-256 of the metadata as canonical JSON (sorted keys), leaving out ``metadata_sha256`` itself.

    >>> metadata_checksum({"b": 1, "a": [2.5]}) == metadata_checksum({"a": [2.5], "b": 1, "metadata_sha256": "x"})
    True
    """
    content = {key: value for key, value in metadata.items() if key != "metadata_sha256"}
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode("utf-8")).hexdigest()


def with_format(arrays: Mapping[str, np.ndarray], metadata: Mapping[str, Any]) -> dict[str, Any]:
    """``metadata`` completed with the format's name, version and the arrays' checksum."""
    return {
        **metadata,
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "arrays_sha256": arrays_checksum(arrays),
    }


def model_metadata_json(metadata: Mapping[str, Any]) -> str:
    """The metadata as a model file stores it: canonical JSON, with its checksum added."""
    return json.dumps({**metadata, "metadata_sha256": metadata_checksum(metadata)}, sort_keys=True)


def model_file_bytes(arrays: Mapping[str, np.ndarray], metadata: Mapping[str, Any]) -> bytes:
    """The bytes of a compiled model file holding ``arrays`` and ``metadata``."""
    payload = dict(arrays)
    payload[METADATA_KEY] = np.frombuffer(model_metadata_json(metadata).encode("utf-8"), dtype=np.uint8)
    buffer = io.BytesIO()
    np.savez(buffer, **payload)  # type: ignore[arg-type]
    return buffer.getvalue()


def write_model(path: str | Path, arrays: Mapping[str, np.ndarray], metadata: Mapping[str, Any]) -> Path:
    """Write a compiled model as one ``.npz`` file, atomically, with the metadata's checksum; return its path."""
    data = model_file_bytes(arrays, metadata)
    return write_atomically(path, lambda handle: handle.write(data))


#: Limits a model file must keep to; anything beyond them is refused before it is read into memory.
MAX_ARRAY_BYTES = 1 << 30  # one array, uncompressed
MAX_TOTAL_BYTES = 2 << 30  # all arrays together, uncompressed
MAX_METADATA_BYTES = 16 << 20
MAX_ARRAYS = 4096
#: The dtype kind each array must have ("u1": 1-D uint8 bytes, "f": floating point, "i": integer).
_ARRAY_KINDS = {
    "metadata": "u1",
    "weights": "f",
    "intercepts": "f",
    "encoder_graph": "u1",  # the accurate tier's encoder: lmclassify.model.encoder
    "encoder_vocabulary": "u1",
    "embedding_weights": "f",
}
_BLOCK_ARRAY_KINDS = {"terms": "u1", "idf": "f", "columns": "i"}


def _expected_kind(name: str) -> str | None:
    if name in _ARRAY_KINDS:
        return _ARRAY_KINDS[name]
    prefix, _, part = name.partition("_")
    if prefix.startswith("block") and prefix[5:].isdigit():
        return _BLOCK_ARRAY_KINDS.get(part)
    return None


def _check_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, path: Path) -> None:
    """Refuse one ``.npy`` member by its declared sizes and header alone, before any of its data is read."""
    name = info.filename[: -len(".npy")] if info.filename.endswith(".npy") else info.filename
    kind = _expected_kind(name)
    if kind is None:
        raise ModelError(f"{path}: unexpected entry {info.filename!r} in the model archive")
    if info.file_size > MAX_ARRAY_BYTES:
        raise ModelError(f"{path}: entry {name!r} would take {info.file_size:,} bytes (limit {MAX_ARRAY_BYTES:,})")
    with archive.open(info) as member:
        try:
            version = np.lib.format.read_magic(member)
            reader = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
            shape, _, dtype = reader(member)
        except (ValueError, OSError, EOFError) as error:
            raise ModelError(f"{path}: entry {name!r} is not a numpy array ({error})") from None
    if dtype.hasobject:
        raise ModelError(f"{path}: entry {name!r} holds Python objects, which are never loaded")
    if kind == "u1" and (dtype != np.uint8 or len(shape) != 1):
        raise ModelError(f"{path}: entry {name!r} must be a 1-D uint8 array, not {dtype} of shape {shape}")
    if kind in ("f", "i") and dtype.kind != kind:
        raise ModelError(f"{path}: entry {name!r} must hold {'floats' if kind == 'f' else 'integers'}, not {dtype}")
    if int(np.prod(shape, dtype=object)) * dtype.itemsize > info.file_size:
        raise ModelError(f"{path}: entry {name!r} declares shape {shape}, more than the entry holds")
    if name == "metadata" and info.file_size > MAX_METADATA_BYTES:
        raise ModelError(f"{path}: the metadata takes {info.file_size:,} bytes (limit {MAX_METADATA_BYTES:,})")


def _check_archive(path: Path) -> None:
    """Refuse an archive whose entries are too many, too large, or not the arrays a model holds."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            if f"{METADATA_KEY}.npy" not in {info.filename for info in members}:
                raise ModelError(f"{path}: not an lmclassify model: the archive has no {METADATA_KEY!r} entry")
            if len(members) > MAX_ARRAYS:
                raise ModelError(f"{path}: the archive has {len(members):,} entries (limit {MAX_ARRAYS:,})")
            total = sum(info.file_size for info in members)
            if total > MAX_TOTAL_BYTES:
                raise ModelError(f"{path}: the arrays would take {total:,} bytes (limit {MAX_TOTAL_BYTES:,})")
            for info in members:
                _check_member(archive, info, path)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as error:
        raise ModelError(f"{path}: the model file is truncated or corrupted ({error}); retrain or reinstall") from None


def _read_archive(path: Path) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    with open(path, "rb") as handle:
        head = handle.read(4)
    if head != b"PK\x03\x04":
        kind = "a pickle/joblib file, which can run code when loaded" if head[:1] == b"\x80" else "not a zip archive"
        raise ModelError(f"{path}: not an lmclassify model (.npz): the file is {kind}; it was not loaded")
    _check_archive(path)
    try:
        with np.load(path, allow_pickle=False) as archive:
            arrays = {name: archive[name] for name in archive.files}
    except (ValueError, OSError, zipfile.BadZipFile, EOFError, KeyError) as error:
        raise ModelError(f"{path}: the model file is truncated or corrupted ({error}); retrain or reinstall") from None
    if METADATA_KEY not in arrays:
        raise ModelError(f"{path}: not an lmclassify model: the archive has no {METADATA_KEY!r} entry")
    try:
        metadata = json.loads(arrays.pop(METADATA_KEY).tobytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        raise ModelError(f"{path}: the model's metadata is unreadable ({type(error).__name__}: {error})") from None
    if not isinstance(metadata, dict):
        raise ModelError(f"{path}: the model's metadata is not a JSON object")
    return arrays, metadata


def read_model(path: str | Path, *, expected_sha256: str | None = None) -> ModelFile:
    """Read and check a compiled model file; nothing in it is executed.

    Raises :class:`~lmclassify.errors.ModelError` naming the file and the cause when it is missing, not a model,
    truncated, corrupted, altered (``expected_sha256`` given and not matched) or of another format version.
    """
    path = Path(path)
    finish_replacing(path.parent, path.stem)  # a training run interrupted while it replaced this model's files
    if not path.is_file():
        raise ModelError(f"{path}: no such model file")
    if expected_sha256 is not None and sha256_of(path) != expected_sha256:
        raise ModelError(f"{path}: the file does not have its recorded SHA-256; it was altered or damaged, reinstall")
    arrays, metadata = _read_archive(path)
    if metadata.get("format") != FORMAT_NAME:
        raise ModelError(f"{path}: not an lmclassify model (format {metadata.get('format')!r})")
    written_by = metadata.get("package_version", "an unknown version")
    if metadata.get("format_version") != FORMAT_VERSION:
        raise ModelError(
            f"{path}: written by lmclassify {written_by} in model format {metadata.get('format_version')}; this "
            f"lmclassify reads format {FORMAT_VERSION}. Retrain it with `lmclassify train --data CSV --out DIR`"
        )
    if arrays_checksum(arrays) != metadata.get("arrays_sha256"):
        raise ModelError(f"{path}: checksum mismatch, the model file is corrupted; retrain or reinstall it")
    if "metadata_sha256" in metadata and metadata_checksum(metadata) != metadata["metadata_sha256"]:
        raise ModelError(f"{path}: metadata checksum mismatch, the model file is corrupted; retrain or reinstall it")
    return ModelFile(arrays, metadata, str(path))


def read_model_or_bundled(model: str | Path, *, expected_sha256: str | None = None) -> ModelFile:
    """:func:`read_model` of a model file, or of a bundled model by its name (``"default"``, ``"accurate"``),
    which must have the SHA-256 recorded beside it.

    >>> read_model_or_bundled("default").source == str(bundled_model_path("default"))
    True
    """
    if isinstance(model, str) and model in BUNDLED_MODELS:
        path = bundled_model_path(model)
        finish_replacing(path.parent, path.stem)  # a training run interrupted while it replaced it: before the SHA-256
        return read_model(path, expected_sha256=bundled_model_sha256(model))
    return read_model(model, expected_sha256=expected_sha256)
