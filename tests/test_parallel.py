"""kb.parallel: work on the other core, with the same results as in this process."""

from __future__ import annotations

import os
import threading
import time

import pytest

from kb.parallel import in_background


def _fail(message: str) -> None:
    raise ValueError(message)


def _big(n: int) -> bytes:
    return b"x" * n  # larger than a pipe holds: the child blocks until it is read


def test_work_in_the_background_runs_in_another_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KB_WORKERS", "2")
    with in_background(os.getpid) as pending:
        assert pending.result() != os.getpid()


def test_with_one_core_the_work_runs_here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KB_WORKERS", "1")
    with in_background(os.getpid) as pending:
        assert pending.result() == os.getpid()


def test_beside_other_threads_the_work_runs_here(monkeypatch: pytest.MonkeyPatch) -> None:
    """`mkdocs serve` has threads: forking then could copy a lock another thread holds."""
    monkeypatch.setenv("KB_WORKERS", "2")
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        with in_background(os.getpid) as pending:
            assert pending.result() == os.getpid()
    finally:
        stop.set()
        thread.join()


def test_results_and_errors_come_back_as_from_a_call(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KB_WORKERS", "2")
    with in_background(_big, 1 << 20) as pending:
        assert pending.result() == b"x" * (1 << 20)
    with in_background(_fail, "no essays") as pending:
        with pytest.raises(ValueError, match="no essays"):
            pending.result()


def test_work_never_collected_leaves_no_process_behind(monkeypatch: pytest.MonkeyPatch) -> None:
    """The build failed before it needed the result: the child, blocked on a full pipe, is stopped."""
    monkeypatch.setenv("KB_WORKERS", "2")
    start = time.monotonic()
    with pytest.raises(KeyError):
        with in_background(_big, 1 << 20) as pending:
            child = pending.pid
            raise KeyError("the build failed")
    assert time.monotonic() - start < 5
    assert child is not None
    with pytest.raises(ChildProcessError):
        os.waitpid(child, os.WNOHANG)  # already reaped
