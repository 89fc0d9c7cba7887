"""Worker processes start without being interruptible half-way, come back in order and are stopped with their
job."""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import threading
import time

import pytest

from lmclassify.workers import in_order, signals_deferred


def _square(value: int) -> int:
    return value * value


def _slow(value: int) -> int:
    time.sleep(0.2)
    return value


def test_results_come_back_in_input_order_with_their_items():
    items = list(range(40))
    assert list(in_order(_square, iter(items), jobs=1)) == [(n, n * n) for n in items]
    assert list(in_order(_square, iter(items), jobs=2)) == [(n, n * n) for n in items]


def test_only_the_payload_is_computed_on():
    pairs = list(in_order(_square, iter([("a", 3), ("b", 4)]), jobs=2, payload=lambda item: item[1]))
    assert pairs == [(("a", 3), 9), (("b", 4), 16)]


def test_a_failed_item_raises_and_stops_the_workers():
    before = {p.pid for p in multiprocessing.active_children()}
    with pytest.raises(TypeError):
        list(in_order(_square, iter([1, 2, "x", 4, 5, 6]), jobs=2))
    assert _started_since(before) == set()


def _started_since(before: set[int]) -> set[int]:
    """Children of this process started since ``before`` and not yet reaped; a worker that the pool's own thread
    reaped can be listed once more, so this asks until the answer settles (at most 10 s)."""
    deadline = time.monotonic() + 10
    while (alive := {p.pid for p in multiprocessing.active_children()} - before) and time.monotonic() < deadline:
        time.sleep(0.05)
    return alive


def test_stopping_early_ends_the_workers_and_leaves_other_children_alone():
    other = multiprocessing.get_context("spawn").Process(target=time.sleep, args=(30,))
    other.start()
    before = {p.pid for p in multiprocessing.active_children()}
    try:
        results = in_order(_slow, iter(range(100)), jobs=2)
        assert next(results) == (0, 0)
        assert len({p.pid for p in multiprocessing.active_children()} - before) == 2  # the two workers
        results.close()
        assert _started_since(before) == set()
        assert other.is_alive()
    finally:
        other.kill()
        other.join()


@pytest.mark.skipif(not hasattr(signal, "pthread_sigmask"), reason="needs pthread_sigmask")
def test_a_ctrl_c_during_the_deferred_block_takes_effect_when_it_ends():
    reached_end_of_block = False
    with pytest.raises(KeyboardInterrupt), signals_deferred():
        signal.pthread_kill(threading.main_thread().ident, signal.SIGINT)  # to this thread only
        time.sleep(0.05)
        reached_end_of_block = True
    assert reached_end_of_block
    assert signal.SIGINT not in signal.pthread_sigmask(signal.SIG_BLOCK, [])


@pytest.mark.skipif(not hasattr(signal, "pthread_sigmask"), reason="needs pthread_sigmask")
def test_a_worker_starts_with_stop_signals_held_back_until_it_ignores_ctrl_c(tmp_path):
    context = multiprocessing.get_context("spawn")
    queue = context.SimpleQueue()
    with signals_deferred():
        process = context.Process(target=_report_signals, args=(queue,))
        process.start()
    held_back, after_start = queue.get(), queue.get()
    process.join()
    assert {signal.SIGINT, signal.SIGTERM} <= held_back
    assert after_start == (signal.SIG_IGN, set())


def _report_signals(queue) -> None:
    from lmclassify.workers import start_worker

    queue.put(signal.pthread_sigmask(signal.SIG_BLOCK, []))
    start_worker(os.getppid())
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, []) & {signal.SIGINT, signal.SIGTERM}
    queue.put((signal.getsignal(signal.SIGINT), blocked))


STUCK_JOB = """
import sys, time
from lmclassify.workers import in_order

def items():
    yield from (1, 2)
    time.sleep(1.0)  # both workers are now busy with an item they will not finish
    raise RuntimeError("the input broke")

if __name__ == "__main__":  # the workers are spawned: they import this file again
    try:
        list(in_order(time.sleep, items(), jobs=2, payload=lambda item: 600))
    except RuntimeError as error:
        print("stopped:", error, flush=True)
"""


def test_workers_stuck_on_an_item_are_killed_and_the_process_still_exits(tmp_path):
    script = tmp_path / "stuck.py"
    script.write_text(STUCK_JOB)
    started = time.monotonic()
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "stopped: the input broke"
    assert time.monotonic() - started < 30  # the grace period, not the 600 s the items would take


def test_one_ahead_keeps_order_and_computes_the_next_item_in_another_thread():
    from lmclassify.workers import one_ahead

    seen_threads = set()

    def work(item):
        seen_threads.add(threading.get_ident())
        return item * 2

    assert list(one_ahead(work, iter(range(5)))) == [(i, i * 2) for i in range(5)]
    assert threading.get_ident() not in seen_threads and len(seen_threads) == 1
    assert list(one_ahead(work, iter([]))) == []


def test_one_ahead_raises_a_failed_item_and_stops_when_the_caller_stops():
    from lmclassify.workers import one_ahead

    done = []

    def work(item):
        if item == 2:
            raise ValueError("item 2 is bad")
        done.append(item)
        return item

    with pytest.raises(ValueError, match="item 2 is bad"):
        list(one_ahead(work, iter(range(10))))
    assert done[:2] == [0, 1] and max(done) <= 3  # at most the one item after the failed one was started
    done.clear()
    results = one_ahead(work, iter([5, 6, 7, 8]))
    assert next(results) == (5, 5)
    results.close()
    assert done in ([5], [5, 6])  # the item ahead was cancelled, or finished and dropped; nothing later
