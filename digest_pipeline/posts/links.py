"""Cited links: extraction from markdown and URL normalisation.

Links are read with a CommonMark parser (markdown-it-py) because digest
titles contain brackets (`[QwenLM/Qwen-Image: ... - GitHub]`) and URLs
contain parentheses; a regular expression gets both wrong. The canonical
URL is what identifies a source across posts; the raw URL is kept too.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from urllib.parse import SplitResult, quote, unquote_plus, urlsplit, urlunsplit

import tldextract
from markdown_it import MarkdownIt

from digest_pipeline.posts.records import CitedLink, NormalizedUrl, Section

# Query parameters that only say where a click came from; they never change the page.
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "igshid",
        "igsh",
        "mc_cid",
        "mc_eid",
        "_ga",
        "_gl",
        "ref_src",
        "ref_url",
        "spm",
        "share_source",
        "from_source",
        "cmpid",
        "ocid",
        "s_kwcid",
        "mkt_tok",
        "srsltid",
        "si",
    }
)
TRACKING_PREFIXES = ("utm_", "pk_", "hsa_", "vero_")
DEFAULT_PORTS = {"http": 80, "https": 443}


def _url_stops() -> str:
    """Characters no bare URL runs on through: spaces and punctuation outside ASCII.

    A URL in CJK prose is followed by the text without a space (`…/b、https://…`,
    `…/x（英文）`, `…/y/，另見`), and a URL never holds such a character raw: it
    would be percent-encoded (`%EF%BC%88`). CJK letters may be raw in a path (a
    news slug), so only punctuation, symbols and spaces stop a URL, plus every
    full-width form (`ｈｔｔｐ` is not written in a URL either)."""
    blocks = ((0xA0, 0xBF), (0x2000, 0x206F), (0x2E00, 0x2E7F), (0x3000, 0x303F), (0xFE10, 0xFE6F))
    stops = (chr(c) for low, high in blocks for c in range(low, high + 1))
    return "".join(re.escape(c) for c in stops if unicodedata.category(c)[0] in "PSZ") + "\uff00-\uffef"


_URL_CHAR = rf"[^\s<>()\[\]{_url_stops()}]"
# A second `http(s)://` starts another URL, unless it is a path segment or a query value of
# this one (`web.archive.org/web/2025/https://…`, `?url=https://…`).
_NEXT_URL = r"(?<![/=?&#])https?://"
_BARE_URL = re.compile(
    rf"(?:(?<![(\[<\"'=/])https?://|(?<![(\[<\"'=/.@\w])www\.)"
    rf"(?:(?!{_NEXT_URL})(?:{_URL_CHAR}|\({_URL_CHAR}*\)))+",
    re.IGNORECASE,
)
_BROKEN_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")
_VALID_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")
# Characters left as they are in a path/query; everything else is percent-encoded.
_PATH_SAFE = "/?%:@!$&'()*+,;=-._~"


@lru_cache(maxsize=1)
def _domain_extractor() -> tldextract.TLDExtract:
    # The Public Suffix List snapshot bundled in the wheel: no download, no cache dir.
    # Private suffixes too, so each github.io or blogspot.com site is its own publisher.
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True)


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark")
    # Keep hrefs exactly as written: the default normaliser re-encodes them,
    # which would hide broken escapes we want to flag, and validation would drop
    # unusual schemes we want to keep and flag instead.
    md.normalizeLink = lambda url: url  # type: ignore[method-assign]
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    # Links are read a line at a time, so an indented line is the continuation of a list item
    # (`1. 融資` then `    - [CNBC](url)`), not code: digests write no indented code blocks.
    md.disable("code")
    return md


@lru_cache(maxsize=1 << 14)
def registered_domain(host: str) -> str:
    """The registrable domain (eTLD+1) of a host, or the host itself for IPs and local names.

    Cached per process: a digest cites the same few hundred hosts over and over, and
    the public-suffix lookup was 4% of the whole parse."""
    if not host:
        return ""
    parts = _domain_extractor()(host)
    return parts.top_domain_under_public_suffix or host


def _clean_escapes(text: str, problems: list[str]) -> str:
    if _BROKEN_ESCAPE.search(text):
        problems.append("broken percent-escape")
        text = _BROKEN_ESCAPE.sub("%25", text)
    text = _VALID_ESCAPE.sub(lambda m: m.group(0).upper(), text)
    return quote(text, safe=_PATH_SAFE)


def _is_tracking(raw_key: str) -> bool:
    key = unquote_plus(raw_key).lower()
    return key in TRACKING_PARAMS or key.startswith(TRACKING_PREFIXES)


def _clean_query(query: str, problems: list[str]) -> str:
    """Drop tracking parameters; keep every other byte as written (order, `+`, odd escapes)."""
    kept = [pair for pair in query.split("&") if pair and not _is_tracking(pair.split("=", 1)[0])]
    return "&".join(_clean_escapes(pair, problems) for pair in kept)


def _split(raw: str, problems: list[str]) -> SplitResult | None:
    text = raw
    if text.startswith("//"):
        text = "https:" + text
    elif not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", text):
        if re.match(r"^[\w-]+(\.[\w-]+)+(/|$)", text):
            problems.append("no scheme")
            text = "https://" + text
        else:
            return None
    try:
        return urlsplit(text)
    except ValueError as err:
        problems.append(f"unparseable: {err}")
        return None


# The usual cited URL: http(s), a lower-case host, no port, user or trailing dot, and a path of
# unreserved characters and upper-case percent-escapes, with no query or fragment. Such a URL
# is already canonical but for its scheme (three in four of the seeds' links are).
_PLAIN_URL = re.compile(r"https?://((?:[a-z0-9-]+\.)*[a-z0-9-]+)((?:/(?:[A-Za-z0-9\-._~]|%[0-9A-F]{2})*)*)")


def normalize_url(raw: str) -> NormalizedUrl:
    """Canonicalise a cited URL so the same page cited twice gets one identity.

    Lower-cases scheme and host, upgrades http to https (news pages are the
    same document on both), drops default ports, fragments, tracking query
    parameters and a trailing dot on the host, and percent-encodes the path
    consistently. A URL that cannot be canonicalised keeps its trimmed raw
    form and lists its problems, so it is flagged rather than lost.

    A URL that is already canonical but for its scheme (`_PLAIN_URL`) is taken as
    it is, without splitting it: the same answer (a property test holds the two
    ways to it) at a tenth of the cost, and URLs were a third of the whole parse.
    """
    trimmed = raw.strip().strip("<>").strip()
    plain = _PLAIN_URL.fullmatch(trimmed)
    if plain is not None:
        host = plain.group(1)
        return NormalizedUrl(raw, f"https://{host}{plain.group(2) or '/'}", host, registered_domain(host), ())
    return _normalize_parts(raw, trimmed)


def _normalize_parts(raw: str, trimmed: str) -> NormalizedUrl:
    """`normalize_url` for any URL: split into parts, each canonicalised."""
    problems: list[str] = []
    if re.search(r"\s", trimmed):
        problems.append("whitespace in URL")
        trimmed = re.sub(r"\s+", "%20", trimmed)
    parts = _split(trimmed, problems)
    if parts is None:
        return NormalizedUrl(raw, trimmed, "", "", (*problems, "not an absolute URL"))
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        problems.append(f"scheme {scheme!r} is not http(s)")
    host = (parts.hostname or "").rstrip(".").lower()
    if not host:
        problems.append("no host")
    try:
        port = parts.port
    except ValueError:
        problems.append("invalid port")
        port = None
    bracketed = f"[{host}]" if ":" in host else host  # IPv6 literals keep their brackets
    netloc = bracketed if port in (None, DEFAULT_PORTS.get(scheme)) else f"{bracketed}:{port}"
    if scheme == "http":
        scheme = "https"
    path = _clean_escapes(parts.path or "/", problems)
    query = _clean_query(parts.query, problems)
    url = urlunsplit((scheme, netloc, path, query, ""))
    unique_problems = tuple(dict.fromkeys(problems))
    return NormalizedUrl(raw, url, host, registered_domain(host), unique_problems)


# A plain `[title](url)`: nothing in it that CommonMark would read other than literally
# (no escapes, entities, emphasis, code, nested brackets, spaces or parentheses in the URL).
_SIMPLE_LINK = re.compile(r"(?<![!\\])\[([^\[\]\\`*_<>&]*)\]\(([^\s()<>\\&`]+)\)")
# Left over once the plain links are cut out, these could change how CommonMark reads the line.
_NOT_PLAIN = re.compile(r"[\[\]\\`<>]")
# The label of a reference definition (`[1]: <url> "title"`), after any list marker.
_REFERENCE_LABEL = re.compile(r"\[((?:[^\[\]\\]|\\.)+)\]:")


def inline_links(line: str) -> list[tuple[str, str]]:
    """(title, href) of every markdown link on a line, as CommonMark reads them.

    A line of plain links (nearly every cited-source line) is read with one
    regular expression; anything else goes through markdown-it. Both give the
    same answer (a property test holds them to it); the fast path only
    spares the parser, which costs a third of a millisecond a line.
    """
    if "](" not in line and "<" not in line and "]:" not in line:
        return []
    plain = _SIMPLE_LINK.findall(line)
    if plain and not _NOT_PLAIN.search(_SIMPLE_LINK.sub("", line)):
        return [(title.strip(), href) for title, href in plain]
    return commonmark_links(line)


def commonmark_links(line: str) -> list[tuple[str, str]]:
    """(title, href) of every markdown link on a line, read by markdown-it.

    A line that is a reference definition (`[1]: https://x.ai/a "Grok 4 is free"`, the
    link list of some digests) is a link too: its title is the quoted one, or else the
    label when it has words (`[Google Blog]: url`), not a bare number."""
    found: list[tuple[str, str]] = []
    env: dict[str, dict[str, dict[str, str]]] = {}
    for block in _markdown().parse(line, env):
        href, title_parts, inside = "", [], False
        for token in block.children or []:
            if token.type == "link_open":
                href, title_parts, inside = str(token.attrGet("href") or ""), [], True
            elif token.type == "link_close":
                found.append(("".join(title_parts).strip(), href))
                inside = False
            elif inside:
                title_parts.append(" " if token.type.endswith("break") else token.content)
    for reference in env.get("references", {}).values():
        label = _REFERENCE_LABEL.search(line)
        words = label.group(1).strip() if label and any(c.isalpha() for c in label.group(1)) else ""
        found.append((reference.get("title") or words, reference["href"]))
    return found


# A list line naming its one URL (`1. GitHub Blog — <https://…>`, `- 工商時報 - https://…`): the
# name before the URL is its title. Only a short name, with nothing after the URL.
_NAMED_URL_LINE = re.compile(
    r"^\s*(?:[-*+•]\s+|\d{1,3}[.)、]\s*|\[\d{1,3}\]\s*)(?P<name>[^<>\s](?:[^<>]{0,78}?[^<>\s])?)"
    r"\s*[—–\-:：|｜]+\s*<?(?P<url>\S+?)>?\s*$"
)


# How a line gives its one link a label the items cite it by: `[1]: url`, `[^1]: url`,
# `[meta]: url`, `[1] [title](url)`, `1. [title](url)` (not `[title](url)`, a link itself).
_LINK_LABEL = re.compile(r"^\s*(?:\[\^?([^\]\s]{1,20})\](?!\()|(\d{1,3})[.)、])")


def _named_url_title(line: str, title: str, href: str) -> str:
    """The link's title, or the name the line gives its bare URL or `<url>` (which has none)."""
    if title and title != href:
        return title
    named = _NAMED_URL_LINE.match(line)
    if named and named.group("url").rstrip(".,;:!?") == href and any(c.isalpha() for c in named["name"]):
        return named.group("name").strip("*_ ")
    return title


