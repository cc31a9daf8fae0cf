"""News items and key points: reading list-shaped markdown by its structure.

Digest writers mark items in many ways. All of these are one item each:

    1) headline            - headline           - headline          1) headline
    body paragraph           indented body        - nested body     - body as a top-level bullet

and `1) headline：body` on one line, with `1.` `1、` `1｜` `(1)` `（一）` `①` `1️⃣` `[1/4]` `#1`
`No.1` `第一則：` `*` `•`, any symbol (`🔹` `▸` `✅`), `### headline`, a bold line or a definition
list's term (`headline` then `: body`) as the marker. The rule: the first top-level marker in
the section fixes which marker starts an item; every other line, whatever it looks like (a
`↳ body` line too, its arrow dropped), belongs to the item above it. A section with no markers
but a table (`| # | 新聞 | 說明 |`) reads one item per table row; one made of quote blocks one
item per block (`_quote_blocks`); one with neither reads its paragraphs (`_paragraph_items`).

What a headline opens with but a reader would not copy is dropped: the item's number
(`#### 1｜`, `### 2.1` under a section numbered 2, `### II.` after `### I.`), a time of day
(`**08:15**`) and a decorative emoji (`### 🚀`); so is a source linked after a bar at its end
(`headline ｜ [The Verge](url)`), which goes to the body.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from functools import lru_cache
from typing import NamedTuple

from markdown_it import MarkdownIt

from digest_pipeline.posts.records import NewsItem

# `1｜headline` (a bar after the number) too, but not a pipe-less table row (`1 | A | B`).
_NUMBERED = re.compile(
    r"^(?:[(（]\s*\d{1,3}\s*[)）]|\d{1,3}(?:[)）、]|[.．](?!\d)|\s*[|｜](?![^|｜]*[|｜]))"
    r"|[一二三四五六七八九十]{1,3}[、.．]"
    r"|(?P<paren_cjk>[(（]\s*[一二三四五六七八九十]{1,3}\s*[)）])"
    r"|(?P<keycap>\d\ufe0f?\u20e3|\U0001f51f)"  # 1️⃣ … 9️⃣, 🔟
    r"|(?P<circled>[\u2460-\u2473\u2776-\u277f])"  # ①…⑳, ❶…❿
    r"|(?P<fraction>[\[(（【]\s*\d{1,3}\s*/\s*\d{1,3}\s*[\])）】](?!\())"  # [1/4]: item 1 of 4
    r"|(?P<number_sign>(?:#|№|[Nn][Oo][.．]\s?)\d{1,3}(?:[.．:：、)）]|(?=\s)))"  # #1, No.1
    r"|(?P<ordinal>第\s*(?:\d{1,3}|[一二三四五六七八九十]{1,3})\s*[則则條条項项篇](?:新聞|新闻|消息)?"
    r"(?:\s*[：:、.．]|\s)))"  # 第一則：, 第 1 條
    r"\s*(?P<text>.*)$"
)
"""An item number before its headline. `#1 headline` has no space after the `#`, so it is no
markdown heading; `第一則：` counts only with a separator after it (`第一則消息指出` is prose)."""
_NUMBER_FAMILIES = ("paren_cjk", "keycap", "circled", "fraction", "number_sign", "ordinal")
_BULLET = re.compile(r"^[-*+•·▪‣◦●]\s+(.*)$")
"""A bullet: an ASCII or typographic one before a space (`-5%` is no bullet); see also
`_symbol_bullet`."""
_CONTINUATION_MARKS = frozenset("↳↪└╰├→⤷⮑")
"""Marks that open a line continuing the item above (`🔹 headline` then `  ↳ body`): its body."""
_HEADING = re.compile(r"^#{1,6}\s+(.*?)[\s#]*$")
_BOLD_LINE = re.compile(r"^(\*\*|__)(.+?)\1\s*[：:]?\s*$")
_RULE = re.compile(r"^\s{0,3}([-*_])(?:\s*\1){2,}\s*$")
_STRAY = re.compile(r"^\s*(\*{1,3}|_{1,3})\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")
_BOLD_LEAD = re.compile(r"^(\*\*|__)(.+?)\1\s*[：:—–-]*\s*(.*)$")
# `——` (the CJK dash, two em dashes) needs no spaces; a lone dash does, or it would cut `2024–2025`.
_ONE_LINE_SPLIT = re.compile(r"[：]|:\s|\s[—–]\s|\s*—{2,}\s*")
_INLINE_LINK = re.compile(r"\[([^\]]+)\]\((?:[^()\s]|\([^()\s]*\))+(?:\s+\"[^\"]*\")?\)")
_TRAILING_SOURCE = re.compile(rf"\s*[|｜]\s*((?:{_INLINE_LINK.pattern}[\s、,，/]*)+)$")
"""The source a one-liner names after a bar: `headline ｜ [The Verge](url)`."""
# A category label before a headline's colon: a few words, no digits or punctuation (價格戰, 用戶信號).
_LABEL = re.compile(r"[^\W\d_]{1,8}(?: [^\W\d_]{1,12})?")
# A paragraph label: a short run of letters or up to four plain words, no digits (為什麼重要, Why it matters).
_SHORT_LABEL = re.compile(r"[^\W\d_]{1,8}|[^\W\d_]+(?:[ '’][^\W\d_]+){1,3}")
_SENTENCE_END = re.compile(r"[。！？!?]|\.\s")
_MAX_LABELLED_HEADLINE = 60
_ATTRIBUTION = re.compile(
    r"[（(]\s*(?:資料|消息|新聞|資訊)?(?:來源|来源|出處|出处|sources?|via)\s*[:：]\s*([^（）()]+?)\s*[）)]",
    re.IGNORECASE,
)
_ATTRIBUTION_LINE = re.compile(
    r"^[ \t]*(?:[-*•][ \t]+)?(?:\*\*|__)?(?:資料|消息|新聞|資訊)?(?:來源|来源|出處|出处|sources?|via)"
    r"[ \t]*(?:\*\*|__)?[ \t]*[:：][ \t]*(?:\*\*|__)?[ \t]*(\S.*?)[ \t]*$",
    re.IGNORECASE | re.MULTILINE,
)
"""An attribution on a line of its own: `來源：工商時報`, `**來源**：[OpenAI Blog](https://…)`."""
_ATTRIBUTION_OPENINGS = (
    *("來源", "来源", "出處", "出处", "資料來源", "消息來源", "新聞來源", "資訊來源"),
    *("source", "Source", "SOURCE", "via", "Via", "VIA"),
)
"""How a line that `_ATTRIBUTION_LINE` can match opens, once bullets and emphasis are stripped."""
_MAX_OUTLET_NAME = 24
"""Longer than an outlet's name ("South China Morning Post"): a sentence after `來源：`, no name."""
_CLAUSE = re.compile(r"[，。！？；]|\s(?:said|says|reported)\b")
_OUTLET_SPLIT = re.compile(r"\s*[、,，;；/|]\s*")
_TABLE_ROW = re.compile(r"^\s{0,3}\|", re.MULTILINE)
_BLOCKQUOTE = re.compile(r"^(\s{0,3}>)+ ?", re.MULTILINE)
# Header words of a table's headline column; else the first column that is not a row number.
_TITLE_HEADER = re.compile(r"新聞|標題|事件|消息|主題|title|headline|news|story|topic", re.IGNORECASE)
_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1")
_TITLE_LABEL = re.compile(r"標題|题目|題目|title|headline", re.IGNORECASE)
"""A field label before the headline itself (`**標題**：…` then `**摘要**：…`)."""
_ROW_NUMBER = re.compile(r"[#№]?\s*\d{1,3}[.)、]?")
_DEFINITION = re.compile(r"^\s{0,3}:[ \t]+(\S.*)$")
"""A definition list's definition (Markdown Extra, Pandoc): `: body` under its term's line."""
_TIME_OF_DAY = re.compile(
    r"^(?:(?:\*\*|__|[\[【(（])(?:[01]?\d|2[0-3])[:：][0-5]\d(?:\s?[AaPp][Mm])?(?:\*\*|__|[\]】)）])"
    r"|(?:[01]\d|2[0-3])[:：][0-5]\d(?:\s?[AaPp][Mm]\b)?|\d[:：][0-5]\d\s?[AaPp][Mm]\b)"
    r"[ \t]*[-–—|｜·]?[ \t]*(?=\S)"
)
"""A time of day before a headline (`**08:15** headline`, `[9:05] headline`, `14:05 headline`,
`9:05 AM headline`): when it happened. An hour of one digit counts only when the time is set off
(bold, brackets) or has AM/PM, so an aspect ratio (`9:16 直式影片`) stays in its headline."""
_SUB_NUMBER = re.compile(r"^(\d{1,2})[.．-](\d{1,2})[.．、]?\s*(?=\S)")
"""A sub-number (`2.1`, `1.1.`, `2-1`): item 1 of a document's section 2."""
_EMOJI_JOINERS = frozenset("\ufe0e\ufe0f\u200d\u20e3")
"""What an emoji is spelled with besides its symbol: variation selectors (🏗️), the joiner, the
keycap; skin tones are modifier symbols (category Sk)."""


