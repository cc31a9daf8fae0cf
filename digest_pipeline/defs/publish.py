"""Publish: the analysts' file, replaced whole by the working file's content after every run.

Runs write the working file (`.build/` beside the published one). This asset
runs last, downstream of every table, and swaps the published file atomically
(`digest_pipeline.warehouse.publish`, which patches the previously published
file rather than copying when no session has it open): open read-only sessions keep their old
file, new ones see the new run whole, and a run that fails or is killed before
it leaves the published file at its last good state.
"""

import dagster as dg

from digest_pipeline.defs.conditions import after_upstream_runs
from digest_pipeline.defs.resources import DUCKDB_WRITER_POOL, WarehouseResource
from digest_pipeline.warehouse.publish import publish_warehouse
from digest_pipeline.warehouse.schema import WAREHOUSE_TABLES


@dg.asset(
    deps=list(WAREHOUSE_TABLES),
    group_name="publish",
    kinds={"duckdb"},
    automation_condition=after_upstream_runs(),
    pool=DUCKDB_WRITER_POOL,
)
def published_warehouse(context: dg.AssetExecutionContext, duckdb: WarehouseResource) -> dg.MaterializeResult:
    """The DuckDB file analysts open read-only: the working file as of the end of the last run."""
    duckdb.seed_from_published()
    published = publish_warehouse(duckdb.database, duckdb.published, fold_wal=duckdb.checkpoint)
    context.log.info(
        f"published {duckdb.database} to {published.path} ({published.bytes_total:,} bytes): "
        f"{published.how}, {published.bytes_written:,} bytes written"
    )
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(published.path)),
            "working_file": dg.MetadataValue.path(duckdb.database),
            "bytes": dg.MetadataValue.int(published.bytes_total),
            "published_by": dg.MetadataValue.text(published.how),
            "bytes_written": dg.MetadataValue.int(published.bytes_written),
        }
    )
