"""Shared fixtures: a posts folder seeded from seeds/, and a throwaway warehouse path."""

import shutil
from pathlib import Path

import pytest

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@pytest.fixture
def seeded_posts(tmp_path: Path) -> Path:
    """A copy of seeds/ in a nested layout with other file names: identity must not rely on either."""
    folder = tmp_path / "posts"
    for n, seed in enumerate(sorted(SEEDS.iterdir())):
        target = folder / f"batch{n % 2}" / f"post-{n}.md"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(seed, target)
    return folder


@pytest.fixture
def warehouse_file(tmp_path: Path) -> Path:
    return tmp_path / "wh" / "digest.duckdb"
