"""The bundled corpus and challenge set meet the datasheet's promises; bad files are refused clearly."""

from __future__ import annotations

import pytest

from lmclassify.corpus.codebook import FUNCTIONS, LABELS, NO_FUNCTION, has_cue
from lmclassify.corpus.load import (
    CORPUS_COLUMNS,
    load_challenge_set,
    load_corpus,
    normalise_text,
    read_labelled_csv,
)
from lmclassify.errors import CorpusError


def test_schema_and_size(corpus):
    assert tuple(corpus.columns) == CORPUS_COLUMNS
    assert len(corpus) >= 3000
    assert corpus["id"].is_unique


def test_labels_functions_and_balance(corpus):
    assert set(corpus["label"]) == set(LABELS)
    shares = corpus["label"].value_counts(normalize=True)
    assert (shares >= 0.25).all(), shares
    for label, functions in FUNCTIONS.items():
        rows = corpus[corpus["label"] == label]
        assert set(rows["function"]) == (set(functions) or {NO_FUNCTION})
    counts = corpus.loc[corpus["label"] != "neither", "function"].value_counts()
    assert counts.min() >= 150, counts


def test_breadth_of_domains_and_registers(corpus):
    assert corpus["domain"].nunique() >= 12
    assert corpus["register"].nunique() >= 10


def test_no_duplicates_ignoring_case_and_spacing(corpus):
    assert not corpus["text"].map(normalise_text).duplicated().any()


def test_split_is_stratified_and_about_a_fifth(corpus):
    test_share = (corpus["split"] == "test").mean()
    assert 0.18 <= test_share <= 0.22
    by_label = corpus.groupby("label")["split"].apply(lambda s: (s == "test").mean())
    assert (by_label.between(0.17, 0.23)).all(), by_label


def test_cue_free_share_is_between_20_and_50_percent(corpus):
    """Enough units whose orientation comes from meaning, but not so many that the cue words stop being typical."""
    oriented = corpus[corpus["label"] != "neither"]
    cue_free = [not has_cue(text, label) for text, label in zip(oriented["text"], oriented["label"])]
    assert 0.20 <= sum(cue_free) / len(cue_free) <= 0.50


def test_neither_includes_words_used_in_other_senses(corpus):
    neither = corpus.loc[corpus["label"] == "neither", "text"]
    other_sense = neither.map(lambda t: has_cue(t, "management") or has_cue(t, "leadership"))
    assert other_sense.mean() >= 0.2


def test_challenge_set_is_separate_from_the_corpus(corpus):
    challenge = load_challenge_set()
    assert len(challenge) >= 300
    assert not set(challenge["text"].map(normalise_text)) & set(corpus["text"].map(normalise_text))


def _write(tmp_path, content: bytes | str, name="data.csv"):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


def _valid_rows(n=10):
    return "".join(
        f"Plan shift {i} carefully.,management\nInspire crew {i}.,leadership\nTree {i} is tall.,neither\n"
        for i in range(n)
    )


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "empty"),
        ("text\nhello\n", "missing column(s) label"),
        ("text,label\n", "no data rows"),
        ("text,label\n" + _valid_rows() + "Something.,strategy\n", "unknown label(s) ['strategy'] in line 32"),
        ("text,label\n" + _valid_rows() + "   ,neither\n", "empty text in line 32"),
        ("text,label\n" + _valid_rows() + "Tree 3 is TALL. ,neither\n", "duplicate texts"),
        ("text,label\n" + _valid_rows(3), "too few examples"),
        ("id,text,label\n" + "".join(f"a,{t}\n" for t in _valid_rows().splitlines()), "duplicate id(s) ['a']"),
        (b"text,label\nCaf\xe9 costs,management\n", "not UTF-8"),
    ],
)
def test_bad_files_are_refused_with_the_problem_named(tmp_path, content, expected):
    with pytest.raises(CorpusError, match=None) as caught:
        read_labelled_csv(_write(tmp_path, content))
    assert expected in str(caught.value)
    assert "data.csv" in str(caught.value)


def _lines():
    return [line.rsplit(",", 1) for line in _valid_rows().splitlines()]


def test_function_must_belong_to_the_label(tmp_path):
    functions = {"management": "planning", "leadership": "culture", "neither": "none"}
    rows = [f"{text},{label},{functions[label]}" for text, label in _lines()]
    rows[0] = rows[0].replace("planning", "culture")
    with pytest.raises(CorpusError, match="function does not belong to the row's label in line 2"):
        read_labelled_csv(_write(tmp_path, "text,label,function\n" + "\n".join(rows) + "\n"))


def test_only_text_and_label_are_required_in_any_order(tmp_path):
    content = "label,text\n" + "".join(f"{label},{text}\n" for text, label in _lines())
    frame = load_corpus(_write(tmp_path, content))
    assert set(frame.columns) == {"text", "label"} and len(frame) == 30


# ------------------------------------------------------------------------------------------- whole documents
def _copy_documents(source, target):
    import shutil

    shutil.copytree(source, target)
    return target


def test_the_bundled_documents_are_valid_and_split_by_document():
    from lmclassify.corpus.load import load_documents

    documents = load_documents()
    assert len(documents) >= 150
    units = documents.units
    for row in units.sample(200, random_state=0).itertuples():
        assert documents.texts[row.doc_id][row.start : row.end] == row.text
    assert units.groupby("doc_id")["split"].nunique().max() == 1
    test_share = (documents.documents["split"] == "test").mean()
    assert 0.15 <= test_share <= 0.3
    assert set(documents.documents["variety"]) == {"uk", "us"}


def test_a_unit_whose_offsets_miss_its_text_is_refused(tmp_path, small_documents_dir):
    import pandas as pd

    from lmclassify.corpus.load import load_documents

    folder = _copy_documents(small_documents_dir, tmp_path / "docs")
    units = pd.read_csv(folder / "units.csv", dtype=str, keep_default_na=False)
    units.loc[3, "start"] = str(int(units.loc[3, "start"]) + 1)
    units.to_csv(folder / "units.csv", index=False)
    with pytest.raises(CorpusError, match=f"unit {units.loc[3, 'id']}: offsets"):
        load_documents(folder)


def test_a_missing_text_file_and_a_bad_split_are_named(tmp_path, small_documents_dir):
    import pandas as pd

    from lmclassify.corpus.load import load_documents

    folder = _copy_documents(small_documents_dir, tmp_path / "docs")
    table = pd.read_csv(folder / "documents.csv", dtype=str, keep_default_na=False)
    (folder / table.loc[0, "file"]).unlink()
    with pytest.raises(CorpusError, match="which is missing"):
        load_documents(folder)
    folder = _copy_documents(small_documents_dir, tmp_path / "docs2")
    table.loc[0, "split"] = "dev"
    table.to_csv(folder / "documents.csv", index=False)
    with pytest.raises(CorpusError, match="split must be train or test"):
        load_documents(folder)


def test_problems_are_named_by_their_line_in_the_file_as_batch_jobs_name_them(tmp_path):
    path = tmp_path / "labels.csv"
    path.write_text('text,label\n"Plan the budget,\nline by line.",management\n\nSomething.,strategy\n' + _valid_rows())
    with pytest.raises(CorpusError, match=r"unknown label\(s\) \['strategy'\] in line 5;"):
        read_labelled_csv(path)
