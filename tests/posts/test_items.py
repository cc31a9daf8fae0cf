"""News items, key points and inline attributions, read from small markdown fragments."""

from __future__ import annotations

import re

import pytest

from digest_pipeline.posts.items import (
    extract_outlets,
    opens_with_item_number,
    parse_key_points,
    parse_news_items,
)

H1, B1 = "OpenAI 發布 GPT-5 與 ChatGPT 新介面", "OpenAI 宣布 GPT-5 正式上線，Plus 用戶可優先使用。"
H2, B2 = "Sora 2 登上 App Store 榜首", "Sora 2 iOS App 上架一週即衝上美國區免費榜第一。"
H3, B3 = "Codex 整合進 GitHub Copilot", "GitHub 表示 Copilot 的 agent 模式可直接呼叫 Codex。"

# Every list style a site might use for the same three items: (style id, markdown, list_style).
STYLES = [
    ("paren-number + paragraph", f"1) {H1}\n{B1}\n\n2) {H2}\n{B2}\n\n3) {H3}\n{B3}\n", "numbered"),
    ("dot-number + paragraph", f"1. {H1}\n{B1}\n\n2. {H2}\n{B2}\n\n3. {H3}\n{B3}\n", "numbered"),
    ("ideographic comma number", f"1、{H1}\n{B1}\n\n2、{H2}\n{B2}\n\n3、{H3}\n{B3}\n", "numbered"),
    ("(1) number", f"(1) {H1}\n{B1}\n\n(2) {H2}\n{B2}\n\n(3) {H3}\n{B3}\n", "numbered"),
    (
        "full-width （1） number",
        f"（1）{H1}\n{B1}\n\n（2）{H2}\n{B2}\n\n（3）{H3}\n{B3}\n",
        "numbered",
    ),
    ("full-width digits １）", f"１）{H1}\n{B1}\n\n２）{H2}\n{B2}\n\n３）{H3}\n{B3}\n", "numbered"),
    ("chinese numeral 一、", f"一、{H1}\n{B1}\n\n二、{H2}\n{B2}\n\n三、{H3}\n{B3}\n", "numbered"),
    ("dash + indented body", f"- {H1}\n  {B1}\n\n- {H2}\n  {B2}\n\n- {H3}\n  {B3}\n", "bullet"),
    (
        "dash + nested bullet body",
        f"- {H1}\n  - {B1}\n- {H2}\n  - {B2}\n- {H3}\n  - {B3}\n",
        "bullet",
    ),
    (
        "dash + 4-space nested",
        f"- {H1}\n    - {B1}\n- {H2}\n    - {B2}\n- {H3}\n    - {B3}\n",
        "bullet",
    ),
    ("dash + tab-indented body", f"- {H1}\n\t{B1}\n- {H2}\n\t{B2}\n- {H3}\n\t{B3}\n", "bullet"),
    (
        "number then top-level dash body",
        f"1) {H1}\n- {B1}\n\n2) {H2}\n- {B2}\n\n3) {H3}\n- {B3}\n",
        "numbered",
    ),
    ("one line full-width colon", f"1) {H1}：{B1}\n2) {H2}：{B2}\n3) {H3}：{B3}\n", "numbered"),
    ("one line ascii colon", f"1. {H1}: {B1}\n2. {H2}: {B2}\n3. {H3}: {B3}\n", "numbered"),
    ("one line em dash", f"- {H1} — {B1}\n- {H2} — {B2}\n- {H3} — {B3}\n", "bullet"),
    ("star bullets", f"* {H1}\n  {B1}\n\n* {H2}\n  {B2}\n\n* {H3}\n  {B3}\n", "bullet"),
    ("bullet dot •", f"• {H1}\n{B1}\n\n• {H2}\n{B2}\n\n• {H3}\n{B3}\n", "bullet"),
    ("### sub-headings", f"### {H1}\n{B1}\n\n### {H2}\n{B2}\n\n### {H3}\n{B3}\n", "heading"),
    (
        "#### numbered sub-headings",
        f"#### 1. {H1}\n{B1}\n\n#### 2) {H2}\n{B2}\n\n#### 3、{H3}\n{B3}\n",
        "heading",
    ),
    ("bold lines", f"**{H1}**\n{B1}\n\n**{H2}**\n{B2}\n\n**{H3}**\n{B3}\n", "bold"),
    ("bold lines with colon", f"**{H1}：**\n{B1}\n\n**{H2}**：\n{B2}\n\n__{H3}__\n{B3}\n", "bold"),
    (
        "numbered bold headline",
        f"1. **{H1}**\n{B1}\n\n2. **{H2}**\n{B2}\n\n3. **{H3}**\n{B3}\n",
        "numbered",
    ),
    (
        "bullet bold lead + body",
        f"- **{H1}**：{B1}\n- **{H2}** — {B2}\n- **{H3}**: {B3}\n",
        "bullet",
    ),
    (
        "indented list",
        f"  1. {H1}\n     {B1}\n  2. {H2}\n     {B2}\n  3. {H3}\n     {B3}\n",
        "numbered",
    ),
    (
        "CRLF line ends",
        f"1) {H1}\r\n{B1}\r\n\r\n2) {H2}\r\n{B2}\r\n\r\n3) {H3}\r\n{B3}\r\n",
        "numbered",
    ),
    (
        "trailing spaces (md line break)",
        f"1) {H1}  \n{B1}  \n\n2) {H2}  \n{B2}\n\n3) {H3}  \n{B3}\n",
        "numbered",
    ),
    ("no blank lines between items", f"1) {H1}\n{B1}\n2) {H2}\n{B2}\n3) {H3}\n{B3}\n", "numbered"),
    (
        "keycap emoji + bold, blank lines",
        f"1\ufe0f\u20e3 **{H1}**\n\n{B1}\n\n2\ufe0f\u20e3 **{H2}**\n\n{B2}\n\n3\u20e3 **{H3}**\n\n{B3}\n",
        "numbered",
    ),
    (
        "parenthesised numeral （一）",
        f"（一）{H1}\n{B1}\n\n（二）{H2}\n{B2}\n\n(三) {H3}\n{B3}\n",
        "numbered",
    ),
    ("circled number ①", f"① {H1}\n{B1}\n\n② {H2}\n{B2}\n\n③ {H3}\n{B3}\n", "numbered"),
    ("one line CJK dash ——", f"1. {H1}——{B1}\n2. {H2} —— {B2}\n3. {H3}——{B3}\n", "numbered"),
    ("numbered bold lines", f"**1. {H1}**\n{B1}\n\n**2. {H2}**\n{B2}\n\n**3. {H3}**\n{B3}\n", "bold"),
    (
        "linked sub-headings",
        f"### [{H1}](https://a.example/1)\n{B1}\n\n### [{H2}](https://a.example/2)\n{B2}\n\n"
        f"### [{H3}](https://a.example/(3))\n{B3}\n",
        "heading",
    ),
    ("bar after the number", f"#### 1｜{H1}\n{B1}\n\n#### 2 | {H2}\n{B2}\n\n#### 3｜{H3}\n{B3}\n", "heading"),
    (
        "sub-numbered headings of a numbered document",
        f"### 2.1 {H1}\n{B1}\n\n### 2.2. {H2}\n{B2}\n\n### 2.3 {H3}\n{B3}\n",
        "heading",
    ),
    ("dash sub-numbers", f"### 2-1 {H1}\n{B1}\n\n### 2-2 {H2}\n{B2}\n\n### 2-3 {H3}\n{B3}\n", "heading"),
    (
        "time of day before the headline",
        f"**08:15** {H1}\n{B1}\n\n**10:40** {H2}\n{B2}\n\n**21:00** {H3}\n{B3}\n",
        "paragraph",
    ),
    (
        "bracketed time in a list",
        f"- [08:15] {H1}\n  {B1}\n- [9:05 AM] {H2}\n  {B2}\n- 14:05 {H3}\n  {B3}\n",
        "bullet",
    ),
    (
        "emoji before heading words",
        f"### 🚀 {H1}\n{B1}\n\n### 🏗\ufe0f {H2}\n{B2}\n\n### 👩\u200d💻{H3}\n{B3}\n",
        "heading",
    ),
    ("definition list", f"{H1}\n: {B1}\n\n{H2}\n: {B2}\n\n{H3}\n\n: {B3}\n", "definition"),
    (
        "colon-ended headline paragraphs",
        f"今日三則：\n\n{H1}：\n\n{B1}\n\n{H2}：\n\n{B2}\n\n{H3}:\n\n{B3}\n",
        "paragraph",
    ),
    (
        "table with a number column",
        f"| # | 新聞 | 說明 |\n|---|---|---|\n| 1 | {H1} | {B1} |\n| 2 | {H2} | {B2} |\n"
        f"| 3 | {H3} | {B3} |\n",
        "table",
    ),
]

