"""load_model: files, and the bundled models by name."""

from __future__ import annotations

import sys

import pytest

from lmclassify import MissingExtraError, load_model
from lmclassify.errors import BundledFileError
from lmclassify.resources import bundled_model_path


def test_the_default_model_loads_by_name_as_by_path():
    by_name = load_model("default")
    assert by_name.source == str(bundled_model_path("default"))
    assert by_name.classify("Plan the budget.") == load_model(bundled_model_path("default")).classify(
        "Plan the budget."
    )


def test_the_accurate_model_without_the_extra_names_the_install_command(monkeypatch):
    monkeypatch.setitem(sys.modules, "onnxruntime", None)
    with pytest.raises(MissingExtraError, match=r'pip install "lmclassify\[embeddings\]"'):
        load_model("accurate")
    with pytest.raises(MissingExtraError):  # a copy of it, loaded by path, says the same
        load_model(bundled_model_path("accurate"))


def test_an_unknown_bundled_name_lists_the_bundled_models():
    with pytest.raises(BundledFileError, match=r"\['default', 'accurate'\]"):
        bundled_model_path("fastest")


def test_the_accurate_model_is_checked_against_its_recorded_sha256(monkeypatch):
    pytest.importorskip("onnxruntime")
    from lmclassify import ModelError
    from lmclassify.model import format as model_format

    monkeypatch.setattr(model_format, "bundled_model_sha256", lambda name: "0" * 64)
    with pytest.raises(ModelError, match=r"accurate\.npz: the file does not have its recorded SHA-256"):
        load_model("accurate")
