"""Placing each day's news items into stories: join an existing story or start a new one.

Incremental by construction: days are processed in order, and a day only
looks at the items seen within the time window before it. Each day's items
are scored against every item of the window at once, as sparse matrix
products (`similarity`), and only the stories holding an item that scores
at least a join are examined further. The work for a new day therefore
depends on the window, never on the length of the history.

An item is weighed against a story's recent members as a whole (its best
match and their mean), and never joins a story whose first item in the
window it has nothing in common with (`_Timeline.story_pairs`): a story
grows from its founding development, not by a chain of single links.

Three kinds of item are placed by what they follow rather than by their words
(`follow_ups`): a post's report of how shares took the news it led with
joins that news's story, a follow-up saying how long ago its launch was
(「上線一週」) the story of its digest's launch of about that day, and a
postmortem the story of the one outage its digest reported in the two weeks
before (`_Timeline.follows`). A market reaction is *attached*: it shares no
wording with its story, so later items are not weighed against it (it would
only lower the story's mean); whether an item is attached follows from the
items alone, so the history of an incremental run marks the same ones a
replay does. And a price cut never joins a launch's story days later
(`_Timeline.story_pairs`).

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
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

import numpy as np

from digest_pipeline.collector import collect_rarely
from digest_pipeline.timeline import follow_ups
from digest_pipeline.timeline.features import EventFeatures, TimelineEvent, event_features_many
from digest_pipeline.timeline.scoring import (
    ScoringConfig,
    news_conflict,
    same_post,
    story_score,
    story_score_bound,
)
from digest_pipeline.timeline.semantic import MODEL_ID, Embed, embed_headlines, headline_text
from digest_pipeline.timeline.similarity import DayWeights, ItemMatrix

DEFAULT_WINDOW_DAYS = 30
MAX_MEMBERS_COMPARED = 12
"""An item is compared with at most this many of a story's most recent members in the window."""
MAX_CANDIDATE_STORIES = 8
"""An item is weighed against at most this many stories: those holding its best single matches.

Only a story with a member scoring at least a join can be joined at all;
the cap bounds the work when many stories pass that (generic wording).
"""


PLACEMENT_CODE_VERSION = 21
"""Bump when a change to the features, names or scoring code can place items differently.

A warehouse placed by another version (or another `TimelineConfig`) is
placed again from its first day on the next run, so its story ids are
again what a replay of the same input gives; see `placement_version`.
"""


@dataclass(frozen=True)
class TimelineConfig:
    window_days: int = DEFAULT_WINDOW_DAYS
    scoring: ScoringConfig = field(default_factory=ScoringConfig)


def configured_timeline(window_days: int, semantic: bool = True) -> TimelineConfig:
    """The tuned configuration with this window, with or without the semantic term (`semantic`)."""
    return TimelineConfig(window_days, ScoringConfig() if semantic else ScoringConfig(semantic_weight=0.0))


def placement_version(config: TimelineConfig) -> str:
    """What placements depend on besides the items: the code's version and every weight and threshold."""
    model = MODEL_ID if config.scoring.semantic_weight else ""
    digest = hashlib.sha1((repr(config) + model).encode("utf-8")).hexdigest()[:12]
    return f"v{PLACEMENT_CODE_VERSION}-{digest}"


@dataclass(frozen=True, slots=True)
class Placement:
    """Where one item went, and how sure the join was (None for the item that founded its story).

    Slotted: a full build holds one per item placed (500k at 100k posts), 96 bytes each instead of 136.
    """

    event_id: str
    story_id: str
    score: float | None
    placed_in: str = ""
    """The story the item joined or founded on its day; `story_id` follows merges made after it."""


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
    """Stories examined closely (an item scored at least a join with one of their members)."""


def story_id_for(founder: TimelineEvent) -> str:
    digest = hashlib.sha1(founder.event_id.encode("utf-8")).hexdigest()[:8]
    return f"S{founder.post_date:%Y%m%d}-{digest}"


