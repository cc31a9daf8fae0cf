"""Placing each day's news items into stories: join an existing story or start a new one.

Incremental by construction: days are processed in order, and a day only
looks at stories seen within the time window before it, found through an
inverted index of names and words (candidate blocking). The work for a new
day therefore depends on the window, never on the length of the history.

Stable ids: a story's id comes from the item that founded it
(`S<first date>-<hash of its event id>`), so the same input replays to the
same ids, and a later day never renames a story. Ids sort by founding date,
so when a new item shows two stories to be one, the older (smaller) id
survives and the other is reported as a merge, for the alias table.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from digest_pipeline.timeline.features import EventFeatures, TimelineEvent, event_features
from digest_pipeline.timeline.scoring import (
    PairScore,
    ScoringConfig,
    TermWeights,
    Vectors,
    pair_score,
    story_score,
    vectors,
)

DEFAULT_WINDOW_DAYS = 30
MAX_MEMBERS_COMPARED = 12
"""An item is compared with at most this many of a story's most recent members in the window."""
BLOCKING_TERMS = 12
"""An item's strongest words used to find candidate stories, besides all its names."""


@dataclass(frozen=True)
class TimelineConfig:
    window_days: int = DEFAULT_WINDOW_DAYS
    scoring: ScoringConfig = field(default_factory=ScoringConfig)


@dataclass(frozen=True)
class Placement:
    """Where one item went, and how sure the join was (None for the item that founded its story)."""

    event_id: str
    story_id: str
    score: float | None


@dataclass(frozen=True)
class Merge:
    """Story `alias_id` turned out to be story `story_id`; the item `event_id` showed it on `merged_on`."""

    alias_id: str
    story_id: str
    merged_on: dt.date
    event_id: str


@dataclass
class TimelineResult:
    placements: dict[str, Placement]
    """Every new item's placement, and every history item whose story merged away, by event id."""
    merges: list[Merge]
    candidates_compared: int = 0


def story_id_for(founder: TimelineEvent) -> str:
    digest = hashlib.sha1(founder.event_id.encode("utf-8")).hexdigest()[:8]
    return f"S{founder.post_date:%Y%m%d}-{digest}"


@dataclass
class _Member:
    features: EventFeatures
    story_id: str


class _Window:
    """The items of the last `window_days` days and their stories, as one day is processed."""

    def __init__(self, members: list[_Member], day: dt.date, today: Sequence[EventFeatures]):
        self.day = day
        self.members = members
        weights = TermWeights([m.features for m in members] + list(today))
        self.weights = weights
        self._vectors: dict[str, Vectors] = {}
        self.index: dict[str, set[str]] = defaultdict(set)
        self.story_members: dict[str, list[_Member]] = defaultdict(list)
        for member in members:
            self.add(member)

    def vectors(self, features: EventFeatures) -> Vectors:
        key = features.event.event_id
        if key not in self._vectors:
            self._vectors[key] = vectors(features, self.weights)
        return self._vectors[key]

    def blocking_keys(self, features: EventFeatures) -> set[str]:
        vec = self.vectors(features)
        strongest = sorted(vec.terms, key=lambda t: (-vec.terms[t], t))[:BLOCKING_TERMS]
        return {f"n:{name}" for name, w in vec.names.items() if w > 0} | {f"t:{t}" for t in strongest}

    def add(self, member: _Member) -> None:
        self.story_members[member.story_id].append(member)
        for key in self.blocking_keys(member.features):
            self.index[key].add(member.story_id)

    def candidates(self, features: EventFeatures) -> list[str]:
        found: set[str] = set()
        for key in self.blocking_keys(features):
            found |= self.index.get(key, set())
        return sorted(found)

    def pairs(self, features: EventFeatures, story_id: str, config: ScoringConfig) -> list[PairScore]:
        members = sorted(self.story_members[story_id], key=lambda m: m.features.event.order)
        recent = members[-MAX_MEMBERS_COMPARED:]
        vec = self.vectors(features)
        return [
            pair_score(features, vec, m.features, self.vectors(m.features), config)
            for m in recent
            if m.features.event.event_id != features.event.event_id
        ]

    def relabel(self, alias_id: str, story_id: str) -> None:
        moved = self.story_members.pop(alias_id, [])
        for member in moved:
            member.story_id = story_id
        self.story_members[story_id].extend(moved)
        for stories in self.index.values():
            if alias_id in stories:
                stories.discard(alias_id)
                stories.add(story_id)


