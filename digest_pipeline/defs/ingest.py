"""Ingest: scan the posts folder into post_files, post_versions and ingest_rejects.

The scan is the only step that reads the folder. It also registers every
post date it finds as a partition, so the per-date assets can be built.
"""

import datetime as dt
from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource

from digest_pipeline.defs.metadata import table_metadata
from digest_pipeline.defs.partitions import POST_DATES_PARTITION
from digest_pipeline.defs.resources import DUCKDB_WRITER_POOL, PostsFolder
from digest_pipeline.ingest import list_posts_folder
from digest_pipeline.warehouse.schema import SCAN_TABLES, apply_schema
from digest_pipeline.warehouse.versions import record_scan

_KINDS = {"duckdb", "polars"}


@dg.multi_asset(
    pool=DUCKDB_WRITER_POOL,
    specs=[
        dg.AssetSpec(
            "post_files",
            description="Every file in the posts folder at the last scan, with its fate: "
            "current post, superseded version or reject.",
            group_name="ingest",
            kinds=_KINDS,
        ),
        dg.AssetSpec(
            "post_versions",
            description="Every distinct content ever ingested per post (model + date); "
            "re-published posts keep their old text here.",
            group_name="ingest",
            kinds=_KINDS,
        ),
        dg.AssetSpec(
            "ingest_rejects",
            description="Inputs that could not become a post, each with a plain reason.",
            group_name="ingest",
            kinds=_KINDS,
        ),
    ],
)
def scan_posts(context: dg.AssetExecutionContext, duckdb: DuckDBResource, posts_folder: PostsFolder):
    """Read every file under the posts folder, identify it, and record the scan."""
    Path(duckdb.database).parent.mkdir(parents=True, exist_ok=True)
    with duckdb.get_connection() as con:
        apply_schema(con)
        listing = list_posts_folder(posts_folder.root, posts_folder.max_post_bytes)
        summary = record_scan(con, listing, dt.datetime.now(dt.UTC).replace(tzinfo=None))
        context.log.info(
            f"scanned {summary['files']} files under {posts_folder.root}: read {summary['read']}, "
            f"{summary['files'] - summary['read']} unchanged since the last scan (same size and mtime)"
        )
        dates = [
            r[0].isoformat()
            for r in con.execute("SELECT DISTINCT post_date FROM post_versions ORDER BY post_date").fetchall()
        ]
        metadata = {table: table_metadata(con, table) for table in SCAN_TABLES}
    # One query for the registered dates, not one per date: a long history has thousands.
    registered = set(context.instance.get_dynamic_partitions(POST_DATES_PARTITION))
    new_dates = [d for d in dates if d not in registered]
    if new_dates:
        context.instance.add_dynamic_partitions(POST_DATES_PARTITION, new_dates)
    context.log.info(f"scan summary {summary}; {len(new_dates)} new post dates registered")
    metadata["post_files"].update({f"files_{k}": dg.MetadataValue.int(v) for k, v in summary.items()})
    for table in SCAN_TABLES:
        yield dg.MaterializeResult(asset_key=table, metadata=metadata[table])


@dg.asset_check(
    pool=DUCKDB_WRITER_POOL,
    asset="post_files",
    blocking=True,
    description="The books balance: every file seen is the current post, a superseded "
    "version or a reject, and each is recorded where its status says.",
)
def post_files_balance(duckdb: DuckDBResource) -> dg.AssetCheckResult:
    with duckdb.get_connection() as con:
        unbalanced = con.execute(
            """
            SELECT f.source_file, f.status FROM post_files f
            WHERE NOT CASE f.status
                WHEN 'current' THEN EXISTS (SELECT 1 FROM post_versions v WHERE v.post_id = f.post_id
                    AND v.content_sha256 = f.content_sha256 AND v.is_current)
                WHEN 'superseded' THEN EXISTS (SELECT 1 FROM post_versions v
                    WHERE v.post_id = f.post_id AND v.content_sha256 = f.content_sha256)
                WHEN 'rejected' THEN EXISTS (SELECT 1 FROM ingest_rejects r
                    WHERE r.source_file = f.source_file AND r.content_sha256 = f.content_sha256)
                ELSE false END
            ORDER BY 1
            """
        ).fetchall()
        files, current, posts_seen = con.execute(
            "SELECT count(*), count(*) FILTER (status = 'current'), "
            "count(DISTINCT post_id) FILTER (status <> 'rejected') FROM post_files"
        ).fetchall()[0]
    passed = not unbalanced and current == posts_seen
    return dg.AssetCheckResult(
        passed=passed,
        metadata={
            "files": files,
            "current_posts": current,
            "posts_claimed": posts_seen,
            "unbalanced_files": dg.MetadataValue.json([list(r) for r in unbalanced[:20]]),
        },
    )
