"""Item features as JSON: what the feature store keeps must read back as what was computed."""

import dataclasses
from pathlib import Path

import pytest

from digest_pipeline.timeline.evaluate import events_from_folder
from digest_pipeline.timeline.features import event_features, features_from_json, features_to_json, text_key
from digest_pipeline.trends.entities import item_entities

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("folder", ["seeds", "eval/digests-a/posts", "eval/digests-c/posts"])
def test_features_read_back_equal_with_their_terms_in_order(folder: str) -> None:
    for event in events_from_folder(ROOT / folder):
        computed = event_features(event)
        read = features_from_json(features_to_json(computed), event)
        assert read == computed
        assert list(read.terms) == list(computed.terms)  # the order the matrix encodes them in


def test_the_text_key_follows_every_word_the_features_are_read_from(make_event) -> None:
    event = make_event("gpt-1#1", 1, "OpenAI 發布 GPT-5.2", "推理能力提升。", outlets=["Reuters"])
    same = make_event("gpt-1#1", 2, "OpenAI 發布 GPT-5.2", "推理能力提升。", outlets=["Reuters"], model="x")
    assert text_key(event) == text_key(same)  # the date and model are not read
    for other in (
        make_event("gpt-1#1", 1, "OpenAI 發布 GPT-5.2-Codex", "推理能力提升。", outlets=["Reuters"]),
        make_event("gpt-1#1", 1, "OpenAI 發布 GPT-5.2", "推理能力大幅提升。", outlets=["Reuters"]),
        make_event("gpt-1#1", 1, "OpenAI 發布 GPT-5.2", "推理能力提升。", outlets=["CNBC"]),
        make_event("gpt-1#1", 1, "OpenAI 發布 GPT-5.2推理能力提升。", "", outlets=["Reuters"]),
        dataclasses.replace(event, cited=("9f86d081884c7d65",)),
        dataclasses.replace(event, outlets=(), cited=("Reuters",)),
    ):
        assert text_key(other) != text_key(event)


def test_the_sources_an_item_cites_are_among_its_links(make_event) -> None:
    event = make_event("gpt-1#1", 1, "OpenAI 發布 GPT-5.2", "詳見 https://openai.com/gpt-5-2 。")
    cited = dataclasses.replace(event, cited=("9f86d081884c7d65",))
    assert event_features(event).urls == {"https://openai.com/gpt-5-2"}
    assert event_features(cited).urls == {"https://openai.com/gpt-5-2", "9f86d081884c7d65"}


@pytest.mark.parametrize("folder", ["seeds", "tests/fixtures/posts", "eval/digests-b/posts"])
def test_the_entities_are_the_names_the_item_mentions(folder: str) -> None:
    """`event_entities` is written from the features: they must name what `item_entities` reads."""
    events = events_from_folder(ROOT / folder)
    assert any(event_features(event).entities for event in events)
    for e in events:
        assert list(event_features(e).entities) == item_entities(e.headline, e.body, e.outlets)


def test_the_entities_keep_the_names_of_a_headline_label_and_leave_out_the_outlets(make_event) -> None:
    # The features read a headline without its category label (「OpenAI：」), but its names count.
    event = make_event("gpt-1#1", 1, "OpenAI：Sora 2 上線", "Reuters 報導 Sora 2 下載。", outlets=["Reuters"])
    assert event_features(event).entities == ("openai", "sora-2")
