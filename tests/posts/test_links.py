"""URL canonicalisation, registered domains and link extraction from sources sections."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from digest_pipeline.posts import links, normalize_url, registered_domain
from digest_pipeline.posts.links import commonmark_links, extract_links, inline_links, post_links
from digest_pipeline.posts.records import Section

BROKEN = "https://www.facebook.com/wantrich.ct/photos/%E6%9C%83%E5%8B%3%B3%E5%8E%BB/1277358704414566/"


@pytest.mark.parametrize(
    ("raw", "url"),
    [
        # scheme and host case; the path keeps its case
        ("HTTPS://Example.COM/Path/Page", "https://example.com/Path/Page"),
        # http becomes https
        ("http://www.ithome.com.tw/news/171234", "https://www.ithome.com.tw/news/171234"),
        # default ports go, other ports stay
        ("http://example.com:80/a", "https://example.com/a"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("https://example.com:8443/a", "https://example.com:8443/a"),
        # fragments go
        ("https://www.theverge.com/news/sora#comments", "https://www.theverge.com/news/sora"),
        # an empty path is '/'
        ("https://example.com", "https://example.com/"),
        # a trailing dot on the host goes
        ("https://example.com./x", "https://example.com/x"),
        # surrounding whitespace and angle brackets go
        ("  <https://example.com/x>  ", "https://example.com/x"),
        # percent-escapes are upper-cased, non-ASCII paths are encoded
        ("https://ex.com/%e4%b8%ad", "https://ex.com/%E4%B8%AD"),
        ("https://ex.com/中文", "https://ex.com/%E4%B8%AD%E6%96%87"),
        # balanced parentheses in the path are kept
        ("https://en.wikipedia.org/wiki/Foo_(bar)", "https://en.wikipedia.org/wiki/Foo_(bar)"),
        # protocol-relative
        ("//cdn.example.com/img/x.png", "https://cdn.example.com/img/x.png"),
    ],
)
def test_canonical_form(raw: str, url: str) -> None:
    normalized = normalize_url(raw)
    assert normalized.url == url
    assert normalized.raw == raw
    assert normalized.problems == ()


def test_same_page_written_differently_gets_one_identity() -> None:
    forms = [
        "https://www.reuters.com/tech/asml-mistral/",
        "http://www.reuters.com/tech/asml-mistral/",
        "HTTPS://WWW.Reuters.com:443/tech/asml-mistral/#top",
        "https://www.reuters.com/tech/asml-mistral/?utm_source=x&utm_medium=y",
        "https://www.reuters.com/tech/asml-mistral/?fbclid=IwAR0",
    ]
    assert {normalize_url(f).url for f in forms} == {"https://www.reuters.com/tech/asml-mistral/"}


def test_tracking_parameters_go_and_the_others_stay_in_order() -> None:
    raw = "https://ex.com/a?utm_source=x&b=2&fbclid=3&a=1&gclid=4&UTM_Medium=z&utm_campaign=c&z=0"
    assert normalize_url(raw).url == "https://ex.com/a?b=2&a=1&z=0"


def test_repeated_parameters_keep_their_order() -> None:
    assert normalize_url("https://ex.com/?b=2&a=1&b=3").url == "https://ex.com/?b=2&a=1&b=3"


def test_only_tracking_parameters_leave_no_question_mark() -> None:
    assert normalize_url("https://ex.com/p?utm_source=a&gclid=b").url == "https://ex.com/p"


def test_non_tracking_parameter_that_looks_similar_stays() -> None:
    # 'ref' and 'id' identify content on many sites; only the known tracking keys go
    assert normalize_url("https://ex.com/p?ref=hn&id=42").url == "https://ex.com/p?ref=hn&id=42"


def test_broken_percent_escape_is_flagged_and_the_raw_url_kept() -> None:
    normalized = normalize_url(BROKEN)
    assert normalized.raw == BROKEN
    assert normalized.is_malformed
    assert "broken percent-escape" in normalized.problems
    assert normalized.host == "www.facebook.com"
    assert normalized.domain == "facebook.com"
    # the valid escapes around the broken one are untouched
    assert normalized.url.startswith("https://www.facebook.com/wantrich.ct/photos/%E6%9C%83%E5%8B")


def test_broken_percent_escape_in_the_query_is_flagged() -> None:
    normalized = normalize_url("https://ex.com/search?q=%zz")
    assert "broken percent-escape" in normalized.problems


def test_broken_escapes_stay_distinct_from_each_other() -> None:
    a, b = normalize_url("https://ex.com/%E5%8B%3"), normalize_url("https://ex.com/%E5%8B%4")
    assert a.url != b.url


@pytest.mark.parametrize(
    ("raw", "url", "problem"),
    [
        ("www.example.com/page", "https://www.example.com/page", "no scheme"),
        ("example.com", "https://example.com/", "no scheme"),
        ("ftp://files.example.com/a", "ftp://files.example.com/a", "scheme 'ftp' is not http(s)"),
        ("javascript:alert(1)", "javascript:alert(1)", "scheme 'javascript' is not http(s)"),
        ("mailto:news@example.com", "mailto:news@example.com", "scheme 'mailto' is not http(s)"),
        ("https://example.com/a b", "https://example.com/a%20b", "whitespace in URL"),
        ("https://ex.com:99999/", "https://ex.com/", "invalid port"),
    ],
)
def test_malformed_urls_are_flagged_not_dropped(raw: str, url: str, problem: str) -> None:
    normalized = normalize_url(raw)
    assert normalized.url == url
    assert problem in normalized.problems


@pytest.mark.parametrize("raw", ["", "not a url", "資料來源", "/relative/path"])
def test_text_that_is_no_absolute_url_keeps_its_raw_form(raw: str) -> None:
    normalized = normalize_url(raw)
    assert normalized.is_malformed
    assert "not an absolute URL" in normalized.problems
    assert (normalized.host, normalized.domain) == ("", "")


def test_userinfo_is_not_part_of_the_identity() -> None:
    normalized = normalize_url("https://user:secret@Example.com/x")
    assert normalized.url == "https://example.com/x"
    assert "secret" not in normalized.url


@pytest.mark.parametrize(
    ("raw", "host", "domain"),
    [
        ("https://news.bbc.co.uk/2/hi/technology", "news.bbc.co.uk", "bbc.co.uk"),
        ("https://news.yahoo.co.jp/articles/abc", "news.yahoo.co.jp", "yahoo.co.jp"),
        ("https://www.ithome.com.tw/news/1", "www.ithome.com.tw", "ithome.com.tw"),
        ("https://money.udn.com/money/story/1", "money.udn.com", "udn.com"),
        ("https://a.b.c.example.org/", "a.b.c.example.org", "example.org"),
        ("http://192.168.0.1:8080/x", "192.168.0.1", "192.168.0.1"),
        ("http://127.0.0.1/x", "127.0.0.1", "127.0.0.1"),
        ("https://localhost/x", "localhost", "localhost"),
    ],
)
def test_host_and_registered_domain(raw: str, host: str, domain: str) -> None:
    normalized = normalize_url(raw)
    assert (normalized.host, normalized.domain) == (host, domain)


@pytest.mark.parametrize(
    ("host", "domain"),
    [
        ("news.bbc.co.uk", "bbc.co.uk"),
        ("a.b.news.yahoo.co.jp", "yahoo.co.jp"),
        # private suffixes: each hosted site is its own publisher
        ("moonshotai.github.io", "moonshotai.github.io"),
        ("blog.example.blogspot.com", "example.blogspot.com"),
        ("bbc.co.uk", "bbc.co.uk"),
        ("10.0.0.1", "10.0.0.1"),
        ("localhost", "localhost"),
        ("", ""),
    ],
)
def test_registered_domain(host: str, domain: str) -> None:
    assert registered_domain(host) == domain


def test_ipv6_host_keeps_its_brackets() -> None:
    normalized = normalize_url("https://[2001:db8::1]:8080/x")
    assert normalized.url == "https://[2001:db8::1]:8080/x"


def test_encoded_plus_in_query_is_not_confused_with_a_space() -> None:
    plus, space = (
        normalize_url("https://ex.com/s?q=C%2B%2B"),
        normalize_url("https://ex.com/s?q=C++"),
    )
    assert plus.url != space.url


def test_incomplete_utf8_escape_in_query_is_kept_or_flagged() -> None:
    a, b = normalize_url("https://ex.com/p?x=%E4%B8"), normalize_url("https://ex.com/p?x=%E4%B9")
    assert a.url != b.url  # two different URLs must not collapse into one source
    assert "%EF%BF%BD" not in a.url or a.problems


SOURCES = """\
- [Foo [Beta] - Site](https://foo.example.com/beta)
- [Mistral (company) - Wikipedia](https://en.wikipedia.org/wiki/Mistral_(company))
- [Claude Code [Beta] for VS Code [Preview]](https://marketplace.visualstudio.com/items?itemName=anthropic.claude-code)
- [**粗體** 標題 `code`](https://z.example.com)
- [a](https://x.example.com/1) 與 [b](https://y.example.com/2)
- <https://auto.example.com/x>
- [壞掉的連結](https://www.facebook.com/%E5%8B%3%B3)
"""


def test_extract_links_reads_titles_with_brackets_and_urls_with_parentheses() -> None:
    links = extract_links(SOURCES)
    assert [(link.position, link.title, link.link.url) for link in links] == [
        (1, "Foo [Beta] - Site", "https://foo.example.com/beta"),
        (2, "Mistral (company) - Wikipedia", "https://en.wikipedia.org/wiki/Mistral_(company)"),
        (
            3,
            "Claude Code [Beta] for VS Code [Preview]",
            "https://marketplace.visualstudio.com/items?itemName=anthropic.claude-code",
        ),
        (4, "粗體 標題 code", "https://z.example.com/"),
        (5, "a", "https://x.example.com/1"),
        (6, "b", "https://y.example.com/2"),
        (7, "https://auto.example.com/x", "https://auto.example.com/x"),
        (8, "壞掉的連結", "https://www.facebook.com/%E5%8B%253%B3"),
    ]
    assert links[7].link.raw == "https://www.facebook.com/%E5%8B%3%B3"
    assert links[7].link.problems == ("broken percent-escape",)


def test_extract_links_reads_bare_urls() -> None:
    md = (
        "- https://x.ai/news/grok-4-fast\n"
        "- 參見 https://www.androidauthority.com/grok-imagine/ 。\n"
        "- https://venturebeat.com/ai/grok?utm_source=twitter&id=42.\n"
        "- www.example.net/path\n"
        "- 來源 https://example.org/中文頁面）\n"
    )
    assert [(link.title, link.link.url) for link in extract_links(md)] == [
        ("", "https://x.ai/news/grok-4-fast"),
        ("", "https://www.androidauthority.com/grok-imagine/"),
        ("", "https://venturebeat.com/ai/grok?id=42"),
        ("", "https://www.example.net/path"),
        ("", "https://example.org/%E4%B8%AD%E6%96%87%E9%A0%81%E9%9D%A2"),
    ]


def test_bare_url_with_balanced_parentheses() -> None:
    (link,) = extract_links("- https://en.wikipedia.org/wiki/Foo_(bar)\n")
    assert link.link.url == "https://en.wikipedia.org/wiki/Foo_(bar)"


def test_extract_links_ignores_empty_hrefs_and_plain_text() -> None:
    assert extract_links("- [空連結]()\n- 純文字，沒有網址\n\n---\n*本文由 AI 自動生成。*\n**\n") == ()


def test_link_positions_follow_citation_order() -> None:
    md = "\n".join(f"- [第 {n} 則](https://ex.com/{n})" for n in range(1, 13))
    links = extract_links(md)
    assert [link.position for link in links] == list(range(1, 13))
    assert [link.link.url for link in links] == [f"https://ex.com/{n}" for n in range(1, 13)]


_PIECES = [
    "[title](https://a.com/x)",
    "[標題 - udn](https://udn.com/news/1?a=1)",
    "[](https://e.com)",
    "![img](https://i.com/p.png)",
    "[a *b*](https://b.com)",
    "[a](https://c.com/x_(y))",
    '[a](https://d.com "t")',
    "<https://auto.link/x>",
    "\\[esc](https://f.com)",
    "[x][ref]",
    "`[code](https://g.com)`",
    "[a&amp;b](https://h.com?a=1&b=2)",
    "[[nested]](https://n.com)",
    " - ",
    "1. ",
    "    ",
    "（來源：Reuters）",
    "text ",
    "(paren) ",
    "]",
    "[",
    "https://bare.example.com/p",
]


@given(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=6))
@example([" - ", "    ", "[title](https://a.com/x)"])  # five spaces after a list marker: a link, not code
def test_plain_link_fast_path_reads_lines_as_commonmark_does(pieces: list[str]) -> None:
    line = "".join(pieces)
    assert inline_links(line) == commonmark_links(line)


# Pieces of URLs on both sides of the plain form `normalize_url` takes without splitting.
_URL_STARTS = ["https://", "http://", "HTTPS://", "ftp://", "//", "", " <https://"]
_HOSTS = ["ex.com", "www.ex-ample.co.uk", "Ex.COM", "ex.com.", "ex.com:443", "ex.com:8080", "u:p@ex.com", "a"]
_SEGMENT_PIECES = ["a", "B-c_d.e~f", "%E4%B8%AD", "%e4", "%zz", "%", "中", " ", "+", "(x)", ":", ";", "@", ""]
_TAILS = ["", "?q=1", "?utm_source=x", "#frag", "?", "#", " "]


@given(
    st.sampled_from(_URL_STARTS),
    st.sampled_from(_HOSTS),
    st.lists(st.lists(st.sampled_from(_SEGMENT_PIECES), max_size=3), max_size=4),
    st.sampled_from(_TAILS),
)
@example("https://", "ex.com", [], "")
@example("http://", "a", [["%E4%B8%AD"], ["B-c_d.e~f"], []], "")
@example("https://", "ex.com", [["%e4"]], "")
@example("https://", "Ex.COM", [["a"]], "")
@example("https://", "ex.com.", [["a"]], "")
@example("https://", "ex.com:443", [["a"]], "")
@example("https://", "ex.com", [["a"]], "#frag")
def test_a_plain_url_normalises_as_when_split_into_parts(
    start: str, host: str, segments: list[list[str]], tail: str
) -> None:
    raw = start + host + "".join("/" + "".join(segment) for segment in segments) + tail
    trimmed = raw.strip().strip("<>").strip()
    assert normalize_url(raw) == links._normalize_parts(raw, trimmed)


def test_plain_urls_take_the_short_way(monkeypatch: pytest.MonkeyPatch) -> None:
    """Three in four cited URLs are already canonical but for the scheme: no splitting for them."""

    def split(*_: object) -> None:
        raise AssertionError("split into parts")

    monkeypatch.setattr(links, "_normalize_parts", split)
    normalized = normalize_url("http://unwire.pro/2025/12/24/qwen-image-layered/%E4%B8%AD/")
    assert normalized.url == "https://unwire.pro/2025/12/24/qwen-image-layered/%E4%B8%AD/"
    assert (normalized.host, normalized.domain, normalized.problems) == ("unwire.pro", "unwire.pro", ())


def test_links_of_a_nested_list_under_four_spaces_or_a_tab_keep_their_titles() -> None:
    """Indented lines under a list item continue it: they are not an indented code block."""
    md = "1. 融資\n    - [CNBC](https://www.cnbc.com/x)\n\t- [AP](https://apnews.com/y)\n        [深一層](https://z.example.com/)\n"
    assert [(link.title, link.link.url, link.link.problems) for link in extract_links(md)] == [
        ("CNBC", "https://www.cnbc.com/x", ()),
        ("AP", "https://apnews.com/y", ()),
        ("深一層", "https://z.example.com/", ()),
    ]


@pytest.mark.parametrize(
    ("line", "urls"),
    [
        (
            "模型權重：https://huggingface.co/a/b、https://modelscope.cn/c/d",
            ["https://huggingface.co/a/b", "https://modelscope.cn/c/d"],
        ),
        ("官方公告：https://api.example.com/news/x（英文）", ["https://api.example.com/news/x"]),
        ("股價：https://www.reuters.com/y/，另見報導", ["https://www.reuters.com/y/"]),
        (
            "見「https://a.example.com/p」與《https://b.example.com/q》。",
            ["https://a.example.com/p", "https://b.example.com/q"],
        ),
        ("另見https://a.example.com/p；", ["https://a.example.com/p"]),
        (
            "兩個連在一起 https://a.example.com/p,https://b.example.com/q",
            ["https://a.example.com/p", "https://b.example.com/q"],
        ),
        # what stays inside: escapes, raw CJK letters of a slug, a URL embedded in a path or query
        (
            "https://tw.stock.yahoo.com/news/%E8%BC%9D%E9%81%94-1.html，另見",
            ["https://tw.stock.yahoo.com/news/%E8%BC%9D%E9%81%94-1.html"],
        ),
        (
            "https://www.msn.com/zh-tw/news/台積電漲停/ar-AA1（英文）",
            ["https://www.msn.com/zh-tw/news/%E5%8F%B0%E7%A9%8D%E9%9B%BB%E6%BC%B2%E5%81%9C/ar-AA1"],
        ),
        (
            "https://web.archive.org/web/2025/https://a.example.com/p",
            ["https://web.archive.org/web/2025/https://a.example.com/p"],
        ),
        (
            "https://r.example.com/go?url=https://a.example.com/p",
            ["https://r.example.com/go?url=https://a.example.com/p"],
        ),
    ],
)
def test_a_bare_url_ends_at_cjk_punctuation_and_where_another_url_starts(line: str, urls: list[str]) -> None:
    assert [link.link.url for link in extract_links(line)] == urls


def test_a_bare_url_inside_a_link_is_not_read_again_from_www() -> None:
    """A link markdown cannot read (a space in its URL) yields no scheme-less half URL."""
    assert [link.link.url for link in extract_links("- [標題](https://www.example.com/a b)")] == []


@pytest.mark.parametrize(
    ("line", "title", "url"),
    [
        (
            '[1]: https://x.ai/news/grok-4 "Grok 4 is now free"',
            "Grok 4 is now free",
            "https://x.ai/news/grok-4",
        ),
        ("[2]: <https://x.ai/news/grok-4> 'Grok 4'", "Grok 4", "https://x.ai/news/grok-4"),
        ("[3]: <https://x.ai/a b>", "", "https://x.ai/a%20b"),
        ("[4]: https://x.ai/news/grok-4", "", "https://x.ai/news/grok-4"),
        ("[Google Blog]: https://blog.google/x", "Google Blog", "https://blog.google/x"),
        ("- [5]: https://x.ai/c (Grok in a list)", "Grok in a list", "https://x.ai/c"),
    ],
)
def test_reference_definitions_are_links_with_their_titles(line: str, title: str, url: str) -> None:
    (link,) = extract_links(line)
    assert (link.title, link.link.url) == (title, url)


def test_post_links_are_the_sources_section_then_every_other_link_once() -> None:
    sections = (
        Section(0, "", "preamble", "導言 https://intro.example.com/a"),
        Section(
            1,
            "新聞",
            "news",
            "### [A 發布](https://a.example.com/x)\n內文（[Blog](http://s.example.com/1?utm_source=x)）\n再見 [A](https://a.example.com/x#top)",
        ),
        Section(
            2, "來源", "sources", "- [S1](https://s.example.com/1)\n- [S1 again](https://s.example.com/1)"
        ),
        Section(3, "[分析](https://an.example.com/)", "analysis", "見 [A 分析](https://b.example.com/y)"),
    )
    assert [(link.position, link.title, link.link.url) for link in post_links(sections)] == [
        (1, "S1", "https://s.example.com/1"),
        (2, "S1 again", "https://s.example.com/1"),  # the sources section as written
        (3, "", "https://intro.example.com/a"),
        (4, "A 發布", "https://a.example.com/x"),
        (5, "分析", "https://an.example.com/"),
        (6, "A 分析", "https://b.example.com/y"),
    ]


@pytest.mark.parametrize(
    ("line", "title", "label"),
    [
        # a list line's name before its bare URL is the URL's title
        ("1. GitHub Blog — <https://github.blog/x/>", "GitHub Blog", "1"),
        ("- 工商時報 - https://www.ctee.com.tw/news/1", "工商時報", ""),
        ("[3] Reuters: https://www.reuters.com/x", "Reuters", "3"),
        ("- **經濟日報**｜https://money.udn.com/a/1", "經濟日報", ""),
        # no name before the URL, or prose around it: no title is made up
        ("- https://a.example.com/b", "", ""),
        ("- 詳見 https://a.example.com/b 與其他報導", "", ""),
        # the label the post's items cite a link by (`[1]`, `[Meta AI][meta]`)
        ("[1]: https://a.example.com/x", "", "1"),
        ('[^2]: https://a.example.com/x "Title"', "Title", "2"),
        ("[meta]: https://a.example.com/x", "meta", "meta"),
        ("[3] [A: Policy](https://a.example.com/x)", "A: Policy", "3"),
        ("4. [A: Policy](https://a.example.com/x)", "A: Policy", "4"),
        ("- [A: Policy](https://a.example.com/x)", "A: Policy", ""),
        ("[A: Policy](https://a.example.com/x)", "A: Policy", ""),
    ],
)
def test_a_link_line_gives_its_link_a_title_and_a_label(line: str, title: str, label: str) -> None:
    [link] = extract_links(line)
    assert (link.title, link.label) == (title, label)


def test_a_numbered_reference_takes_its_title_from_the_words_an_item_cites_it_by() -> None:
    sections = (
        Section(1, "News", "news", "Meta 發布 Llama。[Meta AI][1] 另見 [2][2]\nOllama 更新。[Ollama][3]"),
        Section(
            2,
            "References",
            "sources",
            "[1]: https://ai.meta.com/blog/x\n[2]: https://b.example.com/\n"
            '[3]: https://ollama.com/blog "Ollama Blog"\n[4]: https://d.example.com/',
        ),
    )
    assert [(link.title, link.label) for link in post_links(sections)] == [
        ("Meta AI", "1"),
        ("", "2"),  # cited by its number alone: no words to name it by
        ("Ollama Blog", "3"),  # a title of its own is kept
        ("", "4"),
    ]


@pytest.mark.parametrize(
    ("line", "links"),
    [
        (
            '<a href="https://a.example.com/x">Google <b>Blog</b></a><br>',
            [("Google Blog", "https://a.example.com/x")],
        ),
        (
            "<p><a href=https://b.example.com/y>B</a> 與 <A HREF='https://c.example.com/'>C</A></p>",
            [("B", "https://b.example.com/y"), ("C", "https://c.example.com/")],
        ),
        # an in-page anchor (a table of contents, 回到目錄) points at no page
        ("[第一則](#news-1) 與 [A](https://a.example.com/)", [("A", "https://a.example.com/")]),
        ('<a href="#top">回到目錄</a>', []),
    ],
)
def test_html_anchors_are_links_and_in_page_anchors_are_not(line: str, links: list[tuple[str, str]]) -> None:
    assert [(link.title, link.link.url) for link in extract_links(line)] == links
