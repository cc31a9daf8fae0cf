"""The current-post tables as bulk frames, and their idempotent replacement per date.

A run for some post dates deletes every row those dates own and inserts
the freshly parsed rows in one transaction: running it twice changes
nothing, and a reader never sees a date half written.
"""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import duckdb
import polars as pl
import pyarrow as pa

from digest_pipeline.parallel import map_chunks
from digest_pipeline.posts import ParsedPost, parse_post, tag_key
from digest_pipeline.posts.parse import PARSER_VERSION
from digest_pipeline.warehouse.schema import POST_TABLES, sibling_cursor
from digest_pipeline.warehouse.trend_tables import PENDING_DATE_TABLES

TEXT_LIST = pl.List(pl.Utf8)

TABLE_SCHEMAS: dict[str, dict[str, pl.DataType]] = {
    "posts": {
        "post_id": pl.Utf8,
        "model": pl.Utf8,
        "post_date": pl.Date,
        "title": pl.Utf8,
        "tagline": pl.Utf8,
        "ai_summary": pl.Utf8,
        "trend_summary": pl.Utf8,
        "layout": pl.Utf8,
        "image": pl.Utf8,
        "categories": TEXT_LIST,
        "front_matter": pl.Utf8,
        "source_file": pl.Utf8,
        "content_sha256": pl.Utf8,
        "identity_source": pl.Utf8,
        "item_count": pl.Int32,
        "source_count": pl.Int32,
        "key_point_count": pl.Int32,
        "has_news_section": pl.Boolean,
        "parse_warnings": TEXT_LIST,
    },
    "post_sections": {
        "post_id": pl.Utf8,
        "position": pl.Int32,
        "heading": pl.Utf8,
        "kind": pl.Utf8,
        "body": pl.Utf8,
    },
    "post_tags": {"post_id": pl.Utf8, "position": pl.Int32, "tag": pl.Utf8, "tag_key": pl.Utf8},
    "post_sources": {
        "post_id": pl.Utf8,
        "position": pl.Int32,
        "source_id": pl.Utf8,
        "post_date": pl.Date,
        "title": pl.Utf8,
        "raw_url": pl.Utf8,
        "url": pl.Utf8,
        "domain": pl.Utf8,
        "host": pl.Utf8,
        "url_problems": TEXT_LIST,
    },
    "events": {
        "event_id": pl.Utf8,
        "post_id": pl.Utf8,
        "model": pl.Utf8,
        "post_date": pl.Date,
        "position": pl.Int32,
        "headline": pl.Utf8,
        "body": pl.Utf8,
        "outlets": TEXT_LIST,
        "list_style": pl.Utf8,
        "cited_source_ids": TEXT_LIST,
    },
    "event_outlets": {
        "event_id": pl.Utf8,
        "position": pl.Int32,
        "outlet": pl.Utf8,
        "outlet_key": pl.Utf8,
    },
    "key_points": {"post_id": pl.Utf8, "position": pl.Int32, "text": pl.Utf8},
}


@dataclass(frozen=True)
class CurrentPost:
    """A parsed post with the file facts the tables record about it."""

    parsed: ParsedPost
    source_file: str
    content_sha256: str


def source_id(url: str) -> str:
    """Stable id of a cited URL: the first 16 hex digits of the SHA-256 of its canonical form."""
    return hashlib.sha256(url.encode("utf-8")).hexdigest()[:16]


def link_source_ids(post: ParsedPost) -> dict[int, str]:
    """The source id of each of the post's links, by position: what `NewsItem.cited` refers to."""
    return {link.position: source_id(link.link.url) for link in post.links}


def event_id(post_id: str, position: int) -> str:
    return f"{post_id}#{position}"


