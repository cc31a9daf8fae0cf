"""Version bookkeeping on a scratch DuckDB: which content is current, and nothing lost."""

import datetime as dt
from pathlib import Path

from digest_pipeline.ingest import scan_posts_folder
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
    record_scan(con, scan_posts_folder(tmp_path), T0)
    write(tmp_path, "a.md", "Gemini 3 Flash 全面上線")

    summary = record_scan(con, scan_posts_folder(tmp_path), T1)

    assert summary == {"files": 1, "current": 1, "superseded": 0, "rejected": 0}
    assert versions(con) == [("a.md", False, T0), ("a.md", True, T1)]


def test_rescanning_unchanged_files_keeps_first_ingested_at(con, tmp_path: Path) -> None:
    write(tmp_path, "a.md", "Gemini 3 Flash 上線")
    record_scan(con, scan_posts_folder(tmp_path), T0)
    record_scan(con, scan_posts_folder(tmp_path), T1)
    assert versions(con) == [("a.md", True, T0)]
    assert con.execute("SELECT last_seen_at FROM post_versions").fetchall() == [(T1,)]


def test_rival_files_in_one_scan_resolve_by_path_and_both_are_kept(con, tmp_path: Path) -> None:
    write(tmp_path, "b.md", "版本 B")
    write(tmp_path, "a.md", "版本 A")
    summary = record_scan(con, scan_posts_folder(tmp_path), T0)
    assert summary["current"] == 1 and summary["superseded"] == 1
    assert versions(con) == [("a.md", False, T0), ("b.md", True, T0)]
    reason = con.execute("SELECT reason FROM post_files WHERE source_file = 'a.md'").fetchall()[0][0]
    assert "b.md" in reason


def test_a_newer_rival_wins_over_an_older_post(con, tmp_path: Path) -> None:
    write(tmp_path, "z.md", "原版")
    record_scan(con, scan_posts_folder(tmp_path), T0)
    write(tmp_path, "a.md", "新版")  # sorts first, but its content is newer
    record_scan(con, scan_posts_folder(tmp_path), T1)
    assert dict(con.execute("SELECT source_file, status FROM post_files").fetchall()) == {
        "a.md": "current",
        "z.md": "superseded",
    }


def test_identical_copies_count_once_as_current(con, tmp_path: Path) -> None:
    write(tmp_path, "a.md", "同一篇")
    write(tmp_path / "mirror", "a.md", "同一篇")
    summary = record_scan(con, scan_posts_folder(tmp_path), T0)
    assert summary == {"files": 2, "current": 1, "superseded": 1, "rejected": 0}
    assert con.execute("SELECT count(*) FROM post_versions").fetchall() == [(1,)]


def test_deleted_file_keeps_its_post(con, tmp_path: Path) -> None:
    write(tmp_path, "a.md", "Gemini 3 Flash 上線")
    record_scan(con, scan_posts_folder(tmp_path), T0)
    (tmp_path / "a.md").unlink()
    record_scan(con, scan_posts_folder(tmp_path), T1)
    assert versions(con) == [("a.md", True, T0)]
    assert con.execute("SELECT count(*) FROM post_files").fetchall() == [(0,)]


def test_rejects_are_recorded_once_per_content(con, tmp_path: Path) -> None:
    (tmp_path / "bad.md").write_text("no front matter here\n", encoding="utf-8")
    record_scan(con, scan_posts_folder(tmp_path), T0)
    record_scan(con, scan_posts_folder(tmp_path), T1)
    assert con.execute("SELECT source_file, seen_at, last_seen_at FROM ingest_rejects").fetchall() == [
        ("bad.md", T0, T1)
    ]
