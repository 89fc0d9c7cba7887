"""Retraining: validation first, reproducible fits, metrics, and files that are never left half-written."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import REPO

from lmclassify import FUNCTIONS, LABELS, CorpusError, load_model
from lmclassify.features.config import FeatureConfig
from lmclassify.io.atomic import sha256_of
from lmclassify.training.train import DEFAULT_CONFIG, TrainingConfig, candidate_configs, cross_validate, train


def _existing_model(tmp_path: Path, small_model_dir: Path) -> tuple[Path, dict[str, bytes]]:
    """A models folder holding a copy of a trained model, and its files' bytes, to check they stay as they were."""
    out = tmp_path / "models"
    out.mkdir()
    for suffix in (".npz", ".json", ".joblib"):
        (out / f"default{suffix}").write_bytes((small_model_dir / f"default{suffix}").read_bytes())
    return out, {path.name: path.read_bytes() for path in out.iterdir()}


def test_training_writes_model_metadata_and_reference(small_model_dir, small_corpus_csv):
    for suffix in (".npz", ".json", ".joblib"):
        assert (small_model_dir / f"default{suffix}").is_file()
    metadata = json.loads((small_model_dir / "default.json").read_text())
    assert metadata["corpus"]["sha256"] == sha256_of(small_corpus_csv)
    assert metadata["labels"] == list(LABELS)
    assert metadata["hyperparameters"] == DEFAULT_CONFIG.to_dict() | {
        "features": {**DEFAULT_CONFIG.features.to_dict(), "word_ngrams": [1, 2], "char_ngrams": [2, 5]}
    }
    for key in ("sklearn_version", "numpy_version", "package_version", "created", "seed"):
        assert metadata[key] is not None
    test = metadata["metrics"]["test"]
    assert set(test["per_class"]) == set(LABELS) and len(test["confusion_matrix"]) == 3
    assert 0 <= test["macro_f1"] <= 1 and 0 <= test["ece"] <= 1
    assert metadata["compiled_max_difference"] <= 1e-9
    model = load_model(small_model_dir / "default.npz")
    assert model.metadata["metrics"] == metadata["metrics"]


def test_same_data_and_seed_give_identical_predictions(tmp_path, small_corpus_csv, small_model_dir, corpus):
    from lmclassify.cli.train import main

    assert main(["--data", str(small_corpus_csv), "--out", str(tmp_path), "--no-search", "--seed", "1"]) == 0
    texts = corpus["text"].tolist()[:300]
    first = load_model(small_model_dir / "default.npz").predict_proba(texts)
    second = load_model(tmp_path / "default.npz").predict_proba(texts)
    assert np.array_equal(first, second)


def test_cross_validation_compares_candidates_on_the_train_split(small_corpus_csv):
    import pandas as pd

    train = pd.read_csv(small_corpus_csv)
    train = train[train["split"] == "train"]
    configs = [TrainingConfig(features=FeatureConfig(word_ngrams=(1, 1), char_ngrams=None), C=c) for c in (1.0, 10.0)]
    results = cross_validate(train, configs, seed=0, folds=3, jobs=1)
    assert [r["config"] for r in results] == [c.describe() for c in configs]
    assert all(0 < r["macro_f1"] <= 1 for r in results)
    assert len(candidate_configs()) == 6 and DEFAULT_CONFIG in candidate_configs()


def _run_train(*args):
    return subprocess.run([sys.executable, "-m", "lmclassify.train", *args], capture_output=True, text=True)


def test_an_output_folder_that_cannot_be_written_is_found_before_training(tmp_path, small_corpus_csv):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the output folder should be")
    result = _run_train("--data", str(small_corpus_csv), "--out", str(blocked / "models"), "--no-search")
    assert result.returncode == 2
    assert "cannot be written there" in result.stderr and "Traceback" not in result.stderr
    assert "choose another output folder" in result.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("text,category\nx,y\n", "missing column(s) label"),
        ("text,label\nhello,boss\n", "unknown label(s) ['boss']"),
        ("", "the file is empty"),
        ("text,label\n" + "Plan it.,management\n" * 1 + " ,neither\n", "empty text in line 3"),
        ("id,text,label\n7,Plan it.,management\n7,Lead it.,leadership\n", "duplicate id(s) ['7'] in lines 2, 3"),
        ("text,label\n" + "".join(f"Plan step {i}.,management\n" for i in range(20)), "too few examples of leadership"),
        (b"text,label\nCaf\xe9 plan,management\n", "not UTF-8"),
        ("text,label\nLead them,leadership,extra\nPlan it.,management\n", "line 2 has 3 fields"),
        (
            "text,label,split\n"
            + "".join(f"Plan step {i}.,management,{'train' if i < 12 else 'test'}\n" for i in range(15))
            + "".join(f"Rivers number {i}.,neither,{'train' if i < 12 else 'test'}\n" for i in range(15))
            + "".join(f"Inspire group {i}.,leadership,{'train' if i < 3 else 'test'}\n" for i in range(12)),
            "too few examples of leadership (3 rows",
        ),
    ],
)
def test_bad_data_stops_cleanly_and_leaves_the_model_untouched(tmp_path, small_model_dir, content, message):
    out, before = _existing_model(tmp_path, small_model_dir)
    data = tmp_path / "bad.csv"
    data.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    result = _run_train("--data", str(data), "--out", str(out))
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr
    assert {path.name: path.read_bytes() for path in out.iterdir()} == before


