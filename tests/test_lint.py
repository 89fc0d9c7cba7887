"""The style and type gates are part of the suite, so the one test command enforces them: ruff (pinned in the dev
extra) for lint and formatting, and mypy (configured in pyproject.toml) for the package's types."""

import subprocess
from pathlib import Path

import pytest
from conftest import REPO, installed_script


def _run(tool: str, *args: str) -> subprocess.CompletedProcess:
    executable = installed_script(tool)
    if not Path(executable).is_file():
        pytest.skip(f"{tool} is not installed (it comes with the dev extra)")
    return subprocess.run([executable, *args], cwd=REPO, capture_output=True, text=True)


def test_ruff_check_is_clean():
    result = _run("ruff", "check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_leaves_every_file_as_it_is():
    result = _run("ruff", "format", "--check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_finds_no_type_errors_in_the_package():
    result = _run("mypy")
    assert result.returncode == 0, result.stdout + result.stderr
