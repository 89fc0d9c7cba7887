"""json_line: one JSON document per line, whatever line breaks the text holds."""

from __future__ import annotations

import json

import pytest

from lmclassify.io.json_lines import json_line


@pytest.mark.parametrize("breaker", ["\u0085", "\u2028", "\u2029", "\n", "\r", "\x0b", "\x0c", "\x1c", "\x1e"])
def test_every_line_breaker_is_escaped_and_reads_back_unchanged(breaker):
    value = {"text": f"before{breaker}after", "label": "café"}
    line = json_line(value)
    assert line.splitlines() == [line] and json.loads(line) == value
    assert "café" in line  # other non-ASCII text stays readable


def test_the_cli_json_output_keeps_one_line_per_input_line(monkeypatch, capsys):
    import io

    from lmclassify.cli.text import main

    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO("Plan\u0085the budget.\n".encode()), "utf-8"))
    assert main(["--json", "-"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1 and json.loads(lines[0])["text"] == "Plan\u0085the budget."
