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


class _StandInModel:
    """Deterministic unit vectors seeded by each text's digest: same text, same vector. Any two
    texts' cosine is about the semantic term's centre (0.92 give or take 0.01), as two headlines
    of one field are, so the term stays in the arithmetic and words decide."""

    def passage(self, texts):
        import hashlib

        import numpy as np

        from digest_pipeline.timeline.semantic import DIMENSIONS

        out = np.empty((len(texts), DIMENSIONS), dtype=np.float32)
        for i, text in enumerate(texts):
            seed = int.from_bytes(hashlib.md5(text.encode("utf-8")).digest()[:8], "little")
            noise = np.random.default_rng(seed).normal(size=DIMENSIONS)
            noise[0] = 0.0
            out[i] = 0.08**0.5 * noise / np.linalg.norm(noise)
            out[i, 0] = 0.92**0.5
        return out


@pytest.fixture
def stand_in_embeddings(monkeypatch):
    """The process-wide embedder with a stand-in for the sentence model, for tests of mechanics
    (bounds, replays, refreshes) over thousands of synthetic headlines the real model would take
    a minute to read; `tests/timeline/test_semantic.py` and the rest run the bundled model."""
    from digest_pipeline.timeline import semantic

    embedder = semantic.HeadlineEmbedder()
    embedder._model = _StandInModel()
    monkeypatch.setattr(semantic, "_default", embedder)
    return embedder
