"""Independent work on every core, results in input order.

``map_in_order(work, items, setup, setup_args)`` runs ``work(state, item)``
for each item, where ``state = setup(*setup_args)`` is built once per worker
process (the matchers, say, which are cheap to build and costly to send).
Few items, or one core, run in this process: a pool costs about half a
second to start, more than a handful of essays take.
"""

from __future__ import annotations

import multiprocessing
import os
from typing import Any, Callable, Sequence, TypeVar

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
                 setup_args: tuple = ()) -> list[Result]:
    count = min(workers(), len(items))
    if count < 2 or len(items) < MIN_ITEMS_FOR_POOL:
        state = setup(*setup_args)
        return [work(state, item) for item in items]
    # forkserver, not fork: `mkdocs serve` runs builds beside other threads,
    # and forking a process with threads can copy a held lock.
    context = multiprocessing.get_context("forkserver")
    chunk = max(1, len(items) // (count * 8))
    with context.Pool(count, initializer=_start_worker, initargs=(setup, setup_args)) as pool:
        return pool.starmap(_run, [(work, item) for item in items], chunksize=chunk)


def _start_worker(setup: Callable[..., Any], setup_args: tuple) -> None:
    global _worker_state
    _worker_state = setup(*setup_args)


def _run(work: Callable[[Any, Item], Result], item: Item) -> Result:
    return work(_worker_state, item)
