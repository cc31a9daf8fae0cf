"""Cutting a post body into sections and naming each one by the meaning of its heading."""

from __future__ import annotations

import pytest

from digest_pipeline.posts.sections import classify_heading, split_sections


@pytest.mark.parametrize(
    ("heading", "kind"),
    [
        # the seeds' wording
        ("本週模型趨勢", "trend"),
        ("📰 本週新聞焦點", "news"),
        ("🔍 深度分析", "analysis"),
        ("📌 重點摘要", "key_points"),
        ("💡 延伸思考", "outlook"),
        ("🔗 資料來源", "sources"),
        # other sites' wording
        ("今日趨勢概覽", "trend"),
        ("本週模型動態", "trend"),
        ("Weekly Overview", "trend"),
        ("今日要聞", "news"),
        ("今日頭條", "news"),
        ("AI 快訊", "news"),
        ("Top News", "news"),
        ("Headlines", "news"),
        ("深度解讀", "analysis"),
        ("Deep Dive", "analysis"),
        ("Analysis & Insights", "analysis"),
        ("重點整理", "key_points"),
        ("Key Takeaways", "key_points"),
        ("TL;DR", "key_points"),
        ("展望", "outlook"),
        ("What's Next", "outlook"),
        ("🔗 參考連結", "sources"),
        ("Sources", "sources"),
        ("References", "sources"),
        ("出處", "sources"),
        # nothing fits
        ("結語", "other"),
        ("關於本站", "other"),
        ("", "other"),
    ],
)
def test_classify_heading(heading: str, kind: str) -> None:
    assert classify_heading(heading) == kind


def test_split_sections_keeps_order_headings_and_bodies() -> None:
    body = (
        "## 本週模型趨勢\n趨勢內文\n\n## 📰 本週新聞焦點\n1) A\nb\n\n## 🔗 資料來源\n- [x](https://x.com)\n"
    )
    sections = split_sections(body)
    assert [(s.position, s.heading, s.kind) for s in sections] == [
        (1, "本週模型趨勢", "trend"),
        (2, "📰 本週新聞焦點", "news"),
        (3, "🔗 資料來源", "sources"),
    ]
    assert [s.body.strip() for s in sections] == ["趨勢內文", "1) A\nb", "- [x](https://x.com)"]


def test_text_before_the_first_heading_is_the_preamble() -> None:
    sections = split_sections("> 本文由 AI 整理。\n\n## 今日要聞\n- A\n")
    assert [(s.position, s.kind, s.body) for s in sections] == [
        (0, "preamble", "> 本文由 AI 整理。"),
        (1, "news", "- A"),
    ]


def test_blank_preamble_is_not_a_section() -> None:
    assert [s.kind for s in split_sections("\n\n  \n## 今日要聞\n- A\n")] == ["news"]


def test_body_without_headings_is_one_preamble() -> None:
    (only,) = split_sections("只有一段文字。\n第二行。")
    assert (only.position, only.kind, only.body) == (0, "preamble", "只有一段文字。\n第二行。")


def test_empty_body_has_no_sections() -> None:
    assert split_sections("") == ()


def test_deeper_headings_stay_inside_their_section() -> None:
    body = "## 今日要聞\n### Gemini 3 發布\n內文\n### Veo 3\n內文\n## 資料來源\n- x\n"
    sections = split_sections(body)
    assert [s.kind for s in sections] == ["news", "sources"]
    assert "### Gemini 3 發布" in sections[0].body
    assert "### Veo 3" in sections[0].body


@pytest.mark.parametrize("hashes", ["#", "###", "####"])
def test_another_heading_level_used_throughout(hashes: str) -> None:
    body = (
        f"{hashes} 本週模型趨勢\n趨勢\n\n{hashes} 📰 本週新聞焦點\n1) A\nb\n\n"
        f"{hashes} 📌 重點摘要\n- 一\n\n{hashes} 🔗 資料來源\n- x\n"
    )
    assert [s.kind for s in split_sections(body)] == ["trend", "news", "key_points", "sources"]


def test_shallowest_level_wins_when_two_is_absent() -> None:
    body = "### 今日要聞\n#### A 發布\n內文\n#### B 更新\n內文\n### 資料來源\n- x\n"
    sections = split_sections(body)
    assert [s.kind for s in sections] == ["news", "sources"]
    assert sections[0].body.count("#### ") == 2


def test_headings_inside_code_fences_are_not_sections() -> None:
    body = "## 今日要聞\n```markdown\n## 不是標題\n```\n- A\n## 資料來源\n- x\n"
    sections = split_sections(body)
    assert [s.heading for s in sections] == ["今日要聞", "資料來源"]
    assert "## 不是標題" in sections[0].body


@pytest.mark.parametrize(
    ("line", "heading"),
    [
        ("## Top News ##", "Top News"),
        ("##   今日要聞   ", "今日要聞"),
        ("##\t今日要聞", "今日要聞"),
    ],
)
def test_heading_text_is_trimmed_of_spaces_and_closing_hashes(line: str, heading: str) -> None:
    (section,) = split_sections(f"{line}\n- A\n")
    assert section.heading == heading
    assert section.kind == "news"


@pytest.mark.parametrize("line", ["#hashtag", "##沒有空格", "####### 七個井號"])
def test_lines_that_are_not_atx_headings_do_not_cut(line: str) -> None:
    sections = split_sections(f"{line}\n## 今日要聞\n- A\n")
    assert [s.kind for s in sections] == ["preamble", "news"]
    assert sections[0].body == line


def test_a_lone_title_heading_does_not_swallow_deeper_sections() -> None:
    body = "# GPT 每日動態\n\n### 今日要聞\n1) A\n\n### 重點摘要\n- a\n\n### 資料來源\n- [x](https://x.com)\n"
    assert [s.kind for s in split_sections(body)] == ["preamble", "news", "key_points", "sources"]
