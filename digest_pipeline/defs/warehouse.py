"""Warehouse: the current-post tables, rebuilt per post date from the current versions."""

import datetime as dt

import dagster as dg
from dagster_duckdb import DuckDBResource

from digest_pipeline.defs.conditions import after_upstream_runs
from digest_pipeline.defs.metadata import DETAILED_MAX_PARTITIONS, selected_tables, table_metadata
from digest_pipeline.defs.partitions import describe_scope, post_dates, run_post_dates
from digest_pipeline.defs.resources import DUCKDB_WRITER_POOL
from digest_pipeline.parallel import batched
from digest_pipeline.posts.parse import PARSER_VERSION
from digest_pipeline.warehouse.integrity import (
    ORPHAN_TABLES,
    current_versions_without_post,
    orphan_rows,
    posts_with_wrong_item_count,
)
from digest_pipeline.warehouse.post_tables import (
    parsed_batches,
    refresh_sources,
    replace_post_dates,
)
from digest_pipeline.warehouse.schema import apply_schema, duplicate_keys, enforced_key
from digest_pipeline.warehouse.trend_tables import KEYS as TREND_KEYS
from digest_pipeline.warehouse.trend_tables import rewritten_rows, rows_checked

_KINDS = {"duckdb", "polars"}
DATES_PER_BATCH = 200
"""Post dates parsed and written per transaction in one run (a backfill of years is many batches)."""
_DESCRIPTIONS = {
    "posts": "One row per current post (model + date): front matter, trend summary, counts.",
    "post_sections": "Every section of every current post, whole: analysis and outlook included.",
    "post_tags": "Tags of each current post as written, with a normalised key for grouping.",
    "post_sources": "Links cited by each current post, in order, with canonical URL and domain.",
    "events": "One row per news item of a current post: headline, body and outlets.",
    "event_outlets": "Outlets named by each news item's inline attribution.",
    "key_points": "The key points (重點摘要) of each current post.",
}
# The lineage shown in the UI: posts come from the current versions, item outlets
# from events, and everything else from posts. (The names items mention, `event_entities`,
# come from the timeline's features: `defs.timeline`.)
_PARENT = {"posts": "post_versions", "event_outlets": "events"}


PARTITIONED_TABLE = "posts"
"""The one post table partitioned by post date: its partitions say which dates are built.

The other seven are written in the same step, for the same dates, but are
assets of the whole table. Dagster records a materialization per partition
per asset, and storing one costs about 1.8 ms: eight partitioned tables made a
first build of 5,000 dates log 40,000 events (about 70 s on two cores) that
said the same thing eight times. One partitioned table logs 5,000, plus one
event per other table, which can then carry its schema and preview.
"""


@dg.multi_asset(
    pool=DUCKDB_WRITER_POOL,
    specs=[
        dg.AssetSpec(
            table,
            description=text,
            deps=[_PARENT.get(table, PARTITIONED_TABLE)],
            group_name="warehouse",
            kinds=_KINDS,
            partitions_def=post_dates if table == PARTITIONED_TABLE else None,
            code_version=PARSER_VERSION,
        )
        for table, text in _DESCRIPTIONS.items()
    ],
    backfill_policy=dg.BackfillPolicy.single_run(),
)
def post_tables(context: dg.AssetExecutionContext, duckdb: DuckDBResource):
    """Parse the current version of every post on the run's dates and replace their rows."""
    days = sorted(dt.date.fromisoformat(key) for key in context.partition_keys)
    written = dict.fromkeys(_DESCRIPTIONS, 0)
    with duckdb.get_connection() as con:
        apply_schema(con)
        # A long backfill goes a batch of dates at a time (each its own transaction), so the
        # texts and frames in memory are two batches', never the whole history's; the next
        # batch parses on the workers while this one is written.
        done = 0
        for batch, posts, frames in parsed_batches(con, batched(days, DATES_PER_BATCH)):
            replace_post_dates(con, batch, frames)
            done += len(batch)
            context.log.info(
                f"wrote {posts} posts over {len(batch)} dates ({batch[0]} .. {batch[-1]}); "
                f"{done} of {len(days)} dates"
            )
            for table in _DESCRIPTIONS:
                written[table] += frames[table].height
        # Dagster copies a range run's metadata into the event of each of its partitions: the
        # partitioned table reports row counts only for a long range (see `table_metadata`).
        metadata = {
            table: table_metadata(
                con,
                table,
                detailed=table != PARTITIONED_TABLE or len(days) <= DETAILED_MAX_PARTITIONS,
                rows_written_this_run=dg.MetadataValue.int(written[table]),
            )
            for table in _DESCRIPTIONS
        }
    for table in _DESCRIPTIONS:
        yield dg.MaterializeResult(asset_key=table, metadata=metadata[table])


