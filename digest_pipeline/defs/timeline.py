"""Timeline: the deduplicated stories, placed incrementally after each events run.

The step also writes `event_entities`, the names each item mentions: the
timeline's features read every item's names, so the post parse need not.
"""

import datetime as dt

import dagster as dg
from dagster_duckdb import DuckDBResource

from digest_pipeline import settings
from digest_pipeline.defs.conditions import after_upstream_runs
from digest_pipeline.defs.metadata import table_metadata
from digest_pipeline.defs.partitions import run_post_dates
from digest_pipeline.defs.resources import DUCKDB_WRITER_POOL
from digest_pipeline.timeline.cluster import PLACEMENT_CODE_VERSION, TimelineConfig, configured_timeline
from digest_pipeline.warehouse.integrity import miscounted_stories, placement_problems
from digest_pipeline.warehouse.schema import TIMELINE_TABLES, apply_schema, enforced_key
from digest_pipeline.warehouse.timeline_tables import (
    days_last_placed,
    last_placed_from,
    replay_mismatches,
    update_timeline,
)

_DESCRIPTIONS = {
    "stories": "One row per real-world development: stable id, headline, first/last seen, mentions, models.",
    "story_events": "Which story each news item belongs to, and how strongly it matched.",
    "story_timeline": "Day-by-day view: one row per story and date it was reported.",
    "story_aliases": "Story ids that were merged, refounded or withdrawn, and where they resolve now.",
    "event_entities": "Product and organisation names each news item mentions, in canonical spelling: "
    "read from the timeline's features of each item, which read its names anyway.",
}
_GROUPS = {"event_entities": "warehouse"}
_DEPS = {"event_entities": ["events"]}
_KINDS = {"duckdb", "python"}
REPLAY_DAYS = 14
"""The replay check rebuilds at most this many latest days from the stored state before them.

It replays the days the last run placed (a daily run: one day; a run that
placed nothing: the latest day), so it checks what that run wrote at the
cost of a day, and a full build's or a backfill's last two weeks at a fixed
cost. Two weeks hold the recurrences that follow a story's first report; the
stories as they stood before the replayed days come from
`story_events.placed_story_id` and the dated merges, so the replay is exact.
"""


def _config() -> TimelineConfig:
    return configured_timeline(settings.story_window_days(), settings.semantic_matching())


@dg.multi_asset(
    pool=DUCKDB_WRITER_POOL,
    specs=[
        dg.AssetSpec(
            table,
            description=text,
            deps=_DEPS.get(table, ["events", "post_sources"]),
            group_name=_GROUPS.get(table, "timeline"),
            kinds=_KINDS,
            automation_condition=after_upstream_runs(),
            code_version=str(PLACEMENT_CODE_VERSION),
        )
        for table, text in _DESCRIPTIONS.items()
    ],
)
def timeline(context: dg.AssetExecutionContext, duckdb: DuckDBResource):
    """Place new and changed items into stories (join or new), replaying only from the first changed date.

    The names the placed items mention (`event_entities`) are written from the same features.
    """
    with duckdb.get_connection() as con:
        apply_schema(con)
        update = update_timeline(con, _config())
        if update.replayed_from is None:
            context.log.info("no new or changed items since the last run; stories unchanged")
        elif update.code_changed:
            context.log.warning(
                f"the stored stories were placed by other timeline code or settings: placed all "
                f"{update.events_placed} items again from {update.replayed_from}, so a replay gives "
                f"the same ids; {update.stories_touched} stories rewritten in {update.seconds:.2f}s"
            )
        else:
            context.log.info(
                f"replayed from {update.replayed_from}: placed {update.events_placed} items "
                f"({update.features_reused} window items' features read back, not computed; "
                f"{update.headlines_embedded} headlines embedded, {update.embeddings_reused} read back), "
                f"touched {update.stories_touched} stories, {update.merges} merges, "
                f"{update.candidates_compared} candidate stories compared in {update.seconds:.2f}s"
            )
        run = {
            "replayed_from": dg.MetadataValue.text(str(update.replayed_from or "nothing changed")),
            "replayed_because": dg.MetadataValue.text(
                "timeline code or settings changed" if update.code_changed else "new or changed items"
            ),
            "events_placed": dg.MetadataValue.int(update.events_placed),
            "features_reused": dg.MetadataValue.int(update.features_reused),
            "headlines_embedded": dg.MetadataValue.int(update.headlines_embedded),
            "stories_touched": dg.MetadataValue.int(update.stories_touched),
            "merges": dg.MetadataValue.int(update.merges),
            "seconds": dg.MetadataValue.float(round(update.seconds, 3)),
        }
        metadata = {table: table_metadata(con, table, **run) for table in TIMELINE_TABLES}
    for table in TIMELINE_TABLES:
        yield dg.MaterializeResult(asset_key=table, metadata=metadata[table])


