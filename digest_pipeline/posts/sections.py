"""Splitting a post body into its `## ` sections and naming what each one is.

Sections are recognised by the meaning of their heading words, not by the
exact emoji or wording of the seeds, so `## 📰 本週新聞焦點`, `## 今日要聞`
and `## Top News` are all the news section, in either script (`## 今日要闻`),
and a heading of emoji alone by its emoji (`## 📰`). Where no heading names the
news, the shape of the bodies does: the news is the section(s) holding a list of
headlines with their bodies, or a run of sections that are one item each. Before
the first heading, a label may name key points or sources as a heading would
(`> [!TIP] 今日重點`, `資料來源：`, `📝 三句話總結` over a list); anywhere, a bracketed
label line over a list does (`**【本日重點】**`). Layout lines are no text (`{: .summary}`,
`<!--more-->`), and an HTML heading line (`<h2>今日焦點</h2>`) is a heading.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Callable, Sequence

import opencc

from digest_pipeline.posts.items import (
    SENTENCE_ENDS,
    is_rule,
    leading_emoji_end,
    opens_with_item_number,
    parse_news_items,
)
from digest_pipeline.posts.links import strip_html_tags
from digest_pipeline.posts.records import Section

_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t#]*$")
_ATTRIBUTES = re.compile(r"[ \t]*\{:?[ \t]*[#.][^{}]*\}$")
"""A kramdown or pandoc attribute list closing a heading (`## 標題 {#news-1}`, `{: .lead}`): the
anchor a table of contents links to, layout and not heading text."""
_FENCE = re.compile(r"^\s*(```|~~~)")


def _without_closing_rules(text: str) -> str:
    """The section's text without the `---` lines that close it before the next heading: layout,
    not text. Looked at from the end, a line at a time (a regular expression anchored at the end
    of the text would be tried from every position of it)."""
    while text[-1:] in ("-", "*", "_", " ", "\t"):
        cut = text.rfind("\n")
        if not is_rule(text[cut + 1 :]):
            break
        text = text[: max(cut, 0)].rstrip("\n")
    return text


_KEY_POINTS = re.compile(r"重點|摘要|要點|key\s*points?|takeaways?|tl;?dr|highlights?|summary", re.I)

# First match wins, so the more specific kinds come first ("新聞焦點" is news, "重點摘要" key points).
SECTION_KINDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "sources",
        # "Open Source" is a kind of model, not a list of sources.
        re.compile(
            r"來源|出處|參考|引用|延伸閱讀|(?<!open )(?<!open-)\bsources?\b|references?|citations?|links?\b"
            r"|further\s+reading",
            re.I,
        ),
    ),
    (
        "news",
        re.compile(
            r"新聞|焦點|要聞|快訊|頭條|亮點|精選|大事|熱門|熱點|news|headlines?|stories|top\s+items"
            r"|what[’']?s\s+new\b|\b(?:today|this\s+week)\s+in\s",
            re.I,
        ),
    ),
    # A summary of the trend (「今日趨勢摘要」) is the trend, not the key points.
    ("trend", re.compile(r"趨勢(?:摘要|總結|概要|速覽)|trends?\s+summary", re.I)),
    ("key_points", _KEY_POINTS),
    ("analysis", re.compile(r"分析|解讀|洞察|觀點|analysis|insights?|deep\s*dive", re.I)),
    ("outlook", re.compile(r"延伸|思考|展望|啟示|影響|outlook|implications?|what'?s\s+next", re.I)),
    ("trend", re.compile(r"趨勢|動態|概覽|總覽|綜述|脈絡|trends?|overview", re.I)),
)


EMOJI_KINDS: tuple[tuple[str, str], ...] = (
    ("news", "📰🗞📢📣🆕"),
    ("key_points", "🔑📌📝"),
    ("sources", "🔗📚📎🔖"),
    ("trend", "📈📊🌐"),
    ("analysis", "🔍🔎🧠"),
    ("outlook", "🔮🔭"),
)
"""What an emoji names when it is a heading's only content (`## 📰`, `## 🔑`, `## 🔗`). With words
beside it, the words decide: the seeds' `## 💡 延伸思考` is the outlook, not key points."""


@functools.lru_cache(maxsize=1)
def _to_traditional() -> opencc.OpenCC:
    # Built on first use, not at import; one per process.
    return opencc.OpenCC("s2t")


