"""Which names an item mentions, for the entity trends."""

from digest_pipeline.trends.entities import item_entities


def test_names_in_order_once_each_in_canonical_spelling() -> None:
    names = item_entities("OpenAI 發布 GPT‑5.2", "GPT 5.2 與 GPT‑5.2‑Codex 同步上線；谷歌隨後回應。")
    assert names == ["openai", "gpt-5.2", "gpt-5.2-codex", "google"]


def test_generic_words_hosts_and_the_items_own_outlets_are_left_out() -> None:
    body = "AI 與 API 市場升溫，詳見 news.aibase.com 報導。（來源：Yahoo Tech、udn）"
    assert item_entities("Qwen App 上線", body, outlets=["Yahoo Tech", "udn"]) == ["qwen"]


def test_an_item_without_names_has_none() -> None:
    assert item_entities("開源模型熱度上升", "市場關注度持續增加。") == []