@dg.asset(
    pool=DUCKDB_WRITER_POOL,
    deps=["post_sources"],
    group_name="warehouse",
    kinds=_KINDS,
    automation_condition=after_upstream_runs(),
)
def sources(duckdb: DuckDBResource) -> dg.MaterializeResult:
    """One row per distinct cited URL across all posts: domain, citations, first and last cited."""
    with duckdb.get_connection() as con:
        apply_schema(con)
        refresh = refresh_sources(con)
        return dg.MaterializeResult(
            metadata=table_metadata(
                con,
                "sources",
                urls_recounted=dg.MetadataValue.int(refresh["recounted"]),
                full_rebuild=dg.MetadataValue.bool(bool(refresh["full_rebuild"])),
            )
        )


_KEYS = {
    "posts": ["post_id"],
    "post_sections": ["post_id", "position"],
    "post_tags": ["post_id", "position"],
    "post_sources": ["post_id", "position"],
    "events": ["event_id"],
    "event_outlets": ["event_id", "position"],
    "event_entities": ["event_id", "position"],
    "key_points": ["post_id", "position"],
    "sources": ["source_id"],
    **TREND_KEYS,  # unique by construction rather than indexed: checked here like every other key
}


@dg.multi_asset_check(
    pool=DUCKDB_WRITER_POOL,
    specs=[
        dg.AssetCheckSpec("unique_keys", asset=t, description=f"{', '.join(k)} is unique.")
        for t, k in _KEYS.items()
    ],
    can_subset=True,
)
def unique_keys(context: dg.AssetCheckExecutionContext, duckdb: DuckDBResource):
    """No two rows of a table share its key: ids stay something analysts can join on.

    Tables whose key DuckDB enforces (a PRIMARY KEY) pass on the constraint's word; the
    trend tables, rebuilt without an index, are scanned."""
    with duckdb.get_connection() as con:
        for table, key in selected_tables(context, "unique_keys", _KEYS).items():
            constraint = enforced_key(con, table, key)
            metadata: dict[str, object] = {"kept_unique_by": constraint or "this check (a scan)"}
            if constraint:
                dupes = 0
            elif table in TREND_KEYS:  # each key holds its period: the rewritten periods share none
                dupes = duplicate_keys(con, table, key, where=rewritten_rows(con, table))
                metadata["rows_checked"] = rows_checked(con, table)
            else:
                dupes = duplicate_keys(con, table, key)
            yield dg.AssetCheckResult(
                asset_key=table,
                check_name="unique_keys",
                passed=dupes == 0,
                metadata={"duplicate_keys": dupes, **metadata},
            )


@dg.multi_asset_check(
    pool=DUCKDB_WRITER_POOL,
    specs=[
        dg.AssetCheckSpec(
            "no_orphan_rows",
            asset=t,
            description="Every row points at an existing parent row (in a run over post dates: every "
            "row that run could have orphaned).",
        )
        for t in ORPHAN_TABLES
    ],
    can_subset=True,
)
def no_orphan_rows(context: dg.AssetCheckExecutionContext, duckdb: DuckDBResource):
    """Child rows whose post (or event, or source) is missing would silently vanish from joins.

    A run over post dates rewrote only those dates' rows, and the rest passed this check
    before: such a run counts the rows it could have orphaned (`warehouse.integrity`), so
    a daily check reads a day's rows, not the history's. Run on its own, it counts every row.
    """
    dates = run_post_dates(context)
    with duckdb.get_connection() as con:
        for table in selected_tables(context, "no_orphan_rows", dict.fromkeys(ORPHAN_TABLES)):
            orphans = orphan_rows(con, table, dates)
            yield dg.AssetCheckResult(
                asset_key=table,
                check_name="no_orphan_rows",
                passed=orphans == 0,
                metadata={"orphan_rows": orphans, "checked": describe_scope(dates)},
            )


@dg.asset_check(
    pool=DUCKDB_WRITER_POOL,
    asset="events",
    description="Each post's item count equals its rows in events "
    "(in a run over post dates: those dates' posts).",
)
def item_count_matches_events(
    context: dg.AssetCheckExecutionContext, duckdb: DuckDBResource
) -> dg.AssetCheckResult:
    dates = run_post_dates(context)
    with duckdb.get_connection() as con:
        mismatched = posts_with_wrong_item_count(con, dates)
        without_news = con.execute("SELECT count(*) FROM posts WHERE NOT has_news_section").fetchall()[0][0]
    return dg.AssetCheckResult(
        passed=not mismatched,
        metadata={
            "mismatched_posts": dg.MetadataValue.json([list(map(str, r)) for r in mismatched[:20]]),
            "posts_without_news_section": without_news,
            "checked": describe_scope(dates),
        },
    )


@dg.asset_check(
    pool=DUCKDB_WRITER_POOL,
    asset="posts",
    description="Every current version in post_versions has its row in posts (in a run over post dates: "
    "those dates' versions).",
)
def every_current_version_is_a_post(
    context: dg.AssetCheckExecutionContext, duckdb: DuckDBResource
) -> dg.AssetCheckResult:
    dates = run_post_dates(context)
    with duckdb.get_connection() as con:
        missing = current_versions_without_post(con, dates)
    return dg.AssetCheckResult(
        passed=not missing,
        metadata={
            "posts_missing_or_stale": dg.MetadataValue.json(missing[:50]),
            "checked": describe_scope(dates),
        },
    )
