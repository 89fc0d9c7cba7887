"""Benchmark the accurate tier (TF-IDF + sentence embeddings) against the default model, in the same run.

    python benchmarks/accurate_tier.py                 # writes benchmarks/results/accurate-latest.json
    python benchmarks/accurate_tier.py --sentences 1000 --output /tmp/accurate.json

``benchmarks/run.py`` runs the same measurements as part of its report. Measured, on distinct sentences (made by
perturbing corpus sentences, so that the encoder's cache never answers):

- ``classify(list)`` sentences per second, accurate and default (the reference), each on a freshly loaded model;
- single-call latency (one new sentence per call), median and 99th percentile;
- cold start: a new process that loads the accurate model and classifies one sentence, its time and peak RSS;
- the accurate model's file size and the installed size of the ``embeddings`` extra (onnxruntime and what it
  pulls in beyond lmclassify's own dependencies).

Goal: at least :data:`GOAL_PER_SECOND` sentences per second on 2 cores (absolute: it holds for the machine it is
reported with). Needs ``pip install "lmclassify[embeddings]"``.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path
from typing import Any

from speed_paths import machine, make_sentences

RESULTS = Path(__file__).resolve().parent / "results"
#: Sentences per second the accurate tier should reach on 2 cores.
GOAL_PER_SECOND = 300.0

_COLD = """
import time
started = time.perf_counter()
import lmclassify
label = lmclassify.load_model("accurate").classify({text!r}).label
elapsed = time.perf_counter() - started
status = open("/proc/self/status").read().split("\\n")
peak = int(next(line for line in status if line.startswith("VmHWM:")).split()[1]) * 1024
import json
print(json.dumps({{"seconds": elapsed, "peak_rss_bytes": peak, "label": label}}))
"""


def _requirement_names(distribution: str) -> set[str]:
    names = set()
    for requirement in metadata.requires(distribution) or []:
        if "extra ==" in requirement:
            continue
        names.add(re.split(r"[ ;<>=!~\[(]", requirement, maxsplit=1)[0].lower().replace("_", "-"))
    return names


def _closure(names: set[str]) -> set[str]:
    seen: set[str] = set()
    todo = list(names)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        try:
            metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        seen.add(name)
        todo.extend(_requirement_names(name))
    return seen


def extra_installed_bytes() -> dict[str, Any]:
    """Bytes on disk of the ``embeddings`` extra's packages that lmclassify's core does not need anyway."""
    core = _closure(_requirement_names("lmclassify"))
    extra = _closure({"onnxruntime"}) - core
    sizes = {}
    for name in sorted(extra):
        files = metadata.distribution(name).files or []
        sizes[name] = sum(file.locate().stat().st_size for file in files if Path(file.locate()).is_file())
    return {"packages": sizes, "total_bytes": sum(sizes.values())}


def _throughput(load, sentences: list[str], repeats: int) -> list[float]:
    seconds = []
    for index in range(repeats):
        model = load()  # fresh: an empty embedding cache
        batch = [f"{text} ({index})" for text in sentences]
        started = time.perf_counter()
        model.classify(batch)
        seconds.append(time.perf_counter() - started)
    return seconds


def measure(sentence_count: int = 3000, single_calls: int = 300, repeats: int = 3, cold_repeats: int = 3) -> dict:
    """The accurate tier's figures, with the default model measured alongside as the reference."""
    import lmclassify
    from lmclassify.corpus.load import load_corpus
    from lmclassify.resources import bundled_model_path

    texts = load_corpus()["text"].tolist()
    sentences = make_sentences(texts, sentence_count)
    accurate_seconds = _throughput(lambda: lmclassify.load_model("accurate"), sentences, repeats)
    default_seconds = _throughput(lambda: lmclassify.load_model("default"), sentences, repeats)
    model = lmclassify.load_model("accurate")
    model.classify("Warm up the encoder.")
    single = []
    for index, text in enumerate(make_sentences(texts[::-1], single_calls)):
        started = time.perf_counter()
        model.classify(f"{text} [{index}]")
        single.append(time.perf_counter() - started)
    cold = []
    for _ in range(cold_repeats):
        started = time.perf_counter()
        output = subprocess.run(
            [sys.executable, "-c", _COLD.format(text="Inspire the team.")], capture_output=True, text=True, check=True
        ).stdout
        cold.append({**json.loads(output), "process_seconds": time.perf_counter() - started})
    accurate_rate = sentence_count / statistics.median(accurate_seconds)
    default_rate = sentence_count / statistics.median(default_seconds)
    single.sort()
    return {
        "sentences": sentence_count,
        "accurate_per_second": accurate_rate,
        "default_per_second": default_rate,
        "accurate_to_default_speed": accurate_rate / default_rate,
        "accurate_seconds": accurate_seconds,
        "default_seconds": default_seconds,
        "single_median_ms": statistics.median(single) * 1e3,
        "single_p99_ms": single[min(len(single) - 1, int(0.99 * len(single)))] * 1e3,
        "cold_start_seconds": statistics.median(row["process_seconds"] for row in cold),
        "cold_start_peak_rss_bytes": statistics.median(row["peak_rss_bytes"] for row in cold),
        "model_bytes": bundled_model_path("accurate").stat().st_size,
        "extra_installed": extra_installed_bytes(),
        "goal": {
            "target_per_second": GOAL_PER_SECOND,
            "measured": accurate_rate,
            "met_on_this_machine": accurate_rate >= GOAL_PER_SECOND,
        },
    }


def summary_lines(figures: dict) -> list[str]:
    """The figures as a few lines of text."""
    extra = figures["extra_installed"]
    return [
        f"accurate tier: classify(list) {figures['accurate_per_second']:,.0f} sentences/s "
        f"(default {figures['default_per_second']:,.0f}/s, {figures['accurate_to_default_speed']:.3f}x); "
        f"goal >= {GOAL_PER_SECOND:g}/s: {'met' if figures['goal']['met_on_this_machine'] else 'NOT met'}",
        f"accurate tier: single call {figures['single_median_ms']:.2f} ms median, {figures['single_p99_ms']:.2f} ms "
        f"p99; cold start {figures['cold_start_seconds']:.2f} s, "
        f"peak RSS {figures['cold_start_peak_rss_bytes'] / 1e6:.0f} MB",
        f"accurate tier: model file {figures['model_bytes'] / 1e6:.1f} MB; the embeddings extra installs "
        f"{extra['total_bytes'] / 1e6:.1f} MB ({', '.join(sorted(extra['packages']))})",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sentences", type=int, default=3000, help="sentences per batch (default 3000)")
    parser.add_argument("--single-calls", type=int, default=300, help="single calls timed (default 300)")
    parser.add_argument("--repeats", type=int, default=3, help="repeats of each batch (default 3)")
    parser.add_argument("--output", type=Path, default=RESULTS / "accurate-latest.json")
    args = parser.parse_args(argv)
    if min(args.sentences, args.single_calls, args.repeats) < 1:
        parser.error("--sentences, --single-calls and --repeats must be at least 1")
    figures = {"machine": machine(), **measure(args.sentences, args.single_calls, args.repeats)}
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    print("\n".join(summary_lines(figures)))
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