LEFTOVER_MARKUP = re.compile(r"^\s*(?:[-*+•]\s|\d{1,3}[.)、]|[(（]\d|#)|\*\*|__")


@pytest.mark.parametrize(("markdown", "style"), [s[1:] for s in STYLES], ids=[s[0] for s in STYLES])
def test_every_list_style_gives_the_same_three_items(markdown: str, style: str) -> None:
    items = parse_news_items(markdown)
    assert [(i.position, i.headline, i.body) for i in items] == [
        (1, H1, B1),
        (2, H2, B2),
        (3, H3, B3),
    ]
    assert {i.list_style for i in items} == {style}
    for item in items:
        assert not LEFTOVER_MARKUP.search(item.headline), item.headline


def test_multi_line_body_keeps_every_line_and_drops_body_bullet_markers() -> None:
    md = (
        "1) Le Chat 新增 Memories\n"
        "- Le Chat 推出記憶功能。\n"
        "- 企業版另提供本地部署選項。\n"
        "\n"
        "2) Magistral 1.2 支援影像\n"
        "- 推理模型新增影像輸入。\n"
    )
    items = parse_news_items(md)
    assert [i.headline for i in items] == ["Le Chat 新增 Memories", "Magistral 1.2 支援影像"]
    assert items[0].body == "Le Chat 推出記憶功能。\n企業版另提供本地部署選項。"


