"""Describing a story from its items: the clearest headline, the domains behind it."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Sequence

from digest_pipeline.timeline.features import EventFeatures, TimelineEvent, event_text_features, headline_core
from digest_pipeline.timeline.scoring import TermWeights, cosine, vectors

_WORD = re.compile(r"[a-z0-9]+")

REPRESENTATIVE_CANDIDATES = 24
"""The headline is chosen among a story's earliest items, at most this many.

The first reports describe the development itself, and a bound keeps a
story that recurs for years as cheap to describe on its thousandth day as
on its second; once a story has this many items its headline stops moving.
"""


def representative(
    members: Sequence[TimelineEvent],
    text_features: Callable[[TimelineEvent], EventFeatures] = event_text_features,
) -> TimelineEvent:
    """The item whose headline best stands for the story.

    The headline most like all the items' text (centrality), so a headline
    about a side issue does not speak for the story; an item with a category
    label (「市場觀點：」) loses ties; then the earliest. Centrality is the
    headline's cosine with the sum of the other items' text vectors, which
    equals the sum of its cosines with each but costs one pass, not one per pair.
    Only the items' words are read, so their `event_text_features` (half the cost) do, or whatever
    `text_features` gives for the same words (features already at hand).
    Only the earliest `REPRESENTATIVE_CANDIDATES` items (by `order`) take part.
    """
    members = candidates(members)
    if len(members) == 1:
        return members[0]
    feats = [text_features(m) for m in members]
    weights = TermWeights(feats)
    vecs = [vectors(f, weights) for f in feats]
    total: dict[str, float] = defaultdict(float)
    for vec in vecs:
        for term, value in vec.terms.items():
            total[term] += value

    def rank(i: int) -> tuple[float, int, tuple]:
        centrality = cosine(vecs[i].headline, total) - cosine(vecs[i].headline, vecs[i].terms)
        labelled = headline_core(members[i].headline) != members[i].headline
        return (-round(centrality, 9), int(labelled), members[i].order)

    return members[min(range(len(members)), key=rank)]


def candidates(members: Sequence[TimelineEvent]) -> list[TimelineEvent]:
    """The items `representative` chooses among: the story's earliest ones."""
    return sorted(members, key=lambda m: m.order)[:REPRESENTATIVE_CANDIDATES]


def outlet_names_domain(outlet: str, domain: str) -> bool:
    """Whether an attribution such as `Yahoo Tech` or `news.aibase` names a registered domain.

    The domain's first label (`yahoo` of yahoo.com) must be one of the
    outlet's words, or all its words run together (`The Verge` → theverge.com).
    """
    label = domain.lower().split(".", 1)[0]
    words = _WORD.findall(outlet.lower())
    return bool(label) and (label in words or label == "".join(words))
