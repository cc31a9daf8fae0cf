"""The story tables on a scratch DuckDB: incremental placement, stable ids, aliases, summaries."""

import datetime as dt

import duckdb
import polars as pl

from digest_pipeline.timeline.cluster import TimelineConfig, story_id_for
from digest_pipeline.timeline.features import TimelineEvent
from digest_pipeline.timeline.scoring import ScoringConfig
from digest_pipeline.trends.entities import item_entities
from digest_pipeline.warehouse import timeline_tables
from digest_pipeline.warehouse.integrity import miscounted_stories, placement_problems
from digest_pipeline.warehouse.schema import apply_schema
from digest_pipeline.warehouse.timeline_tables import (
    days_last_placed,
    earliest_change,
    last_placed_from,
    replay_mismatches,
    update_timeline,
)
from tests.timeline.scenarios import DEAL_BRIDGE, DEAL_SIDE_A, DEAL_SIDE_B, UNRELATED

NOW = dt.datetime(2026, 1, 1, 6, 0)

# (event_id, headline, body, outlets); the post date and model come from the id.
DAY_1 = [
    (
        "gpt-2025-12-01#1",
        "OpenAI 發布 GPT-5.2，推理能力大幅提升",
        "OpenAI 宣佈推出 GPT‑5.2 旗艦模型，長文推理與程式能力提升。",
        ["Reuters"],
    ),
    (
        "gpt-2025-12-01#2",
        "OpenAI 與 Disney 簽署授權合作",
        "迪士尼授權角色給 Sora 使用，並投資 OpenAI。",
        ["The Verge", "CNBC"],
    ),
    ("gpt-2025-12-01#3", "ChatGPT 推出群組聊天功能", "多人可在同一對話中協作。", []),
]
DAY_4 = [
    (
        "gpt-2025-12-04#1",
        "GPT-5.2-Codex 上線，專攻程式代理",
        "以 GPT-5.2 為基礎的 GPT-5.2-Codex 開放給開發者，詳見 https://openai.com/index/codex。",
        [],
    ),
    (
        "gpt-2025-12-04#2",
        "GPT‑5.2 評測：推理分數領先",
        "第三方評測顯示 GPT-5.2 在長文推理基準領先，OpenAI 旗艦模型表現亮眼。",
        ["Reuters"],
    ),
    (
        "gpt-2025-12-04#3",
        "Disney 入股 OpenAI，角色授權 Sora",
        "Disney 投資 OpenAI 十億美元，並授權旗下角色於 Sora 影片生成。",
        ["CNBC"],
    ),
]
DAY_9 = [
    (
        "gemini-2025-12-09#1",
        "Disney 與 OpenAI 合作細節曝光",
        "迪士尼角色將登上 Sora，Disney 持股 OpenAI。",
        [],
    ),
    ("gemini-2025-12-09#2", "Google 推出 Gemini 3 Flash", "更快更便宜的 Gemini 3 Flash 上線。", []),
]


def add(con, items):
    """Items as (event_id, headline, body, outlets[, cited source ids]); each post cites s1-s3."""
    for event_id, headline, body, outlets, *cited in items:
        post_id, position = event_id.split("#")
        model, date = post_id.split("-", 1)
        con.execute(
            "INSERT OR REPLACE INTO events BY NAME SELECT ? AS event_id, ? AS post_id, ? AS model, "
            "? AS post_date, ? AS position, ? AS headline, ? AS body, ?::VARCHAR[] AS outlets, "
            "'numbered' AS list_style, ?::VARCHAR[] AS cited_source_ids",
            [
                event_id,
                post_id,
                model,
                dt.date.fromisoformat(date),
                int(position),
                headline,
                body,
                outlets,
                cited[0] if cited else [],
            ],
        )
        # What the post-date rebuild does with each date it writes.
        con.execute("INSERT INTO pipeline.timeline_pending VALUES (?)", [dt.date.fromisoformat(date)])
    for post_id in {item[0].split("#")[0] for item in items}:
        for n, url in enumerate(
            ["https://www.reuters.com/a", "https://www.theverge.com/b", "https://example.org/c"], 1
        ):
            con.execute(
                "INSERT INTO post_sources (post_id, position, source_id, title, url, raw_url, domain, host,"
                " url_problems, post_date) VALUES (?, ?, ?, 't', ?, ?, ?, 'h', [], ?) ON CONFLICT DO NOTHING",
                [
                    post_id,
                    n,
                    f"s{n}",
                    url,
                    url,
                    url.split("/")[2].removeprefix("www."),
                    dt.date.fromisoformat(post_id.split("-", 1)[1]),
                ],
            )


