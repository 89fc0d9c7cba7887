"""Module-level functions use the bundled default model, loaded once, lazily and thread-safely."""

from __future__ import annotations

import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import pandas as pd
import pytest

import lmclassify
from lmclassify import api, cache
from lmclassify.model import format as model_format


def test_public_api():
    for name in (
        "LABELS",
        "FUNCTIONS",
        "classify",
        "classify_frame",
        "load_model",
        "Classifier",
        "Prediction",
        "ModelError",
        "CorpusError",
        "explain",
        "analyze",
        "Explanation",
        "DocumentReport",
    ):
        assert hasattr(lmclassify, name)


def test_examples_from_the_readme():
    p = lmclassify.classify("Prepare the quarterly budget and track spending against it.")
    assert p.label == "management" and p.confidence > 0.5
    assert sorted(p.scores) == sorted(lmclassify.LABELS)
    batch = lmclassify.classify(["Rally everyone behind one shared purpose.", "Paris is in France."])
    assert [q.label for q in batch] == ["leadership", "neither"]


def test_classify_frame_uses_the_default_model():
    out = lmclassify.classify_frame(pd.DataFrame({"text": ["Schedule the audit for May."]}))
    assert out.loc[0, "label"] == "management"


def test_import_is_light_and_loads_no_model():
    code = (
        "import sys, lmclassify; from lmclassify import cache; "
        "print(cache.load_counts() == {}, 'pandas' in sys.modules, 'sklearn' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["True", "False", "False"]


def test_default_model_is_loaded_once_under_concurrency(monkeypatch):
    monkeypatch.setattr(cache, "_models", {})
    monkeypatch.setattr(cache, "_loads", cache.Counter())
    calls = []
    real_load = cache.load_model

    def counting_load(path, **options):
        calls.append(path)
        return real_load(path, **options)

    monkeypatch.setattr(cache, "load_model", counting_load)
    barrier = threading.Barrier(8)

    def load(_):
        barrier.wait()
        return api.default_model()

    with ThreadPoolExecutor(8) as pool:
        models = list(pool.map(load, range(8)))
    assert len(calls) == 1 and all(m is models[0] for m in models)


def test_eight_threads_agree_with_serial_results(corpus):
    texts = corpus["text"].tolist()[:400]
    serial = lmclassify.classify(texts)
    chunks = [texts[i::8] for i in range(8)]
    with ThreadPoolExecutor(8) as pool:
        parallel = list(pool.map(lmclassify.classify, chunks))
    for i, chunk in enumerate(parallel):
        assert chunk == serial[i::8]


def test_the_bundled_model_is_verified_by_checksum(monkeypatch):
    monkeypatch.setattr(cache, "_models", {})
    monkeypatch.setattr(cache, "_loads", cache.Counter())
    monkeypatch.setattr(model_format, "bundled_model_sha256", lambda name: "0" * 64)
    with pytest.raises(lmclassify.ModelError, match="SHA-256"):
        api.default_model()


def test_no_network_access_at_import_load_or_classify():
    code = """
import socket
def refuse(*args, **kwargs):
    raise AssertionError("network access attempted")
socket.socket = refuse
socket.create_connection = refuse
socket.getaddrinfo = refuse
import lmclassify, pandas as pd
lmclassify.classify("Agree the budget.")
lmclassify.classify(["Inspire people.", "A river."])
lmclassify.classify_frame(pd.DataFrame({"text": ["Plan the rota."]}))
lmclassify.load_model(lmclassify.resources.default_model_path())
print("offline ok")
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "offline ok"
