"""Cutting a post body into sections and naming each one by the meaning of its heading."""

from __future__ import annotations

import pytest

from digest_pipeline.posts import parse_post
from digest_pipeline.posts.sections import classify_heading, news_sections, split_sections


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
        ("Data Sources", "sources"),
        ("Sources", "sources"),
        ("References", "sources"),
        ("出處", "sources"),
        # Simplified characters read as their Traditional forms
        ("要点速览", "key_points"),
        ("参考来源", "sources"),
        ("今日要闻", "news"),
        ("本周趋势", "trend"),
        ("延伸阅读", "sources"),
        # a heading of emoji alone names its kind by them; words beside an emoji decide
        ("📰", "news"),
        ("🗞️", "news"),
        ("🔑", "key_points"),
        ("🔗", "sources"),
        ("📚 ", "sources"),
        ("📌 公司動態", "trend"),
        # nothing fits
        ("結語", "other"),
        ("📌 結語", "other"),
        ("🎉", "other"),
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


@pytest.mark.parametrize("attributes", ["{#takeaways}", "{: #takeaways}", "{#takeaways .toc}", "{.lead}"])
def test_an_attribute_list_closing_a_heading_is_not_its_text(attributes: str) -> None:
    """`{#news-1}` is the anchor a table of contents links to, not a word naming the news."""
    (section,) = split_sections(f"## 三個重點 {attributes}\n- A\n")
    assert (section.heading, section.kind) == ("三個重點", "key_points")


@pytest.mark.parametrize("line", ["#hashtag", "##沒有空格", "####### 七個井號"])
def test_lines_that_are_not_atx_headings_do_not_cut(line: str) -> None:
    sections = split_sections(f"{line}\n## 今日要聞\n- A\n")
    assert [s.kind for s in sections] == ["preamble", "news"]
    assert sections[0].body == line


def test_a_lone_title_heading_does_not_swallow_deeper_sections() -> None:
    body = "# GPT 每日動態\n\n### 今日要聞\n1) A\n\n### 重點摘要\n- a\n\n### 資料來源\n- [x](https://x.com)\n"
    assert [s.kind for s in split_sections(body)] == ["preamble", "news", "key_points", "sources"]


@pytest.mark.parametrize(
    ("heading", "kind"),
    [
        ("🔥 今日亮點", "news"),
        ("本日精選", "news"),
        ("🗞️ 今日 AI 大事", "news"),
        ("What's New", "news"),
        ("What’s New This Week", "news"),
        # "Open Source" names a kind of model, not the sources
        ("🔓 Open Source 模型動態", "trend"),
        ("Open-Source Releases", "other"),
        ("🔥 今日熱門", "news"),
        ("本週熱點", "news"),
        # a summary of the trend is the trend; a summary alone is the key points
        ("今日趨勢摘要", "trend"),
        ("📌 重點摘要", "key_points"),
        ("Trends Summary", "trend"),
        ("🧭 今日脈絡", "trend"),
        # further reading is a list of links; 「延伸思考」 stays the outlook
        ("🔎 延伸閱讀", "sources"),
        ("Further Reading", "sources"),
        ("💡 延伸思考", "outlook"),
    ],
)
def test_classify_heading_news_wordings_and_open_source(heading: str, kind: str) -> None:
    assert classify_heading(heading) == kind


CATEGORY_SPLIT = (
    "## 本週模型趨勢\n開源陣營持續推出新模型。\n\n"
    "## 🚀 模型發布\n### A 開源\nA 的內文。\n\n### B 推出代理\nB 的內文。\n\n"
    "## 💼 產業與投資\n### C 獲投資\nC 的內文。\n\n"
    "## 📌 重點摘要\n- A 開源。\n- C 獲投資。\n\n"
    "## 🔗 資料來源\n- [A](https://a.example.com/)\n"
)


def test_news_split_into_category_sections_is_all_news() -> None:
    sections = split_sections(CATEGORY_SPLIT)
    assert [s.kind for s in sections] == ["trend", "news", "news", "key_points", "sources"]
    assert [s.heading for s in news_sections(sections)] == ["🚀 模型發布", "💼 產業與投資"]


def test_category_split_items_are_read_from_every_section_and_numbered_through() -> None:
    post = parse_post("---\nmodel: glm\ndate: 2025-08-29\n---\n" + CATEGORY_SPLIT, "x.md")
    assert [(i.position, i.headline) for i in post.items] == [
        (1, "A 開源"),
        (2, "B 推出代理"),
        (3, "C 獲投資"),
    ]
    assert post.warnings == ()


