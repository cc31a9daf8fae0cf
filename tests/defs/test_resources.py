import duckdb

from digest_pipeline.defs import resources
from digest_pipeline.defs.resources import BLOCK_BYTES, ROW_GROUP_ROWS, warehouse_resource


def test_duckdb_runs_with_explicit_threads_memory_and_spill_folder(tmp_path):
    database = tmp_path / "work.duckdb"
    resource = warehouse_resource(str(database))
    with resource.get_connection() as con:
        settings = dict(
            con.execute(
                "SELECT name, value FROM duckdb_settings() "
                "WHERE name IN ('threads', 'memory_limit', 'temp_directory')"
            ).fetchall()
        )
    assert int(settings["threads"]) >= 1
    assert settings["memory_limit"].startswith(("953.6 MiB", "1.0 GB", "1000.0 MB", "1.0 GiB"))
    assert settings["temp_directory"] == f"{database}.tmp"


def test_tables_written_through_the_resource_use_small_row_groups(tmp_path):
    """A daily append rewrites a table's last row group at the next checkpoint: it must stay small."""
    database = tmp_path / "work.duckdb"
    resource = warehouse_resource(str(database))
    with resource.get_connection() as con:
        con.execute("CREATE TABLE t AS SELECT range AS i FROM range(100000)")
        con.execute("CHECKPOINT")
        largest = con.execute(
            "SELECT max(rows) FROM (SELECT row_group_id, sum(count) AS rows FROM pragma_storage_info('t') "
            "WHERE segment_type <> 'VALIDITY' GROUP BY ALL)"
        ).fetchall()[0][0]
        catalog = con.execute("SELECT current_database()").fetchall()[0][0]
    assert 0 < largest <= ROW_GROUP_ROWS < 100_000
    assert catalog == "work"  # the name a plain duckdb.connect gives the file
    with duckdb.connect(str(database), read_only=True) as reader:  # closed with the last connection
        assert reader.execute("SELECT count(*) FROM t").fetchall() == [(100_000,)]


def _block_size(database) -> int:
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute("SELECT block_size FROM pragma_database_size()").fetchall()[0][0]


def test_a_new_working_file_gets_small_blocks_and_an_old_one_keeps_its_own(tmp_path):
    """Small blocks keep a daily checkpoint (and publish) small; a file made before keeps opening."""
    new, old = tmp_path / "new.duckdb", tmp_path / "old.duckdb"
    with duckdb.connect(str(old)) as con:  # DuckDB's default block size
        con.execute("CREATE TABLE t AS SELECT 1 AS i")
    for database in (new, old):
        with warehouse_resource(str(database)).get_connection() as con:
            con.execute("CREATE OR REPLACE TABLE u AS SELECT range AS i FROM range(1000)")
    assert _block_size(new) == BLOCK_BYTES < 262_144
    assert _block_size(old) == 262_144


def test_commits_do_not_checkpoint_every_16_mb_of_wal(tmp_path):
    """A bulk build commits batch after batch: each automatic checkpoint would rewrite the growing
    indexes, so the WAL is folded when the run publishes or closes, not by its size."""
    database = tmp_path / "work.duckdb"
    wal = tmp_path / "work.duckdb.wal"
    with warehouse_resource(str(database)).get_connection() as con:
        con.execute("CREATE TABLE t (i BIGINT PRIMARY KEY, text VARCHAR)")
        for batch in range(4):  # about 40 MB of WAL, past DuckDB's default threshold of 16 MB
            con.execute(
                "INSERT INTO t SELECT range, repeat('x', 1000) FROM range($first, $first + 10000)",
                {"first": batch * 10000},
            )
        assert wal.stat().st_size > 16 * 2**20
    assert not wal.exists() or wal.stat().st_size == 0  # folded when the last connection closed


def test_a_step_that_wrote_a_lot_folds_its_wal_when_done_and_a_small_one_does_not(tmp_path, monkeypatch):
    """Bulk steps checkpoint once at their end (even while a build holds the file open); daily
    steps leave their few writes for the publish's checkpoint."""
    monkeypatch.setattr(resources, "WAL_FOLD_BYTES", 2**20)
    database = tmp_path / "work.duckdb"
    wal = tmp_path / "work.duckdb.wal"
    resource = warehouse_resource(str(database))
    with resource.held_open():
        with resource.get_connection() as con:
            con.execute("CREATE TABLE t (i BIGINT PRIMARY KEY, text VARCHAR)")
            con.execute("INSERT INTO t VALUES (0, 'small')")
        small = wal.stat().st_size
        with resource.get_connection() as con:
            con.execute("INSERT INTO t SELECT range, repeat('x', 1000) FROM range(1, 5000)")
            assert wal.stat().st_size > 2**20
        folded = wal.stat().st_size if wal.exists() else 0
    assert 0 < small < 2**20
    assert folded < small
