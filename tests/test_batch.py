"""`lmclassify classify`: every format in and out, columns kept, bad rows counted, parallel = serial, atomic."""

from __future__ import annotations

import json
import subprocess
import sys
import warnings
from pathlib import Path

import pandas as pd
import pytest
from conftest import REPO, installed_script

from lmclassify import batch, default_model
from lmclassify.batch import classify_file
from lmclassify.cli import classify as classify_command
from lmclassify.cli.classify import main
from lmclassify.errors import DataFileError
from lmclassify.io.formats import FORMATS

ADDED = ["label", "confidence", "p_management", "p_leadership", "p_neither", "function", "function_confidence"]
TEXTS = [
    "Prepare the quarterly budget and track spending against it.",
    "Rally everyone behind one shared purpose.",
    "",
    "The museum opened in 1891.",
    "Hire two more nurses for the night shift.",
    "Inspire people to believe in the new direction.",
]


def write_input(path: Path, texts: list[str]) -> None:
    """``texts`` with an id and a note column (a .txt file holds the texts alone)."""
    frame = pd.DataFrame({"id": [f"r{i}" for i in range(len(texts))], "text": texts, "note": ["n"] * len(texts)})
    kind = FORMATS[path.suffix]
    if kind == "csv":
        frame.to_csv(path, index=False)
    elif kind == "jsonl":
        path.write_text("".join(json.dumps(row) + "\n" for row in frame.to_dict("records")), encoding="utf-8")
    elif kind == "txt":
        path.write_text("".join(text + "\n" for text in texts), encoding="utf-8")
    else:
        frame.to_parquet(path)


def read_output(path: Path) -> pd.DataFrame:
    kind = FORMATS[path.suffix]
    if kind == "csv":
        return pd.read_csv(path, dtype={"id": str, "text": str, "note": str, "label": str, "function": str})
    if kind == "jsonl":
        return pd.read_json(path, lines=True, dtype=False)
    if kind == "txt":
        return pd.read_csv(path, sep="\t", dtype={"text": str, "label": str, "function": str})
    return pd.read_parquet(path)


def expected(texts: list[str], model=None) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return (model or default_model()).classify_frame(pd.DataFrame({"text": texts}))


def plain(values: pd.Series) -> list:
    """Values with every kind of missing value as None, for comparisons across formats and dtypes."""
    return [None if pd.isna(value) else value for value in values.tolist()]


@pytest.fixture(scope="module")
def corpus_texts(corpus) -> list[str]:
    return corpus["text"].tolist()[:300]


# ----------------------------------------------------------------------------------------- formats, columns
@pytest.mark.parametrize("out_ext", list(FORMATS))
@pytest.mark.parametrize("in_ext", list(FORMATS))
def test_every_format_to_every_format_keeps_columns_and_adds_classify_frame_columns(tmp_path, in_ext, out_ext):
    if "parquet" in in_ext + out_ext:
        pytest.importorskip("pyarrow", reason="Parquet needs pyarrow (the parquet extra)")
    source, target = tmp_path / f"in{in_ext}", tmp_path / f"out{out_ext}"
    write_input(source, TEXTS)
    summary = classify_file(source, target, chunk_size=4)
    out = read_output(target)
    kept = ["text"] if in_ext == ".txt" else ["id", "text", "note"]
    assert list(out.columns) == kept + ADDED
    if in_ext != ".txt":
        assert out["id"].tolist() == [f"r{i}" for i in range(len(TEXTS))] and set(out["note"]) == {"n"}
    reference = expected(TEXTS)
    assert plain(out["label"]) == plain(reference["label"])
    pd.testing.assert_series_equal(out["confidence"], reference["confidence"], check_names=False, rtol=1e-12)
    assert plain(out["function"]) == plain(reference["function"])
    assert (summary.rows_read, summary.classified, summary.empty, summary.malformed) == (6, 5, 1, 0)
    assert sum(summary.by_label.values()) == 5


def test_output_values_equal_classify_frame_exactly_through_parquet(tmp_path, corpus_texts):
    pytest.importorskip("pyarrow", reason="Parquet needs pyarrow (the parquet extra)")
    source, target = tmp_path / "in.csv", tmp_path / "out.parquet"
    write_input(source, corpus_texts)
    classify_file(source, target, chunk_size=64)
    out = pd.read_parquet(target)
    reference = expected(corpus_texts)
    for name in ADDED:
        assert plain(out[name]) == plain(reference[name]), name


