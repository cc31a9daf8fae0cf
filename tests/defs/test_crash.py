"""Analysts and writers with real processes: a SIGKILL mid-build, a held analyst session, two builds."""

import signal
import subprocess
import sys
from datetime import date
from pathlib import Path

from digest_pipeline.cli import build, build_lock
from digest_pipeline.settings import work_warehouse_path
from digest_pipeline.stress import HeldReader, dated_posts, file_sha256, kill_mid_build, posts_summary


def quiet(*_: object) -> None:
    pass


def test_sigkill_mid_build_leaves_the_last_good_build_published(tmp_path: Path) -> None:
    posts, warehouse = dated_posts(tmp_path / "posts", 30), tmp_path / "wh" / "digest.duckdb"
    build(str(posts), str(warehouse), log=quiet)
    good_hash, good = file_sha256(warehouse), posts_summary(warehouse)
    dated_posts(posts, 1, first=date(2031, 1, 1))

    code, output = kill_mid_build(posts, warehouse)

    assert code == -signal.SIGKILL, output
    assert Path(work_warehouse_path(str(warehouse))).exists()
    assert Path(f"{work_warehouse_path(str(warehouse))}.wal").exists()  # killed before its checkpoint
    assert file_sha256(warehouse) == good_hash  # byte for byte the last good build
    assert posts_summary(warehouse) == good  # and it opens read-only
    assert not list(warehouse.parent.glob(".digest.duckdb.*.tmp"))

    counts = build(str(posts), str(warehouse), log=quiet)  # the next build completes and publishes
    assert counts["posts"] == good[0] + 1
    assert posts_summary(warehouse) == (good[0] + 1, "2031-01-01")


def test_a_build_succeeds_while_an_analyst_session_is_open(seeded_posts: Path, warehouse_file: Path) -> None:
    build(str(seeded_posts), str(warehouse_file), log=quiet)
    reader = HeldReader(warehouse_file)  # another process, read-only, open throughout
    try:
        assert reader.first == (5, "2026-01-19")
        dated_posts(seeded_posts, 1, first=date(2026, 2, 2))

        counts = build(str(seeded_posts), str(warehouse_file), log=quiet)

        assert counts["posts"] == 6
        assert reader.query() == (5, "2026-01-19")  # the open session keeps its whole old warehouse
    finally:
        reader.close()
    assert posts_summary(warehouse_file) == (6, "2026-02-02")  # a new session sees the new one whole


def test_a_second_build_waits_for_the_first(tmp_path: Path) -> None:
    work = str(tmp_path / ".build" / "digest.duckdb")
    probe = (
        "import fcntl, sys\n"
        "try:\n"
        "    fcntl.flock(open(sys.argv[1], 'a'), fcntl.LOCK_EX | fcntl.LOCK_NB)\n"
        "except BlockingIOError:\n"
        "    sys.exit(3)\n"
    )
    with build_lock(work, log=quiet):
        held = subprocess.run([sys.executable, "-c", probe, f"{work}.lock"])
    free = subprocess.run([sys.executable, "-c", probe, f"{work}.lock"])
    assert (held.returncode, free.returncode) == (3, 0)  # taken while a build runs, free after
