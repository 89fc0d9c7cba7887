"""Reading your own labelled rows: only text,label needed, ids and splits filled in deterministically, every
problem of every file reported at once with its file and line."""

from __future__ import annotations

import logging

import pandas as pd
import pytest

from lmclassify.corpus.codebook import FUNCTIONS
from lmclassify.errors import ArgumentError, CorpusError
from lmclassify.io.atomic import sha256_of
from lmclassify.training.additions import TEST_SHARE, generated_id, read_additions


def _write(path, rows, columns=("text", "label")):
    pd.DataFrame(rows, columns=list(columns)).to_csv(path, index=False)
    return path


def _labelled(corpus, n_per_label, seed=0):
    return pd.concat(group.sample(n_per_label, random_state=seed) for _, group in corpus.groupby("label"))


def test_a_file_with_only_text_and_label_gets_ids_splits_and_functions(tmp_path, corpus):
    rows = _labelled(corpus, 12)
    path = _write(tmp_path / "team-labels.csv", rows[["text", "label"]])
    additions = read_additions([path])
    added = additions.rows
    assert len(added) == len(rows) and added["text"].tolist() == rows["text"].tolist()
    assert added["id"].tolist() == [generated_id("team-labels", text) for text in rows["text"]]
    assert added["id"].str.fullmatch(r"team-labels:[0-9a-f]{10}").all() and added["id"].is_unique
    assert set(added["split"]) == {"train", "test"}
    neither = added["label"] == "neither"
    assert (added.loc[neither, "function"] == "none").all()
    assert added.loc[~neither, "function"].isna().all()
    assert added["line"].tolist() == list(range(2, len(rows) + 2))
    assert additions.files == [{"path": "team-labels.csv", "sha256": sha256_of(path), "rows": len(rows)}]


def test_the_generated_split_is_stratified_and_the_same_in_any_row_order(tmp_path, corpus):
    rows = _labelled(corpus, 23)[["text", "label"]]
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = read_additions([_write(tmp_path / "a" / "mine.csv", rows)])
    again = read_additions([tmp_path / "a" / "mine.csv"]).rows
    shuffled = read_additions([_write(tmp_path / "b" / "mine.csv", rows.sample(frac=1, random_state=3))]).rows
    assert first.rows[["id", "split"]].equals(again[["id", "split"]])
    by_text = dict(zip(first.rows["text"], zip(first.rows["id"], first.rows["split"])))
    assert dict(zip(shuffled["text"], zip(shuffled["id"], shuffled["split"]))) == by_text
    counts = first.rows.groupby("label")["split"].value_counts()
    for label in ("management", "leadership", "neither"):
        assert counts[(label, "test")] == int(23 * TEST_SHARE)


def test_adding_a_row_moves_at_most_one_other_row_between_splits(tmp_path, corpus):
    rows = corpus[corpus["label"] == "management"].sample(31, random_state=2)[["text", "label"]]
    before = read_additions([_write(tmp_path / "before.csv", rows.iloc[:30])]).rows
    after = read_additions([_write(tmp_path / "after.csv", rows)]).rows
    moved = (before.set_index("text")["split"] != after.set_index("text")["split"].loc[before["text"]]).sum()
    assert moved <= 1


def test_given_functions_ids_and_splits_are_kept_and_blank_cells_filled(tmp_path):
    rows = [
        ("m-1", "Book the agency nurses for the night shifts.", "management", "staffing", "test"),
        ("", "Cap overtime spending at last year's level.", "management", "", ""),
        ("l-1", "Tell the team why the clinic must change how it works.", "leadership", "direction", "train"),
        ("", "The canal was dug in the 1790s.", "neither", "", "test"),
    ]
    path = _write(tmp_path / "given.csv", rows, ("id", "text", "label", "function", "split"))
    added = read_additions([path]).rows
    assert added["id"].tolist()[::2] == ["m-1", "l-1"]
    assert added["id"].iloc[1] == generated_id("given", rows[1][1])
    assert added["function"].tolist() == ["staffing", None, "direction", "none"]
    assert added["split"].tolist()[0::2] == ["test", "train"] and added["split"].iloc[3] == "test"
    assert added["split"].iloc[1] in ("train", "test")


def test_every_problem_of_every_file_is_reported_with_file_and_line(tmp_path):
    bad = _write(
        tmp_path / "bad.csv",
        [
            ("Plan the rota.", "management", "planning", "train"),
            ("Inspire them.", "boss", "", ""),
            ("  ", "neither", "", ""),
            ("Set the vision for 2030.", "leadership", "budgeting", ""),
            ("Hire two welders.", "management", "hiring", ""),
            ("The pier is long.", "neither", "", "holdout"),
        ],
        ("text", "label", "function", "split"),
    )
    worse = _write(tmp_path / "worse.csv", [("Plan it.", "management"), ("plan  IT.", "management")])
    good = _write(tmp_path / "good.csv", [("Agree the budget.", "management")])
    with pytest.raises(CorpusError) as raised:
        read_additions([good, bad, worse])
    message = str(raised.value)
    assert f"{bad}: 4 problem(s) found" in message and f"{worse}: 1 problem(s) found" in message
    assert str(good) not in message
    assert "unknown label(s) ['boss'] in line 3" in message
    assert "empty text in line 4" in message
    assert "function does not belong to the row's label in lines 5, 6" in message
    assert ", ".join(FUNCTIONS["management"]) in message
    assert "split must be train or test, not ['holdout'] in line 7" in message
    assert "duplicate texts (ignoring case and spacing) in lines 2, 3" in message
    assert "duplicate id" not in message  # the generated ids of repeated texts are not a second problem


def test_a_text_or_an_id_in_two_files_is_an_error_naming_both(tmp_path):
    first = _write(
        tmp_path / "first.csv",
        [("x1", "Plan the rota.", "management"), ("x2", "Lead.", "leadership")],
        ("id", "text", "label"),
    )
    second = _write(
        tmp_path / "second.csv",
        [("y1", "Lead more.", "leadership"), ("x2", "PLAN the rota.", "management")],
        ("id", "text", "label"),
    )
    with pytest.raises(CorpusError) as raised:
        read_additions([first, second])
    message = str(raised.value)
    assert "--add files share texts (ignoring case and spacing): first.csv line 2 and second.csv line 3" in message
    assert "--add files share ids: first.csv line 3 and second.csv line 3" in message


def test_missing_columns_empty_files_and_missing_files_are_reported(tmp_path):
    with pytest.raises(CorpusError, match="missing column"):
        read_additions([_write(tmp_path / "nolabel.csv", [("Plan it.",)], ("text",))])
    (tmp_path / "header.csv").write_text("text,label\n")
    with pytest.raises(CorpusError, match=r"(?s)header.csv: 1 problem.*no data rows"):
        read_additions([tmp_path / "header.csv"])
    with pytest.raises(CorpusError, match="no such file"):
        read_additions([tmp_path / "absent.csv"])


def test_one_label_is_enough_and_unknown_columns_are_ignored(tmp_path, caplog):
    path = _write(tmp_path / "notes.csv", [("Plan the rota.", "management", "Ann")], ("text", "label", "coder"))
    with caplog.at_level(logging.INFO, logger="lmclassify"):
        added = read_additions([path]).rows
    assert "coder" not in added.columns and len(added) == 1
    assert "ignored column(s) coder" in caplog.text


def test_the_same_file_twice_is_refused(tmp_path):
    path = _write(tmp_path / "mine.csv", [("Plan the rota.", "management")])
    with pytest.raises(ArgumentError, match="more than once"):
        read_additions([path, tmp_path / "." / "mine.csv"])
