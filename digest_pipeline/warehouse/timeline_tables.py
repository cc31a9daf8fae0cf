"""Keeping the story tables in step with `events`, incrementally.

Each run finds the earliest date whose items changed since the last run
(new, re-published with other words, or withdrawn), keeps every placement
before it, and replays only from that date on, with the items of the time
window before it as context. A new day is therefore one day of work
whatever the length of the history; a back-filled old day replays from
there. Because placement is deterministic and ids derive from founding
items, the result equals a from-scratch build of the same input, which the
`story_ids_replay` check verifies.

Ids that stop naming a story (merged, re-founded, withdrawn) are kept in
`story_aliases`, so an id an analyst saved always resolves.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

import duckdb
import polars as pl

from digest_pipeline.collector import collect_rarely
from digest_pipeline.parallel import map_chunks
from digest_pipeline.posts.links import normalize_url
from digest_pipeline.timeline.cluster import (
    Merge,
    Placement,
    TimelineConfig,
    place_events,
    placement_version,
    resolve,
    story_id_for,
)
from digest_pipeline.timeline.features import ITEM_URL, EventFeatures, TimelineEvent
from digest_pipeline.timeline.stories import outlet_names_domain, representative
from digest_pipeline.warehouse.embedding_store import EmbeddingStore
from digest_pipeline.warehouse.feature_store import FeatureStore, keep_from, text_features
from digest_pipeline.warehouse.trend_tables import STORY_TABLES

FINGERPRINT = (
    "md5(concat_ws(chr(31), e.model, e.headline, e.body, array_to_string(e.outlets, chr(31)), "
    "array_to_string(e.cited_source_ids, chr(31))))"
)
"""What a placement depends on; a changed item is placed again."""

_EVENT_COLUMNS = (
    "e.event_id, e.post_date, e.model, e.position, e.headline, e.body, e.outlets, e.cited_source_ids"
)

# Items are joined to their placements (and posts to their citations) on the date as well as the
# id. The date is the same on both sides, and DuckDB hands the scan of the big side the date range
# of the small one, so the row groups outside it (written in date order) are skipped: a day's
# story members on 100k posts were read in 0.03 s instead of 0.14 s.


@dataclass(frozen=True)
class TimelineUpdate:
    """What one run of the timeline did, for the run log and the UI."""

    replayed_from: dt.date | None
    events_placed: int
    stories_touched: int
    merges: int
    aliases_recorded: int
    candidates_compared: int
    seconds: float
    code_changed: bool = False
    """The stored placements were made by other timeline code or settings, so all were placed again."""
    features_reused: int = 0
    """Items whose features were read back from `pipeline.event_features` instead of computed."""
    headlines_embedded: int = 0
    """Headlines run through the sentence model (`timeline.semantic`) and stored."""
    embeddings_reused: int = 0
    """Headlines whose embedding was read back from `pipeline.headline_embeddings`."""


def _event(row: tuple) -> TimelineEvent:
    event_id, post_date, model, position, headline, body, outlets, cited = row
    return TimelineEvent(
        event_id, post_date, model, position, headline, body, tuple(outlets or ()), tuple(cited or ())
    )


def earliest_change(con: duckdb.DuckDBPyConnection) -> dt.date | None:
    """The first date with an item that is new, changed or withdrawn since the last placement.

    Only the dates the post-date rebuilds noted since the last run
    (`pipeline.timeline_pending`) are compared, so a daily run hashes a
    day's items, not the history's; a date rebuilt with the same items
    starts no replay. With nothing placed yet, every item is new.
    """
    if not con.execute("SELECT EXISTS (SELECT 1 FROM story_events)").fetchall()[0][0]:
        return con.execute("SELECT min(post_date) FROM events").fetchall()[0][0]
    return con.execute(
        f"""
        WITH pending AS (SELECT DISTINCT post_date FROM pipeline.timeline_pending)
        SELECT min(d) FROM (
            SELECT e.post_date AS d FROM events e LEFT JOIN story_events s USING (event_id)
            WHERE e.post_date IN (SELECT post_date FROM pending)
              AND (s.event_id IS NULL OR s.fingerprint <> {FINGERPRINT})
            UNION ALL
            SELECT s.post_date FROM story_events s ANTI JOIN events e USING (event_id)
            WHERE s.post_date IN (SELECT post_date FROM pending)
        )
        """
    ).fetchall()[0][0]


def _placed_with(con: duckdb.DuckDBPyConnection) -> str | None:
    """The version the stored placements were made with ("unknown" if made before versions were kept)."""
    rows = con.execute("SELECT placed_with FROM pipeline.timeline_state").fetchall()
    if rows:
        return rows[0][0]
    placed = con.execute("SELECT EXISTS (SELECT 1 FROM story_events)").fetchall()[0][0]
    return "unknown" if placed else None


def last_placed_from(con: duckdb.DuckDBPyConnection) -> dt.date | None:
    """The first date the last placing run placed items from (the latest date after a run with
    nothing to place), or None when no run recorded it."""
    rows = con.execute("SELECT replayed_from FROM pipeline.timeline_state").fetchall()
    return rows[0][0] if rows else None


def days_last_placed(con: duckdb.DuckDBPyConnection) -> int | None:
    """How many of the latest days the last run placed items on (from its first date to the last
    item; 1 after a run that placed nothing), or None when no run recorded it: what the replay check
    needs to verify."""
    rows = con.execute(
        "SELECT (SELECT max(post_date) FROM events) - replayed_from + 1 FROM pipeline.timeline_state "
        "WHERE replayed_from IS NOT NULL"
    ).fetchall()
    return max(1, rows[0][0]) if rows and rows[0][0] is not None else None


def _first_placed_or_new(con: duckdb.DuckDBPyConnection) -> dt.date | None:
    """The first date of any item, stored or placed: where a replay of everything starts."""
    return con.execute(
        "SELECT min(d) FROM (SELECT min(post_date) AS d FROM events UNION ALL "
        "SELECT min(post_date) FROM story_events)"
    ).fetchall()[0][0]


STREAM_BATCH = 5000
"""Items fetched at a time by `_stream_events`."""
EMBEDDINGS_FLUSHED_EVERY = 5000
"""Headline embeddings a placing run holds before it writes them (`EmbeddingStore`)."""


def _stream_events(con: duckdb.DuckDBPyConnection, sql: str, params: dict) -> Iterator[TimelineEvent]:
    """Events from a query, a batch at a time: a full build never holds every item in memory.

    Nothing else may query `con` while the stream runs: a new query on a connection ends its
    pending result, and the stream would stop early without an error. What placing reads
    meanwhile goes through a cursor of its own (`EmbeddingStore`).
    """
    result = con.execute(sql, params)
    while batch := result.fetchmany(STREAM_BATCH):
        yield from map(_event, batch)


def history_as_of(
    con: duckdb.DuckDBPyConnection, start: dt.date, day: dt.date
) -> list[tuple[TimelineEvent, str]]:
    """The items of start..day-1, each with the story it belonged to when `day` began.

    Stored story ids include merges made on later days; a replay from `day`
    must not see those, or it would place items differently from the run
    that first placed them. Each item's story at placement is followed
    through the merges made before `day` only.
    """
    merged_before = dict(
        con.execute(
            "SELECT alias_id, merged_into FROM story_aliases "
            "WHERE merged_into IS NOT NULL AND merged_on < $day",
            {"day": day},
        ).fetchall()
    )
    return [
        (_event(row[:-1]), resolve(row[-1], merged_before))
        for row in con.execute(
            f"""
            SELECT {_EVENT_COLUMNS}, coalesce(s.placed_story_id, s.story_id)
            FROM events e JOIN story_events s USING (event_id, post_date)
            WHERE e.post_date >= $start AND e.post_date < $day
            """,
            {"start": start, "day": day},
        ).fetchall()
    ]


ENTITY_SCHEMA = {
    "event_id": pl.String,
    "position": pl.Int32,
    "entity_key": pl.String,
    "post_date": pl.Date,
    "model": pl.String,
}


class _PlacedEntities:
    """`event_entities` rows of the items a run places, taken from their features as they go by.

    The features read every item's names anyway, so the names an item mentions
    are not read a second time by the post parse. Rows are kept as Arrow frames
    (a full build's are about 1.7M rows at 100k posts) until written.
    """

    BATCH_ROWS = 100_000

    def __init__(self, since: dt.date):
        self.since = since
        self.frames: list[pl.DataFrame] = []
        self.columns: dict[str, list] = {column: [] for column in ENTITY_SCHEMA}

    def tap(self, features: Iterator[EventFeatures]) -> Iterator[EventFeatures]:
        """Pass the features on, noting the entities of items on or after `since` (the placed ones)."""
        for item in features:
            event = item.event
            if event.post_date >= self.since and item.entities:
                columns = self.columns
                for position, key in enumerate(item.entities, start=1):
                    columns["event_id"].append(event.event_id)
                    columns["position"].append(position)
                    columns["entity_key"].append(key)
                    columns["post_date"].append(event.post_date)
                    columns["model"].append(event.model)
                if len(columns["event_id"]) >= self.BATCH_ROWS:
                    self._freeze()
            yield item

    def _freeze(self) -> None:
        self.frames.append(pl.DataFrame(self.columns, schema=ENTITY_SCHEMA))
        self.columns = {column: [] for column in ENTITY_SCHEMA}

    def write(self, con: duckdb.DuckDBPyConnection) -> int:
        """Replace the rows of every item on or after `since` with these (withdrawn items included:
        see `update_timeline`)."""
        self._freeze()
        rows = pl.concat(self.frames, rechunk=False)
        self.frames = []
        con.execute("DELETE FROM event_entities WHERE post_date >= $since", {"since": self.since})
        con.register("placed_entities", rows)
        try:
            con.execute("INSERT INTO event_entities BY NAME SELECT * FROM placed_entities")
        finally:
            con.unregister("placed_entities")
        return rows.height


def update_timeline(
    con: duckdb.DuckDBPyConnection, config: TimelineConfig | None = None, now: dt.datetime | None = None
) -> TimelineUpdate:
    """Place every new or changed item and refresh the stories they touch, in one transaction."""
    with collect_rarely():  # see `collector`: a full build allocates much and makes no cycles
        return _update_timeline(con, config or TimelineConfig(), now)


def _update_timeline(
    con: duckdb.DuckDBPyConnection, config: TimelineConfig, now: dt.datetime | None
) -> TimelineUpdate:
    now = now or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    started = time.perf_counter()
    version = placement_version(config)
    code_changed = _placed_with(con) not in (None, version)
    since = _first_placed_or_new(con) if code_changed else earliest_change(con)
    if since is None:
        con.execute("DELETE FROM pipeline.timeline_pending")  # rebuilt with the same items: nothing to do
        con.execute("DELETE FROM pipeline.stories_refreshed")
        # Nothing placed: the replay check verifies the latest day only, not the last run's days
        # again (after a full build those are two weeks, every idle run).
        con.execute(
            "UPDATE pipeline.timeline_state SET replayed_from = (SELECT max(post_date) FROM events) "
            "WHERE replayed_from IS NOT NULL"
        )
        return TimelineUpdate(None, 0, 0, 0, 0, 0, time.perf_counter() - started)

    # Stories that may lose members (those with items on or after `since`), with their members as
    # they stand: kept in DuckDB, since after an upgrade it is every story. A withdrawn item is
    # among them: the post-date rebuild that deleted it noted its date as pending, in the same
    # transaction, so `since` is on or before it (`earliest_change`); no anti-join with the whole
    # history is needed, and the `every_event_in_one_story` check would see one left behind.
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE at_risk AS
        SELECT story_id, event_id, post_date FROM story_events
        WHERE story_id IN (SELECT story_id FROM story_events WHERE post_date >= $since)
        """,
        {"since": since},
    )
    history = history_as_of(con, since - dt.timedelta(days=config.window_days), since)
    store = FeatureStore(con, version, keep_from(con, config.window_days))
    new = _stream_events(
        con,
        f"SELECT {_EVENT_COLUMNS} FROM events e WHERE e.post_date >= $since "
        "ORDER BY e.post_date, e.model, e.position, e.event_id",
        {"since": since},
    )
    entities = _PlacedEntities(since)
    embeddings = EmbeddingStore(con, flush_every=EMBEDDINGS_FLUSHED_EVERY)
    result = place_events(
        new, history, config, features=lambda events: entities.tap(store.features(events)), embed=embeddings
    )
    del history
    merges, candidates_compared = result.merges, result.candidates_compared
    merged = {merge.alias_id: merge.story_id for merge in merges}
    # Items placed in this run carry the story they were placed in; history items merely relabelled do not.
    placements = [
        Placement(p.event_id, resolve(p.story_id, merged), p.score, p.placed_in)
        for p in result.placements.values()
        if p.placed_in
    ]
    del result  # a full build's placements, kept once rather than twice while stories are described
    (expected,) = con.execute(
        "SELECT count(*) FROM events WHERE post_date >= $since", {"since": since}
    ).fetchone()
    if len(placements) != expected:  # a stream cut short would leave items in no story
        raise RuntimeError(
            f"the timeline placed {len(placements)} of the {expected} items from {since}; nothing was written"
        )

    con.execute("BEGIN TRANSACTION")
    try:
        aliases = _write_placements(con, since, placements, merges, now)
        entities.write(con)
        at_risk = {row[0] for row in con.execute("SELECT DISTINCT story_id FROM at_risk").fetchall()}
        touched = at_risk | {p.story_id for p in placements} | set(merged) | set(merged.values())
        placed = len(placements)
        del placements
        _refresh_stories(con, touched)
        store.save()
        embedded = embeddings.save()
        con.execute("DELETE FROM pipeline.timeline_pending")
        con.execute("DELETE FROM pipeline.timeline_state")
        con.execute(
            "INSERT INTO pipeline.timeline_state (placed_with, replayed_from) VALUES ($version, $since)",
            {"version": version, "since": since},
        )
        con.execute("DROP TABLE at_risk")
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return TimelineUpdate(
        replayed_from=since,
        events_placed=placed,
        stories_touched=len(touched),
        merges=len(merged),
        aliases_recorded=aliases,
        candidates_compared=candidates_compared,
        seconds=time.perf_counter() - started,
        code_changed=code_changed,
        features_reused=store.reused,
        headlines_embedded=embedded,
        embeddings_reused=embeddings.read,
    )