def place_events(
    new_events: Iterable[TimelineEvent],
    history: Iterable[tuple[TimelineEvent, str]] = (),
    config: TimelineConfig | None = None,
) -> TimelineResult:
    """Place new items, day by day, into the stories of `history` (items already placed) or new ones.

    `history` needs only the items within `config.window_days` before the
    earliest new item; older ones cannot be joined anyway.
    """
    config = config or TimelineConfig()
    members = [_Member(event_features(event), story_id) for event, story_id in history]
    placements: dict[str, Placement] = {}
    merges: list[Merge] = []
    compared = 0
    ordered = sorted(new_events, key=lambda e: e.order)
    for day, day_events in itertools.groupby(ordered, key=lambda e: e.post_date):
        today = [event_features(event) for event in day_events]
        start = day - dt.timedelta(days=config.window_days)
        members = [m for m in members if m.features.event.post_date >= start]
        window = _Window(members, day, today)
        for features in today:
            placement, merged, n = _place(features, window, config.scoring)
            compared += n
            placements[features.event.event_id] = placement
            for merge in merged:
                merges.append(merge)
                window.relabel(merge.alias_id, merge.story_id)
                for member in window.story_members[merge.story_id]:
                    eid = member.features.event.event_id
                    old = placements.get(eid)
                    placements[eid] = Placement(eid, merge.story_id, old.score if old else None)
            member = _Member(features, placement.story_id)
            window.add(member)
            members.append(member)
    return TimelineResult(placements, merges, compared)


def _place(
    features: EventFeatures, window: _Window, config: ScoringConfig
) -> tuple[Placement, list[Merge], int]:
    event = features.event
    scored = []
    for story_id in window.candidates(features):
        pairs = window.pairs(features, story_id, config)
        scored.append((story_score(pairs, config), story_id))
    joinable = sorted(
        ((score, story_id) for score, story_id in scored if score >= config.join_threshold),
        key=lambda s: (-s[0], s[1]),
    )
    if not joinable:
        return Placement(event.event_id, story_id_for(event), None), [], len(scored)
    best_score, best = joinable[0]
    merges = []
    for score, other in joinable[1:]:
        if score >= config.merge_threshold and _stories_agree(window, best, other, config):
            survivor, alias = sorted((best, other))
            merges.append(Merge(alias, survivor, event.post_date, event.event_id))
            best = survivor
    return Placement(event.event_id, best, best_score), merges, len(scored)


def _stories_agree(window: _Window, a: str, b: str, config: ScoringConfig) -> bool:
    """Two stories bridged by one item are one when they also look alike on their own.

    Their members must score on average at least half a join against the
    other story, and not conflict (GPT-5.2 and GPT-5.2-Codex stay apart
    however many items mention both).
    """
    scores = [story_score(window.pairs(m.features, b, config), config) for m in window.story_members[a]]
    return bool(scores) and min(scores) > 0 and sum(scores) / len(scores) >= config.join_threshold / 2


def cluster_events(events: Iterable[TimelineEvent], config: TimelineConfig | None = None) -> dict[str, str]:
    """The whole timeline from nothing: event id → story id, merges applied."""
    result = place_events(events, (), config)
    aliases = {merge.alias_id: merge.story_id for merge in result.merges}
    return {eid: resolve(p.story_id, aliases) for eid, p in result.placements.items()}


def resolve(story_id: str, aliases: dict[str, str]) -> str:
    """Follow merges to the surviving id."""
    seen = set()
    while story_id in aliases and story_id not in seen:
        seen.add(story_id)
        story_id = aliases[story_id]
    return story_id
