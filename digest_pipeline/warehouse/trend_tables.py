"""The trend tables, computed in SQL from the post and timeline tables.

Each is an aggregate of tables the earlier steps keep current. The
day-by-day series of tags, names and domains (`TAILS`) are recomputed from
the first post date a run rebuilt (a daily run: the last day or week), so
their cost does not grow with the history; the story tables (`STORY_TABLES`)
depend on stories any day may reshape (a merge moves old items), and redo the
days of the stories the timeline rewrote. Either way the result is what a
whole rebuild gives (tests hold the two equal). All tables of a refresh are replaced in one transaction: a
reader sees the old trends or the new ones, never a mix.

Periods run over a calendar from the first to the last post date (days, or
ISO weeks starting on Monday), not over the days that happen to have data,
so "the previous period" of a day after a silent day is the silent day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb

from digest_pipeline.trends.rules import (
    ENDED_AFTER_QUIET_DAYS,
    RISING_MIN_POSTS,
    RISING_RATIO,
    ROLLING_DAYS,
)
from digest_pipeline.warehouse.schema import TREND_TABLES

_RULES = {
    "rising_min": RISING_MIN_POSTS,
    "rising_ratio": RISING_RATIO,
    "quiet_days": ENDED_AFTER_QUIET_DAYS,
}

_DAY = "{0}"
_WEEK = "date_trunc('week', {0})::DATE"
_ISO_WEEK = "strftime({0}, '%G-W%V')"


def _counted_shares(
    source: str, key: str, grain_days: int, measure: str, label: str = "", labels: str = ""
) -> str:
    """Counts per period and key with share, rank and change against the previous period.

    `source` yields (day, key, post_id); a row exists for
    each key used in a period or in the one before (then with a count of 0),
    so a key that disappears shows its drop instead of silently vanishing.
    `measure` is `posts` (distinct posts) or `citations` (rows).
    Only the periods from the one holding `$since` on are computed (reading
    one period before it). A `label` column, when asked for, is read from the
    relation `labels` (`key`, `label`).
    """
    period_of = _DAY if grain_days == 1 else _WEEK
    return f"""
        WITH src_all AS ({source}),
        src AS (SELECT * FROM src_all WHERE day >= {period_of.format("$since::DATE")} - {grain_days}),
        counts AS (
            SELECT {period_of.format("day")} AS period, {key},
                   count(*) AS citations, count(DISTINCT post_id) AS posts
            FROM src GROUP BY ALL
        ),
        last_period AS (SELECT {period_of.format("max(post_date)")} AS period FROM posts),
        keys AS (
            SELECT period, {key} FROM counts
            UNION
            SELECT period + {grain_days}, {key} FROM counts
            WHERE period + {grain_days} <= (SELECT period FROM last_period)
        ),
        grid AS (
            SELECT k.period, k.{key}, coalesce(c.{measure}, 0) AS n, coalesce(c.posts, 0) AS posts,
                   coalesce(p.{measure}, 0) AS prev_n
            FROM keys k
            LEFT JOIN counts c ON c.period = k.period AND c.{key} = k.{key}
            LEFT JOIN counts p ON p.period = k.period - {grain_days} AND p.{key} = k.{key}
        )
        SELECT g.*,
               coalesce(n / nullif(sum(n) OVER (PARTITION BY period), 0), 0) AS share,
               CASE WHEN n > 0 THEN rank() OVER (PARTITION BY period ORDER BY n DESC) END AS rank,
               n - prev_n AS change
               {f", s.{label}" if label else ""}
        FROM grid g {f"JOIN {labels} s USING ({key})" if label else ""}
        WHERE g.period >= {period_of.format("$since::DATE")}
    """


_TAGS = """
    SELECT p.post_date AS day, t.tag_key, t.tag, t.post_id
    FROM post_tags t JOIN posts p USING (post_id)
