"""How the schema stores what it holds: long free text compressed with ZSTD."""

from pathlib import Path

import duckdb
import pytest

from digest_pipeline.cli import build

TEXT_COLUMNS = [
    ("post_versions", "content"),
    ("post_versions", "front_matter"),
    ("post_sections", "body"),
    ("events", "body"),
    ("key_points", "text"),
    ("post_sources", "title"),
    ("sources", "title"),
    ("posts", "ai_summary"),
    ("posts", "trend_summary"),
    ("posts", "front_matter"),
]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    seeds = Path(__file__).resolve().parents[2] / "seeds"
    warehouse = tmp_path_factory.mktemp("schema") / "digest.duckdb"
    build(str(seeds), str(warehouse), log=lambda *_: None)
    return warehouse


@pytest.mark.parametrize(("table", "column"), TEXT_COLUMNS, ids=[f"{t}.{c}" for t, c in TEXT_COLUMNS])
def test_long_text_is_stored_with_zstd(built: Path, table: str, column: str) -> None:
    """DuckDB's default for strings (dictionary + FSST) kept the 100k-post warehouse at 1.3 GB,
    half of it these columns; ZSTD stores them in a fifth of the space and writes them faster,
    and the file is copied whole on every publish."""
    with duckdb.connect(str(built), read_only=True) as con:
        kinds = {
            row[0]
            for row in con.execute(
                "SELECT DISTINCT compression FROM pragma_storage_info($table) "
                "WHERE column_name = $column AND segment_type IN ('VARCHAR', 'JSON')",
                {"table": table, "column": column},
            ).fetchall()
        }
    assert kinds == {"ZSTD"}


def comment(con: duckdb.DuckDBPyConnection) -> str | None:
    return con.execute(
        "SELECT comment FROM duckdb_tables() WHERE schema_name = 'main' AND table_name = 'posts'"
    ).fetchall()[0][0]


def test_the_schema_is_applied_again_only_when_it_changed_or_a_table_is_missing() -> None:
    from digest_pipeline.warehouse import schema

    con = duckdb.connect()
    schema.apply_schema(con)
    stated = comment(con)
    assert stated
    con.execute("COMMENT ON TABLE posts IS 'edited by hand'")
    schema.apply_schema(con)  # the same schema.sql: not run again
    assert comment(con) == "edited by hand"
    con.execute("DROP TABLE pipeline.trends_pending")
    schema.apply_schema(con)  # a table is missing: run again, every table and comment back
    assert comment(con) == stated
    assert con.execute("SELECT count(*) FROM pipeline.trends_pending").fetchall() == [(0,)]
    con.execute("COMMENT ON TABLE posts IS 'edited by hand'")
    con.execute("UPDATE pipeline.schema_applied SET digest = 'an older schema.sql'")
    schema.apply_schema(con)
    assert comment(con) == stated
    assert con.execute("SELECT * FROM pipeline.schema_applied").fetchall() == [(schema._schema()[1],)]


def test_a_warehouse_scanned_before_the_front_matter_was_kept_gains_the_column() -> None:
    from digest_pipeline.warehouse import schema

    con = duckdb.connect()
    schema.apply_schema(con)
    con.execute("ALTER TABLE post_versions DROP COLUMN front_matter")
    con.execute("UPDATE pipeline.schema_applied SET digest = 'an older schema.sql'")
    schema.apply_schema(con)
    columns = [row[0] for row in con.execute("DESCRIBE post_versions").fetchall()]
    assert columns[-1] == "front_matter"
