"""Scanning a posts folder into identified files and rejects, without Dagster.

Any folder layout and any file names are accepted: identity comes from the
front matter. Only files inside the folder are read; a symlink that leads
outside it is rejected rather than followed.
"""

from __future__ import annotations

import functools
import hashlib
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from stat import S_ISREG

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


def iter_candidate_files(root: Path) -> Iterator[Path]:
    """Every non-hidden file under root, recursively, in a stable (sorted) order."""
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        visible = sorted(d for d in dirnames if not d.startswith("."))
        # Symlinked folders are not walked (they could loop or leave the folder) but are
        # still yielded, so the scan records them as rejects instead of skipping silently.
        dirnames[:] = [d for d in visible if not (Path(dirpath) / d).is_symlink()]
        linked = [d for d in visible if d not in dirnames]
        for name in sorted([*filenames, *linked]):
            if not name.startswith("."):
                yield Path(dirpath) / name


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
    return ScannedFile(rel, sha, len(data), identity=identity, text=text, mtime_ns=stat.st_mtime_ns)


PARALLEL_MIN_FILES = 2000
"""Below this many files to read, the scan reads them in its own process."""


def scan_posts_folder(
    root: Path,
    max_bytes: int = DEFAULT_MAX_POST_BYTES,
    known: Mapping[str, ScannedFile] | None = None,
    workers: int | None = None,
    parallel_from: int = PARALLEL_MIN_FILES,
) -> list[ScannedFile]:
    """Scan every file under root, in folder order, all at once (see `iter_scan_posts_folder`)."""
    _require_folder(root)
    order, found, to_read = _plan(root, known or {})
    for scanned in _read(root, max_bytes, to_read, workers, parallel_from):
        found[scanned.source_file] = scanned
    return [found[rel] for rel in order]


def iter_scan_posts_folder(
    root: Path,
    max_bytes: int = DEFAULT_MAX_POST_BYTES,
    known: Mapping[str, ScannedFile] | None = None,
    workers: int | None = None,
    parallel_from: int = PARALLEL_MIN_FILES,
) -> Iterator[ScannedFile]:
    """Scan every file under root, yielding each as soon as it is known: the unchanged ones first.

    Raises FileNotFoundError at once if root is not a folder.

    `known` is the last scan's result without texts (by relative path). A
    file whose size and modification time are what it recorded is taken as
    unchanged and not read again (its entry is yielded with `text` None),
    so a daily scan of a long history reads only the new files. Editors and
    `cp` change the mtime, so an edited file is always read; a file changed
    without any trace in its size and mtime would need `touch` to be seen.
    Files to read are read on every core when there are many of them.

    A generator, so a caller that stores each batch as it comes (the
    warehouse's `record_scan`) never holds a big folder's texts at once.
    """
    _require_folder(root)

    def scan() -> Iterator[ScannedFile]:
        _, unchanged, to_read = _plan(root, known or {})
        yield from unchanged.values()
        yield from _read(root, max_bytes, to_read, workers, parallel_from)

    return scan()


def _require_folder(root: Path) -> None:
    if not root.is_dir():
        raise FileNotFoundError(f"posts folder {root} does not exist or is not a folder")


def _plan(
    root: Path, known: Mapping[str, ScannedFile]
) -> tuple[list[str], dict[str, ScannedFile], list[str]]:
    """Every file in folder order, the ones unchanged since `known`, and the ones to read."""
    order: list[str] = []
    unchanged: dict[str, ScannedFile] = {}
    to_read: list[str] = []
    for path in iter_candidate_files(root):
        rel = path.relative_to(root).as_posix()
        order.append(rel)
        previous = known.get(rel)
        if previous is not None and previous.mtime_ns is not None and _unchanged(path, previous):
            unchanged[rel] = previous
        else:
            to_read.append(rel)
    return order, unchanged, to_read


def _read(
    root: Path, max_bytes: int, rels: list[str], workers: int | None, parallel_from: int
) -> Iterator[ScannedFile]:
    reader = functools.partial(_scan_chunk, str(root), max_bytes)
    for chunk in map_chunks(reader, rels, 250, parallel_from, workers):
        yield from chunk


def _unchanged(path: Path, previous: ScannedFile) -> bool:
    try:
        stat = os.stat(path)  # one system call per file: a daily scan makes one per file of the history
    except OSError:
        return False
    same = stat.st_size == previous.size_bytes and stat.st_mtime_ns == previous.mtime_ns
    return S_ISREG(stat.st_mode) and same


def _scan_chunk(root: str, max_bytes: int, rels: tuple[str, ...]) -> list[ScannedFile]:
    base = Path(root)
    return [scan_file(base / rel, base, max_bytes) for rel in rels]
