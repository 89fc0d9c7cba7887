"""One command: every subcommand is listed in --help, has its own module and --help, and its shim runs it; every
help shows its examples one a line; ``--version`` prints the version."""

import importlib
import importlib.metadata
import re
import subprocess
import sys

import pytest

import lmclassify
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


def test_the_top_level_help_is_generated_from_the_subcommands_and_never_reflowed(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "40")  # a narrow terminal: argparse would rewrap any text it fills
    monkeypatch.setitem(SUBCOMMANDS, "newcomer", ("newcomer", "a subcommand added to the table, with a long line"))
    with pytest.raises(SystemExit):
        main(["--help"])
    lines = capsys.readouterr().out.splitlines()
    width = max(len(name) for name in SUBCOMMANDS)
    for name, (_, about) in SUBCOMMANDS.items():
        assert f"  {name:<{width}}  {about}" in lines, name


def _help_of(argv: list[str], capsys) -> str:
    with pytest.raises(SystemExit) as stopped:
        main([*argv, "--help"])
    assert stopped.value.code == 0, argv
    return capsys.readouterr().out


def _help_texts(capsys) -> dict[str, str]:
    """Every help a user can ask for: the top level, each subcommand, and each of their own subcommands (which
    a usage line shows as ``{check,build} ...``)."""
    texts = {"lmclassify": _help_of([], capsys)}
    for name in SUBCOMMANDS:
        texts[f"lmclassify {name}"] = text = _help_of([name], capsys)
        inner = re.search(r"\{([\w,-]+)\} \.\.\.", text.split("\n\n", 1)[0])
        for choice in inner.group(1).split(",") if inner else []:
            texts[f"lmclassify {name} {choice}"] = _help_of([name, choice], capsys)
    return texts


def _examples(text: str) -> list[str]:
    """The lines of the ``examples:`` block, up to the first blank line."""
    if "\nexamples:\n" not in text:
        return []
    return text.split("\nexamples:\n", 1)[1].split("\n\n", 1)[0].splitlines()


def test_no_help_separates_examples_with_a_bar(capsys):
    for command, text in _help_texts(capsys).items():
        assert " | " not in text, command


MINE = {"lmclassify", "lmclassify classify", "lmclassify evaluate", "lmclassify select", "lmclassify datasheet"}


def test_examples_are_commands_one_a_line(capsys):
    texts = _help_texts(capsys)
    for command in [*MINE, "lmclassify markup", "lmclassify markup check", "lmclassify markup build"]:
        assert _examples(texts[command]), f"{command} --help shows no examples"
    for command, text in texts.items():
        for line in _examples(text):
            assert line.startswith("  lmclassify ") and " lmclassify " not in line[2:], (command, line)


def test_version_prints_the_installed_version(capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["--version"])
    assert stopped.value.code == 0
    assert capsys.readouterr().out == f"lmclassify {importlib.metadata.version('lmclassify')}\n"
    assert lmclassify.__version__ == importlib.metadata.version("lmclassify")


def test_python_m_lmclassify_version():
    result = subprocess.run([sys.executable, "-m", "lmclassify", "--version"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"lmclassify {lmclassify.__version__}\n"
