"""Automation: a sensor for new and changed posts, a daily schedule, and eager whole-history tables.

Both the sensor and the schedule plan with `digest_pipeline.ingest.watch` and
request the same run shapes: for each maximal run of consecutive affected post
dates (in the partition order), one run of the scan, those dates' post tables
and everything downstream (sources, the timeline, the trends). A drop of a
thousand new posts is therefore one run, not a thousand. The sensor compares
with what it saw last tick (a `StateStore` file its cursor names), the schedule
with what the warehouse recorded, so the schedule also repairs what a failed or
missed run left behind.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource

from digest_pipeline import settings
from digest_pipeline.defs.partitions import POST_DATES_PARTITION, RANGE_END_TAG, RANGE_START_TAG, post_dates
from digest_pipeline.defs.resources import PostsFolder
from digest_pipeline.ingest.files import list_posts_folder
from digest_pipeline.ingest.watch import (
    ChangePlan,
    Cursor,
    StateStore,
    dates_not_built,
    listing_fingerprint,
    plan_changes,
    state_from_warehouse,
)
from digest_pipeline.warehouse.schema import POST_TABLES, SCAN_TABLES

SCAN_KEYS = [dg.AssetKey(table) for table in SCAN_TABLES]
REFRESH_SELECTION = (
    dg.AssetSelection.assets(*SCAN_TABLES, *POST_TABLES).required_multi_asset_neighbors().downstream()
)
"""The scan, the per-date post tables and every asset downstream of them (timeline, trends, ...)."""

WHOLE_HISTORY_SELECTION = (
    dg.AssetSelection.assets(*POST_TABLES).downstream()
    - dg.AssetSelection.assets(*SCAN_TABLES, *POST_TABLES).required_multi_asset_neighbors()
)
"""The tables downstream of the post tables; those with an automation condition refresh on their own."""

refresh_posts_job = dg.define_asset_job(
    "refresh_posts_job",
    selection=REFRESH_SELECTION,
    description="Scan the posts folder, rebuild a range of post dates and refresh everything downstream. "
    "Launch it over a partition range; the sensor and the schedule do.",
)


def planning_database(duckdb: DuckDBResource) -> str:
    """The file the sensor and schedule plan against: the working file runs write (the writer's truth).

    Until the first run creates it, the working file does not exist; the first
    connection then seeds it with a copy of the published file
    (`WarehouseResource`), so the published file is what it will hold.
    """
    published = getattr(duckdb, "published", "")
    if not Path(duckdb.database).exists() and published and Path(published).is_file():
        return published
    return duckdb.database


def sensor_state_store(duckdb: DuckDBResource, posts_root: Path) -> StateStore:
    """Where the sensor keeps its folder state: beside the working file, with the writer's other files."""
    return StateStore.for_posts(Path(duckdb.database).parent, posts_root)


def date_blocks(order: Sequence[str], wanted: Iterable[str]) -> list[tuple[str, str]]:
    """Maximal runs of consecutive `order` keys that are all wanted, as (first, last) pairs."""
    wanted = set(wanted)
    blocks: list[tuple[str, str]] = []
    start: str | None = None
    previous = ""
    for key in order:
        if key in wanted:
            start = start or key
            previous = key
        elif start is not None:
            blocks.append((start, previous))
            start = None
    if start is not None:
        blocks.append((start, previous))
    return blocks


def refresh_requests(
    plan: ChangePlan, registered: Sequence[str], run_key: str, extra_dates: Iterable[str] = ()
) -> tuple[list[str], list[dg.RunRequest]]:
    """Dates to register and the runs that bring the warehouse up to date with `plan`.

    Partition ranges follow the dynamic partition order (registration order), so
    new dates go after the registered ones, sorted. A change that touches no date
    (only rejects) still needs the scan, so that the reject is recorded.
    """
    affected = set(plan.affected_dates) | set(extra_dates)
    known = set(registered)
    new_dates = sorted((set(plan.known_dates) | affected) - known)
    blocks = date_blocks([*registered, *new_dates], affected)
    requests = [
        dg.RunRequest(
            run_key=f"{run_key}:{first}..{last}",
            tags={RANGE_START_TAG: first, RANGE_END_TAG: last},
        )
        for first, last in blocks
    ]
    if not requests and plan.has_changes:
        requests = [dg.RunRequest(run_key=f"{run_key}:scan", asset_selection=SCAN_KEYS)]
    return new_dates, requests


def _describe(plan: ChangePlan) -> str:
    return (
        f"{len(plan.new)} new, {len(plan.changed)} changed, {len(plan.deleted)} deleted files; "
        f"dates {', '.join(plan.affected_dates[:5])}{' ...' if len(plan.affected_dates) > 5 else ''}"
    )


@dg.sensor(
    name="new_posts_sensor",
    target=refresh_posts_job,
    minimum_interval_seconds=30,
    # Running by default: `make dev` should pick up a dropped post without a click. The
    # first tick compares the folder with the warehouse, so an up-to-date warehouse
    # starts no run, and a missing one is built once.
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Every 30 s: stat the posts folder; if anything moved, hash only files whose size or mtime "
    "moved, and run the scan, the affected post dates (one run per block of consecutive dates) and "
    "everything downstream.",
)
def new_posts_sensor(
    context: dg.SensorEvaluationContext, posts_folder: PostsFolder, duckdb: DuckDBResource
) -> dg.SensorResult:
    """Plan against the last tick's state (or, with none usable, the warehouse) and request the refresh runs.

    The cursor is small: the folder's listing fingerprint and the digest of the
    state kept in a `StateStore` beside the working file (see there for why).
    """
    last = Cursor.decode(context.cursor)
    try:
        listing = list_posts_folder(posts_folder.root, posts_folder.max_post_bytes)
    except FileNotFoundError as err:  # keep the cursor: a folder that comes back is not all new
        return dg.SensorResult(skip_reason=str(err), cursor=context.cursor)
    fingerprint = listing_fingerprint(listing)
    if last is not None and last.listing == fingerprint:
        return dg.SensorResult(
            skip_reason="no file added, removed or written since the last tick", cursor=context.cursor
        )
    store = sensor_state_store(duckdb, posts_folder.root)
    previous = store.load(last.state) if last is not None else None
    if previous is None:
        context.log.info(
            "no usable cursor or saved state: comparing the folder with the warehouse's last scan"
        )
        previous = state_from_warehouse(planning_database(duckdb))
    plan = plan_changes(posts_folder.root, previous, posts_folder.max_post_bytes, listing)
    state = store.save(plan.state, keep=last.state if last is not None else None)
    cursor = Cursor(fingerprint, state).encode()
    registered = context.instance.get_dynamic_partitions(POST_DATES_PARTITION)
    # Keyed on the transition (old state -> new state): re-evaluating one tick asks for the same runs,
    # while a file changed and later changed back is a new transition with new runs.
    digest = hashlib.sha256(f"{context.cursor}\n{cursor}".encode()).hexdigest()[:16]
    new_dates, requests = refresh_requests(plan, registered, run_key=f"posts-{digest}")
    additions = [post_dates.build_add_request(new_dates)] if new_dates else []
    if not requests:
        return dg.SensorResult(
            skip_reason="no new, changed or deleted files",
            cursor=cursor,
            dynamic_partitions_requests=additions,
        )
    context.log.info(f"{_describe(plan)}: {len(requests)} run(s)")
    return dg.SensorResult(run_requests=requests, dynamic_partitions_requests=additions, cursor=cursor)


def build_daily_refresh_schedule() -> dg.ScheduleDefinition:
    """The daily refresh, on DIGEST_SCHEDULE_CRON in DIGEST_SCHEDULE_TIMEZONE (read when definitions load)."""

    @dg.schedule(
        name="daily_refresh_schedule",
        cron_schedule=settings.schedule_cron(),
        execution_timezone=settings.schedule_timezone(),
        target=refresh_posts_job,
        default_status=dg.DefaultScheduleStatus.RUNNING,
        description="Daily safety net: compare the posts folder with the warehouse by content and rebuild "
        "what differs or was never built (missed files, failed runs), plus everything downstream.",
    )
    def daily_refresh_schedule(
        context: dg.ScheduleEvaluationContext, posts_folder: PostsFolder, duckdb: DuckDBResource
    ) -> list[dg.RunRequest] | dg.SkipReason:
        """Plan against the warehouse (not a cursor), so whatever the warehouse lacks is rebuilt."""
        previous = state_from_warehouse(planning_database(duckdb))
        try:
            plan = plan_changes(posts_folder.root, previous, posts_folder.max_post_bytes)
        except FileNotFoundError as err:
            return dg.SkipReason(str(err))
        registered = context.instance.get_dynamic_partitions(POST_DATES_PARTITION)
        tick = context.scheduled_execution_time
        new_dates, requests = refresh_requests(
            plan,
            registered,
            run_key=f"daily-{tick.isoformat() if tick else 'manual'}",
            extra_dates=dates_not_built(planning_database(duckdb)),
        )
        # A schedule cannot return dynamic partition requests (only sensors can), and a
        # run over a range needs its end keys to exist when it is created: register here.
        if new_dates:
            context.instance.add_dynamic_partitions(POST_DATES_PARTITION, new_dates)
        if not requests:
            return dg.SkipReason("the warehouse matches the posts folder; nothing to rebuild")
        context.log.info(f"{_describe(plan)}: {len(requests)} run(s)")
        return requests

    return daily_refresh_schedule


audit_checks_job = dg.define_asset_job(
    "audit_checks_job",
    selection=dg.AssetSelection.all_asset_checks(),
    description="Every asset check over every row. The checks of a run over post dates read what that run "
    "could break (`warehouse.integrity`); this also sees what was changed by any other hand.",
)

AUDIT_CRON = "0 4 * * 0"
"""Sundays at 04:00, in DIGEST_SCHEDULE_TIMEZONE: once a week is enough for what no run changes."""


def build_weekly_audit_schedule() -> dg.ScheduleDefinition:
    return dg.ScheduleDefinition(
        name="weekly_audit_schedule",
        cron_schedule=AUDIT_CRON,
        execution_timezone=settings.schedule_timezone(),
        job=audit_checks_job,
        default_status=dg.DefaultScheduleStatus.RUNNING,
        description="Weekly: every asset check over every row, no materialization.",
    )


automation_condition_sensor = dg.AutomationConditionSensorDefinition(
    "whole_history_automation_sensor",
    target=WHOLE_HISTORY_SELECTION,
    default_status=dg.DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=30,
    description="Refreshes sources, the timeline and trends after post dates are rebuilt any other way "
    "(a UI backfill, a manual partition run).",
)


@dg.definitions
def automation() -> dg.Definitions:
    """Built when definitions load, so the schedule reads its cron and time zone from the environment."""
    return dg.Definitions(
        jobs=[refresh_posts_job, audit_checks_job],
        sensors=[new_posts_sensor, automation_condition_sensor],
        schedules=[build_daily_refresh_schedule(), build_weekly_audit_schedule()],
    )