@pytest.mark.slow
def test_a_killed_training_run_leaves_a_loadable_model(tmp_path, small_model_dir, small_corpus_csv):
    out = tmp_path / "models"
    out.mkdir()
    (out / "default.npz").write_bytes((small_model_dir / "default.npz").read_bytes())
    for delay in (0.5, 1.5, 3.0):
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "lmclassify.train",
                "--data",
                str(small_corpus_csv),
                "--out",
                str(out),
                "--no-search",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        assert load_model(out / "default.npz").classify("Agree next year's budget.").label in LABELS


@pytest.mark.slow
def test_whole_documents_train_calibrate_and_are_measured(tmp_path, small_corpus_csv, small_documents_dir):
    from lmclassify.cli.train import main
    from lmclassify.corpus.load import load_documents

    out = tmp_path / "model"
    args = ["--data", str(small_corpus_csv), "--documents", str(small_documents_dir), "--out", str(out)]
    assert main([*args, "--no-search"]) == 0
    metadata = json.loads((out / "default.json").read_text())
    documents = load_documents(small_documents_dir)
    assert metadata["documents"]["train_units"] == len(documents.split("train").units)
    assert metadata["documents"]["test_documents"] == len(documents.split("test"))
    assert "heading" in metadata["kind_offsets"]
    assert set(metadata["kind_offsets"]["heading"]) == set(LABELS)
    assert abs(sum(metadata["kind_offsets"]["heading"].values())) < 1e-5
    figures = metadata["metrics"]["test_documents"]
    assert figures["documents"] == len(documents.split("test"))
    assert figures["units"]["n"] == figures["end_to_end"]["n"] == len(documents.split("test").units)
    assert 0 < figures["segmentation"]["exact_span"] <= 1
    model = load_model(out / "default.npz")
    assert set(model.kind_offsets) == set(metadata["kind_offsets"])


def test_with_documents_groups_units_by_document(small_documents_dir, corpus):
    from lmclassify.corpus.load import load_documents
    from lmclassify.training.data import with_documents

    documents = load_documents(small_documents_dir)
    singles = corpus.head(50)
    frame = with_documents(singles, documents)
    assert len(frame) == 50 + len(documents.units)
    assert frame["group"].iloc[:50].nunique() == 50
    assert set(frame["group"].iloc[50:]) == set(documents.documents.index)
    assert (frame["kind"].iloc[:50] == "").all() and set(frame["kind"].iloc[50:]) <= {
        "heading",
        "lead_in",
        "list_item",
        "sentence",
    }