POST_ID_OF_EVENT_SQL = "left({column}, length({column}) - strpos(reverse({column}), '#'))"
"""SQL for the post id of an `event_id` column (all before its last '#'), even with no `events` row."""


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _append_post(post: CurrentPost, columns: dict[str, dict[str, list[object]]]) -> None:
    """Append one post's rows to every table's columns (column lists, not a dict per row: building
    the frames from dicts took about 40% of a post's parse-and-load time)."""
    p = post.parsed
    pid, day, model = p.identity.post_id, p.identity.post_date, p.identity.model
    _extend(
        columns["posts"],
        post_id=[pid],
        model=[model],
        post_date=[day],
        title=[p.title],
        tagline=[p.tagline],
        ai_summary=[p.ai_summary],
        trend_summary=[p.trend_summary],
        layout=[p.layout],
        image=[p.image],
        categories=[list(p.categories)],
        front_matter=[_json(p.front_matter)],
        source_file=[post.source_file],
        content_sha256=[post.content_sha256],
        identity_source=[p.identity.identity_source],
        item_count=[len(p.items)],
        source_count=[len(p.links)],
        key_point_count=[len(p.key_points)],
        has_news_section=[p.has_news_section],
        parse_warnings=[list(p.warnings)],
    )
    sections = p.sections
    _extend(
        columns["post_sections"],
        post_id=[pid] * len(sections),
        position=[s.position for s in sections],
        heading=[s.heading for s in sections],
        kind=[s.kind for s in sections],
        body=[s.body for s in sections],
    )
    _extend(
        columns["post_tags"],
        post_id=[pid] * len(p.tags),
        position=list(range(1, len(p.tags) + 1)),
        tag=list(p.tags),
        tag_key=[tag_key(tag) for tag in p.tags],
    )
    urls = [link.link for link in p.links]
    link_ids = link_source_ids(p)
    _extend(
        columns["post_sources"],
        post_id=[pid] * len(urls),
        position=list(link_ids),
        source_id=list(link_ids.values()),
        post_date=[day] * len(urls),
        title=[link.title for link in p.links],
        raw_url=[u.raw for u in urls],
        url=[u.url for u in urls],
        domain=[u.domain for u in urls],
        host=[u.host for u in urls],
        url_problems=[list(u.problems) for u in urls],
    )
    items = p.items
    event_ids = [event_id(pid, item.position) for item in items]
    _extend(
        columns["events"],
        event_id=event_ids,
        post_id=[pid] * len(items),
        model=[model] * len(items),
        post_date=[day] * len(items),
        position=[item.position for item in items],
        headline=[item.headline for item in items],
        body=[item.body for item in items],
        outlets=[list(item.outlets) for item in items],
        list_style=[item.list_style for item in items],
        cited_source_ids=[[link_ids[position] for position in item.cited] for item in items],
    )
    outlets = columns["event_outlets"]
    for eid, item in zip(event_ids, items, strict=True):
        _extend(
            outlets,
            event_id=[eid] * len(item.outlets),
            position=list(range(1, len(item.outlets) + 1)),
            outlet=list(item.outlets),
            outlet_key=[tag_key(outlet) for outlet in item.outlets],
        )
    _extend(
        columns["key_points"],
        post_id=[pid] * len(p.key_points),
        position=list(range(1, len(p.key_points) + 1)),
        text=list(p.key_points),
    )


def _extend(table: dict[str, list[object]], **values: list[object]) -> None:
    for name, column in values.items():
        table[name].extend(column)


PARALLEL_MIN_POSTS = 2000
"""Below this many posts a run parses in its own process: workers would cost more than they save."""


def parse_current(source_file: str, sha: str, text: str, front_matter: str | None = None) -> CurrentPost:
    """Parse one current version, naming the file if it breaks (a bare traceback would not).

    `front_matter` is the JSON the scan read from the version's YAML (None for
    versions scanned before it was kept: their YAML is read again).
    """
    try:
        meta = json.loads(front_matter) if front_matter is not None else None
        return CurrentPost(parse_post(text, source_file, meta), source_file, sha)
    except Exception as err:
        raise RuntimeError(f"could not parse {source_file} ({sha[:12]}): {err}") from err


def parsed_table_frames(
    versions: Iterable[tuple[str, ...]],
    workers: int | None = None,
    parallel_from: int = PARALLEL_MIN_POSTS,
) -> dict[str, pl.DataFrame]:
    """Parse (source_file, sha, text[, front matter]) versions into the post tables' frames, on every core.

    Each worker parses a chunk and builds its frames; only frames (Arrow
    buffers) come back, and they are concatenated once.
    """
    parts = list(map_chunks(_frames_of_chunk, versions, 500, parallel_from, workers))
    if not parts:
        return post_table_frames([])
    return {table: pl.concat([part[table] for part in parts], rechunk=True) for table in POST_TABLES}


def _frames_of_chunk(chunk: tuple[tuple[str, ...], ...]) -> dict[str, pl.DataFrame]:
    return post_table_frames(parse_current(*version) for version in chunk)


def post_table_frames(posts: Iterable[CurrentPost]) -> dict[str, pl.DataFrame]:
    """One frame per current-post table, typed to match the DuckDB schema."""
    columns = {table: {name: [] for name in TABLE_SCHEMAS[table]} for table in POST_TABLES}
    for post in posts:
        _append_post(post, columns)
    return {table: _frame(columns[table], TABLE_SCHEMAS[table]) for table in POST_TABLES}


