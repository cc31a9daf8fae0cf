"""The product and organisation names a news item mentions, for the entity trends.

Names are read by the same structural rules the timeline uses (runs of
Latin words with capitals, digits or hyphens; Chinese names of well-known
organisations mapped to English), so a trend of `qwen-image-layered` counts
the same spellings the stories are built from. Three kinds of name are left
out because they say nothing about what the item is about: a lone generic
word (`AI`, `API`), a host name from a cited link (`news.aibase`), and the
outlets of the item's own attribution (（來源：moomoo、udn）), which have their
own table.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from digest_pipeline.timeline.entities import Name, extract_names
from digest_pipeline.timeline.text import fold_script

_HOST_PART = re.compile(r"[a-z].*\.[a-z]|\.(com|net|org|io|ai|tw|cn)$")


@functools.lru_cache(maxsize=1 << 16)  # per name, as `timeline.entities` caches reading them
def _is_trend_worthy(name: Name) -> bool:
    if len(name.parts) == 1 and not name.is_brand:
        return False
    return not any(_HOST_PART.search(part) for part in name.parts)


def item_entities(headline: str, body: str, outlets: Iterable[str] = ()) -> list[str]:
    """Canonical keys of the names an item mentions, each once, in order of first mention.

    An item read on its own: what the timeline's features hold for it
    (`EventFeatures.entities`, the rows of `event_entities`); tests hold the two equal.
    """
    names = extract_names(fold_script(headline)) + extract_names(fold_script(body))
    return entity_keys(names, outlet_keys(outlets))


def outlet_keys(outlets: Iterable[str]) -> set[str]:
    """The keys of the names in an item's outlets, which its entities leave out."""
    return set().union(*map(_outlet_keys, outlets))


@functools.lru_cache(maxsize=1 << 12)
def _outlet_keys(outlet: str) -> frozenset[str]:
    # Cached: digests cite the same few dozen outlets in item after item.
    return frozenset(name.key for name in extract_names(fold_script(outlet)))


def entity_keys(names: Iterable[Name], outlets: set[str]) -> list[str]:
    """The trend-worthy keys of names read from an item (in order), each once, outlets left out.

    The timeline's features read every item's names already; they hand them
    here (`features.EventFeatures.entities`), so names are read once per item.
    """
    seen: dict[str, None] = {}
    for name in names:
        if _is_trend_worthy(name) and name.key not in outlets:
            seen.setdefault(name.key, None)
    return list(seen)