def test_summary_counts_labels_and_reports_speed(tmp_path, corpus_texts):
    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    write_input(source, corpus_texts)
    summary = classify_file(source, target, chunk_size=100)
    reference = expected(corpus_texts)["label"].value_counts().to_dict()
    assert summary.by_label == reference and summary.rows_read == len(corpus_texts)
    assert summary.seconds > 0 and summary.rows_per_second > 0
    report = summary.report()
    assert f"read {len(corpus_texts):,} rows" in report and "rows/s" in report and str(target) in report


# ------------------------------------------------------------------------------------------------ bad rows
def test_bad_csv_and_jsonl_rows_are_counted_listed_by_line_and_kept(tmp_path, capsys):
    source, target = tmp_path / "in.jsonl", tmp_path / "out.csv"
    source.write_text(
        '{"id": 1, "text": "Plan the rota for December."}\n'
        '{"id": 2, "text": "   "}\n'
        "{broken\n"
        '{"id": 4}\n'
        '"just a string"\n'
        '{"id": 6, "text": 42}\n'
        '{"id": 7, "text": "Rally everyone behind one shared purpose."}\n',
        encoding="utf-8",
    )
    assert main(["--input", str(source), "--output", str(target)]) == 0
    err = capsys.readouterr().err
    assert "classified 2" in err and "skipped 5 (3 without text, 2 malformed)" in err
    assert "line 3: not valid JSON" in err and "line 5: expected a JSON object, found str" in err
    out = pd.read_csv(target, dtype={"label": str})
    assert len(out) == 7 and out["label"].isna().tolist() == [False, True, True, True, True, True, False]


def test_csv_rows_with_wrong_field_counts_get_no_label_but_stay(tmp_path):
    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_text("id,text\n1,Plan the rota for December.\n2,Inspire the team,surplus\n3\n", encoding="utf-8")
    summary = classify_file(source, target)
    assert (summary.classified, summary.malformed) == (1, 2)
    assert [str(record) for record in summary.malformed_listed] == [
        "line 3: expected 2 fields, found 3",
        "line 4: expected 2 fields, found 1",
    ]
    out = pd.read_csv(target, dtype=str)
    assert out["id"].tolist() == ["1", "2", "3"] and out["label"].notna().tolist() == [True, False, False]


def test_the_malformed_list_is_bounded_but_every_row_is_counted(tmp_path):
    source, target = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    source.write_text('{"text": "Plan the rota."}\n' + "nope\n" * 50, encoding="utf-8")
    summary = classify_file(source, target, chunk_size=7)
    assert summary.malformed == 50 and len(summary.malformed_listed) == batch.LISTED_MALFORMED
    assert "... and 30 more" in summary.report()
    assert len(target.read_text().splitlines()) == 51


# ------------------------------------------------------------------------------------------------- parallel
@pytest.mark.parametrize("ext", [".csv", ".jsonl"])
def test_two_jobs_write_the_same_file_as_one(tmp_path, corpus_texts, ext):
    source = tmp_path / f"in{ext}"
    write_input(source, [*corpus_texts, "", *corpus_texts[:50]])
    one, two = tmp_path / f"one{ext}", tmp_path / f"two{ext}"
    serial = classify_file(source, one, chunk_size=37)
    parallel = classify_file(source, two, chunk_size=37, jobs=2)
    assert one.read_bytes() == two.read_bytes()
    assert serial.by_label == parallel.by_label and serial.empty == parallel.empty == 1


def test_jobs_through_the_command_line(tmp_path, corpus_texts, capsys):
    source, target = tmp_path / "in.txt", tmp_path / "out.jsonl"
    write_input(source, corpus_texts[:40])
    assert main(["--input", str(source), "--output", str(target), "--jobs", "2", "--chunk-size", "8"]) == 0
    rows = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert [row["text"] for row in rows] == corpus_texts[:40]
    assert [row["label"] for row in rows] == expected(corpus_texts[:40])["label"].tolist()


