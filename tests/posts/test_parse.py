"""Whole posts: decoding, the fixture posts of other sites, the seeds, and rejections."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from digest_pipeline.posts import PostRejected, decode_post, parse_post

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "posts"
SEEDS = ROOT / "seeds"

LIST_MARKER = re.compile(
    r"^\s*(?:[-*+•·]\s|\d{1,3}[.)）、]|[(（]\s*\d{1,3}\s*[)）]|[一二三四五六七八九十]{1,3}、|#)"
)


def load(name: str):
    path = FIXTURES / name
    return parse_post(decode_post(path.read_bytes()), name)


@dataclass(frozen=True)
class Expected:
    file: str
    model: str
    date: dt.date
    items: int
    headlines: dict[int, str]  # position -> headline
    key_points: int
    links: int
    style: str
    outlets: dict[int, tuple[str, ...]] = field(default_factory=dict)


EXPECTED = [
    Expected(
        file="gpt_daily_news.md",
        model="gpt",
        date=dt.date(2025, 11, 3),
        items=4,
        headlines={1: "GPT-5 推理模式開放免費用戶", 4: "Codex 整合進 GitHub Copilot 工作流程"},
        key_points=3,
        links=4,
        style="numbered",
        outlets={1: ("The Verge", "TechCrunch", "iThome"), 3: ("OpenAI Blog",)},
    ),
    Expected(
        file="gemini-digest-20251104.md",
        model="gemini",
        date=dt.date(2025, 11, 4),
        items=3,
        headlines={1: "Gemini 2.5 Flash-Lite 正式版上線", 2: "Veo 3 開放台灣與香港使用者"},
        key_points=4,
        links=3,
        style="heading",
        outlets={1: ("Google Developers Blog", "9to5Google"), 2: ()},
    ),
    Expected(
        file="Anthropic Claude 週報.md",
        model="claude",
        date=dt.date(2025, 11, 5),
        items=5,
        headlines={
            1: "Claude Sonnet 4.5 發布，主打長時間自主編程",
            5: "Claude 應用程式支援記憶功能",
        },
        key_points=5,
        links=6,
        style="bullet",
        outlets={1: ("Anthropic", "TechCrunch"), 4: ("Reuters", "Financial Times", "經濟日報")},
    ),
    Expected(
        file="xai-grok.2025-11-06.txt",
        model="grok",
        date=dt.date(2025, 11, 6),
        items=3,
        headlines={1: "xAI 發布 Grok 4 Fast", 3: "Grok Imagine 開放 Android 使用者"},
        key_points=3,
        links=4,
        style="numbered",
        outlets={1: ("xAI", "VentureBeat"), 2: ()},
    ),
    Expected(
        file="mistral-ai-digest.md",
        model="mistral",
        date=dt.date(2025, 11, 7),
        items=4,
        headlines={
            1: "ASML 領投 Mistral AI 17 億歐元 C 輪",
            2: "Le Chat 新增 Memories 與 20 多個 MCP 連接器",
        },
        key_points=4,
        links=5,
        style="numbered",
        outlets={1: ("Reuters", "Les Echos", "鉅亨網")},
    ),
    Expected(
        file="deepseek_20251108.md",
        model="deepseek",
        date=dt.date(2025, 11, 8),
        items=3,
        headlines={1: "DeepSeek-V3.2-Exp 導入稀疏注意力", 3: "R2 延後的傳聞再起"},
        key_points=3,
        links=3,
        style="bold",
        outlets={3: ("Financial Times", "Reuters")},
    ),
    Expected(
        file="llama-onelines.md",
        model="llama",
        date=dt.date(2025, 11, 9),
        items=3,
        headlines={1: "Meta 發布 Llama 4 Scout 與 Maverick", 2: "Llama API 開放預覽"},
        key_points=2,
        links=3,
        style="numbered",
        outlets={1: ("Meta AI Blog", "The Verge"), 3: ("CNBC",)},
    ),
    Expected(
        file="kimi.md",
        model="kimi",
        date=dt.date(2025, 11, 10),
        items=2,
        headlines={1: "Kimi K2 Thinking 開源", 2: "OK Computer 代理模式上線"},
        key_points=2,
        links=2,
        style="bullet",
        outlets={1: ("Moonshot AI", "SCMP")},
    ),
]


def test_every_fixture_has_expectations() -> None:
    on_disk = {p.name for p in FIXTURES.iterdir() if p.is_file()}
    assert on_disk == {e.file for e in EXPECTED}
    assert {"gpt", "gemini", "claude", "grok", "mistral", "deepseek"} <= {e.model for e in EXPECTED}


@pytest.mark.parametrize("exp", EXPECTED, ids=[e.model for e in EXPECTED])
def test_fixture_post(exp: Expected) -> None:
    post = load(exp.file)
    assert (post.identity.model, post.identity.post_date) == (exp.model, exp.date)
    assert post.identity.identity_source == "front_matter"
    assert post.identity.post_id == f"{exp.model}-{exp.date.isoformat()}"
    assert len(post.items) == exp.items
    assert [i.position for i in post.items] == list(range(1, exp.items + 1))
    for position, headline in exp.headlines.items():
        assert post.items[position - 1].headline == headline
    for position, outlets in exp.outlets.items():
        assert post.items[position - 1].outlets == outlets
    assert {i.list_style for i in post.items} == {exp.style}
    assert len(post.key_points) == exp.key_points
    assert len(post.links) == exp.links
    assert post.warnings == ()
    for item in post.items:
        assert item.headline and item.body
        assert "**" not in item.headline and "__" not in item.headline
        assert not LIST_MARKER.match(item.headline), item.headline
        assert not item.headline.endswith(("：", ":"))
        assert "**" not in item.body.splitlines()[-1]
    assert all(p and "**" not in p for p in post.key_points)
    assert [link.position for link in post.links] == list(range(1, exp.links + 1))


def test_gpt_preamble_stray_stars_and_missing_ai_summary() -> None:
    post = load("gpt_daily_news.md")
    assert post.sections[0].kind == "preamble"
    assert post.sections[0].body.startswith("> 本文由站內 AI 編輯整理")
    assert post.ai_summary is None
    assert post.image == "/"
    assert post.tags == ("GPT-5", "ChatGPT", "Sora 2", "OpenAI", "AI")
    assert post.items[-1].body.endswith("（來源：GitHub Blog、The Register、INSIDE）。")
    assert post.trend_summary is not None and post.trend_summary.startswith("OpenAI 本週動作頻繁")
    assert [link.link.url for link in post.links] == [
        "https://openai.com/index/gpt-5-for-everyone/",
        "https://www.theverge.com/news/sora-2-app-store",
        "https://openai.com/index/data-residency-asia/",
        "https://www.ithome.com.tw/news/171234?page=2",
    ]


def test_gemini_crlf_bom_timezone_comma_tags_and_image_mapping() -> None:
    raw = (FIXTURES / "gemini-digest-20251104.md").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw  # the quirks are really in the file
    post = load("gemini-digest-20251104.md")
    assert post.front_matter["date"] == "2025-11-04T00:30:00+08:00"
    assert post.tags == ("Gemini 2.5 Flash-Lite", "Google AI Studio", "Veo 3", "NotebookLM")
    assert post.categories == ("gemini",)
    assert post.image is not None and "/img/gemini-2025-11-04.png" in post.image
    assert not any("\r" in s.body or "\r" in s.heading for s in post.sections)
    assert all("\r" not in i.headline + i.body for i in post.items)
    assert post.links[-1].link.url == (
        "https://blog.google/technology/google-labs/notebooklm-video-overviews/"
    )


def test_gemini_parses_the_same_without_crlf_and_bom() -> None:
    text = (FIXTURES / "gemini-digest-20251104.md").read_bytes().decode("utf-8-sig")
    plain = parse_post(text.replace("\r\n", "\n"), "gemini.md")
    assert plain.items == load("gemini-digest-20251104.md").items


def test_claude_bracketed_titles_parenthesised_urls_and_broken_escape() -> None:
    post = load("Anthropic Claude 週報.md")
    assert post.image == "//assets/img/posts/2025-11-05-claude-infographic.png"
    titles = [link.title for link in post.links]
    assert "Claude Code [Beta] for VS Code - Visual Studio Marketplace" in titles
    assert "Claude for Chrome [Research Preview] - Anthropic" in titles
    urls = {link.title: link.link for link in post.links}
    assert urls["Anthropic (company) - Wikipedia"].url == "https://en.wikipedia.org/wiki/Anthropic_(company)"
    broken = urls["Deloitte 導入 Claude - 經濟日報"]
    assert broken.raw == "https://money.udn.com/money/story/5599/%E5%8B%3%B3-9101234"
    assert "broken percent-escape" in broken.problems
    assert broken.domain == "udn.com"
    assert urls["Claude 記憶功能 | Anthropic"].url == "https://www.anthropic.com/news/memory?ref=hn"
    assert [link.link.problems for link in post.links].count(()) == 5


def test_grok_bare_urls_and_folded_ai_summary() -> None:
    post = load("xai-grok.2025-11-06.txt")
    assert [(link.title, link.link.url) for link in post.links] == [
        ("", "https://x.ai/news/grok-4-fast"),
        ("", "https://en.wikipedia.org/wiki/Grokipedia"),
        ("", "https://www.androidauthority.com/grok-imagine-android-3600000/"),
        ("", "https://venturebeat.com/ai/xai-grok-4-fast?id=42"),
    ]
    assert post.ai_summary is not None and "\n" not in post.ai_summary
    assert post.ai_summary.startswith("xAI 推出價格大降的 Grok 4 Fast")


def test_mistral_level_three_sections_and_missing_image() -> None:
    post = load("mistral-ai-digest.md")
    assert [s.kind for s in post.sections] == ["trend", "news", "analysis", "key_points", "sources"]
    assert post.image is None
    expected = "Le Chat 推出記憶功能，並整合 Notion、Asana、Stripe 等 MCP 連接器，免費方案亦可使用。"
    assert post.items[1].body == expected + "\n企業版另提供本地部署選項。"


def test_deepseek_bold_headlines_quoted_datetime_and_bullet_dot_key_points() -> None:
    post = load("deepseek_20251108.md")
    assert post.front_matter["date"] == "2025-11-08T21:15:00+08:00"
    assert post.key_points[0] == "V3.2-Exp 採稀疏注意力，API 降價逾五成。"
    assert post.links[-1].link.url == "https://www.ft.com/content/abc123?sharetype=gift"


def test_llama_one_line_items_split_headline_and_body() -> None:
    post = load("llama-onelines.md")
    assert post.items[1].body == "開發者可透過 Llama API 直接呼叫 Llama 4，並提供微調與評測工具。"
    assert post.tags == ("Llama 4", "Meta AI", "Llama API")


def test_kimi_footer_after_rule_and_minimal_front_matter() -> None:
    post = load("kimi.md")
    assert "以上新聞整理自公開報導" not in post.items[-1].body
    assert (post.tagline, post.ai_summary, post.image, post.categories) == (None, None, None, ())
    assert post.links[0].link.url == "https://moonshotai.github.io/Kimi-K2/thinking.html"


def test_seeds_parse_into_5_posts_24_items_50_links() -> None:
    posts = [parse_post(decode_post(p.read_bytes()), p.name) for p in sorted(SEEDS.iterdir())]
    assert len(posts) == 5
    assert sum(len(p.items) for p in posts) == 24
    assert sum(len(p.links) for p in posts) == 50
    assert {p.identity.model for p in posts} == {"qwen"}
    assert len({p.identity.post_id for p in posts}) == 5
    assert all(p.warnings == () for p in posts)


# --- decoding ---------------------------------------------------------------------------


def test_decode_post_drops_bom_and_normalises_line_ends() -> None:
    data = "\ufeff---\r\nmodel: gpt\r\n---\r\nA\rB\n".encode()
    assert decode_post(data) == "---\nmodel: gpt\n---\nA\nB\n"


def test_decode_post_keeps_text_unchanged_otherwise() -> None:
    text = "---\nmodel: gpt\n---\n## 今日要聞\n- 「引號」與 emoji 📰\n"
    assert decode_post(text.encode()) == text


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (b" \n\t\r\n", "empty file"),
        (b"---\nmodel: gpt\n---\n\x00\x01\x02", "binary file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
        ("---\nmodel: 台灣\n---\n".encode("big5"), "not UTF-8"),
        (b"---\nmodel: caf\xe9\n---\n", "not UTF-8"),
        (b"\xff\xfe-\x00-\x00-\x00", "binary file"),  # UTF-16 has NUL bytes
    ],
    ids=["empty", "whitespace", "nul", "png", "big5", "latin-1", "utf-16"],
)
def test_decode_post_rejects(data: bytes, reason: str) -> None:
    with pytest.raises(PostRejected, match=reason):
        decode_post(data)


def test_not_utf8_reason_says_where() -> None:
    with pytest.raises(PostRejected, match="offset 11"):
        decode_post(b"---\nmodel: \xe9\n")


# --- whole-post rejections and best effort ------------------------------------------------

VALID = "---\nmodel: gpt\ndate: 2025-11-03\n---\n## 今日要聞\n1) A 發布\n內文\n"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (b"## \xe4\xbb\x8a\xe6\x97\xa5\xe8\xa6\x81\xe8\x81\x9e\n- A\n", "no front matter"),
        (b"---\nmodel: [gpt\n---\n", "not valid YAML"),
        (b"---\nx: !!python/object/apply:os.system ['id']\n---\n", "not allowed"),
        (b"---\n- gpt\n- 2025-11-03\n---\n", "is a list, not a mapping"),
        (b"---\nmodel: gpt\ndate: 2025-13-45\n---\n", "impossible"),
        (b"---\nmodel: gpt\ndate: '2025-13-45'\n---\n", "impossible date"),
        (b"---\ndate: 2025-11-03\n---\n", "no model"),
        (b"---\nmodel: gpt\n---\n", "no date"),
        (b"---\nmodel: \xff\n---\n", "not UTF-8"),
        (b"---\nmodel: gpt\x00\n---\n", "binary"),
    ],
    ids=[
        "empty",
        "no-front-matter",
        "yaml-syntax",
        "python-tag",
        "list",
        "date-13-45",
        "quoted-date-13-45",
        "no-model",
        "no-date",
        "non-utf8",
        "nul",
    ],
)
def test_parse_rejects_with_a_clear_reason(data: bytes, reason: str) -> None:
    with pytest.raises(PostRejected, match=reason):
        parse_post(decode_post(data), "000_8579b6bdf493af60.txt")


def test_bom_without_decode_is_tolerated() -> None:
    assert parse_post("\ufeff" + VALID, "x.md").identity.post_id == "gpt-2025-11-03"


def test_crlf_text_without_decode_parses_the_same() -> None:
    assert parse_post(VALID.replace("\n", "\r\n"), "x.md").items == parse_post(VALID, "x.md").items


def test_identity_falls_back_to_the_file_name() -> None:
    post = parse_post("---\ntitle: 每日動態\n---\n## 今日要聞\n- A\n", "grok/grok-2025-11-06.md")
    assert post.identity.post_id == "grok-2025-11-06"
    assert post.identity.identity_source == "model from file name; date from file name"


def test_post_without_news_section_is_kept_with_a_warning() -> None:
    post = parse_post("---\nmodel: gpt\ndate: 2025-11-03\n---\n## 結語\n沒有新聞。\n", "x.md")
    assert post.items == ()
    assert post.warnings == ("no news section",)


def test_empty_news_section_is_warned_about() -> None:
    post = parse_post("---\nmodel: gpt\ndate: 2025-11-03\n---\n## 今日要聞\n\n## 結語\n完\n", "x.md")
    assert post.warnings == ("news section has no items",)


def test_items_of_a_second_news_section_follow_the_first_ones() -> None:
    text = VALID + "\n## 更多新聞\n1) B 發布\n內文\n2) C 發布\n內文\n"
    post = parse_post(text, "x.md")
    assert [(i.position, i.headline) for i in post.items] == [(1, "A 發布"), (2, "B 發布"), (3, "C 發布")]
    assert post.warnings == ()


def test_a_news_section_not_read_is_warned_about() -> None:
    post = parse_post(VALID + "\n## 新聞背景\n一段文字。\n又一段。\n", "x.md")
    assert [i.headline for i in post.items] == ["A 發布"]
    assert post.warnings == (
        "2 news sections; items read from 1: the others hold no list of headlines or repeat one read",
    )


def test_links_come_from_the_whole_body_when_there_is_no_sources_section() -> None:
    text = VALID + "詳見 [官方公告](https://openai.com/index/x/)。\n"
    post = parse_post(text, "x.md")
    assert [link.link.url for link in post.links] == ["https://openai.com/index/x/"]


def test_links_outside_the_sources_section_follow_its_links_and_back_their_items() -> None:
    text = (
        "---\nmodel: gpt\ndate: 2025-11-03\n---\n## 今日要聞\n"
        "### [A 發布](https://a.example.com/x)\n內文\n\n"
        "### B 上線\n內文（[Google Blog](https://blog.google/b)）、[Y](http://y.example.com/?utm_source=z)\n\n"
        "詳見 [官方公告](https://openai.com/index/x/)。\n\n## 資料來源\n- [外電](https://y.example.com/)\n"
    )
    post = parse_post(text, "x.md")
    assert [(link.position, link.link.url) for link in post.links] == [
        (1, "https://y.example.com/"),
        (2, "https://a.example.com/x"),
        (3, "https://blog.google/b"),
        (4, "https://openai.com/index/x/"),
    ]
    assert [item.cited for item in post.items] == [(2,), (1, 3, 4)]  # the paragraph after B is B's


@pytest.mark.parametrize(
    ("image_yaml", "image"),
    [
        ("/", "/"),
        ("//assets/a.png", "//assets/a.png"),
        ("{src: a.png, alt: 封面}", '{"alt": "封面", "src": "a.png"}'),
        ("", None),
    ],
    ids=["slash", "protocol-relative", "mapping", "empty"],
)
def test_odd_image_values(image_yaml: str, image: str | None) -> None:
    text = f"---\nmodel: gpt\ndate: 2025-11-03\nimage: {image_yaml}\n---\n"
    assert parse_post(text, "x.md").image == image


def test_front_matter_is_json_safe() -> None:
    text = "---\nmodel: gpt\ndate: 2025-11-03\nupdated: 2025-11-03 10:00:00\ntags: [a, b]\n---\n"
    assert parse_post(text, "x.md").front_matter == {
        "model": "gpt",
        "date": "2025-11-03",
        "updated": "2025-11-03T10:00:00",
        "tags": ["a", "b"],
    }


@pytest.mark.parametrize(
    "extra",
    ["loop: &x [*x]", "deep: " + "[" * 1200 + "]" * 1200],
    ids=["recursive-alias", "deep-nesting"],
)
def test_pathological_yaml_is_rejected_not_crashing(extra: str) -> None:
    text = f"---\nmodel: gpt\ndate: 2025-11-03\n{extra}\n---\n"
    with contextlib.suppress(PostRejected):  # a clear rejection is fine, any other error is not
        parse_post(text, "x.md")


LAYOUTS = ROOT / "tests" / "fixtures" / "layouts"
"""Posts laid out as other sites and models lay out theirs, written by readers who had not seen
the parser, with what each of them takes from every post (`expected.json`, written first)."""
LAYOUT_EXPECTATIONS: dict[str, dict] = json.loads((LAYOUTS / "expected.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", sorted(LAYOUT_EXPECTATIONS))
def test_other_layouts_read_as_a_careful_reader_reads_them(name: str) -> None:
    expected = LAYOUT_EXPECTATIONS[name]
    post = parse_post(decode_post((LAYOUTS / name).read_bytes()), name)
    assert (post.identity.model, post.identity.post_date.isoformat()) == (expected["model"], expected["date"])
    assert [item.headline for item in post.items] == expected["headlines"]
    assert len(post.key_points) == expected["key_points"]
    assert len({link.link.url for link in post.links}) == expected["links"]
    assert all(item.body for item in post.items), "every item keeps a body"


def test_every_layout_fixture_has_its_expectations() -> None:
    assert sorted(p.name for p in LAYOUTS.glob("*.md")) == sorted(LAYOUT_EXPECTATIONS)