@pytest.mark.parametrize(
    ("body", "read"),
    [
        # one news list cut into categories that each name the news: all of it is read
        ("## 國內新聞\n1) A\n內文\n\n## 國際新聞\n1) B\n內文\n", ["國內新聞", "國際新聞"]),
        ("## 今日要聞\n1) A\n內文\n\n## 更多新聞\n- **B**\n  內文\n", ["今日要聞", "更多新聞"]),
        # a later section named like the news but holding prose is no list of headlines
        ("## 今日要聞\n1) A\n內文\n\n## 新聞背景\n一段文字。\n又一段。\n", ["今日要聞"]),
        # a section repeated word for word is read once
        ("## 今日要聞\n1) A\n內文\n\n## 今日要聞\n1) A\n內文\n", ["今日要聞"]),
    ],
)
def test_later_named_news_sections_are_read_when_they_hold_headlines(body: str, read: list[str]) -> None:
    assert [s.heading for s in news_sections(split_sections(body))] == read


def test_news_by_shape_needs_headline_and_body_items() -> None:
    # prose and one-line lists are not news; a list of headlines with bodies is
    body = (
        "## 結語\n一段文字。\n第二行。\n\n## 附注\n- **一**：一行\n- **二**：又一行\n\n"
        "## 說明\n前言一。\n前言二。\n前言三。\n- 一點\n- 又一點\n\n"
        "## 本日動向\n1. A 發布\n   內文\n2. B 更新\n   內文\n"
    )
    assert [s.kind for s in split_sections(body)] == ["other", "other", "other", "news"]


def test_a_key_points_heading_holding_the_news_items_is_the_news() -> None:
    body = (
        "## Today's Highlights\n### 1. A ships\nA body.\n\n### 2. B raises\nB body.\n\n"
        "## Key Takeaways\n- A ships.\n- B raises.\n"
    )
    assert [s.kind for s in split_sections(body)] == ["news", "key_points"]


def test_trend_named_headings_holding_the_news_items_are_the_news() -> None:
    body = (
        "## 本週模型趨勢\n開源陣營持續推出新模型。\n\n"
        "## 🔓 Open Source 模型動態\n- **A 開源**\n  內文\n- **B 開源**\n  內文\n\n"
        "## 🏢 公司動態\n- **C 融資**\n  內文\n\n"
        "## 📌 重點摘要\n- A。\n"
    )
    sections = split_sections(body)
    assert [s.kind for s in sections] == ["trend", "news", "news", "key_points"]
    assert len(news_sections(sections)) == 2


@pytest.mark.parametrize(
    "items",
    [
        "## 1. A 發布\n內文\n\n## 2. B 更新\n內文\n\n## 3. C 上線\n內文\n",
        "## A 發布\n內文\n\n## B 更新\n內文\n",  # unnumbered: the `#` headings name the sections
    ],
    ids=["numbered", "named-sections"],
)
def test_level_one_sections_with_level_two_items(items: str) -> None:
    body = f"# 📰 今日焦點新聞\n\n{items}\n# 📌 重點整理\n- 一\n\n# 🔗 資料來源\n- x\n"
    sections = split_sections(body)
    assert [s.kind for s in sections] == ["news", "key_points", "sources"]
    assert sections[0].body.count("## ") == items.count("## ")
    # a title over `## ` sections, with a closing `#` heading, keeps level 2
    titled = "# AI 每日新聞\n## 本週模型趨勢\n趨勢\n## 今日要聞\n1) A\nb\n## 重點摘要\n- 一\n# 附錄\n完\n"
    assert [s.kind for s in split_sections(titled)] == ["preamble", "trend", "news", "key_points"]


def test_a_rule_closing_a_section_is_not_part_of_its_text() -> None:
    body = "## 趨勢\n程式代理成為標配。\n\n---\n\n## 新聞\n### A\nA 的內文。\n\n***\n"
    assert [s.body for s in split_sections(body)] == ["程式代理成為標配。", "### A\nA 的內文。"]


def test_a_rule_between_items_stays_inside_the_section() -> None:
    body = "## 新聞\n### A\nA 的內文。\n\n---\n\n### B\nB 的內文。\n"
    assert split_sections(body)[0].body == "### A\nA 的內文。\n\n---\n\n### B\nB 的內文。"