"""


TAG_SPELLINGS_TABLE = "tag_spellings"
"""Each tag key's most used spelling over every post: a temporary table `refresh_trends` makes once
for both tag tables (their rows' `tag` and the relabelling), instead of counting every post's tags
for each of them: four scans of all of `post_tags` a daily run, 33-72 ms each on 100k posts (the
refresh of a 100k-post day took a median of 0.39 s against 0.44 s, eight runs each, same rows)."""


def _tags_sql(grain_days: int) -> str:
    period_columns = (
        "period AS post_date"
        if grain_days == 1
        else f"period AS week_start, {_ISO_WEEK.format('period')} AS iso_week"
    )
    return f"""
        SELECT {period_columns}, tag_key, tag, n AS posts, share, rank, prev_n AS prev_posts, change,
               n >= $rising_min AND n > prev_n AND n >= $rising_ratio * prev_n AS rising
        FROM ({_counted_shares(_TAGS, "tag_key", grain_days, "posts", "tag", TAG_SPELLINGS_TABLE)})
    """


_DOMAINS = "SELECT post_date AS day, domain, post_id FROM post_sources"

_DOMAINS_WEEKLY = f"""
    SELECT period AS week_start, {_ISO_WEEK.format("period")} AS iso_week, domain, n AS citations, posts,
           share, rank, prev_n AS prev_citations, change
    FROM ({_counted_shares(_DOMAINS, "domain", 7, "citations")})
"""

_ENTITIES_DAILY = f"""
    WITH daily AS (
        SELECT post_date AS day, entity_key, count(*) AS mentions, count(DISTINCT model) AS models
        FROM event_entities WHERE post_date >= $since::DATE - {ROLLING_DAYS - 1} GROUP BY ALL
    ),
    days AS (
        SELECT DISTINCT d.entity_key, d.day + o.step::INTEGER AS day
        FROM daily d CROSS JOIN range({ROLLING_DAYS}) o(step)
        WHERE d.day + o.step::INTEGER <= (SELECT max(post_date) FROM posts)
          AND d.day + o.step::INTEGER >= $since::DATE - {ROLLING_DAYS - 1}
    ),
    rolling AS (
        SELECT days.day AS post_date, days.entity_key,
               coalesce(daily.mentions, 0) AS mentions, coalesce(daily.models, 0) AS models,
               sum(coalesce(daily.mentions, 0)) OVER (
                   PARTITION BY days.entity_key ORDER BY days.day
                   RANGE BETWEEN INTERVAL {ROLLING_DAYS - 1} DAY PRECEDING AND CURRENT ROW
               ) AS mentions_7d
        FROM days LEFT JOIN daily USING (entity_key, day)
    )
    SELECT *, rank() OVER (PARTITION BY post_date ORDER BY mentions_7d DESC) AS rank_7d FROM rolling
    WHERE post_date >= $since::DATE
"""

_ALL = "true"
"""The filter of a whole rebuild; a story table's refresh filters on the days, weeks or stories it redoes
(`refresh_days`, `refresh_weeks`, `refresh_stories`: temporary tables `_refresh_story_table` fills)."""


def _story_items(dates: str) -> str:
    """`dates` filters a post date column `{0}`: applied to the item and to its placement (the
    same date), so both sides of the join shrink to the refreshed days before it (4x less time
    for a day on 100k posts than filtering the items alone)."""
    return f"""
    story_items AS (
        SELECT se.story_id, e.post_date, e.model, s.first_seen, s.last_seen,
               s.last_seen <= (SELECT max(post_date) FROM posts) - $quiet_days AS ended
        FROM story_events se JOIN events e USING (event_id) JOIN stories s USING (story_id)
        WHERE {dates.format("e.post_date")} AND {dates.format("se.post_date")}
    )
"""


def _stories_daily(days: str) -> str:
    """`days` filters a column `post_date` (every day of the calendar when whole)."""
    return f"""
    WITH {_story_items(days)},
    calendar AS (
        SELECT * FROM (
            SELECT unnest(generate_series(min(post_date), max(post_date), INTERVAL 1 DAY))::DATE AS post_date
            FROM posts
        ) WHERE {days.format("post_date")}
    ),
    per_day AS (
        SELECT post_date, model, count(*) AS items, count(DISTINCT story_id) AS stories,
               count(DISTINCT story_id) FILTER (first_seen = post_date) AS new_stories,
               count(DISTINCT story_id) FILTER (first_seen < post_date) AS continuing_stories,
               count(DISTINCT story_id) FILTER (last_seen = post_date AND ended) AS ended_stories
        FROM story_items GROUP BY ALL
    )
    SELECT c.post_date, m.model,
           EXISTS (SELECT 1 FROM posts p WHERE p.post_date = c.post_date AND p.model = m.model) AS posted,
           coalesce(d.items, 0) AS items, coalesce(d.stories, 0) AS stories,
           coalesce(d.new_stories, 0) AS new_stories,
           coalesce(d.continuing_stories, 0) AS continuing_stories,
           coalesce(d.ended_stories, 0) AS ended_stories
    FROM calendar c CROSS JOIN (SELECT DISTINCT model FROM posts) m
    LEFT JOIN per_day d ON d.post_date = c.post_date AND d.model = m.model
"""


def _story_lifespans(stories: str) -> str:
    """`stories` filters a column `story_id`."""
    return f"""
    WITH days AS (
        SELECT story_id, post_date, mentions,
               post_date - lag(post_date) OVER (PARTITION BY story_id ORDER BY post_date) - 1 AS gap
        FROM story_timeline WHERE {stories.format("story_id")}
    ),
    per_story AS (
        SELECT story_id, first(post_date ORDER BY mentions DESC, post_date) AS peak_date,
               max(mentions) AS peak_mentions, coalesce(max(gap), 0) AS longest_gap_days
        FROM days GROUP BY story_id
    )
    SELECT s.story_id, s.headline, s.first_seen, s.last_seen,
           s.last_seen - s.first_seen + 1 AS lifespan_days, s.days_seen, s.mention_count,
           len(s.models) AS model_count, p.peak_date, p.peak_mentions, p.longest_gap_days,
           {_QUIET_DAYS} AS quiet_days, {_STATUS} AS status
    FROM stories s JOIN per_story p USING (story_id)
"""


_QUIET_DAYS = "(SELECT max(post_date) FROM posts) - last_seen"
_STATUS = f"CASE WHEN {_QUIET_DAYS} >= $quiet_days THEN 'ended' ELSE 'active' END"


def _models_weekly(weeks: str) -> str:
    """`weeks` filters a week's first day (every week of the calendar when whole)."""
    return f"""
    WITH {_story_items(weeks.format(_WEEK))},
    weeks AS (
        SELECT * FROM (
            SELECT unnest(generate_series({_WEEK.format("min(post_date)")}, {_WEEK.format("max(post_date)")},
                                          INTERVAL 7 DAY))::DATE AS week_start
            FROM posts
        ) WHERE {weeks.format("week_start")}
    ),
    post_counts AS (
        SELECT {_WEEK.format("p.post_date")} AS week_start, p.model, count(*) AS posts,
               sum(p.item_count) AS items,
               -- the date too: the citations scanned are the refreshed weeks', not every week's
               sum((SELECT count(*) FROM post_sources s
                    WHERE s.post_id = p.post_id AND s.post_date = p.post_date)) AS citations
        FROM posts p WHERE {weeks.format(_WEEK.format("p.post_date"))} GROUP BY ALL
    ),
    story_counts AS (
        SELECT {_WEEK.format("post_date")} AS week_start, model, count(DISTINCT story_id) AS stories,
               count(DISTINCT story_id) FILTER (
                   {_WEEK.format("first_seen")} = {_WEEK.format("post_date")}
               ) AS new_stories
        FROM story_items GROUP BY ALL
    ),
    grid AS (
        SELECT w.week_start, m.model, coalesce(p.posts, 0) AS posts, coalesce(p.items, 0) AS items,
               coalesce(p.citations, 0) AS citations, coalesce(s.stories, 0) AS stories,
               coalesce(s.new_stories, 0) AS new_stories
        FROM weeks w CROSS JOIN (SELECT DISTINCT model FROM posts) m
        LEFT JOIN post_counts p USING (week_start, model)
        LEFT JOIN story_counts s USING (week_start, model)
    )
    SELECT week_start, {_ISO_WEEK.format("week_start")} AS iso_week, model, posts, items, citations,
           stories, new_stories,
           coalesce(posts / nullif(sum(posts) OVER (PARTITION BY week_start), 0), 0) AS post_share
    FROM grid
"""


TREND_QUERIES: dict[str, str] = {
    "trend_tags_daily": _tags_sql(1),
    "trend_tags_weekly": _tags_sql(7),
    "trend_entities_daily": _ENTITIES_DAILY,
    "trend_stories_daily": _stories_daily(_ALL),
    "trend_story_lifespans": _story_lifespans(_ALL),
    "trend_domains_weekly": _DOMAINS_WEEKLY,
    "trend_models_weekly": _models_weekly(_ALL),
}
assert tuple(TREND_QUERIES) == TREND_TABLES, "one query per trend table, in the schema's order"


def _parameters(sql: str, since: dt.date | None = None) -> dict[str, object]:
    values = {**_RULES, "since": since or dt.date.min}
    return {name: value for name, value in values.items() if f"${name}" in sql}


TAILS: dict[str, str] = {
    "trend_tags_daily": "post_date",
    "trend_tags_weekly": "week_start",
    "trend_entities_daily": "post_date",
    "trend_domains_weekly": "week_start",
}
"""Tables refreshed from the first rebuilt post date on (their rows before it cannot change), with
the column holding their period. The rest depend on the stories, which any day may reshape, and are
rebuilt whole."""


def _tail_start(con: duckdb.DuckDBPyConnection, table: str, pending: dt.date) -> dt.date:
    """The first day whose rows a refresh recomputes: the earliest rebuilt date, or earlier when the
    last post date moved, since every series runs up to it (rows past the old end may now be due,
    rows past the new end must go)."""
    last_post, last_row = con.execute(
        f'SELECT (SELECT max(post_date) FROM posts), (SELECT max("{TAILS[table]}") FROM "{table}")'
    ).fetchall()[0]
    ends = [day + dt.timedelta(days=1) for day in (last_post, last_row) if day is not None]
    return min([pending, *ends])


STORY_TABLES = ("trend_stories_daily", "trend_story_lifespans", "trend_models_weekly")
"""Tables over the stories, which any run may reshape (a merge moves old items, a quiet story ends).
They are refreshed in place: the days (weeks) where the stories the timeline touched have items,
the post dates rebuilt, and the days the moving last post date can change (a story ends `quiet_days`
after it was last seen); or the touched stories, for the lifespans. They are rebuilt whole when
empty, or when the calendar's first day or the set of models changed (every row would move)."""

PENDING_DATE_TABLES = (*TAILS, "trend_stories_daily", "trend_models_weekly")
"""The tables the post-date rebuilds note their dates for (`pipeline.trends_pending`)."""


def _calendar(con: duckdb.DuckDBPyConnection) -> tuple[dt.date | None, dt.date | None, list[str]]:
    first, last, models = con.execute(
        "SELECT min(post_date), max(post_date), list(DISTINCT model ORDER BY model) FROM posts"
    ).fetchall()[0]
    return first, last, list(models or [])


def _refresh_story_table(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    """Redo the rows of a story table that can have changed since its last refresh (see
    `STORY_TABLES`); False, having changed nothing, when it must be rebuilt whole instead."""
    state = con.execute(
        "SELECT first_post_date, last_post_date, models FROM pipeline.story_trends_state "
        "WHERE table_name = $table",
        {"table": table},
    ).fetchall()
    first, last, models = _calendar(con)
    if not state or last is None or state[0][0] != first or list(state[0][2]) != models:
        return False
    old_last = state[0][1]
    touched = "SELECT story_id FROM pipeline.story_trends_pending WHERE table_name = $table"
    if table == "trend_story_lifespans":
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE refresh_stories AS SELECT DISTINCT story_id FROM ({touched})",
            {"table": table},
        )
        con.execute(
            "DELETE FROM trend_story_lifespans WHERE story_id IN (SELECT story_id FROM refresh_stories)"
        )
        sql = _story_lifespans("{0} IN (SELECT story_id FROM refresh_stories)")
        con.execute(f"INSERT INTO trend_story_lifespans BY NAME {sql}", _parameters(sql))
        if old_last != last:  # every story is a day quieter
            update = f"UPDATE trend_story_lifespans SET quiet_days = {_QUIET_DAYS}, status = {_STATUS}"
            con.execute(update, _parameters(update))
        return True
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE refresh_days AS
        SELECT DISTINCT day FROM (
            SELECT post_date AS day FROM story_events WHERE story_id IN ({touched})
            UNION ALL
            SELECT post_date FROM pipeline.trends_pending WHERE table_name = $table
            UNION ALL
            SELECT unnest(generate_series(least($old_last, $last) - $quiet_days::INTEGER,
                                          greatest($old_last, $last), INTERVAL 1 DAY))::DATE
        ) WHERE day BETWEEN $first AND $last
        """,
        {
            "table": table,
            "old_last": old_last,
            "last": last,
            "first": first,
            "quiet_days": ENDED_AFTER_QUIET_DAYS,
        },
    )
    if table == "trend_stories_daily":
        con.execute(
            "DELETE FROM trend_stories_daily "
            "WHERE post_date IN (SELECT day FROM refresh_days) OR post_date > $last",
            {"last": last},
        )
        sql = _stories_daily("{0} IN (SELECT day FROM refresh_days)")
    else:
        con.execute(
            "CREATE OR REPLACE TEMP TABLE refresh_weeks AS "
            f"SELECT DISTINCT {_WEEK.format('day')} AS week_start FROM refresh_days"
        )
        con.execute(
            "DELETE FROM trend_models_weekly WHERE week_start IN (SELECT week_start FROM refresh_weeks) "
            f"OR week_start > {_WEEK.format('$last::DATE')}",
            {"last": last},
        )
        sql = _models_weekly("{0} IN (SELECT week_start FROM refresh_weeks)")
    con.execute(f'INSERT INTO "{table}" BY NAME {sql}', _parameters(sql))
    return True


def _note_story_table(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """After a story table's refresh: the calendar it now covers, and nothing pending for it."""
    first, last, models = _calendar(con)
    con.execute(
        "INSERT OR REPLACE INTO pipeline.story_trends_state VALUES ($table, $first, $last, $models)",
        {"table": table, "first": first, "last": last, "models": models},
    )
    con.execute("DELETE FROM pipeline.story_trends_pending WHERE table_name = $table", {"table": table})


_TAG_SPELLINGS = f"""
    SELECT tag_key, first(tag ORDER BY n DESC, tag) AS tag
    FROM (SELECT tag_key, tag, count(*) AS n FROM ({_TAGS}) {{where}} GROUP BY ALL) GROUP BY tag_key
"""
_SPELLED_KEYS = """
    CREATE OR REPLACE TEMP TABLE spelled_keys AS SELECT DISTINCT tag_key FROM (
        SELECT tag_key FROM post_tags WHERE post_id IN (SELECT post_id FROM posts WHERE post_date >= $since)
        UNION ALL SELECT tag_key FROM trend_tags_daily WHERE post_date >= $since
        UNION ALL SELECT tag_key FROM trend_tags_weekly WHERE week_start >= $since
    )
"""
"""The tag keys a tail refresh from `$since` on reads a spelling for: those of the posts it counts
and of the rows it replaces (`relabel_keys`)."""


def _spelling_since(con: duckdb.DuckDBPyConnection, pending: dict[str, dt.date]) -> dt.date | None:
    """The first day whose tags the tag tables' refresh reads, or None when one is rebuilt whole.

    A tail refresh from `since` counts the period before it too (`_counted_shares`), and a weekly
    one from the start of `since`'s week: so a week and a day before the earliest `since`.
    """
    if any(_is_empty(con, table) for table in _RELABEL):  # rebuilt whole: every key's spelling
        return None
    starts = [_tail_start(con, table, pending[table]) for table in _RELABEL if table in pending]
    return min(starts) - dt.timedelta(days=14) if starts else None


def _spell_tags(con: duckdb.DuckDBPyConnection, since: dt.date | None) -> None:
    """Each needed tag key's most used spelling over every post (`TAG_SPELLINGS_TABLE`).

    A daily refresh needs the spellings of the keys it counts or replaces, a few hundred; only those
    are counted (over all their posts), not the history's tens of thousands of keys (on 100k posts
    0.065 s -> 0.025 s a day). With `since` None (a tag table rebuilt whole) every key is.
    """
    if since is None:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {TAG_SPELLINGS_TABLE} AS {_TAG_SPELLINGS.format(where='')}"
        )
        return
    con.execute(_SPELLED_KEYS, {"since": since})
    only_needed = "WHERE tag_key IN (SELECT tag_key FROM spelled_keys)"
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {TAG_SPELLINGS_TABLE} AS {_TAG_SPELLINGS.format(where=only_needed)}"
    )
    con.execute("DROP TABLE spelled_keys")


