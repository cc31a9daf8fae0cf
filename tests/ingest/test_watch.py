"""The change planner: only moved files are read, and changes are decided by content."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from digest_pipeline.cli import build
from digest_pipeline.ingest import watch
from digest_pipeline.ingest.files import list_posts_folder
from digest_pipeline.ingest.watch import (
    Cursor,
    FileState,
    StateStore,
    dates_not_built,
    decode_state,
    encode_state,
    listing_fingerprint,
    plan_changes,
    state_from_warehouse,
)
from digest_pipeline.settings import work_warehouse_path
from digest_pipeline.warehouse import post_tables
from digest_pipeline.warehouse.schema import apply_schema

POST = "---\nmodel: qwen\ndate: {date}\ntitle: t\n---\n\n## 📰 本週新聞焦點\n\n1) headline {n}\nbody\n"


def write_post(folder: Path, name: str, date: str, n: int = 1) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(POST.format(date=date, n=n), encoding="utf-8")
    return path


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    posts = tmp_path / "posts"
    write_post(posts, "a.md", "2026-01-01")
    write_post(posts, "sub/b.md", "2026-01-02")
    return posts


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files the planner reads (through scan_file), in order."""
    seen: list[str] = []
    real = watch.scan_file

    def spy(path: Path, root: Path, max_bytes: int):
        seen.append(path.relative_to(root).as_posix())
        return real(path, root, max_bytes)

    monkeypatch.setattr(watch, "scan_file", spy)
    return seen


def test_first_look_finds_every_file_new_with_its_date(folder: Path) -> None:
    plan = plan_changes(folder, {})
    assert plan.new == ("a.md", "sub/b.md") and plan.has_changes
    assert plan.affected_dates == ("2026-01-01", "2026-01-02")
    assert plan.state["sub/b.md"].post_date == "2026-01-02"
    assert plan.state["a.md"].size == (folder / "a.md").stat().st_size


def test_unchanged_folder_reads_no_file(folder: Path, reads: list[str]) -> None:
    first = plan_changes(folder, {})
    reads.clear()
    again = plan_changes(folder, first.state)
    assert reads == []
    assert not again.has_changes and again.affected_dates == ()
    assert again.state == first.state


def test_new_file_is_read_alone(folder: Path, reads: list[str]) -> None:
    state = plan_changes(folder, {}).state
    reads.clear()
    write_post(folder, "c.md", "2026-01-05")
    plan = plan_changes(folder, state)
    assert reads == ["c.md"]
    assert plan.new == ("c.md",) and plan.changed == () and plan.affected_dates == ("2026-01-05",)


def test_changed_file_affects_its_old_and_new_date(folder: Path) -> None:
    state = plan_changes(folder, {}).state
    write_post(folder, "a.md", "2026-01-09", n=2)
    plan = plan_changes(folder, state)
    assert plan.changed == ("a.md",) and plan.new == ()
    assert plan.affected_dates == ("2026-01-01", "2026-01-09")


def test_changed_content_on_the_same_date_affects_that_date(folder: Path) -> None:
    state = plan_changes(folder, {}).state
    write_post(folder, "a.md", "2026-01-01", n=22)
    assert plan_changes(folder, state).affected_dates == ("2026-01-01",)


def test_touched_but_identical_file_is_no_change(folder: Path, reads: list[str]) -> None:
    state = plan_changes(folder, {}).state
    path = folder / "a.md"
    later = path.stat().st_mtime_ns + 5_000_000_000
    os.utime(path, ns=(later, later))
    reads.clear()
    plan = plan_changes(folder, state)
    assert reads == ["a.md"]  # hashed once to be sure ...
    assert not plan.has_changes  # ... and found identical
    assert plan.state["a.md"].mtime_ns == later  # remembered, so the next look reads nothing
    reads.clear()
    plan_changes(folder, plan.state)
    assert reads == []


def test_deleted_file_affects_its_old_date(folder: Path) -> None:
    state = plan_changes(folder, {}).state
    (folder / "sub" / "b.md").unlink()
    plan = plan_changes(folder, state)
    assert plan.deleted == ("sub/b.md",) and plan.affected_dates == ("2026-01-02",)
    assert "sub/b.md" not in plan.state


