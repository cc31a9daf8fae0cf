import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from digest_pipeline.timeline.entities import (
    Name,
    are_siblings,
    extract_names,
    is_version_refinement,
    name_keys,
)
from digest_pipeline.timeline.text import fold_script


def keys(text: str) -> list[str]:
    return [name.key for name in extract_names(fold_script(text))]


@pytest.mark.parametrize(
    "written",
    [
        "GPT-5.2-Codex",
        "GPT‑5.2‑Codex",
        "GPT–5.2–Codex",
        "GPT 5.2 Codex",
        "gpt-5.2-codex",
        "ＧＰＴ－5.2－Codex",
    ],
)
def test_spellings_of_one_name_share_a_key(written):
    assert keys(f"OpenAI 推出 {written}，開發者可用") == ["openai", "gpt-5.2-codex"]


def test_letters_and_digits_split_and_version_v_dropped():
    assert keys("GPT5 與 Qwen Code v0.5.0") == ["gpt-5", "qwen-code-0.5.0"]


def test_an_interface_or_platform_word_at_the_end_is_not_part_of_the_name():
    assert keys("GPT-5.2 API 定價出爐，ChatGPT Android App 更新") == ["gpt-5.2", "chatgpt"]
    assert keys("App 更新") == ["app"]


def test_names_stop_at_chinese_text_and_punctuation():
    assert keys("Meta、OpenAI 與 Hugging Face 的數據") == ["meta", "openai", "hugging-face"]


def test_numbers_alone_are_not_names_but_belong_to_the_name_before_them():
    assert keys("2025 年 NVIDIA 推出 Nemotron 3") == ["nvidia", "nemotron-3"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Anthropic 獲 Microsoft 150 億美元投資", ["anthropic", "microsoft"]),
        ("Kimi K3 1.6 兆參數開源", ["kimi-k-3"]),
        ("Nvidia 5000 億美元市值", ["nvidia"]),
        ("Gemini 3 Pro 在 LMArena 1501 分，居冠", ["gemini-3-pro", "lmarena"]),
        ("OpenAI 5 月發布", ["openai"]),
        # A number before anything else stays a version.
        ("Grok 4 上線", ["grok-4"]),
        ("Qwen 3 家族", ["qwen-3"]),
        ("Gemini 3 分析師看好", ["gemini-3"]),
    ],
)
def test_a_number_an_amount_or_date_unit_follows_is_not_part_of_the_name(text, expected):
    assert keys(text) == expected


def test_two_amounts_of_one_round_do_not_make_sibling_subjects(make_event):
    from digest_pipeline.timeline.features import event_features
    from digest_pipeline.timeline.scoring import subject_conflict

    first = event_features(make_event("grok-2026-01-08#1", 8, "xAI 200 億美元融資完成"))
    again = event_features(make_event("grok-2026-01-10#4", 10, "xAI 20 億美元來自 NVIDIA，融資名單揭曉"))
    assert not subject_conflict(first, again)


def test_english_prose_keeps_only_the_names():
    assert keys("the model was released by xAI and Grok 4.1 Fast") == ["xai", "grok-4.1-fast"]


def test_chinese_organisation_names_become_english():
    assert keys("谷歌與輝達合作，通義千問 Chat 上線") == ["google", "nvidia", "qwen-chat"]
    assert keys("英偉達") == keys("NVIDIA")


def test_a_lone_lower_case_word_is_a_name_but_words_in_a_sentence_are_not():
    assert keys("llama.cpp 支援 vllm") == ["llama.cpp", "vllm"]
    assert keys("with the new release") == []


def test_name_keys_include_leading_parts_and_later_words():
    names = extract_names(fold_script("OpenAI GPT-5.2 Codex"))
    assert name_keys(names) == {
        "openai",
        "openai-gpt",
        "openai-gpt-5.2",
        "openai-gpt-5.2-codex",
        "gpt",
        "gpt-5.2",
        "gpt-5.2-codex",
        "codex",
    }


@pytest.mark.parametrize(
    ("text", "shorter"),
    [
        ("DeepSeek-Coder-V3-Lite", {"coder-3-lite", "coder-3", "coder"}),
        ("Claude-Opus-4.5", {"opus-4.5", "opus"}),
        ("Qwen-Image-Layered", {"image-layered", "image"}),
    ],
)
def test_a_hyphenated_name_is_known_by_its_shorter_forms_too(text, shorter):
    keys = name_keys(extract_names(fold_script(text)))
    assert shorter <= keys


