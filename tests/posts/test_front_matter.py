"""Front matter: safe YAML, identity (model + date) with its fallbacks, and field coercion."""

from __future__ import annotations

import datetime as dt

import pytest

from digest_pipeline.posts import PostRejected, tag_key
from digest_pipeline.posts.front_matter import (
    as_list,
    coerce_date,
    front_matter_body,
    model_key,
    post_identity,
    split_front_matter,
)


def test_split_front_matter_returns_mapping_and_body() -> None:
    meta, body = split_front_matter("---\nmodel: gpt\ndate: 2025-11-03\n---\n## 今日要聞\n- A\n")
    # JSON-ready: the YAML date comes back as its ISO string, ready to store whole
    assert meta == {"model": "gpt", "date": "2025-11-03"}
    assert body.strip() == "## 今日要聞\n- A"


def test_hugo_toml_front_matter_is_read_like_yaml() -> None:
    text = (
        '+++\ntitle = "Grok 日報"\ndate = 2026-02-14T07:00:00+08:00\nmodel = "grok"\ntags = ["xAI"]\n'
        "+++\n\n## 今日要聞\n- A\n"
    )
    meta, body = split_front_matter(text)
    assert meta == {
        "title": "Grok 日報",
        "date": "2026-02-14T07:00:00+08:00",
        "model": "grok",
        "tags": ["xAI"],
    }
    assert body == "## 今日要聞\n- A\n"
    assert front_matter_body(text) == body
    assert post_identity(meta, "x.md").post_id == "grok-2026-02-14"


def test_empty_front_matter_is_an_empty_mapping() -> None:
    meta, body = split_front_matter("---\n---\n本文")
    assert meta == {}
    assert body.strip() == "本文"


def test_non_string_keys_become_strings() -> None:
    meta, _ = split_front_matter("---\n1: one\n2025-01-01: day\nmodel: gpt\n---\n")
    assert set(meta) == {"1", "2025-01-01", "model"}


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "no front matter"),
        ("   \n", "no front matter"),
        ("# 只有標題\n本文沒有 front matter\n", "no front matter"),
        ("model: gpt\ndate: 2025-11-03\n", "no front matter"),
        ("---\nmodel: [gpt\ndate: 2025-11-03\n---\n", "not valid YAML"),
        ("---\nmodel: gpt\n  date: 2025-11-03\n---\n", "not valid YAML"),
        ("---\nmodel: \x07gpt\n---\n", "not valid YAML"),
        (
            "---\n!!python/object/apply:os.system ['touch /tmp/pwned']\n---\n",
            "YAML tag that is not allowed",
        ),
        (
            "---\nmodel: !!python/object/apply:os.system ['id']\n---\n",
            "YAML tag that is not allowed",
        ),
        ("---\nx: !!python/name:os.system\n---\n", "YAML tag that is not allowed"),
        ("---\n- gpt\n- 2025-11-03\n---\n", "front matter is a list, not a mapping"),
        ("---\njust a sentence\n---\n", "front matter is a str, not a mapping"),
        ("---\nmodel: gpt\ndate: 2025-13-45\n---\n", "impossible value"),
        ("---\nmodel: gpt\ndate: 2025-02-29\n---\n", "impossible value"),
        ('+++\nmodel = "grok\n+++\n', "not valid TOML"),
        ('+++\nmodel = "grok"\n', "no second '\\+\\+\\+' line"),
    ],
)
def test_split_front_matter_rejects(text: str, reason: str) -> None:
    with pytest.raises(PostRejected, match=reason):
        split_front_matter(text)


def test_python_tags_are_never_executed(tmp_path) -> None:
    marker = tmp_path / "pwned"
    text = f"---\nx: !!python/object/apply:os.system ['touch {marker}']\n---\n"
    with pytest.raises(PostRejected):
        split_front_matter(text)
    assert not marker.exists()


