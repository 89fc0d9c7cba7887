"""Benchmark lmclassify against a plain scikit-learn pipeline, measured in the same run on the same machine.

    python benchmarks/run.py                          # 200,000 sentences; writes benchmarks/results/latest.json
    python benchmarks/run.py --sentences 20000 --output /tmp/quick.json

The reference is ``TfidfVectorizer(ngram_range=(1, 2)) + LogisticRegression`` trained on the train split of the
bundled corpus and loaded with joblib. Measured for both:

- batch throughput: ``classify(list)`` (lmclassify, all cores) and ``predict_proba(list)`` (pipeline) on
  ``--sentences`` sentences made by repeating and perturbing corpus sentences;
- single-call latency: one sentence per call, median and 99th percentile;
- cold start: a new process that imports the library, loads the model and classifies one sentence: wall time and
  peak resident memory (``ru_maxrss``);
- the accurate tier (``benchmarks/accurate_tier.py``), when the ``embeddings`` extra is installed: its
  ``classify(list)`` speed against the default model's, single calls, cold start and installed size;
- model size on disk and training time (lmclassify: ``lmclassify train --no-search --force``, which fits,
  calibrates, compiles and evaluates; the pipeline: ``fit``).

It also times lmclassify's batch path on one thread and on worker processes, the alternatives to threads.
Runs are interleaved (pipeline, lmclassify, pipeline, ...) so that other load on the machine hits both alike;
the headline figure of each measurement is the median of its repeats. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import accurate_tier  # benchmarks/, beside this script
import speed_paths
from speed_paths import machine, make_sentences

RESULTS = Path(__file__).resolve().parent / "results"

#: Goals, as ratios measured in the same run: lmclassify to the pipeline, the CLI to pyarrow I/O around
#: ``classify_many``, and ``classify([text])`` to ``classify(text)``.
GOALS = {
    "batch_speedup": (">=", 2.5),
    "single_latency_speedup": (">=", 25.0),
    "cold_start_time_ratio": ("<=", 0.25),
    "cold_start_memory_ratio": ("<=", 0.5),
    "cli_to_pyarrow_io_ratio": ("<=", 2.0),
    "one_item_list_ratio": ("<=", 1.5),
}
#: Single-call latency targets in µs; absolute, so they hold only for the machine they are reported with.
LATENCY_TARGETS_US = {"short_text_us": 1.5, "sentence_us": 9.0}
#: Batch sizes at which one thread is timed against one thread per core.
THREAD_SIZES = [500, 1000, 2000, 5000, 10_000, 20_000, 50_000, 100_000, 200_000]

_LMCLASSIFY_COLD = """
import time
started = time.perf_counter()
import lmclassify
label = lmclassify.classify({text!r}).label
elapsed = time.perf_counter() - started
"""

_PIPELINE_COLD = """
import time
started = time.perf_counter()
import joblib
pipeline = joblib.load({path!r})
label = pipeline.predict({text_list!r})[0]
elapsed = time.perf_counter() - started
"""

# Peak RSS: VmHWM where /proc has it (ru_maxrss of a child started by a big parent reports the parent's size,
# because Linux carries the high-water mark across fork and exec), ru_maxrss elsewhere.
_REPORT = """
import json, resource, sys
try:
    status = open("/proc/self/status").read().split("\\n")
    peak_bytes = int(next(line for line in status if line.startswith("VmHWM:")).split()[1]) * 1024
