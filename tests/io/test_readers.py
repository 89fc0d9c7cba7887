"""Chunked readers and writers: formats by extension, values kept, bad records reported by line, never fatal."""

from __future__ import annotations

import io
import json
import math
import sys

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lmclassify.errors import DataFileError
from lmclassify.io.formats import file_format
from lmclassify.io.readers import Chunk, CsvReader, open_reader
from lmclassify.io.writers import cell_text, open_writer


def read_all(path, chunk_size=1000, **options) -> tuple[pd.DataFrame, list]:
    with open_reader(path, chunk_size=chunk_size, **options) as reader:
        chunks = list(reader)
    malformed = [(record.line, record.reason) for chunk in chunks for record in chunk.malformed]
    return pd.concat([chunk.frame for chunk in chunks], ignore_index=True), malformed


def written(kind: str, *frames: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    with open_writer(buffer, kind) as writer:
        for frame in frames:
            writer.write(frame)
    return buffer.getvalue()


# ------------------------------------------------------------------------------------------------ file formats
@pytest.mark.parametrize(
    ("name", "kind"), [("a.csv", "csv"), ("b.JSONL", "jsonl"), ("c.txt", "txt"), ("d.Parquet", "parquet")]
)
def test_format_comes_from_the_extension(name, kind):
    assert file_format(name) == kind


@pytest.mark.parametrize("name", ["report.xlsx", "data.json", "notes"])
def test_unsupported_extensions_are_named_with_the_supported_ones(name):
    with pytest.raises(DataFileError) as error:
        file_format(name)
    message = str(error.value)
    assert name in message and ".csv" in message and ".parquet" in message


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(DataFileError, match="no such file"):
        open_reader(tmp_path / "absent.csv")


# ------------------------------------------------------------------------------------------------------- CSV
def test_csv_cells_are_read_as_written_in_chunks(tmp_path):
    path = tmp_path / "in.csv"
    path.write_text('id,text,note\n007,"Plan, then act.",NA\n8,"Two\nlines",\n9,Third,x\n', encoding="utf-8")
    with open_reader(path, chunk_size=2) as reader:
        assert reader.columns == ["id", "text", "note"]
        chunks = list(reader)
    assert [len(chunk.frame) for chunk in chunks] == [2, 1]
    frame = pd.concat([chunk.frame for chunk in chunks], ignore_index=True)
    assert frame["id"].tolist() == ["007", "8", "9"]
    assert frame["text"].tolist() == ["Plan, then act.", "Two\nlines", "Third"]
    assert frame["note"].tolist() == ["NA", "", "x"]
    assert not any(chunk.malformed for chunk in chunks)


def test_csv_rows_with_wrong_field_counts_are_kept_and_reported_by_line(tmp_path):
    path = tmp_path / "in.csv"
    path.write_text('id,text\n1,"multi\nline"\n2,a,extra\n3\n\n4,fine\n', encoding="utf-8")
    frame, malformed = read_all(path)
    assert frame["id"].tolist() == ["1", "2", "3", "4"]
    assert malformed == [(4, "expected 2 fields, found 3"), (5, "expected 2 fields, found 1")]
    assert frame["text"].tolist() == ["multi\nline", "a,extra", "", "fine"]  # surplus fields kept, as CSV


def test_csv_lines_that_are_not_utf8_are_reported_and_reading_goes_on(tmp_path):
    path = tmp_path / "in.csv"
    path.write_bytes(b"\xef\xbb\xbfid,text\n1,caf\xe9\n2,ok\n")  # a BOM, then one Latin-1 line
    frame, malformed = read_all(path)
    assert list(frame.columns) == ["id", "text"]
    assert frame["text"].tolist() == ["caf\udce9", "ok"]  # the byte kept (surrogateescape), to be written back
    assert malformed == [(2, "not valid UTF-8")]


def test_an_oversized_csv_field_is_a_malformed_row_not_a_crash(tmp_path):
    path = tmp_path / "in.csv"
    path.write_text("id,text\n1," + "x" * 200_000 + "\n2,after\n", encoding="utf-8")
    frame, malformed = read_all(path)
    assert frame["id"].tolist()[-1] == "2" and frame["text"].tolist()[-1] == "after"
    assert len(malformed) == 1 and malformed[0][0] == 2 and "field" in malformed[0][1]


@pytest.mark.parametrize(
    ("content", "problem"),
    [("", "first line is empty"), ("id,id,text\n1,2,x\n", "more than once")],
)
def test_unusable_csv_headers_are_clear_errors(tmp_path, content, problem):
    path = tmp_path / "in.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DataFileError, match=problem):
        CsvReader(path, 10)


def test_a_header_only_file_gives_one_empty_chunk_with_its_columns(tmp_path):
    path = tmp_path / "in.csv"
    path.write_text("id,text\n", encoding="utf-8")
    with open_reader(path) as reader:
        chunks = list(reader)
    assert len(chunks) == 1 and list(chunks[0].frame.columns) == ["id", "text"] and chunks[0].frame.empty


def test_reading_is_lazy(tmp_path):
    path = tmp_path / "in.csv"
    path.write_text("text\n" + "".join(f"row {i}\n" for i in range(10_000)), encoding="utf-8")
    with open_reader(path, chunk_size=100) as reader:
        chunks = iter(reader)
        first = next(chunks)
        assert len(first.frame) == 100 and reader.progress() < 0.1 and first.position == reader.progress()
        positions = [chunk.position for chunk in chunks]
    assert positions == sorted(positions) and positions[-1] == 1.0


# ------------------------------------------------------------------------------------------------------ text
def test_text_lines_are_rows_in_the_named_column(tmp_path):
    path = tmp_path / "in.txt"
    path.write_bytes(b"first\r\n\nthird \xff\nlast")
    frame, malformed = read_all(path, text_column="body")
    assert list(frame.columns) == ["body"]
    assert frame["body"].tolist() == ["first", "", "third \udcff", "last"]
    assert malformed == [(3, "not valid UTF-8")]


# ----------------------------------------------------------------------------------------------------- JSONL
def test_jsonl_keys_are_collected_and_typed_over_the_whole_file(tmp_path):
    path = tmp_path / "in.jsonl"
    lines = [
        {"id": 1, "text": "a", "score": 1, "flag": True, "tags": ["x"]},
        {"id": 2, "text": None, "score": 2.5, "flag": False, "tags": {"k": 1}},
        {"id": 3, "text": "c", "late": "only here"},
    ]
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n\n", encoding="utf-8")
    frame, malformed = read_all(path, chunk_size=2)
    assert list(frame.columns) == ["id", "text", "score", "flag", "tags", "late"]
    assert malformed == []
    assert str(frame["id"].dtype) == "Int64" and frame["id"].tolist() == [1, 2, 3]
    assert frame["score"].dtype == "float64" and math.isnan(frame["score"][2])
    assert str(frame["flag"].dtype) == "boolean"
    assert frame["tags"].tolist()[:2] == [["x"], {"k": 1}]
    assert frame["late"].isna().tolist() == [True, True, False]


def test_malformed_jsonl_lines_are_kept_as_empty_rows_with_their_line_numbers(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text('{"text": "one"}\n{not json\n\n[1, 2]\n{"text": "five"}\n', encoding="utf-8")
    frame, malformed = read_all(path)
    assert len(frame) == 4
    assert frame["text"].tolist()[0] == "one" and frame["text"].tolist()[3] == "five"
    assert frame["text"].isna().tolist() == [False, True, True, False]
    assert [line for line, _ in malformed] == [2, 4]
    assert "not valid JSON" in malformed[0][1] and "found list" in malformed[1][1]


# --------------------------------------------------------------------------------------------------- Parquet
def test_parquet_is_read_in_batches_with_its_types(tmp_path):
    pytest.importorskip("pyarrow", reason="Parquet needs pyarrow (the parquet extra)")
    path = tmp_path / "in.parquet"
    source = pd.DataFrame({"id": pd.array([1, None, 3], dtype="Int64"), "text": ["a", None, "c"]})
    source.to_parquet(path)
    with open_reader(path, chunk_size=2) as reader:
        chunks = list(reader)
    assert [len(chunk.frame) for chunk in chunks] == [2, 1]
    frame = pd.concat([chunk.frame for chunk in chunks], ignore_index=True)
    assert str(frame["id"].dtype) == "int64[pyarrow]" and frame["id"].isna().tolist() == [False, True, False]
    assert frame["id"][2] == 3 and frame["text"][0] == "a" and pd.isna(frame["text"][1])


def test_parquet_without_pyarrow_says_how_to_install_it(tmp_path, monkeypatch):
    path = tmp_path / "in.parquet"
    path.write_bytes(b"PAR1")
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    with pytest.raises(ModuleNotFoundError, match=r"lmclassify\[parquet\]"):
        open_reader(path)
    with pytest.raises(ModuleNotFoundError, match=r"lmclassify\[parquet\]"):
        open_writer(io.BytesIO(), "parquet")


def test_a_file_that_is_not_parquet_is_a_clear_error(tmp_path):
    pytest.importorskip("pyarrow", reason="Parquet needs pyarrow (the parquet extra)")
    path = tmp_path / "in.parquet"
    path.write_text("id,text\n1,a\n")
    with pytest.raises(DataFileError, match="not a readable Parquet file"):
        open_reader(path)


# --------------------------------------------------------------------------------------------------- writers
def frame_of(**columns) -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series(values, dtype=object) for name, values in columns.items()})