def test_nested_numbered_list_stays_in_the_body_of_a_bullet_item() -> None:
    md = "- Gemini 3 發布\n  1. 推理能力提升\n  2. 價格不變\n- Veo 3 開放台灣\n  內文\n"
    items = parse_news_items(md)
    assert [i.headline for i in items] == ["Gemini 3 發布", "Veo 3 開放台灣"]
    assert items[0].body == "推理能力提升\n價格不變"


def test_heading_items_keep_bullet_bodies() -> None:
    md = "### Gemini 3 發布\n- 推理能力提升\n- 價格不變\n\n### Veo 3\n影片生成\n"
    items = parse_news_items(md)
    assert [(i.headline, i.body) for i in items] == [
        ("Gemini 3 發布", "推理能力提升\n價格不變"),
        ("Veo 3", "影片生成"),
    ]


def test_intro_line_before_the_first_item_is_not_an_item() -> None:
    md = (
        "本週共有兩則重要消息：\n\n"
        "1) Grok 4 Fast 上線\n價格大降。\n\n"
        "2) Grokipedia 上線\n收錄 88 萬篇條目。\n"
    )
    items = parse_news_items(md)
    assert [i.headline for i in items] == ["Grok 4 Fast 上線", "Grokipedia 上線"]
    assert all("本週共有" not in i.body for i in items)


def test_bold_intro_line_does_not_override_the_numbered_items() -> None:
    md = "**本週焦點**\n\n1. Grok 4 Fast 上線\n價格大降。\n2. Grokipedia 上線\n條目眾多。\n"
    assert [i.headline for i in parse_news_items(md)] == ["Grok 4 Fast 上線", "Grokipedia 上線"]


def test_stray_emphasis_lines_and_trailing_stars_are_dropped() -> None:
    md = (
        "1) Kimi K2 Thinking 開源**\n可連續呼叫工具 300 次。\n**\n\n2) OK Computer 上線\n可產生網站。\n\n**\n"
    )
    items = parse_news_items(md)
    assert [(i.headline, i.body) for i in items] == [
        ("Kimi K2 Thinking 開源", "可連續呼叫工具 300 次。"),
        ("OK Computer 上線", "可產生網站。"),
    ]


def test_horizontal_rule_ends_the_items_and_footer_is_dropped() -> None:
    md = "* Kimi K2 Thinking 開源\n  權重已釋出。\n\n---\n以上新聞整理自公開報導。\n"
    items = parse_news_items(md)
    assert [(i.headline, i.body) for i in items] == [("Kimi K2 Thinking 開源", "權重已釋出。")]