# ---------------------------------------------------------------------------------------------- atomic output
def test_a_failed_run_leaves_no_output_and_no_temporary_file(tmp_path, corpus_texts, monkeypatch):
    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    write_input(source, corpus_texts)
    real = batch.classify_texts
    calls = []

    def failing_on_third_chunk(texts, model_path=None, prefix=""):
        calls.append(len(texts))
        if len(calls) == 4:  # the first call only learns the added columns
            raise MemoryError("out of memory in the middle of the file")
        return real(texts, model_path, prefix)

    monkeypatch.setattr(batch, "classify_texts", failing_on_third_chunk)
    with pytest.raises(MemoryError):
        classify_file(source, target, chunk_size=50)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["in.csv"]

    target.write_text("previous results\n")
    calls.clear()
    with pytest.raises(MemoryError):
        classify_file(source, target, chunk_size=50)
    assert target.read_text() == "previous results\n"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["in.csv", "out.csv"]


def test_the_command_reports_a_failed_write_and_exits_1(tmp_path, capsys, monkeypatch):
    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    write_input(source, TEXTS)

    def disk_full(path, write):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(batch, "write_atomically", disk_full)
    assert main(["--input", str(source), "--output", str(target)]) == 1
    assert "No space left on device" in capsys.readouterr().err and not target.exists()


def test_a_dead_worker_is_reported_and_exits_1(tmp_path, capsys, monkeypatch):
    from concurrent.futures.process import BrokenProcessPool

    def worker_died(*args, **kwargs):
        raise BrokenProcessPool("A process in the process pool was terminated abruptly")

    monkeypatch.setattr(classify_command, "classify_file", worker_died)
    assert main(["--input", "in.csv", "--output", str(tmp_path / "out.csv"), "--jobs", "2"]) == 1
    assert "worker process died" in capsys.readouterr().err


# -------------------------------------------------------------------------------------------- clear refusals
def test_the_input_file_is_never_overwritten(tmp_path, capsys, monkeypatch):
    source = tmp_path / "in.csv"
    write_input(source, TEXTS)
    before = source.read_bytes()
    (tmp_path / "link.csv").symlink_to(source)
    monkeypatch.chdir(tmp_path)
    for output in (str(source), "./in.csv", "../" + tmp_path.name + "/in.csv", "link.csv"):
        assert main(["--input", str(source), "--output", output]) == 2
        assert "refusing to overwrite the input file" in capsys.readouterr().err
    assert source.read_bytes() == before


@pytest.mark.parametrize(
    ("input_name", "output_name", "message"),
    [
        ("in.xlsx", "out.csv", "unsupported file type (extension '.xlsx')"),
        ("in.csv", "out.json", "unsupported file type (extension '.json')"),
        ("in.csv", "out", "unsupported file type (no extension)"),
        ("absent.csv", "out.csv", "absent.csv: no such file"),
    ],
)
def test_unusable_file_names_are_clear_errors(tmp_path, capsys, input_name, output_name, message):
    source = tmp_path / input_name
    if input_name != "absent.csv":
        source.write_text("text\nPlan the rota.\n")
    assert main(["--input", str(source), "--output", str(tmp_path / output_name)]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / output_name).exists()


def test_a_missing_column_names_the_columns_there_are(tmp_path, capsys):
    source = tmp_path / "in.csv"
    write_input(source, TEXTS)
    assert main(["--input", str(source), "--output", str(tmp_path / "out.csv"), "--column", "body"]) == 2
    err = capsys.readouterr().err
    assert "no column 'body'" in err and "['id', 'text', 'note']" in err and "--column" in err


def test_columns_that_classifying_would_overwrite_are_refused(tmp_path):
    source = tmp_path / "in.csv"
    source.write_text("text,label\nPlan the rota.,management\n")
    with pytest.raises(DataFileError, match=r"already has column\(s\) \['label'\].*--prefix"):
        classify_file(source, tmp_path / "out.csv")


def test_a_prefix_adds_the_results_beside_a_gold_label(tmp_path, capsys):
    source = tmp_path / "in.csv"
    source.write_text("text,label\nPlan the rota.,management\nInspire the team.,leadership\n")
    target = tmp_path / "out.csv"
    assert main(["--input", str(source), "--output", str(target), "--prefix", "predicted_"]) == 0
    written = pd.read_csv(target, dtype=str, keep_default_na=False)
    assert written["label"].tolist() == ["management", "leadership"]  # the gold column, unchanged
    assert list(written.columns[2:5]) == ["predicted_label", "predicted_confidence", "predicted_p_management"]
    assert written["predicted_label"].tolist() == ["management", "leadership"]
    assert "management 1, leadership 1" in capsys.readouterr().err


