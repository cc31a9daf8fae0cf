"""digest-pipeline: daily AI news digest posts → a DuckDB news warehouse, orchestrated by Dagster."""