def test_rule_between_heading_items_does_not_lose_the_next_item() -> None:
    md = "### A 模型上線\n內文一\n\n---\n\n### B 模型更新\n內文二\n"
    assert [i.headline for i in parse_news_items(md)] == ["A 模型上線", "B 模型更新"]


def test_lines_inside_a_code_fence_never_start_items() -> None:
    md = "1) Claude Code 新指令\n範例：\n```\n2) not an item\n- nor this\n```\n2) Claude for Chrome\n內文\n"
    items = parse_news_items(md)
    assert [i.headline for i in items] == ["Claude Code 新指令", "Claude for Chrome"]
    assert "2) not an item" in items[0].body


def test_decimal_version_numbers_are_not_numbering() -> None:
    md = "1. GPT-4.1 上線\n3.5 版本將淘汰。\n\n2. o3 降價\n內文\n"
    items = parse_news_items(md)
    assert [(i.headline, i.body) for i in items] == [
        ("GPT-4.1 上線", "3.5 版本將淘汰。"),
        ("o3 降價", "內文"),
    ]


def test_excess_blank_lines_in_a_body_are_collapsed() -> None:
    (item,) = parse_news_items("1) A 發布\n\n\n\n第一段\n\n\n\n\n第二段\n")
    assert item.body == "第一段\n\n第二段"


def test_headline_with_inner_colon_is_kept_whole_when_a_body_follows() -> None:
    (item,) = parse_news_items("- 產業風向：黃仁勳點名 Qwen\n  在 CES 場邊談話中提及。\n")
    assert item.headline == "產業風向：黃仁勳點名 Qwen"
    assert item.body == "在 CES 場邊談話中提及。"


def test_sections_without_markers_read_one_item_per_paragraph() -> None:
    md = "Gemini 3 發布\n推理能力提升。\n\nVeo 3 開放台灣\n影片生成開放。\n"
    items = parse_news_items(md)
    assert [(i.headline, i.body, i.list_style) for i in items] == [
        ("Gemini 3 發布", "推理能力提升。", "paragraph"),
        ("Veo 3 開放台灣", "影片生成開放。", "paragraph"),
    ]


@pytest.mark.parametrize("markdown", ["", "\n\n", "   \n\t\n", "---\n", "**\n"])
def test_empty_sections_have_no_items(markdown: str) -> None:
    assert parse_news_items(markdown) == ()


def test_inline_attributions_name_the_outlets_of_each_item() -> None:
    md = (
        "1) Meta 使用 Qwen 開發 Avocado\n"
        "多家媒體報導此事（來源：moomoo、Yahoo Tech、udn）。\n\n"
        "2) Anthropic 推出 Claude 4\n"
        "官方部落格公布細節 (Source: Anthropic, TechCrunch)。\n\n"
        "3) 沒有標註來源的新聞\n"
        "內文。\n"
    )
    items = parse_news_items(md)
    assert [i.outlets for i in items] == [
        ("moomoo", "Yahoo Tech", "udn"),
        ("Anthropic", "TechCrunch"),
        (),
    ]


@pytest.mark.parametrize(
    ("text", "outlets"),
    [
        ("（來源：moomoo、Yahoo Tech、udn）", ("moomoo", "Yahoo Tech", "udn")),
        ("(Source: Reuters, The Verge)", ("Reuters", "The Verge")),
        ("(sources: Reuters; Bloomberg)", ("Reuters", "Bloomberg")),
        ("（資料來源：TechCrunch / Engadget）", ("TechCrunch", "Engadget")),
        ("（消息來源： 經濟日報 ）", ("經濟日報",)),
        ("(via: Hacker News)", ("Hacker News",)),
        ("（來源：A、B）又見（來源：B、C）", ("A", "B", "C")),  # de-duplicated, first-seen order
        ("（來源：news.aibase。）", ("news.aibase",)),
        ("這是一般括號（例如 GPT-5）不是來源", ()),
        # on a line of its own, unbracketed, bold or as a link; not inside a sentence
        ("Source: Reuters", ("Reuters",)),
        ("內文。\n來源：工商時報", ("工商時報",)),
        ("**來源**：[OpenAI Blog](https://openai.com/index/x)", ("OpenAI Blog",)),
        ("- **資料來源：** 路透社、CNBC", ("路透社", "CNBC")),
        ("據消息來源：路透社報導，交易接近完成。", ()),
        ("來源：據多家媒體綜合報導指出這筆交易的金額可能超過市場先前所有預期的數字", ()),
        ("", ()),
    ],
)
def test_extract_outlets(text: str, outlets: tuple[str, ...]) -> None:
    assert extract_outlets(text) == outlets


