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


def test_the_previous_file_is_patched_into_the_next_and_equals_the_working_file(
    paths: tuple[Path, Path],
) -> None:
    working, published = paths
    write_value(working, 1)
    with duckdb.connect(str(working)) as con:  # a table no later run changes: blocks to keep
        con.execute("CREATE TABLE big AS SELECT range AS n, md5(range::VARCHAR) AS h FROM range(300000)")
    assert publish_warehouse(working, published).how == "copied"  # nothing published before
    write_value(working, 2)
    assert publish_warehouse(working, published).how == "copied"  # no spare yet: 1 becomes it
    assert publish.spare_path(published).is_file()
    write_value(working, 3)
    result = publish_warehouse(working, published)
    assert result.how == "patched"
    assert 0 < result.bytes_written < result.bytes_total / 2
    assert result.bytes_total == working.stat().st_size
    assert published.read_bytes() == working.read_bytes()
    assert read_value_elsewhere(published) == 3
    assert oct(published.stat().st_mode & 0o777) == oct(0o644)
    with duckdb.connect(str(working)) as con:  # most blocks change (DuckDB keeps the file's size)
        con.execute("DROP TABLE big")
        con.execute("CHECKPOINT")
    for value in (4, 5):  # twice, so the spare patched is one that had the big table
        write_value(working, value)
        result = publish_warehouse(working, published)
        assert result.how == "patched"
        assert published.read_bytes() == working.read_bytes()
        assert read_value_elsewhere(published) == value


HOLD_OPEN = """
import duckdb, sys
con = duckdb.connect(sys.argv[1], read_only=True)
print(con.sql('SELECT v FROM t').fetchall()[0][0], flush=True)
sys.stdin.readline()
print(con.sql('SELECT v FROM t').fetchall()[0][0], flush=True)
"""


def test_a_spare_some_session_still_reads_is_never_patched(paths: tuple[Path, Path]) -> None:
    working, published = paths
    for value in (1, 2):
        write_value(working, value)
        publish_warehouse(working, published)
    analyst = subprocess.Popen(
        [sys.executable, "-c", HOLD_OPEN, str(published)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert analyst.stdout is not None and analyst.stdin is not None
    try:
        assert analyst.stdout.readline().strip() == "2"  # the analyst holds the file with 2
        write_value(working, 3)
        assert publish_warehouse(working, published).how == "patched"  # the spare held 1
        write_value(working, 4)
        assert publish_warehouse(working, published).how == "copied"  # the spare is the analyst's
        analyst.stdin.write("\n")
        analyst.stdin.flush()
        assert analyst.stdout.readline().strip() == "2"
    finally:
        analyst.communicate(timeout=30)
    assert read_value_elsewhere(published) == 4
    write_value(working, 5)
    assert publish_warehouse(working, published).how == "patched"  # the analyst has gone
    assert read_value_elsewhere(published) == 5


def test_a_spare_open_in_this_process_is_never_patched(paths: tuple[Path, Path]) -> None:
    working, published = paths
    for value in (1, 2):
        write_value(working, value)
        publish_warehouse(working, published)
    with duckdb.connect(str(published), read_only=True) as held:  # locks do not conflict in-process
        write_value(working, 3)
        assert publish_warehouse(working, published).how == "patched"  # the spare held 1
        write_value(working, 4)
        assert publish_warehouse(working, published).how == "copied"  # the spare is `held`'s file
        assert held.execute("SELECT v FROM t").fetchall() == [(2,)]
    assert read_value_elsewhere(published) == 4


def test_a_spare_linked_to_the_published_file_is_never_patched(paths: tuple[Path, Path]) -> None:
    working, published = paths
    write_value(working, 1)
    publish_warehouse(working, published)
    os.link(published, publish.spare_path(published))  # the same inode under both names
    write_value(working, 2)
    assert publish_warehouse(working, published).how == "copied"
    assert read_value_elsewhere(published) == 2
    assert read_value_elsewhere(publish.spare_path(published)) == 1


@pytest.mark.parametrize("chunks_in_spare", [0, 3.5, 6, 70])
def test_patching_writes_only_the_chunks_that_differ_and_cuts_to_size(
    tmp_path: Path, chunks_in_spare: float
) -> None:
    chunk = publish.PATCH_CHUNK_BYTES
    content = os.urandom(max(4 * chunk + 100, publish.READ_BYTES + 3 * chunk))
    old = bytearray(os.urandom(int(chunks_in_spare * chunk)))
    shared = min(len(old), len(content))
    old[:shared] = content[:shared]
    if len(old) > chunk:
        old[chunk + 7] ^= 0xFF  # one byte of the second chunk differs
    if len(old) > publish.READ_BYTES + chunk:
        old[publish.READ_BYTES + chunk] ^= 0xFF  # and one after the first read
    source, spare = tmp_path / "source", tmp_path / "spare"
    source.write_bytes(content)
    spare.write_bytes(old)
    fd = os.open(spare, os.O_RDWR)
    try:
        written = publish._patch(source, fd)
    finally:
        os.close(fd)
    assert spare.read_bytes() == content  # grown, or cut to the source's size
    starts = range(0, len(content), chunk)
    differing = [s for s in starts if bytes(old[s : s + chunk])[: len(content) - s] != content[s : s + chunk]]
    assert written == sum(len(content[s : s + chunk]) for s in differing) < len(content) or not shared
