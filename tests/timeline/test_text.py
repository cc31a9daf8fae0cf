import unicodedata

import opencc
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from digest_pipeline.timeline.text import cjk_bigrams, figures, fold_script, latin_words

_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d\u2043"
_REFERENCE = opencc.OpenCC("tw2sp")


def _folded_plainly(text: str) -> str:
    """The fold as first written: NFKC always, then a translate table, then OpenCC."""
    table = dict.fromkeys(map(ord, _DASHES), "-")
    return _REFERENCE.convert(unicodedata.normalize("NFKC", text).translate(table))


# Text of the kinds digests mix: CJK (both scripts), full-width forms, dashes, Latin, digits.
_DIGEST_TEXT = st.text(
    st.one_of(
        st.sampled_from(list(_DASHES + "資訊軟體晶片發佈輝達信息软件芯片发布ＧＰＴ５．，：（）ｶﾞ㍿")),
        st.characters(codec="utf-8", exclude_characters="\x00"),
    ),
    max_size=60,
)


@given(_DIGEST_TEXT)
@example("ＧＰＴ－５．２ 發佈，晶片")
@example("Qwen\u2011Image\u2013Layered ｶﾞ")
def test_the_fold_equals_nfkc_then_dashes_then_opencc(text):
    assert fold_script(text) == _folded_plainly(text)


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


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("微軟 150 億美元入股", {"150亿"}),  # folded like the text: 億 → 亿
        ("API 降價 40%", {"40%"}),
        ("第二期 1.2GW 電力", {"1.2gw"}),
        ("交出 2,000 萬筆對話", {"2000万"}),
        ("Ｋ３ 以 １.６ 兆參數", {"1.6兆"}),  # full-width digits fold first
        ("12 月 3 日的中斷", {"12月", "3日"}),
        ("LMArena 拿下 1501 分，排名 1501", {"1501分", "1501"}),
    ],
)
def test_figures_are_numbers_with_their_units(text, expected):
    assert figures(fold_script(text)) == expected


@pytest.mark.parametrize("text", ["GPT-5.2 發布", "H200 出口", "Qwen Code v0.5.0", "回顧 2025", "排名 3"])
def test_numbers_inside_names_bare_years_and_lone_digits_are_not_figures(text):
    assert figures(fold_script(text)) == set()
