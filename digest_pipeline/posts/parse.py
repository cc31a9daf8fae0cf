"""From the bytes of one file to a ParsedPost: the single entry point of parsing."""

from __future__ import annotations

import dataclasses

from digest_pipeline.posts.citations import attribute_links
from digest_pipeline.posts.front_matter import (
    PostRejected,
    as_list,
    as_text,
    front_matter_body,
    post_identity,
    split_front_matter,
)
from digest_pipeline.posts.items import parse_key_points, parse_news_items
from digest_pipeline.posts.links import post_links
from digest_pipeline.posts.records import ParsedPost
from digest_pipeline.posts.sections import news_sections, split_sections

PARSER_VERSION = "7"
"""Bump when a change to parsing can change the rows of a post already stored.

Each post date records the version that wrote it (`pipeline.parsed_dates`): a
date written by another version is not built (`ingest.watch.dates_not_built`),
so the next run (sensor, schedule or `build`) parses it again. It is also the
post tables' Dagster code version, so the UI shows such dates as stale ("code
version changed") until then. Version 2 (2026-12-02): a one-line item whose
headline leads with a category label keeps its headline. Version 3 (2026-12-03):
each item records the sources-section links it backs (`events.cited_source_ids`). Version 4
(2026-12-04): other sites' layouts (`#` sections over `##` items, the news split into category
sections or found by its shape, keycap/（一）/① numbering, tables, bold labels inside an item,
`——` one-liners) and every link of the post, not only the sources section's. Version 5 (the
same night): an item's footnotes (`[1]`, `[Meta AI][1]`) cite the links labelled so. Version 6
(2026-12-04): more sites' layouts, from a third probe (`tests/fixtures/layouts/c*.md`): a later
section named as news is read too when it holds a list of headlines (`## 國內新聞` then
`## 國際新聞`); headings in Simplified characters or of emoji alone; a run of sections that are one
item each; key points and sources named by a label (`今日重點：`, `> [!TIP] 今日重點`); news written
as paragraphs (no headings at all, `**08:15** headline` lines, definition lists); `1｜` and `2.1`
numbering, a time of day and a decorative emoji dropped from headlines; HTML anchors as links and
in-page anchors not; a numbered reference titled by the words an item cites it by. Version 7
(the same night), from a fourth probe (`tests/fixtures/layouts/d*.md`): a later news section of
one-line headlines (`## 快訊`); summaries named 小結, 總結, Recap as key points when they are
lists; bracketed labels (`**【本日重點】**`) and emoji labels as sections anywhere; kramdown
attribute lines and HTML comments dropped; `<h2>`/`<h3>` headings; quote-block items; `I.`,
`[1/4]`, `第一則：`, `#1` and `No.1` numbering; any symbol as a bullet (`🔹`) with `↳` body
lines; a one-liner's `｜ [source](url)` tail.
"""


def decode_post(data: bytes) -> str:
    """UTF-8 text with the BOM dropped and line ends made LF; rejects what is not text."""
    if not data.strip():
        raise PostRejected("empty file")
    if b"\x00" in data:
        raise PostRejected("binary file: contains NUL bytes")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise PostRejected(f"not UTF-8: invalid byte at offset {err.start}") from err
    return text.replace("\r\n", "\n").replace("\r", "\n")


def parse_post(text: str, source_file: str, front_matter: dict[str, object] | None = None) -> ParsedPost:
    """Parse a post's text. Raises PostRejected when it has no usable identity.

    Everything past identity is best effort and never raises: a post with
    no news section is still a post, with no items and a warning.
    `front_matter` is what `split_front_matter` read from this text before
    (the scan keeps it): given, the YAML is not read again.
    """
    text = text.lstrip("\ufeff")
    if front_matter is None:
        meta, body = split_front_matter(text)
    else:
        meta, body = front_matter, front_matter_body(text)
    identity = post_identity(meta, source_file)
    sections = split_sections(body)
    news = [s for s in sections if s.kind == "news"]
    read = news_sections(sections)
    items = tuple(
        item if item.position == position else dataclasses.replace(item, position=position)
        # numbered across the category sections of one news list
        for position, item in enumerate((item for s in read for item in parse_news_items(s.body)), 1)
    )
    key_points = tuple(p for s in sections if s.kind == "key_points" for p in parse_key_points(s.body))
    links = post_links(sections)
    warnings = []
    if not news:
        warnings.append("no news section")
    elif not items:
        warnings.append("news section has no items")
    if len(news) > len(read):
        warnings.append(
            f"{len(news)} news sections; items read from {len(read)}: the others hold no list "
            "of headlines or repeat one read"
        )
    return ParsedPost(
        identity=identity,
        front_matter=meta,
        title=as_text(meta.get("title")),
        tagline=as_text(meta.get("tagline")),
        ai_summary=as_text(meta.get("ai_summary")),
        layout=as_text(meta.get("layout")),
        image=as_text(meta.get("image")),
        categories=as_list(meta.get("categories")),
        tags=as_list(meta.get("tags")),
        sections=sections,
        items=attribute_links(items, links),
        key_points=key_points,
        links=links,
        warnings=tuple(warnings),
    )