def test_unidentifiable_file_is_a_change_without_a_date(folder: Path) -> None:
    state = plan_changes(folder, {}).state
    (folder / "notes.txt").write_text("no front matter here\n", encoding="utf-8")
    plan = plan_changes(folder, state)
    assert plan.new == ("notes.txt",) and plan.has_changes
    assert plan.affected_dates == () and plan.state["notes.txt"].post_date is None


def test_missing_folder_is_an_error_not_a_mass_deletion(folder: Path) -> None:
    state = plan_changes(folder, {}).state
    shutil.rmtree(folder)
    with pytest.raises(FileNotFoundError):
        plan_changes(folder, state)


def test_state_round_trip(folder: Path) -> None:
    state = plan_changes(folder, {}).state | {"x.txt": FileState(3, 4, "ab", None)}
    assert decode_state(encode_state(state)) == state


@pytest.mark.parametrize(
    "data",
    [b"", b"not zlib at all!", encode_state({})[:-3], __import__("zlib").compress(b'{"files": {}}')],
    ids=["empty", "garbage", "truncated", "no-version"],
)
def test_unreadable_state_means_no_state(data: bytes) -> None:
    assert decode_state(data) is None


def test_state_of_another_version_means_no_state(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(watch, "STATE_VERSION", 0)
    old = encode_state({"a.md": FileState(1, 2, "ab", None)})
    monkeypatch.undo()
    assert decode_state(old) is None


def test_cursor_is_small_whatever_the_folder_holds(folder: Path) -> None:
    """Dagster stores the cursor with every tick it records: it must not grow with the folder."""
    for n in range(300):
        write_post(folder, f"many/{n:04d}.md", "2026-01-03", n)
    cursor = Cursor(listing_fingerprint(list_posts_folder(folder)), "f" * 64)
    encoded = cursor.encode()
    assert Cursor.decode(encoded) == cursor
    assert encoded.isascii() and len(encoded) < 200


@pytest.mark.parametrize(
    "cursor",
    [None, "", "not json", "[1, 2]", '{"v": 1, "files": {}}', "eJyrVspSslIqzszLS85JTQEAKKMF3w=="],
    ids=["none", "empty", "garbage", "a-list", "old-version", "version-1-state-cursor"],
)
def test_unreadable_cursor_means_no_cursor(cursor: str | None) -> None:
    assert Cursor.decode(cursor) is None


def test_fingerprint_moves_with_any_added_removed_or_written_file(folder: Path) -> None:
    first = listing_fingerprint(list_posts_folder(folder))
    assert listing_fingerprint(list_posts_folder(folder)) == first
    path = write_post(folder, "c.md", "2026-01-05")
    added = listing_fingerprint(list_posts_folder(folder))
    assert added != first
    later = path.stat().st_mtime_ns + 5_000_000_000
    os.utime(path, ns=(later, later))  # same bytes, new mtime: the planner must look again
    touched = listing_fingerprint(list_posts_folder(folder))
    assert touched not in (first, added)
    path.unlink()
    assert listing_fingerprint(list_posts_folder(folder)) == first


def test_cursor_naming_anything_but_a_digest_is_no_cursor() -> None:
    """The state digest names a file in the store's folder: a tampered cursor must not lead outside it."""
    digest = "a" * 64
    assert Cursor.decode(Cursor(digest, digest).encode()) == Cursor(digest, digest)
    assert Cursor.decode(Cursor(digest, "../../etc/passwd").encode()) is None
    assert Cursor.decode(Cursor("x", digest).encode()) is None


def test_a_dangling_link_is_planned_from_its_own_stat(folder: Path) -> None:
    """The listing has no size for it; the planner stats the link itself, so it is seen, and seen once."""
    (folder / "gone.md").symlink_to(folder / "nowhere.md")
    plan = plan_changes(folder, {})
    assert "gone.md" in plan.new and plan.state["gone.md"].post_date is None
    assert not plan_changes(folder, plan.state).has_changes


def test_store_saves_once_per_content_and_keeps_only_the_current_and_previous(
    folder: Path, tmp_path: Path
) -> None:
    store = StateStore.for_posts(tmp_path / "state", folder)
    first = plan_changes(folder, {}).state
    digest_1 = store.save(first)
    assert store.save(first, keep=digest_1) == digest_1
    assert store.load(digest_1) == first
    write_post(folder, "c.md", "2026-01-05")
    second = plan_changes(folder, first).state
    digest_2 = store.save(second, keep=digest_1)
    assert store.load(digest_1) == first and store.load(digest_2) == second
    write_post(folder, "d.md", "2026-01-06")
    digest_3 = store.save(plan_changes(folder, second).state, keep=digest_2)
    assert store.load(digest_1) is None  # two saves ago: deleted
    assert sorted(p.name for p in (tmp_path / "state").iterdir()) == sorted(
        store.path(d).name for d in (digest_2, digest_3)
    )


def test_store_ignores_a_damaged_or_foreign_file(folder: Path, tmp_path: Path) -> None:
    store = StateStore.for_posts(tmp_path / "state", folder)
    digest = store.save(plan_changes(folder, {}).state)
    store.path(digest).write_bytes(encode_state({}))  # content no longer matches its name
    assert store.load(digest) is None
    assert store.load("0" * 64) is None
    assert StateStore.for_posts(tmp_path / "state", tmp_path).name != store.name  # one per posts folder


def test_missing_warehouse_is_an_empty_state(tmp_path: Path) -> None:
    assert state_from_warehouse(tmp_path / "none.duckdb") == {}
    assert dates_not_built(tmp_path / "none.duckdb") == ()


def test_warehouse_state_compares_by_content(
    seeded_posts: Path, warehouse_file: Path, reads: list[str]
) -> None:
    (seeded_posts / "notes.txt").write_text("no front matter here\n", encoding="utf-8")
    build(str(seeded_posts), str(warehouse_file), log=lambda *_: None)
    state = state_from_warehouse(warehouse_file)
    assert len(state) == 6 and state["notes.txt"].post_date is None
    assert {f.post_date for f in state.values()} - {None} == {
        "2025-12-23",
        "2025-12-26",
        "2026-01-05",
        "2026-01-12",
        "2026-01-19",
    }
    assert dates_not_built(warehouse_file) == ()

    reads.clear()
    plan = plan_changes(seeded_posts, state)
    assert len(reads) == 6  # size and mtime unknown: every file hashed once ...
    assert not plan.has_changes  # ... and all match what the warehouse recorded


def test_dates_written_by_another_parser_version_are_not_built(
    seeded_posts: Path, warehouse_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines: list[str] = []
    build(str(seeded_posts), str(warehouse_file), log=lambda *_: None)
    work = work_warehouse_path(str(warehouse_file))
    assert dates_not_built(work) == ()
    with duckdb.connect(work) as con:
        con.execute("UPDATE pipeline.parsed_dates SET parsed_with = 'older' WHERE post_date = '2025-12-26'")
    assert dates_not_built(work) == ("2025-12-26",)
    with duckdb.connect(work) as con:  # a warehouse from before parser versions were recorded
        con.execute("DROP TABLE pipeline.parsed_dates")
    assert len(dates_not_built(work)) == 5

    # An upgrade: the next build parses every date again, and then none is left.
    monkeypatch.setattr(watch, "PARSER_VERSION", "next")
    monkeypatch.setattr(post_tables, "PARSER_VERSION", "next")
    build(str(seeded_posts), str(warehouse_file), log=lines.append)
    assert any("5 post dates, 5 to build" in line for line in lines)
    assert dates_not_built(work) == ()
    with duckdb.connect(work, read_only=True) as con:
        assert con.execute("SELECT DISTINCT parsed_with FROM pipeline.parsed_dates").fetchall() == [("next",)]


def test_locked_warehouse_is_an_empty_state(tmp_path: Path) -> None:
    warehouse = tmp_path / "digest.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        apply_schema(con)
        con.execute("INSERT INTO post_files VALUES ('a.md', 'ab', 1, 'rejected', NULL, 'r', now(), NULL)")
    assert list(state_from_warehouse(warehouse)) == ["a.md"]
    hold = (
        "import duckdb, sys; con = duckdb.connect(sys.argv[1]); print('locked', flush=True); sys.stdin.read()"
    )
    writer = subprocess.Popen(
        [sys.executable, "-c", hold, str(warehouse)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert writer.stdout is not None and writer.stdout.readline().strip() == "locked"
        assert state_from_warehouse(warehouse) == {}  # another process writes: start from nothing
    finally:
        writer.communicate(timeout=30)
