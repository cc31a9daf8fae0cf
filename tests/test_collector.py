"""The cycle collector runs rarely inside a heavy computation, and as before after it."""

import gc

import pytest

from digest_pipeline.collector import RARE_THRESHOLDS, collect_rarely


def test_thresholds_are_raised_inside_and_put_back_after_even_on_failure():
    before = gc.get_threshold()
    assert before != RARE_THRESHOLDS
    with collect_rarely():
        assert gc.get_threshold() == RARE_THRESHOLDS
    assert gc.get_threshold() == before
    with pytest.raises(RuntimeError), collect_rarely():
        raise RuntimeError("a failing computation")
    assert gc.get_threshold() == before


def test_nested_blocks_put_back_what_each_found():
    before = gc.get_threshold()
    with collect_rarely():
        with collect_rarely():
            pass
        assert gc.get_threshold() == RARE_THRESHOLDS
    assert gc.get_threshold() == before