@pytest.mark.parametrize(
    ("markdown", "headline", "outlets"),
    [
        (
            "- OpenAI 發布 GPT-5（來源：Reuters、Bloomberg）\n",
            "OpenAI 發布 GPT-5",
            ("Reuters", "Bloomberg"),
        ),
        (
            "1) Anthropic 推出 Claude 4 (Source: TechCrunch, Wired)\n",
            "Anthropic 推出 Claude 4",
            ("TechCrunch", "Wired"),
        ),
    ],
    ids=["full-width", "ascii"],
)
def test_one_line_item_with_only_an_attribution(markdown: str, headline: str, outlets: tuple) -> None:
    (item,) = parse_news_items(markdown)
    whole_line = markdown.split(" ", 1)[1].strip()
    assert item.headline in (headline, whole_line)  # attribution dropped or kept whole, not cut
    assert item.outlets == outlets


@pytest.mark.parametrize("body_marker", ["- ", "1. "])
def test_bold_line_headlines_with_list_bodies(body_marker: str) -> None:
    md = (
        f"**DeepSeek-V3.2-Exp 發布**\n"
        f"{body_marker}導入稀疏注意力。\n{body_marker}API 降價五成。\n\n"
        f"**DeepSeek-OCR 開源**\n{body_marker}以視覺 token 壓縮長文件。\n"
    )
    items = parse_news_items(md)
    assert [i.headline for i in items] == ["DeepSeek-V3.2-Exp 發布", "DeepSeek-OCR 開源"]


@pytest.mark.parametrize(
    ("markdown", "points"),
    [
        ("- 第一點  \n- 第二點\n- 第三點\n", ("第一點", "第二點", "第三點")),
        ("1. 第一點\n2. 第二點\n", ("第一點", "第二點")),
        ("• 第一點\n• 第二點\n", ("第一點", "第二點")),
        ("* 第一點\n* 第二點\n", ("第一點", "第二點")),
        ("- 第一點\n  續行\n- 第二點\n", ("第一點 續行", "第二點")),
        ("- 第一點\n  - 子項\n- 第二點\n", ("第一點 子項", "第二點")),
        ("- **粗體重點**\n- 第二點**\n**\n", ("粗體重點", "第二點")),
        ("第一行\n第二行\n", ("第一行", "第二行")),
        ("- 第一點\n\n---\n- 第二點\n", ("第一點", "第二點")),
        ("✅ 種子輪規模創新高\n✅ 開源授權放寬\n", ("種子輪規模創新高", "開源授權放寬")),
        ("👉第一點\n👉 第二點\n", ("第一點", "第二點")),
        ("", ()),
    ],
)
def test_parse_key_points(markdown: str, points: tuple[str, ...]) -> None:
    assert parse_key_points(markdown) == points


@pytest.mark.parametrize(
    ("line", "headline", "body_start"),
    [
        # a category label, then the headline proper, then the body
        (
            "價格戰：某廠旗艦 API 全面降價五成，夜間優惠取消：該公司週一宣布，價格調降 50%。",
            "價格戰：某廠旗艦 API 全面降價五成，夜間優惠取消",
            "該公司週一宣布",
        ),
        (
            "Funding round: Acme raises $2B: the company said on Monday.",
            "Funding round: Acme raises $2B",
            "the company",
        ),
        # a sentence ends before the second colon: the first colon ends the headline
        ("資本市場：傳估值上看 3,000 億。分析師表示：仍需觀察。", "資本市場", "傳估值上看"),
        # the text before the first colon is not a label (digits, punctuation): it is the headline
        ("某廠發布 Nova-5.5：原生電腦操作，細節如下：一、長上下文。", "某廠發布 Nova-5.5", "原生電腦操作"),
        # the second colon is further than a headline runs
        ("監管動態：" + "甲" * 70 + "：乙。", "監管動態", "甲甲"),
    ],
)
def test_one_line_item_with_a_category_label(line: str, headline: str, body_start: str) -> None:
    (item,) = parse_news_items(f"1) {line}\n")
    assert item.headline == headline
    assert item.body.startswith(body_start)


