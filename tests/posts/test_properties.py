"""Property tests: generated news sections in every list style, and garbage that must not crash."""

from __future__ import annotations

import re
import string

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from digest_pipeline.posts import PostRejected, normalize_url, parse_post
from digest_pipeline.posts.items import parse_key_points, parse_news_items
from digest_pipeline.posts.links import extract_links

FAST = settings(max_examples=100, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])

CJK_NUMERALS = set("一二三四五六七八九十")
cjk = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF).filter(lambda c: c not in CJK_NUMERALS)
word_char = st.one_of(st.sampled_from(string.ascii_letters), cjk)
# Inside a headline: printable, one line, no colons, no dash separators and no '#'.
headline_inner = st.one_of(word_char, st.sampled_from(list(string.digits + " *([)]-.,，。「」%/&_+!?'\"")))
# Bodies may also hold full-width colons and other separators.
body_inner = st.one_of(headline_inner, st.sampled_from(list("：:、；—")))


@st.composite
def line_text(draw, inner, max_size: int = 30) -> str:
    """A stripped single line that starts and ends with a letter or CJK character."""
    middle = draw(st.text(alphabet=inner, max_size=max_size))
    text = draw(word_char) + middle + draw(word_char)
    return re.sub(r"\s+", " ", text)


headlines = line_text(headline_inner)
LABEL_LIKE = re.compile(r"[^\W\d_]{1,8}(?: [^\W\d_]{1,12})?")
_UNLABEL = re.compile(r"[：:—–]")
bodies = st.lists(line_text(body_inner, 40), min_size=1, max_size=3)


def _numbered(fmt: str):
    def render(n: int, headline: str, body: list[str]) -> str:
        return "\n".join([fmt.format(n=n, h=headline), *body]) + "\n"

    return render


STYLES = {
    "1) + paragraph": _numbered("{n}) {h}"),
    "1. + paragraph": _numbered("{n}. {h}"),
    "1、 + paragraph": _numbered("{n}、{h}"),
    "(1) + paragraph": _numbered("({n}) {h}"),
    "- + indented": lambda n, h, b: "\n".join([f"- {h}", *(f"  {x}" for x in b)]) + "\n",
    "- + nested bullet": lambda n, h, b: "\n".join([f"- {h}", *(f"  - {x}" for x in b)]) + "\n",
    "1) + top-level bullet": lambda n, h, b: "\n".join([f"{n}) {h}", *(f"- {x}" for x in b)]) + "\n",
    "one line": lambda n, h, b: f"{n}) {h}：{b[0]}\n",
    "* + indented": lambda n, h, b: "\n".join([f"* {h}", *(f"  {x}" for x in b)]) + "\n",
    "• + paragraph": lambda n, h, b: "\n".join([f"• {h}", *b]) + "\n",
    "### heading": lambda n, h, b: "\n".join([f"### {h}", *b]) + "\n",
    "bold line": lambda n, h, b: "\n".join([f"**{h}**", *b]) + "\n",
}


@st.composite
def news_sections(draw):
    style = draw(st.sampled_from(sorted(STYLES)))
    items = draw(st.lists(st.tuples(headlines, bodies), min_size=1, max_size=8))
    if style == "one line":
        # After a label-like headline (a few letters: 價格戰) a colon in the first sentence of the
        # body would start the headline proper (`價格戰：X 降價：X 宣布…`), by design.
        items = [(h, [_UNLABEL.sub("，", b[0])] if LABEL_LIKE.fullmatch(h) else b[:1]) for h, b in items]
    separator = draw(st.sampled_from(["\n", ""]))
    markdown = separator.join(STYLES[style](n, h, b) for n, (h, b) in enumerate(items, 1))
    if draw(st.booleans()):
        markdown = markdown.replace("\n", "\r\n")
    return style, items, markdown