except (OSError, StopIteration):
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    peak_bytes = peak if sys.platform == "darwin" else peak * 1024
print(json.dumps({"seconds": elapsed, "peak_rss_bytes": peak_bytes, "label": str(label)}))
"""


def train_pipeline(texts: list[str], labels: list[str]) -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    return make_pipeline(TfidfVectorizer(ngram_range=(1, 2)), LogisticRegression(max_iter=1000)).fit(texts, labels)


def timed(function, *args) -> float:
    started = time.perf_counter()
    function(*args)
    return time.perf_counter() - started


def latencies(function, sentences: list[str], calls: int) -> list[float]:
    """Seconds per call of ``function(sentence)``, over ``calls`` calls cycling through ``sentences``."""
    for sentence in sentences[:50]:  # warm up
        function(sentence)
    seconds = []
    for index in range(calls):
        sentence = sentences[index % len(sentences)]
        started = time.perf_counter()
        function(sentence)
        seconds.append(time.perf_counter() - started)
    return seconds


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def cold_start(code: str, repeats: int) -> dict[str, Any]:
    """Wall time (whole process, interpreter start included) and peak RSS of fresh processes running ``code``."""
    runs = []
    for _ in range(repeats):
        started = time.perf_counter()
        result = subprocess.run(
            [sys.executable, "-c", code + _REPORT],
            capture_output=True,
            text=True,
            check=True,
            cwd=tempfile.gettempdir(),
        )
        wall = time.perf_counter() - started
        report = json.loads(result.stdout.strip().splitlines()[-1])
        runs.append(
            {
                "process_seconds": wall,
                "in_process_seconds": report["seconds"],
                "peak_rss_bytes": report["peak_rss_bytes"],
            }
        )
    return {
        "process_seconds": statistics.median(run["process_seconds"] for run in runs),
        "in_process_seconds": statistics.median(run["in_process_seconds"] for run in runs),
        "peak_rss_bytes": statistics.median(run["peak_rss_bytes"] for run in runs),
        "runs": runs,
    }


def _single_threaded_worker() -> None:
    from lmclassify.runtime import scorer as runtime

    runtime.PARALLEL_MIN_TEXTS = sys.maxsize  # each worker process scores on one thread


def _score_in_worker(texts: list[str]) -> list:
    import lmclassify

    return lmclassify.classify(texts)


def parallel_strategies(model, sentences: list[str], repeats: int) -> dict[str, Any]:
    """lmclassify's batch rate on one thread, on threads (what classify does) and on worker processes."""
    from concurrent.futures import ProcessPoolExecutor

    from lmclassify.runtime import scorer as runtime

    cores = runtime.usable_cores()
    saved = runtime.PARALLEL_MIN_TEXTS
    runtime.PARALLEL_MIN_TEXTS = sys.maxsize
    try:
        one_thread = [timed(model.classify, sentences) for _ in range(repeats)]
    finally:
        runtime.PARALLEL_MIN_TEXTS = saved
    threads = [timed(model.classify, sentences) for _ in range(repeats)]
    step = -(-len(sentences) // (4 * cores))
    chunks = [sentences[start : start + step] for start in range(0, len(sentences), step)]
    with ProcessPoolExecutor(cores, initializer=_single_threaded_worker) as pool:
        list(pool.map(_score_in_worker, [["warm up the worker"]] * cores))  # start workers, load the model

        def in_processes():
            results = []
            for part in pool.map(_score_in_worker, chunks):
                results += part
            return results

        processes = [timed(in_processes) for _ in range(repeats)]
    count = len(sentences)
    return {
        "sentences": count,
        "one_thread_per_second": count / statistics.median(one_thread),
        "threads_per_second": count / statistics.median(threads),
        "processes_per_second": count / statistics.median(processes),
        "workers": cores,
    }


def training_times(data: Path, out: Path) -> dict[str, float]:
    """Seconds to train lmclassify's default configuration and the pipeline on ``data``'s train split."""
    from lmclassify.corpus.load import read_labelled_csv
    from lmclassify.training.data import split_train_test

    started = time.perf_counter()
    command = [sys.executable, "-m", "lmclassify.train", "--data", str(data), "--out", str(out), "--no-search"]
    trained = subprocess.run(
        [*command, "--force"],  # timed, not judged: a tiny benchmark corpus may fall below the quality floor
        capture_output=True,
        text=True,
    )
    lmclassify_seconds = time.perf_counter() - started
    if trained.returncode != 0:
        raise RuntimeError(f"training on {data} failed:\n{trained.stderr}")
    train, _ = split_train_test(read_labelled_csv(data), seed=0)
    started = time.perf_counter()
    train_pipeline(train["text"].tolist(), train["label"].tolist())
    return {"lmclassify_seconds": lmclassify_seconds, "pipeline_seconds": time.perf_counter() - started}


def run(
    sentence_count: int,
    single_calls: int,
    repeats: int,
    cold_repeats: int,
    training_data: Path | None,
    cli_rows: int = 1_000_000,
    memory_texts: int = 1_000_000,
    accurate_sentences: int = 3000,
) -> dict:
    import joblib

    import lmclassify
    from lmclassify.corpus.load import load_corpus
    from lmclassify.resources import default_corpus_path, default_model_path

    info = machine()
    corpus = load_corpus()
    train = corpus[corpus["split"] == "train"]
    texts = corpus["text"].tolist()
    sentences = make_sentences(texts, sentence_count)
    model = lmclassify.default_model()
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        pipeline = train_pipeline(train["text"].tolist(), train["label"].tolist())
        pipeline_path = folder / "pipeline.joblib"
        joblib.dump(pipeline, pipeline_path, compress=3)
        pipeline = joblib.load(pipeline_path)

        print(f"batch: {sentence_count} sentences, {repeats} repeats each ...", file=sys.stderr)
        model.classify(sentences[:1000])
        pipeline.predict_proba(sentences[:1000])
        pipeline_batch, lmclassify_batch = [], []
        for _ in range(repeats):
            pipeline_batch.append(timed(pipeline.predict_proba, sentences))
            lmclassify_batch.append(timed(model.classify, sentences))

        print(f"single calls: {single_calls} each ...", file=sys.stderr)
        pipeline_single = latencies(lambda text: pipeline.predict_proba([text]), texts, single_calls)
        lmclassify_single = latencies(model.classify, texts, single_calls)

        print(f"cold start: {cold_repeats} fresh processes each ...", file=sys.stderr)
        probe = "Prepare the quarterly budget and track spending against it."
        pipeline_cold = cold_start(_PIPELINE_COLD.format(path=str(pipeline_path), text_list=[probe]), cold_repeats)
        lmclassify_cold = cold_start(_LMCLASSIFY_COLD.format(text=probe), cold_repeats)

        print("parallel strategies ...", file=sys.stderr)
        strategies = parallel_strategies(model, sentences, repeats)
        sizes = [size for size in THREAD_SIZES if size <= sentence_count] or [sentence_count]
        threads = speed_paths.thread_policy(model, sentences, sizes, max(repeats, 5))

        print("single-call paths ...", file=sys.stderr)
        calls = speed_paths.single_calls(model, sentences, single_calls)

        print(f"lmclassify classify on {cli_rows:,} CSV rows against pyarrow I/O ...", file=sys.stderr)
        cli = speed_paths.cli_against_io(cli_rows, repeats)

        print(f"memory for {memory_texts:,} texts ...", file=sys.stderr)
        memory = speed_paths.many_texts_memory(memory_texts)

        accurate = None
        if importlib.util.find_spec("onnxruntime") is not None:
            print(f"accurate tier on {accurate_sentences:,} sentences ...", file=sys.stderr)
            accurate = accurate_tier.measure(accurate_sentences, min(single_calls, 300), repeats)

        print("training ...", file=sys.stderr)
        training = training_times(training_data or default_corpus_path(), folder / "trained")
        model_sizes = {
            "lmclassify_bytes": default_model_path().stat().st_size,
            "pipeline_bytes": pipeline_path.stat().st_size,
        }

    results: dict[str, Any] = {
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": info,
        "settings": {
            "sentences": sentence_count,
            "single_calls": single_calls,
            "repeats": repeats,
            "cold_start_repeats": cold_repeats,
            "pipeline": "TfidfVectorizer(ngram_range=(1, 2)) + LogisticRegression(max_iter=1000), joblib compress=3",
            "training_data": str(training_data or "bundled corpus"),
        },
        "batch": {
            "lmclassify_per_second": sentence_count / statistics.median(lmclassify_batch),
            "pipeline_per_second": sentence_count / statistics.median(pipeline_batch),
            "lmclassify_seconds": lmclassify_batch,
            "pipeline_seconds": pipeline_batch,
        },
        "single": {
            "lmclassify_median_us": statistics.median(lmclassify_single) * 1e6,
            "lmclassify_p99_us": percentile(lmclassify_single, 0.99) * 1e6,
            "pipeline_median_us": statistics.median(pipeline_single) * 1e6,
            "pipeline_p99_us": percentile(pipeline_single, 0.99) * 1e6,
        },
        "cold_start": {"lmclassify": lmclassify_cold, "pipeline": pipeline_cold},
        "parallel_strategies": strategies,
        "thread_policy": threads,
        "single_paths": calls,
        "cli_against_io": cli,
        "many_texts_memory": memory,
        "accurate_tier": accurate,  # None without the embeddings extra
        "model_size": model_sizes,
        "training": training,
    }
    results["machine"]["load_average_at_end"] = list(os.getloadavg()) if hasattr(os, "getloadavg") else None
    ratios = {
        "batch_speedup": results["batch"]["lmclassify_per_second"] / results["batch"]["pipeline_per_second"],
        "single_latency_speedup": results["single"]["pipeline_median_us"] / results["single"]["lmclassify_median_us"],
        "cold_start_time_ratio": lmclassify_cold["process_seconds"] / pipeline_cold["process_seconds"],
        "cold_start_memory_ratio": lmclassify_cold["peak_rss_bytes"] / pipeline_cold["peak_rss_bytes"],
        "model_size_ratio": model_sizes["lmclassify_bytes"] / model_sizes["pipeline_bytes"],
        "cli_to_pyarrow_io_ratio": cli.get("ratio"),  # None when pyarrow is missing
        "one_item_list_ratio": calls["one_item_list_ratio"],
        "training_time_ratio": training["lmclassify_seconds"] / training["pipeline_seconds"],
    }
    results["ratios"] = ratios
    results["goals"] = {
        name: {
            "target": f"{sign} {bound:g}",
            "measured": ratios[name],
            "met": None  # not measured
            if ratios[name] is None
            else ratios[name] >= bound
            if sign == ">="
            else ratios[name] <= bound,
        }
        for name, (sign, bound) in GOALS.items()
    }
    results["latency_targets"] = {
        name: {"target_us": bound, "measured_us": calls[name], "met_on_this_machine": calls[name] <= bound}
        for name, bound in LATENCY_TARGETS_US.items()
    }
    return results


def table(results: dict) -> str:
    """The results as a plain-text table."""
    batch, single, cold = results["batch"], results["single"], results["cold_start"]
    sizes, training, ratios = results["model_size"], results["training"], results["ratios"]
    lm_cold, pipe_cold = cold["lmclassify"], cold["pipeline"]
    rows = [
        ("batch sentences/s", f"{batch['lmclassify_per_second']:,.0f}", f"{batch['pipeline_per_second']:,.0f}",
         f"{ratios['batch_speedup']:.2f}x faster"),
        ("single call median µs", f"{single['lmclassify_median_us']:.1f}", f"{single['pipeline_median_us']:.1f}",
         f"{ratios['single_latency_speedup']:.1f}x faster"),
        ("single call p99 µs", f"{single['lmclassify_p99_us']:.1f}", f"{single['pipeline_p99_us']:.1f}", ""),
        ("cold start s", f"{lm_cold['process_seconds']:.3f}", f"{pipe_cold['process_seconds']:.3f}",
         f"{ratios['cold_start_time_ratio']:.2f}x the time"),
        ("cold start peak RSS MB", f"{lm_cold['peak_rss_bytes'] / 1e6:.1f}", f"{pipe_cold['peak_rss_bytes'] / 1e6:.1f}",
         f"{ratios['cold_start_memory_ratio']:.2f}x the memory"),
        ("model size MB", f"{sizes['lmclassify_bytes'] / 1e6:.2f}", f"{sizes['pipeline_bytes'] / 1e6:.2f}",
         f"{ratios['model_size_ratio']:.2f}x"),
        ("training s", f"{training['lmclassify_seconds']:.1f}", f"{training['pipeline_seconds']:.1f}",
         f"{ratios['training_time_ratio']:.1f}x"),
    ]  # fmt: skip
    width = [max(len(row[i]) for row in [("", "lmclassify", "pipeline", "ratio"), *rows]) for i in range(4)]
    lines = [
        "  ".join(cell.ljust(width[i]) if i == 0 else cell.rjust(width[i]) for i, cell in enumerate(row))
        for row in [("", "lmclassify", "pipeline", "ratio"), *rows]
    ]
    strategies = results["parallel_strategies"]
    lines.append(
        f"lmclassify batch on one thread {strategies['one_thread_per_second']:,.0f}/s, "
        f"{strategies['workers']} threads {strategies['threads_per_second']:,.0f}/s, "
        f"{strategies['workers']} processes {strategies['processes_per_second']:,.0f}/s"
    )
    lines.extend(speed_paths.summary_lines(results))
    if results.get("accurate_tier"):
        lines.extend(accurate_tier.summary_lines(results["accurate_tier"]))
    else:
        lines.append("accurate tier: not measured (the embeddings extra is not installed)")
    for name, goal in results["goals"].items():
        if goal["measured"] is None:
            lines.append(f"goal {name} {goal['target']}: not measured")
        else:
            lines.append(
                f"goal {name} {goal['target']}: {goal['measured']:.2f} -> {'met' if goal['met'] else 'NOT met'}"
            )
    m = results["machine"]
    load = m["load_average_at_start"]
    lines.append(
        f"machine: {m['cpu']}, {m['usable_cores']} usable cores, Python {m['python']}, numpy {m['numpy']}"
        + (f", load average {load[0]:.2f} at start" if load else "")
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sentences", type=int, default=200_000, help="sentences in the batch (default 200000)")
    parser.add_argument("--single-calls", type=int, default=3000, help="single-sentence calls timed (default 3000)")
    parser.add_argument("--repeats", type=int, default=3, help="repeats of each batch measurement (default 3)")
    parser.add_argument("--cold-repeats", type=int, default=5, help="fresh processes per cold start (default 5)")
    parser.add_argument("--training-data", type=Path, help="labelled CSV to time training on (default: the corpus)")
    parser.add_argument("--cli-rows", type=int, default=1_000_000, help="CSV rows for the CLI (default 1000000)")
    parser.add_argument("--memory-texts", type=int, default=1_000_000, help="texts for memory (default 1000000)")
    parser.add_argument("--accurate-sentences", type=int, default=3000, help="accurate-tier batch (default 3000)")
    parser.add_argument("--output", type=Path, default=RESULTS / "latest.json", help="where to write the JSON")
    args = parser.parse_args(argv)
    if min(args.sentences, args.single_calls, args.repeats, args.cold_repeats, args.cli_rows, args.memory_texts) < 1:
        parser.error(
            "--sentences, --single-calls, --repeats, --cold-repeats, --cli-rows and --memory-texts must be at least 1"
        )
    results = run(
        args.sentences,
        args.single_calls,
        args.repeats,
        args.cold_repeats,
        args.training_data,
        args.cli_rows,
        args.memory_texts,
        args.accurate_sentences,
    )
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(table(results))
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
