"""The C scorer, built with AddressSanitizer and UndefinedBehaviorSanitizer, survives hostile texts and crafted
model parts (tests/fuzz/asan_scorer.py) without a memory error."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import numpy as np
import pytest
from conftest import REPO

pytestmark = pytest.mark.slow
SOURCE = REPO / "src" / "lmclassify" / "runtime" / "_fastscore.c"  # the checkout's: an installed wheel has no C
FUZZER = Path(__file__).parents[1] / "fuzz" / "asan_scorer.py"


def _sanitizer_library() -> str | None:
    compiler = shutil.which("gcc")
    if compiler is None:
        return None
    found = subprocess.run([compiler, "-print-file-name=libasan.so"], capture_output=True, text=True).stdout.strip()
    return found if found and Path(found).exists() else None


def test_the_scorer_has_no_memory_errors_under_address_sanitizer(tmp_path):
    library = _sanitizer_library()
    if library is None or not SOURCE.exists():
        pytest.skip("needs gcc with AddressSanitizer and the C source")
    built = tmp_path / f"_fastscore{sysconfig.get_config_var('EXT_SUFFIX')}"
    include = [f"-I{sysconfig.get_paths()['include']}", f"-I{np.get_include()}"]
    flags = ["-shared", "-fPIC", "-g", "-O1", "-fno-omit-frame-pointer", "-fsanitize=address,undefined"]
    compiled = subprocess.run(["gcc", *flags, *include, str(SOURCE), "-o", str(built)], capture_output=True, text=True)
    assert compiled.returncode == 0, compiled.stderr
    environment = {
        **os.environ,
        "LD_PRELOAD": library,
        "ASAN_OPTIONS": "detect_leaks=0:abort_on_error=1",
        "UBSAN_OPTIONS": "halt_on_error=1:print_stacktrace=1",
    }
    result = subprocess.run(
        [sys.executable, str(FUZZER), str(built), "15"], capture_output=True, text=True, env=environment, timeout=300
    )
    assert result.returncode == 0 and "fuzzed" in result.stdout, result.stderr[-4000:]
    assert "AddressSanitizer" not in result.stderr and "runtime error" not in result.stderr, result.stderr[-4000:]
