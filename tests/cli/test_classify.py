"""``lmclassify classify`` stops cleanly when it is told to: Ctrl-C and SIGTERM remove the partial output and stop
the workers; SIGKILL of the main process leaves no worker running."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads process parents from /proc"),
]


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
        for row in range(400_000):
            handle.write(f'{row},"{texts[row % len(texts)].replace(chr(34), chr(34) * 2)}"\n')
    return path


def _start(big_input: Path, out: Path) -> subprocess.Popen:
    command = [sys.executable, "-m", "lmclassify", "classify", "--input", str(big_input), "--output", str(out)]
    process = subprocess.Popen(
        [*command, "--jobs", "2", "--chunk-size", "500"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    assert _wait(lambda: len(_children(process.pid)) >= 2, 60), "the workers did not start"
    time.sleep(1.0)  # let the workers load the model and start on chunks
    return process


def _leftovers(out: Path) -> list[str]:
    return sorted(path.name for path in out.parent.iterdir() if path.name.startswith((out.name, f".{out.name}")))


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
        try:
            _, err = process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            pytest.fail("the run did not stop within 20 s")
        assert process.returncode == code, err
        assert said in err and "was not written" in err
        assert _wait(lambda workers=workers: not any(_alive(pid) for pid in workers), 10), "a worker still runs"
        assert _leftovers(out) == []


def test_workers_exit_when_the_main_process_is_killed(tmp_path, big_input):
    out = tmp_path / "out.csv"
    process = _start(big_input, out)
    workers = _children(process.pid)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    assert _wait(lambda: not any(_alive(pid) for pid in workers), 15), "a worker outlived its parent"
    assert not out.exists()
