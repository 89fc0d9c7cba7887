"""benchmarks/run.py runs end to end on a tiny input and writes every figure it promises."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys

import pytest
from conftest import REPO

SCRIPT = REPO / "benchmarks" / "run.py"


@pytest.mark.slow
def test_a_tiny_benchmark_writes_all_fields(tmp_path, small_corpus_csv):
    output = tmp_path / "result.json"
    command = [
        sys.executable,
        str(SCRIPT),
        *("--sentences", "300", "--single-calls", "30", "--repeats", "1", "--cold-repeats", "1"),
        *("--cli-rows", "400", "--memory-texts", "500", "--accurate-sentences", "60"),
        *("--training-data", str(small_corpus_csv), "--output", str(output)),
    ]
    completed = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert completed.returncode == 0, completed.stderr
    assert "batch sentences/s" in completed.stdout and str(output) in completed.stdout
    results = json.loads(output.read_text())
    for key in ("cpu", "cores", "usable_cores", "python", "numpy", "scikit_learn", "lmclassify_extension"):
        assert key in results["machine"]
    assert results["settings"]["sentences"] == 300
    for section, fields in {
        "batch": ("lmclassify_per_second", "pipeline_per_second"),
        "single": ("lmclassify_median_us", "lmclassify_p99_us", "pipeline_median_us", "pipeline_p99_us"),
        "parallel_strategies": ("one_thread_per_second", "threads_per_second", "processes_per_second"),
        "model_size": ("lmclassify_bytes", "pipeline_bytes"),
        "single_paths": ("short_text_us", "sentence_us", "sentence_scoring_us", "one_item_list_us", "same_sentence_us"),
        "training": ("lmclassify_seconds", "pipeline_seconds"),
    }.items():
        for field in fields:
            assert results[section][field] > 0, (section, field)
    for library in ("lmclassify", "pipeline"):
        cold = results["cold_start"][library]
        assert cold["process_seconds"] > 0 and cold["peak_rss_bytes"] > 1_000_000
    assert set(results["goals"]) == {
        "batch_speedup",
        "single_latency_speedup",
        "cold_start_time_ratio",
        "cold_start_memory_ratio",
        "cli_to_pyarrow_io_ratio",
        "one_item_list_ratio",
    }
    cli = results["cli_against_io"]
    assert cli["rows"] == 400
    if importlib.util.find_spec("pyarrow") is None:  # the oldest-versions run has no parquet extra
        assert "pyarrow" in cli["skipped"] and results["goals"]["cli_to_pyarrow_io_ratio"]["met"] is None
        assert "not measured" in completed.stdout
    else:
        assert 0 <= cli["largest_probability_difference"] <= 1e-9
        for field in ("ratio", "cli_peak_rss_bytes", "cli_peak_rss_bytes_tenth_of_the_rows"):
            assert cli[field] > 0, field
    for name in ("classify_many", "predictions"):
        assert results["many_texts_memory"][name]["peak_rss_bytes"] > 1_000_000
    assert results["many_texts_memory"]["classify_many"]["array_bytes"] == 500 * 35
    assert [row["texts"] for row in results["thread_policy"]["sizes"]] == [300]
    assert all(row["speedup"] > 0 for row in results["thread_policy"]["sizes"])
    assert set(results["latency_targets"]) == {"short_text_us", "sentence_us"}
    assert all(
        isinstance(goal["met"], bool) for name, goal in results["goals"].items() if name != "cli_to_pyarrow_io_ratio"
    )
    assert results["ratios"]["model_size_ratio"] > 0
    accurate = results["accurate_tier"]
    if importlib.util.find_spec("onnxruntime") is None:  # no embeddings extra
        assert accurate is None and "accurate tier: not measured" in completed.stdout
    else:
        assert accurate["sentences"] == 60 and "accurate tier: classify(list)" in completed.stdout
        for field in ("accurate_per_second", "default_per_second", "single_median_ms", "cold_start_peak_rss_bytes"):
            assert accurate[field] > 0, field
        assert accurate["extra_installed"]["packages"]["onnxruntime"] > 1_000_000
        assert "scikit-learn" not in accurate["extra_installed"]["packages"]  # core dependencies are not counted


def test_bad_sizes_are_refused(tmp_path):
    completed = subprocess.run(
        [sys.executable, str(SCRIPT), "--sentences", "0", "--output", str(tmp_path / "x.json")],
        capture_output=True,
        text=True,
    )
    assert completed.returncode == 2 and "at least 1" in completed.stderr
    assert not (tmp_path / "x.json").exists()
