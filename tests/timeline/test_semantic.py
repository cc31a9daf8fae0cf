"""The headline embeddings behind the timeline's semantic term: the bundled model, read for real."""

import numpy as np
import pytest

from digest_pipeline.timeline.semantic import (
    DIMENSIONS,
    HeadlineEmbedder,
    cosine,
    cosines,
    headline_text,
)


@pytest.fixture(scope="module")
def embedder():
    return HeadlineEmbedder()


def test_a_reworded_report_is_closer_in_meaning_than_another_development(embedder):
    # No word in common between the first two but the product; the third shares the company.
    launch, follow_up, other = embedder(
        [
            "OpenAI 發布 GPT-6，推理與程式能力大幅提升",
            "GPT-6 正式上線一週：開發者湧入，調用量創新高",
            "OpenAI 與微軟重談算力合約，挪威資料中心擴建",
        ]
    )
    assert cosine(launch, follow_up) > cosine(launch, other)


def test_an_english_and_a_chinese_headline_of_one_development_are_close(embedder):
    english, chinese, unrelated = embedder(
        [
            "Google releases Gemini 4 with a million-token context window",
            "Google 發布 Gemini 4，支援百萬 token 上下文",
            "Tesla 下調 Model Y 售價，電動車價格戰升溫",
        ]
    )
    assert cosine(english, chinese) > cosine(english, unrelated) + 0.02


def test_embeddings_are_unit_rows_the_same_alone_or_in_a_batch(embedder):
    texts = ["Qwen-Image-Layered 開源：圖像分層編輯", "阿里雲推出多模態交互開發套件", "DeepSeek V4 降價五成"]
    batch = embedder(texts)
    assert batch.shape == (3, DIMENSIONS) and batch.dtype == np.float32
    assert np.allclose(np.linalg.norm(batch, axis=1), 1.0, atol=1e-3)
    fresh = HeadlineEmbedder()
    alone = np.stack([fresh([text])[0] for text in texts])
    assert np.array_equal(batch, alone)  # deterministic to the bit: a replay scores as the first run


def test_the_embedder_runs_each_text_through_the_model_once(embedder):
    before = embedder.computed
    first = embedder(["Mistral Large 4 登場", "Mistral Large 4 登場", "Kimi K3 開源"])
    assert embedder.computed == before + 2  # the repeated text once
    again = embedder(["Kimi K3 開源", "Mistral Large 4 登場"])
    assert embedder.computed == before + 2
    assert np.array_equal(again[0], first[2]) and np.array_equal(again[1], first[0])


def test_the_embedder_forgets_the_oldest_beyond_its_capacity():
    small = HeadlineEmbedder(capacity=2)
    small(["一", "二", "三"])
    small(["一"])
    assert small.computed == 4  # 一 was forgotten and embedded again


def test_cosines_are_rounded_so_a_threshold_never_hangs_on_summation_order():
    rng = np.random.default_rng(3)
    rows = rng.normal(size=(5, DIMENSIONS)).astype(np.float32)
    rows /= np.linalg.norm(rows, axis=1, keepdims=True)
    whole = cosines(rows, rows)
    assert np.array_equal(whole, np.round(whole, 6))
    assert whole[1, 3] == cosine(rows[1], rows[3]) == whole[3, 1]
    assert np.allclose(np.diag(whole), 1.0)


def test_the_embedded_text_is_the_headline_with_spaces_collapsed():
    assert headline_text("  Qwen   Code\tv0.5.0 \n 升級 ") == "Qwen Code v0.5.0 升級"
