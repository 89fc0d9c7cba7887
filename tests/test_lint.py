"""`ruff check` is part of the suite, so the one test command also enforces the style rules."""

import subprocess
from pathlib import Path

import pytest
from conftest import REPO, installed_script


def test_ruff_check_is_clean():
    ruff = installed_script("ruff")
    if not Path(ruff).is_file():
        pytest.skip("ruff is not installed (it comes with the dev extra)")
    result = subprocess.run([ruff, "check", "."], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
