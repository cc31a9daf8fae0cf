"""Planning what changed in the posts folder since a previous look, without Dagster.

The new-posts sensor runs this every half minute, so an unchanged folder must
cost only a directory walk and one stat per file: a file is re-read and hashed
only when its size or modification time moved. Whether it really changed is
then decided by content, so a touched-but-identical file starts no run.

Identity (and so the post date a change affects) comes from the same parsing
the scan uses (`scan_file`), so the planner and the scan never disagree about
which date a file belongs to.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import duckdb
import polars as pl

from digest_pipeline.ingest.files import (
    DEFAULT_MAX_POST_BYTES,
    FolderListing,
    list_posts_folder,
    scan_file,
)
from digest_pipeline.posts.parse import PARSER_VERSION

T = TypeVar("T")

STATE_VERSION = 1
"""Bumped whenever the state layout changes: an older state then reads as no state at all."""
CURSOR_VERSION = 2
"""Version 1 cursors held the whole state; they read as no cursor (one comparison with the warehouse)."""

_SHA256 = re.compile(r"[0-9a-f]{64}")

UNKNOWN = -1
"""Size or mtime not known (a state rebuilt from the warehouse): the file is hashed to compare."""


@dataclass(frozen=True)
class FileState:
    """What was last seen of one file: enough to tell cheaply whether it may have changed."""

    size: int
    mtime_ns: int
    sha256: str
    post_date: str | None  # ISO date of the post it holds; None when it is not a post (a reject)


FolderState = dict[str, FileState]
"""Files by path relative to the posts folder (forward slashes, as in post_files.source_file)."""


@dataclass(frozen=True)
class ChangePlan:
    """The folder's new state and what differs from the previous one."""

    state: FolderState
    new: tuple[str, ...]
    changed: tuple[str, ...]
    deleted: tuple[str, ...]
    affected_dates: tuple[str, ...]  # sorted ISO dates: old and new dates of every changed file

    @property
    def has_changes(self) -> bool:
        return bool(self.new or self.changed or self.deleted)

    @property
    def known_dates(self) -> tuple[str, ...]:
        """Every post date a file in the folder now holds, sorted."""
        return tuple(sorted({f.post_date for f in self.state.values() if f.post_date}))


def _stat(path: Path) -> tuple[int, int] | None:
    """(size, mtime_ns), following symlinks as the scan reads through them; None if it vanished."""
    for follow in (True, False):  # a dangling symlink still exists (and becomes a reject)
        try:
            st = os.stat(path, follow_symlinks=follow)
        except OSError:
            continue
        return st.st_size, st.st_mtime_ns
    return None


def _read_state(path: Path, root: Path, size: int, mtime_ns: int, max_bytes: int) -> FileState:
    scanned = scan_file(path, root, max_bytes)
    post_date = scanned.identity.post_date.isoformat() if scanned.identity else None
    return FileState(size, mtime_ns, scanned.content_sha256, post_date)


def plan_changes(
    root: Path,
    previous: FolderState,
    max_bytes: int = DEFAULT_MAX_POST_BYTES,
    listing: FolderListing | None = None,
) -> ChangePlan:
    """Compare the folder with `previous`, reading only files whose size or mtime moved.

    `listing` is the folder's `list_posts_folder`, if the caller already has it (the
    sensor fingerprints it first); otherwise the folder is listed here.
    Raises FileNotFoundError if root is not a folder: a missing (say, unmounted)
    folder must not look like every post was deleted.
    """
    listing = listing or list_posts_folder(root, max_bytes)
    state: FolderState = {}
    new: list[str] = []
    changed: list[str] = []
    dates: set[str] = set()
    for rel, size, mtime_ns in listing.files.iter_rows():
        path = root / rel
        # The listing leaves size and mtime out for what is not a regular file (a dangling
        # link, a symlinked folder): stat those as the scan would meet them.
        seen = (size, mtime_ns) if size is not None else _stat(path)
        if seen is None:
            continue
        old = previous.get(rel)
        if old is not None and (old.size, old.mtime_ns) == seen:
            state[rel] = old
            continue
        now = _read_state(path, root, *seen, max_bytes)
        state[rel] = now
        if old is None:
            new.append(rel)
        elif (old.sha256, old.post_date) != (now.sha256, now.post_date):
            changed.append(rel)
            dates.add(old.post_date or "")
        else:
            continue  # touched but identical: only its size/mtime are refreshed in the state
        dates.add(now.post_date or "")
    deleted = sorted(previous.keys() - state.keys())
    dates.update(previous[rel].post_date or "" for rel in deleted)
    dates.discard("")  # files that are not posts change the scan, but no date
    return ChangePlan(state, tuple(new), tuple(changed), tuple(deleted), tuple(sorted(dates)))


