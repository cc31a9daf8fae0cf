"""Resources: the DuckDB warehouse and the posts folder, configured from the environment."""

from __future__ import annotations

import hashlib
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb
from dagster_duckdb import DuckDBResource

from digest_pipeline import settings
from digest_pipeline.ingest.files import DEFAULT_MAX_POST_BYTES
from digest_pipeline.parallel import usable_cores

DUCKDB_WRITER_POOL = "duckdb_writer"
"""The concurrency pool of every asset that writes DuckDB: DuckDB allows one writing process per file."""


class PostsFolder(dg.ConfigurableResource):
    """The folder of digest posts to ingest (scanned recursively; any file names)."""

    path: str
    max_post_bytes: int = DEFAULT_MAX_POST_BYTES

    @property
    def root(self) -> Path:
        return Path(self.path)


ROW_GROUP_ROWS = 32_768
"""Rows per row group in the working file (DuckDB's default is 122,880).

A run that appends to a table makes the next checkpoint rewrite that table's
last row group whole, however few rows it added, and the publish then writes
every block that changed. With DuckDB's default, a daily run on 100k posts
rewrote up to 122,880 rows a table (43 blocks and 0.3 s of checkpoint for
`story_events` alone, whose last group happened to be nearly full), and how
much depended on where each table's row groups happened to end. A quarter of
that bounds the rewrite at any length of history; the file grows about 9% (less
even compression) and a 10k-post build took no longer.
"""

BLOCK_BYTES = 65_536
"""Block size of a new working file (DuckDB's default is 262,144); a file keeps the size it was made with.

A checkpoint writes every block that holds a changed row group or index node,
and the publish then writes and fsyncs each of those blocks again. A primary
key over random ids (`sources`, `events`: hashes) changes nodes all over its
index: on a 100k-post warehouse, a daily run's ~200 new source ids changed
about 130 of the `sources` key's 256 KiB blocks, and 340-380 blocks (85-95 MiB)
changed in all, mostly index nodes. Smaller blocks change about as many, so a
daily publish writes less: 0.77-0.87 s with 256 KiB blocks, 0.34-0.42 s with
16 KiB and about 0.13 s more with 64 KiB (same days, taking turns).

Bulk writes pay for small blocks, and 16 KiB was too small: a post's text (the
content of `post_versions`, a section's body) is a string of 5-15 KB, which at
16 KiB blocks nearly fills a block of its own. Writing the 100k posts' texts took
12-15 s at 16 KiB against 5.7-6.4 s at 64 or 256 KiB, and ingesting the 100k
posts (scan and post tables) 103 s against 76 s at 64 KiB (2026-12-02, with the
checkpoint threshold below in both). Any DuckDB from 1.2 on reads such a file
with a plain `connect`.
"""

CHECKPOINT_THRESHOLD = "8GB"
"""WAL size at which DuckDB checkpoints by itself (its default is 16 MB): in effect, never mid-step.

Each checkpoint writes every changed block, and the indexes of the big tables
change all over: with the default, the 25 batches of a 100k-post first build
each checkpointed, rewriting indexes that grow with every batch (the commits
of the post tables took 29.7 s in all; 7.7 s with this). Instead a step that
wrote a lot checkpoints once when it is done (`WAL_FOLD_BYTES`), a run
checkpoints when it publishes (`WarehouseResource.checkpoint`), and DuckDB
does when the last connection closes.
"""

WAL_FOLD_BYTES = 256 * 2**20
"""A step leaving more WAL than this checkpoints as it closes its connection.

Only bulk steps do (the scan of a first build leaves about 500 MB at 100k posts,
the post tables 850 MB); a daily run's steps leave a few MB and checkpoint once,
at the publish. Folding a bulk step's writes before the next step starts keeps
them out of the next step's memory: a 100k build that carried 1.4 GB of WAL into
the timeline peaked at 1,885 MiB, against 1,662 MiB with the fold (`make bench`,
2026-12-02), close to the 2 GiB such a build is held to.
"""

OPEN_RETRIES = 10
"""Attempts to open the working file while another process holds its lock (as DuckDBResource)."""


def _instance_name(database: str) -> str:
    """The in-process DuckDB instance a warehouse file is attached to: one per file, shared by
    every connection of this process (as DuckDB shares the instance of a file connected by path)."""
    return ":memory:warehouse_" + hashlib.sha1(str(Path(database).resolve()).encode()).hexdigest()[:16]


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _connect_attached(database: str, config: dict[str, object]) -> duckdb.DuckDBPyConnection:
    """A connection whose default catalog is `database`, attached with `ROW_GROUP_ROWS` row groups
    (and, when the file is new, `BLOCK_BYTES` blocks).

    The row group size is an ATTACH option only (not a connect one, and not stored in the
    file), so the file is attached to a named in-memory instance, under the name a plain
    `duckdb.connect(database)` gives it (the file's stem), and made the default catalog.
    The block size is stored in the file, and DuckDB refuses to attach a file with a size
    other than its own, so it is given only for a file about to be made.
    """
    alias = '"' + Path(database).stem.split(".")[0].replace('"', '""') + '"'
    con = duckdb.connect(_instance_name(database), config=config)
    options = f"ROW_GROUP_SIZE {ROW_GROUP_ROWS}"
    if not Path(database).exists():
        options += f", BLOCK_SIZE {BLOCK_BYTES}"
    try:
        con.execute(f"ATTACH IF NOT EXISTS {_sql_string(str(database))} AS {alias} ({options})")
        con.execute(f"USE {alias}")
    except BaseException:
        con.close()
        raise
    return con