def test_csv_writer_writes_the_header_once_and_quotes_where_needed():
    data = written("csv", frame_of(text=["a, b", 'say "hi"'], n=[1.5, None]), frame_of(text=["x\ny"], n=[2]))
    assert data.decode() == 'text,n\n"a, b",1.5\n"say ""hi""",\n"x\ny",2\n'


def test_carriage_returns_inside_cells_survive_a_csv_round_trip(tmp_path):
    texts = ["\r", "a\rb", "plain", "", "x\r\ny"]
    path = tmp_path / "out.csv"
    path.write_bytes(written("csv", frame_of(text=texts)))
    frame, malformed = read_all(path)
    assert malformed == [] and frame["text"].tolist() == texts
    assert pd.read_csv(path, keep_default_na=False)["text"].tolist() == texts


def test_tsv_writer_keeps_every_row_on_one_line():
    data = written("txt", frame_of(text=["tab\there", "new\nline", "back\\slash"], label=["a", None, "c"]))
    assert data.decode().split("\n") == ["text\tlabel", "tab\\there\ta", "new\\nline\t", "back\\\\slash\tc", ""]


def test_jsonl_writer_keeps_full_precision_and_writes_missing_as_null():
    frame = pd.DataFrame({"text": ["a", None], "p": [0.1 + 0.2, math.nan], "n": pd.array([1, None], dtype="Int64")})
    rows = [json.loads(line) for line in written("jsonl", frame).decode().splitlines()]
    assert rows == [{"text": "a", "p": 0.1 + 0.2, "n": 1}, {"text": None, "p": None, "n": None}]


