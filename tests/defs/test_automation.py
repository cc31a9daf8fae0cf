"""The sensor, the schedule and the automation condition, evaluated against real folders and warehouses."""

import datetime as dt
import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from digest_pipeline.cli import build
from digest_pipeline.definitions import defs
from digest_pipeline.defs.automation import (
    RANGE_END_TAG,
    RANGE_START_TAG,
    SCAN_KEYS,
    date_blocks,
    new_posts_sensor,
)
from digest_pipeline.defs.conditions import after_upstream_runs
from digest_pipeline.defs.partitions import POST_DATES_PARTITION
from digest_pipeline.defs.resources import build_resources
from digest_pipeline.warehouse.schema import TIMELINE_TABLES

SEED_DATES = ["2025-12-23", "2025-12-26", "2026-01-05", "2026-01-12", "2026-01-19"]
SEEDS = Path(__file__).resolve().parents[2] / "seeds"
TICK = dt.datetime(2026, 1, 20, 6, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def env(seeded_posts: Path, warehouse_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Definitions (and their resources) read the environment when they load."""
    monkeypatch.setenv("DIGEST_POSTS_DIR", str(seeded_posts))
    monkeypatch.setenv("DIGEST_WAREHOUSE", str(warehouse_file))


@pytest.fixture
def definitions(env: None) -> dg.Definitions:
    """Loaded after `env`: the job's resources point at this test's folder and warehouse."""
    return defs()


def seed_with_date(folder: Path, date: str) -> Path:
    return next(p for p in folder.rglob("*") if p.is_file() and f"date: {date}" in p.read_text("utf-8"))


def add_post(folder: Path, date: str, name: str | None = None) -> Path:
    """A copy of a seed under a new date: a new post."""
    text = (
        seed_with_date(folder, "2026-01-19").read_text("utf-8").replace("date: 2026-01-19", f"date: {date}")
    )
    path = folder / "new" / (name or f"{date}.md")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


class Sensor:
    """Evaluates new_posts_sensor tick after tick, applying its partition requests as the daemon would."""

    def __init__(self, definitions: dg.Definitions, posts: Path, warehouse: Path) -> None:
        self.definitions = definitions
        self.resources = build_resources(str(posts), str(warehouse))
        self.instance = dg.DagsterInstance.ephemeral()
        self.cursor: str | None = None

    def tick(self) -> dg.SensorResult:
        context = dg.build_sensor_context(
            cursor=self.cursor, instance=self.instance, definitions=self.definitions, resources=self.resources
        )
        result = new_posts_sensor(context)
        assert isinstance(result, dg.SensorResult)
        for request in result.dynamic_partitions_requests or []:
            self.instance.add_dynamic_partitions(request.partitions_def_name, list(request.partition_keys))
        self.cursor = result.cursor
        return result


def ranges(result: dg.SensorResult | list[dg.RunRequest]) -> list[tuple[str, str]]:
    requests = result.run_requests if isinstance(result, dg.SensorResult) else result
    return [(r.tags[RANGE_START_TAG], r.tags[RANGE_END_TAG]) for r in requests or []]


def added(result: dg.SensorResult) -> list[str]:
    return [key for request in result.dynamic_partitions_requests or [] for key in request.partition_keys]


@pytest.fixture
def sensor(definitions: dg.Definitions, seeded_posts: Path, warehouse_file: Path) -> Sensor:
    return Sensor(definitions, seeded_posts, warehouse_file)


def test_date_blocks_are_maximal_runs_in_partition_order() -> None:
    order = ["d1", "d2", "d3", "d4", "d5", "d0"]
    assert date_blocks(order, {"d1", "d2", "d4", "d5", "d0"}) == [("d1", "d2"), ("d4", "d0")]
    assert date_blocks(order, set()) == []
    assert date_blocks(order, {"d3"}) == [("d3", "d3")]


def test_first_tick_builds_every_date_in_one_run(sensor: Sensor) -> None:
    result = sensor.tick()
    assert added(result) == SEED_DATES
    assert ranges(result) == [(SEED_DATES[0], SEED_DATES[-1])]
    (request,) = result.run_requests
    assert request.asset_selection is None  # the whole refresh_posts_job: scan, post tables, downstream


def test_unchanged_folder_requests_nothing_and_keeps_the_cursor(sensor: Sensor) -> None:
    cursor = sensor.tick().cursor
    result = sensor.tick()
    assert not result.run_requests and not added(result)
    assert result.skip_reason is not None and result.cursor == cursor


def test_new_file_requests_its_date_and_registers_it(sensor: Sensor, seeded_posts: Path) -> None:
    sensor.tick()
    add_post(seeded_posts, "2026-01-26")
    result = sensor.tick()
    assert added(result) == ["2026-01-26"]
    assert ranges(result) == [("2026-01-26", "2026-01-26")]


def test_changed_file_requests_its_date(sensor: Sensor, seeded_posts: Path) -> None:
    sensor.tick()
    path = seed_with_date(seeded_posts, "2026-01-12")
    path.write_text(path.read_text("utf-8") + "\n- 補充一則新聞\n", encoding="utf-8")
    result = sensor.tick()
    assert ranges(result) == [("2026-01-12", "2026-01-12")] and not added(result)


def test_redated_file_requests_its_old_and_new_date(sensor: Sensor, seeded_posts: Path) -> None:
    sensor.tick()
    path = seed_with_date(seeded_posts, "2026-01-05")
    path.write_text(path.read_text("utf-8").replace("date: 2026-01-05", "date: 2026-01-30"), "utf-8")
    result = sensor.tick()
    assert added(result) == ["2026-01-30"]
    # 2026-01-12 and -19 sit between them in the partition order and are not rebuilt.
    assert ranges(result) == [("2026-01-05", "2026-01-05"), ("2026-01-30", "2026-01-30")]


def test_bulk_of_new_dates_is_one_run(sensor: Sensor, seeded_posts: Path) -> None:
    sensor.tick()
    days = [(dt.date(2024, 1, 1) + dt.timedelta(days=n)).isoformat() for n in range(60)]
    for day in days:
        add_post(seeded_posts, day)
    result = sensor.tick()
    assert added(result) == days
    assert ranges(result) == [(days[0], days[-1])]


def test_reject_only_change_runs_just_the_scan(sensor: Sensor, seeded_posts: Path) -> None:
    sensor.tick()
    (seeded_posts / "notes.txt").write_text("no front matter\n", encoding="utf-8")
    result = sensor.tick()
    (request,) = result.run_requests
    assert list(request.asset_selection or []) == SCAN_KEYS and RANGE_START_TAG not in request.tags


def test_run_keys_are_stable_for_the_same_folder(sensor: Sensor, seeded_posts: Path) -> None:
    cursor = sensor.tick().cursor
    add_post(seeded_posts, "2026-01-26")
    first = sensor.tick()
    sensor.cursor = cursor  # the same tick evaluated again (e.g. after a daemon restart)
    again = sensor.tick()
    assert [r.run_key for r in first.run_requests] == [r.run_key for r in again.run_requests]


def test_corrupt_cursor_starts_from_the_warehouse(sensor: Sensor) -> None:
    sensor.cursor = "definitely not a cursor"
    assert ranges(sensor.tick()) == [(SEED_DATES[0], SEED_DATES[-1])]


def test_cursor_stays_small_and_the_state_lives_beside_the_working_file(
    sensor: Sensor, warehouse_file: Path
) -> None:
    """Dagster copies the cursor into every tick it keeps: the folder's state must not be in it."""
    cursor = sensor.tick().cursor
    assert cursor is not None and len(cursor) < 200
    (saved,) = (warehouse_file.parent / ".build").glob("posts-state-*")
    assert saved.stat().st_size > len(cursor)


def test_idle_tick_reads_no_state(sensor: Sensor, warehouse_file: Path) -> None:
    cursor = sensor.tick().cursor
    for saved in (warehouse_file.parent / ".build").glob("posts-state-*"):
        saved.unlink()  # an idle tick stops at the listing fingerprint, before it needs the state
    result = sensor.tick()
    assert not result.run_requests and result.cursor == cursor


def test_lost_state_compares_with_the_warehouse(
    sensor: Sensor, seeded_posts: Path, warehouse_file: Path
) -> None:
    sensor.tick()
    for saved in (warehouse_file.parent / ".build").glob("posts-state-*"):
        saved.unlink()
    add_post(seeded_posts, "2026-01-26")
    # No warehouse was built here, so every date is missing from it and rebuilt.
    assert ranges(sensor.tick()) == [(SEED_DATES[0], "2026-01-26")]


def test_missing_folder_skips_and_keeps_the_cursor(sensor: Sensor, seeded_posts: Path) -> None:
    cursor = sensor.tick().cursor
    shutil.rmtree(seeded_posts)
    result = sensor.tick()
    assert not result.run_requests and result.cursor == cursor and "does not exist" in str(result.skip_reason)


def run(definitions: dg.Definitions, instance: dg.DagsterInstance, request: dg.RunRequest) -> None:
    """Execute a run request in-process through the sensor's own job, as the daemon would launch it."""
    job = definitions.resolve_job_def("refresh_posts_job")
    result = job.execute_in_process(
        instance=instance, tags=request.tags, asset_selection=request.asset_selection, raise_on_error=True
    )
    assert result.success


def count(warehouse: Path, sql: str) -> int:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()[0][0]


def test_sensor_runs_build_the_scan_a_range_and_downstream_in_one_run(
    sensor: Sensor, seeded_posts: Path, warehouse_file: Path
) -> None:
    (request,) = sensor.tick().run_requests
    run(sensor.definitions, sensor.instance, request)
    assert count(warehouse_file, "SELECT count(*) FROM posts") == 5
    stories = count(warehouse_file, "SELECT count(*) FROM stories")
    assert stories > 0

    add_post(seeded_posts, "2026-01-26")
    (request,) = sensor.tick().run_requests
    run(sensor.definitions, sensor.instance, request)
    assert count(warehouse_file, "SELECT count(*) FROM posts") == 6
    assert count(warehouse_file, "SELECT max(last_seen)::VARCHAR = '2026-01-26' FROM stories")


def schedule_tick(definitions: dg.Definitions, instance: dg.DagsterInstance, posts: Path, warehouse: Path):
    schedule = definitions.resolve_schedule_def("daily_refresh_schedule")
    # As a context manager: the context enters an instance of its own, which must be closed again.
    with dg.build_schedule_context(
        instance=instance,
        scheduled_execution_time=TICK,
        resources=build_resources(str(posts), str(warehouse)),
    ) as context:
        return schedule(context)


def test_schedule_with_no_warehouse_builds_everything(
    definitions: dg.Definitions, seeded_posts: Path, warehouse_file: Path
) -> None:
    with dg.instance_for_test() as instance:
        requests = schedule_tick(definitions, instance, seeded_posts, warehouse_file)
        assert ranges(requests) == [(SEED_DATES[0], SEED_DATES[-1])]
        assert list(instance.get_dynamic_partitions(POST_DATES_PARTITION)) == SEED_DATES


@pytest.fixture(scope="module")
def built_once(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """One build of the seeds for the module (a build takes seconds); tests work on copies."""
    root = tmp_path_factory.mktemp("built")
    posts, warehouse = root / "posts", root / "digest.duckdb"
    shutil.copytree(SEEDS, posts)
    build(str(posts), str(warehouse), log=lambda *_: None)
    return posts, warehouse


@pytest.fixture
def built(built_once: tuple[Path, Path], tmp_path: Path) -> tuple[Path, Path]:
    """A private copy of the built posts folder and warehouse."""
    posts, warehouse = tmp_path / "built-posts", tmp_path / "built.duckdb"
    shutil.copytree(built_once[0], posts)
    shutil.copyfile(built_once[1], warehouse)
    return posts, warehouse


def test_schedule_with_a_built_warehouse_skips_then_finds_a_change(
    definitions: dg.Definitions, built: tuple[Path, Path]
) -> None:
    seeded_posts, warehouse_file = built
    with dg.instance_for_test() as instance:
        assert isinstance(schedule_tick(definitions, instance, seeded_posts, warehouse_file), dg.SkipReason)
        # A fresh instance still learns the warehouse's dates, so the UI can show them.
        assert list(instance.get_dynamic_partitions(POST_DATES_PARTITION)) == SEED_DATES

        add_post(seeded_posts, "2026-01-26")
        (request,) = schedule_tick(definitions, instance, seeded_posts, warehouse_file)
        assert ranges([request]) == [("2026-01-26", "2026-01-26")]
        assert "2026-01-26" in instance.get_dynamic_partitions(POST_DATES_PARTITION)
        assert request.run_key and TICK.date().isoformat() in request.run_key


def test_schedule_rebuilds_a_date_whose_run_never_finished(
    definitions: dg.Definitions, built: tuple[Path, Path]
) -> None:
    seeded_posts, warehouse_file = built
    with duckdb.connect(str(warehouse_file)) as con:
        con.execute("DELETE FROM posts WHERE post_date = '2025-12-26'")
    with dg.instance_for_test() as instance:
        requests = schedule_tick(definitions, instance, seeded_posts, warehouse_file)
        assert ranges(requests) == [("2025-12-26", "2025-12-26")]


def test_definitions_hold_the_schedule_and_sensors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DIGEST_SCHEDULE_CRON", "30 7 * * 1-5")
    monkeypatch.setenv("DIGEST_SCHEDULE_TIMEZONE", "Europe/Berlin")
    definitions = defs()
    dg.Definitions.validate_loadable(definitions)
    schedule = definitions.resolve_schedule_def("daily_refresh_schedule")
    assert (schedule.cron_schedule, schedule.execution_timezone) == ("30 7 * * 1-5", "Europe/Berlin")
    assert schedule.job_name == "refresh_posts_job"
    sensors = {s.name: s for s in definitions.get_repository_def().sensor_defs}
    assert sensors["new_posts_sensor"].minimum_interval_seconds == 30
    automation = [s for s in sensors.values() if isinstance(s, dg.AutomationConditionSensorDefinition)]
    assert [s.name for s in automation] == ["whole_history_automation_sensor"]
    assert automation[0].default_status == dg.DefaultSensorStatus.RUNNING
    job = definitions.resolve_job_def("refresh_posts_job")
    selected = {key.to_user_string() for key in job.asset_layer.selected_asset_keys}
    assert {"post_files", "posts", "events", "sources", *TIMELINE_TABLES} <= selected


def test_defaults_for_the_schedule(definitions: dg.Definitions) -> None:
    schedule = definitions.resolve_schedule_def("daily_refresh_schedule")
    assert (schedule.cron_schedule, schedule.execution_timezone) == ("0 6 * * *", "Asia/Taipei")


def test_whole_history_tables_carry_the_condition(definitions: dg.Definitions) -> None:
    graph = definitions.resolve_asset_graph()
    for table in ("sources", *TIMELINE_TABLES):
        condition = graph.get(dg.AssetKey(table)).automation_condition
        assert condition is not None and condition.get_label() == "after_upstream_runs", table
    eager = dg.AutomationCondition.eager()
    assert set(eager.operands) - set(after_upstream_runs().operands) == {
        ~dg.AutomationCondition.any_deps_missing()
    }


def test_timeline_refreshes_after_a_partition_run_despite_an_unbuilt_date(
    definitions: dg.Definitions,
) -> None:
    """A registered date that was never built must not hold the whole-history tables back (plain
    eager would: the trends depend on the date-partitioned `posts`)."""
    instance = dg.DagsterInstance.ephemeral()
    instance.add_dynamic_partitions(POST_DATES_PARTITION, ["2026-01-01", "2026-01-02"])
    selection = dg.AssetSelection.assets("stories", "sources", "trend_tags_daily")
    first = dg.evaluate_automation_conditions(definitions, instance, asset_selection=selection)
    # A run of 2026-01-01's post tables: the date's partition of posts, and the whole tables.
    instance.report_runless_asset_event(dg.AssetMaterialization("posts", partition="2026-01-01"))
    for table in ("events", "post_sources", "post_tags"):
        instance.report_runless_asset_event(dg.AssetMaterialization(table))
    result = dg.evaluate_automation_conditions(
        definitions, instance, asset_selection=selection, cursor=first.cursor
    )
    assert result.get_num_requested(dg.AssetKey("stories")) == 1
    assert result.get_num_requested(dg.AssetKey("sources")) == 1
    assert result.get_num_requested(dg.AssetKey("trend_tags_daily")) == 1