class _Line(NamedTuple):
    """One classified line (a tuple: a post has dozens, and a frozen dataclass is slow to make)."""

    indent: int
    marker: str | None  # numbered | bullet | heading | bold | definition (a term) | None
    text: str  # the line without indentation and without its marker
    level: int = 0  # a heading's depth: 3 for `###`
    family: str = ""  # a numbering style that never mixes with `1.` (keycap, circled, …); label;
    # a symbol bullet's symbol;
    # definition: the body of a term (`: body`, its colon dropped)


_MARKER_STARTS = frozenset("#-*+_•·▪‣◦●(（[【№Nn第一二三四五六七八九十🔟①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳❶❷❸❹❺❻❼❽❾❿")
"""With the decimal digits and the symbols (Unicode category So), every character a marker, rule or
stray emphasis can start with: a line starting with any other is text, and needs none of the
regular expressions (most lines of a post)."""


def is_rule(line: str) -> bool:
    """Whether a line is a thematic break (`---`, `* * *`): layout, never text."""
    return bool(_RULE.match(line))


def opens_with_item_number(text: str) -> bool:
    """Whether a headline opens with an item number in any style the items are read in
    (`1.`, `(2)`, `四、`, `（一）`, `①`, `3️⃣`)."""
    match = _NUMBERED.match(text)
    return bool(match and match.group("text"))