# An HTML anchor (`<a href="url">title</a>`), which markdown keeps as raw HTML: some sites write
# their links so, or whole posts in HTML.
_HTML_ANCHOR = re.compile(
    r"""<a\s[^>]*?\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))[^>]*>(.*?)</a\s*>""",
    re.IGNORECASE,
)
_HTML_TAG = re.compile(r"<[^>]*>")


def strip_html_tags(text: str) -> str:
    """The text of an HTML fragment (`Google <b>Blog</b>` → `Google Blog`)."""
    return _HTML_TAG.sub("", text)


def html_links(line: str) -> list[tuple[str, str]]:
    """(title, href) of every HTML anchor on a line, the title without its inner tags."""
    return [
        (strip_html_tags(text).strip(), double or single or bare)
        for double, single, bare, text in _HTML_ANCHOR.findall(line)
    ]


def extract_links(markdown: str) -> tuple[CitedLink, ...]:
    """Every link in a block of markdown, in order: `[title](url)`, `<url>`, `[n]: url`, bare URLs
    and HTML anchors. An in-page anchor (`[目錄](#news-1)`) points at no page: not a link."""
    links: list[CitedLink] = []
    for line in markdown.splitlines():
        # What every link has (`](`, `<url>`, `]:`, a scheme or `www.`): most lines of a post are
        # prose with none, and plain `in` tests pass them by most cheaply.
        signs = "](" in line or "://" in line or "<" in line or "]:" in line
        if not (signs or "ww." in line or "WW." in line):
            continue
        pairs = inline_links(line)
        if "<a" in line or "<A" in line:
            pairs = [*pairs, *html_links(line)]
        # A line with a link sign but no markdown link may hold a bare URL.
        if not pairs and ("://" in line or "ww." in line or "WW." in line):
            pairs = [("", m.group(0).rstrip(".,;:!?")) for m in _BARE_URL.finditer(line)]
        label = ""
        if len(pairs) == 1:
            pairs = [(_named_url_title(line, *pairs[0]), pairs[0][1])]
            numbered = _LINK_LABEL.match(line)
            label = (numbered.group(1) or numbered.group(2)) if numbered else ""
        for title, href in pairs:
            if href and not href.startswith("#"):
                links.append(CitedLink(len(links) + 1, title, normalize_url(href), label))
    return tuple(links)