@functools.lru_cache(maxsize=4096)
def _in_both_scripts(heading: str) -> tuple[str, ...]:
    """A heading as written and in Traditional characters, which the vocabulary is written in
    (`## 要点速览` reads as `## 要點速覽`). Cached: a site repeats its few headings."""
    return (heading,) if heading.isascii() else (heading, _to_traditional().convert(heading))


def _names(pattern: re.Pattern[str], heading: str) -> bool:
    return any(pattern.search(text) for text in _in_both_scripts(heading))


@functools.lru_cache(maxsize=4096)
def classify_heading(heading: str) -> str:
    """The kind of a section from its heading text; 'other' when no kind fits.

    The vocabulary is written in Traditional characters; a heading is read as written and in
    Traditional characters too, so `## 要点速览` and `## 参考来源` name what `## 要點速覽` and
    `## 參考來源` do. A heading of emoji alone is read by its emoji (`EMOJI_KINDS`).
    Cached: a site repeats its few headings in every post, and six case-insensitive
    searches cost more than the rest of reading a section."""
    for kind, pattern in SECTION_KINDS:
        if _names(pattern, heading):
            return kind
    if not any(char.isalnum() for char in heading):
        for kind, emoji in EMOJI_KINDS:
            if any(char in emoji for char in heading):
                return kind
    return "other"


_RECAP = re.compile(r"小結|總結|懶人包|recap|wrap[\s-]?up", re.I)
"""Words naming a recap of the post (`## 小結`, `## 總結`, `📝 三句話總結`, `## Recap`): its key
points when it holds a list. A closing paragraph of prose so named is no list of points, and a
heading alone (`## 結語`) does not say whether it is one, so these words name no kind by
themselves (see `section_kind`). `回顧` is not one: `## 本週回顧` lists the week's earlier posts."""
_LIST_LINE = re.compile(r"^[ \t]{0,3}(?:[-*+•][ \t]|\d{1,3}[.)、])")


def _holds_list(body: str) -> bool:
    return any(_LIST_LINE.match(line) for line in body.split("\n"))


def section_kind(heading: str, body: str) -> str:
    """The kind of a section from its heading (`classify_heading`), and from its body where the
    heading names a recap: a list under `## 小結` is the key points, prose under `## 總結` is not."""
    kind = classify_heading(heading)
    if kind == "other" and _names(_RECAP, heading) and _holds_list(body):
        return "key_points"
    return kind


def _headings(lines: list[str], fenced: bool) -> list[tuple[int, int, str]]:
    """(line index, level, text) of every ATX heading outside code fences (`fenced`: whether the
    text has a fence marker at all; if not, no line can open one)."""
    found, in_fence = [], False
    for index, line in enumerate(lines):
        if fenced and _FENCE.match(line):
            in_fence = not in_fence
            continue
        # A heading starts with '#': the other lines (most of them) need no regular expression.
        match = None if in_fence or not line.startswith("#") else _HEADING.match(line)
        if match:
            found.append((index, len(match.group(1)), _ATTRIBUTES.sub("", match.group(2)).strip()))
    return found


def _section_level(headings: list[tuple[int, int, str]]) -> int:
    """The heading level that cuts the body into sections.

    Level 2 if used, unless level 1 holds the sections and level 2 the items
    (see `_level_one_holds_sections`); else the shallowest level used more
    than once (a lone `# Title` is not one).
    """
    levels = [level for _, level, _ in headings]
    if 2 in levels:
        return 1 if _level_one_holds_sections(headings) else 2
    repeated = [level for level in set(levels) if levels.count(level) > 1]
    return min(repeated or levels or [2])


def _level_one_holds_sections(headings: list[tuple[int, int, str]]) -> bool:
    """Whether `#` headings are the sections and `##` headings the items inside them.

    So it is when `#` is used more than once, every `##` sits under a `#`, and
    the `##` headings read as items rather than sections: most are numbered,
    or fewer of them than of the `#` headings name a kind of section. A `# Title`
    over `## ` sections (and a closing `# 附錄`) keeps level 2: its `##`
    headings name the sections.
    """
    first = [text for _, level, text in headings if level == 1]
    second = [text for _, level, text in headings if level == 2]
    if len(first) < 2 or next(level for _, level, _ in headings if level <= 2) != 1:
        return False
    if sum(opens_with_item_number(text) for text in second) * 2 > len(second):
        return True

    def named(texts: list[str]) -> int:
        return sum(classify_heading(text) != "other" for text in texts)

    return named(first) > named(second)


