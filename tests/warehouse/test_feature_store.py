"""The timeline's kept features: read back instead of computed, and the stories come out the same."""

import dataclasses
import datetime as dt

import duckdb
import polars as pl
import pytest

import digest_pipeline.warehouse.feature_store as feature_store
from digest_pipeline.synth import synthesize
from digest_pipeline.timeline.cluster import TimelineConfig, placement_version
from digest_pipeline.timeline.features import text_key
from digest_pipeline.warehouse.post_tables import parsed_table_frames
from digest_pipeline.warehouse.schema import apply_schema
from digest_pipeline.warehouse.timeline_tables import (
    _EVENT_COLUMNS,
    _event,
    replay_mismatches,
    update_timeline,
)

CONFIG = TimelineConfig(window_days=10)


@pytest.fixture(scope="module")
def events(tmp_path_factory: pytest.TempPathFactory) -> pl.DataFrame:
    folder = tmp_path_factory.mktemp("posts")
    synthesize(6 * 40, folder, models=6, seed=11)
    versions = [(p.name, "0" * 64, p.read_bytes().decode("utf-8-sig")) for p in folder.glob("*.md")]
    return parsed_table_frames(versions)["events"].sort("post_date", "model", "position")


def load_days(con, events: pl.DataFrame, first: dt.date, last: dt.date) -> None:
    """What post-date rebuilds do: replace those dates' items, note the dates for the timeline."""
    batch = events.filter(pl.col("post_date").is_between(first, last))
    con.register("batch", batch)
    con.execute("DELETE FROM events WHERE post_date BETWEEN $a AND $b", {"a": first, "b": last})
    con.execute("INSERT INTO events BY NAME SELECT * FROM batch")
    con.execute("INSERT INTO pipeline.timeline_pending SELECT DISTINCT post_date FROM batch")
    con.unregister("batch")


def stories(con) -> dict[str, str]:
    return dict(con.execute("SELECT event_id, story_id FROM story_events").fetchall())


def stored(con) -> list[tuple]:
    return con.execute(
        "SELECT min(post_date), count(*), count(DISTINCT placed_with) FROM pipeline.event_features"
    ).fetchall()


def test_a_daily_run_reads_the_window_back_and_places_as_a_run_that_computed_it(
    con, events, monkeypatch, stand_in_embeddings
) -> None:
    days = events["post_date"].unique().sort().to_list()
    load_days(con, events, days[0], days[-2])
    first = update_timeline(con, CONFIG)
    assert first.features_reused == 0
    headlines = events.filter(pl.col("post_date") <= days[-2])["headline"].n_unique()
    assert first.headlines_embedded == headlines  # each distinct headline once, then stored
    kept_from = days[-2] - dt.timedelta(days=CONFIG.window_days + feature_store.EXTRA_DAYS_KEPT)
    assert stored(con) == [
        (kept_from, events.filter(pl.col("post_date").is_between(kept_from, days[-2])).height, 1)
    ]
    load_days(con, events, days[-1], days[-1])
    embedded_before = stand_in_embeddings.computed
    daily = update_timeline(con, CONFIG)
    window = events.filter(pl.col("post_date").is_between(days[-1] - dt.timedelta(days=10), days[-2])).height
    assert daily.features_reused == window
    new_headlines = set(events.filter(pl.col("post_date") == days[-1])["headline"]) - set(
        events.filter(pl.col("post_date") < days[-1])["headline"]
    )
    assert daily.headlines_embedded == stand_in_embeddings.computed - embedded_before == len(new_headlines)
    assert daily.embeddings_reused >= window  # the window's embeddings read back from the warehouse
    with_store = stories(con)
    assert replay_mismatches(con, CONFIG, last_days=12) == []

    # The same two runs, every feature computed: the same stories.
    other = duckdb.connect()
    apply_schema(other)
    monkeypatch.setattr(feature_store.FeatureStore, "_kept", lambda self, event: (text_key(event), None))
    load_days(other, events, days[0], days[-2])
    update_timeline(other, CONFIG)
    load_days(other, events, days[-1], days[-1])
    assert update_timeline(other, CONFIG).features_reused == 0
    assert stories(other) == with_store


def window_events(con, since: dt.date) -> list:
    rows = con.execute(
        f"SELECT {_EVENT_COLUMNS} FROM events e WHERE post_date >= $d ORDER BY post_date, model, position",
        {"d": since},
    ).fetchall()
    return [_event(row) for row in rows]


def test_changed_words_another_version_and_replayed_days_are_computed(
    con, events, stand_in_embeddings
) -> None:
    days = events["post_date"].unique().sort().to_list()[:20]
    load_days(con, events, days[0], days[-1])
    update_timeline(con, CONFIG)
    version = placement_version(CONFIG)
    items = window_events(con, days[-3])
    rewritten = items[0].event_id
    con.execute("UPDATE events SET body = body || ' 補充報導。' WHERE event_id = $e", {"e": rewritten})
    items = window_events(con, days[-3])

    store = feature_store.FeatureStore(con, version, keep_from=None)
    assert len(list(store.features(items))) == len(items)
    assert store.reused == len(items) - 1  # all but the rewritten item
    replay = feature_store.FeatureStore(con, version, keep_from=None, fresh_from=days[-1])
    list(replay.features(items))
    assert replay.reused == sum(item.post_date < days[-1] for item in items) - 1
    assert feature_store.FeatureStore(con, "another version", keep_from=None).stored == {}

    con.execute("UPDATE pipeline.event_features SET placed_with = 'v0' WHERE event_id = $e", {"e": rewritten})
    feature_store.FeatureStore(con, version, keep_from=days[0]).save()  # nothing computed: it only forgets
    kept_as = store.version
    assert con.execute("SELECT DISTINCT placed_with FROM pipeline.event_features").fetchall() == [(kept_as,)]
    # Features stored before they held the item's entities (the placement version alone) are not read.
    con.execute("UPDATE pipeline.event_features SET placed_with = $v", {"v": version})
    assert feature_store.FeatureStore(con, version, keep_from=None).stored == {}


