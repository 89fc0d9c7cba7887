"""One command: every subcommand is listed in --help, has its own module and --help, and its shim runs it."""

import importlib
import subprocess
import sys

import pytest

from lmclassify.cli import SUBCOMMANDS, main

SHIMS = {"train": "train", "evaluate": "evaluate", "model_selection": "select", "datasheet": "datasheet"}


def test_top_level_help_lists_every_subcommand(capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["--help"])
    assert stopped.value.code == 0
    out = capsys.readouterr().out
    for name, (_, about) in SUBCOMMANDS.items():
        assert f"  {name}" in out and about in out


@pytest.mark.parametrize("name", sorted(SUBCOMMANDS))
def test_each_subcommand_has_its_module_and_its_own_help(name, capsys):
    module = importlib.import_module(f"lmclassify.cli.{SUBCOMMANDS[name][0]}")
    assert callable(module.main) and callable(module.build_parser)
    with pytest.raises(SystemExit) as stopped:
        main([name, "--help"])
    assert stopped.value.code == 0
    assert capsys.readouterr().out.startswith(f"usage: lmclassify {name}")


@pytest.mark.parametrize(("shim", "name"), sorted(SHIMS.items()))
def test_python_m_shims_run_the_same_subcommand(shim, name):
    result = subprocess.run([sys.executable, "-m", f"lmclassify.{shim}", "--help"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"usage: python -m lmclassify.{shim}")
    options = importlib.import_module(f"lmclassify.cli.{SUBCOMMANDS[name][0]}").build_parser()._option_string_actions
    assert all(option in result.stdout for option in options if option.startswith("--"))