def encode_state(state: FolderState) -> bytes:
    """The state as compressed JSON, for a `StateStore` file."""
    files = {rel: [f.size, f.mtime_ns, f.sha256, f.post_date] for rel, f in sorted(state.items())}
    return zlib.compress(json.dumps({"v": STATE_VERSION, "files": files}, separators=(",", ":")).encode())


def decode_state(data: bytes) -> FolderState | None:
    """The state `encode_state` wrote; None for damaged data or another version."""
    try:
        payload = json.loads(zlib.decompress(data))
        if payload["v"] != STATE_VERSION:
            return None
        return {
            str(rel): FileState(int(size), int(mtime), str(sha), None if date is None else str(date))
            for rel, (size, mtime, sha, date) in payload["files"].items()
        }
    except (zlib.error, UnicodeError, ValueError, KeyError, TypeError, AttributeError):
        return None  # state we cannot read means "start fresh", never a failing sensor


def listing_fingerprint(listing: FolderListing) -> str:
    """A digest of every file's relative path, size and mtime (from `list_posts_folder`: no reads).

    Two equal fingerprints mean no file was added, removed or written in between, so
    an idle tick stops here, without loading the state or hashing anything.
    """
    lines = listing.files.select(
        pl.concat_str(
            pl.col("source_file"),
            pl.col("size_bytes").cast(pl.Utf8).fill_null("-"),
            pl.col("mtime_ns").cast(pl.Utf8).fill_null("-"),
            separator="\t",
        )
    ).to_series()
    return hashlib.sha256("\n".join(lines.to_list()).encode("utf-8", "surrogateescape")).hexdigest()


@dataclass(frozen=True)
class Cursor:
    """What the sensor's cursor holds: the folder's listing fingerprint and its state's digest."""

    listing: str
    state: str

    def encode(self) -> str:
        return json.dumps(
            {"v": CURSOR_VERSION, "listing": self.listing, "state": self.state}, separators=(",", ":")
        )

    @classmethod
    def decode(cls, cursor: str | None) -> Cursor | None:
        """None for no cursor, a corrupt one or one of another version (an older, state-holding one)."""
        if not cursor:
            return None
        try:
            payload = json.loads(cursor)
            if payload["v"] != CURSOR_VERSION:
                return None
            listing, state = str(payload["listing"]), str(payload["state"])
        except (ValueError, KeyError, TypeError):
            return None
        # Digests only: the state's names a file, which must stay inside the store's folder.
        return cls(listing, state) if _SHA256.fullmatch(listing) and _SHA256.fullmatch(state) else None


@dataclass(frozen=True)
class StateStore:
    """The planner's folder state between sensor ticks, in files named by their content's digest.

    Not in the sensor's cursor: Dagster writes a sensor's cursor into every tick it
    records and keeps skipped ticks for seven days (20,160 of them at one tick every
    30 s), and the state of 100,000 files is 6.6 MB: over 100 GB of tick history.
    The cursor names the state by digest instead. A state file that is gone or damaged
    reads as none, and the sensor then compares the folder with the warehouse.
    """

    folder: Path
    name: str
    """Set per posts folder, so two folders planned from one place keep apart."""

    @classmethod
    def for_posts(cls, folder: Path, posts_root: Path) -> StateStore:
        key = hashlib.sha256(str(posts_root.resolve()).encode("utf-8", "surrogateescape")).hexdigest()[:12]
        return cls(folder, f"posts-state-{key}")

    def path(self, digest: str) -> Path:
        return self.folder / f"{self.name}-{digest}.json.z"

    def load(self, digest: str) -> FolderState | None:
        try:
            data = self.path(digest).read_bytes()
        except (OSError, ValueError):
            return None
        if hashlib.sha256(data).hexdigest() != digest:
            return None
        return decode_state(data)

    def save(self, state: FolderState, keep: str | None = None) -> str:
        """Write the state (atomically, once per content) and delete every older one but `keep`.

        `keep` is the state the tick started from: until Dagster stores the new cursor,
        a re-evaluated tick still starts from it.
        """
        data = encode_state(state)
        digest = hashlib.sha256(data).hexdigest()
        target = self.path(digest)
        if not target.exists():
            self.folder.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(f".{target.name}.partial")
            partial.write_bytes(data)
            os.replace(partial, target)
        wanted = {target.name, self.path(keep).name if keep else ""}
        for old in self.folder.glob(f"{self.name}-*.json.z"):
            if old.name not in wanted:
                old.unlink(missing_ok=True)
        return digest