def split_sections(body: str) -> tuple[Section, ...]:
    """The body cut at its section headings; text before the first heading is the preamble.

    Sections are level-2 headings (`## `), or level-1 ones when those hold
    the `## ` headings as items. A site that uses another level throughout is
    read at its shallowest heading level instead, so deeper headings stay
    inside their section (they may be news item headlines). A labelled list
    (see `_labelled_parts`) is a section of its own, after the text it sits in.
    """
    lines = body.split("\n")
    if "{:" in body or "<" in body:
        lines = _markdown_lines(lines)
    headings = _headings(lines, fenced="```" in body or "~~~" in body)
    section_level = _section_level(headings)
    cuts = [(i, text) for i, level, text in headings if level == section_level]
    preamble, parts = _labelled_parts(lines[: cuts[0][0]] if cuts else lines, _preamble_label, alerts=True)
    found = [*([("", "preamble", preamble.strip())] if preamble.strip() else []), *parts]
    for n, (start, heading) in enumerate(cuts):
        end = cuts[n + 1][0] if n + 1 < len(cuts) else len(lines)
        text, parts = "\n".join(lines[start + 1 : end]).strip("\n"), []
        if "【" in text:  # a bracketed label (`**【資料來源】**`) may mark a part inside the section
            text, parts = _labelled_parts(lines[start + 1 : end], _bracket_label)
        found += [(heading, section_kind(heading, text), _without_closing_rules(text)), *parts]
    numbered = [s for s in found if s[1] != "preamble"]
    sections = [Section(0, *s) for s in found if s[1] == "preamble"]
    sections += [Section(n, *s) for n, s in enumerate(numbered, 1)]
    return _news_by_shape(tuple(sections))


_LAYOUT_LINE = re.compile(r"^[ \t]{0,3}(?:\{:[^{}]*\}|<!--.*?-->)[ \t]*$")
"""A line of layout, not text: a kramdown attribute or extension list of its own (`{: .summary}`,
`{:toc}`) or an HTML comment (`<!--more-->`, Jekyll's excerpt separator)."""
_TOC_PLACEHOLDER = re.compile(r"^[ \t]{0,3}(?:[-*+]|\d{1,3}\.)[ \t]+\S")
_HTML_HEADING = re.compile(r"^[ \t]{0,3}<h([1-6])(?:[ \t][^>]*)?>(.*?)</h\1>[ \t]*$", re.I)


def _markdown_lines(lines: list[str]) -> list[str]:
    """The body's lines as a reader sees them: layout lines dropped (with the list item a
    kramdown `{:toc}` replaces by the table of contents, `* TOC`), and an HTML heading line
    (`<h2>今日焦點</h2>`, as a CMS exports) over markdown text written as the heading of its
    level it is. One over HTML blocks (`<details>`, `<ul>`) stays: that part of the post is
    written in HTML, which is not read as markdown."""
    read: list[str] = []
    in_fence = False
    for index, line in enumerate(lines):
        if _FENCE.match(line):
            in_fence = not in_fence
        elif in_fence or line.lstrip(" \t")[:1] not in ("{", "<"):
            pass
        elif _LAYOUT_LINE.match(line):
            if (
                line.strip().replace(" ", "").lower() == "{:toc}"
                and read
                and _TOC_PLACEHOLDER.match(read[-1])
            ):
                read.pop()
            continue
        elif (heading := _HTML_HEADING.match(line)) and _markdown_follows(lines, index):
            line = f"{'#' * int(heading.group(1))} {strip_html_tags(heading.group(2)).strip()}"
        read.append(line)
    return read


def _markdown_follows(lines: list[str], index: int) -> bool:
    """Whether the first line with text under an HTML heading, past other HTML headings, is
    markdown rather than an HTML block's tag."""
    following = (line for line in lines[index + 1 :] if line.strip() and not _HTML_HEADING.match(line))
    return not next(following, "").lstrip().startswith("<")


