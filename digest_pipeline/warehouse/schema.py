"""Creating the warehouse tables and their comments, and describing them for the UI."""

from __future__ import annotations

from collections.abc import Sequence
from importlib.resources import files

import duckdb

SCHEMA_SQL = files("digest_pipeline.warehouse").joinpath("schema.sql")

SCAN_TABLES = ("post_files", "post_versions", "ingest_rejects")
POST_TABLES = (
    "posts",
    "post_sections",
    "post_tags",
    "post_sources",
    "events",
    "event_outlets",
    "event_entities",
    "key_points",
)
AGGREGATE_TABLES = ("sources",)
TIMELINE_TABLES = ("stories", "story_events", "story_timeline", "story_aliases")
TREND_TABLES = (
    "trend_tags_daily",
    "trend_tags_weekly",
    "trend_entities_daily",
    "trend_stories_daily",
    "trend_story_lifespans",
    "trend_domains_weekly",
    "trend_models_weekly",
)
WAREHOUSE_TABLES = (*SCAN_TABLES, *POST_TABLES, *AGGREGATE_TABLES, *TIMELINE_TABLES, *TREND_TABLES)
"""Every table the pipeline writes, in the order data flows into them."""


def apply_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create missing tables and (re)state every comment; safe to run on every build."""
    con.execute(SCHEMA_SQL.read_text(encoding="utf-8"))


def table_columns(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple[str, str, str]]:
    """(name, type, comment) of each column of a table in schema main, in order."""
    return con.execute(
        """
        SELECT column_name, data_type, coalesce(comment, '')
        FROM duckdb_columns()
        WHERE NOT internal AND schema_name = 'main' AND table_name = ?
        ORDER BY column_index
        """,
        [table],
    ).fetchall()


def row_count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    # Table names come from our own constants, never from post text; quoting keeps them exact.
    return con.execute(f'SELECT count(*) FROM "{table}"').fetchall()[0][0]


def enforced_key(con: duckdb.DuckDBPyConnection, table: str, key: Sequence[str]) -> str | None:
    """The constraint (PRIMARY KEY or UNIQUE) by which DuckDB itself keeps `key` unique, if any.

    DuckDB rejects a write that would duplicate such a key, so a table that has
    one needs no scan to know its key is unique: the daily checks then cost
    nothing for the big post tables, and a table built without the constraint
    (an older schema) is still scanned.
    """
    rows = con.execute(
        "SELECT constraint_type FROM duckdb_constraints() WHERE schema_name = 'main' AND table_name = $table "
        "AND constraint_type IN ('PRIMARY KEY', 'UNIQUE') AND list_sort(constraint_column_names) = $key",
        {"table": table, "key": sorted(key)},
    ).fetchall()
    return rows[0][0] if rows else None


def duplicate_keys(
    con: duckdb.DuckDBPyConnection, table: str, key: Sequence[str], where: str = "true"
) -> int:
    """How many values of `key` occur in more than one row (a broken grain if any), among the rows
    `where` selects (rows that share no key with the others, such as a period's)."""
    columns = ", ".join(f'"{c}"' for c in key)
    return con.execute(
        f'SELECT count(*) FROM (SELECT {columns} FROM "{table}" WHERE {where} '
        "GROUP BY ALL HAVING count(*) > 1)"
    ).fetchall()[0][0]