def _classify(raw: str) -> _Line | None:
    """None for lines that carry nothing: blanks, stray emphasis, horizontal rules."""
    expanded = raw.expandtabs(4).rstrip()
    stripped = expanded.lstrip()
    if not stripped:
        return None
    indent = len(expanded) - len(stripped)
    first = stripped[0]
    if first in _CONTINUATION_MARKS and stripped[1:].strip():
        return _Line(indent, None, stripped[1:].lstrip())
    is_symbol = unicodedata.category(first) == "So"
    if first not in _MARKER_STARTS and not first.isdecimal() and not is_symbol:  # `\d`: any decimal digit
        return _Line(indent, None, stripped)
    if _STRAY.match(stripped):
        return None
    if _RULE.match(stripped):
        return _Line(indent, "rule", "")
    heading = _HEADING.match(stripped)
    if heading:
        level = len(stripped) - len(stripped.lstrip("#"))
        return _Line(indent, "heading", heading.group(1).strip(), level=level)
    numbered = _NUMBERED.match(stripped)
    if numbered:
        family = next((f for f in _NUMBER_FAMILIES if numbered.group(f)), "")
        return _Line(indent, "numbered", numbered.group("text").strip(), family=family)
    bullet = _BULLET.match(stripped)
    if bullet:
        return _Line(indent, "bullet", bullet.group(1).strip())
    if is_symbol:
        return _symbol_bullet(indent, stripped)
    bold = _BOLD_LINE.match(stripped)
    if bold:
        text = bold.group(2).strip()
        # `**為什麼重要：**`, `**Why it matters**:` may label a paragraph (see _bold_labels).
        label = "label" if stripped.endswith(("：", ":")) or text.endswith(("：", ":")) else ""
        return _Line(indent, "bold", text, family=label)
    return _Line(indent, None, stripped)


def _symbol_bullet(indent: int, stripped: str) -> _Line:
    """A line opened by a symbol (`🔹 headline`, `✅`, `▸`, `➤`; Unicode category So), read as a
    bullet whose family is the symbol: a list is written with one symbol, so a `🔗 [原文](url)`
    line under `🔹` items is no item of its own (see `_ItemMarker`)."""
    text = _without_leading_emoji(stripped)
    if text == stripped:  # symbols and nothing after them
        return _Line(indent, None, stripped)
    return _Line(indent, "bullet", text, family=stripped[0])


def _classified_lines(markdown: str) -> list[_Line | None]:
    lines: list[_Line | None] = []
    in_fence = False
    for raw in markdown.replace("\r\n", "\n").split("\n"):
        if _FENCE.match(raw):
            in_fence = not in_fence
            lines.append(_Line(0, None, raw.strip()))
            continue
        definition = None if in_fence or ":" not in raw[:4] else _DEFINITION.match(raw)
        if definition:
            _mark_definition_term(lines)
            lines.append(_Line(0, None, definition.group(1).strip(), family="definition"))
            continue
        lines.append(_Line(0, None, raw.rstrip()) if in_fence else _classify(raw))
    return lines


