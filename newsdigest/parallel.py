"""Run per-item work across the cores: forked workers inherit what the parent built, so nothing big is
pickled."""

from __future__ import annotations

import gc
import multiprocessing
import os
import pickle
import resource
import signal
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from functools import partial
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")
# Below this many items a pool costs more than it saves; callers with light items ask for more.
MIN_PARALLEL_ITEMS = 64
# A parent past this peak size (its resident memory in MB) has its workers replaced after each chunk (see
# _tasks_per_worker): builds of 100,000 articles pass it before they render, builds of 10,000 do not.
REPLACE_WORKERS_ABOVE_MB = 300
_task: Callable[[int], object] | None = None


def worker_count() -> int:
    """The cores this process may use, or NEWSDIGEST_WORKERS where it is set (1 runs everything here)."""
    if os.environ.get("NEWSDIGEST_WORKERS", "").isdigit():
        return max(1, int(os.environ["NEWSDIGEST_WORKERS"]))
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def run_indexed(task: Callable[[int], T], count: int, workers: int | None = None,
                min_items: int = MIN_PARALLEL_ITEMS, chunks_per_worker: int = 16) -> Iterator[list[T]]:
    """task(0) ... task(count - 1), yielded in chunks as they finish (in no fixed order).

    The task is a closure over the parent's data; with the 'fork' start method each worker inherits it as it
    was when the pool started. Where fork is not available, or the work is small, it runs here. A large
    parent forks a worker for each chunk (see _tasks_per_worker): work that reads little of it asks for fewer.
    """
    global _task
    workers = workers or worker_count()
    if workers <= 1 or count < min_items or "fork" not in multiprocessing.get_all_start_methods():
        step = max(1, count // 20)
        for start in range(0, count, step):
            yield [task(i) for i in range(start, min(count, start + step))]
        return
    _task = task
    # Objects the collector tracks are written to when it runs: frozen, the forked workers leave the parent's
    # pages shared instead of copying them (less memory, and less time spent copying).
    gc.freeze()
    try:
        chunks = _chunks(count, max(8, count // (workers * chunks_per_worker)), workers)
        with _pool(workers) as pool:
            yield from pool.imap_unordered(_run_chunk, chunks)
    finally:
        _task = None
        gc.unfreeze()


def _pool(workers: int) -> multiprocessing.pool.Pool:
    """A pool of forked workers that never see a Ctrl-C: SIGINT is blocked while the pool is made, so the
    workers forked then, and those its own threads fork later to replace them (a thread keeps the mask it
    was started with), begin with it blocked until they ignore it."""
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        return multiprocessing.get_context("fork").Pool(workers, initializer=leave_interrupts_to_the_parent,
                                                        maxtasksperchild=_tasks_per_worker())
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)


def _chunks(count: int, size: int, workers: int) -> list[range]:
    """The items in chunks of `size`, but the last `workers` chunks' worth in quarters: the workers end nearly
    together, where one left alone with the last whole chunk kept the other cores idle for its length (half
    a second of a cold build's parse at 10,000 articles)."""
    tail_start = max(0, count // size - workers) * size
    quarter = max(1, size // 4)
    return [range(start, start + size) for start in range(0, tail_start, size)] + \
        [range(start, min(count, start + quarter)) for start in range(tail_start, count, quarter)]


def _tasks_per_worker() -> int | None:
    """A worker writes to each of the parent's objects it reads (their reference counts), and each page of
    memory so written becomes its own copy: a worker that lived through a whole cold build of a large site
    held most of the parent's memory again. Replaced after every chunk, workers give those copies back.
    Replacing costs time (a fork, and what the worker had made and kept), so a small parent keeps its
    workers, for some memory."""
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return 1 if peak_mb > REPLACE_WORKERS_ABOVE_MB else None


@contextmanager
def interrupts_deferred() -> Iterator[None]:
    """Run the block whole: a Ctrl-C that comes during it is raised as KeyboardInterrupt when it ends. Only
    the main thread receives signals; elsewhere the block runs as it is."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: received.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if received:
        raise KeyboardInterrupt


def leave_interrupts_to_the_parent() -> None:
    """In a forked worker: ignore Ctrl-C, which the terminal sends to the whole process group. The parent
    stops the work and its workers and says so once; each worker would otherwise print its own traceback."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def _run_chunk(indices: range) -> list:
    return [_task(i) for i in indices]


@contextmanager
def alongside(work: Callable[[], T], folder: Path, apart: bool = True, priority: int = 0
              ) -> Iterator[Callable[[], T]]:
    """Run `work` in a forked child while the block runs here, where `apart` asks for it and there are cores
    and fork to do it; the block is given a function that returns what `work` returned (or raises what it
    raised), waiting for the child if need be. Without a child, `work` runs here when its result is asked for.
    A `priority` above 0 lowers the child's by that much (os.nice): it then takes what the block leaves of
    the cores.

    The child writes its result to a file in `folder` (a pipe would fill and block it if the block failed
    before reading); a child still running when the block fails is stopped. In a process with other threads
    (serve's server), the child has this one alone, and a lock another held at the fork stays held in it:
    the work must need none of theirs. A build's files need none that serve's threads take (those import
    nothing once started, and the child reads texts through an SQLite connection of its own).
    """
    if not apart or worker_count() <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        yield work
        return
    handle, name = tempfile.mkstemp(prefix=".alongside-", dir=folder)
    os.close(handle)
    outcome: list = []
    try:
        with _forked(partial(_run_in_child, work, name, priority)) as child:
            def result() -> T:
                if not outcome:
                    status = child.wait()
                    with open(name, "rb") as source:
                        data = source.read()
                    if not data:
                        raise RuntimeError(f"the work run alongside ended without a result (status {status})")
                    outcome.append(pickle.loads(data))
                done, value = outcome[0]
                if not done:
                    raise value
                return value

            yield result
    finally:
        Path(name).unlink(missing_ok=True)


def _run_in_child(work: Callable[[], object], name: str, priority: int) -> None:
    """In a forked child: run the work and write its outcome."""
    if priority:
        os.nice(priority)
    with open(name, "wb") as target:
        target.write(_pickled_outcome(work))


def _pickled_outcome(work: Callable[[], object]) -> bytes:
    """(True, what the work returned) or (False, what it raised), pickled for the parent, which raises the
    latter; an outcome that cannot be pickled is handed over as a RuntimeError naming it."""
    try:
        outcome = (True, work())
    except BaseException as error:
        outcome = (False, error)
    try:
        return pickle.dumps(outcome)
    except Exception as error:
        return pickle.dumps((False, RuntimeError(f"{outcome[1]!r} ({error})")))


class _Child:
    """A forked child's process id, and whether it was waited for (after which the id may be another's)."""

    def __init__(self) -> None:
        self.pid = 0
        self.status: int | None = None

    def wait(self) -> int:
        if self.status is None:
            self.status = os.waitpid(self.pid, 0)[1]
        return self.status

    def stop(self) -> None:
        if self.pid and self.status is None:
            # A Ctrl-C can come between waitpid's reaping the child and its status being kept; and one between
            # the kill and the wait would leave the child for init to reap.
            with interrupts_deferred(), suppress(ProcessLookupError, ChildProcessError):
                os.kill(self.pid, signal.SIGKILL)
                self.wait()


@contextmanager
def _forked(run: Callable[[], object]) -> Iterator[_Child]:
    """A child forked to `run` and end (without the parent's exit handlers), stopped when the block ends if
    it has not been waited for. A Ctrl-C can leave no child behind: it is blocked across the fork, so the
    child ignores it from its first step, and the parent knows the child's id before it can be raised."""
    child = _Child()
    try:
        with interrupts_deferred():
            blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
            try:
                child.pid = os.fork()
                if child.pid == 0:
                    try:
                        leave_interrupts_to_the_parent()
                        run()
                    finally:
                        os._exit(0)
            finally:
                signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        yield child
    finally:
        try:
            child.stop()
        except KeyboardInterrupt:  # it came as the stop began, before interrupts were deferred
            child.stop()
            raise


class Helper:
    """A forked child that has imported modules slow to import, and runs the calls it is sent: work that
    needs them finds them ready, their import having taken another core meanwhile. Calls and what they
    return are pickled; a call that raises raises here. A helper that died (killed, out of memory) makes
    `call` raise HelperGone, for the caller to do the work itself."""

    def __init__(self, pipe: Connection):
        self._pipe: Connection | None = pipe

    def call(self, function: Callable[..., T], *args: object) -> T:
        if self._pipe is None:
            raise HelperGone
        try:
            self._pipe.send((function, args))
            done, value = self._pipe.recv()
        except (EOFError, OSError) as error:
            raise HelperGone from error
        if not done:
            raise value
        return value

    def close(self) -> None:
        """Close the pipe and let it go: later calls raise HelperGone."""
        if self._pipe is not None:
            self._pipe.close()
        self._pipe = None


class HelperGone(Exception):
    pass


@contextmanager
def helper(modules: tuple[str, ...], wanted: bool = True) -> Iterator[Helper | None]:
    """A Helper importing `modules` as soon as it starts, where it is `wanted` and there are cores and fork
    for it (and this process has no other thread, which a fork would leave holding its locks); None
    otherwise. The helper is stopped when the block ends, busy or not: an import it has not finished is not
    waited for."""
    if not wanted or worker_count() <= 1 or threading.active_count() > 1 \
            or "fork" not in multiprocessing.get_all_start_methods():
        yield None
        return
    ours, theirs = multiprocessing.Pipe()
    started = Helper(ours)
    try:
        with _forked(partial(_serve, theirs, ours, modules)):
            theirs.close()
            yield started
    finally:
        # A connection's finalizer is Python, and a Ctrl-C that comes while one runs is lost ("Exception
        # ignored in __del__"): they run here, with interrupts deferred, not wherever the last reference goes.
        with interrupts_deferred():
            started.close()
            theirs = ours = None


def _serve(pipe: Connection, parents: Connection, modules: tuple[str, ...]) -> None:
    """In the helper: import, then answer each call until the parent closes the pipe."""
    import importlib

    parents.close()
    for module in modules:
        importlib.import_module(module)
    while True:
        try:
            function, args = pipe.recv()
        except EOFError:
            break
        # Bytes that Connection.recv, in the parent, unpickles.
        pipe.send_bytes(_pickled_outcome(partial(function, *args)))