class _Timeline:
    """The window's items as matrix rows, each row's story, and each story's rows."""

    def __init__(self, config: TimelineConfig, embed: Embed | None = None):
        self.config = config
        self.embed = embed if config.scoring.semantic_weight else None
        """Embeds headlines for the semantic term (`semantic`); None when the config leaves it out."""
        self.matrix = ItemMatrix()
        self.features: dict[int, EventFeatures] = {}
        self.story: dict[int, str] = {}
        self.story_rows: dict[str, list[int]] = defaultdict(list)
        self.lo = 0
        """First row inside the current window."""
        self.attached: set[int] = set()
        """Rows placed as a market reaction to an earlier item of their post (`follow_ups`)."""

    def add(self, items: list[EventFeatures], story_ids: list[str] | None = None) -> range:
        """Add items as the next rows (labelled with their stories, for history); returns their rows."""
        embeddings = None
        if self.embed is not None and items:
            embeddings = self.embed([headline_text(f.event.headline) for f in items])
        rows = self.matrix.extend(items, embeddings)
        self.features.update(zip(rows, items, strict=True))
        if story_ids is not None:
            for row, story_id in zip(rows, story_ids, strict=True):
                self.label(row, story_id)
        return rows

    def label(self, row: int, story_id: str) -> None:
        self.story[row] = story_id
        self.story_rows[story_id].append(row)

    def open_day(self, day: dt.date, end: int) -> DayWeights:
        """Slide the window to the days before `day` (plus today's rows, up to `end`)."""
        start = day - dt.timedelta(days=self.config.window_days)
        while self.lo < end and self.features[self.lo].event.post_date < start:
            del self.features[self.lo]
            self.attached.discard(self.lo)
            story_id = self.story.pop(self.lo, None)
            self.lo += 1
            # A story whose rows have all left the window can be neither joined nor merged: its
            # row list goes too, or the lists of every story ever told would stay in memory.
            rows = self.story_rows.get(story_id)
            if rows is not None and (not rows or rows[-1] < self.lo):
                del self.story_rows[story_id]
        return self.matrix.count(self.lo, end)

    def members(self, story_id: str, before: int) -> list[int]:
        """The story's rows in the window, oldest first, that precede row `before`."""
        rows = [r for r in self.story_rows[story_id] if r >= self.lo]
        self.story_rows[story_id] = rows
        return [r for r in rows if r < before]

    def compared_members(self, story_id: str, before: int) -> list[int]:
        """The story's members an item is weighed against: all but the attached market reactions."""
        return [r for r in self.members(story_id, before) if r not in self.attached]

    def reaction_target(self, row: int) -> int | None:
        """The earlier row of `row`'s post that `row` reacts to, when it is a market reaction."""
        if not self.config.scoring.attach_market_reactions:
            return None
        event = self.features[row].event
        if not follow_ups.reports_market_reaction(event):
            return None
        first = row
        while first > self.lo and same_post(self.features[first - 1], self.features[row]):
            first -= 1
        target = follow_ups.reaction_target([self.features[r].event for r in range(first, row)])
        return None if target is None else first + target

    def follows(self, row: int, scores: np.ndarray) -> tuple[str, float] | None:
        """(story, pair score with what it follows) when `row` is placed by what it follows
        (`follow_ups`) rather than by its words; a market reaction is marked attached."""
        target = self.reaction_target(row)
        if target is not None:
            self.attached.add(row)
            return self.story[target], float(scores[target - self.lo])
        launch = self.followed_launch(row, scores)
        if launch is not None:
            return self.story[launch[0]], launch[1]
        outage = self.explained_outage(row)
        if outage is not None:
            return outage, max(float(scores[r - self.lo]) for r in self.members(outage, before=row))
        return None

    def followed_launch(self, row: int, scores: np.ndarray) -> tuple[int, float] | None:
        """(row, pair score) of the launch or price cut `row` follows up on when its headline says
        how long ago that was (`follow_ups`): the best-scoring candidate, above the floor."""
        config = self.config.scoring
        event = self.features[row].event
        elapsed = follow_ups.elapsed_follow_up(event) if config.join_elapsed_follow_ups else None
        if elapsed is None:
            return None
        kind, days = elapsed
        earliest = event.post_date - dt.timedelta(days=math.ceil(days + follow_ups.ELAPSED_LATER))
        best: tuple[int, float] | None = None
        for r in self.rows_back_to(row, earliest):
            if follow_ups.may_follow(event, kind, days, self.features[r].event):
                score = float(scores[r - self.lo])
                if best is None or score >= best[1]:  # walking back: ties go to the earlier item
                    best = (r, score)
        return best if best is not None and best[1] > config.elapsed_follow_up_floor else None

    def explained_outage(self, row: int) -> str | None:
        """The story of the one outage `row` may explain, when it is a postmortem (`follow_ups`)."""
        event = self.features[row].event
        if not (self.config.scoring.join_postmortems_to_outages and follow_ups.reports_postmortem(event)):
            return None
        earliest = event.post_date - dt.timedelta(days=follow_ups.POSTMORTEM_DAYS)
        back = self.rows_back_to(row, earliest)
        stories = {self.story[r] for r in back if follow_ups.explains(event, self.features[r].event)}
        return stories.pop() if len(stories) == 1 else None

    def rows_back_to(self, row: int, earliest: dt.date) -> Iterator[int]:
        """The window's rows before `row` posted on or after `earliest`, latest first: rows run in
        date order, so the walk stops at the first older one instead of reading the whole window."""
        for r in range(row - 1, self.lo - 1, -1):
            if self.features[r].event.post_date < earliest:
                return
            yield r

    def mark_attached(self, rows: Iterable[int]) -> None:
        """Mark the history's reactions: rows placed in the story of the earlier item they react to."""
        for row in rows:
            target = self.reaction_target(row)
            if target is not None and self.story.get(target) == self.story.get(row):
                self.attached.add(row)

    def story_pairs(
        self, row: int, scores: np.ndarray, story_id: str, price_cut: bool = False
    ) -> list[tuple[int, float]] | None:
        """(member row, pair score before conflicts) for the story's members `row` is compared with,
        or None when `row` strays from the story (below) or, a price cut (`price_cut`), would join
        a launch's story (`follow_ups.cut_after_launch`, against its first item in the window).

        `scores` holds the row's scores against the window, indexed by row - lo.

        An item strays from a story that has grown beyond its first item (in the window) when it
        has less in common with that item than their day gap costs (a pair score below 0): it
        would join only through a later member. Such a member is often an item that reports two
        developments (「Qwen Code 升級、阿里雲多模態套件登場」, filed under the first), and a
        later item on the second development alone would carry it into the first one's story.
        Subject conflicts and the same-post discount never change a score's sign, so the raw
        score decides.
        """
        members = [r for r in self.compared_members(story_id, before=self.matrix.end) if r != row]
        if len(members) >= 2 and scores[members[0] - self.lo] < 0:
            return None
        if (
            price_cut
            and members
            and follow_ups.cut_after_launch(self.features[row].event, self.features[members[0]].event)
        ):
            return None
        return [(r, float(scores[r - self.lo])) for r in members[-MAX_MEMBERS_COMPARED:]]

    def blend(self, row: int, pairs: list[tuple[int, float]]) -> float:
        """`scoring.story_score` of `row` from (member row, pair score before conflicts) pairs."""
        config = self.config.scoring
        features = self.features[row]
        finals, conflicts = [], 0
        for member, score in pairs:
            other = self.features[member]
            if news_conflict(features, other, config):
                conflicts += 1
                score *= config.conflict_factor
            if score > 0 and same_post(features, other):
                score *= config.same_post_factor
            finals.append(score)
        return story_score(finals, conflicts, config)

    def relabel(self, alias_id: str, story_id: str) -> list[int]:
        moved = self.story_rows.pop(alias_id, [])
        for row in moved:
            self.story[row] = story_id
        self.story_rows[story_id] = sorted(self.story_rows[story_id] + moved)
        return moved


