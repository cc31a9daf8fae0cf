"""Trends: what rises and falls, rebuilt in SQL after posts or the timeline change.

Each trend table is its own asset (so the UI shows its lineage, schema and
checks), computed together in one transaction; a UI selection of a few of
them rebuilds only those. The tag and story assets carry a chart.
"""

from collections.abc import Callable, Mapping

import dagster as dg
import duckdb
from dagster_duckdb import DuckDBResource

from digest_pipeline.defs.conditions import after_upstream_runs
from digest_pipeline.defs.metadata import selected_tables, table_metadata
from digest_pipeline.defs.resources import DUCKDB_WRITER_POOL
from digest_pipeline.trends.charts import Series, line_chart, markdown_image, stacked_steps
from digest_pipeline.warehouse.schema import apply_schema
from digest_pipeline.warehouse.trend_tables import (
    COUNTS,
    GAPS,
    SHARES,
    TREND_TABLES,
    negative_counts,
    refresh_trends,
    rows_checked,
    series_gaps,
    share_violations,
    story_activity_by_day,
    top_tags_by_week,
)

_TRENDS = {
    "trend_tags_daily": (
        "Tags per day: posts, share of the day's tagging, rank, change and a rising flag.",
        ["post_tags", "posts"],
    ),
    "trend_tags_weekly": (
        "Tags per ISO week: posts, share, rank, change and a rising flag.",
        ["post_tags", "posts"],
    ),
    "trend_entities_daily": (
        "Product and organisation names per day, with a 7-day rolling count and rank.",
        ["event_entities", "posts"],
    ),
    "trend_stories_daily": (
        "Stories per day and model: new, continuing and ended; every day, no gaps.",
        ["story_events", "stories", "events", "posts"],
    ),
    "trend_story_lifespans": (
        "How long each story ran: lifespan, days seen, peak day, longest gap, ended or active.",
        ["stories", "story_timeline", "posts"],
    ),
    "trend_domains_weekly": (
        "Cited source domains per ISO week: citations, share, rank and change.",
        ["post_sources", "posts"],
    ),
    "trend_models_weekly": (
        "Each model digest's activity per ISO week: posts, items, citations, stories, share of posts.",
        ["posts", "post_sources", "story_events", "stories"],
    ),
}


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            table,
            description=description,
            deps=deps,
            group_name="trends",
            kinds={"duckdb"},
            automation_condition=after_upstream_runs(),
        )
        for table, (description, deps) in _TRENDS.items()
    ],
    can_subset=True,
    pool=DUCKDB_WRITER_POOL,
)
def trends(context: dg.AssetExecutionContext, duckdb: DuckDBResource):
    """Refresh the selected trend tables from the current posts and stories, in one transaction.

    The day-by-day series recompute only from the first post date rebuilt since their last refresh.
    """
    wanted = tuple(t for t in TREND_TABLES if dg.AssetKey(t) in context.selected_asset_keys)
    with duckdb.get_connection() as con:
        apply_schema(con)
        written = refresh_trends(con, wanted)
        context.log.info("trend rows written: " + ", ".join(f"{t} {n}" for t, n in written.items()))
        charts = _charts(con, wanted)
        metadata = {table: table_metadata(con, table, **charts.get(table, {})) for table in wanted}
    for table in wanted:
        yield dg.MaterializeResult(asset_key=table, metadata=metadata[table])


def _charts(con, tables: tuple[str, ...]) -> dict[str, dict[str, dg.MetadataValue]]:
    """A picture per table where one says more than rows: top tags by week, story activity by day."""
    charts: dict[str, dict[str, dg.MetadataValue]] = {}
    if "trend_tags_weekly" in tables and "trend_models_weekly" in tables:
        weeks, tags = top_tags_by_week(con)
        labels = [week.strftime("%G-W%V") for week in weeks]
        svg = line_chart(
            "Top tags, posts per ISO week", labels, [Series(tag, counts) for tag, counts in tags], "posts"
        )
        charts["trend_tags_weekly"] = {"chart": dg.MetadataValue.md(markdown_image(svg, "top tags by week"))}
    if "trend_stories_daily" in tables and "trend_story_lifespans" in tables:
        days, activity = story_activity_by_day(con)
        svg = stacked_steps(
            "Stories reported per day (all models)",
            days,
            [Series("new stories", activity["new"]), Series("continuing stories", activity["continuing"])],
            "stories",
            overlay=Series("of which ended that day", activity["ended"]),
        )
        charts["trend_stories_daily"] = {"chart": dg.MetadataValue.md(markdown_image(svg, "story activity"))}
    return charts


def _trend_check(
    name: str,
    tables: Mapping[str, object],
    describe: Callable[[str], str],
    why: str,
    evaluate: Callable[[duckdb.DuckDBPyConnection, str], tuple[bool, dict[str, object]]],
) -> dg.AssetChecksDefinition:
    """One check over several trend tables: `evaluate` says per table whether it passed, and why."""

    @dg.multi_asset_check(
        name=name,
        description=why,
        specs=[dg.AssetCheckSpec(name, asset=table, description=describe(table)) for table in tables],
        can_subset=True,
        pool=DUCKDB_WRITER_POOL,
    )
    def check(context: dg.AssetCheckExecutionContext, duckdb: DuckDBResource):
        with duckdb.get_connection() as con:
            for table in selected_tables(context, name, tables):
                passed, metadata = evaluate(con, table)
                yield dg.AssetCheckResult(asset_key=table, check_name=name, passed=passed, metadata=metadata)

    return check


def _shares(con: duckdb.DuckDBPyConnection, table: str) -> tuple[bool, dict[str, object]]:
    bad = share_violations(con, table)
    return not bad, {"bad_periods": dg.MetadataValue.json(bad)}


def _negatives(con: duckdb.DuckDBPyConnection, table: str) -> tuple[bool, dict[str, object]]:
    negative = negative_counts(con, table)
    return not negative, {"negative_rows_per_column": dg.MetadataValue.json(negative)}


def _gaps(con: duckdb.DuckDBPyConnection, table: str) -> tuple[bool, dict[str, object]]:
    missing = series_gaps(con, table)
    return not missing, {
        "missing_rows": dg.MetadataValue.json(missing),
        "rows_checked": rows_checked(con, table),
    }


shares_sum_to_one = _trend_check(
    "shares_sum_to_one",
    SHARES,
    lambda table: (
        f"Every {SHARES[table].share} lies in [0, 1], and a period's shares sum to 1 "
        f"whenever it has any {SHARES[table].count}."
    ),
    "A share outside [0, 1] or a period not summing to 1 means rows were lost or counted twice.",
    _shares,
)
no_negative_counts = _trend_check(
    "no_negative_counts",
    COUNTS,
    lambda table: f"None of {', '.join(COUNTS[table])} is negative.",
    "Counts below zero can only come from broken arithmetic (a subtraction where a count belongs).",
    _negatives,
)
no_gaps = _trend_check(
    "no_gaps",
    GAPS,
    lambda table: "The series has a row for every period its comment promises (zeros, not holes).",
    "A missing day reads as a drop to nothing on a chart and breaks rolling windows.",
    _gaps,
)
