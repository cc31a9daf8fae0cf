import duckdb
import pytest

from digest_pipeline.warehouse.schema import apply_schema


@pytest.fixture
def con():
    """An in-memory warehouse with every table created."""
    connection = duckdb.connect()
    apply_schema(connection)
    yield connection
    connection.close()