def place_events(
    new_events: Iterable[TimelineEvent],
    history: Iterable[tuple[TimelineEvent, str]] = (),
    config: TimelineConfig | None = None,
    features: Callable[[Iterable[TimelineEvent]], Iterator[EventFeatures]] = event_features_many,
    embed: Embed | None = None,
) -> TimelineResult:
    """Place new items, day by day, into the stories of `history` (items already placed) or new ones.

    `history` needs only the items within `config.window_days` before the
    earliest new item, and none on or after it; older ones cannot be joined anyway.
    `new_events` may be a lazy iterable in `TimelineEvent.order` (a database
    cursor): only the window's items are held in memory. `features` gives
    items' features in order: computed, unless the caller kept some from an
    earlier run (`warehouse.feature_store`). `embed` gives headlines' embeddings for the semantic
    term (`semantic`): the process-wide embedder unless the caller stores them
    (`warehouse.embedding_store`); unused when `ScoringConfig.semantic_weight` is 0.
    """
    with collect_rarely():  # see `collector`: placing allocates much and makes no cycles
        config = config or TimelineConfig()
        return _place_events(new_events, history, config, features, embed or embed_headlines)


def _place_events(
    new_events: Iterable[TimelineEvent],
    history: Iterable[tuple[TimelineEvent, str]],
    config: TimelineConfig,
    features: Callable[[Iterable[TimelineEvent]], Iterator[EventFeatures]],
    embed: Embed,
) -> TimelineResult:
    timeline = _Timeline(config, embed)
    past = sorted(history, key=lambda pair: pair[0].order)
    timeline.mark_attached(
        timeline.add(list(features([event for event, _ in past])), [story_id for _, story_id in past])
    )
    placements: dict[str, Placement] = {}
    merges: list[Merge] = []
    compared = 0
    new_features = features(_in_order(new_events))
    for day, today_iter in itertools.groupby(new_features, key=lambda f: f.event.post_date):
        today = list(today_iter)
        first = timeline.matrix.end
        rows = timeline.add(today)
        weights = timeline.open_day(day, timeline.matrix.end)
        scores = timeline.matrix.scores(
            (first, timeline.matrix.end), (timeline.lo, timeline.matrix.end), weights, config.scoring
        )
        for k, row in enumerate(rows):
            placement, merged, n = _place(timeline, row, scores[k], weights)
            compared += n
            placements[placement.event_id] = placement
            for merge in merged:
                merges.append(merge)
                timeline.relabel(merge.alias_id, merge.story_id)
                for member in timeline.members(merge.story_id, before=row):
                    eid = timeline.features[member].event.event_id
                    old = placements.get(eid)
                    placements[eid] = Placement(
                        eid, merge.story_id, old.score if old else None, old.placed_in if old else ""
                    )
            timeline.label(row, placement.story_id)
    return TimelineResult(placements, merges, compared)


