"""Comparing documents: rows agree with analyze(), folders, metadata matching, groups, unreadable files, atomic
streamed CSV output, and memory that does not grow with the number of documents."""

from __future__ import annotations

import csv
import io
import json
import math
import tracemalloc
from pathlib import Path

import pandas as pd
import pytest

import lmclassify
from lmclassify import FUNCTIONS, LABELS, ArgumentError, DataFileError, analyze, default_model
from lmclassify.documents.compare import compare_documents, compare_to_csv, iter_profiles
from lmclassify.documents.compare_groups import GROUP_COLUMNS, MISSING_GROUP
from lmclassify.documents.compare_inputs import find_documents, read_metadata
from lmclassify.documents.compare_profile import FUNCTION_NAMES, profile_columns
from lmclassify.documents.compare_result import Comparison

LETTER = """# Letter to shareholders

This year we cut costs by 3.5% and tracked spending against the budget every week. I want every one of you to
feel proud of what we are building together!

Our priorities for next year:
- Hire 40 engineers for the Leeds site
- Agree the capital budget by Jan. 31
- Inspire each other to try bold ideas

The old mill on the river dates from 1887.
"""
ADVERT = "Join our team\n\nYou will plan the weekly rota and manage the budget. You will inspire new starters.\n"
HISTORY = "The museum opened in 1891. Its tower is 40 metres tall.\n"
TEXTS = {"2021/letter.md": LETTER, "2022/advert.txt": ADVERT, "history.txt": HISTORY}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "docs"
    for name, text in TEXTS.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def _metadata(path: Path, rows: list[dict[str, str]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_each_row_agrees_with_analyze_of_the_same_text(folder):
    rows = {row["file"]: row for row in iter_profiles(default_model(), folder)}
    assert list(rows) == ["2021/letter.md", "2022/advert.txt", "history.txt"]
    for name, text in TEXTS.items():
        row, report = rows[name], analyze(text)
        units = report.units
        content = units[units["kind"].isin(["list_item", "sentence"])]
        assert row["units"] == len(units)
        for kind, column in (("heading", "headings"), ("lead_in", "lead_ins"), ("list_item", "list_items")):
            assert row[column] == int((units["kind"] == kind).sum())
        assert row["sentences"] == int((units["kind"] == "sentence").sum())
        assert row["content_units"] == len(content) == row["list_items"] + row["sentences"]
        assert row["words"] == int(report.profile["words"].sum())
        for label in LABELS:
            assert row[f"{label}_units"] == report.profile.loc[label, "sentences"]
            assert row[f"{label}_unit_share"] == pytest.approx(report.profile.loc[label, "sentence_share"])
            assert row[f"{label}_words"] == report.profile.loc[label, "words"]
            assert row[f"{label}_word_share"] == pytest.approx(report.profile.loc[label, "word_share"])
        assert row["mean_confidence"] == pytest.approx(content["confidence"].mean())
        with_function = content["function"].dropna()
        assert row["function_units"] == len(with_function)
        for function in FUNCTION_NAMES:
            expected = (with_function == function).sum() / len(with_function) if len(with_function) else 0.0
            assert row[f"{function}_function_share"] == pytest.approx(expected)
        assert row["error"] == ""
    assert rows["2021/letter.md"]["headings"] >= 1 and rows["2021/letter.md"]["list_items"] == 3
    assert rows["2021/letter.md"]["lead_ins"] == 1


def test_top_functions_names_the_most_frequent_with_their_shares(folder):
    row = next(r for r in iter_profiles(default_model(), folder) if r["file"] == "2021/letter.md")
    listed = [part.rsplit(" ", 1) for part in row["top_functions"].split("; ")]
    assert 1 <= len(listed) <= 3
    shares = [row[f"{name}_function_share"] for name, _ in listed]
    assert shares == sorted(shares, reverse=True)
    assert all(f"{share:.0%}" == text for share, (_, text) in zip(shares, listed))
    others = [row[f"{f}_function_share"] for f in FUNCTION_NAMES if f not in dict(listed)]
    assert max(others, default=0) <= min(shares)


def test_function_columns_cover_every_kotter_function():
    columns = profile_columns()
    for label in ("management", "leadership"):
        for function in FUNCTIONS[label]:
            assert f"{function}_function_share" in columns
    assert len(set(columns)) == len(columns)


def test_a_folder_is_read_recursively_in_sorted_order_and_only_text_documents(tmp_path):
    for name in ("b.txt", "a/z.md", "a/y.TEXT", "c.markdown", "skip.csv", "skip.pdf", ".hidden.txt", ".git/x.txt"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("Plan the budget.", encoding="utf-8")
    assert [d.name for d in find_documents(tmp_path)] == ["a/y.TEXT", "a/z.md", "b.txt", "c.markdown"]
    assert [d.name for d in find_documents([str(tmp_path)])] == ["a/y.TEXT", "a/z.md", "b.txt", "c.markdown"]
    several = find_documents([tmp_path / "a", tmp_path / "b.txt"])
    assert [d.name for d in several] == [f"{tmp_path / 'a'}/y.TEXT", f"{tmp_path / 'a'}/z.md", str(tmp_path / "b.txt")]


def test_nothing_to_compare_and_a_document_named_twice_are_refused(tmp_path):
    (tmp_path / "notes.csv").write_text("a,b\n", encoding="utf-8")
    with pytest.raises(ArgumentError, match=r"no \.txt"):
        find_documents(tmp_path)
    with pytest.raises(ArgumentError, match="more than once"):
        find_documents([tmp_path / "a.txt", tmp_path / "a.txt"])
    with pytest.raises(ArgumentError, match="no documents"):
        find_documents([])
    with pytest.raises(TypeError, match="int"):
        find_documents([3])  # type: ignore[list-item]


def test_unreadable_files_get_an_error_row_and_the_others_are_still_compared(folder, tmp_path):
    (folder / "latin1.txt").write_bytes("Caf\xe9 budget.".encode("latin-1"))
    (folder / "binary.md").write_bytes(b"PK\x03\x04\x00\x00 zipped")
    files = [folder / "history.txt", folder / "latin1.txt", tmp_path / "missing.txt", folder / "binary.md"]
    files.append(tmp_path / "report.pdf")
    rows = list(iter_profiles(default_model(), files))
    assert [row["file"] for row in rows] == [str(path) for path in files]
    good, *bad = rows
    assert good["error"] == "" and good["content_units"] == 2
    problems = [row["error"] for row in bad]
    assert "not UTF-8" in problems[0] and "no such file" in problems[1] and "NUL" in problems[2]
    assert "not a text document" in problems[3]
    for row in bad:
        assert row["units"] == row["words"] == row["content_units"] == 0 and row["top_functions"] == ""
        assert all(math.isnan(row[f"{label}_word_share"]) for label in LABELS) and math.isnan(row["mean_confidence"])
        assert not row["error"].startswith(str(tmp_path))  # the file is in its own column


def test_metadata_rows_match_by_name_by_path_from_the_csv_and_by_unique_file_name(folder, tmp_path):
    meta = _metadata(
        tmp_path / "meta.csv",
        [
            {"file": "2021/letter.md", "year": "2021", "sector": "retail"},  # the document's name
            {"file": "docs/2022/advert.txt", "year": "2022", "sector": "health"},  # relative to the CSV's folder
            {"file": "elsewhere/history.txt", "year": "1891", "sector": ""},  # the file name alone
            {"file": "gone.txt", "year": "2020", "sector": "retail"},
        ],
    )
    table = read_metadata(meta, find_documents(folder))
    assert table.columns == ("year", "sector")
    assert table.values == {
        "2021/letter.md": ("2021", "retail"),
        "2022/advert.txt": ("2022", "health"),
        "history.txt": ("1891", ""),
    }
    assert table.matched_by == {"name": 1, "path": 1, "file name": 1}
    assert table.unmatched_rows == ("gone.txt",) and table.unmatched_documents == ()
    rows = list(iter_profiles(default_model(), folder, metadata=meta))
    assert [(r["year"], r["sector"]) for r in rows] == [("2021", "retail"), ("2022", "health"), ("1891", "")]
    assert list(rows[0])[:5] == ["file", "folder", "year", "sector", "error"]


def test_a_file_name_shared_by_two_documents_is_not_guessed(tmp_path):
    for name in ("a/letter.txt", "b/letter.txt"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("Plan the budget.", encoding="utf-8")
    meta = _metadata(tmp_path / "meta.csv", [{"file": "letter.txt", "year": "2020"}])
    table = read_metadata(meta, find_documents(tmp_path))
    assert table.values == {} and table.unmatched_rows == ("letter.txt",)
    assert table.unmatched_documents == ("a/letter.txt", "b/letter.txt")
    assert table.row("a/letter.txt") == ("",)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("name,year\na.txt,2020\n", "no 'file' column"),
        ("", "empty"),
        ("file,year\n2021/letter.md,2020\n2021/letter.md,2021\n", "both describe 2021/letter.md"),
        ("file,year,year\nx.txt,1,2\n", "unique"),
        ("file,year\nx.txt\n", "line 2 has 1 fields"),
        ("file,words\nx.txt,1\n", "words clash with the profile's columns"),
    ],
)
def test_unusable_metadata_is_refused_naming_the_problem(folder, tmp_path, content, message):
    meta = tmp_path / "meta.csv"
    meta.write_text(content, encoding="utf-8")
    with pytest.raises(DataFileError, match=message):
        compare_documents(default_model(), folder, metadata=meta)


def test_metadata_that_is_missing_or_not_utf8_is_refused(folder, tmp_path):
    with pytest.raises(DataFileError, match="no such metadata file"):
        compare_documents(default_model(), folder, metadata=tmp_path / "nope.csv")
    (tmp_path / "latin1.csv").write_bytes("file,town\nhistory.txt,K\xf6ln\n".encode("latin-1"))
    with pytest.raises(DataFileError, match="not UTF-8"):
        compare_documents(default_model(), folder, metadata=tmp_path / "latin1.csv")


def test_grouping_by_a_metadata_column_sums_the_profiles(folder, tmp_path):
    meta = _metadata(
        tmp_path / "meta.csv",
        [
            {"file": "2021/letter.md", "sector": "retail"},
            {"file": "2022/advert.txt", "sector": "retail"},
            {"file": "history.txt", "sector": ""},
        ],
    )
    (folder / "broken.txt").write_bytes(b"\xff\xfe")
    comparison = compare_documents(default_model(), folder, metadata=meta, group_by="sector")
    groups, profiles = comparison.groups, comparison.profiles
    assert list(groups.columns) == list(GROUP_COLUMNS) and groups.index.name == "sector"
    assert list(groups.index) == ["retail", MISSING_GROUP]  # the unmatched broken.txt has no sector either
    retail = profiles[profiles["sector"] == "retail"]
    assert groups.loc["retail", "documents"] == 2 and groups.loc[MISSING_GROUP, "documents"] == 2
    assert groups.loc[MISSING_GROUP, "unreadable"] == 1
    assert groups.loc["retail", "words"] == retail["words"].sum()
    for label in LABELS:
        pooled = retail[f"{label}_words"].sum() / retail["words"].sum()
        assert groups.loc["retail", f"pooled_{label}_word_share"] == pytest.approx(pooled)
        mean = retail[f"{label}_word_share"].mean()
        assert groups.loc["retail", f"mean_{label}_word_share"] == pytest.approx(mean)
    confidence = (retail["mean_confidence"] * retail["content_units"]).sum() / retail["content_units"].sum()
    assert groups.loc["retail", "mean_confidence"] == pytest.approx(confidence)
    functions = [groups.loc["retail", f"{f}_function_share"] for f in FUNCTION_NAMES]
    assert sum(functions) == pytest.approx(1.0)
    assert comparison.metadata.unmatched_documents == ("broken.txt",)


def test_grouping_by_folder_needs_no_metadata_and_groups_sort_numbers_first(folder):
    comparison = compare_documents(default_model(), folder, group_by="folder")
    assert list(comparison.groups.index) == ["2021", "2022", "."]
    assert comparison.groups["documents"].tolist() == [1, 1, 1]
    as_json = json.loads(json.dumps(comparison.to_dict()))
    assert [group["folder"] for group in as_json["groups"]] == ["2021", "2022", "."]


def test_a_progress_bar_is_drawn_when_asked_and_erased_at_the_end(folder):
    stream = io.StringIO()
    compare_documents(default_model(), folder, progress=True, progress_stream=stream)
    drawn = stream.getvalue()
    assert "%" in drawn and "documents" in drawn and drawn.endswith("\r")
    quiet = io.StringIO()
    compare_documents(default_model(), folder, progress_stream=quiet)
    assert quiet.getvalue() == ""


def test_an_unknown_group_column_is_refused_naming_those_there_are(folder, tmp_path):
    meta = _metadata(tmp_path / "meta.csv", [{"file": "history.txt", "year": "1891", "sector": "museum"}])
    with pytest.raises(ArgumentError, match=r"'region'.*year, sector, folder"):
        compare_documents(default_model(), folder, metadata=meta, group_by="region")
    with pytest.raises(ArgumentError, match=r"'year'.*folder.*metadata CSV"):
        compare_documents(default_model(), folder, group_by="year")


def test_the_python_api_compares_with_the_default_model(folder):
    comparison = lmclassify.compare(folder)
    assert isinstance(comparison, Comparison) and comparison.groups is None and len(comparison) == 3
    assert comparison.model["name"] == default_model().metadata["name"]
    assert comparison.model["version"] == default_model().metadata["package_version"]
    assert list(comparison.profiles.columns) == list(profile_columns())
    assert comparison.profiles["words"].dtype == "int64" and comparison.profiles["mean_confidence"].dtype == float
    as_dict = comparison.to_dict()
    assert [row["file"] for row in as_dict["profiles"]] == comparison.profiles["file"].tolist()
    assert repr(comparison) == "Comparison(3 documents, 0 unreadable)"


def test_unreadable_files_are_logged_as_warnings(folder, caplog):
    (folder / "bad.txt").write_bytes(b"\xff")
    comparison = lmclassify.compare(folder)
    assert comparison.errors["file"].tolist() == ["bad.txt"]
    assert any("bad.txt" in record.getMessage() and record.levelname == "WARNING" for record in caplog.records)


def test_the_streamed_csv_is_what_the_comparison_writes(folder, tmp_path):
    (folder / "bad.txt").write_bytes(b"\xff")
    meta = _metadata(tmp_path / "meta.csv", [{"file": "history.txt", "year": "1891"}])
    errors: list[tuple[str, str]] = []
    summary = compare_to_csv(
        default_model(), folder, tmp_path / "out.csv", metadata=meta, on_error=lambda *e: errors.append(e)
    )
    assert summary.documents == 4 and summary.unreadable == 1
    assert errors and errors[0][0] == "bad.txt" and "not UTF-8" in errors[0][1]
    comparison = compare_documents(default_model(), folder, metadata=meta)
    comparison.to_csv(tmp_path / "again.csv")
    assert (tmp_path / "out.csv").read_bytes() == (tmp_path / "again.csv").read_bytes()
    read = pd.read_csv(tmp_path / "out.csv", dtype={"year": str}, keep_default_na=False)
    assert read["file"].tolist() == comparison.profiles["file"].tolist()
    assert read.loc[read["file"] == "bad.txt", "management_word_share"].tolist() == [""]
    assert "compared 4 documents" in summary.report() and "1 could not be read" in summary.report()
    assert "3 documents have no row" in summary.report()


def test_a_failed_run_leaves_no_output_and_no_temporary_file(folder, tmp_path, monkeypatch):
    out = tmp_path / "out.csv"
    out.write_text("previous\n", encoding="utf-8")
    import lmclassify.documents.compare as module

    real = module.profile_row
    calls = []

    def failing(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(module, "profile_row", failing)
    with pytest.raises(KeyboardInterrupt):
        compare_to_csv(default_model(), folder, out, html=tmp_path / "report.html")
    assert out.read_text(encoding="utf-8") == "previous\n"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["docs", "out.csv"]


@pytest.mark.parametrize(
    ("output", "html", "message"),
    [("out.txt", None, "name the output file .csv"), ("out.csv", "r.pdf", "name it .html"), ("m.csv", None, "meta")],
)
def test_outputs_that_would_be_wrong_are_refused_before_anything_runs(folder, tmp_path, output, html, message):
    meta = _metadata(tmp_path / "m.csv", [{"file": "history.txt", "year": "1891"}])
    with pytest.raises(ArgumentError, match=message):
        compare_to_csv(
            default_model(), folder, tmp_path / output, metadata=meta, html=None if html is None else tmp_path / html
        )
    assert sorted(path.name for path in tmp_path.iterdir()) == ["docs", "m.csv"]


@pytest.mark.slow
def test_memory_does_not_grow_with_the_number_of_documents(tmp_path, monkeypatch):
    import lmclassify.documents.compare as module

    texts = [LETTER, ADVERT, HISTORY]
    for count in (200, 2000):
        for number in range(count):
            path = tmp_path / f"n{count}" / f"{number // 100:03d}" / f"doc{number:05d}.md"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(texts[number % 3], encoding="utf-8")
    compare_to_csv(default_model(), tmp_path / "n200", tmp_path / "warm.csv")  # first-use caches, outside the count
    held: list[int] = []  # memory in use after each document
    real = module.profile_row

    def measured(*args, **kwargs):
        row = real(*args, **kwargs)
        held.append(tracemalloc.get_traced_memory()[0])
        return row

    monkeypatch.setattr(module, "profile_row", measured)
    peaks = {}
    for count in (200, 2000):
        held.clear()
        tracemalloc.start()
        try:
            compare_to_csv(default_model(), tmp_path / f"n{count}", tmp_path / f"out{count}.csv")
            peaks[count] = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert len((tmp_path / "out2000.csv").read_text(encoding="utf-8").splitlines()) == 2001
    # Ten times the documents: only the list of their names grows (a few hundred bytes each); keeping the rows
    # (about 3 KB each) or the reports (tens of KB each) would add megabytes.
    assert peaks[2000] - peaks[200] < 2_000_000, peaks
    per_document = (held[-1] - held[199]) / (len(held) - 200)
    assert per_document < 1000, per_document