def _write_placements(
    con: duckdb.DuckDBPyConnection,
    since: dt.date,
    placements: list[Placement],
    merges: list[Merge],
    now: dt.datetime,
) -> int:
    merged = {merge.alias_id: merge.story_id for merge in merges}
    con.execute("DELETE FROM story_events WHERE post_date >= $since", {"since": since})
    frame = pl.DataFrame(
        {
            "event_id": [p.event_id for p in placements],
            "story_id": [p.story_id for p in placements],
            "join_score": [p.score for p in placements],
            "placed_story_id": [p.placed_in or p.story_id for p in placements],
        },
        schema={
            "event_id": pl.String,
            "story_id": pl.String,
            "join_score": pl.Float64,
            "placed_story_id": pl.String,
        },
    )
    con.register("placed", frame)
    con.execute(
        f"""
        INSERT INTO story_events BY NAME
        SELECT p.event_id, p.story_id, e.post_date, e.model, p.join_score, {FINGERPRINT} AS fingerprint,
               p.placed_story_id
        FROM placed p JOIN (SELECT * FROM events WHERE post_date >= $since) e USING (event_id)
        """,
        {"since": since},
    )
    con.unregister("placed")
    # Members outside the window follow their story into the one it merged with.
    if merged:
        moves = pl.DataFrame(
            {"alias_id": list(merged), "to_id": [resolve(story_id, merged) for story_id in merged.values()]}
        )
        con.register("moves", moves)
        con.execute(
            "UPDATE story_events SET story_id = moves.to_id FROM moves "
            "WHERE story_events.story_id = moves.alias_id"
        )
        con.unregister("moves")
    return _record_aliases(con, merges, now)