_NOTED_SPELLINGS = f"SELECT * FROM {TAG_SPELLINGS_TABLE} WHERE tag_key IN (SELECT tag_key FROM relabel_keys)"
_RELABEL = {"trend_tags_daily": _NOTED_SPELLINGS, "trend_tags_weekly": _NOTED_SPELLINGS}
"""Tail tables with a label (a key's most used spelling overall), which any rebuilt day may change:
the spellings of the keys a refresh rewrote (`relabel_keys`), the only ones whose counts moved."""


def _note_relabel_keys(
    con: duckdb.DuckDBPyConnection, table: str, rewritten: str, since: dt.date, first: bool
) -> None:
    """Note the keys of the rows in the rewritten periods, before (`first`) and after the rewrite.

    A key's spelling is counted over all its posts, and only the rebuilt dates' posts changed:
    each such post's key has a row in a rewritten period, before the rebuild if the post lost
    it, after if it gained it. So only these keys are relabelled; a daily run's are a few
    hundred, not the history's tens of thousands (and no spelling is counted over all tags).
    """
    verb = "CREATE OR REPLACE TEMP TABLE relabel_keys AS" if first else "INSERT INTO relabel_keys"
    con.execute(f'{verb} SELECT DISTINCT tag_key FROM "{table}" WHERE {rewritten}', {"since": since})


