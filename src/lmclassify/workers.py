"""Worker processes for batch jobs: started so that Ctrl-C and SIGTERM are the parent's to handle, stopped when
the parent stops or dies, and fed so that results come back in input order.

>>> list(in_order(len, iter(["ab", "c"]), jobs=2))
[('ab', 2), ('c', 1)]
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

#: How often a worker process checks that the process that started it is still alive, in seconds.
PARENT_CHECK_SECONDS = 0.5
#: How long stopped workers may take to finish the item in hand before they are killed, in seconds.
STOP_GRACE_SECONDS = 2.0
#: Signals that stop a batch job in the parent; they are held back while a worker process starts.
_STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}


@contextmanager
def signals_deferred() -> Iterator[None]:
    """Hold back SIGINT and SIGTERM in this thread while the block runs; one that arrives meanwhile takes effect
    as soon as the block ends. A process started inside inherits the block, so a Ctrl-C pressed while a worker
    is starting cannot interrupt it half-way (:func:`start_worker` then ignores SIGINT and lifts the block).

    Does nothing outside the main thread (where Python handles signals) or where ``pthread_sigmask`` is missing.
    """
    if not hasattr(signal, "pthread_sigmask") or threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _exit_when_orphaned(parent: int) -> None:
    while True:
        time.sleep(PARENT_CHECK_SECONDS)
        if os.getppid() != parent:  # the parent died (killed, even with SIGKILL): nobody will read our results
            os._exit(1)


def start_worker(parent: int, load: Callable[..., Any] | None = None, *load_args: Any) -> None:
    """Start a worker process (the pool's initializer): interrupts are the parent's to handle, the worker exits
    as soon as its parent ``parent`` is gone, and ``load(*load_args)`` runs once (to load a model, say)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOP_SIGNALS)
    threading.Thread(target=_exit_when_orphaned, args=(parent,), daemon=True, name="lmclassify-parent").start()
    if load is not None:
        load(*load_args)


def stop_workers(pool: ProcessPoolExecutor, children_before: set[Any], grace: float = STOP_GRACE_SECONDS) -> None:
    """Cancel what is queued and end the pool's worker processes, without waiting for the rest of the job.

    Workers first finish the item in hand (a chunk takes milliseconds) and exit cleanly; one still running after
    ``grace`` seconds is killed. Killing is the last resort because a worker killed while it writes a result
    leaves half a message in the pool's result pipe, which the pool's own thread would wait on for ever; so after
    a kill the parent's end of that pipe is closed too, which lets that thread see the end and finish. Only
    children started since ``children_before`` are ended: other processes of the caller's are left alone.
    """
    import multiprocessing

    pool.shutdown(wait=False, cancel_futures=True)
    workers = set(multiprocessing.active_children()) - children_before
    deadline = time.monotonic() + grace
    for worker in workers:
        worker.join(timeout=max(0.0, deadline - time.monotonic()))
    stuck = [worker for worker in workers if worker.is_alive()]
    for worker in stuck:
        worker.kill()
    for worker in stuck:
        worker.join(timeout=5)
    if stuck:
        result_writer = getattr(getattr(pool, "_result_queue", None), "_writer", None)
        if result_writer is not None:
            result_writer.close()


def one_ahead(
    function: Callable[[Any], Result], items: Iterator[Item], payload: Callable[[Item], Any] = lambda item: item
) -> Iterator[tuple[Item, Result]]:
    """Each of ``items`` with ``function(payload(item))``, in order, the next item's computed in a thread while the
    caller uses this one's. When ``function`` spends its time in code that releases the GIL (the C scorer), the
    caller's reading and writing overlap it. At most two items are in hand, so memory stays bounded; if the caller
    stops early or an exception ends the loop, the item being computed is finished and dropped.

    >>> [(item, result) for item, result in one_ahead(str.upper, iter(["a", "b"]))]
    [('a', 'A'), ('b', 'B')]
    """
    with ThreadPoolExecutor(1, thread_name_prefix="lmclassify-batch") as pool:
        pending: deque[tuple[Item, Future[Result]]] = deque()
        try:
            for item in items:
                pending.append((item, pool.submit(function, payload(item))))
                if len(pending) == 2:
                    done, future = pending.popleft()
                    yield done, future.result()
            while pending:
                done, future = pending.popleft()
                yield done, future.result()
        finally:
            for _, future in pending:
                future.cancel()


def in_order(
    function: Callable[[Any], Result],
    items: Iterator[Item],
    jobs: int,
    *,
    payload: Callable[[Item], Any] = lambda item: item,
    load: Callable[..., Any] | None = None,
    load_args: tuple[Any, ...] = (),
) -> Iterator[tuple[Item, Result]]:
    """Each of ``items`` with ``function(payload(item))``, in input order; with ``jobs > 1`` computed in that
    many spawned processes (each first runs ``load(*load_args)``), at most ``2 * jobs`` items in flight so that
    memory stays bounded. Only the payload travels to the workers; it, ``function`` and ``load`` must pickle.
    With ``jobs == 1`` it is :func:`one_ahead`: one thread, no processes.

    If the caller stops early, or an interrupt, a termination signal or a failed item ends the loop, queued
    items are cancelled and the workers ended.
    """
    if jobs == 1:
        yield from one_ahead(function, items, payload)
        return
    import multiprocessing

    context = multiprocessing.get_context("spawn")  # no fork of a process with reader threads
    children_before = set(multiprocessing.active_children())
    pool = ProcessPoolExecutor(
        jobs, mp_context=context, initializer=start_worker, initargs=(os.getpid(), load, *load_args)
    )
    pending: deque[tuple[Item, Future[Result]]] = deque()
    try:
        for item in items:
            with signals_deferred():  # submit() starts the workers
                pending.append((item, pool.submit(function, payload(item))))
            if len(pending) >= 2 * jobs:
                done, future = pending.popleft()
                yield done, future.result()
        while pending:
            done, future = pending.popleft()
            yield done, future.result()
    except BaseException:  # an interrupt, a termination signal, a failed item or a closed generator
        stop_workers(pool, children_before)
        raise
    pool.shutdown(wait=True)
