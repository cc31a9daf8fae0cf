"""Which news item each cited link backs, read from the link's title.

Digests list their sources in a section of their own (🔗 資料來源), not under
the items. But a link's title is the headline of the article it cites, and
the item that reports the article repeats its words: 「阿里千問Qwen Code
重磅更新：讓AI編程跳出命令行」 backs the item on the Qwen Code update, not
the one on the download figures. So each link goes to the one item whose
text holds the largest share of its title's terms (CJK character pairs and
Latin words), when that share is at least `MIN_TITLE_SHARE` and ahead of
every other item's by `MIN_LEAD`. Otherwise it goes to none: a feed page
(「AASTOCKS 財經新聞- Alibaba Group Holding Limited」) or an article two
items draw on equally backs no single item, and a wrong attribution costs
more than a missing one.

Real digests cite one article again on later days while the development
runs (the five seed posts cite 9 of their 50 links on two or three days),
so the timeline reads an article cited by two items as a sign of one
development reported twice (one link weight, as a link written in both).

A link written in an item's own text (`（[Google Blog](url)）`, `### [headline](url)`),
or cited there by its label (a footnote `[1]`, `[Meta AI][1]`, for the sources
line `[1]: url` or `1. [title](url)`), backs that item whatever its title says:
where it is written is surer than any match of words, so it goes to every item
that writes it, and only a link no item writes is matched by its title.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata

from digest_pipeline.posts.links import extract_links
from digest_pipeline.posts.records import CitedLink, NewsItem
from digest_pipeline.timeline.text import CJK, LATIN_WORD

MIN_TITLE_SHARE = 0.25
"""Share of a link title's terms an item's text must hold to be the item the link backs. In the
seeds, English headlines over the Chinese items that report them share 0.20-0.23: they are left
unattributed rather than guessed. Any threshold from 0.15 to 0.3 gave the gold sets the same
scores."""
MIN_LEAD = 0.05
"""How far the best item's share must be ahead of the next one's."""


_CJK_PAIR = re.compile(f"(?=([{CJK}]{{2}}))")
"""Every pair of adjacent CJK characters, overlapping, found in one pass of the regex engine."""


_WIDE_LATIN = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")
"""Full-width letters and digits (Ｇｅｍｉｎｉ ３): the only width folding the terms need."""


def _terms(text: str) -> set[str]:
    """CJK character pairs and lower-case Latin words, full-width letters and digits folded.

    No script conversion (a title and the item quoting it are mostly written alike), and no
    counts: this runs on every item and link at ingest. With `text.cjk_bigrams` and
    `text.latin_words` after NFKC the attribution took 0.37 ms a post, against 0.17 ms this way
    (NFKC was 0.07 ms of it: nearly every item has full-width punctuation, which pairs nothing);
    the terms are the same but for a lone CJK character between two others."""
    if _WIDE_LATIN.search(text):
        text = unicodedata.normalize("NFKC", text)
    terms = set(_CJK_PAIR.findall(text))
    terms.update(LATIN_WORD.findall(text.lower()))
    return terms


_CITED_LABEL = re.compile(r"\[\^?(\d{1,3})\](?![(:])|\]\[([^\]\s][^\]]{0,19})\]")
"""A footnote `[1]` (`[^1]`), or the label of a reference link `[Meta AI][1]`, `[Meta AI][meta]`."""


def attribute_links(items: tuple[NewsItem, ...], links: tuple[CitedLink, ...]) -> tuple[NewsItem, ...]:
    """The items, each with the positions of the links it writes or is the clear best match for
    (`cited`)."""
    if not items or not links:
        return items
    written = [f"{item.headline}\n{item.body}" for item in items]
    texts = [_terms(text) for text in written]
    # The canonical URLs each item writes: the same page written another way is the same link.
    written_urls = [
        {link.link.url for link in extract_links(text)} if "://" in text or "www." in text else set()
        for text in written
    ]
    labels = {link.label for link in links if link.label}
    written_labels = [
        {a or b for a, b in _CITED_LABEL.findall(text)} & labels if labels and "[" in text else set()
        for text in written
    ]
    cited: list[list[int]] = [[] for _ in items]
    for link in links:
        writers = [
            index
            for index, (urls, cited_labels) in enumerate(zip(written_urls, written_labels, strict=True))
            if link.link.url in urls or link.label in cited_labels
        ]
        if writers:
            for index in writers:
                cited[index].append(link.position)
            continue
        title = _terms(link.title)
        if not title:
            continue
        # Terms in common, compared as counts: shares of one title, exact at the thresholds.
        shared = [len(title & text) for text in texts]
        best = max(shared)
        index = shared.index(best)
        shared[index] = 0
        runner_up = max(shared)
        if best >= MIN_TITLE_SHARE * len(title) - 1e-9 and best - runner_up >= MIN_LEAD * len(title) - 1e-9:
            cited[index].append(link.position)
    return tuple(
        dataclasses.replace(item, cited=tuple(positions)) if positions else item
        for item, positions in zip(items, cited, strict=True)
    )
