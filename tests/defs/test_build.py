"""End to end through Dagster: real assets materialized into a temporary DuckDB file."""

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from digest_pipeline.cli import build, main
from digest_pipeline.definitions import defs
from digest_pipeline.defs import warehouse as warehouse_defs
from digest_pipeline.defs.partitions import POST_DATES_PARTITION
from digest_pipeline.defs.resources import WarehouseResource, build_resources
from digest_pipeline.warehouse.schema import POST_TABLES, SCAN_TABLES

STABLE_COLUMNS = {
    "posts": "post_id, model, post_date, title, content_sha256, item_count, source_file",
    "events": "event_id, post_id, position, headline, body, outlets",
    "post_sources": "post_id, position, source_id, url, domain",
    "sources": "source_id, url, cite_count, first_cited, last_cited",
    "post_tags": "post_id, position, tag, tag_key",
    "key_points": "post_id, position, text",
    "post_sections": "post_id, position, kind, body",
    "post_versions": "post_id, content_sha256, is_current",
}


def snapshot(warehouse: Path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {
            table: con.execute(f"SELECT {cols} FROM {table} ORDER BY ALL").fetchall()
            for table, cols in STABLE_COLUMNS.items()
        }


def query(warehouse: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def test_seeds_build_the_contract_counts(seeded_posts: Path, warehouse_file: Path) -> None:
    counts = build(str(seeded_posts), str(warehouse_file), log=lambda *_: None)
    assert counts["posts"] == 5
    assert counts["events"] == 24
    assert counts["post_sources"] == 50
    assert counts["ingest_rejects"] == 0
    assert query(warehouse_file, "SELECT min(post_date)::VARCHAR, max(post_date)::VARCHAR FROM posts") == [
        ("2025-12-23", "2026-01-19")
    ]


def test_every_table_and_column_has_a_comment(seeded_posts: Path, warehouse_file: Path) -> None:
    build(str(seeded_posts), str(warehouse_file), log=lambda *_: None)
    uncommented = query(
        warehouse_file,
        "SELECT table_name, column_name FROM duckdb_columns() WHERE NOT internal AND schema_name = 'main' "
        "AND coalesce(comment, '') = '' UNION ALL SELECT table_name, NULL FROM duckdb_tables() "
        "WHERE NOT internal AND schema_name = 'main' AND coalesce(comment, '') = ''",
    )
    assert uncommented == []


def test_rebuilding_the_same_input_changes_nothing(seeded_posts: Path, warehouse_file: Path) -> None:
    build(str(seeded_posts), str(warehouse_file), log=lambda *_: None)
    first = snapshot(warehouse_file)
    build(str(seeded_posts), str(warehouse_file), log=lambda *_: None)
    assert snapshot(warehouse_file) == first


def test_a_fresh_warehouse_gets_the_same_ids(seeded_posts: Path, tmp_path: Path) -> None:
    one, two = tmp_path / "one.duckdb", tmp_path / "two.duckdb"
    build(str(seeded_posts), str(one), log=lambda *_: None)
    build(str(seeded_posts), str(two), log=lambda *_: None)
    assert snapshot(one) == snapshot(two)


def _republish(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    marker = "## 🔍"
    extra = "- 新增：Qwen3-Max-Preview 上線測試\n  - 阿里雲開放 Qwen3-Max-Preview 給企業客戶試用。\n\n"
    path.write_text(text.replace(marker, extra + marker, 1), encoding="utf-8")


def test_republished_post_replaces_rows_and_keeps_the_old_version(
    seeded_posts: Path, warehouse_file: Path
) -> None:
    build(str(seeded_posts), str(warehouse_file), log=lambda *_: None)
    target = next(p for p in seeded_posts.rglob("*.md") if "date: 2026-01-12" in p.read_text("utf-8"))
    old_events = query(warehouse_file, "SELECT count(*) FROM events WHERE post_id = 'qwen-2026-01-12'")[0][0]
    _republish(target)

    counts = build(str(seeded_posts), str(warehouse_file), log=lambda *_: None)

    assert counts["posts"] == 5
    assert (
        query(warehouse_file, "SELECT count(*) FROM events WHERE post_id = 'qwen-2026-01-12'")[0][0]
        == old_events + 1
    )
    versions = query(
        warehouse_file,
        "SELECT is_current, content LIKE '%Qwen3-Max-Preview%' FROM post_versions "
        "WHERE post_id = 'qwen-2026-01-12' ORDER BY first_ingested_at",
    )
    assert versions == [(False, False), (True, True)]
    assert query(warehouse_file, "SELECT status FROM post_files WHERE post_id = 'qwen-2026-01-12'") == [
        ("current",)
    ]


def test_two_files_claiming_one_post_keep_both(seeded_posts: Path, warehouse_file: Path) -> None:
    original = next(p for p in seeded_posts.rglob("*.md") if "date: 2026-01-12" in p.read_text("utf-8"))
    rival = seeded_posts / "zz-rival.md"
    shutil.copyfile(original, rival)
    _republish(rival)

    counts = build(str(seeded_posts), str(warehouse_file), log=lambda *_: None)

    assert counts["posts"] == 5 and counts["post_files"] == 6 and counts["post_versions"] == 6
    statuses = dict(
        query(
            warehouse_file,
            "SELECT source_file, status FROM post_files WHERE post_id = 'qwen-2026-01-12'",
        )
    )
    # Both are first seen in one scan, so the path that sorts last wins (stated rule).
    assert statuses == {
        "zz-rival.md": "current",
        original.relative_to(seeded_posts).as_posix(): "superseded",
    }


def test_bad_files_are_rejected_with_a_reason_and_the_run_goes_on(
    seeded_posts: Path, warehouse_file: Path
) -> None:
    (seeded_posts / "notes.txt").write_text("just some notes, no front matter\n", encoding="utf-8")
    (seeded_posts / "broken.md").write_text("---\ntitle: [unclosed\n---\nbody\n", encoding="utf-8")

    counts = build(str(seeded_posts), str(warehouse_file), log=lambda *_: None)

    assert counts["posts"] == 5 and counts["ingest_rejects"] == 2
    reasons = dict(query(warehouse_file, "SELECT source_file, reason FROM ingest_rejects"))
    assert "no front matter" in reasons["notes.txt"]
    assert "not valid YAML" in reasons["broken.md"]


def test_cli_exits_non_zero_for_a_missing_folder(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["build", "--posts", str(tmp_path / "nope"), "--warehouse", str(tmp_path / "w.duckdb")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_the_cli_module_leaves_dagster_to_the_commands() -> None:
    """Workers re-import the main module (the CLI) when spawned: Dagster there cost each about 1.3 s."""
    probe = "import sys, digest_pipeline.cli; print(sorted(m for m in sys.modules if 'dagster' in m))"
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "[]"


def test_cli_prints_a_summary(
    seeded_posts: Path, warehouse_file: Path, capsys: pytest.CaptureFixture
) -> None:
    times = warehouse_file.parent / "steps.json"
    args = ["--posts", str(seeded_posts), "--warehouse", str(warehouse_file), "--step-times", str(times)]
    assert main(["build", *args]) == 0
    out = capsys.readouterr().out
    assert "[1/2] scanning" in out and "events" in out and "slowest:" in out
    steps = json.loads(times.read_text(encoding="utf-8"))
    assert {"scan_posts", "post_tables", "timeline", "trends", "published_warehouse"} <= set(steps)
    assert all(seconds >= 0 for seconds in steps.values())


def test_a_later_day_keeps_every_story_id(seeded_posts: Path, warehouse_file: Path) -> None:
    posts = sorted(seeded_posts.rglob("*.md"))
    latest = next(p for p in posts if "2026-01-19" in p.read_text(encoding="utf-8")[:300])
    held_back = seeded_posts.parent / "held-back.md"  # outside the folder: any file in it is a post
    latest.rename(held_back)
    build(str(seeded_posts), str(warehouse_file), log=lambda *_: None)
    with duckdb.connect(str(warehouse_file), read_only=True) as con:
        before = dict(con.execute("SELECT event_id, story_id FROM story_events").fetchall())
    held_back.rename(latest)
    build(str(seeded_posts), str(warehouse_file), log=lambda *_: None)
    with duckdb.connect(str(warehouse_file), read_only=True) as con:
        after = dict(con.execute("SELECT event_id, story_id FROM story_events").fetchall())
        aliases = con.execute("SELECT count(*) FROM story_aliases").fetchall()[0][0]
    added = after.keys() - before.keys()
    assert added and all(event_id.startswith("qwen-2026-01-19#") for event_id in added)
    assert {event_id: after[event_id] for event_id in before} == before
    assert aliases == 0


def test_rerunning_a_partition_and_backfilling_built_days_changes_nothing(
    seeded_posts: Path, warehouse_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A partition run twice, then a backfill over every already-built day with everything downstream.

    A day's run reports each table's schema and preview; a run over many days only row counts
    for the partitioned table (Dagster copies them into every partition's event).
    """
    build(str(seeded_posts), str(warehouse_file), log=lambda *_: None)
    stable = {
        **STABLE_COLUMNS,
        "story_events": "event_id, story_id",
        "stories": "story_id, first_seen, last_seen",
        "trend_tags_weekly": "*",
        "trend_stories_daily": "*",
        "trend_entities_daily": "*",
    }

    def everything_stable() -> dict[str, list[tuple]]:
        with duckdb.connect(str(warehouse_file), read_only=True) as con:
            return {t: con.execute(f"SELECT {c} FROM {t} ORDER BY ALL").fetchall() for t, c in stable.items()}

    before = everything_stable()
    definitions = defs()
    everything = [*definitions.assets, *definitions.asset_checks]
    resources = build_resources(str(seeded_posts), str(warehouse_file))
    instance = dg.DagsterInstance.ephemeral()
    dg.materialize(
        everything, resources=resources, instance=instance, selection=dg.AssetSelection.assets(*SCAN_TABLES)
    )
    dates = instance.get_dynamic_partitions(POST_DATES_PARTITION)
    for _ in range(2):
        one_day = dg.materialize(
            everything,
            resources=resources,
            instance=instance,
            partition_key=dates[1],
            selection=dg.AssetSelection.assets(*POST_TABLES).downstream(),
        )
        assert one_day.success
        assert everything_stable() == before
        detail = {
            m.asset_key.to_user_string(): m.metadata
            for m in one_day.asset_materializations_for_node("post_tables")
        }
        assert {"dagster/column_schema", "preview"} <= set(detail["events"])
    monkeypatch.setattr(warehouse_defs, "DETAILED_MAX_PARTITIONS", 2)
    backfill = dg.materialize(
        everything,
        resources=resources,
        instance=instance,
        tags={
            "dagster/asset_partition_range_start": dates[0],
            "dagster/asset_partition_range_end": dates[-1],
        },
        selection=dg.AssetSelection.assets(*POST_TABLES).downstream(),
    )
    assert backfill.success
    assert everything_stable() == before
    events = backfill.asset_materializations_for_node("post_tables")
    # One materialization per date of the partitioned table, one of each whole table.
    per_table: dict[str, list] = {}
    for m in events:
        per_table.setdefault(m.asset_key.to_user_string(), []).append(m)
    assert {table: len(found) for table, found in per_table.items()} == {
        table: len(dates) if table == "posts" else 1 for table in POST_TABLES
    }
    slim = {"dagster/row_count", "rows_written_this_run"}
    assert all(set(m.metadata) == slim for m in per_table["posts"])
    whole_tables = [table for table in POST_TABLES if table != "posts"]
    assert all({"dagster/column_schema", "preview"} <= set(per_table[t][0].metadata) for t in whole_tables)


def _planned_materializations(instance: dg.DagsterInstance) -> dict[str, int]:
    counts: dict[str, int] = {}
    planned = dg.DagsterEventType.ASSET_MATERIALIZATION_PLANNED
    for run in instance.get_runs():
        for record in instance.all_logs(run.run_id, of_type=planned):
            key = record.dagster_event.asset_key.to_user_string()
            counts[key] = counts.get(key, 0) + 1
    return counts


def test_a_throwaway_instance_plans_a_range_with_one_event_per_asset(
    seeded_posts: Path, warehouse_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Per partition, a first build of years would log 8 planned events per post date first."""
    instance = dg.DagsterInstance.ephemeral()
    monkeypatch.setattr("digest_pipeline.cli._instance", lambda: instance)
    monkeypatch.delenv("DAGSTER_EMIT_PARTITION_SUBSET_IN_PLANNED_EVENTS", raising=False)
    build(str(seeded_posts), str(warehouse_file), log=lambda *_: None)
    dates = set(instance.get_dynamic_partitions(POST_DATES_PARTITION))
    assert len(dates) > 1
    planned = _planned_materializations(instance)
    assert all(planned[table] == 1 for table in POST_TABLES)
    # Every partition is still recorded as materialized, and the switch is off again afterwards.
    assert instance.get_materialized_partitions(dg.AssetKey("posts")) == dates
    assert "DAGSTER_EMIT_PARTITION_SUBSET_IN_PLANNED_EVENTS" not in os.environ


def test_the_operators_instance_keeps_a_planned_event_per_partition(
    seeded_posts: Path, warehouse_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its UI marks the partitions of a failed run as failed, which needs the per-partition events."""
    home = tmp_path / "dagster_home"
    home.mkdir()
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    monkeypatch.delenv("DAGSTER_EMIT_PARTITION_SUBSET_IN_PLANNED_EVENTS", raising=False)
    build(str(seeded_posts), str(warehouse_file), log=lambda *_: None)
    with dg.DagsterInstance.get() as instance:
        planned = _planned_materializations(instance)
        dates = instance.get_dynamic_partitions(POST_DATES_PARTITION)
    assert len(dates) > 1 and planned["posts"] == len(dates)
    assert all(planned[table] == 1 for table in POST_TABLES if table != "posts")


def test_the_build_holds_the_working_file_open_through_each_run(
    seeded_posts: Path, warehouse_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each step's connection then reuses the open database instead of opening (and on close
    checkpointing) the file again; publishing must checkpoint through that same configuration."""
    holding = 0
    connections_outside: list[str] = []
    held_open, get_connection = WarehouseResource.held_open, WarehouseResource.get_connection

    @contextmanager
    def counted_hold(self: WarehouseResource) -> Iterator[None]:
        nonlocal holding
        with held_open(self):
            holding += 1
            try:
                yield
            finally:
                holding -= 1

    @contextmanager
    def noted_connection(self: WarehouseResource) -> Iterator[duckdb.DuckDBPyConnection]:
        if not holding:
            connections_outside.append(self.database)
        with get_connection(self) as con:
            yield con

    monkeypatch.setattr(WarehouseResource, "held_open", counted_hold)
    monkeypatch.setattr(WarehouseResource, "get_connection", noted_connection)
    counts = build(str(seeded_posts), str(warehouse_file), log=lambda *_: None)
    assert counts["events"] > 0 and holding == 0
    assert len(connections_outside) == 2  # the two holds (scan run, then the rest) themselves
    assert query(warehouse_file, "SELECT count(*) FROM events") == [(counts["events"],)]