def test_parquet_output_without_pyarrow_says_how_to_install_it(tmp_path, capsys, monkeypatch):
    source = tmp_path / "in.csv"
    write_input(source, TEXTS)
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    assert main(["--input", str(source), "--output", str(tmp_path / "out.parquet")]) == 2
    assert 'pip install "lmclassify[parquet]"' in capsys.readouterr().err


def test_a_bad_model_is_reported_before_anything_is_written(tmp_path, capsys):
    source, model = tmp_path / "in.csv", tmp_path / "model.npz"
    write_input(source, TEXTS)
    model.write_bytes(b"not a model")
    assert main(["--input", str(source), "--output", str(tmp_path / "out.csv"), "--model", str(model)]) == 1
    assert "model.npz" in capsys.readouterr().err and not (tmp_path / "out.csv").exists()


@pytest.mark.parametrize("option", [["--jobs", "-1"], ["--chunk-size", "0"]])
def test_impossible_numbers_are_usage_errors(tmp_path, option, capsys):
    with pytest.raises(SystemExit) as stop:
        main(["--input", "in.csv", "--output", "out.csv", *option])
    assert stop.value.code == 2 and option[0] in capsys.readouterr().err


# ------------------------------------------------------------------------------------------ progress, models
def test_a_progress_bar_is_drawn_only_when_asked_or_on_a_terminal(tmp_path, corpus_texts):
    import io

    source = tmp_path / "in.csv"
    write_input(source, corpus_texts)
    shown, hidden = io.StringIO(), io.StringIO()
    classify_file(source, tmp_path / "a.csv", chunk_size=50, progress=True, progress_stream=shown)
    classify_file(source, tmp_path / "b.csv", chunk_size=50, progress_stream=hidden)  # a StringIO is no terminal
    assert "rows" in shown.getvalue() and "%" in shown.getvalue() and shown.getvalue().endswith("\r")
    assert hidden.getvalue() == ""


def test_another_model_can_be_chosen(tmp_path, small_model_dir):
    from lmclassify import load_model

    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    write_input(source, TEXTS)
    model_path = small_model_dir / "default.npz"
    classify_file(source, target, model=model_path)
    reference = expected(TEXTS, load_model(model_path))
    # read back with pandas' exact float parser: its default fast parser may differ in the last bit
    written = pd.read_csv(target, float_precision="round_trip")["confidence"]
    assert plain(written) == plain(reference["confidence"])


def test_the_subcommand_runs_from_the_installed_script(tmp_path):
    source, target = tmp_path / "in.txt", tmp_path / "out.csv"
    source.write_text("Plan the rota for December.\n")
    result = subprocess.run(
        [installed_script("lmclassify"), "classify", "--input", str(source), "--output", str(target)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "classified 1" in result.stderr and pd.read_csv(target)["label"].tolist() == ["management"]


# ---------------------------------------------------------------------------------------------------- memory
def run_benchmark(rows: int) -> dict:
    result = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "batch_memory.py"), "--rows", str(rows), "--max-rss-mib", "300"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout)


@pytest.mark.slow
def test_peak_memory_does_not_grow_with_the_file():
    small, large = run_benchmark(4_000), run_benchmark(40_000)
    assert large["rows_written"] == 40_000 and large["rows_per_second"] > 0
    assert large["peak_rss_largest_process_mib"] < 300
    assert large["peak_rss_largest_process_mib"] - small["peak_rss_largest_process_mib"] < 25


@pytest.mark.parametrize("suffix", [".csv", ".txt"])
def test_formula_cells_pass_through_unless_escaped(tmp_path, suffix):
    source = tmp_path / "in.csv"
    source.write_text('id,text\n=1+1,"=HYPERLINK(""http://x"",""click"") Plan the budget."\n@SUM,Inspire the team.\n')
    plain, escaped = tmp_path / f"plain{suffix}", tmp_path / f"escaped{suffix}"
    classify_file(source, plain)
    classify_file(source, escaped, escape_formulas=True)
    assert "\n=1+1" in plain.read_text() and "\n@SUM" in plain.read_text()
    text = escaped.read_text()
    assert "\n'=1+1" in text and "\n'@SUM" in text and "'=HYPERLINK" in text
    assert "\n=" not in text and "\n@" not in text


def test_escape_formulas_through_the_command_line(tmp_path):
    source = tmp_path / "in.csv"
    source.write_text("text\n+Plan the budget.\n")
    target = tmp_path / "out.csv"
    assert main(["--input", str(source), "--output", str(target), "--escape-formulas"]) == 0
    assert target.read_text().splitlines()[1].startswith("'+Plan the budget.")


