"""Independent work on every core, results in input order.

``map_in_order(work, items, setup, setup_args)`` runs ``work(state, item)``
for each item, where ``state = setup(*setup_args)`` is built once per worker
process (the matchers, say, which are cheap to build and costly to send).
Few items, or one core, run in this process: starting a pool costs more than
a handful of essays take.

``in_background(function, *args)`` computes one collection-wide result (the
essay-to-essay relations, say) in a forked child while this process does
other work; the child shares this process's memory, so nothing is sent to it.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import pickle
import signal
import threading
import traceback
from dataclasses import dataclass
from typing import Any, Callable, Generic, Sequence, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

MIN_ITEMS_FOR_POOL = 64

# Each worker process holds the state its ``setup`` built. A module global is
# the one place a pool initializer can leave it; the parent never sets it.
_worker_state: Any = None


def workers() -> int:
    """The cores this process may use, or KB_WORKERS if set (1 turns parallelism off)."""
    if os.environ.get("KB_WORKERS", "").isdigit():
        return max(1, int(os.environ["KB_WORKERS"]))
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def map_in_order(work: Callable[[Any, Item], Result], items: Sequence[Item], setup: Callable[..., Any],
                 setup_args: tuple = (), fresh_processes: bool = False) -> list[Result]:
    """``fresh_processes``: workers that must not inherit this process's state (kb.prerender loads the site again)."""
    count = min(workers(), len(items))
    if count < 2 or len(items) < MIN_ITEMS_FOR_POOL:
        state = setup(*setup_args)
        return [work(state, item) for item in items]
    # Forked workers start at once, with every module loaded (a forkserver's took
    # 0.4 s more here); beside other threads (`mkdocs serve`) a fork could copy a
    # held lock, so those builds use a forkserver.
    context = multiprocessing.get_context("forkserver" if fresh_processes or not may_fork() else "fork")
    chunk = max(1, len(items) // (count * 8))
    with context.Pool(count, initializer=_start_worker, initargs=(setup, setup_args)) as pool:
        return pool.starmap(_run, [(work, item) for item in items], chunksize=chunk)


@dataclass(frozen=True)
class _SetupFailed:
    error: Exception


def _start_worker(setup: Callable[..., Any], setup_args: tuple) -> None:
    global _worker_state
    try:
        _worker_state = setup(*setup_args)
    except Exception as error:  # noqa: BLE001 - a pool restarts a worker whose setup raised, for ever
        _worker_state = _SetupFailed(error)


def _run(work: Callable[[Any, Item], Result], item: Item) -> Result:
    if isinstance(_worker_state, _SetupFailed):
        raise _worker_state.error  # the map fails with the setup's error
    return work(_worker_state, item)


class Pending(Generic[Result]):
    """A result being computed in a forked child; ``result()`` waits for it, once."""

    def __init__(self, pid: int | None, pipe: int | None, value: Any = None, error: Exception | None = None) -> None:
        self.pid, self._pipe, self._value, self._error = pid, pipe, value, error

    def result(self) -> Result:
        if self._error is not None:
            raise self._error
        if self.pid is None:
            return self._value
        with os.fdopen(self._pipe, "rb") as pipe:  # type: ignore[arg-type]
            self._pipe = None
            data = pipe.read()
        os.waitpid(self.pid, 0)
        self.pid = None
        if not data:
            raise RuntimeError("the background computation ended without a result")
        ok, value = pickle.loads(data)
        if not ok:
            raise value
        self._value = value
        return value

    def __enter__(self) -> "Pending[Result]":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        """Not collected (the build failed first): stop the child, which may be blocked on a full pipe."""
        if self.pid is not None:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
            self.pid = None
        if self._pipe is not None:
            os.close(self._pipe)
            self._pipe = None


def may_fork() -> bool:
    """Another core to use, and no other thread whose locks a fork could copy held."""
    return workers() >= 2 and threading.active_count() == 1 and hasattr(os, "fork")


def in_background(function: Callable[..., Result], *args: Any) -> Pending[Result]:
    """``function(*args)`` in a forked child, while the caller goes on; use as ``with ... as pending``.

    Runs here instead with one core. Beside other threads (`mkdocs serve`) it
    still forks: a fork copies only the calling thread, and a lock another
    thread held stays held in the child, but the child only computes and writes
    its result to a pipe of its own. Python itself resets the GIL, the import
    lock and threading's state in the child. So ``function`` must not use what
    other threads lock (logging, the standard streams): ``kb.pageloop``, whose
    child logs, asks ``may_fork`` first.
    """
    if workers() < 2 or not hasattr(os, "fork"):
        try:
            return Pending(None, None, function(*args))
        except Exception as error:  # raised by result(), as from the child
            return Pending(None, None, error=error)
    read, write = os.pipe()
    # Frozen objects are left alone by the collector: the child's collections then
    # touch none of the memory it shares with this process, which each touch would
    # copy. At 1,000 essays the relations came back 0.1-0.2 s sooner.
    gc.freeze()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        _child(write, function, args)
    gc.unfreeze()
    os.close(write)
    return Pending(pid, read)


def _child(write: int, function: Callable[..., Any], args: tuple) -> None:
    try:
        try:
            payload = pickle.dumps((True, function(*args)), protocol=pickle.HIGHEST_PROTOCOL)
        except BaseException as error:  # noqa: BLE001 - every failure goes back to the parent
            try:
                payload = pickle.dumps((False, error))
            except Exception:  # an exception that cannot be pickled: its text
                payload = pickle.dumps((False, RuntimeError(traceback.format_exc())))
        with os.fdopen(write, "wb") as pipe:
            pipe.write(payload)
    finally:
        os._exit(0)  # not the parent's atexit handlers, buffers or MkDocs' shutdown