ONE_ITEM_SECTIONS = (
    "> **更正**：本文稍早版本誤植金額，已修正。\n\n"
    "## Anthropic 完成 300 億美元 G 輪融資 {#news-1}\nAnthropic 宣布完成融資。\n#Anthropic #融資\n\n"
    "## 🏗️ Stargate 阿比林園區第二期啟用\nOracle 宣布第二期上線。\n\n> 來源：[X](https://x.com/a)\n\n"
    "## 重點 {#takeaways}\n- 估值升至 3,800 億美元。\n- 第二期上線。\n\n"
    "## 來源\n- [A](https://a.com)\n"
)


def test_sections_that_are_one_item_each_are_the_news() -> None:
    """No heading names the news: a run of headline headings over prose is it, item by item."""
    sections = split_sections(ONE_ITEM_SECTIONS)
    assert [s.kind for s in sections] == ["preamble", "news", "news", "key_points", "sources"]
    post = parse_post("---\nmodel: claude\ndate: 2026-02-05\n---\n" + ONE_ITEM_SECTIONS, "x.md")
    assert [(i.position, i.headline) for i in post.items] == [
        (1, "Anthropic 完成 300 億美元 G 輪融資"),
        (2, "Stargate 阿比林園區第二期啟用"),
    ]
    assert post.items[1].body.startswith("Oracle 宣布第二期上線。")
    assert len(post.key_points) == 2
    assert post.warnings == ()


@pytest.mark.parametrize(
    "body",
    [
        # names of sections, not headlines
        "## 結語\n今天的新聞到此。\n\n## 編者按\n本報由 AI 整理。\n",
        "## Closing remarks\nThat is all.\n\n## About us\nWe write daily.\n",
        # one headline section alone is no run
        "## Anthropic 完成 300 億美元 G 輪融資\n內文。\n\n## 結語\n今天到此。\n",
        # named sections, even long-named ones, stay what they are
        "## 本週開源模型發展趨勢觀察\n一段。\n\n## 今日 AI 產業動態深度分析\n一段。\n",
        # a headline section holding a list is not one item
        "## Anthropic 完成 300 億美元 G 輪融資\n- 一\n- 二\n\n## Claude 取得美國 FedRAMP High 授權\n- 一\n",
    ],
    ids=["short-names", "english-names", "lone", "named-kinds", "lists"],
)
def test_sections_that_are_not_one_item_each_stay_as_they_are(body: str) -> None:
    assert all(s.kind != "news" for s in split_sections(body))


@pytest.mark.parametrize(
    "body",
    [
        "> [!TIP] 今日重點\n> - A 發布。\n> - B 融資。\n\n### 🚀 A 發布新模型\n內文。\n",
        "早安！\n\n今日重點：\n- A 發布。\n- B 融資。\n\n資料來源：\n- [A](https://a.com)\n",
        "今日消息共兩則。\n\n**重點**\n\n* A 發布。\n* B 融資。\n\n來源：[A](https://a.com)\n",
    ],
    ids=["alert", "colon-labels", "bold-label"],
)
def test_key_points_named_by_a_label_before_the_first_heading(body: str) -> None:
    post = parse_post("---\nmodel: qwen\ndate: 2026-02-11\n---\n" + body, "x.md")
    assert post.key_points == ("A 發布。", "B 融資。")


def test_a_labelled_list_ends_at_the_paragraph_after_it() -> None:
    sections = split_sections("導言。\n\n資料來源：\n- [A](https://a.com)\n\n以上。\n\n## 結語\n完。\n")
    assert [(s.position, s.heading, s.kind, s.body) for s in sections] == [
        (0, "", "preamble", "導言。\n\n以上。"),
        (1, "資料來源", "sources", "- [A](https://a.com)"),
        (2, "結語", "other", "完。"),
    ]


@pytest.mark.parametrize(
    "preamble",
    [
        "> [!NOTE]\n> 本文由 AI 彙整。\n",
        "以下是今日新聞：\n- A\n",
        "這是一個很長很長的句子說明今日的重點如下：\n- A\n",
    ],
    ids=["untitled-alert", "news-label", "sentence"],
)
def test_text_that_labels_no_key_points_or_sources_stays_in_the_preamble(preamble: str) -> None:
    assert [s.kind for s in split_sections(preamble + "\n## 今日要聞\n- A\n")] == ["preamble", "news"]


FRONT = "---\nmodel: gpt\ndate: 2026-02-03\n---\n"


