"""Headline embeddings kept in the warehouse: each headline run through the model once."""

import duckdb
import numpy as np
import pytest

from digest_pipeline.timeline.semantic import DIMENSIONS, MODEL_ID, HeadlineEmbedder, text_digest
from digest_pipeline.warehouse.embedding_store import EmbeddingStore
from digest_pipeline.warehouse.schema import apply_schema


class CountingEmbedder(HeadlineEmbedder):
    """A stand-in for the model that counts what it is asked (the store's logic is under test)."""

    def __init__(self):
        super().__init__()
        self.asked: list[str] = []

    def __call__(self, texts):
        self.asked.extend(texts)
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        for i, text in enumerate(texts):
            out[i, hash(text) % DIMENSIONS] = 1.0
        return out


@pytest.fixture
def con():
    connection = duckdb.connect()
    apply_schema(connection)
    return connection


def test_stored_embeddings_are_read_back_and_only_new_headlines_are_embedded(con):
    first = CountingEmbedder()
    store = EmbeddingStore(con, first)
    vectors = store(["Qwen Code 升級", "Kimi K3 開源", "Qwen Code 升級"])
    assert first.asked == ["Qwen Code 升級", "Kimi K3 開源"]  # a repeated headline once
    assert store.save() == 2

    later = CountingEmbedder()
    again = EmbeddingStore(con, later)
    read = again(["Kimi K3 開源", "DeepSeek V4 降價", "Qwen Code 升級"])
    assert later.asked == ["DeepSeek V4 降價"]
    assert again.read == 2
    assert np.array_equal(read[0], vectors[1]) and np.array_equal(read[2], vectors[0])
    assert again.save() == 1
    assert con.execute("SELECT count(*) FROM pipeline.headline_embeddings").fetchall() == [(3,)]


def test_an_unsaved_store_reads_what_it_computed_itself_and_nothing_is_lost_on_save(con):
    embedder = CountingEmbedder()
    store = EmbeddingStore(con, embedder)
    store(["一"])
    store(["一", "二"])
    assert embedder.asked == ["一", "二"]
    assert store.read == 0  # 一 came from this store's own memory, not from the warehouse
    assert store.save() == 2
    assert store.save() == 2  # nothing new: written once
    assert con.execute("SELECT count(*) FROM pipeline.headline_embeddings").fetchall() == [(2,)]


def test_a_store_that_flushes_writes_as_it_goes(con):
    embedder = CountingEmbedder()
    store = EmbeddingStore(con, embedder, flush_every=3)
    store(["一", "二"])
    assert con.execute("SELECT count(*) FROM pipeline.headline_embeddings").fetchall() == [(0,)]
    store(["三", "四"])  # four waiting: written
    assert con.execute("SELECT count(*) FROM pipeline.headline_embeddings").fetchall() == [(4,)]
    assert store.computed == {}
    again = store(["一", "五"])  # 一 is read back from the warehouse, not embedded again
    assert embedder.asked == ["一", "二", "三", "四", "五"]
    assert np.array_equal(again[0], EmbeddingStore(con, CountingEmbedder())(["一"])[0])
    assert store.save() == 5


def test_rows_of_another_model_are_dropped_and_not_read(con):
    con.execute(
        "INSERT INTO pipeline.headline_embeddings VALUES ($d, 'an older model', $v)",
        {"d": text_digest("一"), "v": np.ones(DIMENSIONS, dtype=np.float32).tobytes()},
    )
    embedder = CountingEmbedder()
    store = EmbeddingStore(con, embedder)
    store(["一"])
    assert embedder.asked == ["一"]
    store.save()
    assert con.execute("SELECT DISTINCT model FROM pipeline.headline_embeddings").fetchall() == [(MODEL_ID,)]