_ALERT = re.compile(r"^[ \t]{0,3}>[ \t]*\[!(?:NOTE|TIP|IMPORTANT|WARNING|CAUTION)\][ \t]*(.*?)[ \t]*$", re.I)
_QUOTE_MARK = re.compile(r"^[ \t]{0,3}>[ \t]?")
_BOLD_LABEL = re.compile(r"^(\*\*|__)([^*_]+?)[ \t]*[：:]?[ \t]*\1[ \t]*[：:]?$")
_COLON_LABEL = re.compile(r"^([^：:*_#>\-\s][^：:]*?)[ \t]*[：:]$")
_BRACKET_LABEL = re.compile(r"^(\*\*|__|)【([^【】]+)】[ \t]*[：:]?[ \t]*\1[ \t]*[：:]?$")
"""A bracketed label on a line of its own (`**【本日重點】**`, `【資料來源】`)."""
_MAX_LABEL = 12
"""Longer than a label (`今日重點`, `Key takeaways`): a sentence ending in a colon."""
_LABEL_KINDS = frozenset({"key_points", "sources"})


def _names_label_kind(name: str) -> bool:
    return 0 < len(name) <= _MAX_LABEL and classify_heading(name) in _LABEL_KINDS


def _list_follows(lines: list[str], index: int) -> bool:
    """Whether the first line with text after `lines[index]` is a list item."""
    following = next((line for line in lines[index + 1 :] if line.strip()), "")
    return bool(_LIST_LINE.match(following))


def _bracket_label(lines: list[str], index: int) -> str | None:
    """The name of a bracketed label line over a list, if it names key points or sources:
    `**【本日重點】**`, `【資料來源】`. Such a line marks a part of the post wherever it stands,
    as a heading would; a bracketed line naming anything else (`**【產品】**`, a category of
    the news) stays in its text, and so does one over no list."""
    match = _BRACKET_LABEL.match(lines[index].strip())
    name = match.group(2).strip() if match else ""
    return name if _names_label_kind(name) and _list_follows(lines, index) else None


def _preamble_label(lines: list[str], index: int) -> str | None:
    """The name a line before the first heading gives the list under it, if it names key points
    or sources: a bold paragraph (`**重點**`), a short one ending in a colon (`今日重點：`,
    `資料來源：`), or one over a list that is an emoji and a name (`🔗 來源`) or a bracketed
    label (`【本日重點】`). A recap's name (`📝 三句話總結`, `小結：`) counts over a list only."""
    line = lines[index].strip()
    match = _BOLD_LABEL.match(line) or _COLON_LABEL.match(line)
    name = match.group(match.lastindex or 1).strip() if match else ""
    if _names_label_kind(name):
        return name
    if not match:
        name = _after_emoji(line).rstrip("：: \t")
    if (
        0 < len(name) <= _MAX_LABEL
        and (_names_label_kind(name) or _names(_RECAP, name))
        and _list_follows(lines, index)
    ):
        return name
    return _bracket_label(lines, index)


def _after_emoji(line: str) -> str:
    """The words after the emoji a line opens with (`📝 三句話總結`); empty when it opens with none."""
    start = leading_emoji_end(line)
    return line[start:].strip() if start else ""


def _alert_label(alert: re.Match[str]) -> str | None:
    """The title of a GitHub alert (`> [!TIP] 今日重點`) when it names key points or sources."""
    return alert.group(1) if classify_heading(alert.group(1)) in _LABEL_KINDS else None


def _new_paragraph(line: str) -> bool:
    """Whether a line after a blank one starts a paragraph of its own rather than continuing a
    list: it is neither a list item nor indented under one."""
    return bool(line.strip()) and not line[:1].isspace() and not _LIST_LINE.match(line)


LabelReader = Callable[[list[str], int], str | None]
"""Reads the name a label line gives the part under it: (the lines, the line's index) → name or None."""


