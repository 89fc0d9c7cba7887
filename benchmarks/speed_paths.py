"""The paths users wait on, each against a reference measured in the same run (used by ``benchmarks/run.py``).

- ``lmclassify classify`` on a large CSV against pyarrow I/O around the fastest Python call: a fresh process
  that reads the CSV with pyarrow, classifies the text column with ``classify_many`` and writes the same columns
  with pyarrow. Both run as fresh processes, interleaved; the CLI's output is checked against the reference's.
- Single calls: ``classify(short text)``, ``classify(sentence)`` and ``classify([sentence])``.
- Memory for many texts: ``classify_many`` against a list of ``Prediction`` objects, each in a fresh process.
- Threads against one thread across batch sizes, the measurement behind ``PARALLEL_MIN_TEXTS``.
- ``machine()``: what the figures were measured on.

    python benchmarks/speed_paths.py --rows 1000000          # the CLI ratio alone, printed as JSON
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    import os
    import platform

    import numpy as np
    import sklearn

    import lmclassify
    from lmclassify.evaluation.machine import cpu_model
    from lmclassify.runtime import scorer as runtime

    return {
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "usable_cores": runtime.usable_cores(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scikit_learn": sklearn.__version__,
        "lmclassify": lmclassify.__version__,
        "lmclassify_extension": runtime.extension_available(),
        "load_average_at_start": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
    }


#: The short text of the single-call goal.
SHORT_TEXT = "Inspire the team."

# Each child writes its own peak RSS (VmHWM, which exec resets) to the file named by its first argument: the
# ru_maxrss that wait4 reports for a child of a large parent is the parent's size.
_PEAK = """
def write_peak(path):
    status = open("/proc/self/status").read().split("\\n")
    with open(path, "w") as handle:
        handle.write(next(line for line in status if line.startswith("VmHWM:")).split()[1])
"""

_CLI_SCRIPT = (
    _PEAK
    + """
import sys
from lmclassify.cli import main
code = main(sys.argv[2:])
write_peak(sys.argv[1])
sys.exit(code)
"""
)

_REFERENCE_SCRIPT = (
    _PEAK
    + """
import csv, sys
import pyarrow as pa, pyarrow.csv as pacsv
import lmclassify
peak, source, target = sys.argv[1:4]
with open(source, encoding="utf-8", newline="") as handle:
    names = next(csv.reader(handle))
table = pacsv.read_csv(source, convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names}))
result = lmclassify.classify_many(table.column("text").to_pylist())
for name, values in result.columns().items():
    table = table.append_column(name, pa.array(values))
pacsv.write_csv(table, target)
write_peak(peak)
"""
)

_MEMORY_SCRIPT = """
import json, sys
sys.path.insert(0, {benchmarks!r})
from speed_paths import make_sentences
import lmclassify
from lmclassify.corpus.load import load_corpus

def resident():
    status = open("/proc/self/status").read().split("\\n")
    field = lambda key: int(next(l for l in status if l.startswith(key)).split()[1]) * 1024
    return field("VmRSS:"), field("VmHWM:")

texts = make_sentences(load_corpus()["text"].tolist(), {count})
model = lmclassify.default_model()
model.classify(texts[:1000])
before, _ = resident()
result = model.classify_many(texts) if {lean} else model.classify(texts)
after, peak = resident()
print(json.dumps({{"held_bytes": after - before, "peak_rss_bytes": peak,
                  "array_bytes": result.nbytes if {lean} else None}}))
