"""The Dagster layer itself: the definitions load, partitions run alone, checks catch bad data."""

from pathlib import Path

import dagster as dg
import duckdb
import pytest

from digest_pipeline.cli import build
from digest_pipeline.definitions import defs
from digest_pipeline.defs.partitions import POST_DATES_PARTITION, RANGE_END_TAG, RANGE_START_TAG
from digest_pipeline.defs.resources import build_resources
from digest_pipeline.posts.parse import PARSER_VERSION
from digest_pipeline.settings import work_warehouse_path
from digest_pipeline.timeline.cluster import PLACEMENT_CODE_VERSION
from digest_pipeline.warehouse.schema import POST_TABLES, SCAN_TABLES, TREND_TABLES, WAREHOUSE_TABLES


def test_definitions_load_with_every_table_asset_and_checks() -> None:
    definitions = defs()
    dg.Definitions.validate_loadable(definitions)
    graph = definitions.resolve_asset_graph()
    assert {key.to_user_string() for key in graph.get_all_asset_keys()} == {
        *WAREHOUSE_TABLES,
        "published_warehouse",
    }
    check_names = {key.name for key in graph.asset_check_keys}
    assert {
        "post_files_balance",
        "unique_keys",
        "no_orphan_rows",
        "item_count_matches_events",
        "shares_sum_to_one",
        "no_negative_counts",
        "no_gaps",
    } <= check_names
    groups = {graph.get(key).group_name for key in graph.get_all_asset_keys()}
    assert groups == {"ingest", "warehouse", "timeline", "trends", "publish"}
    # Every table writer (and the publish step) waits for the one duckdb_writer slot.
    assert all(graph.get(key).pools == {"duckdb_writer"} for key in graph.get_all_asset_keys())
    # The code that shapes the rows is versioned, so the UI can say which rows an upgrade left stale.
    versions = {key.to_user_string(): graph.get(key).code_version for key in graph.get_all_asset_keys()}
    assert {versions[table] for table in POST_TABLES} == {PARSER_VERSION}
    assert versions["stories"] == versions["story_events"] == str(PLACEMENT_CODE_VERSION)


def test_materialize_one_partition_writes_only_that_date(seeded_posts: Path, warehouse_file: Path) -> None:
    definitions = defs()
    everything = [*definitions.assets, *definitions.asset_checks]
    resources = build_resources(str(seeded_posts), str(warehouse_file))
    instance = dg.DagsterInstance.ephemeral()
    scan = dg.materialize(
        everything,
        resources=resources,
        instance=instance,
        selection=dg.AssetSelection.assets(*SCAN_TABLES),
    )
    assert scan.success
    assert len(instance.get_dynamic_partitions(POST_DATES_PARTITION)) == 5

    result = dg.materialize(
        everything,
        resources=resources,
        instance=instance,
        partition_key="2025-12-26",
        selection=dg.AssetSelection.assets(*POST_TABLES),
    )

    assert result.success
    assert not warehouse_file.exists()  # runs write the working file; only published_warehouse publishes
    with duckdb.connect(work_warehouse_path(str(warehouse_file)), read_only=True) as con:
        assert con.execute("SELECT post_id FROM posts").fetchall() == [("qwen-2025-12-26",)]
        assert con.execute("SELECT count(*) FROM events").fetchall() == [(4,)]
    row_counts = {
        m.asset_key.to_user_string(): m.metadata["dagster/row_count"].value
        for m in result.asset_materializations_for_node("post_tables")
    }
    assert row_counts["events"] == 4 and row_counts["post_sources"] == 10
    # Each date records the parser's version: Dagster marks dates parsed by another one stale.
    recorded = instance.get_latest_materialization_event(dg.AssetKey("posts"))
    assert recorded.asset_materialization.tags["dagster/code_version"] == PARSER_VERSION


@pytest.fixture
def built(seeded_posts: Path, warehouse_file: Path) -> Path:
    """The working file of a build: the checks read (and these tests tamper with) what runs write."""
    build(str(seeded_posts), str(warehouse_file), log=lambda *_: None)
    return Path(work_warehouse_path(str(warehouse_file)))


