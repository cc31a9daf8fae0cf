"""Resources: the DuckDB warehouse and the posts folder, configured from the environment."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource

from digest_pipeline import settings
from digest_pipeline.ingest.files import DEFAULT_MAX_POST_BYTES


class PostsFolder(dg.ConfigurableResource):
    """The folder of digest posts to ingest (scanned recursively; any file names)."""

    path: str
    max_post_bytes: int = DEFAULT_MAX_POST_BYTES

    @property
    def root(self) -> Path:
        return Path(self.path)


def warehouse_resource(database: str) -> DuckDBResource:
    """DuckDB with explicit limits, so a build behaves the same on every machine."""
    return DuckDBResource(
        database=database,
        connection_config={"threads": 2, "memory_limit": "2GB", "preserve_insertion_order": False},
    )


def build_resources(posts_dir: str | None = None, warehouse: str | None = None) -> dict[str, object]:
    """Resources for a run; arguments override DIGEST_POSTS_DIR / DIGEST_WAREHOUSE."""
    return {
        "duckdb": warehouse_resource(warehouse or settings.warehouse_path()),
        "posts_folder": PostsFolder(
            path=posts_dir or settings.posts_dir(), max_post_bytes=settings.max_post_bytes()
        ),
    }


@dg.definitions
def resources() -> dg.Definitions:
    return dg.Definitions(resources=build_resources())