"""


def make_sentences(texts: list[str], count: int, seed: int = 0) -> list[str]:
    """``count`` sentences: corpus sentences in turn, each perturbed a little (case, a dropped word, a number)."""
    generator = random.Random(seed)
    sentences = []
    for index in range(count):
        words = texts[index % len(texts)].split()
        change = generator.randrange(4)
        if change == 1:
            words[0] = words[0].lower()
        elif change == 2 and len(words) > 3:
            del words[generator.randrange(len(words))]
        elif change == 3:
            words.append(f"(ref. {generator.randrange(10_000)})")
        sentences.append(" ".join(words))
    return sentences


def write_csv(path: Path, rows: int) -> None:
    """A CSV of ``rows`` rows (id, text, source): perturbed corpus sentences, a comma-bearing source column."""
    from lmclassify.corpus.load import load_corpus

    sentences = make_sentences(load_corpus()["text"].tolist(), rows)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle, lineterminator="\n")
        out.writerow(["id", "text", "source"])
        out.writerows(
            (f"r{row}", text, "letters" if row % 3 else "reports, annual") for row, text in enumerate(sentences)
        )


def _run_timed(script: str, arguments: list[str]) -> tuple[float, int]:
    """Wall seconds and peak resident bytes of ``python -c script PEAK_FILE *arguments`` (Linux)."""
    with tempfile.TemporaryDirectory() as folder:
        peak_file = Path(folder) / "peak"
        command = [sys.executable, "-c", script, str(peak_file), *arguments]
        started = time.perf_counter()
        completed = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        seconds = time.perf_counter() - started
        if completed.returncode != 0:
            raise RuntimeError(f"{' '.join(arguments)} failed ({completed.returncode}):\n{completed.stderr}")
        return seconds, int(peak_file.read_text()) * 1024


def _largest_difference(cli_output: Path, reference_output: Path) -> float:
    import numpy as np
    import pandas as pd

    columns = ["confidence", "p_management", "p_leadership", "p_neither", "function_confidence"]
    ours = pd.read_csv(cli_output, usecols=[*columns, "label", "function"], engine="pyarrow")
    theirs = pd.read_csv(reference_output, usecols=[*columns, "label", "function"], engine="pyarrow")
    if not (
        ours["label"].equals(theirs["label"]) and ours["function"].fillna("").equals(theirs["function"].fillna(""))
    ):
        raise RuntimeError("the CLI's labels differ from classify_many's")
    return float(np.nanmax(np.abs(ours[columns].to_numpy() - theirs[columns].to_numpy())))


def cli_against_io(rows: int, repeats: int) -> dict[str, Any]:
    """``lmclassify classify`` on a ``rows``-row CSV against pyarrow read + ``classify_many`` + pyarrow write,
    both fresh processes, interleaved ``repeats`` times; and the CLI's peak memory on a file a tenth as long.
    Without pyarrow (the parquet extra) the reference cannot run: the result then says why it was skipped."""
    if importlib.util.find_spec("pyarrow") is None:
        return {"rows": rows, "skipped": 'the reference needs pyarrow: pip install "lmclassify[parquet]"'}
    with tempfile.TemporaryDirectory() as folder:
        source, short = Path(folder) / "rows.csv", Path(folder) / "short.csv"
        write_csv(source, rows)
        write_csv(short, max(rows // 10, 1))
        cli_output, reference_output = Path(folder) / "cli.csv", Path(folder) / "reference.csv"
        cli = ["classify", "--input", str(source), "--output", str(cli_output)]
        cli_runs, reference_runs = [], []
        for _ in range(repeats):
            reference_runs.append(_run_timed(_REFERENCE_SCRIPT, [str(source), str(reference_output)]))
            cli_runs.append(_run_timed(_CLI_SCRIPT, cli))
        difference = _largest_difference(cli_output, reference_output)
        _, short_peak = _run_timed(_CLI_SCRIPT, ["classify", "--input", str(short), "--output", str(cli_output)])
        size = source.stat().st_size
    cli_seconds = statistics.median(seconds for seconds, _ in cli_runs)
    reference_seconds = statistics.median(seconds for seconds, _ in reference_runs)
    return {
        "rows": rows,
        "file_bytes": size,
        "cli_seconds": [seconds for seconds, _ in cli_runs],
        "reference_seconds": [seconds for seconds, _ in reference_runs],
        "ratio": cli_seconds / reference_seconds,
        "cli_peak_rss_bytes": max(peak for _, peak in cli_runs),
        "cli_peak_rss_bytes_tenth_of_the_rows": short_peak,
        "reference_peak_rss_bytes": max(peak for _, peak in reference_runs),
        "largest_probability_difference": difference,
    }


def _median_call(function: Any, argument: Any, calls: int, repeats: int = 7) -> float:
    """Median over ``repeats`` of the mean seconds per call of ``function(argument)`` over ``calls`` calls."""
    for _ in range(100):
        function(argument)
    means = []
    for _ in range(repeats):
        started = time.perf_counter()
        for _ in range(calls):
            function(argument)
        means.append((time.perf_counter() - started) / calls)
    return statistics.median(means)


def _median_cycle(function: Any, arguments: list[Any], repeats: int = 7) -> float:
    """Median over ``repeats`` of the mean seconds per call of ``function(argument)`` over every argument."""
    means = []
    for _ in range(repeats):
        started = time.perf_counter()
        for argument in arguments:
            function(argument)
        means.append((time.perf_counter() - started) / len(arguments))
    return statistics.median(means)


def single_calls(model: Any, sentences: list[str], calls: int) -> dict[str, Any]:
    """Mean µs per call (median of repeats), without a timer around each call:

    - ``short_text_us``: one short text again and again;
    - ``sentence_us``: a run of ``calls`` different benchmark sentences, one call each (a new text each time,
      as real use has it: the model's rows for its words are not in the CPU cache yet);
    - ``sentence_scoring_us``: the C scorer alone on the same sentences (what a call costs without the checks and
      the Prediction);
    - ``one_item_list_us``: ``classify([sentence])`` on the same sentences; its ratio to ``sentence_us``;
    - ``same_sentence_us``: one benchmark sentence again and again (warm caches).
    """
    cycle = sentences[: max(calls, 1)]
    listed = [[text] for text in cycle]
    _median_cycle(model.classify, cycle, 1)  # warm up
    sentence = _median_cycle(model.classify, cycle)
    one_item_list = _median_cycle(model.classify, listed)
    scoring = _median_cycle(model.scorer.probabilities, cycle)
    return {
        "short_text": SHORT_TEXT,
        "short_text_us": _median_call(model.classify, SHORT_TEXT, calls) * 1e6,
        "sentences": len(cycle),
        "sentence_us": sentence * 1e6,
        "sentence_scoring_us": scoring * 1e6,
        "one_item_list_us": one_item_list * 1e6,
        "one_item_list_ratio": one_item_list / sentence,
        "same_sentence_us": _median_call(model.classify, cycle[0], calls) * 1e6,
    }


def many_texts_memory(count: int) -> dict[str, Any]:
    """Memory held by the results of ``count`` texts, and the process peak: ``classify_many`` against a list of
    Predictions, each measured in a fresh process (Linux: /proc/self/status)."""
    benchmarks = str(Path(__file__).resolve().parent)
    found = {}
    for name, lean in (("classify_many", True), ("predictions", False)):
        script = _MEMORY_SCRIPT.format(benchmarks=benchmarks, count=count, lean=lean)
        completed = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
        found[name] = json.loads(completed.stdout)
    return {"texts": count, **found}


def thread_policy(model: Any, sentences: list[str], sizes: list[int], repeats: int) -> dict[str, Any]:
    """Texts per second of ``predict_proba`` on one thread and on one thread per core, for each batch size,
    interleaved; the speed-up of threads at each size."""
    from lmclassify.runtime import scorer as runtime

    saved = runtime.PARALLEL_MIN_TEXTS
    rows = []
    try:
        for size in sizes:
            batch = sentences[:size]
            one, many = [], []
            for _ in range(repeats):
                for threshold, times in ((sys.maxsize, one), (0, many)):
                    runtime.PARALLEL_MIN_TEXTS = threshold
                    started = time.perf_counter()
                    model.predict_proba(batch)
                    times.append(time.perf_counter() - started)
            rows.append(
                {
                    "texts": len(batch),
                    "one_thread_per_second": len(batch) / statistics.median(one),
                    "threads_per_second": len(batch) / statistics.median(many),
                    "speedup": statistics.median(one) / statistics.median(many),
                }
            )
    finally:
        runtime.PARALLEL_MIN_TEXTS = saved
    return {"cores": runtime.usable_cores(), "threshold_in_use": saved, "sizes": rows}


def summary_lines(results: dict[str, Any]) -> list[str]:
    """Lines for people about the measurements above, from ``benchmarks/run.py``'s results."""
    calls, cli, memory = results["single_paths"], results["cli_against_io"], results["many_texts_memory"]
    lean, full, policy = memory["classify_many"], memory["predictions"], results["thread_policy"]
    if "skipped" in cli:
        cli_line = f"lmclassify classify against pyarrow I/O: not measured ({cli['skipped']})"
    else:
        cli_line = (
            f"lmclassify classify, {cli['rows']:,} rows ({cli['file_bytes'] / 1e6:.0f} MB): "
            f"{statistics.median(cli['cli_seconds']):.1f} s against pyarrow I/O + classify_many "
            f"{statistics.median(cli['reference_seconds']):.1f} s ({cli['ratio']:.2f}x); peak RSS "
            f"{cli['cli_peak_rss_bytes'] / 1e6:.0f} MB ({cli['cli_peak_rss_bytes_tenth_of_the_rows'] / 1e6:.0f} MB "
            f"on a tenth of the rows); largest probability difference {cli['largest_probability_difference']:.1e}"
        )
    lines = [
        f"single calls: {calls['short_text']!r} {calls['short_text_us']:.2f} µs; {calls['sentences']:,} different "
        f"sentences {calls['sentence_us']:.2f} µs each (C scoring alone {calls['sentence_scoring_us']:.2f} µs), "
        f"[sentence] {calls['one_item_list_us']:.2f} µs ({calls['one_item_list_ratio']:.2f}x); one sentence "
        f"repeated {calls['same_sentence_us']:.2f} µs",
        cli_line,
        f"{memory['texts']:,} texts: classify_many holds {lean['held_bytes'] / 2**20:.1f} MiB, arrays "
        f"{lean['array_bytes'] / 2**20:.1f} MiB (peak "
        f"{lean['peak_rss_bytes'] / 2**20:.0f} MiB), a list of Predictions {full['held_bytes'] / 2**20:.1f} MiB "
        f"(peak {full['peak_rss_bytes'] / 2**20:.0f} MiB)",
        f"threads ({policy['cores']} cores) against one thread, by batch size: "
        + ", ".join(f"{row['texts']:,} {row['speedup']:.2f}x" for row in policy["sizes"]),
    ]
    for name, target in results["latency_targets"].items():
        lines.append(
            f"target {name} <= {target['target_us']} µs: {target['measured_us']:.2f} -> "
            f"{'met' if target['met_on_this_machine'] else 'NOT met'} on this machine"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="lmclassify classify against pyarrow I/O around classify_many")
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows of the CSV (default 1000000)")
    parser.add_argument("--repeats", type=int, default=3, help="interleaved runs of each (default 3)")
    args = parser.parse_args(argv)
    print(json.dumps(cli_against_io(args.rows, args.repeats), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
