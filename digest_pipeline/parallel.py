"""Pure-Python work spread over every core: ordered, chunked, and bounded in memory.

Parsing posts and reading text features are pure Python (markdown-it,
regular expressions, OpenCC) and hold the GIL, so they use processes, not
threads. Small inputs stay in the calling process: starting workers costs
more than a daily run's work. Workers are spawned, never forked, because the
caller may be a Dagster run with threads of its own; and since spawning one
costs about a second (it imports the caller's main module), a process keeps
its pool for its lifetime: a backfill of many batches pays that once.
"""

from __future__ import annotations

import atexit
import collections
import concurrent.futures
import itertools
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

from digest_pipeline.collector import collect_rarely_from_now

Item = TypeVar("Item")
Result = TypeVar("Result")


def usable_cores() -> int:
    """The cores this process may run on (its affinity, which containers and `taskset` narrow)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def batched(items: Iterable[Item], size: int) -> Iterator[tuple[Item, ...]]:
    iterator = iter(items)
    while chunk := tuple(itertools.islice(iterator, size)):
        yield chunk


_POOLS: dict[int, concurrent.futures.ProcessPoolExecutor] = {}


def _pool(workers: int) -> concurrent.futures.ProcessPoolExecutor:
    """This process's pool of `workers` spawned workers, started on first use and then kept.

    The workers only compute, so the cycle collector runs rarely in them (`collector`).

    Its workers are stopped when this process exits (`_stop_pools`).
    """
    pool = _POOLS.get(workers)
    if pool is None:
        spawn = multiprocessing.get_context("spawn")
        pool = concurrent.futures.ProcessPoolExecutor(
            workers, mp_context=spawn, initializer=collect_rarely_from_now
        )
        _POOLS[workers] = pool
    return pool


@atexit.register
def _stop_pools() -> None:
    """Stop the kept pools before the interpreter tears its modules down (else their clean-up warns)."""
    while _POOLS:
        _, pool = _POOLS.popitem()
        pool.shutdown(wait=True, cancel_futures=True)


def map_chunks(
    work: Callable[[tuple[Item, ...]], Result],
    items: Iterable[Item],
    chunk_size: int,
    parallel_from: int,
    workers: int | None = None,
) -> Iterator[Result]:
    """`work(chunk)` for each chunk of `items`, in order, on every core once there are `parallel_from` items.

    Lazy: at most two chunks per worker are in flight, so a stream of a
    million items is never held at once. `work` must be a module-level
    function (workers import it).
    """
    workers = workers or usable_cores()
    chunks = batched(items, chunk_size)
    first = list(itertools.islice(chunks, max(1, -(-parallel_from // chunk_size))))
    if workers == 1 or sum(map(len, first)) < parallel_from:
        yield from map(work, itertools.chain(first, chunks))
        return
    pool = _pool(workers)
    pending: collections.deque[concurrent.futures.Future[Result]] = collections.deque()
    try:
        for chunk in itertools.chain(first, chunks):
            pending.append(pool.submit(work, chunk))
            if len(pending) >= 2 * workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    except concurrent.futures.process.BrokenProcessPool:
        _POOLS.pop(workers, None)  # a worker died (killed, out of memory): the next call starts afresh
        raise
    finally:
        for future in pending:  # the caller stopped early or a chunk failed: drop the rest
            future.cancel()