_GONE_STORIES = """
SELECT a.story_id,
       arg_min(s.story_id, (-n, s.story_id)) FILTER (WHERE s.story_id IS NOT NULL) AS heir
FROM (SELECT DISTINCT story_id FROM at_risk) a
LEFT JOIN (
    SELECT r.story_id AS old_id, s.story_id, count(*) AS n
    FROM at_risk r JOIN story_events s USING (event_id, post_date)
    GROUP BY ALL
) s ON s.old_id = a.story_id
WHERE a.story_id NOT IN (SELECT story_id FROM story_events)
  AND NOT list_contains($merged, a.story_id)
GROUP BY a.story_id
ORDER BY a.story_id
"""
"""Ids of `at_risk` that name no story any more, other than by a merge: each with the story now
holding most of its former members (its heir; ties to the smallest id), or none if all were withdrawn."""


def _record_aliases(con: duckdb.DuckDBPyConnection, merges: list[Merge], now: dt.datetime) -> int:
    """Every id that stopped naming a story gets an alias row: merged, refounded or withdrawn."""
    merged = {merge.alias_id: merge.story_id for merge in merges}
    rows = []
    for merge in merges:
        rows.append(
            (merge.alias_id, resolve(merge.story_id, merged), "merged", merge.story_id, merge.merged_on)
        )
    for old_id, heir in con.execute(_GONE_STORIES, {"merged": sorted(merged)}).fetchall():
        rows.append((old_id, heir, "refounded" if heir else "withdrawn", None, None))
    if rows:
        frame = pl.DataFrame(
            [(*row, now) for row in rows],
            schema={
                "alias_id": pl.String,
                "story_id": pl.String,
                "reason": pl.String,
                "merged_into": pl.String,
                "merged_on": pl.Date,
                "recorded_at": pl.Datetime,
            },
            orient="row",
        )
        con.register("alias_rows", frame)
        con.execute("INSERT OR REPLACE INTO story_aliases BY NAME SELECT * FROM alias_rows")
        con.unregister("alias_rows")
    # An id that names a story again is no alias; an alias of an alias points at the end of the chain.
    con.execute("DELETE FROM story_aliases WHERE alias_id IN (SELECT story_id FROM story_events)")
    chain = dict(
        con.execute("SELECT alias_id, story_id FROM story_aliases WHERE story_id IS NOT NULL").fetchall()
    )
    finals = [(alias_id, resolve(story_id, chain)) for alias_id, story_id in chain.items()]
    moved = [(final, alias_id) for alias_id, final in finals if final != chain[alias_id]]
    if moved:
        con.executemany("UPDATE story_aliases SET story_id = ? WHERE alias_id = ?", moved)
    return len(rows)


