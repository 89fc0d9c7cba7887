"""``lmclassify analyze``: per-document profiles and unit tables as text, JSON or CSV, a page as HTML; unreadable
files."""

from __future__ import annotations

import csv
import io
import json
import shlex
import subprocess
import sys
from html.parser import HTMLParser

import pytest
from conftest import installed_script
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import lmclassify
from lmclassify import LABELS
from lmclassify.cli import SUBCOMMANDS, main
from lmclassify.cli.analyze import CSV_COLUMNS, EXAMPLES, build_parser, read_document

LETTER = "# Our year\n\nWe cut costs by 3.5% and tracked spending weekly. Inspire each other to be bold!\n"
NOTES = "- Hire two nurses for nights\n- The museum opened in 1891.\n"


@pytest.fixture
def files(tmp_path):
    letter = tmp_path / "letter.md"
    letter.write_text(LETTER, encoding="utf-8")
    notes = tmp_path / "notes.txt"
    notes.write_text(NOTES, encoding="utf-8")
    return letter, notes


def test_analyze_is_a_registered_subcommand():
    assert "analyze" in SUBCOMMANDS


def test_text_format_prints_a_profile_and_a_sentence_table_per_document(files, capsys):
    letter, notes = files
    assert main(["analyze", str(letter), str(notes)]) == 0
    out = capsys.readouterr().out
    assert f"== {letter}: 3 units;" in out and f"== {notes}: 2 units;" in out
    for label in LABELS:
        assert f"\n{label} " in out
    assert "We cut costs by 3.5% and tracked spending weekly." in out
    assert "management" in out and "leadership" in out


def test_text_format_shows_kind_probabilities_and_function_confidence(files, capsys):
    letter = files[0]
    assert main(["analyze", str(letter)]) == 0
    lines = capsys.readouterr().out.splitlines()
    header = next(line for line in lines if line.lstrip().startswith("#"))
    columns = ["#", "start", "end", "kind", "label", "conf", "p_m", "p_l", "p_n", "function", "f_conf", "text"]
    assert header.split() == columns
    units = lmclassify.analyze(LETTER).units
    rows = [line.split() for line in lines[lines.index(header) + 1 :] if line.strip()]
    assert len(rows) == len(units)
    for fields, unit in zip(rows, units.itertuples(index=False)):
        assert fields[3:9] == [unit.kind, unit.label] + [
            f"{value:.2f}" for value in (unit.confidence, unit.p_management, unit.p_leadership, unit.p_neither)
        ]
        assert fields[9:11] == (
            ["-", "-"] if unit.function is None else [unit.function, f"{unit.function_confidence:.2f}"]
        )


def test_json_format_is_one_object_per_document(files, capsys):
    letter, notes = files
    assert main(["analyze", "--format", "json", str(letter), str(notes)]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["file"] for r in records] == [str(letter), str(notes)]
    first = records[0]
    assert [s["text"] for s in first["sentences"]] == [
        "Our year",
        "We cut costs by 3.5% and tracked spending weekly.",
        "Inspire each other to be bold!",
    ]
    assert all(LETTER[s["start"] : s["end"]] == s["text"] for s in first["sentences"])
    assert sum(v["sentence_share"] for v in first["profile"].values()) == pytest.approx(1)


def test_json_units_carry_kind_flat_probabilities_and_function_confidence(files, capsys):
    assert main(["analyze", "--format", "json", str(files[0])]) == 0
    record = json.loads(capsys.readouterr().out)
    units = lmclassify.analyze(LETTER).units
    for row, unit in zip(record["sentences"], units.itertuples(index=False), strict=True):
        assert row["kind"] == unit.kind and row["function"] == unit.function
        for label in LABELS:
            assert row[f"p_{label}"] == pytest.approx(getattr(unit, f"p_{label}"), abs=1e-12)
            assert row["scores"][label] == row[f"p_{label}"]  # the nested form stays, for older readers
        if unit.function is None:
            assert row["function_confidence"] is None
        else:
            assert row["function_confidence"] == pytest.approx(unit.function_confidence, abs=1e-12)
    assert record["model"]["name"] == lmclassify.default_model().metadata["name"] and record["created"]