@pytest.mark.parametrize("text", ["---\nmodel: gpt\ndate: 2025-11-03\n", "---\nfoo", "---\n"])
def test_unclosed_front_matter_is_rejected(text: str) -> None:
    with pytest.raises(PostRejected):
        split_front_matter(text)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (dt.date(2025, 11, 3), dt.date(2025, 11, 3)),
        (dt.datetime(2025, 11, 3, 23, 59), dt.date(2025, 11, 3)),
        (
            dt.datetime(2025, 11, 4, 0, 30, tzinfo=dt.timezone(dt.timedelta(hours=8))),
            dt.date(2025, 11, 4),
        ),
        ("2025-11-03", dt.date(2025, 11, 3)),
        ("2025/11/3", dt.date(2025, 11, 3)),
        ("2025.11.03", dt.date(2025, 11, 3)),
        ("2025年11月3日", dt.date(2025, 11, 3)),
        ("2025-11-08T21:15:00+08:00", dt.date(2025, 11, 8)),
        ("GPT 每日動態 - 2025-11-03", dt.date(2025, 11, 3)),
        (None, None),
        ("", None),
        ("昨天", None),
        ("20251103", None),
        ("12025-11-03", None),
        (1730592000, None),
        # an English month, or year last when only one reading is possible
        ("Aug 25, 2025", dt.date(2025, 8, 25)),
        ("August 25th 2025", dt.date(2025, 8, 25)),
        ("Sept. 3, 2025", dt.date(2025, 9, 3)),
        ("25 Aug 2025", dt.date(2025, 8, 25)),
        ("1st December, 2025", dt.date(2025, 12, 1)),
        ("AI Daily Digest - Nov 3, 2025", dt.date(2025, 11, 3)),
        ("25/08/2025", dt.date(2025, 8, 25)),
        ("08/25/2025", dt.date(2025, 8, 25)),
        ("25.08.2025", dt.date(2025, 8, 25)),
        ("07/07/2025", dt.date(2025, 7, 7)),
        ("version 2 of 3 2025", None),
    ],
)
def test_coerce_date(value: object, expected: dt.date | None) -> None:
    assert coerce_date(value) == expected


@pytest.mark.parametrize("value", ["05/08/2025", "1.2.2026"])
def test_a_year_last_date_that_reads_both_ways_is_refused_not_guessed(value: str) -> None:
    with pytest.raises(PostRejected, match="ambiguous date"):
        coerce_date(value)


def test_an_ambiguous_front_matter_date_rejects_the_post_with_the_reason() -> None:
    meta, _ = split_front_matter("---\nmodel: gpt\ndate: '05/08/2025'\ntitle: AI digest\n---\n")
    with pytest.raises(PostRejected, match="ambiguous date '05/08/2025'"):
        post_identity(meta, "post.md")


def test_an_ambiguous_front_matter_date_is_settled_by_the_file_name() -> None:
    meta, _ = split_front_matter("---\nmodel: gpt\ndate: '05/08/2025'\n---\n")
    identity = post_identity(meta, "gpt-2025-08-05.md")
    assert identity.post_date == dt.date(2025, 8, 5)
    assert identity.identity_source == "date from file name"


@pytest.mark.parametrize("value", ["2025-13-45", "2025-02-30", "0000-01-01", "Feb 30, 2025", "13/13/2025"])
def test_coerce_date_rejects_impossible_dates(value: str) -> None:
    with pytest.raises(PostRejected, match="impossible date"):
        coerce_date(value)


@pytest.mark.parametrize(
    ("yaml_date", "expected"),
    [
        ("2025-11-03", dt.date(2025, 11, 3)),
        ("'2025-11-03'", dt.date(2025, 11, 3)),
        ('"2025/11/03 08:00"', dt.date(2025, 11, 3)),
        # the date as written in its own time zone, not converted to UTC (which would be 11-03)
        ("2025-11-04 00:30:00 +08:00", dt.date(2025, 11, 4)),
        ("2025-11-04T00:30:00+08:00", dt.date(2025, 11, 4)),
        ("2025-11-03T23:30:00-05:00", dt.date(2025, 11, 3)),
        ("2025-11-03T01:30:00Z", dt.date(2025, 11, 3)),
    ],
)
def test_front_matter_date_forms(yaml_date: str, expected: dt.date) -> None:
    meta, _ = split_front_matter(f"---\nmodel: gpt\ndate: {yaml_date}\n---\n")
    identity = post_identity(meta, "whatever.md")
    assert identity.post_date == expected
    assert identity.identity_source == "front_matter"


