"""The accurate tier from the command line: ``--model accurate`` everywhere, and ``train --embeddings``."""

from __future__ import annotations

import importlib.util
import json
import sys

import pandas as pd
import pytest

from lmclassify.cli.text import main as text_main
from lmclassify.cli.train import main as train_main


def test_without_the_extra_the_cli_names_the_install_command(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "onnxruntime", None)
    monkeypatch.setattr("lmclassify.cache._models", {})
    assert text_main(["--model", "accurate", "Plan the budget."]) == 1
    assert 'pip install "lmclassify[embeddings]"' in capsys.readouterr().err


def test_encoder_without_embeddings_is_refused(capsys):
    with pytest.raises(SystemExit) as stopped:
        train_main(["--encoder", "x.npz"])
    assert stopped.value.code == 2 and "add --embeddings" in capsys.readouterr().err


def test_an_encoder_file_that_is_not_one_stops_training_before_any_fitting(tmp_path, small_corpus_csv, capsys):
    bad = tmp_path / "encoder.npz"
    bad.write_bytes(b"PK\x03\x04 not really")
    out = tmp_path / "models"
    code = train_main(["--data", str(small_corpus_csv), "--embeddings", "--encoder", str(bad), "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2 and f"--encoder {bad}" in err and "nothing was written" in err
    assert not out.exists() or not any(out.iterdir())


needs_onnxruntime = pytest.mark.skipif(
    importlib.util.find_spec("onnxruntime") is None, reason="needs the embeddings extra"
)


@needs_onnxruntime
def test_text_command_with_the_accurate_model(capsys):
    assert text_main(["--json", "--model", "accurate", "Give people a reason to believe in the plan."]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["label"] == "leadership" and abs(sum(result["scores"].values()) - 1) < 1e-9


@needs_onnxruntime
def test_batch_classify_with_the_accurate_model_matches_the_library(tmp_path):
    from lmclassify import load_model
    from lmclassify.cli.classify import main as classify_main

    texts = ["Set the rota for next month.", "Paint a picture of the future.", "The river floods in spring.", ""]
    pd.DataFrame({"id": range(4), "text": texts}).to_csv(tmp_path / "in.csv", index=False)
    code = classify_main(
        ["--model", "accurate", "--input", str(tmp_path / "in.csv"), "--output", str(tmp_path / "o.csv")]
    )
    assert code == 0
    written = pd.read_csv(tmp_path / "o.csv")
    expected = load_model("accurate").classify(texts[:3])
    assert written["label"].tolist()[:3] == [p.label for p in expected] and pd.isna(written["label"][3])
    assert written["p_leadership"].tolist()[:3] == pytest.approx([p.scores["leadership"] for p in expected], abs=1e-12)


@needs_onnxruntime
@pytest.mark.slow
def test_train_with_embeddings_writes_an_accurate_model(tmp_path, small_corpus_csv):
    from lmclassify import load_model

    out = tmp_path / "models"
    assert train_main(["--data", str(small_corpus_csv), "--embeddings", "--no-search", "--out", str(out)]) == 0
    model = load_model(out / "accurate.npz")
    assert model.has_embeddings and model.metadata["tier"] == "accurate"
    assert model.metadata["hyperparameters"]["features"]["embedding_weight"] == 0.5
    assert model.metadata["compiled_max_difference"] <= 1e-9
    assert model.classify("Work out how many staff the night shift needs.").label == "management"
