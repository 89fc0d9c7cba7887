"""``lmclassify train --add``: exit codes, messages, the floor and --force, and help examples that are real."""

from __future__ import annotations

import json
import logging
import shlex

import numpy as np
import pytest

from lmclassify import LABELS
from lmclassify.cli.train import EXAMPLES, build_parser, main


def _random_labels(corpus, path):
    rows = corpus.sample(60, random_state=4)[["text"]]
    rows["label"] = np.random.default_rng(0).permutation(list(LABELS) * 20)
    rows.to_csv(path, index=False)
    return str(path)


def test_every_help_example_is_a_command_the_parser_takes():
    commands = [line.strip() for line in EXAMPLES.splitlines() if line.startswith("  lmclassify train")]
    assert len(commands) >= 3 and "|" not in EXAMPLES
    for command in commands:
        args = build_parser().parse_args(shlex.split(command)[2:])
        assert args.add or args.data
    assert any("--add" in command and "--out" in command for command in commands)


def test_help_shows_the_examples(capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["--help"])
    out = capsys.readouterr().out
    assert stopped.value.code == 0 and "examples:\n  lmclassify train --add my-labels.csv --out my-models\n" in out
    assert "--min-macro-f1" in out and "--force" in out and "--replace" in out


def test_replace_without_add_files_is_refused(tmp_path, capsys):
    assert main(["--replace", "--out", str(tmp_path / "m")]) == 2
    err = capsys.readouterr().err
    assert "give at least one --add file" in err and "nothing was written" in err and "Traceback" not in err


def test_a_bad_added_file_names_its_file_and_lines(tmp_path, capsys):
    bad = tmp_path / "mine.csv"
    bad.write_text("text,label,function\nPlan the rota.,management,planning\nLead them.,leader,\n")
    assert main(["--add", str(bad), "--out", str(tmp_path / "m"), "--no-search"]) == 2
    err = capsys.readouterr().err
    assert f"{bad}: 1 problem(s) found" in err and "unknown label(s) ['leader'] in line 3" in err
    assert not (tmp_path / "m").exists()


@pytest.mark.parametrize("floor", ["1.5", "high"])
def test_a_floor_outside_0_to_1_is_a_usage_error(floor, capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["--min-macro-f1", floor])
    assert stopped.value.code == 2 and "must be a number from 0 to 1" in capsys.readouterr().err


def test_a_useless_model_is_refused_and_force_writes_it(tmp_path, corpus, capsys, caplog):
    data = _random_labels(corpus, tmp_path / "random.csv")
    out = tmp_path / "models"
    args = ["--add", data, "--replace", "--out", str(out), "--no-search"]
    assert main(args) == 2
    captured = capsys.readouterr()
    assert "the model is too weak to be written" in captured.err and "below the floor of 0.60" in captured.err
    assert "--force" in captured.err and "nothing was written" in captured.err
    assert list(out.iterdir()) == []
    with caplog.at_level(logging.INFO, logger="lmclassify"):
        assert main([*args, "--force"]) == 0
    assert "writing the model anyway (forced)" in caplog.text
    assert "added rows (random.csv): 60, 48 train, 12 test" in caplog.text
    assert "no base data to compare with (--replace)" in caplog.text
    metadata = json.loads((out / "default.json").read_text())
    assert metadata["quality_floor"]["forced"] is True and metadata["quality_floor"]["cv_macro_f1"] < 0.6
    assert main([*args, "--min-macro-f1", "0.1"]) == 0