@pytest.mark.parametrize(
    ("heading", "body", "kind"),
    [
        ("小結", "- A 發布。\n- B 融資。", "key_points"),
        ("總結", "1. A 發布。\n2. B 融資。", "key_points"),
        ("Recap", "- A ships.\n- B raises.", "key_points"),
        ("小结", "- A 发布。", "key_points"),
        # a recap of prose is no list of points; `回顧` may list earlier posts
        ("總結", "今天的新聞顯示 A 與 B 持續競爭。", "other"),
        ("本週回顧", "- 02/03：[A](/2026/02/03/)", "other"),
        ("Today in AI", "### A ships\nA body.", "news"),
    ],
)
def test_section_kind_reads_a_recap_heading_by_its_list(heading: str, body: str, kind: str) -> None:
    assert [s.kind for s in split_sections(f"## {heading}\n{body}\n")] == [kind]


def test_a_one_line_headline_list_after_the_lead_story_is_news_too() -> None:
    body = (
        "## 今日頭條\n### A 開放免費使用\nA 宣布免費。\n\n"
        "## 快訊\n- B 推出 Windows 版 ｜ [V](https://v.com/b)\n- C 開始營運 ｜ [N](https://n.com/c)\n\n"
        "## 新聞重點\n- A 免費\n- B 登陸 Windows\n"
    )
    assert [s.heading for s in news_sections(split_sections(body))] == ["今日頭條", "快訊"]
    # a later news list of sentences is no list of headlines
    sentences = "## 今日要聞\n### A 開放\nA 宣布。\n\n## 更多新聞\n- A 免費了。\n- B 登陸 Windows。\n"
    assert [s.heading for s in news_sections(split_sections(sentences))] == ["今日要聞"]


def test_bracketed_labels_over_a_list_are_sections_anywhere() -> None:
    body = (
        "# 日報\n\n**【產品】**\n\n- A 發布\n  A 的內文。\n- C 更新\n  C 的內文。\n\n"
        "**【本日重點】**\n- A 發布\n- B 融資\n\n【資料來源】\n- [A](https://a.com)\n"
    )
    sections = split_sections(body)
    assert [(s.position, s.heading, s.kind) for s in sections] == [
        (1, "日報", "news"),
        (2, "本日重點", "key_points"),
        (3, "資料來源", "sources"),
    ]
    assert sections[0].body == "**【產品】**\n\n- A 發布\n  A 的內文。\n- C 更新\n  C 的內文。"
    assert sections[1].body == "- A 發布\n- B 融資"
    # over no list, a bracketed label stays in its text
    no_list = "## 今日新聞\n### A 發布\n內文。\n\n**【資料來源】**\nOpenAI 官方部落格。\n"
    assert [s.kind for s in split_sections(no_list)] == ["news"]


def test_emoji_labels_before_the_first_heading_name_key_points_and_sources() -> None:
    body = (
        "今天的新聞有兩則：\n\n🔹 A 延長推理時間\n  ↳ A 的內文。\n\n🔹 B 開放微調\n  ↳ B 的內文。\n\n"
        "📝 三句話總結\n• A 想更久。\n• B 可微調。\n\n🔗 來源\n• https://a.com\n"
    )
    post = parse_post(FRONT + body, "x.md")
    assert [(s.heading, s.kind) for s in post.sections] == [
        ("", "news"),
        ("三句話總結", "key_points"),
        ("來源", "sources"),
    ]
    assert post.key_points == ("A 想更久。", "B 可微調。")
    assert [i.headline for i in post.items] == ["A 延長推理時間", "B 開放微調"]


@pytest.mark.parametrize(
    "layout",
    ["{: .summary}\n", "{:toc}\n", "<!--more-->\n", "<!-- 註解 -->\n"],
)
def test_layout_lines_are_no_text(layout: str) -> None:
    sections = split_sections(f"導言。\n{layout}\n## 重點摘要\n{layout}\n- A\n- B\n")
    assert [s.body for s in sections] == ["導言。", "- A\n- B"]


def test_a_kramdown_toc_placeholder_is_layout() -> None:
    assert split_sections("導言。\n\n* TOC\n{:toc}\n\n## 新聞\n- A\n")[0].body == "導言。"


def test_an_html_heading_over_markdown_is_a_heading() -> None:
    body = (
        "<h2>今日焦點</h2>\n\n<h3>A 開源</h3>\nA 的內文。<br>\n\n<h2 class='kp'>重點整理</h2>\n\n- A 開源\n"
    )
    sections = split_sections(body)
    assert [(s.heading, s.kind) for s in sections] == [("今日焦點", "news"), ("重點整理", "key_points")]
    assert sections[0].body == "### A 開源\nA 的內文。<br>"
    # one over HTML blocks stays HTML: that part of the post is not read as markdown
    html = "<h2>今日新聞</h2>\n\n<details>\n<summary>A</summary>\nA 的內文。\n</details>\n"
    assert [s.kind for s in split_sections(html)] == ["preamble"]
