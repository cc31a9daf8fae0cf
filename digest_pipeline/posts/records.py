"""Plain records for what a digest post contains once parsed.

They carry no behaviour and no Dagster or DuckDB types, so parsing can be
tested, pickled to worker processes and loaded into any table layout.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Section:
    """One `## ` section of a post body, kept whole so nothing written is lost."""

    position: int  # 0 is the text before the first heading (the preamble)
    heading: str  # as written, without the leading hashes
    kind: str  # trend | news | analysis | key_points | outlook | sources | preamble | other
    body: str  # markdown between this heading and the next


@dataclass(frozen=True)
class NewsItem:
    """One news item of the news section: a headline and the paragraph(s) under it."""

    position: int  # 1-based order in the news section
    headline: str
    body: str
    outlets: tuple[str, ...] = ()  # from inline attributions such as （來源：A、B）
    list_style: str = ""  # how the item was marked: numbered, bullet, heading, bold
    cited: tuple[int, ...] = ()  # positions of the post's links it backs (see citations.py)


@dataclass(frozen=True)
class NormalizedUrl:
    """A cited URL as written and in the canonical form used as its identity."""

    raw: str
    url: str  # canonical form; equals raw (trimmed) when the URL could not be parsed
    host: str
    domain: str  # registered domain (eTLD+1), or the host when it has none (IPs, localhost)
    problems: tuple[str, ...] = ()  # why the URL is malformed; empty when it is well formed

    @property
    def is_malformed(self) -> bool:
        return bool(self.problems)


@dataclass(frozen=True)
class CitedLink:
    """A link of the post (markdown, reference or bare URL): the sources section's first, as
    written, then each other link of the post once (`links.post_links`)."""

    position: int
    title: str
    link: NormalizedUrl
    label: str = ""
    """What the post cites the link by, if anything: the `1` of `[1]: url`, `[1] [title](url)`
    or `1. [title](url)`, so an item's `[1]` or `[Meta AI][1]` names it."""


@dataclass(frozen=True)
class PostIdentity:
    """Who a post is: its model and date, plus where each was read from."""

    model: str
    post_date: dt.date
    identity_source: str  # front_matter, or which fallback supplied model/date

    @property
    def post_id(self) -> str:
        return f"{self.model}-{self.post_date.isoformat()}"


@dataclass(frozen=True)
class ParsedPost:
    """Everything a post says, structured; the tables are projections of this."""

    identity: PostIdentity
    front_matter: dict[str, object]
    title: str | None
    tagline: str | None
    ai_summary: str | None
    layout: str | None
    image: str | None
    categories: tuple[str, ...]
    tags: tuple[str, ...]
    sections: tuple[Section, ...]
    items: tuple[NewsItem, ...]
    key_points: tuple[str, ...]
    links: tuple[CitedLink, ...]
    warnings: tuple[str, ...] = field(default=())

    @property
    def trend_summary(self) -> str | None:
        return next((s.body for s in self.sections if s.kind == "trend"), None)

    @property
    def has_news_section(self) -> bool:
        return any(s.kind == "news" for s in self.sections)