def _is_empty(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    return not con.execute(f'SELECT EXISTS (SELECT 1 FROM "{table}")').fetchall()[0][0]


def refresh_trends(con: duckdb.DuckDBPyConnection, tables: tuple[str, ...] = TREND_TABLES) -> dict[str, int]:
    """Refresh the given trend tables in one transaction; returns their row counts.

    The post-date rebuilds note each date they rewrote (`pipeline.trends_pending`,
    per table). A table in `TAILS` is then refreshed from the earliest noted
    date on, and not at all when nothing is noted, so a daily run recomputes
    days, not years; a table in `STORY_TABLES` redoes the days (or stories)
    the timeline and the rebuilds noted; an empty table is rebuilt whole.
    The result is the same as a whole rebuild (tested).
    """
    written: dict[str, int] = {}
    spelled = False
    con.execute("BEGIN TRANSACTION")
    try:
        pending = dict(
            con.execute(
                "SELECT table_name, min(post_date) FROM pipeline.trends_pending GROUP BY ALL"
            ).fetchall()
        )
        for table in tables:
            sql = TREND_QUERIES[table]
            empty = _is_empty(con, table)
            # The story tables are checked whole (`rewritten_rows`) however refreshed: a row per
            # story, or per day or week and model, is cheap to scan.
            whole, rewritten_since = table not in TAILS or empty, None
            if table in _RELABEL and not spelled and (whole or table in pending):
                # The tag tables' queries read it too. Made after the post tables, which it reads;
                # the same for every tag table of this refresh.
                _spell_tags(con, None if whole else _spelling_since(con, pending))
                spelled = True
            if table in STORY_TABLES and not empty and _refresh_story_table(con, table):
                pass  # refreshed in place
            elif whole:
                con.execute(f'DELETE FROM "{table}"')
                con.execute(f'INSERT INTO "{table}" BY NAME {sql}', _parameters(sql))
            elif table in pending:
                since = rewritten_since = _tail_start(con, table, pending[table])
                period = _DAY if TAILS[table] == "post_date" else _WEEK
                rewritten = f'"{TAILS[table]}" >= {period.format("$since::DATE")}'
                if table in _RELABEL:
                    _note_relabel_keys(con, table, rewritten, since, first=True)
                con.execute(f'DELETE FROM "{table}" WHERE {rewritten}', {"since": since})
                con.execute(f'INSERT INTO "{table}" BY NAME {sql}', _parameters(sql, since))
                if table in _RELABEL:  # rows before `since` take the spelling the new rows carry
                    _note_relabel_keys(con, table, rewritten, since, first=False)
                    con.execute(
                        f'UPDATE "{table}" AS t SET tag = s.tag FROM ({_RELABEL[table]}) AS s '
                        "WHERE t.tag_key = s.tag_key AND t.tag <> s.tag"
                    )
                    con.execute("DROP TABLE relabel_keys")
            if table in STORY_TABLES:
                _note_story_table(con, table)
            con.execute("DELETE FROM pipeline.trends_pending WHERE table_name = $table", {"table": table})
            con.execute(
                "INSERT OR REPLACE INTO pipeline.trends_refreshed VALUES ($table, $whole, $since)",
                {"table": table, "whole": whole, "since": rewritten_since},
            )
            written[table] = con.execute(f'SELECT count(*) FROM "{table}"').fetchall()[0][0]
        if spelled:
            con.execute(f"DROP TABLE {TAG_SPELLINGS_TABLE}")
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return written


# --- The checks' queries: each returns rows that break the rule (none when it holds). ---


def last_refresh(con: duckdb.DuckDBPyConnection, table: str) -> tuple[bool, dt.date | None]:
    """What the table's last refresh rewrote: (True, None) the whole table (or unknown: a table
    refreshed before this was kept), (False, day) its periods from `day` on, (False, None) nothing."""
    rows = con.execute(
        "SELECT whole, since FROM pipeline.trends_refreshed WHERE table_name = $table", {"table": table}
    ).fetchall()
    return (True, None) if not rows else (bool(rows[0][0]), rows[0][1])


def rewritten_rows(con: duckdb.DuckDBPyConnection, table: str) -> str:
    """A SQL condition selecting the rows the table's last refresh wrote, for the checks to scan.

    A daily run rewrites the last day or week of a day-by-day series: the checks then cost a
    day's rows, not the history's. Rows before that were checked when they were written.
    """
    whole, since = last_refresh(con, table)
    if whole:
        return "true"
    if since is None:
        return "false"
    period = _DAY if TAILS[table] == "post_date" else _WEEK
    return f'"{TAILS[table]}" >= {period.format(f"DATE {since.isoformat()!r}")}'


def rows_checked(con: duckdb.DuckDBPyConnection, table: str) -> str:
    """The rows a check of `table` scans, in words for its metadata."""
    whole, since = last_refresh(con, table)
    if whole:
        return "all (the last refresh rebuilt the table)"
    if since is None:
        return "none (the last refresh kept every row)"
    return f"from {since} on (the last refresh rewrote these)"


@dataclass(frozen=True)
class ShareRule:
    """A share column whose values lie in [0, 1] and sum to 1 in each period with any count."""

    period: str
    share: str
    count: str


SHARES: dict[str, ShareRule] = {
    "trend_tags_daily": ShareRule("post_date", "share", "posts"),
    "trend_tags_weekly": ShareRule("week_start", "share", "posts"),
    "trend_domains_weekly": ShareRule("week_start", "share", "citations"),
    "trend_models_weekly": ShareRule("week_start", "post_share", "posts"),
}

KEYS: dict[str, tuple[str, ...]] = {
    "trend_tags_daily": ("post_date", "tag_key"),
    "trend_tags_weekly": ("week_start", "tag_key"),
    "trend_entities_daily": ("post_date", "entity_key"),
    "trend_stories_daily": ("post_date", "model"),
    "trend_story_lifespans": ("story_id",),
    "trend_domains_weekly": ("week_start", "domain"),
    "trend_models_weekly": ("week_start", "model"),
}
"""The grain of each table: unique by construction, checked rather than indexed."""

COUNTS: dict[str, tuple[str, ...]] = {
    "trend_tags_daily": ("posts", "prev_posts"),
    "trend_tags_weekly": ("posts", "prev_posts"),
    "trend_entities_daily": ("mentions", "models", "mentions_7d"),
    "trend_stories_daily": ("items", "stories", "new_stories", "continuing_stories", "ended_stories"),
    "trend_story_lifespans": (
        *("lifespan_days", "days_seen", "mention_count", "model_count"),
        *("peak_mentions", "longest_gap_days", "quiet_days"),
    ),
    "trend_domains_weekly": ("citations", "posts", "prev_citations"),
    "trend_models_weekly": ("posts", "items", "citations", "stories", "new_stories"),
}
"""Columns that count something and so can never be negative (changes can)."""

_CALENDAR_DAYS = (
    "SELECT unnest(generate_series(min(post_date), max(post_date), INTERVAL 1 DAY))::DATE AS d FROM posts"
)
GAPS: dict[str, str] = {
    "trend_stories_daily": f"""
        SELECT c.d::VARCHAR || ' ' || m.model FROM ({_CALENDAR_DAYS}) c
        CROSS JOIN (SELECT DISTINCT model FROM posts) m
        ANTI JOIN trend_stories_daily t ON t.post_date = c.d AND t.model = m.model
    """,
    # The days after a mention, up to the rolling window's end, must each have a row: walking each
    # name's rows in order (one sort, not a probe per day), a row still inside a mention's window and
    # before the last post date must be followed by the next day's row. Only rows from the day before
    # the last refresh's first rewritten day are reported; the window before that gives their context.
    "trend_entities_daily": f"""
        SELECT entity_key || ' ' || (post_date + 1)::VARCHAR FROM (
            SELECT entity_key, post_date,
                   lead(post_date) OVER (PARTITION BY entity_key ORDER BY post_date) AS next_day,
                   max(post_date) FILTER (mentions > 0) OVER (
                       PARTITION BY entity_key ORDER BY post_date ROWS UNBOUNDED PRECEDING
                   ) AS last_mention
            FROM trend_entities_daily WHERE post_date >= $context_from
        )
        WHERE next_day IS DISTINCT FROM post_date + 1
          AND post_date < least(last_mention + {ROLLING_DAYS - 1}, (SELECT max(post_date) FROM posts))
          AND post_date >= $report_from
    """,
    "trend_models_weekly": f"""
        SELECT w.d::VARCHAR || ' ' || m.model FROM (
            SELECT unnest(generate_series({_WEEK.format("min(post_date)")}, {_WEEK.format("max(post_date)")},
                                          INTERVAL 7 DAY))::DATE AS d FROM posts
        ) w CROSS JOIN (SELECT DISTINCT model FROM posts) m
        ANTI JOIN trend_models_weekly t ON t.week_start = w.d AND t.model = m.model
    """,
}
"""Series promised to be gap-free: each query lists the missing (period, key) rows."""


def share_violations(con: duckdb.DuckDBPyConnection, table: str, limit: int = 20) -> list[str]:
    """Shares outside [0, 1], and periods whose shares do not sum to 1 although they have counts."""
    rule = SHARES[table]
    return [
        row[0]
        for row in con.execute(
            f"""
            SELECT {rule.period}::VARCHAR || ': ' || CASE
                WHEN min({rule.share}) < 0 OR max({rule.share}) > 1 THEN 'share outside [0, 1]'
                ELSE 'shares sum to ' || round(sum({rule.share}), 6)::VARCHAR END
            FROM "{table}" GROUP BY {rule.period}
            HAVING min({rule.share}) < 0 OR max({rule.share}) > 1
                OR (sum({rule.count}) > 0 AND abs(sum({rule.share}) - 1) > 1e-9)
                OR (sum({rule.count}) = 0 AND sum({rule.share}) <> 0)
            ORDER BY 1 LIMIT {int(limit)}
            """
        ).fetchall()
    ]


def negative_counts(con: duckdb.DuckDBPyConnection, table: str) -> dict[str, int]:
    """Rows with a negative value, per count column that has any."""
    columns = COUNTS[table]
    totals = con.execute(
        "SELECT " + ", ".join(f'count(*) FILTER ("{c}" < 0)' for c in columns) + f' FROM "{table}"'
    ).fetchall()[0]
    return {column: n for column, n in zip(columns, totals, strict=True) if n}


def series_gaps(con: duckdb.DuckDBPyConnection, table: str, limit: int = 20) -> list[str]:
    """The (period, key) rows a gap-free series is missing (among those its last refresh wrote)."""
    sql = GAPS[table]
    whole, since = last_refresh(con, table)
    if not whole and since is None:
        return []
    report_from = dt.date.min if whole else since - dt.timedelta(days=1)
    scope = {
        "report_from": report_from,
        "context_from": max(dt.date.min + dt.timedelta(days=ROLLING_DAYS), report_from)
        - dt.timedelta(days=ROLLING_DAYS),
    }
    parameters = _parameters(sql) | {name: value for name, value in scope.items() if f"${name}" in sql}
    rows = con.execute(f"{sql} ORDER BY 1 LIMIT {int(limit)}", parameters).fetchall()
    return [row[0] for row in rows]


# --- The data behind the charts the trend assets attach. ---


def top_tags_by_week(
    con: duckdb.DuckDBPyConnection, top: int = 8, weeks: int = 26
) -> tuple[list[dt.date], list[tuple[str, list[int]]]]:
    """The latest weeks, and the posts per week of the tags most used over them."""
    periods = [
        row[0]
        for row in con.execute(
            "SELECT DISTINCT week_start FROM trend_models_weekly ORDER BY 1 DESC LIMIT $weeks",
            {"weeks": weeks},
        ).fetchall()
    ][::-1]
    if not periods:
        return [], []
    rows = con.execute(
        """
        WITH recent AS (SELECT * FROM trend_tags_weekly WHERE week_start >= $since),
        leaders AS (
            SELECT tag_key, any_value(tag) AS tag FROM recent GROUP BY tag_key
            ORDER BY sum(posts) DESC, tag_key LIMIT $top
        )
        SELECT l.tag, list(coalesce(r.posts, 0) ORDER BY w.week_start)
        FROM leaders l CROSS JOIN unnest($weeks::DATE[]) w(week_start)
        LEFT JOIN recent r ON r.tag_key = l.tag_key AND r.week_start = w.week_start
        GROUP BY l.tag, l.tag_key ORDER BY sum(coalesce(r.posts, 0)) DESC, l.tag_key
        """,
        {"since": periods[0], "top": top, "weeks": periods},
    ).fetchall()
    return periods, [(tag, counts) for tag, counts in rows]


def story_activity_by_day(
    con: duckdb.DuckDBPyConnection, days: int = 90
) -> tuple[list[dt.date], dict[str, list[int]]]:
    """Distinct stories reported per day (new, continuing, and of those the ones that ended), latest days.

    Counted per story, not summed over models: a story two digests report is one story that day.
    Only the latest days' rows are joined, so a daily run's chart costs the same on a history of
    years as of months (on 100k posts, 45 ms when every day was joined and then cut, 14 ms now).
    """
    rows = con.execute(
        """
        WITH calendar AS (
            SELECT DISTINCT post_date FROM trend_stories_daily ORDER BY post_date DESC LIMIT $days
        )
        SELECT c.post_date,
               count(l.story_id) FILTER (l.first_seen = c.post_date),
               count(l.story_id) FILTER (l.first_seen < c.post_date),
               count(l.story_id) FILTER (l.last_seen = c.post_date AND l.status = 'ended')
        FROM calendar c
        LEFT JOIN (
            SELECT * FROM story_timeline WHERE post_date >= (SELECT min(post_date) FROM calendar)
        ) t USING (post_date)
        LEFT JOIN trend_story_lifespans l USING (story_id)
        GROUP BY c.post_date ORDER BY c.post_date DESC
        """,
        {"days": days},
    ).fetchall()[::-1]
    columns = ("new", "continuing", "ended")
    return [r[0] for r in rows], {name: [int(r[i + 1]) for r in rows] for i, name in enumerate(columns)}