def test_a_row_that_is_not_utf8_does_not_stop_a_parquet_output(tmp_path):
    pytest.importorskip("pyarrow")
    source = tmp_path / "in.csv"
    source.write_bytes(b"id,text\n1,Plan the budget.\n2,caf\xe9 plan\n")
    summary = classify_file(source, tmp_path / "out.parquet")
    assert summary.rows_read == 2 and summary.malformed == 1
    written = pd.read_parquet(tmp_path / "out.parquet")
    assert written["text"].tolist() == ["Plan the budget.", "caf\ufffd plan"]


# ------------------------------------------------------------------------------------------------ gold column
def _gold_input(path: Path, corpus: pd.DataFrame, rows: int = 240) -> pd.DataFrame:
    """Corpus rows with their gold labels, a few of them blank, unknown or without text."""
    frame = corpus[["id", "text", "label"]].head(rows).reset_index(drop=True).copy()
    frame.loc[3, "label"] = ""
    frame.loc[5, "label"] = "Management"
    frame.loc[8, "text"] = ""
    frame.to_csv(path, index=False)
    return frame


def test_gold_scores_the_predictions_written_as_label_metrics_would(tmp_path, corpus):
    from lmclassify.evaluation.metrics import label_metrics

    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    frame = _gold_input(source, corpus)
    summary = classify_file(source, target, chunk_size=50, prefix="pred_", gold="label")
    written = pd.read_csv(target, dtype=str, keep_default_na=False)
    scored = written[written["label"].isin(["management", "leadership", "neither"]) & (written["pred_label"] != "")]
    probabilities = scored[["pred_p_management", "pred_p_leadership", "pred_p_neither"]].astype(float)
    reference = label_metrics(scored["label"], scored["pred_label"], probabilities.to_numpy())
    gold = summary.gold
    assert gold is not None and gold.column == "label"
    assert (gold.rows, gold.missing, gold.unknown, gold.unclassified) == (len(frame) - 3, 1, 1, 1)
    assert gold.accuracy == pytest.approx(reference["accuracy"])
    assert gold.macro_f1 == pytest.approx(reference["macro_f1"])
    assert gold.counts == reference["confusion_matrix"]
    report = summary.report()
    assert f"accuracy {reference['accuracy']:.3f}, macro-F1 {reference['macro_f1']:.3f}" in report
    assert "1 row(s) without a gold label, 1 with an unknown one, 1 not classified" in report
    assert "'Management' 1" in report


def test_gold_counts_are_the_same_with_two_jobs(tmp_path, corpus):
    source = tmp_path / "in.csv"
    _gold_input(source, corpus)
    one = classify_file(source, tmp_path / "one.csv", chunk_size=23, prefix="pred_", gold="label")
    two = classify_file(source, tmp_path / "two.csv", chunk_size=23, prefix="pred_", gold="label", jobs=2)
    assert one.gold is not None and two.gold is not None
    assert two.gold.to_dict() == one.gold.to_dict()


def test_gold_from_jsonl_counts_null_and_non_text_labels(tmp_path):
    source = tmp_path / "in.jsonl"
    rows = [
        {"text": "Prepare the quarterly budget and track spending against it.", "coded": "management"},
        {"text": "Rally everyone behind one shared purpose.", "coded": None},
        {"text": "The museum opened in 1891.", "coded": 2},
    ]
    source.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    summary = classify_file(source, tmp_path / "out.jsonl", gold="coded")
    assert summary.gold is not None
    assert (summary.gold.rows, summary.gold.missing, summary.gold.unknown) == (1, 1, 1)


def test_a_missing_gold_column_is_refused_before_any_work(tmp_path, monkeypatch):
    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    write_input(source, TEXTS)

    def never(*args, **kwargs):
        raise AssertionError("rows were classified")

    monkeypatch.setattr(batch, "_results", never)
    with pytest.raises(DataFileError, match=r"no gold column 'coded'.*\['id', 'text', 'note'\].*--gold"):
        classify_file(source, target, gold="coded")
    assert list(tmp_path.iterdir()) == [source]


def test_without_gold_the_summary_has_no_gold_figures(tmp_path):
    source = tmp_path / "in.csv"
    write_input(source, TEXTS)
    summary = classify_file(source, tmp_path / "out.csv")
    assert summary.gold is None and "gold labels" not in summary.report()