def test_a_hyphenated_name_has_no_shorter_form_of_one_word_or_a_number():
    # Codex alone is a product line, not GPT-5.2-Codex; "5.2-codex" is no name.
    assert name_keys(extract_names(fold_script("GPT-5.2-Codex"))) == {"gpt", "gpt-5.2", "gpt-5.2-codex"}
    assert "lite" not in name_keys(extract_names(fold_script("DeepSeek-Coder-V3-Lite")))


def name(key: str) -> Name:
    return Name(tuple(key.split("-")))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("gpt-5.2", "gpt-5.2-codex"),
        ("gpt-5.2-codex", "gpt-5-codex"),
        ("gpt-5.2", "gpt-5-codex"),
        ("qwen-image-2512", "qwen-image-layered"),
        ("qwen-code-0.5.0", "qwen-code-0.6.0"),
        ("gemini-3-pro", "gemini-3-flash"),
    ],
)
def test_different_things_of_one_family_are_siblings(a, b):
    assert are_siblings(name(a), name(b))
    assert are_siblings(name(b), name(a))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("qwen-code", "qwen-code-0.5.0"),  # a looser mention of the same release
        ("gpt-5.2", "gpt-5.2"),
        ("qwen", "qwen-image-2512"),  # a bare brand is not a specific thing
        ("ai-arena", "ai-agent"),  # generic first word, no family
        ("gpt-5.2", "gemini-3-pro"),  # different families
    ],
)
def test_not_siblings(a, b):
    assert not are_siblings(name(a), name(b))


def test_version_refinement_needs_only_numbers_added():
    assert is_version_refinement(name("qwen-code"), name("qwen-code-0.5.0"))
    assert not is_version_refinement(name("gpt-5.2"), name("gpt-5.2-codex"))
    assert not is_version_refinement(name("gpt-5.2"), name("gpt-5.2"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("騰訊發布雲帆 3.0：快慢思考融合", ["tencent", "雲帆-3.0"]),  # the verb before it is not the name
        ("雲帆 ３.0 進駐 QQ 瀏覽器", ["雲帆-3.0", "qq"]),  # full-width digits fold; order of appearance
        ("星河大模型 5.5 與 Nova 2 同日上線", ["星河-5.5", "nova-2"]),  # a generic tail is dropped
        ("豆包大模型 2.5 發布", ["doubao"]),  # the name before the generic tail is an organisation's
        ("月活 3.16 億，輸入 1.25 美元，延遲約 0.3 秒", []),  # amounts, not versions
        ("預設切換至 2.5 版本，降至 0.15", []),  # a phrase ending in a function word
        ("星河 5 發布", []),  # a bare integer is too often a count to be a version
        ("模型得分 82.4，高於 7.5 分", []),  # a score, not a version
        ("用戶改用 3.5 Flash", ["flash"]),  # a Latin name written without its family
        ("率較 1.5 版提高", []),  # a version of something named elsewhere
        ("Nova 2 與星河大模型 5.5", ["nova-2", "星河-5.5"]),
    ],
)
def test_chinese_names_with_a_version(text, expected):
    assert keys(text) == [fold_script(key) for key in expected]  # keys are in the folded script


def test_a_chinese_versioned_name_has_a_family_and_is_specific():
    (name,) = extract_names(fold_script("星河 5.5 發布"))
    assert (name.family, name.is_specific) == (fold_script("星河"), True)
    assert are_siblings(name, extract_names(fold_script("星河 4.0"))[0])
    assert name_keys([name]) == {fold_script("星河"), fold_script("星河-5.5")}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("OpenAI 推出 GPT‑5.5 mini：價格僅五分之一", ["openai", "gpt-5.5-mini"]),
        ("o3 mini and o4 mini", ["o-3-mini", "o-4-mini"]),
        ("GPT-5 is here", ["gpt-5"]),  # a stop word ends the name
        ("GPT-5.5 api 降價", ["gpt-5.5"]),  # an interface word is still dropped
        ("Claude opus 上線", ["claude"]),  # only after a version: `opus` here is prose
    ],
)
def test_a_lower_case_variant_after_a_version_is_part_of_the_name(text, expected):
    assert keys(text) == expected


def test_a_variant_is_a_sibling_of_its_model():
    (mini,) = extract_names(fold_script("GPT-5.5 mini"))
    (model,) = extract_names(fold_script("GPT-5.5"))
    assert are_siblings(mini, model)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ABCdefV0123456789.- +年億", max_size=24))
def test_names_are_read_from_any_run_of_letters_digits_and_dashes(text):
    for found in extract_names(text):
        assert found.parts and found.word_starts[0] == 0
        assert list(found.word_starts) == sorted(set(found.word_starts))
        assert all(0 <= start < len(found.parts) for start in found.word_starts)
        assert not found.parts[0].isdigit()  # a name starts with a word, not a number
