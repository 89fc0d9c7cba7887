"""Peak memory and time of `lmclassify classify` on a large generated CSV file.

Writes a CSV of ROWS rows (id, text, source; the texts cycle through the bundled corpus and every 1000th text is
empty), runs `python -m lmclassify classify` on it in a subprocess and reports:

- the peak resident memory of the largest process (the kernel's own maximum, from getrusage), and the peak of the
  whole process tree (the command and its --jobs workers together, sampled every 100 ms from /proc on Linux);
- wall time and rows per second; the output's row count is checked.

    python benchmarks/batch_memory.py                       # 2,000,000 rows, --jobs 1
    python benchmarks/batch_memory.py --rows 2000000 --jobs 2 --results benchmarks/results/batch-jobs2.json
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MIB = 1024 * 1024


def generate_csv(path: Path, rows: int) -> None:
    """ROWS rows of id, text, source; texts from the bundled corpus, every 1000th one empty."""
    from lmclassify.corpus.load import load_corpus

    corpus = load_corpus()
    texts, sources = corpus["text"].tolist(), corpus["domain"].tolist()
    with open(path, "w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle, lineterminator="\n")
        out.writerow(["id", "text", "source"])
        for row in range(rows):
            pick = row % len(texts)
            out.writerow([f"r{row}", "" if row % 1000 == 999 else texts[pick], sources[pick]])


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            found.extend(int(child) for child in task.read_text().split())
        except (OSError, ValueError):
            continue
    return found


def _rss_bytes(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, IndexError, ValueError):
        return 0


def tree_rss(root: int) -> int:
    """Resident memory of ``root`` and all its descendants now (Linux /proc), in bytes."""
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += _rss_bytes(pid)
        stack.extend(_children(pid))
    return total


def run(command: list[str], interval: float = 0.1) -> dict[str, float]:
    """Run ``command``; return its wall time, the kernel's peak RSS of its largest process and the sampled peak
    RSS of its whole process tree, in MiB."""
    sample = Path(f"/proc/{os.getpid()}/task/{os.getpid()}/children").exists()
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    tree_peak = 0
    while process.poll() is None:
        if sample:
            tree_peak = max(tree_peak, tree_rss(process.pid))
        time.sleep(interval)
    stdout, stderr = process.communicate()
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(f"command failed ({process.returncode}): {' '.join(command)}\n{stdout}{stderr}")
    kernel_peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
    return {
        "seconds": seconds,
        "peak_rss_largest_process_mib": kernel_peak_kib / 1024,
        "peak_rss_process_tree_mib": tree_peak / MIB if sample else float("nan"),
        "report": stderr.strip(),
    }


def count_rows(path: Path) -> int:
    with open(path, encoding="utf-8", newline="") as handle:
        return sum(1 for _ in csv.reader(handle)) - 1


def machine() -> dict[str, object]:
    from lmclassify.evaluation.machine import cpu_model

    return {"nproc": os.cpu_count(), "cpu": cpu_model(), "python": platform.python_version()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--chunk-size", type=int, default=None, help="default: the command's own")
    parser.add_argument("--workdir", type=Path, default=None, help="where to put the files (default: a temp folder)")
    parser.add_argument("--results", type=Path, default=None, help="also write the figures to this JSON file")
    parser.add_argument("--max-rss-mib", type=float, default=None, help="exit 1 if the largest process used more")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(dir=args.workdir) as folder:
        source, target = Path(folder) / "input.csv", Path(folder) / "output.csv"
        started = time.perf_counter()
        generate_csv(source, args.rows)
        generated = time.perf_counter() - started
        command = [sys.executable, "-m", "lmclassify", "classify", "--input", str(source), "--output", str(target)]
        command += ["--jobs", str(args.jobs)]
        if args.chunk_size:
            command += ["--chunk-size", str(args.chunk_size)]
        load_before = os.getloadavg()[0]
        figures = run(command)
        load_after = os.getloadavg()[0]
        written = count_rows(target)
        result = {
            "rows": args.rows,
            "jobs": args.jobs,
            "chunk_size": args.chunk_size,
            "input_mib": source.stat().st_size / MIB,
            "output_mib": target.stat().st_size / MIB,
            "rows_written": written,
            "generate_seconds": generated,
            **figures,
            "rows_per_second": args.rows / figures["seconds"],
            "load_average_1min_before_after": [load_before, load_after],  # other work on the machine
            "machine": machine(),
        }
    print(json.dumps(result, indent=2))
    if args.results:
        args.results.parent.mkdir(parents=True, exist_ok=True)
        args.results.write_text(json.dumps(result, indent=2) + "\n")
    if written != args.rows:
        print(f"output has {written} rows, expected {args.rows}", file=sys.stderr)
        return 1
    if args.max_rss_mib is not None and result["peak_rss_largest_process_mib"] > args.max_rss_mib:
        print(f"peak RSS {result['peak_rss_largest_process_mib']:.0f} MiB > {args.max_rss_mib} MiB", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
