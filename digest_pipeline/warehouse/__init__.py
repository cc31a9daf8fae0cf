"""DuckDB side of the pipeline: schema, bulk loads and bookkeeping, without Dagster."""