@pytest.mark.parametrize("label", ["**為什麼重要：**", "**Why it matters:**", "**Why it matters**:"])
def test_a_bold_label_inside_a_bold_headline_item_is_body(label: str) -> None:
    md = f"**{H1}**\n{B1}\n{label}\n影響深遠。\n\n**{H2}**\n{B2}\n"
    items = parse_news_items(md)
    assert [i.headline for i in items] == [H1, H2]
    assert items[0].body.startswith(B1) and items[0].body.endswith("影響深遠。")
    assert "Why it matters" in items[0].body or "為什麼重要" in items[0].body


def test_a_recurring_bold_label_is_body_and_a_colon_ended_headline_still_heads_an_item() -> None:
    md = (
        f"**{H1}**\n{B1}\n\n**市場反應與後續觀察：**\n甲。\n\n"
        f"**{H2}**\n{B2}\n\n**市場反應與後續觀察：**\n乙。\n\n"
        f"**R2 延後的傳聞再起：**\n{B3}\n"
    )
    items = parse_news_items(md)
    assert [i.headline for i in items] == [H1, H2, "R2 延後的傳聞再起"]
    assert items[1].body.endswith("乙。")


def test_category_headings_over_deeper_item_headings_are_not_items() -> None:
    md = (
        "### 🏢 公司動態\n\n#### 1. A 發布\n內文A\n\n#### 2. B 上線\n內文B\n\n"
        "### 🧪 研究\n#### 3. C 開源\n內文C\n"
    )
    items = parse_news_items(md)
    assert [(i.headline, i.body) for i in items] == [
        ("A 發布", "內文A"),
        ("B 上線", "內文B"),
        ("C 開源", "內文C"),
    ]


@pytest.mark.parametrize("line", ["2024—2025 年度回顧", "GPT-4o—mini 上線", "A 與 B—C 合作"])
def test_a_single_dash_without_spaces_does_not_split_a_one_line_item(line: str) -> None:
    (item,) = parse_news_items(f"1. {line}\n")
    assert (item.headline, item.body) == (line, "")


def test_circled_sub_points_under_numbered_items_stay_in_the_body() -> None:
    md = "1. A 發布\n① 推理提升\n② 價格不變\n\n2. B 上線\n內文\n"
    items = parse_news_items(md)
    assert [(i.headline, i.body) for i in items] == [("A 發布", "推理提升\n價格不變"), ("B 上線", "內文")]


def test_a_table_title_column_is_found_by_its_header_and_emphasis_is_dropped() -> None:
    md = "今日重點如下。\n\n| 類別 | Headline | 說明 |\n|---|---|---|\n| 產品 | **A** 發布 | 內文 |\n"
    (item,) = parse_news_items(md)
    assert (item.headline, item.body, item.list_style) == ("A 發布", "產品\n內文", "table")


def test_a_table_inside_a_listed_item_stays_in_its_body() -> None:
    md = "1. A 發布\n| 規格 | 值 |\n|---|---|\n| 上下文 | 1M |\n2. B 上線\n內文\n"
    items = parse_news_items(md)
    assert [i.headline for i in items] == ["A 發布", "B 上線"]
    assert "| 上下文 | 1M |" in items[0].body


@pytest.mark.parametrize(
    ("markdown", "points"),
    [
        (
            "| 主題 | 重點 | 影響 |\n| --- | --- | --- |\n| K2 | 榜首 | 能見度 |\n| 價格 | 降價 |\n",
            ("K2：榜首；能見度", "價格：降價"),
        ),
        ("| # | 重點 |\n|---|---|\n| 1 | 第一點 |\n| 2 | 第二點 |\n", ("第一點", "第二點")),
        ("> 第一點。\n> 第二點。\n", ("第一點。", "第二點。")),
        ("> - 第一點\n> - 第二點\n", ("第一點", "第二點")),
    ],
    ids=["table", "numbered table", "blockquote lines", "blockquote list"],
)
def test_key_points_from_tables_and_blockquotes(markdown: str, points: tuple[str, ...]) -> None:
    assert parse_key_points(markdown) == points


