"""Scanning a posts folder into identified files and rejects, without Dagster.

Any folder layout and any file names are accepted: identity comes from the
front matter. Only files inside the folder are read; a symlink that leads
outside it is rejected rather than followed.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from stat import S_ISREG

import polars as pl

from digest_pipeline.parallel import map_chunks
from digest_pipeline.posts import PostIdentity, PostRejected, decode_post
from digest_pipeline.posts.front_matter import post_identity, split_front_matter

DEFAULT_MAX_POST_BYTES = 2 * 1024 * 1024  # a digest post is ~15 KB; 2 MiB is surely not one


@dataclass(frozen=True)
class ScannedFile:
    """One file of the posts folder: its identity and text, or why it was rejected."""

    source_file: str  # relative to the posts folder, with forward slashes
    content_sha256: str
    size_bytes: int
    identity: PostIdentity | None = None
    text: str | None = None
    """None for a file the scan did not read again (unchanged since the last scan)."""
    reject_reason: str | None = None
    mtime_ns: int | None = None
    """Modification time when read: with the size, how the next scan knows the file is unchanged."""
    front_matter: str | None = None
    """The front matter read for the identity, as JSON: kept with the version, so parsing it
    later need not read the YAML again (reading YAML is about half of a file's scan)."""


def _list_folder(
    folder_fd: int, prefix: str, names: list[str], sizes: list[int | None], mtimes: list[int | None]
) -> None:
    """Append every non-hidden file under the folder open on `folder_fd`, with its size and mtime
    (None unless a regular file): the folder's own files first, then each subfolder's, all in
    name order (stable across runs and machines).

    Each file is stat'ed by name relative to the folder's descriptor: no path to resolve for
    each of 100k files, which took a third less time than `DirEntry.stat`. Symlinked folders
    are not walked (they could loop or leave the folder) but are still listed, so the scan
    records them as rejects instead of skipping silently.
    """
    files: list[str] = []
    folders: list[str] = []
    with os.scandir(folder_fd) as entries:
        for entry in entries:
            if not entry.name.startswith("."):
                (folders if entry.is_dir(follow_symlinks=False) else files).append(entry.name)
    files.sort()
    folders.sort()
    for name in files:
        try:
            stat = os.stat(name, dir_fd=folder_fd)  # follows a symlink, as reading the file would
        except OSError:  # vanished or a dangling link: read (and rejected) like any other
            stat = None
        regular = stat is not None and S_ISREG(stat.st_mode)
        names.append(prefix + name)
        sizes.append(stat.st_size if regular else None)
        mtimes.append(stat.st_mtime_ns if regular else None)
    for name in folders:
        sub_fd = os.open(name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=folder_fd)
        try:
            _list_folder(sub_fd, f"{prefix}{name}/", names, sizes, mtimes)
        finally:
            os.close(sub_fd)


def _outside_root(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
    except ValueError:
        return True
    return False


def scan_file(path: Path, root: Path, max_bytes: int = DEFAULT_MAX_POST_BYTES) -> ScannedFile:
    """Read and identify one file; every failure becomes a reject with a reason, never an error."""
    rel = path.relative_to(root).as_posix()
    path_hash = hashlib.sha256(rel.encode()).hexdigest()
    if path.is_symlink() and _outside_root(path, root):
        return ScannedFile(rel, path_hash, 0, reject_reason="symlink leads outside the posts folder")
    if not path.is_file():
        kind = "a symlinked folder (not followed)" if path.is_dir() else "not a regular file"
        return ScannedFile(rel, path_hash, 0, reject_reason=kind)
    try:
        stat = path.stat()
        size = stat.st_size
        if size > max_bytes:
            reason = f"file is {size} bytes, over the {max_bytes}-byte limit for a post"
            return ScannedFile(rel, path_hash, size, reject_reason=reason)
        data = path.read_bytes()
    except OSError as err:  # unreadable or vanished mid-scan: a reject, not a failed run
        return ScannedFile(rel, path_hash, 0, reject_reason=f"could not read the file: {err.strerror or err}")
    sha = hashlib.sha256(data).hexdigest()
    try:
        text = decode_post(data)
        meta, _ = split_front_matter(text)
        identity = post_identity(meta, rel)
    except PostRejected as err:
        return ScannedFile(rel, sha, len(data), reject_reason=str(err), mtime_ns=stat.st_mtime_ns)
    return ScannedFile(
        rel,
        sha,
        len(data),
        identity=identity,
        text=text,
        mtime_ns=stat.st_mtime_ns,
        front_matter=json.dumps(meta, ensure_ascii=False),
    )


PARALLEL_MIN_FILES = 2000
"""Below this many files to read, the scan reads them in its own process."""

LISTING_SCHEMA = {"source_file": pl.Utf8, "size_bytes": pl.Int64, "mtime_ns": pl.Int64}


@dataclass(frozen=True)
class FolderListing:
    """A posts folder as the warehouse's scan sees it: every file with its size and mtime, from
    one stat each and no reads, and a reader for the files the warehouse decides to read.

    The warehouse compares the listing with what it recorded in SQL (`record_scan`), so a daily
    scan of a long history builds nothing in Python for the files that did not change.
    """

    root: Path
    files: pl.DataFrame
    """source_file (relative, forward slashes), size_bytes and mtime_ns; the last two are null
    for anything that is not a regular file (or could not be stat'ed): such entries are always read."""
    max_bytes: int = DEFAULT_MAX_POST_BYTES
    workers: int | None = None
    parallel_from: int = PARALLEL_MIN_FILES

    def read(self, rels: Sequence[str]) -> Iterator[ScannedFile]:
        """Read, hash and identify these files (on every core when there are many), in order."""
        reader = functools.partial(_scan_chunk, str(self.root), self.max_bytes)
        for chunk in map_chunks(reader, list(rels), 250, self.parallel_from, self.workers):
            yield from chunk


def list_posts_folder(
    root: Path,
    max_bytes: int = DEFAULT_MAX_POST_BYTES,
    workers: int | None = None,
    parallel_from: int = PARALLEL_MIN_FILES,
) -> FolderListing:
    """List every file under root with its size and modification time, reading none of them.

    Raises FileNotFoundError if root is not a folder, and the OSError of any
    subfolder that cannot be listed: skipping it would make its posts look
    deleted. The stat follows a symlink, as reading the file would: a link is
    unchanged while its target is.
    Editors and `cp` change the mtime, so an edited file always shows; a file
    changed without any trace in its size and mtime would need `touch` to be seen.
    """
    _require_folder(root)
    names: list[str] = []
    sizes: list[int | None] = []
    mtimes: list[int | None] = []
    root_fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    try:
        _list_folder(root_fd, "", names, sizes, mtimes)
    finally:
        os.close(root_fd)
    files = pl.DataFrame(
        {"source_file": names, "size_bytes": sizes, "mtime_ns": mtimes}, schema=LISTING_SCHEMA
    )
    return FolderListing(root, files, max_bytes, workers, parallel_from)


def scan_posts_folder(
    root: Path,
    max_bytes: int = DEFAULT_MAX_POST_BYTES,
    workers: int | None = None,
    parallel_from: int = PARALLEL_MIN_FILES,
) -> list[ScannedFile]:
    """Read and identify every file under root, in folder order (no warehouse, no skipping)."""
    listing = list_posts_folder(root, max_bytes, workers, parallel_from)
    return list(listing.read(listing.files["source_file"].to_list()))


def _require_folder(root: Path) -> None:
    if not root.is_dir():
        raise FileNotFoundError(f"posts folder {root} does not exist or is not a folder")


def _scan_chunk(root: str, max_bytes: int, rels: tuple[str, ...]) -> list[ScannedFile]:
    base = Path(root)
    hint_reads(root, rels, max_bytes)
    return [scan_file(base / rel, base, max_bytes) for rel in rels]


_HINT_FLAGS = os.O_RDONLY | sum(getattr(os, flag, 0) for flag in ("O_NONBLOCK", "O_NOFOLLOW", "O_NOCTTY"))
"""Flags that exist only on POSIX are read with getattr: this module is imported on Windows too."""


def hint_reads(root: str, rels: Sequence[str], max_bytes: int = DEFAULT_MAX_POST_BYTES) -> int:
    """Ask the kernel to start reading these files now; returns how many it was asked to read.

    A first build of a folder that is not in the page cache (after a reboot, or
    once the kernel has reclaimed it) waited on the disk one file at a time:
    the workers read, hashed and parsed each file before asking for the next.
    `POSIX_FADV_WILLNEED` on a chunk's files before reading them queues the
    disk reads at once, and they complete while the earlier files are hashed
    and their YAML read. The 100k bench posts, read on two workers out of a
    dropped page cache: 27.1-28.7 s without the hints, 16.1-18.4 s with them,
    15.7 s from the cache (`benchmarks/cold_scan.py`). A hint reads nothing
    into this process and changes no result: a file that cannot be opened
    here is simply read without one.
    Symbolic links are not followed (one may lead outside the folder), a FIFO
    is opened without waiting for a writer, and a file over `max_bytes` (which
    the scan rejects unread) is not asked for. No-op where the call does not
    exist (macOS, Windows).
    """
    if not hasattr(os, "posix_fadvise"):
        return 0
    hinted = 0
    for rel in rels:
        try:
            fd = os.open(os.path.join(root, rel), _HINT_FLAGS)
        except OSError:
            continue
        try:
            stat = os.fstat(fd)
            if S_ISREG(stat.st_mode) and stat.st_size <= max_bytes:
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_WILLNEED)
                hinted += 1
        except OSError:
            pass
        finally:
            os.close(fd)
    return hinted