def _in_order(events: Iterable[TimelineEvent]) -> Iterator[TimelineEvent]:
    """A list is sorted here; any other iterable is streamed, and must come in `order`."""
    if isinstance(events, list | tuple):
        yield from sorted(events, key=lambda e: e.order)
        return
    last = None
    for event in events:
        if last is not None and event.order < last:
            raise ValueError(f"items must come in order: {event.event_id} after {last}")
        last = event.order
        yield event


def _place(
    timeline: _Timeline, row: int, scores: np.ndarray, weights: DayWeights
) -> tuple[Placement, list[Merge], int]:
    config = timeline.config.scoring
    event = timeline.features[row].event
    followed = timeline.follows(row, scores)
    if followed is not None:
        story_id, score = followed
        return Placement(event.event_id, story_id, score, story_id), [], 0
    before = scores[: row - timeline.lo]
    close = np.flatnonzero(before >= config.join_threshold)
    best_match: dict[str, float] = {}
    for column in close[np.argsort(-before[close], kind="stable")]:
        best_match.setdefault(timeline.story[timeline.lo + int(column)], float(before[column]))
        if len(best_match) == MAX_CANDIDATE_STORIES:
            break
    # The subject-conflict test is the costly part of a story's score, and conflicts only lower it:
    # stories are scored in order of their bound without conflicts, and scoring stops at the first
    # whose bound can neither join nor beat the best score so far while falling short of a merge.
    pairs = {}
    price_cut = config.price_cuts_apart_from_launches and follow_ups.reports_price_cut(event)
    for story_id in best_match:
        story_pairs = timeline.story_pairs(row, scores, story_id, price_cut)
        if story_pairs is not None:
            pairs[story_id] = story_pairs
    bounds = sorted(
        ((story_score_bound([score for _, score in pairs[sid]], config), sid) for sid in pairs),
        key=lambda s: (-s[0], s[1]),
    )
    joinable: list[tuple[float, str]] = []
    for bound, story_id in bounds:
        best_so_far = joinable[0][0] if joinable else config.join_threshold
        if bound < config.join_threshold or (bound < config.merge_threshold and bound < best_so_far):
            break
        score = timeline.blend(row, pairs[story_id])
        if score >= config.join_threshold:
            joinable.append((score, story_id))
            joinable.sort(key=lambda s: (-s[0], s[1]))
    if not joinable:
        founded = story_id_for(event)
        return Placement(event.event_id, founded, None, founded), [], len(pairs)
    best_score, best = joinable[0]
    merges = []
    for score, other in joinable[1:]:
        if score >= config.merge_threshold and _stories_agree(timeline, best, other, row, weights):
            survivor, alias = sorted((best, other))
            merges.append(Merge(alias, survivor, event.post_date, event.event_id))
            best = survivor
    return Placement(event.event_id, best, best_score, best), merges, len(pairs)


