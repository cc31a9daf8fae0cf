"""The features of the timeline's latest items, kept between runs (`pipeline.event_features`).

A daily run places one day's items against the items of the window before
it (30 days), and the replay check does the same again. Reading those
thousands of items into features (folded text, bigrams, names, figures) cost
about a second in each, every day, for items that had not changed. Features
depend only on an item's words and the timeline code, so the latest days'
are kept as JSON, keyed by the item, a digest of its words and the placement
version; a run reads the ones it can and computes the rest (new or
re-published items, another version, anything older).

Only what the next runs need is kept: the window plus the replay check's days
before the latest item (`keep_from`). That is a few thousand rows however
long the history. No Dagster here.

Within one process the features read back or computed for the kept days are
also remembered (`_Remembered`): a build that runs its steps in one process
(the CLI's) places a day and then replays it, and the replay's window is the
one the placing just read. Features are a function of an item's words and the
version, so a remembered copy is what decoding the stored JSON would give; the
stored row must still be there and match for it to be used. Describing the
touched stories then reads their members' words from the same memory
(`text_features`), keyed by the digest of those words.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from collections import OrderedDict
from collections.abc import Iterable, Iterator

import duckdb
import polars as pl

from digest_pipeline.timeline.features import (
    FEATURES_FORMAT,
    EventFeatures,
    TimelineEvent,
    event_features_many,
    event_text_features,
    features_from_json,
    features_to_json,
    text_key,
)
from digest_pipeline.warehouse.schema import insert_frame

EXTRA_DAYS_KEPT = 15
"""Days kept beyond the window: the replay check's 14 days at most, and the next day."""


def keep_from(con: duckdb.DuckDBPyConnection, window_days: int) -> dt.date | None:
    """The first post date whose items' features are worth keeping (None: no items yet)."""
    latest = con.execute("SELECT max(post_date) FROM events").fetchall()[0][0]
    return latest - dt.timedelta(days=window_days + EXTRA_DAYS_KEPT) if latest else None


class _Remembered:
    """The latest features this process decoded or computed for kept days, by the digest of the
    item's words (`text_key`), with the placement version they were stored under."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.features: OrderedDict[str, tuple[str, EventFeatures]] = OrderedDict()

    def get(self, version: str, key: str, event: TimelineEvent) -> EventFeatures | None:
        found = self.features.get(key)
        if found is None or found[0] != version:
            return None
        self.features.move_to_end(key)
        return found[1] if found[1].event is event else dataclasses.replace(found[1], event=event)

    def words(self, key: str) -> EventFeatures | None:
        """Features of these words under any version: one process's code reads words one way."""
        found = self.features.get(key)
        return found[1] if found is not None else None

    def put(self, version: str, key: str, features: EventFeatures) -> None:
        self.features[key] = (version, features)
        self.features.move_to_end(key)
        while len(self.features) > self.capacity:
            self.features.popitem(last=False)


REMEMBERED_ITEMS = 20_000
"""Features remembered per process: a 30-day window and the replay's days of a few hundred items a
day (the 100k bench posts' window is 4,600 items)."""
_remembered = _Remembered(REMEMBERED_ITEMS)


def text_features(event: TimelineEvent) -> EventFeatures:
    """The item's word features (`event_text_features`): remembered ones when this process has them.

    Describing a day's touched stories reads the words of up to 24 members each, most of them items
    of the window the placing just decoded (the 100k bench day's 94 stories, 995 members: 0.13-0.16 s
    computing every member's words, 0.08 s with them remembered).
    """
    return _remembered.words(text_key(event)) or event_text_features(event)


class FeatureStore:
    """Stored features for the items that have them, computed features for the rest.

    `features` is what `cluster.place_events` takes: items in, their features
    out, in order. With `fresh_from`, items on or after that date are always
    computed (the replay check recomputes what it verifies). `save` writes
    what was computed for the kept days and forgets the rest.
    """

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        version: str,
        keep_from: dt.date | None,
        fresh_from: dt.date | None = None,
    ):
        self.con, self.keep_from, self.fresh_from = con, keep_from, fresh_from
        self.version = f"{version}/f{FEATURES_FORMAT}"
        """The placement version and the JSON's format: rows stored under another are not read."""
        self.stored: dict[str, tuple[str, str]] = {
            event_id: (key, text)
            for event_id, key, text in con.execute(
                "SELECT event_id, text_key, features FROM pipeline.event_features "
                "WHERE placed_with = $version",
                {"version": self.version},
            ).fetchall()
        }
        self.computed: dict[str, tuple[dt.date, str, EventFeatures]] = {}
        self.reused = 0

    def _kept(self, event: TimelineEvent) -> tuple[str, str | None]:
        """The digest of the item's words, and its stored features' JSON if stored for those words."""
        key = text_key(event)
        if self.fresh_from is not None and event.post_date >= self.fresh_from:
            return key, None
        found = self.stored.get(event.event_id)
        return key, found[1] if found is not None and found[0] == key else None

    def features(self, events: Iterable[TimelineEvent]) -> Iterator[EventFeatures]:
        """Each item's features, in order: read back where kept, computed (on every core) otherwise.

        Each item is looked up once; both branches of the tee see that one lookup.
        """
        ahead, here = itertools.tee((event, *self._kept(event)) for event in events)
        computed = event_features_many(event for event, _, text in ahead if text is None)
        for event, key, text in here:
            if text is not None:
                self.reused += 1
                features = _remembered.get(self.version, key, event)
                if features is None:
                    features = features_from_json(text, event)
                    _remembered.put(self.version, key, features)
                yield features
                continue
            features = next(computed)
            if self.keep_from is not None and event.post_date >= self.keep_from:
                self.computed[event.event_id] = (event.post_date, key, features)
                _remembered.put(self.version, key, features)
            yield features

    def save(self) -> int:
        """Store the kept days' computed features and drop rows no run will read; returns rows written.

        Runs inside the caller's transaction, with the placements they went with.
        """
        self.con.execute(
            "DELETE FROM pipeline.event_features WHERE placed_with <> $version OR post_date < $keep_from",
            {"version": self.version, "keep_from": self.keep_from or dt.date.max},
        )
        if not self.computed:
            return 0
        rows = pl.DataFrame(
            {
                "event_id": list(self.computed),
                "post_date": [date for date, _, _ in self.computed.values()],
                "text_key": [key for _, key, _ in self.computed.values()],
                "placed_with": self.version,
                "features": [features_to_json(features) for _, _, features in self.computed.values()],
            },
            schema={
                "event_id": pl.String,
                "post_date": pl.Date,
                "text_key": pl.String,
                "placed_with": pl.String,
                "features": pl.String,
            },
        )
        insert_frame(self.con, "pipeline.event_features", rows, conflict="OR REPLACE")
        return rows.height
