"""Hostile or damaged model files are refused with a ModelError naming the file, cheaply: before large
allocations, without running code, and without a traceback from deep inside numpy, json or re."""

from __future__ import annotations

import io
import json
import resource
import zipfile

import numpy as np
import pytest

from lmclassify import ModelError, load_model
from lmclassify.model import format as model_format
from lmclassify.model.format import METADATA_KEY, arrays_checksum, read_model, write_model
from lmclassify.resources import default_model_path
from lmclassify.runtime.scorer import extension_available


@pytest.fixture(scope="module")
def bundled():
    model = read_model(default_model_path())
    return dict(model.arrays), json.loads(json.dumps(model.metadata))


def _write(tmp_path, arrays, metadata, name="crafted.npz"):
    """A model file with a valid checksum over whatever arrays and metadata it is given."""
    return write_model(tmp_path / name, arrays, {**metadata, "arrays_sha256": arrays_checksum(arrays)})


def _npy_entry(shape: tuple[int, ...], dtype: str, data: bytes = b"") -> bytes:
    buffer = io.BytesIO()
    header = {"descr": np.dtype(dtype).str, "fortran_order": False, "shape": shape}
    np.lib.format.write_array_header_1_0(buffer, header)
    return buffer.getvalue() + data


def _zip(tmp_path, entries: dict[str, bytes], compression=zipfile.ZIP_STORED, name="crafted.npz"):
    path = tmp_path / name
    with zipfile.ZipFile(path, "w", compression=compression) as archive:
        for member, data in entries.items():
            archive.writestr(member, data)
    return path


def _refused(path, match: str) -> None:
    with pytest.raises(ModelError, match=match) as caught:
        load_model(path)
    assert str(path) in str(caught.value)


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def test_a_header_claiming_a_huge_array_is_refused_before_allocating(tmp_path):
    before = _peak_rss_mb()
    metadata = np.frombuffer(b"{}", dtype=np.uint8)
    path = _zip(
        tmp_path,
        {
            "metadata.npy": _npy_entry(metadata.shape, "u1", metadata.tobytes()),
            "weights.npy": _npy_entry((10**6, 10**5), "<f8", b"\0" * 64),
        },
    )
    _refused(path, "declares shape")
    assert _peak_rss_mb() - before < 200


def test_a_zip_bomb_is_refused_by_its_declared_size(tmp_path, monkeypatch):
    monkeypatch.setattr(model_format, "MAX_ARRAY_BYTES", 1 << 20)
    zeros = _npy_entry((1 << 19,), "<f8", b"\0" * (8 << 19))  # 4 MB that compress to a few KB
    metadata = np.frombuffer(b"{}", dtype=np.uint8)
    entries = {"metadata.npy": _npy_entry(metadata.shape, "u1", metadata.tobytes()), "weights.npy": zeros}
    path = _zip(tmp_path, entries, compression=zipfile.ZIP_DEFLATED)
    assert path.stat().st_size < 100_000
    _refused(path, "would take")


def test_too_many_entries_are_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(model_format, "MAX_ARRAYS", 3)
    metadata = np.frombuffer(b"{}", dtype=np.uint8)
    entries = {"metadata.npy": _npy_entry(metadata.shape, "u1", metadata.tobytes())}
    entries.update({f"block{i}_idf.npy": _npy_entry((1,), "<f8", b"\0" * 8) for i in range(4)})
    _refused(_zip(tmp_path, entries), "entries")


@pytest.mark.parametrize(
    ("member", "entry", "match"),
    [
        ("metadata.npy", _npy_entry((), "<i8", (2_900_000_000).to_bytes(8, "little")), "1-D uint8"),
        ("weights.npy", _npy_entry((2, 2), "<i8", b"\0" * 32), "floats"),
        ("block0_columns.npy", _npy_entry((2,), "<f8", b"\0" * 16), "integers"),
        ("payload.npy", _npy_entry((1,), "<f8", b"\0" * 8), "unexpected entry"),
        ("weights.npy", b"not an array at all", "not a numpy array"),
    ],
)
def test_entries_of_the_wrong_kind_are_refused(tmp_path, bundled, member, entry, match):
    _, metadata = bundled
    buffer = io.BytesIO()
    np.savez(buffer, metadata=np.frombuffer(json.dumps(metadata).encode(), dtype=np.uint8))
    entries = {"metadata.npy": zipfile.ZipFile(buffer).read("metadata.npy"), member: entry}
    _refused(_zip(tmp_path, entries), match)


def test_an_object_array_is_refused_without_unpickling(tmp_path):
    buffer = io.BytesIO()
    np.save(buffer, np.array([{"a": 1}], dtype=object), allow_pickle=True)
    metadata = np.frombuffer(b"{}", dtype=np.uint8)
    entries = {"metadata.npy": _npy_entry(metadata.shape, "u1", metadata.tobytes()), "weights.npy": buffer.getvalue()}
    _refused(_zip(tmp_path, entries), "Python objects")