def test_parquet_writer_takes_text_columns_that_start_all_empty():
    pa = pytest.importorskip("pyarrow", reason="Parquet needs pyarrow (the parquet extra)")
    import pyarrow.parquet as pq

    first = frame_of(text=["a"], label=[None]).assign(p=[math.nan])
    second = frame_of(text=["b"], label=["leadership"]).assign(p=[0.5])
    table = pq.read_table(io.BytesIO(written("parquet", first, second)))
    assert table.schema.field("label").type == pa.string() and table.schema.field("p").type == pa.float64()
    assert table.column("label").to_pylist() == [None, "leadership"]


def test_cell_text_formats():
    assert cell_text(None) == "" and cell_text(float("nan")) == "" and cell_text(pd.NA) == ""
    assert float(cell_text(1 / 3)) == 1 / 3
    assert cell_text(False) == "false" and cell_text([1, "é"]) == '[1, "é"]'


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")), max_size=8))
def test_any_text_survives_a_csv_round_trip(tmp_path_factory, texts):
    path = tmp_path_factory.mktemp("roundtrip") / "out.csv"
    path.write_bytes(written("csv", frame_of(text=texts, n=list(range(len(texts))))))
    frame, malformed = read_all(path, chunk_size=3)
    assert malformed == []
    assert frame["text"].tolist() == texts


def test_writers_need_a_known_format():
    with pytest.raises(ValueError, match="unknown format"):
        open_writer(io.BytesIO(), "xlsx")


def test_chunk_defaults_to_no_malformed_rows():
    assert Chunk(frame_of(text=["a"])).malformed == []


# ------------------------------------------------------------------------------------- damage stays contained
def test_an_unclosed_quote_is_one_malformed_row_and_the_rows_after_it_stay_rows(tmp_path):
    path = tmp_path / "in.csv"
    good = "".join(f"{row},Plan step {row}.\n" for row in range(3, 1003))
    path.write_text('id,text\n1,fine\n2,"Unclosed quote, and then\n' + good, encoding="utf-8")
    frame, malformed = read_all(path, chunk_size=100)
    assert len(frame) == 1002 and frame["id"].tolist()[:3] == ["1", "2", "3"] and frame["id"].tolist()[-1] == "1002"
    assert [line for line, _ in malformed] == [3] and "never closed" in malformed[0][1]
    assert frame["text"].tolist()[2] == "Plan step 3."