def _mark_definition_term(lines: list[_Line | None]) -> None:
    """Mark the term of the definition (`: body`) that follows `lines`: the text line above it,
    or above one blank line. A definition list is a list of headlines, each term the headline
    of the definition(s) under it; a line that is itself a definition is no term."""
    above = len(lines) - 1 if lines and lines[-1] else len(lines) - 2
    term = lines[above] if above >= 0 else None
    if term is not None and term.marker in (None, "bold") and term.family != "definition":
        lines[above] = term._replace(marker="definition", family="")


_ITEM_MARKERS = ("heading", "numbered", "bullet", "bold", "definition")


class _ItemMarker(NamedTuple):
    """What starts an item in a section: the first top-level marker's kind, indent and family."""

    marker: str | None
    base: int = 0
    family: str = ""
    labels: frozenset[str] = frozenset()  # texts of bold lines that label a paragraph of an item

    def starts_item(self, line: _Line) -> bool:
        """Only the first item's own style starts an item.

        `①` sub-points under `1.` items, `🔗` lines under `🔹` items, or a
        `**為什麼重要：**` label under bold headlines, are the body of the item above.
        """
        if line.marker != self.marker or line.indent > self.base + 1:
            return False
        if self.marker in ("numbered", "bullet"):
            return line.family == self.family
        return not (line.family == "label" and line.text in self.labels)


def _item_marker(lines: list[_Line | None]) -> _ItemMarker:
    """Which marker starts an item in this section, and at what indent.

    Bold lines count as headlines only when the section opens with one and
    has several; otherwise a lone bold line is an intro and lists decide.
    """
    marked = [ln for ln in lines if ln and ln.marker in _ITEM_MARKERS]
    symbols = Counter(ln.family for ln in marked if ln.marker == "bullet" and ln.family)
    # A symbol that opens one line only (`📰 今日新聞`, `🔗 原文`) decorates it: no list is made of it.
    marked = [ln for ln in marked if not (ln.marker == "bullet" and symbols[ln.family] == 1)]
    if not marked:
        return _ItemMarker(None)
    bold = [ln for ln in marked if ln.marker == "bold"]
    if marked[0].marker == "bold" and len(bold) > 1:
        return _ItemMarker("bold", min(ln.indent for ln in bold), marked[0].family, _bold_labels(bold))
    structural = [ln for ln in marked if ln.marker != "bold"] or marked
    base = min(ln.indent for ln in structural)
    first_top = next(ln for ln in structural if ln.indent <= base + 1)
    return _ItemMarker(first_top.marker, base, first_top.family)


def _bold_labels(bold: list[_Line]) -> frozenset[str]:
    """Texts of the colon-ended bold lines that label a paragraph rather than head an item.

    The headlines set the pattern: when the first has no colon, a colon-ended
    bold line is a label if it recurs (`**為什麼重要：**` under every item) or is
    too short to be a headline (`**Why it matters:**`); a headline may end in
    a colon too (`**R2 延後的傳聞再起：**`).
    """
    if bold[0].family == "label":
        return frozenset()
    colon_ended = [ln.text for ln in bold if ln.family == "label"]
    return frozenset(
        text
        for text in colon_ended
        if colon_ended.count(text) > 1 or _SHORT_LABEL.fullmatch(text.rstrip("：: "))
    )


def _group_headings(lines: list[_Line | None]) -> set[int]:
    """Indexes of category headings (`### 公司動態`) over item headings (`#### 1. …`).

    Such a heading has no body of its own: the next line is a deeper heading.
    It ends the item above it and starts none.
    """
    groups: set[int] = set()
    following: _Line | None = None
    for index in reversed(range(len(lines))):
        line = lines[index]
        if line is None:
            continue
        deeper_next = following is not None and following.marker == "heading" and following.level > line.level
        if line.marker == "heading" and deeper_next:
            groups.add(index)
        following = line
    return groups


def _strip_emphasis(text: str) -> str:
    text = text.strip()
    if text.count("**") % 2 == 1 and text.endswith("**"):  # a stray closing `**`
        text = text[:-2].rstrip()
    match = re.fullmatch(r"(\*\*|__)(.+)\1", text)
    return match.group(2).strip() if match else text