def _frame(columns: dict[str, list[object]], schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """A typed frame from column lists; list columns go through Arrow, which builds them in C
    (polars makes a Series of each Python list: most of the frames' time for the post tables)."""
    return pl.DataFrame(
        {
            name: pl.Series(name, pa.array(columns[name], type=_ARROW_TEXT_LIST))
            if dtype == TEXT_LIST
            else pl.Series(name, columns[name], dtype=dtype)
            for name, dtype in schema.items()
        }
    )


_ARROW_TEXT_LIST = pa.list_(pa.string())


_DELETE_FOR_DATES = {
    # Children first; a post is owned by its date, so every version ever seen for
    # these dates is cleared (a post's rows can never outlive a rebuild of its date).
    "event_outlets": "DELETE FROM event_outlets WHERE event_id IN "
    "(SELECT event_id FROM events WHERE post_date IN (SELECT post_date FROM run_dates))",
    "events": "DELETE FROM events WHERE post_date IN (SELECT post_date FROM run_dates)",
    "post_sources": "DELETE FROM post_sources WHERE post_date IN (SELECT post_date FROM run_dates)",
    "post_sections": "DELETE FROM post_sections WHERE post_id IN (SELECT post_id FROM run_posts)",
    "post_tags": "DELETE FROM post_tags WHERE post_id IN (SELECT post_id FROM run_posts)",
    "key_points": "DELETE FROM key_points WHERE post_id IN (SELECT post_id FROM run_posts)",
    "posts": "DELETE FROM posts WHERE post_date IN (SELECT post_date FROM run_dates)",
}


def current_versions(con: duckdb.DuckDBPyConnection, post_dates: list[dt.date]) -> list[tuple[str, ...]]:
    """(source_file, content_sha256, content, front_matter) of each post's current version on these dates.

    The range condition lets DuckDB skip row groups by their min/max dates
    (a batch is consecutive dates); the list then picks the exact dates.
    """
    if not post_dates:
        return []
    return con.execute(
        """
        SELECT source_file, content_sha256, content, front_matter FROM post_versions
        WHERE is_current AND post_date BETWEEN $first AND $last AND list_contains($dates::DATE[], post_date)
        ORDER BY post_id
        """,
        {"dates": post_dates, "first": min(post_dates), "last": max(post_dates)},
    ).fetchall()


def parsed_batches(
    con: duckdb.DuckDBPyConnection, batches: Iterable[Sequence[dt.date]]
) -> Iterator[tuple[list[dt.date], int, dict[str, pl.DataFrame]]]:
    """(dates, posts, frames) per batch of post dates; the next batch is parsed while this one is written.

    Parsing is the workers' work and writing DuckDB's, so a backfill of many
    batches keeps both busy: before a batch is yielded to the caller to
    write, the next one is handed to a thread that reads its versions (on its
    own cursor) and feeds them to the worker processes. Memory holds the
    batch being written and the one being parsed, never the whole range.
    """

    def read_and_parse(cursor: duckdb.DuckDBPyConnection, batch: list[dt.date]):
        versions = current_versions(cursor, batch)
        return len(versions), parsed_table_frames(versions)

    parser = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="parse")
    with sibling_cursor(con) as cursor, parser:
        pending: tuple[list[dt.date], concurrent.futures.Future] | None = None
        for batch in map(list, batches):
            parsing = parser.submit(read_and_parse, cursor, batch)
            if pending is not None:
                yield pending[0], *pending[1].result()
            pending = (batch, parsing)
        if pending is not None:
            yield pending[0], *pending[1].result()