def placements(con) -> dict[str, str]:
    return dict(con.execute("SELECT event_id, story_id FROM story_events").fetchall())


def test_first_build_places_every_event_once_with_summaries(con):
    add(con, DAY_1 + DAY_4)
    update = update_timeline(con, now=NOW)
    assert update.replayed_from == dt.date(2025, 12, 1)
    assert update.events_placed == 6
    story = placements(con)
    assert len(story) == 6
    assert story["gpt-2025-12-01#2"] == story["gpt-2025-12-04#3"]
    row = con.execute(
        "SELECT first_seen, last_seen, days_seen, mention_count, post_count, models, outlets, "
        "source_domains, founding_event_id FROM stories WHERE story_id = ?",
        [story["gpt-2025-12-01#2"]],
    ).fetchall()[0]
    assert row == (
        dt.date(2025, 12, 1),
        dt.date(2025, 12, 4),
        2,
        2,
        2,
        ["gpt"],
        ["CNBC", "The Verge"],
        ["theverge.com"],
        "gpt-2025-12-01#2",
    )
    codex = con.execute(
        "SELECT source_domains FROM stories WHERE story_id = ?", [story["gpt-2025-12-04#1"]]
    ).fetchall()[0][0]
    assert codex == ["openai.com"]  # a link inside the item
    timeline = con.execute(
        "SELECT post_date, mentions, models FROM story_timeline WHERE story_id = ? ORDER BY post_date",
        [story["gpt-2025-12-01#2"]],
    ).fetchall()
    assert timeline == [(dt.date(2025, 12, 1), 1, ["gpt"]), (dt.date(2025, 12, 4), 1, ["gpt"])]
    assert replay_mismatches(con) == []


def test_nothing_changed_means_nothing_to_do(con):
    add(con, DAY_1)
    update_timeline(con, now=NOW)
    assert earliest_change(con) is None
    assert update_timeline(con, now=NOW).replayed_from is None


def test_a_date_rebuilt_with_the_same_items_replays_nothing_and_only_noted_dates_are_compared(con):
    add(con, DAY_1 + DAY_4)
    update_timeline(con, now=NOW)
    assert con.execute("SELECT count(*) FROM pipeline.timeline_pending").fetchall() == [(0,)]
    add(con, DAY_4)  # the date rebuilt, its items unchanged
    assert earliest_change(con) is None
    # An item changed behind the pipeline's back, on a date no rebuild noted, is not looked at:
    # the daily run compares the noted dates' items, not the whole history's.
    con.execute("UPDATE events SET headline = 'x' WHERE event_id = 'gpt-2025-12-01#1'")
    assert earliest_change(con) is None
    con.execute("INSERT INTO pipeline.timeline_pending VALUES ('2025-12-01')")
    assert earliest_change(con) == dt.date(2025, 12, 1)
    assert update_timeline(con, now=NOW).replayed_from == dt.date(2025, 12, 1)
    assert con.execute("SELECT count(*) FROM pipeline.timeline_pending").fetchall() == [(0,)]


def test_other_timeline_settings_place_everything_again_so_a_replay_agrees(con):
    add(con, DAY_1 + DAY_4 + DAY_9)
    update_timeline(con, now=NOW)
    stricter = TimelineConfig(scoring=ScoringConfig(join_threshold=0.9))
    assert replay_mismatches(con, stricter)  # the stored ids are not what the new settings give

    update = update_timeline(con, stricter, now=NOW)

    assert update.code_changed and update.replayed_from == dt.date(2025, 12, 1)
    assert update.events_placed == 8
    assert replay_mismatches(con, stricter) == []
    assert update_timeline(con, stricter, now=NOW).replayed_from is None  # and then only what changes


def test_placements_of_unknown_version_are_placed_again_once(con):
    add(con, DAY_1 + DAY_4)
    update_timeline(con, now=NOW)
    before = placements(con)
    con.execute("DELETE FROM pipeline.timeline_state")  # a warehouse from before versions were kept

    update = update_timeline(con, now=NOW)

    assert update.code_changed and update.replayed_from == dt.date(2025, 12, 1)
    assert placements(con) == before  # same code, same ids
    assert update_timeline(con, now=NOW).replayed_from is None


