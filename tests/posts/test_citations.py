"""Which item each link of a post backs: hand-written items, links and labels, never the seeds."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from digest_pipeline.posts import CitedLink, NewsItem, normalize_url, parse_post
from digest_pipeline.posts.citations import MIN_LEAD, MIN_TITLE_SHARE, attribute_links

FAST = settings(max_examples=100, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])

ITEMS = (
    NewsItem(
        1, "Claude Opus 5 上線", "Anthropic 發布 Claude Opus 5，長上下文推理大幅提升，企業客戶可即日試用。"
    ),
    NewsItem(
        2, "資本市場：軟體股賣壓擴大", "新模型發布後，多家 SaaS 公司股價下跌，投資人擔憂代理工具取代訂閱。"
    ),
    NewsItem(3, "歐盟啟動 AI 法案稽核", "歐盟執委會宣布對通用模型供應商展開首輪稽核，要求揭露訓練資料摘要。"),
)


def link(position: int, title: str) -> CitedLink:
    return CitedLink(position, title, normalize_url(f"https://news.example.com/{position}"))


def cited(items: tuple[NewsItem, ...]) -> dict[int, tuple[int, ...]]:
    return {item.position: item.cited for item in items if item.cited}


def test_each_link_goes_to_the_item_whose_text_holds_its_title():
    links = (
        link(1, "歐盟執委會展開通用模型稽核，供應商須揭露訓練資料"),
        link(2, "Anthropic 發布 Claude Opus 5：長上下文推理再升級"),
        link(3, "SaaS 股價下跌，投資人擔憂 AI 代理取代訂閱"),
    )
    assert cited(attribute_links(ITEMS, links)) == {1: (2,), 2: (3,), 3: (1,)}


def test_a_feed_page_or_an_unrelated_title_backs_no_item():
    links = (
        link(1, "AASTOCKS 財經新聞 - Alibaba Group Holding Limited (BABA)"),
        link(2, "市場新聞內頁｜第一銀行"),
    )
    assert cited(attribute_links(ITEMS, links)) == {}


def test_a_title_two_items_match_alike_backs_neither():
    items = (
        NewsItem(1, "OpenAI 發布新模型", "OpenAI 發布新模型，主打推理。"),
        NewsItem(2, "OpenAI 發布新工具", "OpenAI 發布新工具，主打推理。"),
    )
    assert cited(attribute_links(items, (link(1, "OpenAI 發布新品，主打推理"),))) == {}


def test_the_share_and_the_lead_are_thresholds_not_a_guess():
    # A title of four terms with one in the item: 0.25 share, attributed only at the threshold.
    item = (NewsItem(1, "阿爾法", "阿爾法"),)
    one_of_four = link(1, "阿爾 zz yy xx")
    assert MIN_TITLE_SHARE == 0.25
    assert cited(attribute_links(item, (one_of_four,))) == {1: (1,)}
    assert cited(attribute_links(item, (link(1, "阿爾 zz yy xx ww"),))) == {}  # 0.2
    # Ahead of the other item by one term in twenty (0.05): enough; by none: neither.
    title = link(1, "阿爾 " + " ".join(f"w{n}" for n in range(19)))
    ahead = (NewsItem(1, "阿爾法", "w1 w2 w3 w4 w5"), NewsItem(2, "阿爾法", "w1 w2 w3 w4"))
    assert MIN_LEAD == 0.05
    assert cited(attribute_links(ahead, (title,))) == {1: (1,)}
    assert cited(attribute_links((ahead[0], ahead[0]), (title,))) == {}


@pytest.mark.parametrize("items,links", [((), (link(1, "Claude Opus 5"),)), (ITEMS, ())])
def test_nothing_to_attribute_leaves_the_items_as_they_are(items, links):
    assert attribute_links(items, links) == items


def test_a_parsed_post_records_which_of_its_sources_each_item_reports():
    text = "\n".join(
        [
            "---",
            "title: 每日動態",
            "date: 2026-03-02",
            "model: claude",
            "---",
            "## 📰 新聞焦點",
            "1) Claude Opus 5 上線",
            "Anthropic 發布 Claude Opus 5，長上下文推理大幅提升。",
            "2) 歐盟啟動 AI 法案稽核",
            "歐盟執委會宣布對通用模型供應商展開稽核。",
            "## 🔗 資料來源",
            "- [Quote page - ABC Holdings](https://quotes.example.com/abc)",
            "- [歐盟執委會展開通用模型稽核](https://eu.example.org/audit)",
            "- [Anthropic 發布 Claude Opus 5](https://news.example.com/opus-5)",
        ]
    )
    post = parse_post(text, "any-name.md")
    assert [link.link.url for link in post.links][1:] == [
        "https://eu.example.org/audit",
        "https://news.example.com/opus-5",
    ]
    assert [item.cited for item in post.items] == [(3,), (2,)]


words = st.sampled_from(
    ["Claude", "Opus", "Gemini", "發布", "上線", "股價", "下跌", "稽核", "歐盟", "模型", "推理"]
)
phrases = st.lists(words, min_size=0, max_size=8).map(" ".join)


@FAST
@given(
    st.lists(st.tuples(phrases, phrases), min_size=1, max_size=6),
    st.lists(phrases, min_size=1, max_size=12),
)
def test_every_link_backs_at_most_one_item_and_the_items_are_otherwise_kept(texts, titles):
    items = tuple(NewsItem(n, headline, body) for n, (headline, body) in enumerate(texts, 1))
    links = tuple(link(n, title) for n, title in enumerate(titles, 1))
    attributed = attribute_links(items, links)
    positions = [p for item in attributed for p in item.cited]
    assert len(positions) == len(set(positions))
    assert set(positions) <= {lk.position for lk in links}
    assert all(list(item.cited) == sorted(item.cited) for item in attributed)
    assert [dataclasses.replace(item, cited=()) for item in attributed] == list(items)


def test_a_link_written_in_an_item_backs_that_item_whatever_its_title_says():
    """Where a link is written is surer than its title: `（[來源](url)）` in the third item is
    the third item's, though the title's words are the first item's; an item writing the same
    page another way (http, a tracking parameter) cites it too."""
    items = (
        ITEMS[0],
        dataclasses.replace(ITEMS[1], body=ITEMS[1].body + "（http://news.example.com/1?utm_source=x）"),
        dataclasses.replace(ITEMS[2], body=ITEMS[2].body + "（[來源](https://news.example.com/1)）"),
    )
    attributed = attribute_links(items, (link(1, "Anthropic 發布 Claude Opus 5"),))
    assert cited(attributed) == {2: (1,), 3: (1,)}


def test_an_item_cites_a_link_by_its_footnote_or_reference_label():
    items = (
        NewsItem(1, "A 發布", "A 的內文。[1][2]"),
        NewsItem(2, "B 上線", "B 的內文。[B 官網][b]"),
        NewsItem(3, "C 融資", "C 的內文，見 [^3]。"),
    )
    links = tuple(
        dataclasses.replace(link(position, "無關的標題"), label=label)
        for position, label in ((1, "1"), (2, "2"), (3, "3"), (4, "b"))
    )
    assert cited(attribute_links(items, links)) == {1: (1, 2), 2: (4,), 3: (3,)}


def test_a_bracketed_number_that_labels_no_link_cites_nothing():
    items = (NewsItem(1, "排名 [1] 的模型", "內文 [9]。"),)
    assert cited(attribute_links(items, (link(1, "無關的標題"),))) == {}


def test_footnotes_in_a_whole_post_cite_the_numbered_sources():
    text = (
        "---\nmodel: claude\ndate: 2026-02-05\n---\n## 新聞\n"
        "**A 發布新政策**\nA 更新其政策。[1]\n\n**B 公布系統卡**\nB 說明測試結果。[2]\n\n"
        "## 參考資料\n[1] [A: Policy v3](https://a.example.com/p)\n"
        "[2] [B: System Card](https://b.example.com/c)\n"
    )
    post = parse_post(text, "post.md")
    assert [item.cited for item in post.items] == [(1,), (2,)]
