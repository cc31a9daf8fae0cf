"""Publish: the analysts' file, replaced whole by a copy of the working file after every run.

Runs write the working file (`.build/` beside the published one). This asset
runs last, downstream of every table, and swaps the published file atomically
(`digest_pipeline.warehouse.publish`): open read-only sessions keep their old
file, new ones see the new run whole, and a run that fails or is killed before
it leaves the published file at its last good state.
"""

from pathlib import Path

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
    published = publish_warehouse(duckdb.database, duckdb.published)
    size = Path(published).stat().st_size
    context.log.info(f"published {duckdb.database} to {published} ({size:,} bytes)")
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(published)),
            "working_file": dg.MetadataValue.path(duckdb.database),
            "bytes": dg.MetadataValue.int(size),
        }
    )