def test_features_read_once_are_remembered_for_the_next_store_of_the_process(
    con, events, monkeypatch
) -> None:
    """The replay check after a placing run (one process) decodes nothing the placing run had."""
    monkeypatch.setattr(feature_store, "_remembered", feature_store._Remembered(10_000))
    days = events["post_date"].unique().sort().to_list()[:20]
    load_days(con, events, days[0], days[-1])
    update_timeline(con, CONFIG)  # computes every item, remembers the kept days'
    version = placement_version(CONFIG)
    items = window_events(con, days[-3])
    decoded = feature_store.FeatureStore(con, version, keep_from=None)
    expected = [feature_store.features_from_json(decoded.stored[item.event_id][1], item) for item in items]

    calls = []
    real = feature_store.features_from_json
    monkeypatch.setattr(
        feature_store, "features_from_json", lambda text, event: calls.append(1) or real(text, event)
    )
    store = feature_store.FeatureStore(con, version, keep_from=None)
    assert list(store.features(items)) == expected
    assert store.reused == len(items) and calls == []

    # Rewritten words: the stored row no longer matches, so nothing remembered is used for it.
    con.execute(
        "UPDATE events SET body = body || ' 補充報導。' WHERE event_id = $e", {"e": items[0].event_id}
    )
    items = window_events(con, days[-3])
    again = list(feature_store.FeatureStore(con, version, keep_from=None).features(items))
    assert again[0].event == items[0] and again[0] != expected[0]


def test_remembered_features_are_bounded() -> None:
    remembered = feature_store._Remembered(2)
    event = feature_store.TimelineEvent("a#1", dt.date(2026, 1, 1), "m", 1, "h", "b")
    features = feature_store.event_features_many([event])
    first = next(features)
    for key in ("k1", "k2", "k3"):
        remembered.put("v", key, first)
    assert remembered.get("v", "k1", event) is None
    assert remembered.get("v", "k3", event) is first
    other = dataclasses.replace(event, event_id="b#1")
    assert remembered.get("v", "k2", other).event is other


def test_story_descriptions_read_remembered_words(monkeypatch) -> None:
    """The touched stories' members mostly sit in the window the placing just read: their words are
    taken from memory, under any version, and only the others are read again."""
    from digest_pipeline.timeline.stories import representative

    monkeypatch.setattr(feature_store, "_remembered", feature_store._Remembered(100))
    day = dt.date(2026, 1, 5)
    known = feature_store.TimelineEvent(
        "q-2026-01-05#1", day, "q", 1, "Qwen3 開源", "阿里開源 Qwen3 全系列。"
    )
    other = feature_store.TimelineEvent(
        "q-2026-01-06#1", day, "q", 2, "Qwen3 下載破百萬", "Qwen3 下載量破百萬。"
    )
    remembered = next(feature_store.event_features_many([known]))
    feature_store._remembered.put("an older version", feature_store.text_key(known), remembered)

    computed = []
    real = feature_store.event_text_features
    monkeypatch.setattr(feature_store, "event_text_features", lambda e: computed.append(e) or real(e))
    assert feature_store.text_features(known) is remembered
    assert feature_store.text_features(other).terms == real(other).terms
    assert computed == [other]
    assert representative([known, other], feature_store.text_features) == representative([known, other])


def test_every_item_is_placed_when_embeddings_are_read_while_the_items_stream(
    con, events, monkeypatch, stand_in_embeddings
) -> None:
    """The embedding store reads the warehouse between two batches of the item stream: on the
    stream's own connection, that query would end the stream, and the items after the first
    batch would silently go unplaced."""
    import digest_pipeline.parallel as parallel
    import digest_pipeline.timeline.features as features
    import digest_pipeline.warehouse.timeline_tables as timeline_tables

    # Small batches, and features read a chunk at a time in this process (as a build of more than
    # 4,000 items reads them, chunks ahead), so placing starts before the stream has ended.
    monkeypatch.setattr(timeline_tables, "STREAM_BATCH", 50)
    monkeypatch.setattr(timeline_tables, "EMBEDDINGS_FLUSHED_EVERY", 100)  # writes while it streams too
    monkeypatch.setattr(features, "PARALLEL_MIN_ITEMS", 100)
    monkeypatch.setattr(parallel, "usable_cores", lambda: 1)
    days = events["post_date"].unique().sort().to_list()
    load_days(con, events, days[0], days[-1])
    update = update_timeline(con, CONFIG)
    assert update.events_placed == events.height > 50
    assert len(stories(con)) == events.height
    distinct = events["headline"].n_unique()
    assert update.headlines_embedded == distinct > 100
    assert con.execute("SELECT count(*) FROM pipeline.headline_embeddings").fetchall() == [(distinct,)]