def _labelled_parts(
    lines: list[str], label: LabelReader, alerts: bool = False
) -> tuple[str, list[tuple[str, str, str]]]:
    """A text's labelled parts, as (name, kind, body), and the rest of the text.

    A post may name its parts without headings: a GitHub alert titled so
    (`> [!TIP] 今日重點` over quoted bullets), or a label paragraph over a list (`今日重點：`,
    `**重點**`, `資料來源：`; see `_preamble_label`, and `_bracket_label` for the labels read
    anywhere). Each such part is a section under its label, to the end of the alert or of the
    list (a paragraph that does not continue it ends it). Only labels naming key points or
    sources count: a preamble's `以下是今日新聞：` introduces the headings after it, and the
    plain labels inside a section belong to its text (`**來源**：` under an item).
    """
    rest: list[str] = []
    parts: list[tuple[str, list[str]]] = []
    current: list[str] | None = None  # the lines of the labelled part being read, if any
    in_alert = after_blank = False
    for index, line in enumerate(lines):
        alert = _ALERT.match(line) if alerts else None
        opens_paragraph = after_blank or not (rest or parts)
        name = _alert_label(alert) if alert else label(lines, index) if opens_paragraph else None
        if name is not None:
            current, in_alert = [], bool(alert)
            parts.append((name, current))
        elif current is not None and in_alert and _QUOTE_MARK.match(line):
            current.append(_QUOTE_MARK.sub("", line))
        elif current is not None and not in_alert and not (after_blank and _new_paragraph(line)):
            current.append(line)
        else:
            current = None
            rest.append(line)
        after_blank = not line.strip()
    bodies = [(name, "\n".join(body).strip()) for name, body in parts]
    return "\n".join(rest).strip("\n"), [(name, section_kind(name, body), body) for name, body in bodies]


_MAY_HOLD_NEWS = frozenset({"other", "trend"})
"""Kinds a news section can be read as when its heading does not name the news: unnamed
(`## 模型發布`), or named in words a trend shares (`## 公司動態`, `## Open Source 模型動態`)."""


def _headline_items(body: str) -> int:
    """How many headline+body items a section holds: the shape of a news list; 0 when it is not one.

    Items must be marked (heading, number, bullet or bold line: paragraphs of
    prose are not items), most must have a body, and the section must run to
    two lines an item. A key points list, one line per point (`- **A**：b`
    included), and a few bullets under an introduction have not that shape.
    """
    items = parse_news_items(body)
    if not items or items[0].list_style == "paragraph":
        return 0
    with_body = sum(1 for item in items if item.body)
    lines = sum(1 for line in body.split("\n") if line.strip())
    return len(items) if with_body * 2 >= len(items) and lines >= 2 * len(items) else 0


def _news_by_shape(sections: tuple[Section, ...]) -> tuple[Section, ...]:
    """When no heading names the news, the sections whose body is a list of news items are it.

    Some digests split the news into category sections (`## 模型發布`,
    `## 產業與投資`) or title it in words no vocabulary foresees: the news is
    then the first run of consecutive sections, unnamed or named as a trend,
    holding headline+body items (two or more in all); failing one, the first
    run of two or more consecutive sections that are each one item (a headline
    as the heading, prose under it: see `_reads_as_one_item`); failing that, the
    first key points section that holds several (`## Today's Highlights`: a
    summary is one line a point, the news a headline and its body); failing
    that, the first section (or the text before the first heading) written as
    paragraphs of a headline over its text (`_paragraph_news`); failing that,
    the text before the first heading when it holds two or more headline+body
    items (a post of no headings whose labels name only its key points and
    sources: `🔹 headline` over `↳ body` lines, then `📝 三句話總結`).
    """
    if any(s.kind == "news" for s in sections):
        return sections
    counts = [_headline_items(s.body) if s.kind in _MAY_HOLD_NEWS else 0 for s in sections]
    run = _first_run(counts, least=2)
    if not run:
        run = _first_run([int(_reads_as_one_item(s)) for s in sections], least=2)
    if not run:
        run = next(
            (
                [index]
                for index, s in enumerate(sections)
                if s.kind == "key_points" and _headline_items(s.body) >= 2
            ),
            [],
        )
    if not run:
        run = _first_run(
            [int(s.kind in _MAY_HOLD_PARAGRAPH_NEWS and _paragraph_news(s.body)) for s in sections], least=1
        )
    if not run:
        run = [
            index
            for index, s in enumerate(sections[:1])
            if s.kind == "preamble" and _headline_items(s.body) >= 2
        ]
    return tuple(dataclasses.replace(s, kind="news") if i in run else s for i, s in enumerate(sections))


_MAY_HOLD_PARAGRAPH_NEWS = _MAY_HOLD_NEWS | {"preamble"}


