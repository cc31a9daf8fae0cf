"""Trend arithmetic on small hand-made warehouses: ties, empty periods, disappearing keys, the rules."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from digest_pipeline.trends.rules import is_rising
from digest_pipeline.warehouse.schema import TREND_TABLES, duplicate_keys
from digest_pipeline.warehouse.trend_tables import (
    COUNTS,
    GAPS,
    KEYS,
    SHARES,
    TAILS,
    TREND_QUERIES,
    last_refresh,
    negative_counts,
    refresh_trends,
    rewritten_rows,
    series_gaps,
    share_violations,
    story_activity_by_day,
    top_tags_by_week,
)


@dataclass
class Item:
    story: str
    names: tuple[str, ...] = ()


@dataclass
class Post:
    model: str
    day: str
    tags: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    items: tuple[Item, ...] = field(default_factory=tuple)


def load(con, posts: list[Post]) -> None:
    """Write the few columns the trends read; stories and their timeline follow from the items."""
    for p in posts:
        pid = f"{p.model}-{p.day}"
        con.execute(
            "INSERT INTO posts (post_id, model, post_date, source_file, content_sha256, identity_source, "
            "item_count, source_count, key_point_count, has_news_section) "
            "VALUES (?, ?, ?, 'f', 'sha', 'front_matter', ?, ?, 0, true)",
            [pid, p.model, p.day, len(p.items), len(p.domains)],
        )
        for n, tag in enumerate(p.tags, start=1):
            con.execute("INSERT INTO post_tags VALUES (?, ?, ?, ?)", [pid, n, tag, tag.lower()])
        for n, domain in enumerate(p.domains, start=1):
            con.execute(
                "INSERT INTO post_sources (post_id, position, source_id, post_date, title, raw_url, url, "
                "domain, host, url_problems) VALUES (?, ?, ?, ?, '', '', '', ?, '', [])",
                [pid, n, f"{pid}/{n}", p.day, domain],
            )
        for n, item in enumerate(p.items, start=1):
            eid = f"{pid}#{n}"
            con.execute(
                "INSERT INTO events (event_id, post_id, model, post_date, position, headline, body, outlets, "
                "list_style) VALUES (?, ?, ?, ?, ?, 'h', 'b', [], 'numbered')",
                [eid, pid, p.model, p.day, n],
            )
            con.execute(
                "INSERT INTO story_events (event_id, story_id, post_date, model, fingerprint) "
                "VALUES (?, ?, ?, ?, 'x')",
                [eid, item.story, p.day, p.model],
            )
            for k, name in enumerate(item.names, start=1):
                con.execute(
                    "INSERT INTO event_entities VALUES (?, ?, ?, ?, ?)", [eid, k, name, p.day, p.model]
                )
    con.execute(
        """
        INSERT INTO story_timeline
        SELECT story_id, post_date, count(*), list(DISTINCT model ORDER BY model)
        FROM story_events GROUP BY ALL
        """
    )
    con.execute(
        """
        INSERT INTO stories (story_id, headline, first_seen, last_seen, days_seen, mention_count, post_count,
                             models, outlets, source_domains, founding_event_id, representative_event_id)
        SELECT story_id, 'headline of ' || story_id, min(post_date), max(post_date),
               count(DISTINCT post_date), count(*), count(DISTINCT model || post_date),
               list(DISTINCT model ORDER BY model), [], [],
               min(event_id), min(event_id)
        FROM story_events GROUP BY story_id
        """
    )


def rows(con, sql: str) -> list[tuple]:
    return con.execute(sql).fetchall()


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def test_every_trend_table_has_its_query() -> None:
    assert tuple(TREND_QUERIES) == TREND_TABLES
    assert set(COUNTS) == set(KEYS) == set(TREND_TABLES)


def test_empty_warehouse_gives_empty_trends(con) -> None:
    assert refresh_trends(con) == {table: 0 for table in TREND_TABLES}
    assert top_tags_by_week(con) == ([], [])
    assert story_activity_by_day(con) == ([], {"new": [], "continuing": [], "ended": []})


def test_tag_shares_ranks_ties_and_a_tag_that_disappears(con) -> None:
    load(
        con,
        [
            Post("gpt", "2026-01-05", tags=("AI", "OpenAI")),
            Post("qwen", "2026-01-05", tags=("AI", "Qwen")),
            Post("gemini", "2026-01-05", tags=("Gemini",)),
            Post("gpt", "2026-01-06", tags=("AI",)),
        ],
    )
    refresh_trends(con)
    first = rows(
        con,
        "SELECT tag, posts, share, rank FROM trend_tags_daily WHERE post_date = '2026-01-05' "
        "ORDER BY rank, tag",
    )
    # 5 tag uses: AI twice; the three singles tie at rank 2 (ties share a rank).
    assert first == [("AI", 2, 0.4, 1), ("Gemini", 1, 0.2, 2), ("OpenAI", 1, 0.2, 2), ("Qwen", 1, 0.2, 2)]
    second = rows(
        con,
        "SELECT tag, posts, prev_posts, change, share, rank FROM trend_tags_daily "
        "WHERE post_date = '2026-01-06' ORDER BY tag",
    )
    assert second == [
        ("AI", 1, 2, -1, 1.0, 1),
        ("Gemini", 0, 1, -1, 0.0, None),
        ("OpenAI", 0, 1, -1, 0.0, None),
        ("Qwen", 0, 1, -1, 0.0, None),
    ]
    assert share_violations(con, "trend_tags_daily") == []


def test_a_silent_day_is_a_period_and_drops_are_shown_once(con) -> None:
    load(con, [Post("gpt", "2026-01-05", tags=("AI",)), Post("gpt", "2026-01-08", tags=("AI",))])
    refresh_trends(con)
    assert rows(con, "SELECT post_date, posts, prev_posts FROM trend_tags_daily ORDER BY 1") == [
        (day("2026-01-05"), 1, 0),
        (day("2026-01-06"), 0, 1),  # the drop, on the silent day
        (day("2026-01-08"), 1, 0),  # back, against the silent day before it
    ]
    assert share_violations(con, "trend_tags_daily") == []  # periods without uses are exempt


@pytest.mark.parametrize(
    ("posts", "prev", "rising"),
    [(2, 0, True), (1, 0, False), (2, 1, True), (3, 2, True), (5, 4, False), (6, 4, True), (2, 2, False)],
)
def test_rising_rule(posts: int, prev: int, rising: bool) -> None:
    assert is_rising(posts, prev) is rising


def test_rising_flag_in_sql_follows_the_rule(con) -> None:
    week1 = [Post(m, "2026-01-05", tags=("A", "B")) for m in ("gpt", "qwen")] + [
        Post("kimi", "2026-01-05", tags=("B",))
    ]
    week2 = [Post(m, "2026-01-12", tags=("A", "B")) for m in ("gpt", "qwen", "kimi")] + [
        Post("grok", "2026-01-12", tags=("A",))
    ]
    load(con, week1 + week2)
    refresh_trends(con)
    flags = rows(con, "SELECT iso_week, tag, posts, prev_posts, rising FROM trend_tags_weekly ORDER BY 1, 2")
    assert flags == [
        ("2026-W02", "A", 2, 0, True),
        ("2026-W02", "B", 3, 0, True),
        ("2026-W03", "A", 4, 2, True),  # 4 >= 1.5 x 2
        ("2026-W03", "B", 3, 3, False),
    ]
    assert all(is_rising(p, prev) == r for _, _, p, prev, r in flags)


def test_weeks_are_iso_weeks_across_the_new_year(con) -> None:
    load(
        con,
        [
            Post("gpt", "2025-12-28", tags=("AI",), domains=("a.com",)),  # a Sunday: 2025-W52
            Post("gpt", "2025-12-29", tags=("AI",), domains=("a.com", "b.com")),  # Monday: 2026-W01
            Post("gpt", "2026-01-04", tags=("AI",), domains=("a.com",)),  # Sunday: still 2026-W01
        ],
    )
    refresh_trends(con)
    assert rows(con, "SELECT week_start, iso_week, posts FROM trend_tags_weekly ORDER BY 1") == [
        (day("2025-12-22"), "2025-W52", 1),
        (day("2025-12-29"), "2026-W01", 2),
    ]
    assert rows(
        con,
        "SELECT iso_week, domain, citations, posts, share, rank, change FROM trend_domains_weekly "
        "ORDER BY 1, 2",
    ) == [
        ("2025-W52", "a.com", 1, 1, 1.0, 1, 1),
        ("2026-W01", "a.com", 2, 2, 2 / 3, 1, 1),
        ("2026-W01", "b.com", 1, 1, 1 / 3, 2, 1),
    ]


def test_entity_rolling_count_and_its_rows(con) -> None:
    load(
        con,
        [
            Post("gpt", "2026-01-01", items=(Item("s1", ("gpt-5.2",)), Item("s2", ("gpt-5.2", "openai")))),
            Post("qwen", "2026-01-03", items=(Item("s3", ("gpt-5.2",)),)),
            Post("qwen", "2026-01-20", items=(Item("s4", ("qwen",)),)),
        ],
    )
    refresh_trends(con)
    series = dict(
        (d.day, (m, n7))
        for d, m, n7 in rows(
            con,
            "SELECT post_date, mentions, mentions_7d FROM trend_entities_daily "
            "WHERE entity_key = 'gpt-5.2' ORDER BY 1",
        )
    )
    # Rows from the first mention until 6 days after the last: 01-01 .. 01-09.
    assert sorted(series) == list(range(1, 10))
    assert series[1] == (2, 2) and series[3] == (1, 3) and series[7] == (0, 3)
    assert series[8] == (0, 1)  # 01-01 has left the window 01-02..01-08
    assert series[9] == (0, 1)
    # Clipped at the last post date: qwen mentioned on the last day has exactly one row.
    assert rows(con, "SELECT post_date, mentions_7d FROM trend_entities_daily WHERE entity_key = 'qwen'") == [
        (day("2026-01-20"), 1)
    ]
    assert rows(
        con, "SELECT rank_7d FROM trend_entities_daily WHERE post_date = '2026-01-01' ORDER BY entity_key"
    ) == [(1,), (2,)]
    assert series_gaps(con, "trend_entities_daily") == []


def test_stories_new_continuing_ended_per_day_and_model(con) -> None:
    load(
        con,
        [
            Post("gpt", "2026-01-01", items=(Item("a"), Item("b"))),
            Post("qwen", "2026-01-01", items=(Item("a"),)),
            Post("gpt", "2026-01-02", items=(Item("a"), Item("a"), Item("c"))),
            Post("qwen", "2026-01-12", items=(Item("c"), Item("d"))),
        ],
    )
    refresh_trends(con)
    got = {
        (r[0].day, r[1]): r[2:]
        for r in rows(
            con,
            "SELECT post_date, model, posted, items, stories, new_stories, continuing_stories, ended_stories "
            "FROM trend_stories_daily",
        )
    }
    assert len(got) == 12 * 2  # every day 01-01..01-12 for both models
    # b was last seen 01-01, 11 days before the last post date: ended, counted for its reporter.
    assert got[(1, "gpt")] == (True, 2, 2, 2, 0, 1)
    assert got[(1, "qwen")] == (True, 1, 1, 1, 0, 0)
    assert got[(2, "gpt")] == (True, 3, 2, 1, 1, 1)  # a continues and ends here; c is new
    assert got[(5, "gpt")] == (False, 0, 0, 0, 0, 0)
    assert got[(12, "qwen")] == (True, 2, 2, 1, 1, 0)  # c, d seen on the last day: not ended
    assert rows(
        con, "SELECT count(*) FROM trend_stories_daily WHERE stories <> new_stories + continuing_stories"
    ) == [(0,)]
    days, activity = story_activity_by_day(con)
    # Distinct stories, not a sum over models: a is one new story on 01-01 although two digests had it.
    assert (days[0], days[-1], len(days)) == (day("2026-01-01"), day("2026-01-12"), 12)
    assert [activity[k][:2] for k in ("new", "continuing", "ended")] == [[2, 1], [0, 1], [1, 1]]
    assert activity["new"][-1] == 1 and activity["continuing"][-1] == 1 and activity["ended"][-1] == 0
    # The latest days only (the chart joins just their rows): the same counts as the tail of all.
    recent_days, recent = story_activity_by_day(con, days=5)
    assert recent_days == days[-5:] and recent == {k: v[-5:] for k, v in activity.items()}
    assert series_gaps(con, "trend_stories_daily") == []


def test_story_lifespans(con) -> None:
    load(
        con,
        [
            Post("gpt", "2026-01-01", items=(Item("a"),)),
            Post("gpt", "2026-01-02", items=(Item("a"), Item("a"))),
            Post("qwen", "2026-01-06", items=(Item("a"), Item("a"))),
            Post("qwen", "2026-01-10", items=(Item("b"),)),
        ],
    )
    refresh_trends(con)
    got = rows(
        con,
        "SELECT story_id, lifespan_days, days_seen, mention_count, model_count, peak_date, peak_mentions, "
        "longest_gap_days, quiet_days, status FROM trend_story_lifespans ORDER BY 1",
    )
    assert got == [
        # peak tie (2 on 01-02 and 01-06): the earlier day; gap 01-02 → 01-06 is 3 silent days.
        ("a", 6, 3, 5, 2, day("2026-01-02"), 2, 3, 4, "active"),
        ("b", 1, 1, 1, 1, day("2026-01-10"), 1, 0, 0, "active"),
    ]


def test_models_weekly_is_dense_and_shares_sum_to_one(con) -> None:
    load(
        con,
        [
            Post("gpt", "2026-01-05", domains=("a.com", "b.com"), items=(Item("x"), Item("y"))),
            Post("gpt", "2026-01-06", items=(Item("x"),)),
            Post("qwen", "2026-01-06", items=(Item("z"),)),
            Post("qwen", "2026-01-20", items=(Item("x"),)),  # W04; W03 is silent for everyone
        ],
    )
    refresh_trends(con)
    got = rows(
        con,
        "SELECT iso_week, model, posts, items, citations, stories, new_stories, post_share "
        "FROM trend_models_weekly ORDER BY 1, 2",
    )
    assert got == [
        ("2026-W02", "gpt", 2, 3, 2, 2, 2, 2 / 3),
        ("2026-W02", "qwen", 1, 1, 0, 1, 1, 1 / 3),
        ("2026-W03", "gpt", 0, 0, 0, 0, 0, 0.0),
        ("2026-W03", "qwen", 0, 0, 0, 0, 0, 0.0),
        ("2026-W04", "gpt", 0, 0, 0, 0, 0, 0.0),
        ("2026-W04", "qwen", 1, 1, 0, 1, 0, 1.0),
    ]
    assert share_violations(con, "trend_models_weekly") == []
    assert series_gaps(con, "trend_models_weekly") == []


def test_top_tags_chart_data(con) -> None:
    load(
        con,
        [
            Post("gpt", "2026-01-05", tags=("AI", "GPT")),
            Post("qwen", "2026-01-05", tags=("AI",)),
            Post("gpt", "2026-01-19", tags=("GPT",)),
        ],
    )
    refresh_trends(con)
    weeks, tags = top_tags_by_week(con, top=2)
    assert weeks == [day("2026-01-05"), day("2026-01-12"), day("2026-01-19")]
    assert tags == [("AI", [2, 0, 0]), ("GPT", [1, 0, 1])]  # the silent week is a zero, not a hole


def test_refresh_is_idempotent(con) -> None:
    load(con, [Post("gpt", "2026-01-05", tags=("AI",), domains=("a.com",), items=(Item("s", ("gpt",)),))])
    first = refresh_trends(con)
    snapshot = {t: rows(con, f"SELECT * FROM {t} ORDER BY ALL") for t in TREND_TABLES}
    assert refresh_trends(con) == first
    assert {t: rows(con, f"SELECT * FROM {t} ORDER BY ALL") for t in TREND_TABLES} == snapshot


@pytest.fixture
def built(con):
    load(
        con,
        [
            Post("gpt", "2026-01-05", tags=("AI", "GPT"), domains=("a.com",), items=(Item("s", ("gpt",)),)),
            Post("qwen", "2026-01-07", tags=("AI",), domains=("b.com",), items=(Item("s", ("qwen",)),)),
        ],
    )
    refresh_trends(con)
    return con


def test_check_queries_pass_on_a_clean_build(built) -> None:
    assert all(share_violations(built, t) == [] for t in SHARES)
    assert all(negative_counts(built, t) == {} for t in COUNTS)
    assert all(series_gaps(built, t) == [] for t in GAPS)
    assert all(duplicate_keys(built, t, KEYS[t]) == 0 for t in KEYS)


def test_key_check_catches_a_duplicated_grain(built) -> None:
    built.execute("INSERT INTO trend_models_weekly SELECT * FROM trend_models_weekly LIMIT 1")
    assert duplicate_keys(built, "trend_models_weekly", KEYS["trend_models_weekly"]) == 1
    assert duplicate_keys(built, "trend_tags_weekly", KEYS["trend_tags_weekly"]) == 0


def test_share_check_catches_out_of_range_and_bad_sums(built) -> None:
    built.execute("UPDATE trend_tags_daily SET share = 1.5 WHERE post_date = '2026-01-05' AND tag_key = 'ai'")
    built.execute("UPDATE trend_domains_weekly SET share = 0.4")
    assert share_violations(built, "trend_tags_daily") == ["2026-01-05: share outside [0, 1]"]
    assert share_violations(built, "trend_domains_weekly") == ["2026-01-05: shares sum to 0.8"]
    assert share_violations(built, "trend_models_weekly") == []


def test_negative_count_check_names_the_column(built) -> None:
    built.execute("UPDATE trend_stories_daily SET ended_stories = -1 WHERE model = 'gpt'")
    assert negative_counts(built, "trend_stories_daily") == {"ended_stories": 3}
    assert negative_counts(built, "trend_tags_daily") == {}


def test_gap_check_finds_missing_days(built) -> None:
    built.execute("DELETE FROM trend_stories_daily WHERE post_date = '2026-01-06' AND model = 'qwen'")
    built.execute("DELETE FROM trend_entities_daily WHERE post_date = '2026-01-06' AND entity_key = 'gpt'")
    assert series_gaps(built, "trend_stories_daily") == ["2026-01-06 qwen"]
    assert series_gaps(built, "trend_entities_daily") == ["gpt 2026-01-06"]


# --- Refreshing from the first rebuilt date on gives what a whole rebuild gives. ---

TAGS = ("AI", "ai", "Agents", "agents", "GPU", "開源")
DOMAINS = ("a.com", "b.org", "c.io")
NAMES = ("gpt-5", "qwen-image", "gemini-3", "nvidia")


def _day_posts(draw, day: dt.date) -> list[tuple]:
    """(post_id, model, date, tags, domains, names) for the models posting that day."""
    posts = []
    for model in draw(st.lists(st.sampled_from(("gpt", "qwen", "gemini")), unique=True, max_size=3)):
        posts.append(
            (
                f"{model}-{day}",
                model,
                day,
                draw(st.lists(st.sampled_from(TAGS), max_size=3)),
                draw(st.lists(st.sampled_from(DOMAINS), max_size=3)),
                draw(st.lists(st.sampled_from(NAMES), max_size=3)),
            )
        )
    return posts


def _write_posts(con, posts: list[tuple]) -> None:
    """The columns the day-by-day trends read: posts, their tags, cited domains and item names."""
    for pid, model, day, tags, domains, names in posts:
        con.execute(
            "INSERT INTO posts (post_id, model, post_date, source_file, content_sha256, identity_source, "
            "item_count, source_count, key_point_count, has_news_section) "
            "VALUES (?, ?, ?, 'f', 'sha', 'front_matter', 1, ?, 0, true)",
            [pid, model, day, len(domains)],
        )
        for n, tag in enumerate(tags, start=1):
            con.execute("INSERT INTO post_tags VALUES (?, ?, ?, ?)", [pid, n, tag, tag.lower()])
        for n, domain in enumerate(domains, start=1):
            con.execute(
                "INSERT INTO post_sources (post_id, position, source_id, post_date, title, raw_url, url, "
                "domain, host, url_problems) VALUES (?, ?, ?, ?, '', '', '', ?, '', [])",
                [pid, n, f"{pid}/{n}", day, domain],
            )
        for n, name in enumerate(names, start=1):
            entity = [f"{pid}#1", n, name, day, model]
            con.execute("INSERT INTO event_entities VALUES (?, ?, ?, ?, ?)", entity)


def _rebuild_dates(con, days: list[dt.date], posts: list[tuple]) -> None:
    """What a post-date rebuild does to these tables: clear the dates, write their posts, note the dates."""
    for table in ("posts", "post_sources", "event_entities"):
        con.execute(f"DELETE FROM {table} WHERE list_contains($days, post_date)", {"days": days})
    con.execute("DELETE FROM post_tags WHERE post_id NOT IN (SELECT post_id FROM posts)")
    _write_posts(con, posts)
    con.execute(
        "INSERT INTO pipeline.trends_pending "
        "SELECT t, d FROM unnest($tables) a(t) CROSS JOIN unnest($days) b(d)",
        {"tables": list(TAILS), "days": days},
    )


@st.composite
def _history_and_rebuild(draw):
    start = dt.date(2025, 12, 1)
    days = [start + dt.timedelta(days=n) for n in range(draw(st.integers(3, 24)))]
    history = [post for day in days for post in _day_posts(draw, day)]
    extra = [days[-1] + dt.timedelta(days=n) for n in range(1, draw(st.integers(0, 9)) + 1)]
    rebuilt = sorted(set(draw(st.lists(st.sampled_from(days), max_size=3))) | set(extra))
    return history, rebuilt, [post for day in rebuilt for post in _day_posts(draw, day)]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=_history_and_rebuild())
def test_tail_refresh_equals_a_whole_rebuild(con, case, stand_in_embeddings) -> None:
    history, rebuilt, posts = case
    for table in ("posts", "post_tags", "post_sources", "event_entities", "pipeline.trends_pending", *TAILS):
        con.execute(f"DELETE FROM {table}")
    _write_posts(con, history)
    refresh_trends(con, tuple(TAILS))
    for table in TAILS:
        key = ", ".join(KEYS[table])
        con.execute(f"CREATE OR REPLACE TEMP TABLE before_{table} AS SELECT {key} FROM {table}")
    _rebuild_dates(con, rebuilt, posts)
    refresh_trends(con, tuple(TAILS))
    assert rows(con, "SELECT count(*) FROM pipeline.trends_pending") == [(0,)]
    for table in TAILS:  # the checks scan only what the refresh wrote: every other key is as it was
        key = ", ".join(KEYS[table])
        scope = rewritten_rows(con, table)
        kept = sorted(rows(con, f"SELECT {key} FROM {table} WHERE NOT ({scope})"), key=str)
        was = sorted(rows(con, f"SELECT {key} FROM before_{table} WHERE NOT ({scope})"), key=str)
        assert kept == was, table
    tail = {t: sorted(rows(con, f"SELECT * FROM {t}"), key=str) for t in TAILS}
    for table in TAILS:
        con.execute(f"DELETE FROM {table}")
    refresh_trends(con, tuple(TAILS))
    for table in TAILS:
        assert tail[table] == sorted(rows(con, f"SELECT * FROM {table}"), key=str), table


def test_a_rebuilt_day_that_drops_a_spelling_relabels_the_older_rows(con) -> None:
    """`ai` wins 2 to 1 until the last day is rebuilt without its tags; weeks later, and with
    no tag row left for the key on or after the rebuilt day, the first day's row must still
    take `AI` again (the key is noted from the rows the refresh replaced)."""
    for table in ("posts", "post_tags", "post_sources", "event_entities", "pipeline.trends_pending", *TAILS):
        con.execute(f"DELETE FROM {table}")
    first, last = dt.date(2025, 12, 1), dt.date(2026, 1, 20)
    quiet = [(f"gemini-{d}", "gemini", d, ["GPU"], [], []) for d in (dt.date(2025, 12, 20), last)]
    _write_posts(con, [("gpt-first", "gpt", first, ["AI"], [], []), *quiet])
    _write_posts(con, [(f"{m}-last", m, last, ["ai"], [], []) for m in ("gpt", "qwen")])
    refresh_trends(con, tuple(TAILS))
    spelled = "SELECT DISTINCT tag FROM {} WHERE tag_key = 'ai'"
    assert rows(con, spelled.format("trend_tags_daily")) == [("ai",)]
    _rebuild_dates(
        con, [last], [("gemini-last", "gemini", last, ["GPU"], [], []), ("gpt-last", "gpt", last, [], [], [])]
    )
    refresh_trends(con, tuple(TAILS))
    for table in ("trend_tags_daily", "trend_tags_weekly"):
        assert rows(con, spelled.format(table)) == [("AI",)], table


def test_a_table_with_nothing_pending_is_left_alone(con) -> None:
    _write_posts(con, [("gpt-2025-12-01", "gpt", dt.date(2025, 12, 1), ["AI"], ["a.com"], ["gpt-5"])])
    refresh_trends(con)
    con.execute("UPDATE trend_tags_daily SET posts = 99")  # a refresh with nothing pending must not redo it
    refresh_trends(con)
    assert rows(con, "SELECT DISTINCT posts FROM trend_tags_daily") == [(99,)]


def test_the_checks_scan_what_the_last_refresh_wrote(con) -> None:
    days = [dt.date(2025, 12, 1) + dt.timedelta(days=n) for n in range(20)]
    _write_posts(con, [(f"gpt-{d}", "gpt", d, ["AI"], ["a.com"], ["gpt-5"]) for d in days])
    refresh_trends(con)
    assert last_refresh(con, "trend_entities_daily") == (True, None)  # a first refresh: all of it
    assert rewritten_rows(con, "trend_entities_daily") == "true"
    new_day = days[-1] + dt.timedelta(days=1)
    _rebuild_dates(con, [new_day], [(f"gpt-{new_day}", "gpt", new_day, ["AI"], ["a.com"], ["gpt-5"])])
    refresh_trends(con)
    assert last_refresh(con, "trend_entities_daily") == (False, new_day)
    whole, since = last_refresh(con, "trend_tags_weekly")  # from within the last week on
    assert not whole and new_day - dt.timedelta(days=7) < since <= new_day
    assert last_refresh(con, "trend_stories_daily") == (True, None)  # story tables: always whole
    table, key = "trend_entities_daily", KEYS["trend_entities_daily"]
    con.execute(f"INSERT INTO {table} SELECT * FROM {table} WHERE post_date = $d", {"d": days[2]})
    con.execute(f"DELETE FROM {table} WHERE post_date = $d", {"d": days[5]})
    assert duplicate_keys(con, table, key) == 1  # old rows broken by hand: a whole scan sees it
    assert duplicate_keys(con, table, key, where=rewritten_rows(con, table)) == 0  # not rewritten
    assert series_gaps(con, table) == []
    con.execute(f"INSERT INTO {table} SELECT * FROM {table} WHERE post_date = $d", {"d": new_day})
    assert duplicate_keys(con, table, key, where=rewritten_rows(con, table)) == 1  # a rewritten row
    con.execute(f"DELETE FROM {table} WHERE post_date = $d", {"d": new_day})
    assert series_gaps(con, table) == [f"gpt-5 {new_day}"]  # seen from the day before's row
    refresh_trends(con)  # nothing pending: nothing rewritten, nothing to scan
    assert last_refresh(con, table) == (False, None)
    assert rewritten_rows(con, table) == "false"
    assert series_gaps(con, table) == []
