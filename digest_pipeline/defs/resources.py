"""Resources: the DuckDB warehouse and the posts folder, configured from the environment."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb
from dagster_duckdb import DuckDBResource

from digest_pipeline import settings
from digest_pipeline.ingest.files import DEFAULT_MAX_POST_BYTES

DUCKDB_WRITER_POOL = "duckdb_writer"
"""The concurrency pool of every asset that writes DuckDB: DuckDB allows one writing process per file."""


class PostsFolder(dg.ConfigurableResource):
    """The folder of digest posts to ingest (scanned recursively; any file names)."""

    path: str
    max_post_bytes: int = DEFAULT_MAX_POST_BYTES

    @property
    def root(self) -> Path:
        return Path(self.path)


class WarehouseResource(DuckDBResource):
    """The working DuckDB file runs write (`database`), and the analysts' file it is published to.

    A missing working file is seeded from the published one before the first
    connection, so a lost or deleted `.build/` folder never publishes a
    warehouse holding only the dates of the latest run.
    """

    published: str = ""

    def seed_from_published(self) -> None:
        work, published = Path(self.database), Path(self.published)
        if work.exists() or not self.published or not published.is_file():
            return
        work.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(published, work)

    @contextmanager
    def get_connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        self.seed_from_published()
        Path(self.database).parent.mkdir(parents=True, exist_ok=True)
        with super().get_connection() as con:
            yield con


def warehouse_resource(database: str, published: str = "") -> WarehouseResource:
    """DuckDB with explicit limits, so a build behaves the same on every machine."""
    return WarehouseResource(
        database=database,
        published=published,
        connection_config={"threads": 2, "memory_limit": "2GB", "preserve_insertion_order": False},
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