def _count(con, sql: str) -> int:
    return con.execute(sql).fetchall()[0][0]


def _placed_since(context: dg.AssetCheckExecutionContext, con) -> dt.date | None:
    """Where the last placing run started, when this check runs in a run over post dates (the
    timeline step of that run placed from there); None, to check every row, otherwise."""
    return last_placed_from(con) if run_post_dates(context) is not None else None


@dg.asset_check(
    pool=DUCKDB_WRITER_POOL,
    asset="story_events",
    blocking=True,
    description="Every event is in exactly one story, and every story it names exists (in a run over "
    "post dates: among what its timeline step rewrote).",
)
def every_event_in_one_story(
    context: dg.AssetCheckExecutionContext, duckdb: DuckDBResource
) -> dg.AssetCheckResult:
    with duckdb.get_connection() as con:
        since = _placed_since(context, con)
        problems = placement_problems(con, since)
        # Its primary key keeps an event from two rows (as `unique_keys` trusts it); an older
        # warehouse without one is scanned.
        twice = (
            0
            if enforced_key(con, "story_events", ["event_id"])
            else _count(
                con, "SELECT count(*) FROM (SELECT event_id FROM story_events GROUP BY 1 HAVING count(*) > 1)"
            )
        )
    return dg.AssetCheckResult(
        passed=twice == 0 and not any(problems.values()),
        metadata={
            **problems,
            "events_in_two_stories": twice,
            "checked": f"the placements from {since} on" if since else "every row",
        },
    )


@dg.asset_check(
    pool=DUCKDB_WRITER_POOL,
    asset="stories",
    description="first_seen <= last_seen, and each story's counts agree with its items (in a run over "
    "post dates: the stories its timeline step rewrote).",
)
def story_dates_and_counts(
    context: dg.AssetCheckExecutionContext, duckdb: DuckDBResource
) -> dg.AssetCheckResult:
    with duckdb.get_connection() as con:
        scoped = _placed_since(context, con) is not None
        backwards = _count(con, "SELECT count(*) FROM stories WHERE first_seen > last_seen")
        miscounted = miscounted_stories(con, only_refreshed=scoped)
    return dg.AssetCheckResult(
        passed=backwards == miscounted == 0,
        metadata={
            "first_seen_after_last_seen": backwards,
            "counts_not_matching_items": miscounted,
            "checked": "the stories the last placing run rewrote" if scoped else "every story",
        },
    )


@dg.asset_check(
    pool=DUCKDB_WRITER_POOL,
    asset="stories",
    description=f"Replaying the days the last run placed (at most the latest {REPLAY_DAYS}) from the stored "
    "state before them gives every item the same story id (ids unchanged across builds).",
)
def story_ids_replay(duckdb: DuckDBResource) -> dg.AssetCheckResult:
    with duckdb.get_connection() as con:
        days = min(REPLAY_DAYS, days_last_placed(con) or REPLAY_DAYS)
        mismatches = replay_mismatches(con, _config(), last_days=days)
    return dg.AssetCheckResult(
        passed=not mismatches,
        metadata={
            "days_replayed": days,
            "items_placed_differently": len(mismatches),
            "examples": dg.MetadataValue.md("\n".join(f"- {m}" for m in mismatches[:10]) or "none"),
        },
    )


@dg.asset_check(
    pool=DUCKDB_WRITER_POOL,
    asset="story_aliases",
    description="Every alias resolves to a live story (or is withdrawn), and no live id is an alias.",
)
def aliases_resolve(duckdb: DuckDBResource) -> dg.AssetCheckResult:
    with duckdb.get_connection() as con:
        dangling = _count(
            con,
            "SELECT count(*) FROM story_aliases a WHERE a.story_id IS NOT NULL "
            "AND a.story_id NOT IN (SELECT story_id FROM stories)",
        )
        live = _count(
            con, "SELECT count(*) FROM story_aliases WHERE alias_id IN (SELECT story_id FROM stories)"
        )
    return dg.AssetCheckResult(
        passed=dangling == live == 0,
        metadata={"aliases_to_missing_stories": dangling, "aliases_still_live": live},
    )
