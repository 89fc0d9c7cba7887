"""Shared fixtures: a small labelled sample of the bundled corpus and a model trained on it."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest

from lmclassify.corpus.load import load_corpus

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
    from lmclassify.cli.train import main

    out = tmp_path_factory.mktemp("model")
    assert main(["--data", str(small_corpus_csv), "--out", str(out), "--no-search", "--seed", "1"]) == 0
    return out


@pytest.fixture(scope="session")
def small_documents_dir(tmp_path_factory) -> Path:
    """A copy of 16 of the bundled whole documents (12 train, 4 test), in the bundled layout."""
    import shutil

    from lmclassify.corpus.load import load_documents

    documents = load_documents()
    chosen = list(documents.documents.index[documents.documents["split"] == "train"][::7][:12])
    chosen += list(documents.documents.index[documents.documents["split"] == "test"][::5][:4])
    out = tmp_path_factory.mktemp("documents")
    (out / "texts").mkdir()
    source = REPO / "data" / "documents"
    table = pd.read_csv(source / "documents.csv", dtype=str, keep_default_na=False)
    table[table["doc_id"].isin(chosen)].to_csv(out / "documents.csv", index=False)
    units = pd.read_csv(source / "units.csv", dtype=str, keep_default_na=False)
    units[units["doc_id"].isin(chosen)].to_csv(out / "units.csv", index=False)
    for file in table.loc[table["doc_id"].isin(chosen), "file"]:
        shutil.copy(source / file, out / file)
    return out