def test_a_later_day_is_placed_alone_and_renames_nothing(con):
    add(con, DAY_1 + DAY_4)
    update_timeline(con, now=NOW)
    before = placements(con)
    add(con, DAY_9)
    update = update_timeline(con, now=NOW)
    assert update.replayed_from == dt.date(2025, 12, 9)
    assert update.events_placed == 2
    after = placements(con)
    assert {k: after[k] for k in before} == before
    assert after["gemini-2025-12-09#1"] == before["gpt-2025-12-01#2"]
    models = con.execute(
        "SELECT models FROM stories WHERE story_id = ?", [before["gpt-2025-12-01#2"]]
    ).fetchall()
    assert models == [(["gemini", "gpt"],)]
    assert replay_mismatches(con) == []


def test_a_back_filled_earlier_day_replays_from_there_and_equals_a_fresh_build(con):
    add(con, DAY_1 + DAY_9)
    update_timeline(con, now=NOW)
    add(con, DAY_4)
    assert update_timeline(con, now=NOW).replayed_from == dt.date(2025, 12, 4)
    assert replay_mismatches(con) == []
    fresh = duckdb.connect()
    apply_schema(fresh)
    add(fresh, DAY_1 + DAY_4 + DAY_9)
    update_timeline(fresh, now=NOW)
    assert placements(fresh) == placements(con)


def test_a_republished_founder_leaves_an_alias_to_its_heir(con):
    add(con, DAY_1 + DAY_4)
    update_timeline(con, now=NOW)
    old_id = placements(con)["gpt-2025-12-01#2"]
    # The first post is re-published without the Disney item: its story is refounded by the later report.
    con.execute("DELETE FROM events WHERE event_id = 'gpt-2025-12-01#2'")
    con.execute("INSERT INTO pipeline.timeline_pending VALUES ('2025-12-01')")  # as the rebuild notes it
    update = update_timeline(con, now=NOW)
    assert update.replayed_from == dt.date(2025, 12, 1)
    heir = placements(con)["gpt-2025-12-04#3"]
    assert heir != old_id
    assert con.execute("SELECT alias_id, story_id, reason FROM story_aliases").fetchall() == [
        (old_id, heir, "refounded")
    ]
    # Re-published back: the old id lives again and is no longer an alias.
    add(con, [DAY_1[1]])
    update_timeline(con, now=NOW)
    assert placements(con)["gpt-2025-12-04#3"] == old_id
    assert con.execute("SELECT count(*) FROM story_aliases").fetchall() == [(1,)]
    assert con.execute("SELECT alias_id FROM story_aliases").fetchall() == [(heir,)]


def test_a_withdrawn_story_is_kept_as_an_alias_to_nothing(con):
    add(con, DAY_1)
    update_timeline(con, now=NOW)
    chat = placements(con)["gpt-2025-12-01#3"]
    con.execute("DELETE FROM events WHERE event_id = 'gpt-2025-12-01#3'")
    con.execute("INSERT INTO pipeline.timeline_pending VALUES ('2025-12-01')")  # as the rebuild notes it
    update_timeline(con, now=NOW)
    assert con.execute("SELECT alias_id, story_id, reason FROM story_aliases").fetchall() == [
        (chat, None, "withdrawn")
    ]
    assert con.execute("SELECT count(*) FROM stories WHERE story_id = ?", [chat]).fetchall() == [(0,)]


def entities(con) -> dict[str, list[str]]:
    rows = con.execute("SELECT event_id, list(entity_key ORDER BY position) FROM event_entities GROUP BY 1")
    return dict(rows.fetchall())


def expected_entities(con) -> dict[str, list[str]]:
    items = con.execute("SELECT event_id, headline, body, outlets FROM events").fetchall()
    names = {event_id: item_entities(headline, body, outlets) for event_id, headline, body, outlets in items}
    return {event_id: keys for event_id, keys in names.items() if keys}


