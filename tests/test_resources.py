"""Bundled files are found inside the installed package (or, in a source checkout, in data/ and models/)."""

from pathlib import Path

import pytest

import lmclassify
from lmclassify.resources import BUNDLED_MODELS, bundled_model_path, default_corpus_path, default_model_path

PACKAGE = Path(lmclassify.__file__).resolve().parent


def test_bundled_files_exist():
    assert default_model_path().is_file() and default_corpus_path().is_file()
    for name in BUNDLED_MODELS:
        assert bundled_model_path(name).is_file() and bundled_model_path(name).with_suffix(".json").is_file()


def test_an_installed_package_reads_its_own_copies():
    if "site-packages" not in str(PACKAGE):
        pytest.skip("running from a source checkout, which reads the top-level data/ and models/ folders")
    assert default_model_path().parent == PACKAGE / "models"
    assert bundled_model_path("accurate").parent == PACKAGE / "models"
    assert default_corpus_path().parent == PACKAGE / "data"