def test_csv_format_is_one_row_per_sentence_with_the_file(files, capsys):
    letter, notes = files
    assert main(["analyze", "--format", "csv", str(letter), str(notes)]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert list(rows[0]) == list(CSV_COLUMNS)
    assert [row["file"] for row in rows] == [str(letter)] * 3 + [str(notes)] * 2
    assert rows[3]["text"] == "Hire two nurses for nights" and rows[3]["label"] == "management"
    assert rows[4]["function"] == "" and rows[4]["label"] == "neither"


def test_csv_columns_hold_kind_probabilities_and_function_confidence(files, capsys):
    assert main(["analyze", "--format", "csv", str(files[0])]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    units = lmclassify.analyze(LETTER).units
    assert {"kind", "p_management", "p_leadership", "p_neither", "function_confidence"} <= set(CSV_COLUMNS)
    for row, unit in zip(rows, units.itertuples(index=False), strict=True):
        assert row["kind"] == unit.kind
        for label in LABELS:
            assert float(row[f"p_{label}"]) == pytest.approx(getattr(unit, f"p_{label}"), abs=1e-6)
        expected = "" if unit.function is None else f"{unit.function_confidence:.6f}"
        assert row["function_confidence"] == expected


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth, self.badge, self.parts = 0, 0, []

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if self.depth or "lmc-document" in classes:
            self.depth += tag != "br"
        self.badge += self.depth > 0 and "lmc-badge" in classes

    def handle_endtag(self, tag):
        if self.badge and tag == "span":
            self.badge -= 1
        self.depth = max(self.depth - 1, 0)

    def handle_data(self, data):
        if self.depth and not self.badge:
            self.parts.append(data)


def test_html_format_writes_one_standalone_page(files, capsys):
    letter = files[0]
    assert main(["analyze", "--format", "html", str(letter)]) == 0
    page = capsys.readouterr().out
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert f"<title>{letter.name}</title>" in page and f"<dd>{letter}</dd>" in page
    assert page.count('class="lmc-badge"') == len(lmclassify.analyze(LETTER)) + 4  # and 4 in the legend
    reader = _Text()
    reader.feed(page)
    assert "".join(reader.parts) == LETTER


def test_html_format_from_standard_input(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"Plan <the> budget."), encoding="utf-8"))
    assert main(["analyze", "--format", "html", "-"]) == 0
    page = capsys.readouterr().out
    assert "<title>&lt;stdin&gt;</title>" in page and "Plan &lt;the&gt; budget." in page


def test_html_format_takes_exactly_one_document(files, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["analyze", "--format", "html", str(files[0]), str(files[1])])
    assert exit_info.value.code == 2
    error = capsys.readouterr().err
    assert "one page for one document, got 2 files" in error and "> letter.html" in error


def test_html_format_for_an_unreadable_file_writes_nothing(tmp_path, capsys):
    assert main(["analyze", "--format", "html", str(tmp_path / "missing.md")]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and "no such file" in captured.err


def test_help_examples_are_real_commands_one_per_line(capsys):
    with pytest.raises(SystemExit):
        main(["analyze", "--help"])
    assert EXAMPLES in capsys.readouterr().out
    commands = [line.strip() for line in EXAMPLES.splitlines()[1:]]
    assert len(commands) >= 4 and not any("|" in command for command in commands)
    for command in commands:
        words = shlex.split(command)
        assert words[:2] == ["lmclassify", "analyze"]
        arguments = words[2 : min([words.index(r) for r in ("<", ">") if r in words], default=len(words))]
        build_parser().parse_args(arguments)  # exits on a usage error


def test_standard_input(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(LETTER.encode()), encoding="utf-8"))
    assert main(["analyze", "--format", "json", "-"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["file"] == "<stdin>" and len(record["sentences"]) == 3


def test_unreadable_files_are_named_and_the_others_still_analysed(files, tmp_path, capsys):
    letter = files[0]
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes("Café budget review.".encode("latin-1"))
    missing = tmp_path / "missing.md"
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    assert main(["analyze", "--format", "json", str(latin1), str(letter), str(missing), str(pdf), str(tmp_path)]) == 1
    captured = capsys.readouterr()
    assert [json.loads(line)["file"] for line in captured.out.splitlines()] == [str(letter)]
    errors = captured.err.splitlines()
    assert f"{latin1}: not UTF-8 text" in errors[0]
    assert f"{missing}: no such file" in errors[1]
    assert f"{pdf}: not a text document" in errors[2]
    assert f"{tmp_path}: is a directory" in errors[3]
    assert "4 of 5 document(s) could not be read" in errors[4]


def test_empty_file_gives_an_empty_report(tmp_path, capsys):
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    assert main(["analyze", str(empty)]) == 0
    assert f"== {empty}: 0 units; profile of list_item/sentence units, 0 words ==" in capsys.readouterr().out


def test_byte_order_mark_is_dropped(tmp_path):
    path = tmp_path / "bom.txt"
    path.write_bytes("\ufeffPlan the budget.".encode())
    assert read_document(str(path)) == "Plan the budget."


def test_a_bad_model_file_gives_a_clear_error(files, tmp_path, capsys):
    bad = tmp_path / "model.npz"
    bad.write_bytes(b"junk")
    assert main(["analyze", "--model", str(bad), str(files[0])]) == 1
    assert "model.npz" in capsys.readouterr().err


def test_a_bad_format_is_a_usage_error(files):
    with pytest.raises(SystemExit) as exit_info:
        main(["analyze", "--format", "xml", str(files[0])])
    assert exit_info.value.code == 2


def test_console_script(files):
    result = subprocess.run(
        [installed_script("lmclassify"), "analyze", "--format", "csv", str(files[1])],
        capture_output=True,
        text=True,
        check=True,
    )
    header, first = result.stdout.splitlines()[:2]
    assert first.split(",")[header.split(",").index("label")] == "management"


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=800), output_format=st.sampled_from(["text", "json", "csv", "html"]))
def test_fuzz_standard_input_never_crashes(monkeypatch, capsys, data, output_format):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
    code = main(["analyze", "--format", output_format, "-"])
    captured = capsys.readouterr()
    assert code in (0, 1)
    if code == 1:  # only undecodable input may fail, and it must say so
        assert "UTF-8" in captured.err or "utf-8" in captured.err


def test_control_characters_in_a_document_are_escaped_in_the_text_report(tmp_path, capsys):
    document = tmp_path / "letter.txt"
    document.write_text("Plan the budget.\x1b[31m Inspire the team.\x07")
    assert main(["analyze", str(document)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out and "\\x1b[31m" in out