def test_the_names_items_mention_follow_their_placements(con, monkeypatch):
    monkeypatch.setattr(timeline_tables._PlacedEntities, "BATCH_ROWS", 3)  # kept a few rows at a time
    add(con, DAY_1)
    update_timeline(con, now=NOW)
    assert entities(con) == expected_entities(con)
    assert entities(con)["gpt-2025-12-01#1"] == ["openai", "gpt-5.2"]
    add(con, DAY_4)  # a later day: its items' names join the earlier days'
    update_timeline(con, now=NOW)
    assert entities(con) == expected_entities(con) and "gpt-2025-12-04#1" in entities(con)
    add(con, [("gpt-2025-12-04#3", "ChatGPT 群組聊天開放全球", "ChatGPT 群組聊天開放。", [])])  # re-published
    con.execute("DELETE FROM events WHERE event_id = 'gpt-2025-12-01#2'")  # withdrawn
    con.execute("INSERT INTO pipeline.timeline_pending VALUES ('2025-12-01')")
    update_timeline(con, now=NOW)
    assert entities(con) == expected_entities(con)
    assert entities(con)["gpt-2025-12-04#3"] == ["chatgpt"] and "gpt-2025-12-01#2" not in entities(con)
    add(con, DAY_4)  # the date rebuilt with its first items again, nothing else noted: only it is replayed
    update_timeline(con, now=NOW)
    assert entities(con) == expected_entities(con)


def test_a_changed_item_is_placed_again(con):
    add(con, DAY_1 + DAY_4)
    update_timeline(con, now=NOW)
    # Re-published with other words: the 12-04 Disney item now reports the ChatGPT feature.
    add(
        con,
        [
            (
                "gpt-2025-12-04#3",
                "ChatGPT 群組聊天開放全球",
                "ChatGPT 群組聊天功能開放，多人可在同一對話中協作。",
                [],
            )
        ],
    )
    assert earliest_change(con) == dt.date(2025, 12, 4)
    update_timeline(con, now=NOW)
    story = placements(con)
    assert story["gpt-2025-12-04#3"] == story["gpt-2025-12-01#3"]
    assert con.execute(
        "SELECT mention_count FROM stories WHERE story_id = ?", [story["gpt-2025-12-01#2"]]
    ).fetchall() == [(1,)]
    assert replay_mismatches(con) == []


def test_a_merge_moves_members_outside_the_window_and_records_the_alias(con):
    a, b, bridge = (
        (eid, headline, body, []) for eid, _, headline, body in (DEAL_SIDE_A, DEAL_SIDE_B, DEAL_BRIDGE)
    )
    others = [(eid, headline, body, []) for eid, _, headline, body in UNRELATED]
    config = TimelineConfig(scoring=ScoringConfig(join_threshold=0.3, merge_threshold=0.3))
    add(con, [a, b, *others[:6]])
    update_timeline(con, config, now=NOW)
    before = placements(con)
    assert before[a[0]] != before[b[0]]
    add(con, [bridge, *others[6:]])
    update = update_timeline(con, config, now=NOW)
    assert update.merges == 1
    after = placements(con)
    assert after[a[0]] == after[b[0]] == after[bridge[0]] == before[a[0]]
    assert con.execute("SELECT alias_id, story_id, reason FROM story_aliases").fetchall() == [
        (before[b[0]], before[a[0]], "merged")
    ]
    assert con.execute("SELECT count(*) FROM stories WHERE story_id = ?", [before[b[0]]]).fetchall() == [(0,)]
    assert replay_mismatches(con, config) == []


def test_replay_of_the_latest_days_matches_and_catches_a_moved_item(con):
    add(con, DAY_1 + DAY_4 + DAY_9)
    update_timeline(con, now=NOW)
    assert replay_mismatches(con, last_days=6) == []
    assert replay_mismatches(con, last_days=0) == []
    con.execute(
        "UPDATE story_events SET story_id = 'S20251201-00000000' WHERE event_id = 'gemini-2025-12-09#2'"
    )
    founded = story_id_for(TimelineEvent("gemini-2025-12-09#2", dt.date(2025, 12, 9), "gemini", 2, "", ""))
    assert replay_mismatches(con, last_days=6) == [
        f"gemini-2025-12-09#2: stored S20251201-00000000, replay {founded}"
    ]
    con.execute("UPDATE story_events SET story_id = 'S20251201-00000000' WHERE event_id = 'gpt-2025-12-01#3'")
    assert len(replay_mismatches(con, last_days=6)) == 1  # outside the replayed days
    assert len(replay_mismatches(con)) == 2  # a full replay sees both


