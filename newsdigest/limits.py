"""Time limits on work whose cost hostile input can blow up (Markdown, extraction): one file never stalls a
run."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager


@contextmanager
def time_limit(seconds: float, expired: Callable[[], Exception]) -> Iterator[None]:
    """Stop the block by raising expired() after `seconds` of the process's processor time.

    Processor time, not time on the clock: a busy machine (other builds, a test suite, a shared VM's
    neighbours) must not make an ordinary article miss its limit, and so the build's output depend on load.
    Only the main thread can be interrupted, so elsewhere (a thread of an embedding program) the block runs
    without a limit. Limits may nest: the inner one is set while it runs, and the outer one resumes with
    what was left of its time.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum, frame):
        raise expired()

    previous_handler = signal.signal(signal.SIGVTALRM, stop)
    outer_left, _ = signal.setitimer(signal.ITIMER_VIRTUAL, seconds)
    try:
        yield
    finally:
        inner_left, _ = signal.setitimer(signal.ITIMER_VIRTUAL, 0)
        signal.signal(signal.SIGVTALRM, previous_handler)
        if outer_left:
            signal.setitimer(signal.ITIMER_VIRTUAL, max(0.001, outer_left - (seconds - inner_left)))