@pytest.mark.slow
def test_sigterm_stops_training_cleanly_and_leaves_the_model_as_it_was(tmp_path, small_model_dir, small_corpus_csv):
    out, before = _existing_model(tmp_path, small_model_dir)
    command = [sys.executable, "-m", "lmclassify.train", "--data", str(small_corpus_csv), "--out", str(out)]
    process = subprocess.Popen([*command, "--no-search"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None
    while "data:" not in process.stdout.readline():  # training has started: its progress is logged
        assert process.poll() is None, "training ended before it started"
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=60)
    if process.returncode == 0:
        pytest.skip("training finished before the signal arrived")
    assert process.returncode == 128 + signal.SIGTERM and "nothing was written" in err and "Traceback" not in err
    assert {path.name: path.read_bytes() for path in out.iterdir()} == before


# ------------------------------------------------------------------------------------ your own rows (--add)
def _tiny_base(corpus, path):
    """32 train and 8 test rows per label: a base that trains in seconds."""
    parts = [
        group.sample(32 if split == "train" else 8, random_state=0)
        for (_, split), group in corpus.groupby(["label", "split"])
    ]
    pd.concat(parts).to_csv(path, index=False)
    return pd.concat(parts)


def _random_labels(corpus, path):
    """60 corpus texts with labels dealt out at random (20 of each): nothing to learn."""
    rows = corpus.sample(60, random_state=4)[["text"]]
    rows["label"] = np.random.default_rng(0).permutation(list(LABELS) * 20)
    rows.to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def added(tmp_path_factory, corpus):
    """A model trained on a tiny base plus two files: one with text,label,function (a third of the functions
    blank), one with text,label only."""
    folder = tmp_path_factory.mktemp("added")
    base = _tiny_base(corpus, folder / "base.csv")
    rest = corpus[~corpus["id"].isin(base["id"])]
    first = rest.sample(45, random_state=1)[["text", "label", "function"]]
    first.loc[first.index[::3], "function"] = ""
    first.to_csv(folder / "team.csv", index=False)
    second = rest.drop(first.index).sample(15, random_state=2)[["text", "label"]]
    second.to_csv(folder / "more.csv", index=False)
    metadata = train(
        folder / "base.csv",
        folder / "model",
        search=False,
        documents=False,
        add=[folder / "team.csv", folder / "more.csv"],
        min_macro_f1=0.0,  # a base this small scores near the default floor; the floor has its own tests
    )
    return folder, metadata, first, second


def test_rows_with_only_text_and_label_train_and_partly_missing_functions_keep_the_function_heads(added):
    folder, metadata, first, second = added
    model = load_model(folder / "model" / "default.npz")
    assert {"function:management", "function:leadership"} <= set(model.heads)
    prediction = model.classify("Draw up next month's rota and cap overtime spending at budget.")
    assert prediction.label == "management" and prediction.function in FUNCTIONS["management"]
    assert metadata["corpus"]["rows"] == 120 + len(first) + len(second)


def test_the_model_records_the_added_rows_and_the_figures_without_and_with_them(added):
    folder, metadata, first, second = added
    rows = metadata["user_rows"]
    assert [file["path"] for file in rows["files"]] == ["team.csv", "more.csv"]
    assert rows["rows"] == rows["train_rows"] + rows["test_rows"] == len(first) + len(second)
    assert rows["replaced_rows"] == 0 and rows["replace"] is False
    for way in ("without", "with"):
        assert rows[way]["n"] == rows["rows"]
        assert 0.2 < rows[way]["accuracy"] <= 1 and 0.2 < rows[way]["macro_f1"] <= 1
    chosen = metadata["cross_validation"]["results"][0]["macro_f1"]
    assert rows["cv_macro_f1"] == round(chosen, 3) and metadata["quality_floor"]["cv_macro_f1"] == round(chosen, 4)
    assert json.loads((folder / "model" / "default.json").read_text())["user_rows"] == rows


def test_training_without_added_rows_still_scores_the_default_configuration(small_model_dir):
    metadata = json.loads((small_model_dir / "default.json").read_text())
    assert metadata["user_rows"] is None
    results = metadata["cross_validation"]["results"]
    assert len(results) == 1 and results[0]["config"] == DEFAULT_CONFIG.describe()
    assert metadata["quality_floor"] == {
        "min_macro_f1": 0.6,
        "cv_macro_f1": round(results[0]["macro_f1"], 4),
        "forced": False,
    }


def test_replace_trains_on_the_added_rows_alone(tmp_path, corpus):
    rows = corpus.groupby("label").sample(40, random_state=5)[["text", "label"]]
    rows.to_csv(tmp_path / "mine.csv", index=False)
    metadata = train(out=tmp_path / "model", search=False, add=[tmp_path / "mine.csv"], replace=True, min_macro_f1=0.0)
    assert metadata["corpus"] == {"path": None, "sha256": None, "rows": 120, "train_rows": 96, "test_rows": 24}
    assert metadata["documents"] is None and metadata["kind_offsets"] == {}
    assert metadata["user_rows"]["without"] is None and metadata["user_rows"]["with"]["n"] == 120
    assert "function:management" not in load_model(tmp_path / "model" / "default.npz").heads


def test_a_useless_model_is_refused_and_the_existing_model_is_left_as_it_was(tmp_path, corpus, small_model_dir):
    out, before = _existing_model(tmp_path, small_model_dir)
    with pytest.raises(CorpusError) as raised:
        train(_random_labels(corpus, tmp_path / "random.csv"), out, search=False, documents=False)
    message = str(raised.value)
    assert "cross-validated macro-F1 is 0." in message and "below the floor of 0.60" in message
    assert "Add more labelled rows" in message and "--force" in message
    assert {path.name: path.read_bytes() for path in out.iterdir()} == before


def test_the_python_train_is_importable_from_the_shim():
    from lmclassify.train import train as shim_train

    assert shim_train is train


@pytest.mark.slow
def test_rows_added_to_the_bundled_corpus_replace_its_repeated_texts(tmp_path, corpus):
    bundled = corpus.groupby("label").sample(2, random_state=6)
    flipped = {"management": "leadership", "leadership": "neither", "neither": "management"}
    rows = pd.DataFrame({"text": bundled["text"].str.upper(), "label": bundled["label"].map(flipped)})
    rows = pd.concat([rows, pd.read_csv(REPO / "examples" / "my-labels.csv")[["text", "label"]]])
    rows.to_csv(tmp_path / "mine.csv", index=False)
    metadata = train(out=tmp_path / "model", search=False, add=[tmp_path / "mine.csv"])
    assert metadata["user_rows"]["replaced_rows"] == 6 and metadata["user_rows"]["relabelled_rows"] == 6
    assert metadata["corpus"]["rows"] == len(corpus) - 6 + len(rows)
    assert metadata["documents"]["documents"] > 0
    assert metadata["user_rows"]["without"]["n"] == metadata["user_rows"]["with"]["n"] == len(rows)
