"""map_chunks: ordered results, one kept pool of spawned workers, failures that surface and heal."""

import gc
import os

import pytest

from digest_pipeline.collector import RARE_THRESHOLDS
from digest_pipeline.parallel import batched, map_chunks


def square_with_pid(chunk: tuple[int, ...]) -> tuple[list[int], int]:
    return [n * n for n in chunk], os.getpid()


def fail_on_seven(chunk: tuple[int, ...]) -> list[int]:
    if 7 in chunk:
        raise ValueError("seven")
    return list(chunk)


def collector_thresholds(chunk: tuple[int, ...]) -> tuple[int, int, int]:
    return gc.get_threshold()


def test_workers_run_the_cycle_collector_rarely():
    """Workers only compute: the collector's default thresholds cost them time and found nothing."""
    thresholds = set(map_chunks(collector_thresholds, range(40), 5, parallel_from=1, workers=2))
    assert thresholds == {RARE_THRESHOLDS}
    assert gc.get_threshold() != RARE_THRESHOLDS  # this process keeps its own


def test_batched_cuts_the_last_chunk_short():
    assert list(batched(range(5), 2)) == [(0, 1), (2, 3), (4,)]


def test_small_inputs_stay_in_this_process():
    results = list(map_chunks(square_with_pid, range(10), 3, parallel_from=100, workers=2))
    assert [n for squares, _ in results for n in squares] == [n * n for n in range(10)]
    assert {pid for _, pid in results} == {os.getpid()}


def test_workers_keep_order_and_are_reused_across_calls():
    first = list(map_chunks(square_with_pid, range(200), 7, parallel_from=1, workers=2))
    assert [n for squares, _ in first for n in squares] == [n * n for n in range(200)]
    pids = {pid for _, pid in first}
    assert os.getpid() not in pids
    second = list(map_chunks(square_with_pid, range(50), 7, parallel_from=1, workers=2))
    assert {pid for _, pid in second} <= pids  # the same pool: no second start-up


def test_a_failing_chunk_raises_and_the_pool_still_serves():
    with pytest.raises(ValueError, match="seven"):
        list(map_chunks(fail_on_seven, range(20), 2, parallel_from=1, workers=2))
    assert [n for chunk in map_chunks(fail_on_seven, range(6), 2, 1, 2) for n in chunk] == list(range(6))