def _refresh_stories(con: duckdb.DuckDBPyConnection, touched: set[str]) -> None:
    """Recompute the `stories` and `story_timeline` rows of the touched stories only, and note them.

    The stories are described a batch at a time (`STORY_BATCH_ITEMS` items
    of whole stories), reading only that batch's items from a temporary
    table ordered by batch, so a full build never holds every item at once.
    """
    con.register("touched_ids", pl.DataFrame({"story_id": sorted(touched)}, schema={"story_id": pl.String}))
    con.execute("CREATE OR REPLACE TEMP TABLE touched_stories AS SELECT story_id FROM touched_ids")
    con.unregister("touched_ids")
    con.execute("DELETE FROM stories WHERE story_id IN (SELECT story_id FROM touched_stories)")
    con.execute("DELETE FROM story_timeline WHERE story_id IN (SELECT story_id FROM touched_stories)")
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE story_members AS
        WITH sizes AS (
            SELECT story_id, count(*) AS n FROM story_events
            WHERE story_id IN (SELECT story_id FROM touched_stories) GROUP BY story_id
        ), batches AS (
            SELECT story_id, (sum(n) OVER (ORDER BY story_id) - n) // $batch_items AS batch FROM sizes
        )
        SELECT b.batch, s.story_id, e.post_id, {_EVENT_COLUMNS}
        FROM story_events s JOIN batches b USING (story_id) JOIN events e USING (event_id, post_date)
        ORDER BY b.batch, s.story_id
        """,
        {"batch_items": STORY_BATCH_ITEMS},
    )
    batches = con.execute("SELECT DISTINCT batch FROM story_members ORDER BY 1").fetchall()
    for (batch,) in batches:
        members: dict[str, list[tuple[str, TimelineEvent]]] = defaultdict(list)
        for story_id, post_id, *event in con.execute(
            f"SELECT story_id, post_id, {_EVENT_COLUMNS.replace('e.', '')} FROM story_members "
            "WHERE batch = $batch",
            {"batch": batch},
        ).fetchall():
            members[story_id].append((post_id, _event(tuple(event))))
        post_domains: dict[str, dict[str, str]] = defaultdict(dict)
        for post_id, source, domain in con.execute(
            "SELECT DISTINCT c.post_id, c.source_id, c.domain FROM post_sources c "
            "JOIN (SELECT DISTINCT post_id, post_date FROM story_members WHERE batch = $batch) m "
            "USING (post_id, post_date)",
            {"batch": batch},
        ).fetchall():
            post_domains[post_id][source] = domain
        frame = pl.DataFrame(_story_rows(members, post_domains), schema=STORY_SCHEMA, orient="row")
        con.register("story_rows", frame)
        con.execute("INSERT INTO stories BY NAME SELECT * FROM story_rows")
        con.unregister("story_rows")
    con.execute(
        """
        INSERT INTO story_timeline
        SELECT story_id, post_date, count(*), list_sort(list_distinct(list(model)))
        FROM story_events WHERE story_id IN (SELECT story_id FROM touched_stories)
        GROUP BY story_id, post_date
        """
    )
    # The trend tables over the stories redo these stories' days on their next refresh.
    con.execute(
        "INSERT INTO pipeline.story_trends_pending SELECT t.table_name, s.story_id "
        "FROM unnest($tables::VARCHAR[]) t(table_name) CROSS JOIN touched_stories s",
        {"tables": list(STORY_TABLES)},
    )
    # And the story checks of this run look at these stories only (`warehouse.integrity`).
    con.execute("DELETE FROM pipeline.stories_refreshed")
    con.execute("INSERT INTO pipeline.stories_refreshed SELECT story_id FROM touched_stories")
    con.execute("DROP TABLE story_members; DROP TABLE touched_stories")


STORY_BATCH_ITEMS = 20_000
"""Stories are described in batches of whole stories of about this many items (on every core when
a batch has many stories), so a full build never holds every item at once."""


def _story_rows(
    members: dict[str, list[tuple[str, TimelineEvent]]], post_domains: dict[str, dict[str, str]]
) -> list[tuple]:
    """The `stories` rows of one batch of whole stories, in story id order.

    Describing a story (choosing its headline by its items' words, reading the
    domains behind it) is pure Python and independent of every other story, so
    a batch of many stories is described on every core (`parallel.map_chunks`).
    """
    stories = (
        (story_id, members[story_id], {post_id: post_domains[post_id] for post_id, _ in members[story_id]})
        for story_id in sorted(members)
    )
    chunks = map_chunks(_describe_stories, stories, DESCRIBE_CHUNK_STORIES, PARALLEL_MIN_STORIES)
    return [row for rows in chunks for row in rows]


DESCRIBE_CHUNK_STORIES = 500
PARALLEL_MIN_STORIES = 2000
"""Below this many stories (a daily run touches a few hundred), describing them stays in this process."""


def _describe_stories(
    stories: tuple[tuple[str, list[tuple[str, TimelineEvent]], dict[str, dict[str, str]]], ...],
) -> list[tuple]:
    return [_story_row(story_id, items, post_domains) for story_id, items, post_domains in stories]


STORY_SCHEMA = {
    "story_id": pl.String,
    "headline": pl.String,
    "first_seen": pl.Date,
    "last_seen": pl.Date,
    "days_seen": pl.Int32,
    "mention_count": pl.Int32,
    "post_count": pl.Int32,
    "models": pl.List(pl.String),
    "outlets": pl.List(pl.String),
    "source_domains": pl.List(pl.String),
    "founding_event_id": pl.String,
    "representative_event_id": pl.String,
}


def _story_row(
    story_id: str, items: list[tuple[str, TimelineEvent]], post_domains: dict[str, dict[str, str]]
) -> tuple:
    """`post_domains`: per post of the story, the domain of each source it cites, by source id.

    A story's domains are those of the links its items cite or write, and those of its posts'
    links that an item's inline attribution names (「來源：udn」 and udn.com)."""
    events = sorted((event for _, event in items), key=lambda e: e.order)
    founder = next((e for e in events if story_id_for(e) == story_id), events[0])
    best = representative(events, text_features)
    domains: set[str] = set()
    for post_id, event in items:
        by_source = post_domains[post_id]
        domains.update(normalize_url(url).domain for url in ITEM_URL.findall(event.body))
        domains.update(by_source[source] for source in event.cited if source in by_source)
        if event.outlets:
            domains.update(
                d for d in set(by_source.values()) if any(outlet_names_domain(o, d) for o in event.outlets)
            )
    return (
        story_id,
        best.headline,
        events[0].post_date,
        events[-1].post_date,
        len({e.post_date for e in events}),
        len(events),
        len({post_id for post_id, _ in items}),
        sorted({e.model for e in events}),
        sorted({o for e in events for o in e.outlets}),
        sorted(d for d in domains if d),
        founder.event_id,
        best.event_id,
    )


