"""`make stress`: analysts and writers, two builds at once and a SIGKILL, with real processes.

Each scenario starts real OS processes (builds, analyst sessions) against one
warehouse in a temporary folder and prints PASS/FAIL lines for what must hold:

- an analyst session held open (read-only) while a build runs: the build
  succeeds, the session keeps its old data, a new session sees the new build;
- two builds started at once: the second waits for the first (`build_lock`),
  both succeed and the published file is whole;
- a build killed with SIGKILL mid-build: the published file is byte-for-byte
  the last good build, and the next build completes and publishes.

The helpers are shared with tests/defs/test_crash.py. Exits 1 on any FAIL.
"""

from __future__ import annotations

import hashlib
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import duckdb

from digest_pipeline import settings

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
_DATE_LINE = re.compile(r"^date:.*$", re.MULTILINE)

BUILD_SCRIPT = (
    "import sys\n"
    "from digest_pipeline.cli import build\n"
    "build(sys.argv[1], sys.argv[2], log=lambda m: print(m, flush=True))\n"
)
READER_SCRIPT = (
    "import sys, duckdb\n"
    "con = duckdb.connect(sys.argv[1], read_only=True)\n"
    "query = 'SELECT count(*), max(post_date)::VARCHAR FROM posts'\n"
    "print('ready', *con.execute(query).fetchall()[0], flush=True)\n"
    "for _ in sys.stdin:\n"
    "    print(*con.execute(query).fetchall()[0], flush=True)\n"
)


def dated_posts(folder: Path, count: int, first: date = date(2024, 1, 1)) -> Path:
    """`count` posts in `folder`: the seeds copied round-robin, each rewritten to its own date."""
    seeds = sorted(SEEDS.iterdir())
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        day = first + timedelta(days=n)
        text = seeds[n % len(seeds)].read_text(encoding="utf-8")
        (folder / f"{day.isoformat()}.md").write_text(
            _DATE_LINE.sub(f"date: {day.isoformat()}", text, count=1), encoding="utf-8"
        )
    return folder


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def posts_summary(warehouse: Path) -> tuple[int, str]:
    """(posts, latest post date) from a fresh read-only session, as an analyst would open it."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        count, latest = con.execute("SELECT count(*), max(post_date)::VARCHAR FROM posts").fetchall()[0]
    return int(count), str(latest)


def start_build(posts: Path, warehouse: Path) -> subprocess.Popen:
    """`build(posts, warehouse)` in a new process, its progress lines on a pipe."""
    return subprocess.Popen(
        [sys.executable, "-c", BUILD_SCRIPT, str(posts), str(warehouse)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def run_build(posts: Path, warehouse: Path) -> subprocess.CompletedProcess:
    """`build(posts, warehouse)` in a new process, to its end."""
    return subprocess.run(
        [sys.executable, "-c", BUILD_SCRIPT, str(posts), str(warehouse)], capture_output=True, text=True
    )


def wait_for_line(process: subprocess.Popen, marker: str, timeout: float = 120) -> list[str]:
    """Read the process's output until a line contains `marker`; the lines read so far."""
    lines: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line.rstrip())
        if marker in line:
            return lines
    raise RuntimeError(f"no line with {marker!r}; output:\n" + "\n".join(lines))