def test_the_days_the_last_run_placed_are_recorded_for_the_replay_check(con):
    assert days_last_placed(con) is None  # nothing placed yet
    add(con, DAY_1 + DAY_4)
    update_timeline(con, now=NOW)
    assert days_last_placed(con) == 4  # a first build: 12-01 .. 12-04
    update_timeline(con, now=NOW)
    assert days_last_placed(con) == 1  # nothing placed: the latest day, not the build's days again
    add(con, DAY_9[:1])
    update_timeline(con, now=NOW)
    assert days_last_placed(con) == 1  # a daily run: the new day only
    add(con, DAY_9[1:])
    update_timeline(con, now=NOW)
    assert days_last_placed(con) == 1
    add(con, [(DAY_4[2][0], "Disney 入股 OpenAI 細節", DAY_4[2][2], [])])  # 12-04 re-published
    update_timeline(con, now=NOW)
    assert days_last_placed(con) == 6  # 12-04 .. 12-09
    assert replay_mismatches(con, last_days=days_last_placed(con)) == []


def test_a_replay_from_stored_state_sees_stories_as_they_stood_not_as_later_merges_left_them(
    con, tmp_path, stand_in_embeddings
):
    """Synthetic digests with merges, built in three runs; replays from several days all agree.

    Stored story ids include merges made later; a replay that took them as
    its history would place the replayed items differently from the runs.
    """
    from digest_pipeline.synth import synthesize
    from digest_pipeline.warehouse.post_tables import parsed_table_frames

    synthesize(20 * 24, tmp_path / "posts", models=20, seed=5)
    versions = [
        (p.name, "0" * 64, p.read_bytes().decode("utf-8-sig")) for p in (tmp_path / "posts").glob("*.md")
    ]
    events = parsed_table_frames(versions)["events"].sort("post_date", "model", "position")
    days = events["post_date"].unique().sort().to_list()
    for upto in (days[7], days[15], days[-1]):
        batch = events.filter(pl.col("post_date").is_between(upto - dt.timedelta(days=7), upto))
        con.register("batch", batch)
        con.execute("INSERT INTO events BY NAME SELECT * FROM batch")
        con.execute("INSERT INTO pipeline.timeline_pending SELECT DISTINCT post_date FROM batch")
        con.unregister("batch")
        update_timeline(con, TimelineConfig(window_days=10))
    merges = con.execute("SELECT count(*) FROM story_aliases WHERE merged_on IS NOT NULL").fetchall()[0][0]
    assert merges > 0
    for last_days in (4, 12, 20):
        assert replay_mismatches(con, TimelineConfig(window_days=10), last_days=last_days) == []


def _described_twice(con, monkeypatch, **settings) -> tuple[list, list]:
    """The `stories` rows of a first build, then of the same build with these module settings changed."""
    import digest_pipeline.warehouse.timeline_tables as timeline_tables

    add(con, DAY_1 + DAY_4)
    update_timeline(con, now=NOW)
    first = con.execute("SELECT * FROM stories ORDER BY story_id").fetchall()
    con.execute("DELETE FROM story_events; DELETE FROM stories; DELETE FROM story_timeline")
    for name, value in settings.items():
        monkeypatch.setattr(timeline_tables, name, value)
    update_timeline(con, now=NOW)
    return first, con.execute("SELECT * FROM stories ORDER BY story_id").fetchall()


def test_stories_described_a_few_items_at_a_time_equal_one_batch(con, monkeypatch):
    whole, batched = _described_twice(con, monkeypatch, STORY_BATCH_ITEMS=1)
    assert batched == whole
    assert len(whole) >= 3


def test_stories_described_on_worker_processes_equal_in_process(con, monkeypatch):
    """A full build describes its stories on every core; the rows must be those described here."""
    import digest_pipeline.warehouse.timeline_tables as timeline_tables

    calls = []
    real = timeline_tables.map_chunks

    def on_two_workers(work, items, chunk_size, parallel_from, workers=None):
        calls.append((chunk_size, parallel_from, workers))
        return real(work, items, chunk_size, parallel_from, workers=2)

    here, on_workers = _described_twice(
        con, monkeypatch, PARALLEL_MIN_STORIES=1, DESCRIBE_CHUNK_STORIES=1, map_chunks=on_two_workers
    )
    assert calls == [(1, 1, None)]
    assert on_workers == here
    assert len(here) >= 3