@FAST
@given(news_sections())
@example(
    (
        "1) + paragraph",
        [("Qwen (beta) [v2] *new*", ["內文：細節"])],
        "1) Qwen (beta) [v2] *new*\n內文：細節\n",
    )
)
def test_generated_items_parse_back(case) -> None:
    style, items, markdown = case
    parsed = parse_news_items(markdown)
    assert [i.headline for i in parsed] == [h for h, _ in items], style
    assert [i.body for i in parsed] == ["\n".join(b) for _, b in items], style
    assert [i.position for i in parsed] == list(range(1, len(items) + 1))


@FAST
@given(news_sections(), st.sampled_from(["## 📰 本週新聞焦點", "## 今日要聞", "## Top News"]))
def test_generated_posts_parse_back(case, news_heading: str) -> None:
    style, items, markdown = case
    text = (
        "---\nmodel: gpt\ndate: 2025-11-03\ntags: [GPT-5]\n---\n"
        f"## 本週模型趨勢\n趨勢。\n\n{news_heading}\n{markdown}\n"
        "## 📌 重點摘要\n- 一\n- 二\n\n## 🔗 資料來源\n- [Foo [Beta] - Site](https://en.wikipedia.org/wiki/Foo_(bar))\n"
    )
    post = parse_post(text, "post.md")
    assert post.identity.post_id == "gpt-2025-11-03"
    assert [i.headline for i in post.items] == [h for h, _ in items], style
    assert post.key_points == ("一", "二")
    assert [link.link.url for link in post.links] == ["https://en.wikipedia.org/wiki/Foo_(bar)"]


MARKDOWNISH_LINE = st.tuples(
    st.sampled_from(["", "  ", "    ", "\t"]),
    st.sampled_from(
        ["", "- ", "* ", "• ", "1) ", "2. ", "3、", "(4) ", "### ", "## ", "**", "---", "```", "> "]
    ),
    st.text(max_size=40),
).map("".join)
markdownish = st.lists(MARKDOWNISH_LINE, max_size=20).map("\n".join)
garbage = st.one_of(st.text(max_size=400), markdownish)


@FAST
@given(garbage)
@example("**\n")
@example("1)\n- \n**")
@example("### \n#\n")
def test_item_and_link_readers_never_raise(text: str) -> None:
    items = parse_news_items(text)
    assert [i.position for i in items] == list(range(1, len(items) + 1))
    parse_key_points(text)
    links = extract_links(text)
    assert [link.position for link in links] == list(range(1, len(links) + 1))
    for word in text.split():
        normalize_url(word)


def _unclosed_front_matter(text: str) -> bool:
    """The known bug (see test_unclosed_front_matter_is_rejected): an opened, never closed block."""
    lines = text.lstrip("\ufeff").splitlines()
    opens = bool(lines) and re.fullmatch(r"-{3,}\s*", lines[0]) is not None
    return opens and not any(re.fullmatch(r"-{3,}\s*", line) for line in lines[1:])


front_matter_garbage = st.tuples(st.text(max_size=120), markdownish).map(
    lambda parts: f"---\n{parts[0]}\n---\n{parts[1]}"
)
identified_garbage = markdownish.map(lambda body: f"---\nmodel: gpt\ndate: 2025-11-03\n---\n{body}")


@FAST
@given(st.one_of(garbage, front_matter_garbage, identified_garbage))
@example("")
@example("---\n---\n")
@example("---\nmodel: gpt\ndate: 2025-11-03\n---\n## 今日要聞\n")
def test_parse_post_raises_nothing_but_post_rejected(text: str) -> None:
    if _unclosed_front_matter(text):
        return
    try:
        post = parse_post(text, "post.md")
    except PostRejected as err:
        assert str(err)
    else:
        assert post.identity.model
        assert [i.position for i in post.items] == list(range(1, len(post.items) + 1))


@FAST
@given(identified_garbage)
def test_identified_posts_are_never_rejected_whatever_the_body(text: str) -> None:
    post = parse_post(text, "post.md")
    assert post.identity.post_id == "gpt-2025-11-03"