@pytest.mark.parametrize(
    ("value", "key"),
    [
        ("gpt", "gpt"),
        ("GPT", "gpt"),
        (" GPT-4o mini ", "gpt-4o-mini"),
        ("Claude 3.5 Sonnet", "claude-3.5-sonnet"),
        ("Claude_3.5", "claude-3.5"),
        ("ＧＥＭＩＮＩ", "gemini"),
        ("DeepSeek", "deepseek"),
        ("!!!", ""),
        ("", ""),
    ],
)
def test_model_key(value: str, key: str) -> None:
    assert model_key(value) == key


def test_identity_from_front_matter() -> None:
    identity = post_identity({"model": "Mistral", "date": dt.date(2025, 11, 7)}, "anything.txt")
    assert (identity.model, identity.post_date) == ("mistral", dt.date(2025, 11, 7))
    assert identity.identity_source == "front_matter"
    assert identity.post_id == "mistral-2025-11-07"


def test_front_matter_wins_over_the_file_name() -> None:
    identity = post_identity({"model": "grok", "date": "2025-11-06"}, "claude-2024-01-01.md")
    assert (identity.model, identity.post_date) == ("grok", dt.date(2025, 11, 6))


@pytest.mark.parametrize(
    ("file_name", "model", "date"),
    [
        ("gpt-2025-11-03.md", "gpt", dt.date(2025, 11, 3)),
        ("2025-11-03-claude.md", "claude", dt.date(2025, 11, 3)),
        ("posts/gemini_2025_11_03.markdown", "gemini", dt.date(2025, 11, 3)),
        ("GROK 2025.11.06.txt", "grok", dt.date(2025, 11, 6)),
    ],
)
def test_model_and_date_fall_back_to_the_file_name(file_name: str, model: str, date: dt.date) -> None:
    identity = post_identity({}, file_name)
    assert (identity.model, identity.post_date) == (model, date)
    assert "model from file name" in identity.identity_source
    assert "date from file name" in identity.identity_source


def test_date_falls_back_to_the_title() -> None:
    identity = post_identity({"model": "gpt", "title": "GPT 每日動態 - 2025-11-03"}, "daily.md")
    assert identity.post_date == dt.date(2025, 11, 3)
    assert identity.identity_source == "date from title"


def test_file_name_date_wins_over_title_date() -> None:
    meta = {"model": "gpt", "title": "GPT 每日動態 - 2025-01-01"}
    assert post_identity(meta, "2025-11-03.md").post_date == dt.date(2025, 11, 3)


def test_model_from_file_name_with_date_from_front_matter() -> None:
    identity = post_identity({"date": dt.date(2025, 11, 8)}, "deepseek.md")
    assert (identity.model, identity.post_date) == ("deepseek", dt.date(2025, 11, 8))
    assert identity.identity_source.startswith("model from file name")


