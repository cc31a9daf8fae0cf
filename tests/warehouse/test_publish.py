"""Publishing the analysts' file: whole, atomic, and harmless to a session reading the old one."""

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from digest_pipeline.warehouse import publish
from digest_pipeline.warehouse.publish import publish_warehouse


def write_value(database: Path, value: int, checkpoint_on_close: bool = True) -> None:
    database.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(database)) as con:
        if not checkpoint_on_close:  # leave the commit in the WAL, as a killed writer would
            con.execute("PRAGMA disable_checkpoint_on_shutdown")
        con.execute("CREATE OR REPLACE TABLE t AS SELECT ? AS v", [value])


def read_value_elsewhere(database: Path) -> int:
    """Read from another process: DuckDB caches open databases per process, an analyst has their own."""
    code = (
        "import duckdb, sys\n"
        "print(duckdb.connect(sys.argv[1], read_only=True).sql('SELECT v FROM t').fetchall()[0][0])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(database)], capture_output=True, text=True, check=True
    )
    return int(out.stdout)


@pytest.fixture
def paths(tmp_path: Path) -> tuple[Path, Path]:
    return tmp_path / "wh" / ".build" / "digest.duckdb", tmp_path / "wh" / "digest.duckdb"


def test_publish_copies_every_commit_including_the_wal(paths: tuple[Path, Path]) -> None:
    working, published = paths
    write_value(working, 1, checkpoint_on_close=False)
    assert Path(f"{working}.wal").exists()
    publish_warehouse(working, published)
    assert read_value_elsewhere(published) == 1
    assert not Path(f"{published}.wal").exists()
    assert oct(published.stat().st_mode & 0o777) == oct(0o644)


def test_replace_is_atomic_and_a_held_reader_keeps_the_old_file(paths: tuple[Path, Path]) -> None:
    working, published = paths
    write_value(working, 1)
    publish_warehouse(working, published)
    old_inode = published.stat().st_ino
    with duckdb.connect(str(published), read_only=True) as held:
        write_value(working, 2)
        publish_warehouse(working, published)  # no "Could not set lock": the reader holds the old inode
        assert held.execute("SELECT v FROM t").fetchall() == [(1,)]
        assert read_value_elsewhere(published) == 2
    assert published.stat().st_ino != old_inode


def test_a_failed_publish_leaves_the_old_file_and_no_temp_file(
    paths: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    working, published = paths
    write_value(working, 1)
    publish_warehouse(working, published)
    write_value(working, 2)

    def crash(*_: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(publish.os, "replace", crash)
    with pytest.raises(OSError, match="disk full"):
        publish_warehouse(working, published)
    monkeypatch.undo()
    assert read_value_elsewhere(published) == 1
    assert sorted(p.name for p in published.parent.iterdir()) == [".build", "digest.duckdb"]


def test_a_stale_wal_beside_the_published_file_is_never_replayed(paths: tuple[Path, Path]) -> None:
    working, published = paths
    write_value(working, 1)
    Path(f"{published}.wal").write_bytes(os.urandom(64))
    publish_warehouse(working, published)
    assert not Path(f"{published}.wal").exists()
    assert read_value_elsewhere(published) == 1


def test_nothing_to_publish_without_a_working_file(paths: tuple[Path, Path]) -> None:
    working, published = paths
    with pytest.raises(FileNotFoundError, match="nothing to publish"):
        publish_warehouse(working, published)
    assert not published.exists()
