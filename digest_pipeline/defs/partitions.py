"""The one partitioning of the warehouse: a post's date.

Dynamic rather than a fixed daily range, so that any date a post carries
(years back, or tomorrow) is a partition: the scan registers each date it
finds, and nothing is dropped for falling outside a configured window.
"""

from __future__ import annotations

import datetime as dt

import dagster as dg

POST_DATES_PARTITION = "post_dates"

post_dates = dg.DynamicPartitionsDefinition(name=POST_DATES_PARTITION)

RANGE_START_TAG = "dagster/asset_partition_range_start"
RANGE_END_TAG = "dagster/asset_partition_range_end"
"""The tags of a run over a range of post dates (what the sensor, the schedule and `build` launch)."""


def run_post_dates(context: dg.AssetCheckExecutionContext) -> list[dt.date] | None:
    """The post dates of the range a check's run covers, or None for every date: a run without a
    range (a check run on its own), or one over every registered date (a first build).

    A range is the registered keys from its first to its last, in registration order, as Dagster
    reads it.
    """
    tags = context.run.tags
    first, last = tags.get(RANGE_START_TAG), tags.get(RANGE_END_TAG)
    if first is None or last is None:
        return None
    keys = context.instance.get_dynamic_partitions(POST_DATES_PARTITION)
    if first not in keys or last not in keys:
        return None
    selected = keys[keys.index(first) : keys.index(last) + 1]
    if len(selected) == len(keys):
        return None
    return sorted(dt.date.fromisoformat(key) for key in selected)


def describe_scope(dates: list[dt.date] | None) -> str:
    """How much a check looked at, for its metadata."""
    if dates is None:
        return "every row"
    if len(dates) == 1:
        return f"the rows of post date {dates[0]}"
    return f"the rows of {len(dates)} post dates, {dates[0]} .. {dates[-1]}"
