"""One model per file per process, loaded once even under concurrency; failures are not cached."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from lmclassify import ModelError, default_model
from lmclassify import cache as model_cache
from lmclassify.resources import default_model_path


@pytest.fixture
def empty_cache(monkeypatch):
    monkeypatch.setattr(model_cache, "_models", {})
    monkeypatch.setattr(model_cache, "_loads", model_cache.Counter())


def test_none_is_the_shared_default_model(empty_cache):
    assert model_cache.cached_model() is default_model()


def test_a_path_is_loaded_once_under_concurrency(empty_cache):
    path = str(default_model_path())
    barrier = threading.Barrier(6)

    def load(_):
        barrier.wait()
        return model_cache.cached_model(path)

    with ThreadPoolExecutor(6) as pool:
        models = list(pool.map(load, range(6)))
    assert all(model is models[0] for model in models)
    assert model_cache.load_counts() == {path: 1}
    assert models[0] is not default_model()  # a path is its own entry, even for the bundled file


def test_a_broken_file_raises_every_time_and_is_not_cached(empty_cache, tmp_path):
    bad = tmp_path / "model.npz"
    bad.write_bytes(b"junk")
    for _ in range(2):
        with pytest.raises(ModelError, match=r"model\.npz"):
            model_cache.cached_model(bad)
    assert model_cache.load_counts() == {}
