import pytest

from digest_pipeline.timeline.text import cjk_bigrams, fold_script, latin_words


@pytest.mark.parametrize("dash", ["-", "\u2010", "\u2011", "\u2012", "\u2013", "\u2014", "\u2212", "\uff0d"])
def test_every_dash_folds_to_a_hyphen(dash):
    assert fold_script(f"GPT{dash}5.2") == "GPT-5.2"


def test_full_width_letters_and_digits_fold_to_ascii():
    assert fold_script("ＧＰＴ－５．２") == "GPT-5.2"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("阿里雲宣佈", "阿里云宣布"),  # traditional vs simplified characters, 佈 vs 布
        ("發佈", "發布"),  # variant characters
        ("臺灣", "台灣"),
        ("最新資訊", "最新信息"),  # Taiwan vs mainland vocabulary
        ("晶片", "芯片"),
        ("軟體", "軟件"),
    ],
)
def test_chinese_variants_fold_to_one_form(a, b):
    assert fold_script(a) == fold_script(b)


def test_case_is_kept_for_names():
    assert "Qwen" in fold_script("Qwen 推出")


def test_cjk_bigrams_stay_inside_runs():
    grams = cjk_bigrams("分層編輯 Qwen 分層")
    assert grams == {"分層": 2, "層編": 1, "編輯": 1}


def test_single_character_runs_count_as_themselves():
    assert cjk_bigrams("A 與 B") == {"與": 1}


def test_latin_words_are_lower_cased_with_versions_kept():
    assert latin_words("Qwen Code v0.5.0 and GPT-5.2.") == {
        "qwen": 1,
        "code": 1,
        "v0.5.0": 1,
        "and": 1,
        "gpt": 1,
        "5.2": 1,
    }