@pytest.mark.parametrize(
    ("yaml", "model", "date", "source"),
    [
        # what our sites write: identities stay exactly as they were
        ("model: gpt\ndate: 2025-11-03", "gpt", "2025-11-03", "front_matter"),
        # other spellings of the model key; a one-element list is that model
        ("llm: claude\ndate: 2026-02-18", "claude", "2026-02-18", "model from 'llm'"),
        ("ai_model: Gemini\ndate: 2026-02-18", "gemini", "2026-02-18", "model from 'ai_model'"),
        ("modelName: Grok 4\ndate: 2026-02-18", "grok-4", "2026-02-18", "model from 'modelName'"),
        ("models: [mistral]\ndate: 2026-02-10", "mistral", "2026-02-10", "model from 'models'"),
        (
            "models:\n  - Mistral\n  - mistral\ndate: 2026-02-10",
            "mistral",
            "2026-02-10",
            "model from 'models'",
        ),
        ("model: [gpt]\ndate: 2025-11-03", "gpt", "2025-11-03", "front_matter"),
        ("model: ''\nllm: qwen\ndate: 2025-11-03", "qwen", "2025-11-03", "model from 'llm'"),
        # `model` is preferred to every other spelling
        ("llm: claude\nmodel: gpt\ndate: 2025-11-03", "gpt", "2025-11-03", "front_matter"),
        # other spellings of the date key; a datetime keeps the day written in its own zone
        ("model: qwen\npubDate: 2026-02-15", "qwen", "2026-02-15", "date from 'pubDate'"),
        ("model: qwen\npub_date: 2026-02-15", "qwen", "2026-02-15", "date from 'pub_date'"),
        ("model: qwen\npublished: 2026-02-16T00:30:00+08:00", "qwen", "2026-02-16", "date from 'published'"),
        ("model: qwen\npublish_date: '2026/02/15'", "qwen", "2026-02-15", "date from 'publish_date'"),
        ("model: qwen\ndate_published: Feb 15, 2026", "qwen", "2026-02-15", "date from 'date_published'"),
        ("model: qwen\ncreated: 2026-02-15 09:00:00", "qwen", "2026-02-15", "date from 'created'"),
        ("model: qwen\nDate: 2026-02-15", "qwen", "2026-02-15", "date from 'Date'"),
        # `date` is preferred; an unusable or two-way date lets the next key settle it
        ("model: qwen\ndate: 2026-02-15\ncreated: 2026-01-01", "qwen", "2026-02-15", "front_matter"),
        ("model: qwen\npublished: true\ncreated: 2026-02-15", "qwen", "2026-02-15", "date from 'created'"),
        ("model: qwen\ndate: '05/08/2025'\npubDate: 2025-08-05", "qwen", "2025-08-05", "date from 'pubDate'"),
        # a date only in the last-changed key is not the post's date: the title gives it
        (
            "model: qwen\nupdated: 2026-03-01\ntitle: 千問日報 2026-02-15",
            "qwen",
            "2026-02-15",
            "date from title",
        ),
        (
            "llm: claude\ntitle: Claude 日報 2026-02-18",
            "claude",
            "2026-02-18",
            "model from 'llm'; date from title",
        ),
    ],
)
def test_identity_from_other_sites_front_matter_keys(yaml: str, model: str, date: str, source: str) -> None:
    meta, _ = split_front_matter(f"---\n{yaml}\n---\n")
    identity = post_identity(meta, "digest.md")
    assert (identity.model, identity.post_date.isoformat()) == (model, date)
    assert identity.identity_source == source


@pytest.mark.parametrize(
    "yaml",
    ["models: [gpt, claude]", "llm:\n  - Gemini\n  - Grok", "model: [gpt, claude]\nllm: gpt"],
)
def test_a_front_matter_naming_several_models_is_refused_not_guessed(yaml: str) -> None:
    meta, _ = split_front_matter(f"---\n{yaml}\ndate: 2025-11-03\n---\n")
    with pytest.raises(PostRejected, match=r"ambiguous model: front matter '.+' names several"):
        post_identity(meta, "gpt-2025-11-03.md")


def test_an_impossible_date_in_another_date_key_is_rejected_not_replaced() -> None:
    meta, _ = split_front_matter("---\nmodel: gpt\npubDate: '2025-13-45'\n---\n")
    with pytest.raises(PostRejected, match="impossible date"):
        post_identity(meta, "gpt-2025-11-03.md")