def test_a_title_label_before_the_headline_is_no_headline() -> None:
    md = (
        "1. **標題**：Google 搜尋全面推出 AI Mode\n   **摘要**：全球 180 國上線。\n"
        "2. **Title:** OpenAI 收購瀏覽器新創\n   **摘要**：約 6 億美元。\n"
    )
    items = parse_news_items(md)
    assert [i.headline for i in items] == ["Google 搜尋全面推出 AI Mode", "OpenAI 收購瀏覽器新創"]
    assert items[0].body == "**摘要**：全球 180 國上線。"


def test_symbol_bullets_mark_items() -> None:
    md = "✅ **A 發布新模型**\nA 的內文。\n✅ **B 完成融資**\nB 的內文。\n"
    assert [(i.headline, i.body) for i in parse_news_items(md)] == [
        ("A 發布新模型", "A 的內文。"),
        ("B 完成融資", "B 的內文。"),
    ]


def test_a_definition_list_item_keeps_every_definition_and_an_intro_is_no_item() -> None:
    md = "今日消息共兩則。\n\nA 發布新模型\n: 第一段。\n: 第二段。\n\nB 完成融資\n: B 的內文。\n"
    assert [(i.headline, i.body) for i in parse_news_items(md)] == [
        ("A 發布新模型", "第一段。\n第二段。"),
        ("B 完成融資", "B 的內文。"),
    ]


@pytest.mark.parametrize(
    ("markdown", "headlines"),
    [
        ("### 3.5 億美元融資完成\n內文\n", ["3.5 億美元融資完成"]),  # a lone figure, no numbering
        ("### 1.5 倍速度\n內文\n\n### 3.2 億用戶\n內文\n", ["1.5 倍速度", "3.2 億用戶"]),  # not 1, 2
        ("### 2.1 A 上線\n內文\n\n### 3.2 B 上線\n內文\n", ["2.1 A 上線", "3.2 B 上線"]),  # two sections
        ("- 16:9 螢幕版上線\n  內文\n- 1:1 對話\n  內文\n", ["16:9 螢幕版上線", "1:1 對話"]),  # ratios
        ("- 9:16 直式影片上線\n  內文\n- 4:30 長片\n  內文\n", ["9:16 直式影片上線", "4:30 長片"]),
        ("### 1 | 2 | 3 名次\n內文\n", ["1 | 2 | 3 名次"]),  # a pipe-less table row is no number
    ],
)
def test_figures_that_look_like_numbering_or_times_stay_in_the_headline(
    markdown: str, headlines: list
) -> None:
    assert [i.headline for i in parse_news_items(markdown)] == headlines


def test_a_lone_colon_ended_intro_or_a_recurring_label_heads_no_paragraph() -> None:
    intro = "以下是今日新聞：\n\nA 發布新模型\nA 的內文。\n\nB 完成融資\nB 的內文。\n"
    assert [i.headline for i in parse_news_items(intro)] == ["A 發布新模型", "B 完成融資"]
    label = (
        "A 發布新模型\nA 的內文。\n\nWhy it matters:\n\n影響一。\n\n"
        "B 完成融資\nB 的內文。\n\nWhy it matters:\n\n影響二。\n"
    )
    assert [i.headline for i in parse_news_items(label)][:2] == ["A 發布新模型", "Why it matters"]


def test_item_numbers_with_a_bar_are_item_numbers() -> None:
    assert opens_with_item_number("1｜Qwen3.5-Max 登頂")
    assert not opens_with_item_number("1 | 2 | 3")


def test_a_section_of_quote_blocks_reads_one_item_per_block() -> None:
    md = "今天共整理兩則。\n\n> **A 發布新模型**\n> A 的內文。\n\n> **B 完成融資**\n> B 的內文。\n"
    assert [(i.headline, i.body, i.list_style) for i in parse_news_items(md)] == [
        ("A 發布新模型", "A 的內文。", "paragraph"),
        ("B 完成融資", "B 的內文。", "paragraph"),
    ]
    # A quote inside a listed item is no block item: it stays quoted in the item's body.
    in_item = "- A 發布新模型\n\n> 執行長說：很快。\n\n> 分析師說：很貴。\n"
    (item,) = parse_news_items(in_item)
    assert item.body == "> 執行長說：很快。\n\n> 分析師說：很貴。"