@pytest.mark.parametrize(
    ("metadata_bytes", "match"),
    [
        (b"[1, 2, 3]", "not a JSON object"),
        (b"[" * 100_000 + b"]" * 100_000, "unreadable"),
        (b"\xff\xfe", "unreadable"),
    ],
)
def test_unreadable_metadata_is_refused(tmp_path, metadata_bytes, match):
    arrays = {"metadata": np.frombuffer(metadata_bytes, dtype=np.uint8)}
    path = tmp_path / "crafted.npz"
    np.savez(path, **arrays)
    _refused(path, match)


def _changed(metadata, change):
    copy = json.loads(json.dumps(metadata))
    change(copy)
    return copy


@pytest.mark.parametrize(
    ("change", "match"),
    [
        (lambda m: m["blocks"][0].update(token_pattern=r"(a+)+$"), "token pattern"),
        (lambda m: m["blocks"][0].update(ngram_range=[1, 1e9]), "n-gram range"),
        (lambda m: m["blocks"][0].update(ngram_range=[1, 1_000_000_000]), "n-gram range"),
        (lambda m: m["blocks"][1].update(analyzer="char"), "unknown analyzer"),
        (lambda m: m["blocks"][0].update(weight=float("nan")), "weight"),
        (lambda m: m["heads"]["label"].update(temperature=0.0), "temperature"),
        (lambda m: m["heads"]["label"].update(temperature=-1.0), "temperature"),
        (lambda m: m.update(labels=["management", "management", "neither"]), "labels"),
        (lambda m: m.update(labels=["management", "leadership"]), "labels"),
        (lambda m: m.update(blocks={"a": 1}), "invalid"),
        (lambda m: m.update(heads=[1, 2]), "invalid"),
        (lambda m: m["heads"]["label"].update(columns=[0, 10**12]), "columns"),
        (lambda m: m.pop("heads"), "invalid"),
    ],
)
def test_metadata_values_a_trained_model_never_has_are_refused(tmp_path, bundled, change, match):
    arrays, metadata = bundled
    _refused(_write(tmp_path, arrays, _changed(metadata, change)), match)


@pytest.mark.parametrize("name", ["weights", "intercepts", "block0_idf"])
@pytest.mark.parametrize("value", [float("nan"), float("inf")])
def test_non_finite_numbers_are_refused(tmp_path, bundled, name, value):
    arrays, metadata = bundled
    arrays = dict(arrays)
    arrays[name] = arrays[name].copy()
    arrays[name].flat[0] = value
    _refused(_write(tmp_path, arrays, metadata), "not finite")


def test_a_scorer_whose_init_failed_refuses_to_score_instead_of_crashing():
    if not extension_available():
        pytest.skip("the C extension is not in use")
    from lmclassify.runtime import _fastscore

    scorer = _fastscore.Scorer.__new__(_fastscore.Scorer)
    with pytest.raises(ValueError):
        scorer.__init__([], np.ones(1), np.zeros((1, 3)), np.zeros(3), [(0, 3, 1.0)])  # no feature blocks
    with pytest.raises(RuntimeError, match="not initialised"):
        scorer.probabilities("Plan the budget.")
    with pytest.raises(RuntimeError, match="not initialised"):
        scorer.score_into(["Plan the budget."], 0, 1, np.empty((1, 13)))
    never = _fastscore.Scorer.__new__(_fastscore.Scorer)
    with pytest.raises(RuntimeError, match="not initialised"):
        never.probabilities("x")


def test_the_bundled_model_still_loads_and_a_round_trip_too(tmp_path, bundled):
    arrays, metadata = bundled
    assert load_model(_write(tmp_path, arrays, metadata)).classify("Plan the budget.").label == "management"
    assert METADATA_KEY not in arrays


def test_altered_metadata_fails_its_checksum(tmp_path, bundled):
    arrays, metadata = bundled
    path = _write(tmp_path, arrays, metadata)
    with np.load(path, allow_pickle=False) as archive:
        entries = {name: archive[name] for name in archive.files}
    altered = json.loads(entries.pop("metadata").tobytes())
    altered["kind_offsets"]["heading"]["neither"] += 1.0  # changes predictions, arrays untouched
    entries["metadata"] = np.frombuffer(json.dumps(altered, sort_keys=True).encode(), dtype=np.uint8)
    np.savez(tmp_path / "altered.npz", **entries)
    _refused(tmp_path / "altered.npz", "metadata checksum")


def test_every_written_model_carries_a_metadata_checksum(tmp_path, bundled):
    arrays, metadata = bundled
    written = read_model(_write(tmp_path, arrays, metadata)).metadata
    assert written["metadata_sha256"] == model_format.metadata_checksum(written)
    assert read_model(default_model_path()).metadata["metadata_sha256"]