@pytest.mark.parametrize(
    ("meta", "file_name", "reason"),
    [
        ({"date": dt.date(2025, 11, 3)}, "000_8579b6bdf493af60.txt", "no model"),
        ({"date": dt.date(2025, 11, 3)}, "daily-digest.md", "no model"),  # two words: ambiguous
        ({"date": dt.date(2025, 11, 3)}, "2025-11-03.md", "no model"),
        ({"model": "", "date": dt.date(2025, 11, 3)}, "news.md.bak", "no model"),
        ({"model": "gpt"}, "digest.md", "no date"),
        ({"model": "gpt", "date": None}, "gpt.md", "no date"),
        ({"model": "gpt", "date": "昨天"}, "gpt.md", "no date"),
        ({"model": "gpt", "title": "GPT 每日動態"}, "gpt-2025-13-45.md", "no date"),
    ],
)
def test_unidentifiable_posts_are_rejected(meta: dict, file_name: str, reason: str) -> None:
    with pytest.raises(PostRejected, match=reason):
        post_identity(meta, file_name)


def test_impossible_date_in_front_matter_is_rejected_not_replaced_by_a_fallback() -> None:
    with pytest.raises(PostRejected, match="impossible date"):
        post_identity({"model": "gpt", "date": "2025-13-45"}, "gpt-2025-11-03.md")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (["Qwen", "Qwen Code", "阿里雲"], ("Qwen", "Qwen Code", "阿里雲")),
        (
            "Gemini 2.5 Flash-Lite, Google AI Studio ,Veo 3",
            ("Gemini 2.5 Flash-Lite", "Google AI Studio", "Veo 3"),
        ),
        ("模型，開源、AI", ("模型", "開源", "AI")),
        ("GPT AI Digest", ("GPT", "AI", "Digest")),
        ("gemini", ("gemini",)),
        (["a", 1, None, " b ", ""], ("a", "1", "b")),
        ([{"name": "x"}], ('{"name": "x"}',)),
        (5, ("5",)),
        (None, ()),
        ("", ()),
        ([], ()),
    ],
)
def test_as_list(value: object, expected: tuple[str, ...]) -> None:
    assert as_list(value) == expected


@pytest.mark.parametrize(
    ("yaml_tags", "expected"),
    [
        ('["Qwen", "Qwen Code", "阿里雲"]', ("Qwen", "Qwen Code", "阿里雲")),
        ("[QWEN, AI, Digest]", ("QWEN", "AI", "Digest")),
        ("Llama 4, Meta AI, Llama API", ("Llama 4", "Meta AI", "Llama API")),
        ('"Llama 4, Meta AI"', ("Llama 4", "Meta AI")),
        ("\n  - Claude\n  - Claude Code", ("Claude", "Claude Code")),
    ],
    ids=["quoted", "bare", "comma string", "quoted comma string", "block list"],
)
def test_tags_as_written_in_yaml(yaml_tags: str, expected: tuple[str, ...]) -> None:
    meta, _ = split_front_matter(f"---\ntags: {yaml_tags}\n---\n")
    assert as_list(meta["tags"]) == expected


@pytest.mark.parametrize(
    ("tag", "key"),
    [
        ("Qwen", "qwen"),
        ("QWEN", "qwen"),
        ("ＱＷＥＮ", "qwen"),  # full-width letters
        ("ＧＰＴ－５", "gpt-5"),  # full-width letters, digit and hyphen
        ("  Claude Code  ", "claude code"),
        ("Claude   Code", "claude code"),
        ("Claude\tCode", "claude code"),
        ("Claude\u3000Code", "claude code"),  # ideographic space
        ("Straße", "strasse"),  # case folding, not just lower()
        ("阿里雲", "阿里雲"),
        ("", ""),
    ],
)
def test_tag_key(tag: str, key: str) -> None:
    assert tag_key(tag) == key


def test_tag_key_makes_variants_equal() -> None:
    variants = ["Qwen Code", " qwen code", "QWEN  CODE", "Ｑｗｅｎ　Ｃｏｄｅ"]
    assert len({tag_key(v) for v in variants}) == 1
