"""Configuration read from the environment, with the contract's defaults.

Read when called, never at import, so tests and the CLI can point a run at
another folder or warehouse file by setting the variables first.
"""

from __future__ import annotations

import os
from pathlib import Path

from digest_pipeline.ingest.files import DEFAULT_MAX_POST_BYTES

POSTS_DIR_VAR = "DIGEST_POSTS_DIR"
WAREHOUSE_VAR = "DIGEST_WAREHOUSE"
WORK_WAREHOUSE_VAR = "DIGEST_WORK_WAREHOUSE"
WORK_FOLDER = ".build"
MAX_POST_BYTES_VAR = "DIGEST_MAX_POST_BYTES"
DEFAULT_POSTS_DIR = "seeds"
DEFAULT_WAREHOUSE = "warehouse/digest.duckdb"


def posts_dir() -> str:
    """The folder scanned (recursively) for posts."""
    return os.environ.get(POSTS_DIR_VAR) or DEFAULT_POSTS_DIR


def warehouse_path() -> str:
    """The DuckDB file analysts open."""
    return os.environ.get(WAREHOUSE_VAR) or DEFAULT_WAREHOUSE


def work_warehouse_path(published: str | None = None) -> str:
    """The DuckDB file runs write: DIGEST_WORK_WAREHOUSE, else `.build/<name>` beside the published file.

    Runs never write the analysts' file: DuckDB allows one writer or many readers
    of a file, so a writer on the published file would fail while an analyst reads
    it, and a reader could see a half-written run. The same folder's `.build/`
    keeps the working file on the published file's disk, so publishing is a
    copy plus an atomic rename, never a cross-device move.
    """
    explicit = os.environ.get(WORK_WAREHOUSE_VAR)
    if explicit:
        return explicit
    target = Path(published or warehouse_path())
    return str(target.parent / WORK_FOLDER / target.name)


def max_post_bytes() -> int:
    """Files larger than this are rejected rather than parsed."""
    return int(os.environ.get(MAX_POST_BYTES_VAR) or DEFAULT_MAX_POST_BYTES)


STORY_WINDOW_VAR = "DIGEST_STORY_WINDOW_DAYS"
DEFAULT_STORY_WINDOW_DAYS = 30


def story_window_days() -> int:
    """How many days back a new item may join a story; older stories are closed to it."""
    return int(os.environ.get(STORY_WINDOW_VAR) or DEFAULT_STORY_WINDOW_DAYS)


SEMANTIC_MATCHING_VAR = "DIGEST_SEMANTIC_MATCHING"


def semantic_matching() -> bool:
    """Whether the timeline weighs headlines' meaning (`timeline.semantic`) as well as their words.

    On unless set to off, 0 or false: placing a long history the first time embeds every headline
    (about 15 ms each on two cores), which a benchmark of 100k posts, or an operator in a hurry,
    may skip; the timeline then places items by their words alone, under another placement version.
    """
    return (os.environ.get(SEMANTIC_MATCHING_VAR) or "on").strip().lower() not in {"off", "0", "false", "no"}


SCHEDULE_CRON_VAR = "DIGEST_SCHEDULE_CRON"
SCHEDULE_TIMEZONE_VAR = "DIGEST_SCHEDULE_TIMEZONE"
DEFAULT_SCHEDULE_CRON = "0 6 * * *"
DEFAULT_SCHEDULE_TIMEZONE = "Asia/Taipei"


def schedule_cron() -> str:
    """When the daily refresh runs (cron): after the day's digests are usually published."""
    return os.environ.get(SCHEDULE_CRON_VAR) or DEFAULT_SCHEDULE_CRON


def schedule_timezone() -> str:
    """The time zone the cron is read in: the digests' own, so 06:00 means their morning."""
    return os.environ.get(SCHEDULE_TIMEZONE_VAR) or DEFAULT_SCHEDULE_TIMEZONE