def replay_mismatches(
    con: duckdb.DuckDBPyConnection, config: TimelineConfig | None = None, last_days: int | None = None
) -> list[str]:
    """Items whose stored story differs from replaying the same events (should be none).

    With `last_days`, only the items of the latest `last_days` days are
    replayed, from the stored placements of the window before them, so the
    check costs the same on a long history; without it, everything is
    rebuilt from nothing.
    """
    config = config or TimelineConfig()
    latest = con.execute("SELECT max(post_date) FROM events").fetchall()[0][0]
    if latest is None:
        return []
    start = latest - dt.timedelta(days=last_days) if last_days is not None else dt.date.min
    replayed = [
        _event(row)
        for row in con.execute(
            f"SELECT {_EVENT_COLUMNS} FROM events e WHERE e.post_date > $start", {"start": start}
        ).fetchall()
    ]
    first_replayed = start + dt.timedelta(days=1)
    history = (
        history_as_of(con, first_replayed - dt.timedelta(days=config.window_days), first_replayed)
        if last_days is not None
        else []
    )
    # The history's features may be read back; the replayed items' are computed again, so the
    # check also holds computing them to what the placing run computed.
    store = FeatureStore(con, placement_version(config), keep_from=None, fresh_from=first_replayed)
    result = place_events(replayed, history, config, features=store.features, embed=EmbeddingStore(con))
    merged = {merge.alias_id: merge.story_id for merge in result.merges}
    fresh = {p.event_id: resolve(p.story_id, merged) for p in result.placements.values()}
    stored = dict(
        con.execute(
            "SELECT event_id, story_id FROM story_events WHERE post_date > $start", {"start": start}
        ).fetchall()
    )
    return sorted(
        f"{event_id}: stored {stored.get(event_id)}, replay {fresh.get(event_id)}"
        for event_id in stored.keys() | {e.event_id for e in replayed}
        if stored.get(event_id) != fresh.get(event_id)
    )