def _finish(position: int, headline: str, body_lines: list[str], style: str) -> NewsItem:
    body = re.sub(r"\n{3,}", "\n\n", "\n".join(body_lines)).strip()
    source = _TRAILING_SOURCE.search(headline)
    if source and headline[: source.start()].strip():  # the link names where the item is from
        headline = headline[: source.start()]
    else:
        source = None
    headline = _strip_emphasis(_TIME_OF_DAY.sub("", headline, count=1))
    if style in ("heading", "bold"):  # `#### 1. 標題`, `**1. 標題**`: the number is the marker's
        numbered = _NUMBERED.match(headline)
        headline = (numbered and numbered.group("text").strip()) or headline
    lead = _BOLD_LEAD.match(headline)
    if lead and lead.group(3) and _TITLE_LABEL.fullmatch(lead.group(2).strip().rstrip("：: ")):
        headline = lead.group(3)  # `**標題**：Google 推出 AI Mode`: the label names the field
    elif lead and lead.group(3):
        headline, body = lead.group(2).strip(), f"{lead.group(3)}\n{body}".strip()
    elif not body:
        headline, body = _split_one_line(headline)
    if "](" in headline:  # `### [A](url)`: the headline is the link's text
        headline = _INLINE_LINK.sub(r"\1", headline)
    headline = _without_leading_emoji(_strip_emphasis(headline.rstrip("：: ").strip()))
    if source:
        body = f"{body}\n{source.group(1).strip()}".strip()
    outlets = extract_outlets(f"{headline}\n{body}")
    return NewsItem(position, headline, body, outlets, style)


def leading_emoji_end(text: str) -> int:
    """Where the emoji that open `text` end: 0 when it opens with none.

    An emoji is a symbol (Unicode category So, or Sk for skin tones) with its joiners. A keycap
    `1️⃣` starts with a digit, so it is none."""
    end = 0
    while end < len(text) and (
        text[end] in _EMOJI_JOINERS or unicodedata.category(text[end]) in ("So", "Sk")
    ):
        end += 1
    return end


def _without_leading_emoji(headline: str) -> str:
    """The headline without the emoji that decorate its start (`🚀 ChatGPT …`, `🏗️ Stargate …`):
    the words after them are the headline."""
    start = leading_emoji_end(headline)
    rest = headline[start:].lstrip()
    return rest if start and rest else headline


def _without_counted_numbers(
    headlines: list[str], number: re.Pattern[str], value: Callable[[re.Match[str]], int]
) -> list[str]:
    """Headlines without the item numbers `number` reads at their start, when those count 1, 2,
    3… over every headline (two or more): a number that does not count so is the headline's own
    (a lone `### 3.5 億美元…`, `I.B.M.`, a model's `V3`)."""
    numbers = [number.match(headline) for headline in headlines]
    if len(headlines) < 2 or not all(numbers):
        return headlines
    if [value(match) for match in numbers if match] != list(range(1, len(headlines) + 1)):
        return headlines
    return [headline[match.end() :] for headline, match in zip(headlines, numbers, strict=True) if match]


def _without_sub_numbers(headlines: list[str]) -> list[str]:
    """Headlines without the sub-numbers of a numbered document (`### 2.1 …`, `### 2.2 …`
    under `## 2. 新聞`; `1.1.`, `2-1`): all under one section number, counting 1, 2, 3…"""
    sections = {match.group(1) for match in map(_SUB_NUMBER.match, headlines) if match}
    if len(sections) > 1:
        return headlines
    return _without_counted_numbers(headlines, _SUB_NUMBER, lambda match: int(match.group(2)))


_ROMAN_NUMBER = re.compile(r"^([IVXLC]{1,7}|[ivxlc]{1,7}|[\u2160-\u217f])(?:[.．]\s+|[、)）]\s*)(?=\S)")
"""A Roman item number (`I. `, `IV、`, `Ⅲ、`): a dot needs a space after it (`I.B.M.`)."""
_ROMAN_VALUES = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}


def _roman_value(numeral: str) -> int:
    """The value of a Roman numeral (`IV` → 4; `Ⅳ`, one character, by its Unicode value)."""
    if len(numeral) == 1 and not numeral.isascii():
        return int(unicodedata.numeric(numeral))
    values = [_ROMAN_VALUES[char] for char in numeral.lower()]
    following = [*values[1:], 0]
    return sum(-value if value < after else value for value, after in zip(values, following, strict=True))


def _without_roman_numbers(headlines: list[str]) -> list[str]:
    """Headlines without their Roman item numbers (`### I. …`, `### II. …`), counting I, II, III…"""
    return _without_counted_numbers(headlines, _ROMAN_NUMBER, lambda match: _roman_value(match.group(1)))


