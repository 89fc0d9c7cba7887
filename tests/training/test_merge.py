"""Adding your rows to the base data: a repeated text is replaced and counted, every row gets a split, ids do
not clash, and --replace uses the files alone."""

from __future__ import annotations

import logging

import pandas as pd
import pytest

from lmclassify.errors import ArgumentError, CorpusError
from lmclassify.training.additions import read_additions
from lmclassify.training.merge import merge_additions, training_data, user_rows


def _write(path, rows, columns=("text", "label")):
    pd.DataFrame(rows, columns=list(columns)).to_csv(path, index=False)
    return path


@pytest.fixture
def base(corpus):
    return corpus.groupby("label").head(15).reset_index(drop=True)


def test_a_row_that_repeats_a_base_text_replaces_it_and_is_counted(tmp_path, base, caplog):
    first, second, third = base.iloc[0], base.iloc[1], base.iloc[20]
    relabelled = "leadership" if first["label"] != "leadership" else "management"
    rows = [
        (first["text"].upper(), relabelled),
        ("  " + second["text"] + " ", second["label"]),
        (third["text"], third["label"]),
        ("Book cover for the Saturday shift.", "management"),
    ]
    additions = read_additions([_write(tmp_path / "mine.csv", rows)])
    with caplog.at_level(logging.INFO, logger="lmclassify"):
        merged, summary = merge_additions(base, additions, seed=0)
    assert len(merged) == len(base) + 1
    assert summary["replaced_rows"] == 3 and summary["relabelled_rows"] == 1 and summary["rows"] == 4
    assert "3 added row(s) repeat a text of the base data" in caplog.text and "(1 with another label)" in caplog.text
    assert not merged["id"].isin([first["id"], second["id"], third["id"]]).any()
    mine = merged[user_rows(merged)]
    assert mine["text"].tolist() == [text for text, _ in rows] and mine["label"].iloc[0] == relabelled
    assert (merged.loc[~user_rows(merged), "user_file"] == "").all() and set(mine["user_file"]) == {"mine.csv"}
    assert summary["train_rows"] + summary["test_rows"] == 4 and not summary["replace"]


def test_base_rows_without_a_split_get_one_and_added_splits_are_kept(tmp_path, base):
    additions = read_additions(
        [
            _write(
                tmp_path / "mine.csv", [("Book cover for Saturday.", "management", "test")], ("text", "label", "split")
            )
        ]
    )
    merged, _ = merge_additions(base.drop(columns="split"), additions, seed=0)
    assert set(merged["split"]) == {"train", "test"} and merged["split"].iloc[-1] == "test"
    assert merged["split"].iloc[:-1].value_counts()["test"] == round(0.2 * len(base))


def test_an_added_row_may_not_take_a_base_id(tmp_path, base):
    path = _write(tmp_path / "mine.csv", [(base["id"].iloc[3], "Book cover.", "management")], ("id", "text", "label"))
    with pytest.raises(CorpusError, match=rf"mine.csv line 2 \(id '{base['id'].iloc[3]}'\)"):
        merge_additions(base, read_additions([path]), seed=0)


def test_without_any_function_the_merged_rows_have_no_function_column(tmp_path, base):
    rows = [(f"Plan step {i}.", label) for i, label in enumerate(["management", "leadership", "neither"] * 10)]
    additions = read_additions([_write(tmp_path / "mine.csv", rows)])
    merged, _ = merge_additions(None, additions, seed=0)
    assert "function" not in merged.columns
    merged, _ = merge_additions(base, additions, seed=0)
    assert merged.loc[user_rows(merged) & (merged["label"] == "management"), "function"].isna().all()
    assert merged.loc[~user_rows(merged), "function"].notna().all()


def test_replace_needs_enough_rows_of_every_label(tmp_path):
    rows = [(f"Plan step {i}.", "management") for i in range(12)] + [(f"Lead {i}.", "leadership") for i in range(4)]
    additions = read_additions([_write(tmp_path / "few.csv", rows)])
    with pytest.raises(CorpusError, match=r"few.csv: without the base data .*leadership \(4\), neither \(0\)"):
        merge_additions(None, additions, seed=0)


def test_replace_takes_files_only(tmp_path, small_corpus_csv):
    path = _write(tmp_path / "mine.csv", [("Plan it.", "management")])
    with pytest.raises(ArgumentError, match="give at least one --add file"):
        training_data(None, [], replace=True, documents=None, seed=0)
    with pytest.raises(ArgumentError, match="no --data and no --documents"):
        training_data(small_corpus_csv, [path], replace=True, documents=None, seed=0)
    with pytest.raises(ArgumentError, match="no --data and no --documents"):
        training_data(None, [path], replace=True, documents=tmp_path, seed=0)
    frame, base_path, summary = training_data(small_corpus_csv, [], replace=False, documents=None, seed=0)
    assert base_path == small_corpus_csv and summary is None and "user_file" not in frame.columns
