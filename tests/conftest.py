"""Shared fixtures: a small labelled sample of the bundled corpus and a model trained on it."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest

from lmclassify.corpus import load_corpus

REPO = Path(__file__).resolve().parents[1]


def installed_script(name: str) -> str:
    """A console script installed beside the running interpreter (works without an activated venv)."""
    return str(Path(sys.executable).with_name(name))


@pytest.fixture(scope="session")
def corpus() -> pd.DataFrame:
    return load_corpus()


@pytest.fixture(scope="session")
def small_corpus_csv(tmp_path_factory, corpus) -> Path:
    """About 40 rows per function from the bundled corpus, keeping its split column: quick to train on."""
    sample = corpus.groupby(["function", "split"], group_keys=False).head(20)
    path = tmp_path_factory.mktemp("data") / "small.csv"
    sample.to_csv(path, index=False)
    return path


@pytest.fixture(scope="session")
def small_model_dir(tmp_path_factory, small_corpus_csv) -> Path:
    """A model trained (without hyperparameter search) on the small corpus."""
    from lmclassify.train import main

    out = tmp_path_factory.mktemp("model")
    assert main(["--data", str(small_corpus_csv), "--out", str(out), "--no-search", "--seed", "1"]) == 0
    return out