def test_a_daily_placement_notes_what_its_story_checks_must_read(con):
    add(con, DAY_1 + DAY_4)
    update_timeline(con, now=NOW)
    add(con, DAY_9)
    update_timeline(con, now=NOW)
    since = last_placed_from(con)
    assert since == dt.date(2025, 12, 9)
    day_9_stories = {placements(con)[event_id] for event_id, *_ in DAY_9}
    refreshed = {row[0] for row in con.execute("SELECT story_id FROM pipeline.stories_refreshed").fetchall()}
    assert refreshed == day_9_stories  # joined or founded by day 9's items
    assert not any(placement_problems(con).values()) and not any(placement_problems(con, since).values())
    assert miscounted_stories(con) == miscounted_stories(con, only_refreshed=True) == 0

    # Counts: a story the run did not rewrite is the whole check's business only.
    untouched = con.execute(
        "SELECT story_id FROM stories WHERE story_id NOT IN "
        "(SELECT story_id FROM pipeline.stories_refreshed) ORDER BY 1 LIMIT 1"
    ).fetchall()[0][0]
    con.execute("UPDATE stories SET mention_count = mention_count + 5 WHERE story_id = ?", [untouched])
    assert miscounted_stories(con) >= 1 and miscounted_stories(con, only_refreshed=True) == 0
    touched = sorted(refreshed)[0]
    con.execute("UPDATE stories SET mention_count = mention_count + 5 WHERE story_id = ?", [touched])
    assert miscounted_stories(con, only_refreshed=True) == 1
    con.execute(
        "UPDATE stories SET mention_count = mention_count - 5 WHERE story_id IN (?, ?)", [untouched, touched]
    )

    # A placement lost before `since` is the last run's business only through a retired id.
    con.execute("DELETE FROM story_events WHERE event_id = 'gpt-2025-12-01#3'")
    assert placement_problems(con)["events_without_story"] == 1
    assert placement_problems(con, since)["events_without_story"] == 0
    con.execute("DELETE FROM story_events WHERE event_id = 'gemini-2025-12-09#2'")
    assert placement_problems(con, since)["events_without_story"] == 1

    # A placement before `since` pointing at a missing story: the scoped check sees it once the id
    # is retired (a run retires every id it drops through story_aliases).
    (old,) = con.execute("SELECT story_id FROM story_events WHERE event_id = 'gpt-2025-12-01#1'").fetchall()[
        0
    ]
    con.execute("DELETE FROM stories WHERE story_id = ?", [old])
    assert placement_problems(con)["placements_in_missing_stories"] >= 1
    assert placement_problems(con, since)["placements_in_missing_stories"] == 0
    con.execute(
        "INSERT INTO story_aliases (alias_id, story_id, reason, recorded_at) "
        "VALUES (?, NULL, 'withdrawn', ?)",
        [old, NOW],
    )
    assert placement_problems(con, since)["placements_in_missing_stories"] >= 1


def test_a_run_with_nothing_to_place_rewrote_no_story(con):
    add(con, DAY_1)
    update_timeline(con, now=NOW)
    assert con.execute("SELECT count(*) FROM pipeline.stories_refreshed").fetchall()[0][0] > 0
    update_timeline(con, now=NOW)
    assert con.execute("SELECT count(*) FROM pipeline.stories_refreshed").fetchall()[0][0] == 0


def test_describing_the_stories_runs_the_cycle_collector_rarely_too(con, monkeypatch):
    """The whole update, not only the placing, runs with the collector's raised thresholds (`collector`)."""
    import gc

    from digest_pipeline.collector import RARE_THRESHOLDS

    seen = []
    describe = timeline_tables._refresh_stories

    def watched(*args):
        seen.append(gc.get_threshold())
        return describe(*args)

    monkeypatch.setattr(timeline_tables, "_refresh_stories", watched)
    before = gc.get_threshold()
    add(con, DAY_1)
    update_timeline(con, now=NOW)
    assert seen == [RARE_THRESHOLDS]
    assert gc.get_threshold() == before


def test_a_story_is_behind_the_domains_its_items_cite(con):
    """The sources an item reports (`events.cited_source_ids`) give the story their domains, with no
    outlet named."""
    first = ("gpt-2025-12-01#1", "ChatGPT 推出群組聊天功能", "多人可在同一對話中協作。", [], ["s3"])
    add(con, [first])
    update_timeline(con, now=NOW)
    story = placements(con)["gpt-2025-12-01#1"]
    domains = con.execute("SELECT source_domains FROM stories WHERE story_id = ?", [story]).fetchall()
    assert domains == [(["example.org"],)]
    row = con.execute("SELECT cited_source_ids FROM events WHERE event_id = 'gpt-2025-12-01#1'").fetchall()
    assert row == [(["s3"],)]