def _split_one_line(line: str) -> tuple[str, str]:
    """`headline：body` → (headline, body), ignoring colons inside attributions （來源：…）.

    A headline may itself lead with a category label (`價格戰：X 降價五成：X 宣布…`).
    When the text before the first colon is label-like and a second colon
    follows within a headline's length, with no sentence ending between, the
    headline runs to that second colon: splitting at the label would leave
    the label alone as the headline and the real headline in the body.
    """
    masked = _ATTRIBUTION.sub(lambda m: "\0" * len(m.group(0)), line)
    match = _ONE_LINE_SPLIT.search(masked)
    if not match:
        return line, ""
    head = line[: match.start()].strip()
    if _LABEL.fullmatch(head):
        second = _ONE_LINE_SPLIT.search(masked, match.end())
        if second and second.start() - match.end() <= _MAX_LABELLED_HEADLINE:
            middle = line[match.end() : second.start()]
            if middle.strip() and not _SENTENCE_END.search(middle):
                match, head = second, line[: second.start()].strip()
    rest = line[match.end() :].strip()
    return (head, rest) if head and rest else (line, "")


def _finished(drafts: list[tuple[str, list[str]]], style: str) -> tuple[NewsItem, ...]:
    """The items from their (headline, body lines) as marked, numbered from 1."""
    headlines = _without_roman_numbers(_without_sub_numbers([headline for headline, _ in drafts]))
    return tuple(
        _finish(position, headline, body, style)
        for position, (headline, (_, body)) in enumerate(zip(headlines, drafts, strict=True), 1)
    )


def _paragraph_items(lines: list[_Line | None]) -> tuple[NewsItem, ...]:
    """Items of a section with no list markers: each paragraph, its first line the headline;
    or, where headlines stand alone ending in a colon (see `_colon_headlines`), each such
    line with the paragraphs under it."""
    paragraphs: list[list[str]] = []
    paragraph: list[str] = []
    for line in [*lines, None]:
        if line is not None and line.marker != "rule":
            paragraph.append(line.text)
        elif paragraph:
            paragraphs.append(paragraph)
            paragraph = []
    headlines = _colon_headlines(paragraphs)
    if not headlines:
        return _finished([(p[0], p[1:]) for p in _without_introduction(paragraphs)], "paragraph")
    drafts: list[tuple[str, list[str]]] = []
    for index, paragraph in enumerate(paragraphs):
        if index in headlines:
            drafts.append((paragraph[0], []))
        elif drafts:  # a paragraph before the first headline introduces the items
            drafts[-1][1].extend(["", *paragraph])
    return _finished(drafts, "paragraph")


SENTENCE_ENDS = ("。", "！", "？", ".", "!", "?", "．", "…")
"""How a sentence ends, and so a line that is no headline (a headline ends on its last word)."""
_INTRODUCTION_END = (*SENTENCE_ENDS, "：", ":")


def _without_introduction(paragraphs: list[list[str]]) -> list[list[str]]:
    """The paragraphs without the line that introduces them: a one-line paragraph at the top
    that ends as a sentence or a colon (`早安！以下是今天的新聞。`, `以下是今日新聞：`), when
    two or more paragraphs with a body (a headline line over its text) follow. A headline
    does not end so; the introduction stays in the section's text."""
    first = paragraphs[0] if paragraphs else []
    if (
        len(first) == 1
        and first[0].rstrip().endswith(_INTRODUCTION_END)
        and sum(len(paragraph) > 1 for paragraph in paragraphs[1:]) >= 2
    ):
        return paragraphs[1:]
    return paragraphs


def _colon_headlines(paragraphs: list[list[str]]) -> set[int]:
    """Indexes of the paragraphs that are headlines over the paragraphs below them: one line
    ending in a colon (`Gemini 在 Google Maps 推出對話式導航：`, then its body paragraph).

    So read only when there are two or more, all different (a label that recurs under every
    item, `Why it matters:`, heads none), each with a paragraph under it, the first at the
    top or under one introduction (`今日三則：` too): a lone `以下是今日新聞：` introduces
    paragraph items.
    """
    indexes = [i for i, p in enumerate(paragraphs) if len(p) == 1 and p[0].endswith(("：", ":"))]
    if indexes[:2] == [0, 1]:
        indexes = indexes[1:]
    texts = {paragraphs[i][0] for i in indexes}
    if len(indexes) < 2 or len(texts) < len(indexes) or indexes[0] > 1:
        return set()
    following = [*indexes[1:], len(paragraphs)]
    if any(after == index + 1 for index, after in zip(indexes, following, strict=True)):
        return set()
    return set(indexes)


