import os

from conftest import without_the_suites_threads
from hypothesis import given
from hypothesis import strategies as st

from newsdigest.parallel import MIN_PARALLEL_ITEMS, _chunks, run_indexed


def test_every_item_once_across_forked_workers():
    data = [i * i for i in range(500)]
    results = [x for chunk in run_indexed(lambda i: (i, data[i], os.getpid()), len(data), workers=2)
               for x in chunk]
    assert sorted(r[:2] for r in results) == [(i, i * i) for i in range(500)]
    assert os.getpid() not in {r[2] for r in results}, "the work ran in workers"


def test_small_work_runs_here():
    results = [
        x for chunk in run_indexed(lambda i: os.getpid(), MIN_PARALLEL_ITEMS - 1, workers=2) for x in chunk
    ]
    assert set(results) == {os.getpid()} and len(results) == MIN_PARALLEL_ITEMS - 1


def test_errors_in_workers_reach_the_caller():
    from newsdigest.errors import SiteError

    def fail(i):
        if i == 99:
            raise SiteError("x.md", "broken", "fix it", 3)
        return i
    try:
        for _ in run_indexed(fail, 200, workers=2):
            pass
    except SiteError as error:
        assert (str(error.path), error.problem, error.hint, error.line) == ("x.md", "broken", "fix it", 3)
    else:
        raise AssertionError("the error was lost")


def test_workers_kept_by_a_small_parent_and_replaced_by_a_large_one(monkeypatch):
    from newsdigest import parallel

    def worker_pids() -> set[int]:
        return {pid for chunk in run_indexed(lambda i: os.getpid(), 500, workers=2) for pid in chunk}

    monkeypatch.setattr(parallel, "REPLACE_WORKERS_ABOVE_MB", 1 << 20)
    assert len(worker_pids()) <= 2, "a small parent's two workers did all the chunks"
    monkeypatch.setattr(parallel, "REPLACE_WORKERS_ABOVE_MB", 0)
    assert len(worker_pids()) > 2, "a large parent's workers were replaced after their chunks"


def test_work_alongside_runs_in_a_child_while_the_block_runs_here(tmp_path, monkeypatch):
    from newsdigest.parallel import alongside
    monkeypatch.setenv("NEWSDIGEST_WORKERS", "2")
    parent = os.getpid()
    with alongside(lambda: (os.getpid(), [n * n for n in range(1000)]), tmp_path) as result:
        here = sum(range(1000))
        child, squares = result()
    assert child != parent and squares[999] == 998001 and here == 499500
    assert list(tmp_path.iterdir()) == [], "the result file is removed"


def test_work_alongside_at_a_lower_priority_leaves_this_process_its_own(tmp_path, monkeypatch):
    from newsdigest.parallel import alongside
    monkeypatch.setenv("NEWSDIGEST_WORKERS", "2")
    mine = os.nice(0)
    with alongside(lambda: os.nice(0), tmp_path, priority=5) as result:
        assert result() == mine + 5
    assert os.nice(0) == mine


def test_work_alongside_runs_here_without_cores_or_when_not_asked(tmp_path, monkeypatch):
    from newsdigest.parallel import alongside
    with alongside(os.getpid, tmp_path, apart=False) as result:
        assert result() == os.getpid()
    monkeypatch.setenv("NEWSDIGEST_WORKERS", "1")
    with alongside(os.getpid, tmp_path) as result:
        assert result() == os.getpid()


def test_errors_alongside_reach_the_caller_and_a_failed_block_stops_the_child(tmp_path, monkeypatch):
    import time

    import pytest

    from newsdigest.errors import SiteError
    from newsdigest.parallel import alongside
    monkeypatch.setenv("NEWSDIGEST_WORKERS", "2")

    def fail():
        raise SiteError("x.md", "broken", "fix it", 3)
    with pytest.raises(SiteError) as caught, alongside(fail, tmp_path) as result:
        result()
    assert (str(caught.value.path), caught.value.problem, caught.value.line) == ("x.md", "broken", 3)
    started = time.monotonic()
    with pytest.raises(KeyError), alongside(lambda: time.sleep(30), tmp_path):
        raise KeyError("the block failed")
    assert time.monotonic() - started < 5, "the child was stopped, not waited for"
    assert list(tmp_path.iterdir()) == []


@given(st.integers(1, 5000), st.integers(8, 400), st.integers(2, 8))
def test_chunks_cover_every_item_once_in_order_and_end_small(count, size, workers):
    chunks = _chunks(count, size, workers)
    assert [i for chunk in chunks for i in chunk] == list(range(count))
    assert all(len(chunk) <= size for chunk in chunks)
    # What is left when a worker takes one of the last chunks is a quarter of a chunk's work at most.
    assert all(len(chunk) <= max(1, size // 4) for chunk in chunks[-workers:])


def _imported(module: str) -> bool:
    import sys

    return module in sys.modules


def test_a_helper_imports_at_once_runs_calls_and_hands_back_their_errors(monkeypatch):
    import signal

    import pytest

    from newsdigest.parallel import HelperGone, helper

    without_the_suites_threads(monkeypatch)
    with helper(("json",)) as started:
        assert started.call(os.getpid) != os.getpid(), "it runs in a child"
        assert started.call(_imported, "json") is True
        with pytest.raises(ZeroDivisionError):
            started.call(divmod, 1, 0)
        assert started.call(divmod, 7, 2) == (3, 1), "an error leaves it serving"
        os.kill(started.call(os.getpid), signal.SIGKILL)
        with pytest.raises(HelperGone):
            started.call(divmod, 7, 2)


def test_stories_are_worked_out_here_when_the_helper_is_gone(monkeypatch):
    from test_stories import CONFIG, _articles

    from newsdigest.build.stories import IMPORTS, group_stories
    from newsdigest.parallel import helper

    without_the_suites_threads(monkeypatch)
    articles = _articles([(1, "1"), (1, "2"), (2, "3"), (3, "4")])
    with helper(IMPORTS) as started:
        pass
    gone, _ = group_stories(articles, CONFIG, {}, started)
    here, _ = group_stories(articles, CONFIG, {})
    assert {slug: story.articles for slug, story in gone.items()} == \
        {slug: story.articles for slug, story in here.items()}


LOOP_OF_FORKS = """
import os, sys, tempfile
from newsdigest.parallel import alongside, helper
folder = tempfile.mkdtemp()
print("ready", flush=True)
try:
    while True:
        with helper(("json",)) as started:
            started.call(os.getpid)
        with alongside(os.getpid, folder) as result:
            result()
except KeyboardInterrupt:
    sys.exit(130)
"""


def test_ctrl_c_at_any_moment_of_a_fork_leaves_no_child_behind():
    """Children are forked and stopped in a loop while Ctrl-C comes at moments spread over a fork's length:
    after each, nothing is left in the process group."""
    import contextlib
    import signal
    import subprocess
    import sys
    import time

    import pytest
    from conftest import as_from_a_terminal

    for attempt in range(40):
        process = subprocess.Popen([sys.executable, "-c", LOOP_OF_FORKS], stdout=subprocess.PIPE, text=True,
                                   env={**os.environ, "NEWSDIGEST_WORKERS": "2"}, start_new_session=True,
                                   preexec_fn=as_from_a_terminal)
        try:
            assert process.stdout.readline() == "ready\n"
            time.sleep(0.05 + attempt * 0.0037)
            os.killpg(process.pid, signal.SIGINT)
            assert process.wait(timeout=30) == 130
            time.sleep(0.1)
            with pytest.raises(ProcessLookupError):
                os.killpg(process.pid, 0)
        finally:  # a failure leaves no loop running
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