def replace_post_dates(
    con: duckdb.DuckDBPyConnection, post_dates: list[dt.date], frames: dict[str, pl.DataFrame]
) -> None:
    """Delete everything the given dates own and insert the new frames, in one transaction."""
    run_dates = pl.DataFrame({"post_date": post_dates}, schema={"post_date": pl.Date})
    con.execute("BEGIN TRANSACTION")
    try:
        con.register("run_dates", run_dates)
        con.execute(
            "CREATE OR REPLACE TEMP TABLE run_posts AS SELECT DISTINCT post_id FROM post_versions "
            "WHERE post_date IN (SELECT post_date FROM run_dates)"
        )
        # The URLs these dates cited before and after: `sources` recounts only those.
        con.execute(
            "INSERT INTO pipeline.sources_pending SELECT DISTINCT source_id FROM post_sources "
            "WHERE post_date IN (SELECT post_date FROM run_dates)"
        )
        for statement in _DELETE_FOR_DATES.values():
            con.execute(statement)
        for table in POST_TABLES:
            con.register("frame", frames[table])
            con.execute(f'INSERT INTO "{table}" BY NAME SELECT * FROM frame')
            con.unregister("frame")
        con.register("frame", frames["post_sources"].select("source_id").unique())
        con.execute("INSERT INTO pipeline.sources_pending SELECT source_id FROM frame")
        con.unregister("frame")
        # The timeline looks for new, changed or withdrawn items on these dates only.
        con.execute("INSERT INTO pipeline.timeline_pending SELECT post_date FROM run_dates")
        # Which parser wrote these dates: after a parser upgrade the others are parsed again.
        con.execute(
            "INSERT OR REPLACE INTO pipeline.parsed_dates SELECT post_date, $version FROM run_dates",
            {"version": PARSER_VERSION},
        )
        # And the trend tables recompute these dates (the day-by-day series: from the earliest on).
        con.execute(
            "INSERT INTO pipeline.trends_pending SELECT t.table_name, d.post_date "
            "FROM unnest($tables::VARCHAR[]) t(table_name) CROSS JOIN run_dates d",
            {"tables": list(PENDING_DATE_TABLES)},
        )
        con.unregister("run_dates")
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise


_SOURCES_FROM_CITATIONS = """
INSERT INTO sources
SELECT source_id,
       any_value(url),
       first(raw_url ORDER BY post_date, post_id, position),
       any_value(domain),
       any_value(host),
       first(title ORDER BY post_date DESC, post_id DESC, position DESC),
       count(*),
       count(DISTINCT post_id),
       min(post_date),
       max(post_date),
       len(any_value(url_problems)) > 0,
       any_value(url_problems)
FROM post_sources
{where}
GROUP BY source_id
ORDER BY source_id
"""
FULL_REFRESH_SHARE = 0.25
"""When more than this share of the known URLs is pending, one GROUP BY over everything is cheaper."""


def refresh_sources(
    con: duckdb.DuckDBPyConnection, full_refresh_share: float = FULL_REFRESH_SHARE
) -> dict[str, int]:
    """Bring `sources` up to date with `post_sources`, recounting only the pending URLs.

    The post-date rebuilds record every URL their dates cited before and
    after (`pipeline.sources_pending`); those rows are deleted and recounted
    from their citations (a URL no longer cited anywhere just goes), so a
    daily run touches a day's URLs, not every URL ever cited. A first build,
    or one where most URLs are pending, rebuilds the table in one GROUP BY.
    """
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(
            "CREATE OR REPLACE TEMP TABLE stale AS SELECT DISTINCT source_id FROM pipeline.sources_pending"
        )
        stale = con.execute("SELECT count(*) FROM stale").fetchall()[0][0]
        known = con.execute("SELECT count(*) FROM sources").fetchall()[0][0]
        full = stale > full_refresh_share * known
        if full:
            con.execute("DELETE FROM sources")
            con.execute(_SOURCES_FROM_CITATIONS.format(where=""))
        elif stale:
            # The dates citing a stale URL, found from the narrow `source_id` column: the recount
            # then reads those dates' row groups only (`post_date` zone maps), where it read every
            # column of every citation. A day's new URLs are cited that day alone (the 100k bench
            # day's recount: 0.05-0.06 s -> 0.02 s).
            con.execute(
                "CREATE OR REPLACE TEMP TABLE stale_dates AS SELECT DISTINCT post_date FROM post_sources "
                "WHERE source_id IN (SELECT source_id FROM stale)"
            )
            con.execute("DELETE FROM sources WHERE source_id IN (SELECT source_id FROM stale)")
            only_stale = (
                "WHERE post_date IN (SELECT post_date FROM stale_dates) "
                "AND source_id IN (SELECT source_id FROM stale)"
            )
            con.execute(_SOURCES_FROM_CITATIONS.format(where=only_stale))
            con.execute("DROP TABLE stale_dates")
        con.execute("DELETE FROM pipeline.sources_pending")
        # Noted for the orphan check: only these URLs can have lost their row.
        con.execute("DELETE FROM pipeline.sources_recounted")
        if full:
            con.execute("INSERT INTO pipeline.sources_recounted VALUES (NULL)")
        else:
            con.execute("INSERT INTO pipeline.sources_recounted SELECT source_id FROM stale")
        con.execute("DROP TABLE stale")
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return {"recounted": stale, "full_rebuild": int(full)}