class _TableRow(NamedTuple):
    """A data row of a markdown table: the cell that reads as its title, and the other text cells."""

    title: str
    rest: tuple[str, ...]


class _Table(NamedTuple):
    start: int  # first source line (the header row)
    end: int  # line after the last row
    rows: tuple[_TableRow, ...]


@lru_cache(maxsize=1)
def _table_reader() -> MarkdownIt:
    return MarkdownIt("commonmark").enable("table")


def _read_tables(markdown: str) -> list[_Table]:
    """The GFM tables of a section, each data row split into its title cell and the rest.

    The header row names no item and the `|---|` row is layout: neither is a row.
    A column of row numbers (`| 1 |`) is dropped.
    """
    if not _TABLE_ROW.search(markdown):  # most sections: no need to parse
        return []
    tables: list[_Table] = []
    header: list[str] = []
    rows: list[list[str]] = []
    cells: list[str] = []
    start = end = 0
    in_cell = False
    for token in _table_reader().parse(markdown):
        if token.type == "table_open":
            header, rows = [], []
        elif token.type == "tr_open" and token.map:
            cells, end = [], token.map[1]
            start = start if header else token.map[0]
        elif token.type in ("th_open", "td_open", "th_close", "td_close"):
            in_cell = token.nesting == 1
        elif token.type == "inline" and in_cell:
            cells.append(token.content.strip())
        elif token.type == "tr_close":
            header, rows = (header, [*rows, cells]) if header else (cells, rows)
        elif token.type == "table_close":
            tables.append(_Table(start, end, _table_rows(header, rows)))
    return tables


def _table_rows(header: list[str], rows: list[list[str]]) -> tuple[_TableRow, ...]:
    width = len(header)
    numbers = {i for i in range(width) if all(_ROW_NUMBER.fullmatch(r[i]) for r in rows if r[i])}
    text_columns = [i for i in range(width) if i not in numbers]
    if not text_columns:
        return ()
    title = next((i for i in text_columns if _TITLE_HEADER.search(header[i])), text_columns[0])
    return tuple(
        _TableRow(row[title], tuple(row[i] for i in text_columns if i != title and row[i]))
        for row in rows
        if row[title]
    )


def _table_items(tables: list[_Table]) -> tuple[NewsItem, ...]:
    """One item per data row of a news section laid out as a table (`| # | 新聞 | 說明 |`)."""
    rows = [row for table in tables for row in table.rows]
    # The whole cell is the headline: `**A** 發布` is not a bold lead with a body after it.
    titles = [_EMPHASIS.sub(r"\2", row.title) for row in rows]
    return tuple(
        _finish(position, title, list(row.rest), "table")
        for position, (title, row) in enumerate(zip(titles, rows, strict=True), 1)
    )


def _quote_blocks(markdown: str) -> list[list[str]]:
    """The quote blocks a section is made of, their lines without quote marks; none when it is
    not: two or more blocks (`> **headline**` over `> body`), nothing outside them but an
    introduction above the first that marks no item. A quote inside an item (a listed or
    headed item over `> 引述`) stays quoted in its body."""
    lines = markdown.split("\n")
    quoted = [bool(_BLOCKQUOTE.match(line)) for line in lines]
    if not any(quoted):
        return []
    first = quoted.index(True)
    after_first = zip(lines[first:], quoted[first:], strict=True)
    introduction = (_classify(line) for line in lines[:first])
    if any(line.strip() and not is_quoted for line, is_quoted in after_first) or any(
        ln and ln.marker in _ITEM_MARKERS for ln in introduction
    ):
        return []
    blocks: list[list[str]] = []
    for line, is_quoted, was_quoted in zip(lines, quoted, [False, *quoted[:-1]], strict=True):
        if is_quoted and was_quoted:
            blocks[-1].append(_BLOCKQUOTE.sub("", line))
        elif is_quoted:
            blocks.append([_BLOCKQUOTE.sub("", line)])
    return blocks if len(blocks) >= 2 else []


def _quote_block_items(blocks: list[list[str]]) -> tuple[NewsItem, ...]:
    """One item per quote block, read as a paragraph: its first line the headline (without the
    marker it may have, `**headline**`, `### headline`), the rest its body."""
    drafts: list[tuple[str, list[str]]] = []
    for block in blocks:
        lines = [line for line in block if line.strip()]
        if lines:
            first = _classify(lines[0])
            drafts.append((first.text if first else lines[0].strip(), [line.strip() for line in lines[1:]]))
    return _finished(drafts, "paragraph")


