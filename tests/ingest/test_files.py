"""Scanning a posts folder: any layout and file names, hidden files, limits, symlinks, rejects."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path

import pytest

from digest_pipeline.ingest.files import scan_file, scan_posts_folder

SHA256 = re.compile(r"^[0-9a-f]{64}$")


def post(model: str, date: str, news: str = "1) 新聞標題\n內文\n") -> str:
    return f"---\nmodel: {model}\ndate: {date}\n---\n## 今日要聞\n{news}"


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return path


def by_name(scanned) -> dict:
    return {s.source_file: s for s in scanned}


def test_recursive_scan_with_arbitrary_file_names(tmp_path: Path) -> None:
    write(tmp_path / "000_8579b6bdf493af60.txt", post("gpt", "2025-11-03"))
    write(tmp_path / "2025" / "11" / "Gemini 日報 (4).markdown", post("gemini", "2025-11-04"))
    write(tmp_path / "a" / "b" / "c" / "no-extension", post("claude", "2025-11-05"))
    write(tmp_path / "weird name [grok] #1.MD", post("grok", "2025-11-06"))
    scanned = scan_posts_folder(tmp_path)
    found = {s.source_file: s.identity.post_id for s in scanned if s.identity}
    assert found == {
        "000_8579b6bdf493af60.txt": "gpt-2025-11-03",
        "2025/11/Gemini 日報 (4).markdown": "gemini-2025-11-04",
        "a/b/c/no-extension": "claude-2025-11-05",
        "weird name [grok] #1.MD": "grok-2025-11-06",
    }
    assert all(s.reject_reason is None and s.text for s in scanned)


def test_accepted_files_carry_hash_size_and_decoded_text(tmp_path: Path) -> None:
    data = ("\ufeff" + post("mistral", "2025-11-07")).replace("\n", "\r\n").encode()
    write(tmp_path / "mistral.md", data)
    (scanned,) = scan_posts_folder(tmp_path)
    assert scanned.content_sha256 == hashlib.sha256(data).hexdigest()
    assert scanned.size_bytes == len(data)
    assert scanned.text == post("mistral", "2025-11-07")  # BOM dropped, LF line ends
    assert scanned.identity.post_date == dt.date(2025, 11, 7)


def test_same_content_under_two_names_has_the_same_hash(tmp_path: Path) -> None:
    write(tmp_path / "a.md", post("gpt", "2025-11-03"))
    write(tmp_path / "copy" / "b.txt", post("gpt", "2025-11-03"))
    a, b = scan_posts_folder(tmp_path)
    assert a.content_sha256 == b.content_sha256
    assert a.identity == b.identity


def test_hidden_files_and_folders_are_skipped(tmp_path: Path) -> None:
    write(tmp_path / "visible.md", post("gpt", "2025-11-03"))
    write(tmp_path / ".draft.md", post("gpt", "2025-11-04"))
    write(tmp_path / ".git" / "HEAD", "ref: refs/heads/main\n")
    write(tmp_path / ".obsidian" / "notes" / "post.md", post("gpt", "2025-11-05"))
    write(tmp_path / "sub" / ".DS_Store", b"\x00\x00\x00\x01Bud1")
    assert [s.source_file for s in scan_posts_folder(tmp_path)] == ["visible.md"]


def test_each_reject_has_a_reason_and_a_sha256(tmp_path: Path) -> None:
    write(tmp_path / "empty.md", b"")
    write(tmp_path / "no-front-matter.md", "## 今日要聞\n- A\n")
    write(tmp_path / "yaml-error.md", "---\nmodel: [gpt\n---\n")
    write(tmp_path / "python-tag.md", "---\nx: !!python/object/apply:os.system ['id']\n---\n")
    write(tmp_path / "list.md", "---\n- gpt\n---\n")
    write(tmp_path / "bad-date.md", "---\nmodel: gpt\ndate: 2025-13-45\n---\n")
    write(tmp_path / "000_8579b6bdf493af60.txt", "---\ndate: 2025-11-03\n---\n")
    write(tmp_path / "big5.md", "---\nmodel: 台灣\ndate: 2025-11-03\n---\n".encode("big5"))
    write(tmp_path / "image.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    write(tmp_path / "good.md", post("deepseek", "2025-11-08"))
    scanned = by_name(scan_posts_folder(tmp_path))
    expected = {
        "empty.md": "empty file",
        "no-front-matter.md": "no front matter",
        "yaml-error.md": "not valid YAML",
        "python-tag.md": "not allowed",
        "list.md": "not a mapping",
        "bad-date.md": "impossible",
        "000_8579b6bdf493af60.txt": "no model",
        "big5.md": "not UTF-8",
        "image.png": "binary",
    }
    assert set(scanned) == {*expected, "good.md"}
    for name, reason in expected.items():
        s = scanned[name]
        assert s.identity is None and s.text is None, name
        assert s.reject_reason and reason in s.reject_reason, (name, s.reject_reason)
        assert SHA256.match(s.content_sha256), name
        assert s.content_sha256 == hashlib.sha256((tmp_path / name).read_bytes()).hexdigest()
    assert scanned["good.md"].reject_reason is None
    assert scanned["good.md"].identity.post_id == "deepseek-2025-11-08"


def test_truncated_post_is_a_reject_not_a_crash(tmp_path: Path) -> None:
    write(tmp_path / "truncated.md", "---\nmodel: gpt\ndate: 2025-11-03\ntitle: 寫到一半")
    write(tmp_path / "good.md", post("gpt", "2025-11-04"))
    scanned = by_name(scan_posts_folder(tmp_path))
    assert scanned["truncated.md"].reject_reason
    assert scanned["good.md"].identity is not None


def test_size_limit(tmp_path: Path) -> None:
    small = post("gpt", "2025-11-03")
    big = post("gpt", "2025-11-04", news="1) 很長的新聞\n" + "內文" * 500 + "\n")
    write(tmp_path / "small.md", small)
    write(tmp_path / "big.md", big)
    limit = len(small.encode()) + 10
    scanned = by_name(scan_posts_folder(tmp_path, max_bytes=limit))
    assert scanned["small.md"].identity is not None
    rejected = scanned["big.md"]
    assert rejected.identity is None and rejected.text is None
    size = len(big.encode())
    assert rejected.size_bytes == size
    assert rejected.reject_reason == f"file is {size} bytes, over the {limit}-byte limit for a post"
    assert SHA256.match(rejected.content_sha256)


def test_file_exactly_at_the_limit_is_accepted(tmp_path: Path) -> None:
    path = write(tmp_path / "exact.md", post("gpt", "2025-11-03"))
    assert scan_file(path, tmp_path, max_bytes=path.stat().st_size).identity is not None


def test_default_limit_rejects_a_huge_file(tmp_path: Path) -> None:
    write(tmp_path / "dump.md", post("gpt", "2025-11-03") + "x" * (3 * 1024 * 1024))
    (scanned,) = scan_posts_folder(tmp_path)
    assert "limit" in scanned.reject_reason


def test_symlink_pointing_outside_the_folder_is_rejected(tmp_path: Path) -> None:
    root, outside = tmp_path / "posts", tmp_path / "outside"
    secret = write(outside / "secret.md", post("gpt", "2025-11-03"))
    write(root / "real.md", post("gpt", "2025-11-04"))
    (root / "escape.md").symlink_to(secret)
    (root / "nested").mkdir()
    (root / "nested" / "up.md").symlink_to(Path("..") / ".." / "outside" / "secret.md")
    scanned = by_name(scan_posts_folder(root))
    assert set(scanned) == {"escape.md", "nested/up.md", "real.md"}
    for name in ("escape.md", "nested/up.md"):
        s = scanned[name]
        assert s.identity is None and s.text is None
        assert s.reject_reason == "symlink leads outside the posts folder"
        assert SHA256.match(s.content_sha256)
    assert scanned["real.md"].identity.post_id == "gpt-2025-11-04"


def test_symlink_inside_the_folder_is_read(tmp_path: Path) -> None:
    target = write(tmp_path / "real.md", post("claude", "2025-11-05"))
    (tmp_path / "alias.md").symlink_to(target.name)
    scanned = by_name(scan_posts_folder(tmp_path))
    assert scanned["alias.md"].identity == scanned["real.md"].identity
    assert scanned["alias.md"].content_sha256 == scanned["real.md"].content_sha256


def test_dangling_symlink_is_a_reject(tmp_path: Path) -> None:
    (tmp_path / "gone.md").symlink_to("does-not-exist.md")
    (scanned,) = scan_posts_folder(tmp_path)
    assert scanned.reject_reason == "not a regular file"
    assert SHA256.match(scanned.content_sha256)


def test_posts_folder_reached_through_a_symlink(tmp_path: Path) -> None:
    real = tmp_path / "real-posts"
    write(real / "gpt.md", post("gpt", "2025-11-03"))
    link = tmp_path / "posts"
    link.symlink_to(real, target_is_directory=True)
    (scanned,) = scan_posts_folder(link)
    assert scanned.identity is not None


def test_empty_folder_gives_nothing(tmp_path: Path) -> None:
    assert scan_posts_folder(tmp_path) == []


@pytest.mark.parametrize("make", ["missing", "file"])
def test_root_must_be_a_folder(tmp_path: Path, make: str) -> None:
    root = tmp_path / "posts"
    if make == "file":
        root.write_text("not a folder")
    with pytest.raises(FileNotFoundError, match="posts folder"):
        scan_posts_folder(root)


def test_scan_order_does_not_depend_on_creation_order(tmp_path: Path) -> None:
    names = ["b.md", "a.md", "z/1.md", "m/2.md", "m/0.md", "A.md", "c.md"]
    for label, order in (("one", names), ("two", list(reversed(names)))):
        for name in order:
            write(tmp_path / label / name, post("gpt", "2025-11-03"))
    first = [s.source_file for s in scan_posts_folder(tmp_path / "one")]
    second = [s.source_file for s in scan_posts_folder(tmp_path / "two")]
    assert first == second
    assert sorted(first) == sorted(names)


def test_unreadable_file_does_not_abort_the_scan(tmp_path: Path, monkeypatch) -> None:
    locked = write(tmp_path / "locked.md", post("gpt", "2025-11-03"))
    write(tmp_path / "open.md", post("gpt", "2025-11-04"))
    real_read_bytes = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self.name == locked.name:
            raise PermissionError(13, "Permission denied", str(self))
        return real_read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    scanned = by_name(scan_posts_folder(tmp_path))
    assert scanned["open.md"].identity is not None
    assert scanned["locked.md"].reject_reason


def test_symlinked_folder_is_recorded_not_walked(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "post.md").write_text("---\nmodel: gpt\ndate: 2025-11-03\n---\n", encoding="utf-8")
    root = tmp_path / "posts"
    root.mkdir()
    (root / "linked").symlink_to(outside, target_is_directory=True)
    [scanned] = scan_posts_folder(root)
    assert scanned.source_file == "linked" and scanned.identity is None
    assert "outside the posts folder" in scanned.reject_reason


def test_the_listing_stats_regular_files_and_leaves_the_rest_to_be_read(tmp_path: Path) -> None:
    from digest_pipeline.ingest.files import list_posts_folder

    kept = write(tmp_path / "sub" / "post.md", post("gpt", "2025-11-03"))
    write(tmp_path / ".hidden.md", post("gpt", "2025-11-04"))
    (tmp_path / "dangling.md").symlink_to(tmp_path / "gone.md")
    outside = tmp_path.parent / f"{tmp_path.name}-outside"
    outside.mkdir()
    (tmp_path / "linked").symlink_to(outside, target_is_directory=True)

    listing = list_posts_folder(tmp_path)
    rows = {r["source_file"]: (r["size_bytes"], r["mtime_ns"]) for r in listing.files.to_dicts()}

    stat = kept.stat()
    assert rows == {
        "sub/post.md": (stat.st_size, stat.st_mtime_ns),
        "dangling.md": (None, None),  # no size or mtime to trust: always read, and rejected
        "linked": (None, None),
    }
    read = by_name(listing.read(["dangling.md", "linked"]))
    assert read["dangling.md"].reject_reason and read["linked"].reject_reason


def test_a_subfolder_that_cannot_be_listed_fails_the_listing(tmp_path: Path, monkeypatch) -> None:
    import os

    from digest_pipeline.ingest.files import list_posts_folder

    write(tmp_path / "ok.md", post("gpt", "2025-11-03"))
    write(tmp_path / "locked" / "post.md", post("gpt", "2025-11-04"))
    real_open = os.open

    def open_folder(path, flags, *args, **kwargs):  # as a folder we may not read (root reads any)
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", open_folder)
    # Skipped silently, its posts would look deleted; the scan stops and says why instead.
    with pytest.raises(PermissionError, match="Permission denied"):
        list_posts_folder(tmp_path)


def test_read_hints_go_to_regular_files_only(tmp_path: Path) -> None:
    from digest_pipeline.ingest.files import hint_reads

    write(tmp_path / "sub" / "post.md", post("gpt", "2025-11-03"))
    write(tmp_path / "other.md", post("gpt", "2025-11-04"))
    (tmp_path / "link.md").symlink_to(tmp_path / "other.md")  # not followed: it may lead outside
    (tmp_path / "dangling.md").symlink_to(tmp_path / "gone.md")
    (tmp_path / "folder").mkdir()
    write(tmp_path / "huge.md", "x" * 5000)  # over the limit below: rejected unread, so not asked for
    rels = ["sub/post.md", "other.md", "link.md", "dangling.md", "folder", "vanished.md", "huge.md"]
    assert hint_reads(str(tmp_path), rels, max_bytes=4096) == 2


@pytest.mark.skipif(not hasattr(__import__("os"), "mkfifo"), reason="no FIFOs here")
def test_a_fifo_in_the_folder_neither_blocks_the_hints_nor_the_scan(tmp_path: Path) -> None:
    """Opening a FIFO to read waits for a writer unless asked not to: the scan would hang."""
    import os
    import threading

    from digest_pipeline.ingest.files import hint_reads

    write(tmp_path / "post.md", post("gpt", "2025-11-03"))
    os.mkfifo(tmp_path / "pipe.md")
    done: dict[str, object] = {}
    worker = threading.Thread(
        target=lambda: done.update(hinted=hint_reads(str(tmp_path), ["pipe.md", "post.md"])), daemon=True
    )
    worker.start()
    worker.join(10)
    assert done == {"hinted": 1}
    scanned = by_name(scan_posts_folder(tmp_path))
    assert scanned["pipe.md"].reject_reason == "not a regular file"
    assert scanned["post.md"].identity is not None


def test_without_the_call_no_hints_are_given(tmp_path: Path, monkeypatch) -> None:
    import os

    from digest_pipeline.ingest.files import hint_reads

    write(tmp_path / "post.md", post("gpt", "2025-11-03"))
    monkeypatch.delattr(os, "posix_fadvise", raising=False)
    assert hint_reads(str(tmp_path), ["post.md"]) == 0
    assert scan_posts_folder(tmp_path)[0].identity is not None
