"""Splitting a post body into its `## ` sections and naming what each one is.

Sections are recognised by the meaning of their heading words, not by the
exact emoji or wording of the seeds, so `## 📰 本週新聞焦點`, `## 今日要聞`
and `## Top News` are all the news section.
"""

from __future__ import annotations

import functools
import re

from digest_pipeline.posts.records import Section

_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t#]*$")
_FENCE = re.compile(r"^\s*(```|~~~)")

# First match wins, so the more specific kinds come first ("新聞焦點" is news, "重點摘要" key points).
SECTION_KINDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "sources",
        re.compile(r"來源|出處|參考|引用|sources?\b|references?|citations?|links?\b", re.I),
    ),
    ("news", re.compile(r"新聞|焦點|要聞|快訊|頭條|news|headlines?|stories|top\s+items", re.I)),
    (
        "key_points",
        re.compile(r"重點|摘要|要點|key\s*points?|takeaways?|tl;?dr|highlights?|summary", re.I),
    ),
    ("analysis", re.compile(r"分析|解讀|洞察|觀點|analysis|insights?|deep\s*dive", re.I)),
    ("outlook", re.compile(r"延伸|思考|展望|啟示|影響|outlook|implications?|what'?s\s+next", re.I)),
    ("trend", re.compile(r"趨勢|動態|概覽|總覽|綜述|trends?|overview", re.I)),
)


@functools.lru_cache(maxsize=4096)
def classify_heading(heading: str) -> str:
    """The kind of a section from its heading text; 'other' when no kind fits.

    Cached: a site repeats its few headings in every post, and six case-insensitive
    searches cost more than the rest of reading a section."""
    for kind, pattern in SECTION_KINDS:
        if pattern.search(heading):
            return kind
    return "other"


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
            found.append((index, len(match.group(1)), match.group(2).strip()))
    return found


def _section_level(levels: list[int]) -> int:
    """Level 2 if used; else the shallowest level used more than once (a lone `# Title` is not one)."""
    if 2 in levels:
        return 2
    repeated = [level for level in set(levels) if levels.count(level) > 1]
    return min(repeated or levels or [2])


def split_sections(body: str) -> tuple[Section, ...]:
    """The body cut at its section headings; text before the first heading is the preamble.

    Sections are level-2 headings (`## `). A site that uses another level
    throughout is read at its shallowest heading level instead, so deeper
    headings stay inside their section (they may be news item headlines).
    """
    lines = body.split("\n")
    headings = _headings(lines, fenced="```" in body or "~~~" in body)
    section_level = _section_level([level for _, level, _ in headings])
    cuts = [(i, text) for i, level, text in headings if level == section_level]
    sections: list[Section] = []
    preamble = "\n".join(lines[: cuts[0][0]] if cuts else lines).strip()
    if preamble:
        sections.append(Section(0, "", "preamble", preamble))
    for n, (start, heading) in enumerate(cuts):
        end = cuts[n + 1][0] if n + 1 < len(cuts) else len(lines)
        text = "\n".join(lines[start + 1 : end]).strip("\n")
        sections.append(Section(n + 1, heading, classify_heading(heading), text))
    return tuple(sections)
