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

import re
from collections.abc import Iterable

from digest_pipeline.timeline.entities import Name, extract_names
from digest_pipeline.timeline.text import fold_script

_HOST_PART = re.compile(r"[a-z].*\.[a-z]|\.(com|net|org|io|ai|tw|cn)$")


def _is_trend_worthy(name: Name) -> bool:
    if len(name.parts) == 1 and not name.is_brand:
        return False
    return not any(_HOST_PART.search(part) for part in name.parts)


def item_entities(headline: str, body: str, outlets: Iterable[str] = ()) -> list[str]:
    """Canonical keys of the names an item mentions, each once, in order of first mention."""
    outlet_keys = {name.key for outlet in outlets for name in extract_names(fold_script(outlet))}
    seen: dict[str, None] = {}
    for name in extract_names(fold_script(f"{headline}\n{body}")):
        if _is_trend_worthy(name) and name.key not in outlet_keys:
            seen.setdefault(name.key, None)
    return list(seen)