@pytest.fixture(autouse=True)
def posts_dir_env(seeded_posts: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DIGEST_POSTS_DIR", str(seeded_posts))


def run_checks(work: Path, post_dates: tuple[str, str] | None = None) -> dg.ExecuteInProcessResult:
    """Run every asset check alone (no materialization); with `post_dates` (first, last), as a run
    over that range of the registered post dates would."""
    definitions = defs()
    instance = dg.DagsterInstance.ephemeral()
    tags = {}
    if post_dates is not None:
        with duckdb.connect(str(work), read_only=True) as con:
            keys = [
                str(d) for (d,) in con.execute("SELECT DISTINCT post_date FROM posts ORDER BY 1").fetchall()
            ]
        instance.add_dynamic_partitions(POST_DATES_PARTITION, keys)
        tags = {RANGE_START_TAG: post_dates[0], RANGE_END_TAG: post_dates[1]}
    return dg.materialize(
        [*definitions.assets, *definitions.asset_checks],
        resources=build_resources(warehouse=str(work.parent / "published.duckdb"), work_warehouse=str(work)),
        selection=dg.AssetSelection.all_asset_checks(),
        instance=instance,
        tags=tags,
        raise_on_error=False,  # a failed blocking check is what some tests want to see
    )


def check_outcomes(work: Path, post_dates: tuple[str, str] | None = None) -> dict[str, bool]:
    """Map `asset:check` to passed, for every asset check run alone (see `run_checks`)."""
    return {
        f"{e.asset_key.to_user_string()}:{e.check_name}": e.passed
        for e in run_checks(work, post_dates).get_asset_check_evaluations()
    }


def tamper(warehouse: Path, *statements: str) -> None:
    with duckdb.connect(str(warehouse)) as con:
        for statement in statements:
            con.execute(statement)


def test_checks_pass_on_a_clean_build(built: Path) -> None:
    outcomes = check_outcomes(built)
    assert len(outcomes) >= 17 and all(outcomes.values())


def test_balance_check_fails_on_a_tampered_table(built: Path) -> None:
    tamper(built, "UPDATE post_files SET status = 'rejected' WHERE post_id = 'qwen-2026-01-05'")
    outcomes = check_outcomes(built)
    assert outcomes["post_files:post_files_balance"] is False
    assert outcomes["events:item_count_matches_events"] is True


def test_item_count_check_fails_when_an_event_goes_missing(built: Path) -> None:
    tamper(built, "DELETE FROM events WHERE event_id = 'qwen-2026-01-05#2'")
    assert check_outcomes(built)["events:item_count_matches_events"] is False


def test_orphan_and_key_checks_fail_on_bad_rows(built: Path) -> None:
    tamper(
        built,
        "DELETE FROM posts WHERE post_id = 'qwen-2025-12-23'",
        "DELETE FROM sources WHERE source_id IN (SELECT min(source_id) FROM sources)",
    )
    outcomes = check_outcomes(built)
    assert outcomes["events:no_orphan_rows"] is False
    assert outcomes["post_tags:no_orphan_rows"] is False
    assert outcomes["sources:no_orphan_rows"] is False
    assert outcomes["posts:every_current_version_is_a_post"] is False
    assert outcomes["posts:unique_keys"] is True


def test_a_run_over_post_dates_checks_for_orphans_on_those_dates(built: Path) -> None:
    """A day's run reads the rows it could have orphaned; run alone, the check reads every row."""
    tamper(built, "DELETE FROM posts WHERE post_id = 'qwen-2025-12-23'")
    on_that_day = check_outcomes(built, ("2025-12-23", "2025-12-23"))
    assert on_that_day["post_tags:no_orphan_rows"] is False
    assert on_that_day["events:no_orphan_rows"] is False
    later = run_checks(built, ("2025-12-26", "2026-01-05"))
    orphans = {
        e.asset_key.to_user_string(): e.metadata["checked"].value
        for e in later.get_asset_check_evaluations()
        if e.check_name == "no_orphan_rows" and e.passed
    }
    assert set(orphans) == {
        "post_sections",
        "post_tags",
        "post_sources",
        "events",
        "event_outlets",
        "event_entities",
        "key_points",
        "sources",
    }
    with duckdb.connect(str(built), read_only=True) as con:
        (dates,) = con.execute(
            "SELECT count(DISTINCT post_date) FROM post_versions "
            "WHERE post_date BETWEEN '2025-12-26' AND '2026-01-05'"
        ).fetchall()[0]
    assert orphans["post_tags"] == f"the rows of {dates} post dates, 2025-12-26 .. 2026-01-05"
    assert check_outcomes(built)["post_tags:no_orphan_rows"] is False


def test_unique_keys_check_fails_on_a_duplicated_key(built: Path) -> None:
    # Rebuilt without its primary key, as a careless migration might leave it.
    tamper(
        built,
        "CREATE OR REPLACE TABLE post_tags AS "
        "SELECT * FROM post_tags UNION ALL (SELECT * FROM post_tags ORDER BY ALL LIMIT 1)",
    )
    outcomes = check_outcomes(built)
    assert outcomes["post_tags:unique_keys"] is False
    assert outcomes["post_sources:unique_keys"] is True


def test_timeline_checks_pass_then_fail_on_tampered_stories(built: Path) -> None:
    outcomes = check_outcomes(built)
    timeline_checks = [
        "story_events:every_event_in_one_story",
        "stories:story_dates_and_counts",
        "stories:story_ids_replay",
        "story_aliases:aliases_resolve",
    ]
    assert all(outcomes[name] for name in timeline_checks)
    with duckdb.connect(str(built)) as con:
        rows = con.execute("SELECT story_id FROM stories ORDER BY story_id LIMIT 2").fetchall()
    a, b = (row[0] for row in rows)
    tamper(
        built,
        "DELETE FROM story_events WHERE event_id = 'qwen-2025-12-23#1'",
        f"UPDATE stories SET first_seen = last_seen + 1 WHERE story_id = '{b}'",
        f"UPDATE story_events SET story_id = '{a}' WHERE event_id = 'qwen-2026-01-19#5'",
        "INSERT INTO story_aliases (alias_id, story_id, reason, recorded_at) VALUES "
        f"('S20000101-00000000', 'S19990101-deadbeef', 'merged', now()), "
        f"('{a}', '{b}', 'merged', now())",
    )
    outcomes = check_outcomes(built)
    assert not any(outcomes[name] for name in timeline_checks)


def test_trend_checks_pass_then_fail_on_bad_trends(built: Path) -> None:
    trend_checks = [
        "trend_tags_weekly:shares_sum_to_one",
        "trend_models_weekly:shares_sum_to_one",
        "trend_stories_daily:no_negative_counts",
        "trend_stories_daily:no_gaps",
        "trend_entities_daily:no_gaps",
    ]
    assert all(check_outcomes(built)[name] for name in trend_checks)
    tamper(
        built,
        "UPDATE trend_tags_weekly SET share = share / 2",
        "UPDATE trend_models_weekly SET post_share = 1.2 WHERE posts > 0",
        "UPDATE trend_stories_daily SET new_stories = -1 WHERE posted",
        "DELETE FROM trend_stories_daily WHERE post_date = (SELECT min(post_date) + 1 FROM posts)",
        "DELETE FROM trend_entities_daily WHERE mentions = 0",
    )
    outcomes = check_outcomes(built)
    assert not any(outcomes[name] for name in trend_checks)
    assert outcomes["trend_domains_weekly:shares_sum_to_one"] is True


def test_trend_materializations_carry_charts_and_schemas(built: Path) -> None:
    definitions = defs()
    result = dg.materialize(
        [*definitions.assets, *definitions.asset_checks],
        resources=build_resources(warehouse=str(built.parent / "p.duckdb"), work_warehouse=str(built)),
        selection=dg.AssetSelection.groups("trends"),
        instance=dg.DagsterInstance.ephemeral(),
    )
    assert result.success
    materializations = result.asset_materializations_for_node("trends")
    metadata = {m.asset_key.to_user_string(): m.metadata for m in materializations}
    assert set(metadata) == set(TREND_TABLES)
    for table in ("trend_tags_weekly", "trend_stories_daily"):
        assert metadata[table]["chart"].value.startswith("![")
        assert "data:image/svg+xml;base64," in metadata[table]["chart"].value
    for table, entries in metadata.items():
        columns = entries["dagster/column_schema"].schema.columns
        assert columns and all(c.description for c in columns), table
        assert entries["dagster/row_count"].value > 0, table


def test_an_event_placed_twice_fails_the_timeline_check_without_a_primary_key(built: Path) -> None:
    # The primary key keeps an event to one row, so the check trusts it; a table rebuilt without it
    # (as a careless migration might leave it) is scanned, and a second placement is caught.
    tamper(
        built,
        "CREATE OR REPLACE TABLE story_events AS "
        "SELECT * FROM story_events UNION ALL (SELECT * FROM story_events ORDER BY ALL LIMIT 1)",
    )
    assert check_outcomes(built)["story_events:every_event_in_one_story"] is False


def test_every_check_scoped_to_a_run_says_what_it_read(built: Path) -> None:
    """In a run over post dates, and run alone, each date-scoped check names what it read."""
    scoped = {
        "no_orphan_rows",
        "item_count_matches_events",
        "every_current_version_is_a_post",
        "every_event_in_one_story",
        "story_dates_and_counts",
    }
    for dates in (("2026-01-05", "2026-01-05"), None):
        evaluations = [
            e for e in run_checks(built, dates).get_asset_check_evaluations() if e.check_name in scoped
        ]
        assert {e.check_name for e in evaluations} == scoped
        silent = [e.check_name for e in evaluations if "checked" not in e.metadata]
        assert not silent, f"{silent} do not say what they read ({dates})"


def test_a_run_over_post_dates_checks_the_placements_its_timeline_step_rewrote(built: Path) -> None:
    with duckdb.connect(str(built), read_only=True) as con:
        (first,) = con.execute("SELECT min(post_date) FROM events").fetchall()[0]
    names = ("every_event_in_one_story", "story_dates_and_counts")
    checked = {
        e.check_name: (e.passed, e.metadata["checked"].value)
        for e in run_checks(built, ("2026-01-05", "2026-01-05")).get_asset_check_evaluations()
        if e.check_name in names
    }
    assert checked == {  # the build placed every day: its notes cover everything
        "every_event_in_one_story": (True, f"the placements from {first} on"),
        "story_dates_and_counts": (True, "the stories the last placing run rewrote"),
    }
    alone = {
        e.check_name: e.metadata["checked"].value
        for e in run_checks(built).get_asset_check_evaluations()
        if e.check_name in names
    }
    assert alone["every_event_in_one_story"] == "every row"
    assert alone["story_dates_and_counts"] == "every story"


def test_the_weekly_audit_runs_every_check_over_every_row(built: Path) -> None:
    """What a day's scoped checks cannot see (a row changed by hand on another date), the audit does."""
    tamper(built, "DELETE FROM posts WHERE post_id = 'qwen-2025-12-23'")
    assert check_outcomes(built, ("2026-01-05", "2026-01-05"))["post_tags:no_orphan_rows"] is True
    definitions = defs()
    schedule = definitions.resolve_schedule_def("weekly_audit_schedule")
    assert schedule.job_name == "audit_checks_job"
    result = definitions.resolve_job_def("audit_checks_job").execute_in_process(
        resources=build_resources(
            warehouse=str(built.parent / "published.duckdb"), work_warehouse=str(built)
        ),
        instance=dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
    )
    evaluations = result.get_asset_check_evaluations()
    assert len(evaluations) >= 17 and not result.get_asset_materialization_events()
    failed = {f"{e.asset_key.to_user_string()}:{e.check_name}" for e in evaluations if not e.passed}
    assert "post_tags:no_orphan_rows" in failed
    checked = {e.metadata["checked"].value for e in evaluations if "checked" in e.metadata}
    assert checked <= {"every row", "every story"}
