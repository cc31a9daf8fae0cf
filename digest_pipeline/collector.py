"""Python's cyclic garbage collector, run rarely during long allocation-heavy computations.

CPython runs its cycle collector whenever allocations of container objects
outnumber deallocations by 700, and every run walks the objects allocated
since the last one (every tenth, the older ones too). The timeline allocates
dictionaries, sets and small arrays for every item while it holds the
window's thousands of items, and none of those runs ever found garbage:
this code makes no reference cycles, and reference counting frees all it
drops. Measured with the thresholds raised (2026-12-03, taking turns):

- placing `make bench`'s 100k timeline-alone items: 27.4-30.0 s against 31.8-34.6 s;
- the timeline step's work on the 50k items of 10k synthetic posts (placing,
  then describing the stories): 30.6-31.2 s against 35.4-38.9 s;
- the features of those 100k items on two workers: 12.0 s against 12.8-14.4 s.

So these computations raise the thresholds while they run, and worker
processes (which only compute) for their lifetime. The collector still runs,
about a hundred times less often, and collects anything cyclic in the end.
The post tables and the scan gained nothing measurable: their main process
spends its time in DuckDB.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

RARE_THRESHOLDS = (100_000, 50, 1000)
"""Allocations before a young collection, and young (then middle) collections before an older one.
CPython's defaults are (700, 10, 10)."""


def collect_rarely_from_now() -> None:
    """Raise the thresholds for the rest of this process: for worker processes that only compute."""
    gc.set_threshold(*RARE_THRESHOLDS)


@contextmanager
def collect_rarely() -> Iterator[None]:
    """Raise the collector's thresholds for the block, and put back the ones before after it."""
    before = gc.get_threshold()
    gc.set_threshold(*RARE_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*before)
