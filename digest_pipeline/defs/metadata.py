"""What an asset reports to the Dagster UI about the table it wrote."""

from __future__ import annotations

from typing import TypeVar

import dagster as dg
import duckdb
import polars as pl

from digest_pipeline.warehouse.schema import row_count, table_columns

T = TypeVar("T")


DETAILED_MAX_PARTITIONS = 31
"""Runs over more post dates than this report only row counts for `posts`, the partitioned table
(see `table_metadata`)."""


def table_metadata(
    con: duckdb.DuckDBPyConnection, table: str, detailed: bool = True, **extra: object
) -> dict[str, object]:
    """Row count, commented column schema and a five-row markdown preview of a table.

    `detailed=False` leaves out the schema and preview: Dagster copies a
    range run's metadata into the event of every partition, and at tens of
    kilobytes an event, a backfill of years would carry gigabytes of copies.
    """
    if not detailed:
        return {"dagster/row_count": dg.MetadataValue.int(row_count(con, table)), **extra}
    schema = dg.TableSchema(
        columns=[
            dg.TableColumn(name, dtype, description=comment or None)
            for name, dtype, comment in table_columns(con, table)
        ]
    )
    return {
        "dagster/row_count": dg.MetadataValue.int(row_count(con, table)),
        "dagster/column_schema": schema,
        "preview": dg.MetadataValue.md(markdown_preview(con, table)),
        **extra,
    }


def markdown_preview(con: duckdb.DuckDBPyConnection, table: str, rows: int = 5) -> str:
    """The first rows as a markdown table, long text cut so the UI stays readable."""
    frame = con.sql(f'SELECT COLUMNS(*)::VARCHAR FROM "{table}" LIMIT {int(rows)}').pl()
    frame = frame.select(
        pl.col(c).str.replace_all(r"[\r\n]+", " ").str.replace_all("|", "\\|", literal=True).str.slice(0, 60)
        for c in frame.columns
    )
    with pl.Config(
        tbl_formatting="MARKDOWN",
        tbl_hide_column_data_types=True,
        tbl_hide_dataframe_shape=True,
        tbl_rows=rows,
        tbl_cols=-1,
        fmt_str_lengths=80,
    ):
        return str(frame)


def selected_tables(
    context: dg.AssetCheckExecutionContext, check: str, per_table: dict[str, T]
) -> dict[str, T]:
    """The tables whose `check` this run selected (the UI may run a subset of a multi-check)."""
    wanted = {k.asset_key.to_user_string() for k in context.selected_asset_check_keys if k.name == check}
    return {table: value for table, value in per_table.items() if table in wanted}