@pytest.mark.parametrize(
    ("markdown", "headlines"),
    [
        (
            "### I. A 上線\n內文\n\n### II. B 上線\n內文\n\n### III. C 上線\n內文\n",
            ["A 上線", "B 上線", "C 上線"],
        ),
        ("### Ⅰ、A 上線\n內文\n\n### Ⅱ、B 上線\n內文\n", ["A 上線", "B 上線"]),
        ("### [1/2] A 上線\n內文\n\n### [2/2] B 上線\n內文\n", ["A 上線", "B 上線"]),
        ("#1 A 上線\n\n內文\n\n#2 B 上線\n\n內文\n", ["A 上線", "B 上線"]),
        ("No.1 A 上線\n內文\n\nNo. 2 B 上線\n內文\n", ["A 上線", "B 上線"]),
        ("前言。\n\n第一則：A 上線\n\n內文\n\n第 2 則：B 上線\n\n內文\n", ["A 上線", "B 上線"]),
    ],
    ids=["roman", "roman cjk", "fraction", "hash number", "No.", "第一則"],
)
def test_item_numbers_written_as_words_or_counters_are_no_headline(markdown: str, headlines: list) -> None:
    assert [i.headline for i in parse_news_items(markdown)] == headlines


def test_roman_numbers_are_numbering_only_counting_from_one() -> None:
    def headlines(markdown: str) -> list[str]:
        return [i.headline for i in parse_news_items(markdown)]

    assert headlines("### IV. A 上線\n內文\n\n### V. B 上線\n內文\n") == ["IV. A 上線", "V. B 上線"]
    assert headlines("### V. A 上線\n內文\n\n### V3 開源\n內文\n") == ["V. A 上線", "V3 開源"]
    assert headlines("### I.B.M. 發布晶片\n內文\n\n### II. B 上線\n內文\n") == [
        "I.B.M. 發布晶片",
        "II. B 上線",
    ]
    assert headlines("### i. A 上線\n內文\n\n### ii. B 上線\n內文\n") == ["A 上線", "B 上線"]
    prose = "第一則消息指出 A 上線。\n\n第二則消息指出 B 上線。\n"  # an ordinal with no separator is prose
    assert headlines(prose) == ["第一則消息指出 A 上線。", "第二則消息指出 B 上線。"]


def test_a_body_under_an_item_numbered_with_a_hash_keeps_its_labels() -> None:
    md = "#1 A ships\n\nA's text.\n\n**Why it matters:** cheaper.\n\n#2 B ships\n\nB's text.\n"
    items = parse_news_items(md)
    assert [i.headline for i in items] == ["A ships", "B ships"]
    assert items[0].body == "A's text.\n\n**Why it matters:** cheaper."


def test_any_symbol_is_a_bullet_and_an_arrow_line_its_body() -> None:
    md = "今天有兩則：\n\n▸ A 發布新模型\n  ↳ A 的內文。\n\n▸ B 完成融資\n↳ B 的內文。\n🔗 [原文](https://b.example/)\n"
    assert [(i.headline, i.body) for i in parse_news_items(md)] == [
        ("A 發布新模型", "A 的內文。"),
        ("B 完成融資", "B 的內文。\n[原文](https://b.example/)"),
    ]


def test_a_lone_symbol_line_decorates_and_lists_decide() -> None:
    md = "✅ 今日新聞\n\n- A 發布新模型\n  A 的內文。\n- B 完成融資\n  B 的內文。\n"
    assert [i.headline for i in parse_news_items(md)] == ["A 發布新模型", "B 完成融資"]


def test_a_one_liner_source_after_a_bar_is_no_part_of_its_headline() -> None:
    md = "- A 推出 Windows 版 ｜ [The Verge](https://v.example/a)\n- B 降價 30% | [TC](https://t.example/b)\n"
    assert [(i.headline, i.body) for i in parse_news_items(md)] == [
        ("A 推出 Windows 版", "[The Verge](https://v.example/a)"),
        ("B 降價 30%", "[TC](https://t.example/b)"),
    ]
