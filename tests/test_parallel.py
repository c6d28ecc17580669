import os

import pytest

from newsdigest.parallel import MIN_PARALLEL_ITEMS, run_indexed


@pytest.mark.parametrize("also_here", [False, True])
def test_every_item_once_across_forked_workers(also_here):
    data = [i * i for i in range(500)]
    results = [x for chunk in run_indexed(lambda i: (i, data[i], os.getpid()), len(data), workers=2,
                                          also_here=also_here) for x in chunk]
    assert sorted(r[:2] for r in results) == [(i, i * i) for i in range(500)]
    processes = {r[2] for r in results}
    assert (os.getpid() in processes) == also_here, "this process takes chunks when asked to, and only then"
    assert len(processes - {os.getpid()}) > 1, "the work ran in forked workers, each replaced after its chunk"


def test_small_work_runs_here():
    results = [x for chunk in run_indexed(lambda i: os.getpid(), MIN_PARALLEL_ITEMS - 1, workers=2) for x in chunk]
    assert set(results) == {os.getpid()} and len(results) == MIN_PARALLEL_ITEMS - 1


@pytest.mark.parametrize("also_here", [False, True])
def test_errors_in_workers_reach_the_caller(also_here):
    from newsdigest.errors import SiteError

    def fail(i):
        if i == 99:
            raise SiteError("x.md", "broken", "fix it", 3)
        return i
    try:
        for _ in run_indexed(fail, 200, workers=2, also_here=also_here):
            pass
    except SiteError as error:
        assert (str(error.path), error.problem, error.hint, error.line) == ("x.md", "broken", "fix it", 3)
    else:
        raise AssertionError("the error was lost")
