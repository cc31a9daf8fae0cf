"""The Dagster layer: thin assets, checks and resources over the pure modules."""
