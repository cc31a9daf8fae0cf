"""Version bookkeeping on a scratch DuckDB: which content is current, and nothing lost."""

import datetime as dt
from pathlib import Path

from digest_pipeline.ingest import list_posts_folder, scan_posts_folder
from digest_pipeline.warehouse.versions import record_scan

POST = """---
model: gemini
date: 2026-02-03
title: "GEMINI 每日動態 - 2026-02-03"
---
## 📰 今日要聞
1) {headline}
Google 宣布更新。
"""
T0 = dt.datetime(2026, 2, 3, 6, 0)
T1 = T0 + dt.timedelta(days=1)


def write(folder: Path, name: str, headline: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(POST.format(headline=headline), encoding="utf-8")


def versions(con) -> list[tuple]:
    return con.execute(
        "SELECT source_file, is_current, first_ingested_at FROM post_versions "
        "ORDER BY first_ingested_at, source_file"
    ).fetchall()


def test_republished_content_becomes_current_and_the_old_stays(con, tmp_path: Path) -> None:
    write(tmp_path, "a.md", "Gemini 3 Flash 上線")
    record_scan(con, list_posts_folder(tmp_path), T0)
    write(tmp_path, "a.md", "Gemini 3 Flash 全面上線")

    summary = record_scan(con, list_posts_folder(tmp_path), T1)

    assert summary == {"files": 1, "read": 1, "current": 1, "superseded": 0, "rejected": 0}
    assert versions(con) == [("a.md", False, T0), ("a.md", True, T1)]


def test_rescanning_unchanged_files_keeps_first_ingested_at(con, tmp_path: Path) -> None:
    write(tmp_path, "a.md", "Gemini 3 Flash 上線")
    record_scan(con, list_posts_folder(tmp_path), T0)
    record_scan(con, list_posts_folder(tmp_path), T1)
    assert versions(con) == [("a.md", True, T0)]
    assert con.execute("SELECT last_seen_at FROM post_versions").fetchall() == [(T1,)]


def test_rival_files_in_one_scan_resolve_by_path_and_both_are_kept(con, tmp_path: Path) -> None:
    write(tmp_path, "b.md", "版本 B")
    write(tmp_path, "a.md", "版本 A")
    summary = record_scan(con, list_posts_folder(tmp_path), T0)
    assert summary["current"] == 1 and summary["superseded"] == 1
    assert versions(con) == [("a.md", False, T0), ("b.md", True, T0)]
    reason = con.execute("SELECT reason FROM post_files WHERE source_file = 'a.md'").fetchall()[0][0]
    assert "b.md" in reason


def test_a_newer_rival_wins_over_an_older_post(con, tmp_path: Path) -> None:
    write(tmp_path, "z.md", "原版")
    record_scan(con, list_posts_folder(tmp_path), T0)
    write(tmp_path, "a.md", "新版")  # sorts first, but its content is newer
    record_scan(con, list_posts_folder(tmp_path), T1)
    assert dict(con.execute("SELECT source_file, status FROM post_files").fetchall()) == {
        "a.md": "current",
        "z.md": "superseded",
    }


def test_identical_copies_count_once_as_current(con, tmp_path: Path) -> None:
    write(tmp_path, "a.md", "同一篇")
    write(tmp_path / "mirror", "a.md", "同一篇")
    summary = record_scan(con, list_posts_folder(tmp_path), T0)
    assert summary == {"files": 2, "read": 2, "current": 1, "superseded": 1, "rejected": 0}
    assert con.execute("SELECT count(*) FROM post_versions").fetchall() == [(1,)]


def test_deleted_file_keeps_its_post(con, tmp_path: Path) -> None:
    write(tmp_path, "a.md", "Gemini 3 Flash 上線")
    record_scan(con, list_posts_folder(tmp_path), T0)
    (tmp_path / "a.md").unlink()
    record_scan(con, list_posts_folder(tmp_path), T1)
    assert versions(con) == [("a.md", True, T0)]
    assert con.execute("SELECT count(*) FROM post_files").fetchall() == [(0,)]


def test_rejects_are_recorded_once_per_content(con, tmp_path: Path) -> None:
    (tmp_path / "bad.md").write_text("no front matter here\n", encoding="utf-8")
    record_scan(con, list_posts_folder(tmp_path), T0)
    record_scan(con, list_posts_folder(tmp_path), T1)
    assert con.execute("SELECT source_file, seen_at, last_seen_at FROM ingest_rejects").fetchall() == [
        ("bad.md", T0, T1)
    ]


class ReadSpy:
    """A folder listing that notes which files the scan asked it to read."""

    def __init__(self, folder: Path) -> None:
        self.listing = list_posts_folder(folder)
        self.files = self.listing.files
        self.asked: list[str] = []

    def read(self, rels):
        self.asked.extend(rels)
        return self.listing.read(rels)


def test_a_rescan_reads_only_files_whose_size_or_mtime_moved(con, tmp_path: Path) -> None:
    import os

    write(tmp_path, "a.md", "原標題")
    write(tmp_path / "sub", "b.md", "另一則")
    (tmp_path / "broken.md").write_text("no front matter here", encoding="utf-8")
    first = ReadSpy(tmp_path)
    record_scan(con, first, T0)
    assert sorted(first.asked) == ["a.md", "broken.md", "sub/b.md"]
    before = _tables(con)

    again = ReadSpy(tmp_path)
    summary = record_scan(con, again, T1)
    assert again.asked == [] and summary["read"] == 0 and summary["files"] == 3
    assert _tables(con)[0] == before[0]  # post_files as it was, rejects and versions included
    assert con.execute("SELECT DISTINCT last_seen_at FROM post_versions").fetchall() == [(T1,)]

    write(tmp_path, "a.md", "改寫後的標題")  # re-published: new size and mtime
    stat = (tmp_path / "a.md").stat()
    os.utime(tmp_path / "a.md", ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    (tmp_path / "sub" / "new.md").write_text("also no front matter", encoding="utf-8")
    third = ReadSpy(tmp_path)
    summary = record_scan(con, third, T1 + dt.timedelta(hours=1))
    assert third.asked == ["a.md", "sub/new.md"] and summary["read"] == 2
    current = con.execute("SELECT content FROM post_versions WHERE is_current").fetchall()
    assert len(current) == 1 and "改寫後的標題" in current[0][0]
    rejects = con.execute("SELECT source_file FROM ingest_rejects ORDER BY 1").fetchall()
    assert rejects == [("broken.md",), ("sub/new.md",)]


def test_rejects_are_read_again_once_after_the_identity_rules_change(con, tmp_path: Path, monkeypatch):
    import digest_pipeline.ingest.files as files
    import digest_pipeline.warehouse.versions as versions_module
    from digest_pipeline.posts.front_matter import PostRejected

    (tmp_path / "english-date.md").write_text(
        "---\nmodel: gpt\ndate: Aug 25, 2025\n---\n## 新聞\n1) 標題\n內文\n", encoding="utf-8"
    )
    (tmp_path / "broken.md").write_text("no front matter here\n", encoding="utf-8")

    def rules_that_knew_no_english_dates(meta, source_file):
        raise PostRejected("no date: front matter has no usable 'date' and no fallback has one")

    with monkeypatch.context() as old_rules:  # the warehouse as a scan under the old rules left it
        old_rules.setattr(files, "post_identity", rules_that_knew_no_english_dates)
        old_rules.setattr(versions_module, "IDENTITY_VERSION", "1")
        record_scan(con, list_posts_folder(tmp_path), T0)
    assert con.execute("SELECT count(*) FROM ingest_rejects").fetchall() == [(2,)]

    upgraded = ReadSpy(tmp_path)
    summary = record_scan(con, upgraded, T1)
    assert sorted(upgraded.asked) == ["broken.md", "english-date.md"]
    assert summary["current"] == 1 and summary["rejected"] == 1
    assert con.execute("SELECT post_id FROM post_versions").fetchall() == [("gpt-2025-08-25",)]
    assert con.execute("SELECT source_file FROM post_files WHERE status = 'rejected'").fetchall() == [
        ("broken.md",)
    ]

    again = ReadSpy(tmp_path)  # the same rules: nothing unchanged is read, rejects included
    assert record_scan(con, again, T1 + dt.timedelta(hours=1))["read"] == 0 and again.asked == []


def test_a_scan_of_many_files_on_two_cores_matches_one_core(tmp_path: Path) -> None:
    for n in range(40):
        write(tmp_path / f"d{n % 3}", f"p{n}.md", f"標題 {n}")
    serial = scan_posts_folder(tmp_path, workers=1)
    assert scan_posts_folder(tmp_path, workers=2, parallel_from=1) == serial
    assert [f.source_file for f in serial][:2] == ["d0/p0.md", "d0/p12.md"]


def _tables(con) -> list[list[tuple]]:
    return [
        con.execute("SELECT * EXCLUDE (scanned_at) FROM post_files ORDER BY ALL").fetchall(),
        con.execute("SELECT * FROM post_versions ORDER BY ALL").fetchall(),
        con.execute("SELECT * FROM ingest_rejects ORDER BY ALL").fetchall(),
    ]


def test_a_scan_staged_in_small_batches_records_what_one_batch_does(con, tmp_path: Path, monkeypatch) -> None:
    import duckdb

    from digest_pipeline.warehouse import versions as versions_module
    from digest_pipeline.warehouse.schema import apply_schema

    posts = tmp_path / "posts"
    for n in range(7):  # every file claims the same post: one current, the others superseded
        write(posts / f"d{n % 2}", f"p{n}.md", f"標題 {n}")
    write(posts, "rival.md", "標題 0")
    (posts / "broken.md").write_text("no front matter here", encoding="utf-8")
    whole = record_scan(con, list_posts_folder(posts), T0)

    monkeypatch.setattr(versions_module, "SCAN_BATCH_FILES", 2)
    batched_con = duckdb.connect(str(tmp_path / "batched.duckdb"))
    apply_schema(batched_con)
    in_batches = record_scan(batched_con, list_posts_folder(posts), T0)

    assert in_batches == whole == {"files": 9, "read": 9, "current": 1, "superseded": 7, "rejected": 1}
    assert _tables(batched_con) == _tables(con)


def test_a_scan_that_fails_while_streaming_leaves_the_last_scan_whole(
    con, tmp_path: Path, monkeypatch
) -> None:
    from digest_pipeline.warehouse import versions as versions_module

    for n in range(5):
        write(tmp_path, f"p{n}.md", f"標題 {n}")
    record_scan(con, list_posts_folder(tmp_path), T0)
    before = _tables(con)
    monkeypatch.setattr(versions_module, "SCAN_BATCH_FILES", 2)

    class Failing(ReadSpy):
        def read(self, rels):
            yield from list(self.listing.read(rels))[:3]
            raise OSError("disk went away mid-scan")

    for n in range(5):
        write(tmp_path, f"p{n}.md", f"改寫 {n}")  # changed: every file is read again
    try:
        record_scan(con, Failing(tmp_path), T1)
    except OSError:
        pass
    else:
        raise AssertionError("the scan's error must reach the caller")
    assert _tables(con) == before
    assert con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'scan'").fetchone() == (0,)


def test_a_missing_folder_fails_before_any_scanning(tmp_path: Path) -> None:
    import pytest

    with pytest.raises(FileNotFoundError):
        list_posts_folder(tmp_path / "nowhere")
