"""Time limits count the process's processor time, so a busy machine never makes ordinary work miss one."""

from __future__ import annotations

import threading
import time

import pytest

from newsdigest.limits import time_limit


class Expired(Exception):
    pass


def spin(seconds: float) -> None:
    """Use `seconds` of processor time."""
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass


def test_work_past_its_processor_time_is_stopped():
    started = time.process_time()
    with pytest.raises(Expired):
        with time_limit(0.2, Expired):
            spin(5)
    assert time.process_time() - started < 2


def test_waiting_on_the_clock_is_not_counted():
    """What a loaded machine does to a process: it waits, using no processor time of its own."""
    with time_limit(0.1, Expired):
        time.sleep(0.4)
        spin(0.02)


def test_an_inner_limit_leaves_the_outer_one_what_was_left_of_its_time():
    with pytest.raises(Expired) as stopped:
        with time_limit(0.5, lambda: Expired("outer")):
            with time_limit(0.1, lambda: Expired("inner")):
                spin(0.05)
            spin(5)
    assert str(stopped.value) == "outer"


def test_outside_the_main_thread_the_block_runs_without_a_limit():
    finished = []

    def work():
        with time_limit(0.05, Expired):
            spin(0.2)
        finished.append(True)

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    assert finished == [True]
