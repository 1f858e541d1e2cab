"""kb.parallel: work on the other core, with the same results as in this process."""

from __future__ import annotations

import logging
import os
import signal
import threading
import time

import pytest

from kb.parallel import in_background, may_fork


def _fail(message: str) -> None:
    raise ValueError(message)


def _big(n: int) -> bytes:
    return b"x" * n  # larger than a pipe holds: the child blocks until it is read


@pytest.fixture
def two_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two cores, and no other thread: earlier tests in this session may leave some running."""
    monkeypatch.setenv("KB_WORKERS", "2")
    monkeypatch.setattr("kb.parallel.threading.active_count", lambda: 1)


def test_work_in_the_background_runs_in_another_process(two_cores: None) -> None:
    with in_background(os.getpid) as pending:
        assert pending.result() != os.getpid()


def test_with_one_core_the_work_runs_here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KB_WORKERS", "1")
    with in_background(os.getpid) as pending:
        assert pending.result() == os.getpid()


def test_beside_other_threads_the_work_still_runs_in_another_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """`mkdocs serve` has threads; the child only computes and writes to its pipe, so it still forks."""
    monkeypatch.setenv("KB_WORKERS", "2")
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        with in_background(os.getpid) as pending:
            assert pending.result() != os.getpid()
        with in_background(_fail, "beside a thread") as pending:
            with pytest.raises(ValueError, match="beside a thread"):
                pending.result()
        assert not may_fork()  # what kb.pageloop asks: its child logs, so it stays in this process
    finally:
        stop.set()
        thread.join()


@pytest.mark.parametrize("cores", ["1", "2"])
def test_results_and_errors_come_back_as_from_a_call(cores: str, two_cores: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KB_WORKERS", cores)
    with in_background(_big, 1 << 20) as pending:
        assert pending.result() == b"x" * (1 << 20)
    with in_background(_fail, "no essays") as pending:
        with pytest.raises(ValueError, match="no essays"):
            pending.result()


def test_work_never_collected_leaves_no_process_behind(two_cores: None) -> None:
    """The build failed before it needed the result: the child, blocked on a full pipe, is stopped."""
    start = time.monotonic()
    with pytest.raises(KeyError):
        with in_background(_big, 1 << 20) as pending:
            child = pending.pid
            raise KeyError("the build failed")
    assert time.monotonic() - start < 5
    assert child is not None
    with pytest.raises(ChildProcessError):
        os.waitpid(child, os.WNOHANG)  # already reaped


def test_warnings_from_pages_written_by_the_child_are_logged_by_the_build(caplog: pytest.LogCaptureFixture) -> None:
    """MkDocs counts --strict warnings in its own process: the child's must be logged there again."""
    from kb.pageloop import ChildReport, SecondCore
    from kb.parallel import Pending

    report = ChildReport(records=[("mkdocs.plugins.kb", logging.WARNING, "essays/x.md: a broken link")], used={"k"},
                         reused=3, pages=7)

    class Counting:
        used: set[str] = set()
        reused = 0

        def count_child(self, used: set[str], reused: int) -> None:
            self.used, self.reused = used, reused

    cache = Counting()
    with caplog.at_level(logging.INFO):
        assert SecondCore({"essays/x.md"}, Pending(None, None, report)).finish(cache) is report
    assert [(r.name, r.levelno, r.getMessage()) for r in caplog.records] == report.records
    assert (cache.used, cache.reused) == ({"k"}, 3)


def _broken_setup() -> None:
    raise ValueError("cannot build the matchers")


def _identity(state: object, item: int) -> int:
    return item


@pytest.mark.parametrize("fresh", [False, True])
def test_a_worker_whose_setup_fails_fails_the_map_instead_of_being_restarted(fresh: bool, two_cores: None) -> None:
    """multiprocessing restarts a worker whose initializer raised, for ever: the build hung."""
    from kb.parallel import MIN_ITEMS_FOR_POOL, map_in_order

    def hung(signum: int, frame: object) -> None:
        raise TimeoutError("the pool kept restarting its workers")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(60)
    try:
        with pytest.raises(ValueError, match="cannot build the matchers"):
            map_in_order(_identity, list(range(MIN_ITEMS_FOR_POOL)), _broken_setup, fresh_processes=fresh)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