class HeldReader:
    """An analyst's session in another process: read-only, open until closed, queried on request."""

    def __init__(self, warehouse: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", READER_SCRIPT, str(warehouse)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        ready = self.process.stdout.readline().split()
        if not ready or ready[0] != "ready":
            raise RuntimeError(f"reader did not start: {ready}")
        self.first = (int(ready[1]), ready[2])

    def query(self) -> tuple[int, str]:
        self.process.stdin.write("q\n")
        self.process.stdin.flush()
        count, latest = self.process.stdout.readline().split()
        return int(count), latest

    def close(self) -> None:
        self.process.kill()
        self.process.wait()


def kill_mid_build(posts: Path, warehouse: Path) -> tuple[int, list[str]]:
    """Start a build and SIGKILL it once its second run has committed a write to the working file
    (its WAL grew); (return code, output read).

    Not a fixed delay into the run: a small build's second run now publishes within a second,
    and the kill must land between its first write and the publish.
    """
    wal = Path(f"{settings.work_warehouse_path(str(warehouse))}.wal")
    process = start_build(posts, warehouse)
    lines = wait_for_line(process, "[2/2]")
    written = wal.stat().st_size if wal.exists() else 0
    deadline = time.monotonic() + 120
    while process.poll() is None and time.monotonic() < deadline:
        if wal.exists() and wal.stat().st_size > written:
            break
        time.sleep(0.002)
    process.send_signal(signal.SIGKILL)
    process.wait()
    return process.returncode, lines


Check = tuple[str, bool]


def analyst_session_during_build(root: Path, posts: Path, warehouse: Path) -> list[Check]:
    if not warehouse.exists():
        run_build(posts, warehouse)
    reader = HeldReader(warehouse)
    try:
        dated_posts(posts, 1, first=date(2030, 1, 1))  # a new, later post
        build = run_build(posts, warehouse)
        held = reader.query()
    finally:
        reader.close()
    fresh = posts_summary(warehouse)
    return [
        (f"a build succeeds with a read-only session open (exit {build.returncode})", not build.returncode),
        (f"the open session keeps the old data {held} == {reader.first}", held == reader.first),
        (f"a new session sees the new build {fresh}", fresh == (reader.first[0] + 1, "2030-01-01")),
    ]


def two_builds_at_once(root: Path, posts: Path, warehouse: Path) -> list[Check]:
    first, second = start_build(posts, warehouse), start_build(posts, warehouse)
    outputs = [p.communicate()[0] for p in (first, second)]
    waited = sum("waiting for another build" in out for out in outputs)
    count, _ = posts_summary(warehouse)
    expected = len(list(posts.iterdir()))
    return [
        (
            f"both builds succeed (exits {first.returncode}, {second.returncode})",
            first.returncode == second.returncode == 0,
        ),
        (f"one build waited for the other's lock ({waited})", waited == 1),
        (f"the published file is whole: {count} posts of {expected}", count == expected),
    ]


def sigkill_mid_build(root: Path, posts: Path, warehouse: Path) -> list[Check]:
    before_hash, before = file_sha256(warehouse), posts_summary(warehouse)
    dated_posts(posts, 1, first=date(2031, 1, 1))
    code, _ = kill_mid_build(posts, warehouse)
    after_hash, after = file_sha256(warehouse), posts_summary(warehouse)
    rebuild = run_build(posts, warehouse)
    rebuilt = posts_summary(warehouse)
    leftovers = [p.name for p in warehouse.parent.glob(f".{warehouse.name}.*.tmp")]
    return [
        (f"the build was killed by SIGKILL (exit {code})", code == -signal.SIGKILL),
        ("the published file is byte-identical to the last good build", after_hash == before_hash),
        (f"and opens read-only with the old data {after}", after == before),
        (f"the next build completes (exit {rebuild.returncode})", rebuild.returncode == 0),
        (f"and publishes the new post {rebuilt}", rebuilt == (before[0] + 1, "2031-01-01")),
        (f"no temporary files left beside the published file {leftovers}", not leftovers),
    ]


SCENARIOS: list[tuple[str, Callable[[Path, Path, Path], list[Check]]]] = [
    ("analyst session held open during a build", analyst_session_during_build),
    ("two builds started at once", two_builds_at_once),
    ("SIGKILL mid-build, then a rebuild", sigkill_mid_build),
]


def main(post_count: int = 40) -> int:
    failures = 0
    with tempfile.TemporaryDirectory(prefix="digest-stress-") as tmp:
        root = Path(tmp)
        posts, warehouse = dated_posts(root / "posts", post_count), root / "warehouse" / "digest.duckdb"
        print(
            f"stress: {post_count} posts in {posts}; published {warehouse}; "
            f"working {settings.work_warehouse_path(str(warehouse))}",
            flush=True,
        )
        for name, scenario in SCENARIOS:
            started = time.perf_counter()
            print(f"\n== {name}", flush=True)
            try:
                checks = scenario(root, posts, warehouse)
            except Exception as err:  # a scenario that cannot even run is a failure, reported as such
                checks = [(f"scenario raised {type(err).__name__}: {err}", False)]
            for text, held in checks:
                failures += not held
                print(f"  {'PASS' if held else 'FAIL'}  {text}", flush=True)
            print(f"  ({time.perf_counter() - started:.1f}s)", flush=True)
    print(f"\nstress: {'all held' if not failures else f'{failures} check(s) failed'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
