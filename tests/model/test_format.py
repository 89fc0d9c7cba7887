"""Model files are read safely: pickles, truncation, tampering and other versions are refused by name."""

from __future__ import annotations

import json
import pickle
import shutil

import numpy as np
import pytest

from lmclassify import ModelError, load_model
from lmclassify.model.format import METADATA_KEY, read_model, write_model
from lmclassify.resources import default_model_path


@pytest.fixture(scope="module")
def model():
    return load_model(default_model_path())


# ------------------------------------------------------------------------------------------ model files
class _Exploit:
    def __reduce__(self):
        import os

        return (os.system, ("touch /tmp/lmclassify-pwned",))


@pytest.mark.parametrize("suffix", [".npz", ".joblib", ".pkl", ""])
def test_a_pickle_is_refused_and_never_executed(tmp_path, suffix):
    marker = tmp_path / "pwned"
    payload = pickle.dumps(_Exploit()).replace(b"/tmp/lmclassify-pwned", str(marker).encode())
    path = tmp_path / f"model{suffix}"
    path.write_bytes(payload)
    with pytest.raises(ModelError, match="pickle") as caught:
        load_model(path)
    assert str(path) in str(caught.value)
    assert not marker.exists()


def test_a_truncated_file_is_refused(tmp_path):
    data = default_model_path().read_bytes()
    path = tmp_path / "cut.npz"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ModelError, match=r"cut\.npz"):
        load_model(path)


def test_a_corrupted_array_fails_the_checksum(tmp_path):
    with np.load(default_model_path(), allow_pickle=False) as archive:
        arrays = {name: archive[name] for name in archive.files}
    metadata = json.loads(bytes(arrays.pop(METADATA_KEY)))
    arrays["intercepts"] = arrays["intercepts"] + 1.0
    path = write_model(tmp_path / "tampered.npz", arrays, metadata)
    with pytest.raises(ModelError, match="checksum"):
        load_model(path)


def test_a_model_from_an_incompatible_version_says_so(tmp_path):
    with np.load(default_model_path(), allow_pickle=False) as archive:
        arrays = {name: archive[name] for name in archive.files}
    metadata = json.loads(bytes(arrays.pop(METADATA_KEY)))
    metadata.update(format_version=99, package_version="9.0.0")
    path = write_model(tmp_path / "future.npz", arrays, metadata)
    with pytest.raises(ModelError, match=r"written by lmclassify 9\.0\.0 .*Retrain"):
        load_model(path)


def test_wrong_kind_of_file_and_missing_file(tmp_path):
    text_file = tmp_path / "notes.npz"
    text_file.write_text("not a model")
    with pytest.raises(ModelError, match="not an lmclassify model"):
        load_model(text_file)
    np.savez(tmp_path / "other.npz", a=np.arange(3))
    with pytest.raises(ModelError, match="no 'metadata' entry"):
        load_model(tmp_path / "other.npz")
    with pytest.raises(ModelError, match="no such model file"):
        load_model(tmp_path / "absent.npz")


def test_a_copied_model_loads_from_any_path(tmp_path):
    copy = shutil.copy(default_model_path(), tmp_path / "mine.npz")
    assert load_model(copy).classify("Budget for two new hires.").label == "management"


def test_reading_and_writing_round_trip_the_arrays_and_metadata(tmp_path):
    original = read_model(default_model_path())
    path = write_model(tmp_path / "copy.npz", original.arrays, original.metadata)
    copy = read_model(path)
    assert copy.metadata == original.metadata and copy.source == str(path)
    assert all(np.array_equal(copy.arrays[name], original.arrays[name]) for name in original.arrays)
