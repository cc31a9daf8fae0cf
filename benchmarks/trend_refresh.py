"""Time the trend tables' full rebuild on a synthetic warehouse of N posts.

Fills the tables the trends read (posts, tags, sources, events, entities,
stories) with generated rows in SQL, then times `refresh_trends` twice: into
empty trend tables, and again over full ones (the daily case). Prints the
total and the time per table.

    .venv/bin/python benchmarks/trend_refresh.py --posts 10000 100000
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import duckdb

from digest_pipeline.warehouse.schema import TREND_TABLES, apply_schema
from digest_pipeline.warehouse.trend_tables import refresh_trends

MODELS = 100
"""Posts per day: a team following a hundred topics."""


def synthetic_warehouse(path: Path, posts: int) -> duckdb.DuckDBPyConnection:
    """Five items, seven tags (of 500), ten links (to 300 domains) and three names (of 5,000) per post."""
    con = duckdb.connect(str(path))
    con.execute("SET threads = 2")
    con.execute("SET enable_progress_bar = false")
    apply_schema(con)
    con.execute(
        f"""
        INSERT INTO posts (post_id, model, post_date, source_file, content_sha256, identity_source,
                           item_count, source_count, key_point_count, has_news_section)
        SELECT 'm' || (i % {MODELS}) || '-' || (i // {MODELS}), 'm' || (i % {MODELS}),
               DATE '2020-01-01' + (i // {MODELS})::INTEGER, 'f', 's', 'front_matter', 5, 10, 0, true
        FROM range({int(posts)}) r(i)
        """
    )
    con.execute(
        "INSERT INTO post_tags SELECT post_id, k, 'tag' || ((hash(post_id) + k * 7919) % 500), "
        "'tag' || ((hash(post_id) + k * 7919) % 500) FROM posts, range(1, 8) r(k)"
    )
    con.execute(
        "INSERT INTO post_sources (post_id, position, source_id, post_date, title, raw_url, url, domain, "
        "host, url_problems) SELECT post_id, k, post_id || k, post_date, '', '', '', "
        "'d' || ((hash(post_id) + k) % 300) || '.com', '', [] FROM posts, range(1, 11) r(k)"
    )
    con.execute(
        "INSERT INTO events (event_id, post_id, model, post_date, position, headline, body, outlets, "
        "list_style) SELECT post_id || '#' || k, post_id, model, post_date, k, 'h', 'b', [], 'numbered' "
        "FROM posts, range(1, 6) r(k)"
    )
    con.execute(
        "INSERT INTO event_entities SELECT event_id, j, 'e' || ((hash(event_id) + j) % 5000), post_date, "
        "model FROM events, range(1, 4) r(j)"
    )
    # About three items per story, spread over the whole history.
    con.execute(
        "INSERT INTO story_events (event_id, story_id, post_date, model, fingerprint) "
        "SELECT event_id, 'S' || (hash(event_id) % (count(*) OVER () // 3)), post_date, model, 'x' "
        "FROM events"
    )
    con.execute(
        "INSERT INTO story_timeline SELECT story_id, post_date, count(*), list(DISTINCT model) "
        "FROM story_events GROUP BY ALL"
    )
    con.execute(
        """
        INSERT INTO stories (story_id, headline, first_seen, last_seen, days_seen, mention_count, post_count,
                             models, outlets, source_domains, founding_event_id, representative_event_id)
        SELECT story_id, 'h', min(post_date), max(post_date), count(DISTINCT post_date), count(*), count(*),
               list(DISTINCT model), [], [], min(event_id), min(event_id)
        FROM story_events GROUP BY story_id
        """
    )
    con.execute("CHECKPOINT")
    return con


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, nargs="+", default=[10_000, 100_000])
    args = parser.parse_args()
    for posts in args.posts:
        with tempfile.TemporaryDirectory() as folder:
            con = synthetic_warehouse(Path(folder) / "trends.duckdb", posts)
            started = time.perf_counter()
            rows = refresh_trends(con)
            first = time.perf_counter() - started
            per_table = {}
            for table in TREND_TABLES:
                started = time.perf_counter()
                refresh_trends(con, (table,))
                per_table[table] = time.perf_counter() - started
            print(
                f"{posts:>7} posts ({posts // MODELS} days): trends from empty {first:.2f} s, "
                f"rebuilt over full tables {sum(per_table.values()):.2f} s"
            )
            for table in TREND_TABLES:
                print(f"    {table:<24}{rows[table]:>10} rows {per_table[table]:>7.2f} s")
            con.close()


if __name__ == "__main__":
    main()