_FILES_IN_WAREHOUSE = """
SELECT f.source_file, f.content_sha256, v.post_date::VARCHAR
FROM post_files f
LEFT JOIN post_versions v ON f.status <> 'rejected' AND v.post_id = f.post_id
    AND v.content_sha256 = f.content_sha256
"""

# A date is not built when a current version has no matching row in posts, or posts
# holds a row whose content is no longer the current version (a run that never finished).
_DATES_NOT_BUILT = """
SELECT v.post_date::VARCHAR FROM post_versions v
WHERE v.is_current AND NOT EXISTS (
    SELECT 1 FROM posts p WHERE p.post_id = v.post_id AND p.content_sha256 = v.content_sha256)
UNION
SELECT p.post_date::VARCHAR FROM posts p
WHERE NOT EXISTS (SELECT 1 FROM post_versions v
    WHERE v.is_current AND v.post_id = p.post_id AND v.content_sha256 = p.content_sha256)
"""


# A date is not built either when another parser version wrote it (see `PARSER_VERSION`),
# or it was written before the versions were recorded (every date, then).
_DATES_PARSED_BY_ANOTHER_VERSION = """
SELECT DISTINCT p.post_date::VARCHAR FROM posts p
WHERE NOT EXISTS (SELECT 1 FROM pipeline.parsed_dates d
    WHERE d.post_date = p.post_date AND d.parsed_with = $version)
"""
_POST_DATES = "SELECT DISTINCT post_date::VARCHAR FROM posts"
_VERSIONS_RECORDED = (
    "SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'pipeline' AND table_name = 'parsed_dates'"
)


def _read_warehouse(database: str | Path, read: Callable[[duckdb.DuckDBPyConnection], T]) -> T | None:
    """What `read` returns from a read-only connection; None when the file is missing, locked or
    not yet scanned."""
    if not Path(database).is_file():
        return None
    try:
        with duckdb.connect(str(database), read_only=True) as con:
            return read(con)
    except duckdb.Error:  # locked by a running build, or tables not created yet
        return None


def _query_warehouse(database: str | Path, sql: str) -> list[tuple] | None:
    """Rows of a read-only query; None when the file is missing, locked or not yet scanned."""
    return _read_warehouse(database, lambda con: con.execute(sql).fetchall())


def state_from_warehouse(database: str | Path) -> FolderState:
    """The files the warehouse's last scan recorded, by content, with size and mtime unknown.

    Give it the working file, not the published one: the working file is the
    writer's truth. A scan that committed there but whose run failed before
    publishing is already recorded (and `dates_not_built` then finds its
    unbuilt dates), and the next run writes there, so planning against the
    published file would plan from a state the run does not start from.

    Unknown size and mtime make the planner hash every file once and compare
    by content, so this works whichever machine or clock wrote the warehouse.
    A missing or locked warehouse gives an empty state: every file is new.
    """
    rows = _query_warehouse(database, _FILES_IN_WAREHOUSE) or []
    return {rel: FileState(UNKNOWN, UNKNOWN, sha, post_date) for rel, sha, post_date in rows}


def dates_not_built(database: str | Path) -> tuple[str, ...]:
    """Post dates whose rows in posts do not match the current versions (e.g. a failed run), or
    were written by another version of the parser (an upgrade: they are parsed again).

    Read from the working file, for the reason `state_from_warehouse` gives: a run
    that failed half-way left its mark there, never in the published file.
    """

    def read(con: duckdb.DuckDBPyConnection) -> set[str]:
        dates = {row[0] for row in con.execute(_DATES_NOT_BUILT).fetchall()}
        if con.execute(_VERSIONS_RECORDED).fetchall()[0][0]:
            stale = con.execute(_DATES_PARSED_BY_ANOTHER_VERSION, {"version": PARSER_VERSION})
        else:
            stale = con.execute(_POST_DATES)
        return dates | {row[0] for row in stale.fetchall()}

    return tuple(sorted(_read_warehouse(database, read) or ()))
