"""Describing a story from its items: the clearest headline, the domains behind it."""

from __future__ import annotations

import re
from collections.abc import Sequence

from digest_pipeline.timeline.features import TimelineEvent, event_features, headline_core
from digest_pipeline.timeline.scoring import TermWeights, cosine, vectors

_WORD = re.compile(r"[a-z0-9]+")


def representative(members: Sequence[TimelineEvent]) -> TimelineEvent:
    """The item whose headline best stands for the story.

    The headline most like all the items' text (centrality), so a headline
    about a side issue does not speak for the story; an item with a category
    label (「市場觀點：」) loses ties; then the earliest.
    """
    if len(members) == 1:
        return members[0]
    features = [event_features(m) for m in members]
    weights = TermWeights(features)
    vecs = [vectors(f, weights) for f in features]

    def rank(i: int) -> tuple[float, int, tuple]:
        centrality = sum(cosine(vecs[i].headline, vecs[j].terms) for j in range(len(members)) if j != i)
        labelled = headline_core(members[i].headline) != members[i].headline
        return (-round(centrality, 9), int(labelled), members[i].order)

    return members[min(range(len(members)), key=rank)]


def outlet_names_domain(outlet: str, domain: str) -> bool:
    """Whether an attribution such as `Yahoo Tech` or `news.aibase` names a registered domain.

    The domain's first label (`yahoo` of yahoo.com) must be one of the
    outlet's words, or all its words run together (`The Verge` → theverge.com).
    """
    label = domain.lower().split(".", 1)[0]
    words = _WORD.findall(outlet.lower())
    return bool(label) and (label in words or label == "".join(words))