class WarehouseResource(DuckDBResource):
    """The working DuckDB file runs write (`database`), and the analysts' file it is published to.

    A missing working file is seeded from the published one before the first
    connection, so a lost or deleted `.build/` folder never publishes a
    warehouse holding only the dates of the latest run.

    `held_open` keeps the database open around runs whose steps share a process
    (`digest-pipeline build`): DuckDB then hands each step's `get_connection` the
    open database instead of opening the file again and checkpointing it on close
    (about 40 ms a step on a 100k-post warehouse, 18 steps a daily run). Only the
    caller knows when no other process needs the file between steps, so the
    resource does not do it by itself (a sensor's evaluation sets it up too).
    """

    published: str = ""

    @contextmanager
    def held_open(self) -> Iterator[None]:
        """Keep the working database open (with this resource's configuration) until the block ends."""
        with self.get_connection():
            yield

    def checkpoint(self) -> None:
        """Fold the WAL into the working file, through this resource's configuration (a connection
        with another would be refused while the database is `held_open`)."""
        with self.get_connection() as con:
            con.execute("CHECKPOINT")

    def seed_from_published(self) -> None:
        work, published = Path(self.database), Path(self.published)
        if work.exists() or not self.published or not published.is_file():
            return
        work.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(published, work)

    @contextmanager
    def get_connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection to the working file, its tables written in `ROW_GROUP_ROWS` row groups.

        Retried with a growing pause while another process holds the file, as DuckDBResource does."""
        if self.database.startswith(":memory:"):
            with super().get_connection() as con:
                yield con
            return
        self.seed_from_published()
        Path(self.database).parent.mkdir(parents=True, exist_ok=True)
        config = {"custom_user_agent": "dagster", **self.connection_config}
        for attempt in range(OPEN_RETRIES + 1):
            try:
                con = _connect_attached(self.database, config)
                break
            except (RuntimeError, duckdb.IOException):
                if attempt == OPEN_RETRIES:
                    raise
                time.sleep(0.1 * 2**attempt)
        try:
            yield con
            _fold_a_large_wal(con, Path(f"{self.database}.wal"))
        finally:
            con.close()


def _fold_a_large_wal(con: duckdb.DuckDBPyConnection, wal: Path) -> None:
    """Checkpoint when the WAL has grown past `WAL_FOLD_BYTES` (a bulk step's writes), else leave it."""
    try:
        size = wal.stat().st_size
    except FileNotFoundError:
        return
    if size > WAL_FOLD_BYTES:
        con.execute("CHECKPOINT")


DUCKDB_MEMORY_LIMIT = "1GB"
"""DuckDB's share of a build's memory: the run's Python side (parsed posts, the timeline window)
needs the rest of the 2 GiB a 100k-post build is held to; larger sorts and joins spill to disk."""


def warehouse_resource(database: str, published: str = "") -> WarehouseResource:
    """DuckDB with explicit limits, so a build behaves the same on every machine.

    Threads: every core the process may use. Spills go to a folder beside the
    working file (`<file>.tmp/`), never to DuckDB's default in the current
    directory, so they land on the warehouse's disk and are easy to find.
    """
    return WarehouseResource(
        database=database,
        published=published,
        connection_config={
            "threads": usable_cores(),
            "memory_limit": DUCKDB_MEMORY_LIMIT,
            "temp_directory": f"{database}.tmp",
            "preserve_insertion_order": False,
            "checkpoint_threshold": CHECKPOINT_THRESHOLD,
        },
    )


def build_resources(
    posts_dir: str | None = None, warehouse: str | None = None, work_warehouse: str | None = None
) -> dict[str, object]:
    """Resources for a run; arguments override DIGEST_POSTS_DIR / DIGEST_WAREHOUSE / DIGEST_WORK_WAREHOUSE.

    `warehouse` is the published (analysts') file; runs connect to the working
    file, by default `.build/` beside it.
    """
    published = warehouse or settings.warehouse_path()
    return {
        "duckdb": warehouse_resource(work_warehouse or settings.work_warehouse_path(published), published),
        "posts_folder": PostsFolder(
            path=posts_dir or settings.posts_dir(), max_post_bytes=settings.max_post_bytes()
        ),
    }


@dg.definitions
def resources() -> dg.Definitions:
    return dg.Definitions(resources=build_resources())