def post_links(sections: Sequence[Section]) -> tuple[CitedLink, ...]:
    """Every link of a post: its sources sections' links as written, then each other link once.

    The sources section is the post's list of citations, so its links come first, with
    the positions they always had; a link written anywhere else (an item's
    `（[Google Blog](url)）`, a `### [headline](url)`, the analysis) follows in the order
    of the post, unless its canonical URL is already cited. Without a sources section
    these are all the post's links. The tables record no section for a link, so the
    order is what tells the sources section's links (the first ones) from the rest."""
    cited = extract_links("\n".join(s.body for s in sections if s.kind == "sources"))
    seen = {link.link.url for link in cited}
    links = list(cited)
    elsewhere = "\n".join(f"{s.heading}\n{s.body}" for s in sections if s.kind != "sources")
    for link in extract_links(elsewhere):
        if link.link.url not in seen:
            seen.add(link.link.url)
            links.append(dataclasses.replace(link, position=len(links) + 1))
    return _titled_by_use(links, elsewhere)


_REFERENCE_USE = re.compile(r"\[([^\[\]\n]{1,80})\]\[([^\]\s][^\]]{0,19})\]")
"""A reference link as an item writes it: `[Meta AI][1]`, the words and the label."""


def _titled_by_use(links: list[CitedLink], text: str) -> tuple[CitedLink, ...]:
    """The links, each labelled one without a title taking the words the post first cites it
    by: `[1]: https://ai.meta.com/…` gets "Meta AI" from an item's `[Meta AI][1]`, as a
    reader of the post would name it."""
    untitled = {link.label for link in links if link.label and not link.title}
    if not untitled or "][" not in text:
        return tuple(links)
    titles: dict[str, str] = {}
    for words, label in _REFERENCE_USE.findall(text):
        words = words.strip()
        if label in untitled and label not in titles and words and not words.isdigit():
            titles[label] = words
    return tuple(
        dataclasses.replace(link, title=titles[link.label])
        if not link.title and link.label in titles
        else link
        for link in links
    )