def test_an_unclosed_quote_in_a_long_file_is_given_up_after_the_record_limit(tmp_path, monkeypatch):
    from lmclassify.io import csv_records

    monkeypatch.setattr(csv_records, "RECORD_CHAR_LIMIT", 2000)
    path = tmp_path / "in.csv"
    good = "".join(f"{row},Plan step {row}.\n" for row in range(3, 3003))
    path.write_text('id,text\n1,fine\n2,"Unclosed\n' + good, encoding="utf-8")
    frame, malformed = read_all(path, chunk_size=500)
    assert len(frame) == 3002 and [line for line, _ in malformed] == [3] and "2,000 characters" in malformed[0][1]


def test_quoted_line_breaks_are_still_one_record(tmp_path):
    path = tmp_path / "in.csv"
    path.write_text('id,text\n1,"first line\nsecond line, with a comma\n""quoted"""\n2,next\n', encoding="utf-8")
    frame, malformed = read_all(path)
    assert frame["text"].tolist() == ['first line\nsecond line, with a comma\n"quoted"', "next"] and malformed == []


def test_a_row_with_an_oversized_field_keeps_all_its_cells(tmp_path):
    path = tmp_path / "in.csv"
    path.write_text("id,text,note\n7," + "x" * 140_000 + ",José\n8,after,ok\n", encoding="utf-8")
    frame, malformed = read_all(path)
    assert frame["id"].tolist() == ["7", "8"] and frame["note"].tolist() == ["José", "ok"]
    assert len(frame["text"][0]) == 140_000
    assert [line for line, _ in malformed] == [2] and "131,072" in malformed[0][1]


def test_bytes_that_are_not_utf8_are_written_back_exactly(tmp_path):
    from lmclassify.batch import classify_file

    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_bytes(b"id,text,who\n1,Plan the budget.,Jos\xc3\xa9\n2,caf\xe9 \xff plan,Zo\xc3\xab\n")
    summary = classify_file(source, target)
    assert summary.classified == 1 and summary.malformed == 1
    lines = target.read_bytes().split(b"\n")
    assert lines[1].startswith(b"1,Plan the budget.,Jos\xc3\xa9,management")
    assert lines[2].startswith(b"2,caf\xe9 \xff plan,Zo\xc3\xab,,")  # same bytes, not classified


@pytest.mark.parametrize(
    ("name", "long_line", "column"),
    [
        ("in.txt", b"x" * 5000, "text"),
        ("in.jsonl", b'{"text": "' + b"x" * 5000 + b'"}', "text"),
        ("in.csv", b"9," + b"x" * 5000, "text"),
    ],
)
def test_a_line_over_the_limit_is_a_malformed_row_skipped_unread(tmp_path, monkeypatch, name, long_line, column):
    from lmclassify.io import lines

    monkeypatch.setattr(lines, "MAX_LINE_BYTES", 1000)
    header = {"in.txt": b"", "in.jsonl": b"", "in.csv": b"id,text\n"}[name]
    good = {"in.txt": b"Plan it.\n", "in.jsonl": b'{"text": "Plan it."}\n', "in.csv": b"1,Plan it.\n"}[name]
    path = tmp_path / name
    path.write_bytes(header + good + long_line + b"\n" + good)
    frame, malformed = read_all(path)
    assert frame[column].tolist()[0] == "Plan it." and frame[column].tolist()[-1] == "Plan it."
    assert len(frame) == 3 and len(malformed) == 1 and "1,000 bytes" in malformed[0][1]
    assert malformed[0][0] == (3 if name == "in.csv" else 2)


_PEAK_OF_READING = """
import resource, sys
from lmclassify.io.readers import open_reader
with open_reader(sys.argv[1], chunk_size=1000) as reader:
    rows = [chunk.frame["text"].tolist() for chunk in reader]
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024, rows)
"""


def _peak_mb_reading(path) -> tuple[int, str]:
    import subprocess
    import sys

    command = [sys.executable, "-c", _PEAK_OF_READING, str(path)]
    out = subprocess.run(command, capture_output=True, text=True, check=True)
    peak, rows = out.stdout.split(" ", 1)
    return int(peak), rows.strip()


@pytest.mark.slow
def test_a_64_megabyte_line_is_skipped_in_bounded_memory(tmp_path):
    small, huge = tmp_path / "small.txt", tmp_path / "huge.txt"
    small.write_bytes(b"Plan it.\nshort\nInspire them.\n")
    with open(huge, "wb") as handle:
        handle.write(b"Plan it.\n")
        block = b"y" * (1 << 20)
        for _ in range(64):
            handle.write(block)
        handle.write(b"\nInspire them.\n")
    baseline, _ = _peak_mb_reading(small)
    peak, rows = _peak_mb_reading(huge)
    assert rows == "[['Plan it.', '', 'Inspire them.']]"
    assert peak - baseline < 40, f"reading took {peak - baseline} MB more than a small file"
