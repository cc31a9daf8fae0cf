"""The analyst queries in the README and warehouse/examples.sql run against a real build."""

import re
from pathlib import Path

import duckdb
import pytest

from digest_pipeline.cli import build
from digest_pipeline.warehouse.schema import WAREHOUSE_TABLES

ROOT = Path(__file__).resolve().parents[2]


def statements(sql: str) -> list[str]:
    without_comments = "\n".join(line for line in sql.splitlines() if not line.lstrip().startswith("--"))
    return [s.strip() for s in without_comments.split(";") if s.strip()]


def documented_queries() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```sql\n(.*?)```", readme, re.S)
    return [q for block in blocks for q in statements(block)] + statements(
        (ROOT / "warehouse" / "examples.sql").read_text(encoding="utf-8")
    )


def test_there_are_documented_queries_for_every_table() -> None:
    text = " ".join(documented_queries())
    for table in WAREHOUSE_TABLES:
        assert re.search(rf"\b{table}\b", text), table


def test_documented_queries_run_read_only(seeded_posts: Path, warehouse_file: Path) -> None:
    build(str(seeded_posts), str(warehouse_file), log=lambda *_: None)
    with duckdb.connect(str(warehouse_file), read_only=True) as con:
        for query in documented_queries():
            try:
                con.execute(query).fetchall()
            except duckdb.Error as err:  # pragma: no cover - the message is the point
                pytest.fail(f"{err}\n{query}")
