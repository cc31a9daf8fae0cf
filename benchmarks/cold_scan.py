"""Reading a posts folder that is not in the page cache: the scan with and without read hints.

A first build reads every file once. Out of the page cache (after a reboot, or
once the kernel has reclaimed the folder) the scan's workers used to wait on the
disk a file at a time; `ingest.files.hint_reads` asks the kernel for a chunk's
files before reading them. This times the scan's reads (hash, decode, front
matter: what the workers do, without the warehouse) of the same files, the page
cache dropped before each cold pass, the two ways taking turns, then once from
the cache. Dropping the page cache needs root (`/proc/sys/vm/drop_caches`).

    .venv/bin/python benchmarks/cold_scan.py [--posts DIR] [--files N] [--runs 2]

Without `--posts` it reads `warehouse/.bench/posts-100000` (left by `make bench`),
writing 20,000 synthetic posts to `warehouse/.bench/posts-20000` if that is missing.
"""

from __future__ import annotations

import argparse
import functools
import os
import subprocess
import sys
import time
from pathlib import Path

from digest_pipeline.ingest.files import list_posts_folder, scan_file
from digest_pipeline.parallel import map_chunks

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "warehouse" / ".bench"
DROP_CACHES = Path("/proc/sys/vm/drop_caches")


def read_without_hints(root: str, max_bytes: int, rels: tuple[str, ...]) -> list:
    """The scan's chunk as it was before the hints: each file read when its turn comes."""
    base = Path(root)
    return [scan_file(base / rel, base, max_bytes) for rel in rels]


def drop_page_cache() -> None:
    os.sync()
    DROP_CACHES.write_text("3")


def timed_read(listing, rels: list[str], hints: bool) -> float:
    started = time.perf_counter()
    if hints:
        count = sum(1 for _ in listing.read(rels))
    else:
        reader = functools.partial(read_without_hints, str(listing.root), listing.max_bytes)
        count = sum(len(chunk) for chunk in map_chunks(reader, rels, 250, listing.parallel_from, None))
    assert count == len(rels)
    return time.perf_counter() - started


def default_posts() -> Path:
    big = BENCH / "posts-100000"
    if big.is_dir():
        return big
    small = BENCH / "posts-20000"
    if not small.is_dir():
        command = [
            str(Path(sys.executable).parent / "digest-pipeline"),
            "synth",
            "--posts",
            "20000",
            "--out",
            str(small),
        ]
        subprocess.run(command, check=True)
    return small


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=Path, default=None)
    parser.add_argument("--files", type=int, default=None, help="read only the first N files")
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    try:
        drop_page_cache()
    except OSError as err:
        sys.exit(f"cannot drop the page cache ({err}): run this as root")
    posts = args.posts or default_posts()
    listing = list_posts_folder(posts)
    rels = listing.files["source_file"].to_list()[: args.files]
    print(f"{len(rels)} files under {posts}, read on every core")
    cold: dict[bool, list[float]] = {True: [], False: []}
    for _ in range(args.runs):
        for hints in (False, True):
            drop_page_cache()
            cold[hints].append(timed_read(listing, rels, hints))
            label = "with hints   " if hints else "without hints"
            print(f"  cold, {label}: {cold[hints][-1]:.2f}s", flush=True)
    warm = timed_read(listing, rels, True)
    print(f"  from the page cache: {warm:.2f}s")
    print(
        f"cold: {min(cold[False]):.2f}-{max(cold[False]):.2f}s without hints, "
        f"{min(cold[True]):.2f}-{max(cold[True]):.2f}s with them; {warm:.2f}s warm"
    )


if __name__ == "__main__":
    main()