@lru_cache(maxsize=64)
def parse_news_items(markdown: str) -> tuple[NewsItem, ...]:
    """The news items of a news section, in order, whatever list style marks them.

    Cached (the items are frozen): where no heading names the news, `sections` reads a
    section's items to judge its shape, and the parse reads the same section again.

    A section with no list markers but a table reads one item per table row;
    a table inside a listed item stays in that item's body. A section made of
    quote blocks reads one item per block (see `_quote_blocks`).
    """
    markdown = markdown.replace("\r\n", "\n")
    blocks = _quote_blocks(markdown)
    if blocks:
        return _quote_block_items(blocks)
    lines = _classified_lines(markdown)
    item_marker = _item_marker(lines)
    marker = item_marker.marker
    if marker is None:
        tables = _read_tables(markdown)
        return _table_items(tables) if tables else _paragraph_items(lines)
    groups = _group_headings(lines) if marker == "heading" else set()
    drafts: list[tuple[str, list[str]]] = []
    headline: str | None = None
    body: list[str] = []
    for index, line in enumerate(lines):
        if line is None:
            body.append("")
        elif item_marker.starts_item(line) and index not in groups:
            if headline is not None:
                drafts.append((headline, body))
            headline, body = line.text, []
        elif line.marker == "rule" or index in groups:
            if headline is not None:
                drafts.append((headline, body))
            headline, body = None, []  # text after a rule is a footer, not part of an item
        elif headline is not None:
            body.append(line.text)
    if headline is not None:
        drafts.append((headline, body))
    return _finished(drafts, marker)


def _row_as_point(row: _TableRow) -> str:
    return f"- {row.title}：{'；'.join(row.rest)}" if row.rest else f"- {row.title}"


def _key_point_lines(markdown: str) -> str:
    """The key points with blockquote markers dropped and each table row made a bullet.

    `> 第一點` is the same point as `第一點`; a row `| Kimi K2 | 開源榜首 | 影響 |`
    reads `Kimi K2：開源榜首；影響`, and the header and `|---|` rows are no points.
    """
    lines = _BLOCKQUOTE.sub("", markdown.replace("\r\n", "\n")).split("\n")
    for table in reversed(_read_tables("\n".join(lines))):
        lines[table.start : table.end] = [_row_as_point(row) for row in table.rows]
    return "\n".join(lines)


def parse_key_points(markdown: str) -> tuple[str, ...]:
    """One entry per list item (continuation lines joined); plain lines when there is no list."""
    entries: list[str] = []
    lines = [ln for ln in _classified_lines(_key_point_lines(markdown)) if ln and ln.marker != "rule"]
    has_markers = any(ln.marker in ("numbered", "bullet") for ln in lines)
    base = min((ln.indent for ln in lines if ln.marker), default=0)
    for line in lines:
        starts_entry = not has_markers or (line.marker in ("numbered", "bullet") and line.indent <= base + 1)
        if starts_entry or not entries:
            entries.append(line.text)
        else:
            entries[-1] = f"{entries[-1]} {line.text}"
    return tuple(e for e in (_strip_emphasis(e) for e in entries) if e)


def extract_outlets(text: str) -> tuple[str, ...]:
    """Outlet names from attributions: inline （來源：moomoo、Yahoo Tech、udn）, or a line of their
    own (`來源：工商時報`, `**來源**：[OpenAI Blog](url)`: a link counts by its text).

    A line's name must read as one: not a clause, nor longer than a name can be."""
    names = [name for m in _ATTRIBUTION.finditer(text) for name in _OUTLET_SPLIT.split(m.group(1))]
    for line in text.split("\n"):
        # Only a line that opens with an attribution word can be one: a cheap test before the regex.
        if not line.lstrip(" \t-*•_").startswith(_ATTRIBUTION_OPENINGS):
            continue
        for match in _ATTRIBUTION_LINE.finditer(line):
            written = _OUTLET_SPLIT.split(_strip_emphasis(_INLINE_LINK.sub(r"\1", match.group(1))))
            names += [name for name in written if len(name) <= _MAX_OUTLET_NAME and not _CLAUSE.search(name)]
    outlets: list[str] = []
    for name in names:
        name = name.strip(" .。*_")
        if name and name not in outlets:
            outlets.append(name)
    return tuple(outlets)
