"""The command line: texts as arguments, lines from stdin, JSON output, a chosen model, clear errors."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest
from conftest import installed_script
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lmclassify import LABELS
from lmclassify.cli import main
from lmclassify.resources import default_model_path


def test_one_text_prints_label_confidence_and_function(capsys):
    assert main(["Prepare the quarterly budget and track spending against it."]) == 0
    label, confidence, function, text = capsys.readouterr().out.rstrip("\n").split("\t")
    assert label == "management" and 0 < float(confidence) <= 1 and function != "-"
    assert text.startswith("Prepare")


def test_json_output_is_one_object_per_text(capsys):
    assert main(["--json", "Rally the whole company behind a bold purpose.", "Paris is the capital of France."]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["label"] for r in records] == ["leadership", "neither"]
    assert all(set(r["scores"]) == set(LABELS) for r in records)


def test_stdin_lines_keep_their_positions_and_blank_lines_are_counted(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.StringIO("Cut the travel budget by 10%.\n\nCelebrate the team's courage.\n"))
    assert main(["--json", "-"]) == 0
    captured = capsys.readouterr()
    records = [json.loads(line) for line in captured.out.splitlines()]
    assert [r["label"] for r in records] == ["management", None, "leadership"]
    assert "1 blank line(s)" in captured.err


def test_a_bad_model_file_gives_a_clear_error(tmp_path, capsys):
    bad = tmp_path / "model.npz"
    bad.write_bytes(b"\x80\x04junk")
    assert main(["--model", str(bad), "hello"]) == 1
    assert "model.npz" in capsys.readouterr().err


def test_model_option_loads_another_model(capsys):
    assert main(["--model", str(default_model_path()), "Hire two more nurses for the night shift."]) == 0
    assert capsys.readouterr().out.split("\t")[0] == "management"


@pytest.mark.parametrize("command", [[installed_script("lmclassify")], [sys.executable, "-m", "lmclassify"]])
def test_console_script_and_module_entry_point(command):
    result = subprocess.run(
        [*command, "-"], input="Plan the rota for December.\n", capture_output=True, text=True, check=True
    )
    assert result.stdout.startswith("management\t")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=600), as_json=st.booleans())
def test_fuzz_stdin_never_crashes_and_keeps_one_output_line_per_input_line(monkeypatch, capsys, data, as_json):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    assert main(["--json", "-"] if as_json else ["-"]) == 0
    output = capsys.readouterr().out
    expected_lines = data.count(b"\n") + (0 if data.endswith(b"\n") or not data else 1)
    assert output.count("\n") == expected_lines
    if as_json:
        assert all("label" in json.loads(line) for line in output.splitlines())


def test_invalid_utf8_on_stdin_is_replaced_not_fatal():
    result = subprocess.run(
        [sys.executable, "-m", "lmclassify", "-"], input=b"Cut costs \xff\xfe now\n", capture_output=True, check=True
    )
    assert result.stdout.decode().startswith("management\t")


def test_explain_prints_the_terms_behind_each_label(capsys):
    assert main(["--explain", "--top", "2", "Inspire the team with a bold vision."]) == 0
    out = capsys.readouterr().out
    assert "→ leadership" in out
    for label in LABELS:
        assert f"{label}: score" in out
    assert "inspire" in out


def test_explain_json_gives_one_object_per_text(capsys):
    assert main(["--explain", "--json", "Cut the travel budget.", "Lead is a metal."]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["prediction"]["label"] for r in records] == ["management", "neither"]
    assert all(len(terms) <= 5 for r in records for terms in r["contributions"].values())


def test_explain_skips_blank_stdin_lines(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.StringIO("Cut the travel budget.\n\nInspire the team.\n"))
    assert main(["--explain", "-"]) == 0
    captured = capsys.readouterr()
    assert captured.out.count("→ ") == 2 and "1 blank line(s) were not explained" in captured.err


def test_a_negative_top_is_a_usage_error():
    with pytest.raises(SystemExit):
        main(["--explain", "--top", "-1", "Plan."])


def test_control_characters_cannot_forge_a_result_line(capsys):
    forged = "Plan the budget.\r\x1b[2Kleadership\t0.999\tmotivation\tInspire"
    assert main([forged]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\r" not in out
    assert out.count("\n") == 1 and "\\x1b[2K" in out and "\\r" in out


def test_bidirectional_overrides_are_shown_as_escapes(capsys):
    assert main(["Plan \u202eteg dub eht\u202c now."]) == 0
    out = capsys.readouterr().out
    assert "\u202e" not in out and "\\u202e" in out


def test_json_output_keeps_the_text_exactly(capsys):
    text = "Plan\x1b[1m the budget\r."
    assert main(["--json", text]) == 0
    assert json.loads(capsys.readouterr().out)["text"] == text
