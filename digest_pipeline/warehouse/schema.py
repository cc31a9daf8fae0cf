"""Creating the warehouse tables and their comments, and describing them for the UI."""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Sequence
from importlib.resources import files

import duckdb
import polars as pl

SCHEMA_SQL = files("digest_pipeline.warehouse").joinpath("schema.sql")

SCAN_TABLES = ("post_files", "post_versions", "ingest_rejects")
POST_TABLES = (
    "posts",
    "post_sections",
    "post_tags",
    "post_sources",
    "events",
    "event_outlets",
    "key_points",
)
AGGREGATE_TABLES = ("sources",)
TIMELINE_TABLES = ("stories", "story_events", "story_timeline", "story_aliases", "event_entities")
"""The timeline step's tables: the stories, and the names each item mentions (read from the same features)."""
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


@functools.cache
def _schema() -> tuple[str, str, frozenset[tuple[str, str]]]:
    """schema.sql, its digest, and the (schema, table) of every table it creates."""
    sql = SCHEMA_SQL.read_text(encoding="utf-8")
    tables = frozenset(
        tuple(name.split(".", 1)) if "." in name else ("main", name)
        for name in re.findall(r"CREATE TABLE IF NOT EXISTS ([\w.]+)", sql)
    )
    return sql, hashlib.sha256(sql.encode("utf-8")).hexdigest(), tables


def apply_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create missing tables and (re)state every comment, unless this very schema is in place.

    Every step of a run calls this first. Running schema.sql's few hundred
    statements took 0.15 s each time on a large warehouse (five times a run,
    each adding to the WAL), so the digest of the schema last applied is kept
    (`pipeline.schema_applied`) and the statements run again only when
    schema.sql changed or a table it creates is missing.
    """
    sql, digest, tables = _schema()
    present = set(
        con.execute(
            "SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = current_database()"
        ).fetchall()
    )
    if tables <= present and con.execute("SELECT digest FROM pipeline.schema_applied").fetchall() == [
        (digest,)
    ]:
        return
    con.execute(sql)
    con.execute("DELETE FROM pipeline.schema_applied")
    con.execute("INSERT INTO pipeline.schema_applied VALUES ($digest)", {"digest": digest})


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


def sibling_cursor(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """A cursor of `con`'s instance on the database `con` uses: its queries leave `con`'s pending
    result alone (a query on a connection ends the result it was streaming).

    A cursor starts on its instance's default catalog, not on the one `con` was told to USE
    (the warehouse resource attaches its file to an in-memory instance), so it is pointed there.
    """
    cursor = con.cursor()
    database = con.execute("SELECT current_database()").fetchall()[0][0]
    quoted = database.replace('"', '""')
    cursor.execute(f'USE "{quoted}"')
    return cursor


def insert_frame(con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame, conflict: str = "") -> None:
    """Insert a Polars frame's rows into `table` by column name, in one bulk statement.

    `conflict` is `OR REPLACE` or `OR IGNORE` for a table with a key; the frame is registered
    under a scratch name for the statement only.
    """
    name = "frame_" + re.sub(r"\W", "_", table)
    con.register(name, frame)
    try:
        con.execute(f"INSERT {conflict} INTO {table} BY NAME SELECT * FROM {name}")
    finally:
        con.unregister(name)