def _paragraph_news(body: str) -> bool:
    """Whether a section with no list markers is the news written as paragraphs: two or more
    of a headline line over its text (`Qwen Chat 推出深度研究 2.0` then a sentence, or a
    definition list's term over `: its text`), as in a post with no headings at all or a
    `## 今日時間軸` of `**08:15** headline` lines. A headline line is short, does not end a
    sentence and is no HTML (a post written in HTML is not read as markdown paragraphs)."""
    items = parse_news_items(body)
    headlines = [
        item
        for item in items
        if item.list_style in ("paragraph", "definition")
        and item.body
        and len(item.headline) <= 80
        and not item.headline.endswith(SENTENCE_ENDS)
        and not item.headline.startswith("<")
    ]
    return len(headlines) >= 2 and len(headlines) * 2 >= len(items)


def _first_run(counts: list[int], least: int) -> list[int]:
    """Indexes of the first run of consecutive non-zero counts summing to `least` or more."""
    run: list[int] = []
    for index, count in enumerate([*counts, 0]):
        if count:
            run.append(index)
        elif sum(counts[i] for i in run) >= least:
            return run
        else:
            run = []
    return []


_CJK_CHAR = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z0-9][\w.+\-]*")
_HEADLINE_WEIGHT = 10
"""How long a heading runs when it is a headline, a CJK character counting 1 and a Latin word 2:
`X 平台將 Grok 整合至私訊` is 11, `Llama Stack 1.0 reaches general availability` 12. A section's
name is a few words (`模型發布` 4, `產業與投資動向` 7, `Closing remarks` 4)."""


def _reads_as_one_item(section: Section) -> bool:
    """Whether a section is one news item: its heading the headline, its body the item's text.

    Sites that give each item a section of its own (`## Anthropic 完成 300 億美元 G 輪融資`
    next to `## 重點` and `## 來源`) have no news heading. Such a section's heading names no
    kind of section and runs as long as a headline (`_HEADLINE_WEIGHT`); its body is prose
    (paragraphs, a quoted `> 來源：…` line, a hashtag line): no list, heading or table, which
    make a section of items or of analysis.
    """
    if section.kind == "preamble" or classify_heading(section.heading) != "other":
        return False
    heading = section.heading
    if len(_CJK_CHAR.findall(heading)) + 2 * len(_LATIN_WORD.findall(heading)) < _HEADLINE_WEIGHT:
        return False
    items = parse_news_items(section.body)
    return bool(items) and all(item.list_style == "paragraph" for item in items)


def _as_one_item(section: Section) -> Section:
    """A section that is one item, written as the item list it is: its heading the item's headline
    (`items` drops an emoji that decorates it, as in `### 🚀 ChatGPT 開始測試廣告`)."""
    return dataclasses.replace(section, body=f"### {section.heading}\n{section.body}")


def news_sections(sections: Sequence[Section]) -> tuple[Section, ...]:
    """The sections to read the news items from, in order.

    Sections found to be the news by their shape alone are one news list cut
    into categories, or one item each: all of them are read, a one-item section
    with its heading as the headline. Where headings name the news, the
    first such section is read, and a later one too when it holds a list of
    headlines (`## 國內新聞` then `## 國際新聞`, `## 今日要聞` then `## 更多新聞`:
    one news list cut in two). A later one that does not (`## 新聞背景` in
    prose), or that repeats a section already read word for word, is left out;
    the post's warnings say so.
    """
    news = [s for s in sections if s.kind == "news"]
    named = [s for s in news if classify_heading(s.heading) == "news"]
    if not named:
        return tuple(_as_one_item(s) if _reads_as_one_item(s) else s for s in news)
    read = [named[0]]
    for section in named[1:]:
        if all(section.body != s.body for s in read) and (
            _headline_items(section.body) or _one_line_headlines(section)
        ):
            read.append(section)
    return tuple(read)


def _one_line_headlines(section: Section) -> bool:
    """Whether a news section is a list of one-line headlines (`## 快訊` under a lead story:
    `- headline ｜ [source](url)`): two or more list items, most not ending as a sentence does.
    A heading that names key points besides the news (`## 新聞重點`) is a summary of it, whose
    one-line points are no headlines."""
    if _names(_KEY_POINTS, section.heading):
        return False
    items = parse_news_items(section.body)
    if len(items) < 2 or any(item.list_style not in ("bullet", "numbered") for item in items):
        return False
    return sum(not item.headline.endswith(SENTENCE_ENDS) for item in items) * 2 > len(items)