def _stories_agree(timeline: _Timeline, a: str, b: str, before: int, weights: DayWeights) -> bool:
    """Two stories bridged by one item are one when they also look alike on their own.

    Their members must score on average at least half a join against the
    other story, and not conflict (GPT-5.2 and GPT-5.2-Codex stay apart
    however many items mention both).
    """
    config = timeline.config.scoring
    a_rows = timeline.compared_members(a, before=before)
    b_rows = timeline.compared_members(b, before=before)
    if not a_rows or not b_rows:
        return False
    pair_scores = timeline.matrix.scores(a_rows, b_rows, weights, config)
    total = 0.0
    for i, member in enumerate(a_rows):
        recent = [(j, r) for j, r in enumerate(b_rows) if r != member][-MAX_MEMBERS_COMPARED:]
        score = timeline.blend(member, [(other, float(pair_scores[i, j])) for j, other in recent])
        if score <= 0:
            return False
        total += score
    return total / len(a_rows) >= config.join_threshold / 2


def cluster_events(
    events: Iterable[TimelineEvent], config: TimelineConfig | None = None, embed: Embed | None = None
) -> dict[str, str]:
    """The whole timeline from nothing: event id → story id, merges applied."""
    result = place_events(events, (), config, embed=embed)
    aliases = {merge.alias_id: merge.story_id for merge in result.merges}
    return {eid: resolve(p.story_id, aliases) for eid, p in result.placements.items()}


def resolve(story_id: str, aliases: dict[str, str]) -> str:
    """Follow merges to the surviving id."""
    seen = set()
    while story_id in aliases and story_id not in seen:
        seen.add(story_id)
        story_id = aliases[story_id]
    return story_id
