"""``lmclassify classify``: labelled input (``--prefix``, ``--gold``), its help, and stopping cleanly when it is told
to: Ctrl-C and SIGTERM remove the partial output and stop the workers; SIGKILL of the main process leaves no worker
running."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import REPO

from lmclassify.cli.classify import build_parser, main

#: The signal tests: slow, and they read process parents from /proc.
needs_proc = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads process parents from /proc")


def _children(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return False
    return fields[0] != "Z"


def _wait(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


@pytest.fixture(scope="module")
def big_input(tmp_path_factory, corpus) -> Path:
    path = tmp_path_factory.mktemp("big") / "in.csv"
    texts = corpus["text"].tolist()
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("id,text\n")
        for row in range(800_000):  # long enough that the run is still going when the tests stop it
            text = texts[row % len(texts)].replace(chr(34), chr(34) * 2)
            handle.write(f'{row},"{text} {text}"\n')
    return path


def _start(big_input: Path, out: Path, jobs: int = 2) -> subprocess.Popen:
    command = [sys.executable, "-m", "lmclassify", "classify", "--input", str(big_input), "--output", str(out)]
    process = subprocess.Popen(
        [*command, "--jobs", str(jobs), "--chunk-size", "500"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    if jobs > 1:
        assert _wait(lambda: len(_children(process.pid)) >= 2, 60), "the workers did not start"
    else:
        assert _wait(lambda: any(out.parent.glob(f".{out.name}.*.tmp")), 60), "no rows are being written"
    time.sleep(1.0)  # let the workers load the model and start on chunks
    return process


def _stopped_error_output(process: subprocess.Popen, seconds: float) -> str:
    """The standard error of a run that was sent a stop signal, once it has ended; fails if it runs on."""
    try:
        return process.communicate(timeout=seconds)[1]
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        pytest.fail(f"the run did not stop within {seconds:g} s")


def _leftovers(out: Path) -> list[str]:
    return sorted(path.name for path in out.parent.iterdir() if path.name.startswith((out.name, f".{out.name}")))


@pytest.mark.slow
@needs_proc
@pytest.mark.parametrize(
    ("send", "code", "said"),
    [
        (lambda process: os.killpg(process.pid, signal.SIGINT), 130, "interrupted"),  # Ctrl-C: the whole group
        (lambda process: process.send_signal(signal.SIGTERM), 128 + signal.SIGTERM, "terminated"),
    ],
    ids=["ctrl-c", "sigterm"],
)
def test_an_interrupted_or_terminated_run_stops_its_workers_and_leaves_nothing(tmp_path, big_input, send, code, said):
    out = tmp_path / "out.csv"
    for _ in range(3):  # a race shows up only now and then
        process = _start(big_input, out)
        workers = _children(process.pid)
        send(process)
        err = _stopped_error_output(process, 20)
        assert process.returncode == code, err
        assert said in err and "was not written" in err
        assert _wait(lambda workers=workers: not any(_alive(pid) for pid in workers), 10), "a worker still runs"
        assert _leftovers(out) == []


@pytest.mark.slow
@pytest.mark.parametrize(("send", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 128 + signal.SIGTERM)])
def test_a_stopped_single_process_run_stops_at_once_and_leaves_nothing(tmp_path, big_input, send, code):
    out = tmp_path / "out.csv"
    process = _start(big_input, out, jobs=1)  # its classifying thread is one chunk ahead of the writing
    os.killpg(process.pid, send)
    err = _stopped_error_output(process, 10)
    assert process.returncode == code, err
    assert "was not written" in err and _leftovers(out) == []


@pytest.mark.slow
@needs_proc
def test_workers_exit_when_the_main_process_is_killed(tmp_path, big_input):
    out = tmp_path / "out.csv"
    process = _start(big_input, out)
    workers = _children(process.pid)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    assert _wait(lambda: not any(_alive(pid) for pid in workers), 15), "a worker outlived its parent"
    assert not out.exists()


# ------------------------------------------------------------------------------------------ labelled input
LABELLED = "text,label\nPlan the rota for December.,management\nInspire the team to aim higher.,leadership\n"


def test_a_gold_label_column_without_prefix_is_refused_naming_the_prefix_option(tmp_path, capsys):
    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_text(LABELLED)
    assert main(["--input", str(source), "--output", str(target), "--gold", "label"]) == 2
    err = capsys.readouterr().err
    assert "already has column(s) ['label']" in err and "use --prefix (for example --prefix pred_)" in err
    assert not target.exists()


def test_gold_adds_accuracy_and_macro_f1_to_the_summary(tmp_path, capsys):
    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_text(LABELLED + "Check the stock levels.,\nThe river froze.,Neither\n")
    assert main(["--input", str(source), "--output", str(target), "--prefix", "pred_", "--gold", "label"]) == 0
    err = capsys.readouterr().err
    written = [line.split(",") for line in target.read_text().splitlines()[1:3]]
    right = sum(row[1] == row[2] for row in written)
    assert f"gold labels in column 'label': accuracy {right / 2:.3f}," in err and "over 2 rows" in err
    assert "macro-F1" in err and "F1 by label: management" in err
    assert "1 row(s) without a gold label, 1 with an unknown one, 0 not classified" in err
    assert "'Neither' 1" in err


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_missing_gold_column_names_it_and_the_columns_there_are(tmp_path, capsys, jobs):
    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_text(LABELLED)
    command = ["--input", str(source), "--output", str(target), "--prefix", "p_", "--gold", "coded", "--jobs", jobs]
    assert main(command) == 2
    err = capsys.readouterr().err
    assert "no gold column 'coded'" in err and "['text', 'label']" in err and "--gold" in err
    assert not target.exists()


def test_the_gold_figures_are_the_same_with_two_jobs(tmp_path, capsys, corpus):
    source = tmp_path / "in.csv"
    corpus[["text", "label"]].head(120).to_csv(source, index=False)
    figures = []
    for jobs in ("1", "2"):
        command = ["--input", str(source), "--output", str(tmp_path / f"out{jobs}.csv"), "--prefix", "pred_"]
        assert main([*command, "--gold", "label", "--jobs", jobs, "--chunk-size", "16"]) == 0
        figures.append([line for line in capsys.readouterr().err.splitlines() if "F1" in line])
    assert len(figures[0]) == 2 and figures[0] == figures[1]


def test_the_labelled_example_scores_every_row(tmp_path, capsys):
    source = REPO / "examples" / "labelled.csv"
    rows = len(source.read_text(encoding="utf-8").splitlines()) - 1
    command = ["--input", str(source), "--output", str(tmp_path / "out.csv"), "--prefix", "pred_", "--gold", "label"]
    assert main(command) == 0
    err = capsys.readouterr().err
    assert f"over {rows} rows" in err and rows >= 20
    assert "0 row(s) without a gold label, 0 with an unknown one, 0 not classified" in err


def test_the_help_shows_gold_and_its_examples_line_by_line():
    text = build_parser().format_help()
    assert "--gold COLUMN" in text
    examples = text.split("examples:\n", 1)[1].splitlines()
    assert any("--prefix pred_ --gold label" in line for line in examples)
    assert all(line.startswith("  lmclassify classify --input ") for line in examples if line.strip())
