"""The sentence encoder (real MiniLM-L6 graph of the bundled accurate model, on onnxruntime)."""

from __future__ import annotations

import pickle
import sys
import threading

import numpy as np
import pytest

from lmclassify.embeddings.encoder import EncoderFiles, SentenceEncoder, embeddings_available, onnxruntime_module
from lmclassify.errors import MissingExtraError, ModelError

TEXTS = ["Plan the budget for next year.", "Inspire the team.", "Lead is a metal.", "Track spending weekly."]


@pytest.fixture(scope="module")
def files() -> EncoderFiles:
    from lmclassify.model.encoder import read_encoder
    from lmclassify.resources import bundled_model_path

    return read_encoder(bundled_model_path("accurate"))


@pytest.fixture()
def encoder(files) -> SentenceEncoder:
    pytest.importorskip("onnxruntime")
    return SentenceEncoder(files, "bundled")


def test_without_onnxruntime_the_error_gives_the_install_command(monkeypatch, files):
    monkeypatch.setitem(sys.modules, "onnxruntime", None)
    assert not embeddings_available()
    with pytest.raises(MissingExtraError, match=r'pip install "lmclassify\[embeddings\]"'):
        onnxruntime_module()
    with pytest.raises(MissingExtraError, match="onnxruntime"):
        SentenceEncoder(files).embed(["Plan the budget."])


def test_embeddings_are_unit_vectors_of_the_encoders_dimension(encoder):
    vectors = encoder.embed(TEXTS)
    assert vectors.shape == (4, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert encoder.embed([]).shape == (0, 384)


def test_a_text_gets_the_same_vector_alone_as_among_others(files, encoder):
    together = encoder.embed(TEXTS * 3)
    alone = np.stack([SentenceEncoder(files).embed([text])[0] for text in TEXTS])
    assert np.array_equal(together[:4], alone) and np.array_equal(together[4:8], alone)


def test_similar_sentences_are_closer_than_unrelated_ones(encoder):
    budget, forecast, metal = encoder.embed(["Prepare the annual budget.", "Draw up next year's budget.", TEXTS[2]])
    assert budget @ forecast > budget @ metal + 0.2


def test_repeated_texts_are_encoded_once(encoder, monkeypatch):
    encoder.embed(TEXTS)
    calls = []
    monkeypatch.setattr(encoder, "_encode_one", lambda session, ids: calls.append(ids))
    encoder.embed(TEXTS[::-1])
    assert calls == []


def test_a_pickled_encoder_keeps_its_cache_and_gives_the_same_vectors(encoder):
    vectors = encoder.embed(TEXTS)
    copy = pickle.loads(pickle.dumps(encoder))
    assert copy._session is None and np.array_equal(copy.embed(TEXTS), vectors)
    assert copy._session is None  # served from the cache it carried
    assert np.array_equal(copy.embed(["A sentence it has not seen."]), encoder.embed(["A sentence it has not seen."]))


def test_threads_sharing_one_encoder_get_what_one_thread_gets(files, encoder):
    texts = [f"Review the rota for ward {n} before the weekend." for n in range(40)]
    expected = SentenceEncoder(files).embed(texts)
    results: list[np.ndarray] = [np.empty(0)] * 4

    def run(slot: int) -> None:
        results[slot] = encoder.embed(texts)

    threads = [threading.Thread(target=run, args=(slot,)) for slot in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(np.array_equal(result, expected) for result in results)


def test_bytes_that_are_no_onnx_graph_are_refused_when_loaded_naming_the_source(files):
    broken = EncoderFiles(b"not an onnx graph", files.vocabulary, files.spec)
    with pytest.raises(ModelError, match=r"my-model\.npz: the encoder graph is not an ONNX model"):
        SentenceEncoder(broken, "my-model.npz")


def test_a_well_formed_graph_onnxruntime_cannot_run_is_refused_naming_the_source(files):
    pytest.importorskip("onnxruntime")
    empty_graph = EncoderFiles(bytes([0x3A, 0x00]), files.vocabulary, files.spec)
    with pytest.raises(ModelError, match=r"my-model\.npz: the encoder graph cannot be run"):
        SentenceEncoder(empty_graph, "my-model.npz").embed(["Plan it."])


def test_incomplete_settings_are_refused(files):
    with pytest.raises(ModelError, match="settings are incomplete"):
        SentenceEncoder(EncoderFiles(files.graph, files.vocabulary, {"name": "x"}))
    with pytest.raises(ModelError, match="pooling"):
        SentenceEncoder(EncoderFiles(files.graph, files.vocabulary, {**files.spec, "pooling": "cls"}))
