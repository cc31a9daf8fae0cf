"""Post tables from many posts: the parallel parse must give the serial parse's rows."""

import datetime as dt
import re
import threading
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from digest_pipeline.ingest import list_posts_folder
from digest_pipeline.posts import front_matter
from digest_pipeline.posts.parse import decode_post
from digest_pipeline.warehouse import post_tables
from digest_pipeline.warehouse.post_tables import (
    current_versions,
    parse_current,
    parsed_batches,
    parsed_table_frames,
    post_table_frames,
    refresh_sources,
    replace_post_dates,
)
from digest_pipeline.warehouse.schema import POST_TABLES
from digest_pipeline.warehouse.versions import record_scan

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "posts"


def seed_versions():
    return [
        (path.name, "0" * 64, decode_post(path.read_bytes()))
        for path in sorted(SEEDS.iterdir())
        if path.is_file()
    ]


def test_parsing_on_two_cores_gives_the_same_frames_in_the_same_order():
    versions = seed_versions()
    serial = post_table_frames(parse_current(*v) for v in versions)
    parallel = parsed_table_frames(versions, workers=2, parallel_from=1)
    assert set(parallel) == set(POST_TABLES)
    for table in POST_TABLES:
        assert_frame_equal(parallel[table], serial[table])
    assert parallel["events"].height > 0


def test_the_front_matter_the_scan_kept_spares_reading_the_yaml_again(con, monkeypatch):
    record_scan(con, list_posts_folder(FIXTURES), dt.datetime(2026, 1, 1))
    dates = [day for (day,) in con.execute("SELECT DISTINCT post_date FROM post_versions").fetchall()]
    versions = current_versions(con, dates)
    assert len(versions) >= 5 and all(kept is not None for *_, kept in versions)
    from_yaml = parsed_table_frames([version[:3] for version in versions])

    def no_yaml(_):
        raise AssertionError("the YAML was read again")

    monkeypatch.setattr(front_matter._YAML, "load", no_yaml)
    kept = parsed_table_frames(versions)
    for table in POST_TABLES:
        assert_frame_equal(kept[table], from_yaml[table])
    with pytest.raises(RuntimeError, match="YAML was read again"):
        parsed_table_frames([version[:3] for version in versions])


def test_a_post_that_breaks_the_parser_is_named():
    with pytest.raises(RuntimeError, match=r"broken\.md"):
        parse_current("broken.md", "f" * 64, None)  # type: ignore[arg-type]


def test_no_posts_give_empty_typed_frames():
    frames = parsed_table_frames([])
    assert all(frames[table].height == 0 for table in POST_TABLES)


def _load(con, versions) -> None:
    frames = parsed_table_frames(versions)
    posts = frames["posts"]  # the scan's record of them, which a date rebuild clears by
    con.execute(
        "INSERT OR IGNORE INTO post_versions SELECT post_id, content_sha256, model, post_date, source_file, "
        "identity_source, now(), now(), true, '', NULL FROM posts"
    )
    replace_post_dates(con, sorted(set(posts["post_date"])), frames)


def _sources(con) -> list[tuple]:
    return con.execute("SELECT * FROM sources ORDER BY source_id").fetchall()


def test_sources_recount_only_pending_urls_and_match_a_full_rebuild(con):
    versions = seed_versions()
    _load(con, versions)
    assert refresh_sources(con)["full_rebuild"] == 1  # a first build counts everything at once
    everything = _sources(con)
    assert con.execute("SELECT count(*) FROM pipeline.sources_pending").fetchall() == [(0,)]

    # Re-publish one post: one of its links goes, another is cited twice more, and a new one appears.
    name, _, text = versions[0]
    links = re.findall(r"\]\((https?://[^)\s]+)\)", text)
    gone, kept = links[0], links[1]
    changed = text.replace(f"]({gone})", f"]({kept})").replace(
        f"]({links[2]})", "](https://example.org/brand-new-page)"
    )
    _load(con, [(name, "1" * 64, changed)])
    pending = {r[0] for r in con.execute("SELECT source_id FROM pipeline.sources_pending").fetchall()}
    assert 0 < len(pending) < len(everything)

    result = refresh_sources(con, full_refresh_share=0.9)  # five posts: one is a big share
    assert result == {"recounted": len(pending), "full_rebuild": 0}
    incremental = _sources(con)
    con.execute("INSERT INTO pipeline.sources_pending SELECT source_id FROM post_sources")
    assert refresh_sources(con)["full_rebuild"] == 1
    assert incremental == _sources(con)
    assert incremental != everything
    urls = {r[1] for r in incremental}
    assert "https://example.org/brand-new-page" in urls


def test_a_key_duckdb_enforces_needs_no_scan_and_any_other_is_scanned(con) -> None:
    import duckdb
    import pytest

    from digest_pipeline.warehouse.schema import duplicate_keys, enforced_key

    assert enforced_key(con, "events", ["event_id"]) == "PRIMARY KEY"
    assert enforced_key(con, "post_sources", ["position", "post_id"]) == "PRIMARY KEY"  # any column order
    assert enforced_key(con, "post_sources", ["post_id"]) is None  # not the constrained key
    assert enforced_key(con, "trend_tags_daily", ["post_date", "tag_key"]) is None  # no index by design
    # What the constraint promises: a duplicate never gets in.
    con.execute("CREATE TABLE keyed (k VARCHAR PRIMARY KEY)")
    assert enforced_key(con, "keyed", ["k"]) == "PRIMARY KEY"
    con.execute("INSERT INTO keyed VALUES ('a')")
    with pytest.raises(duckdb.ConstraintException):
        con.execute("INSERT INTO keyed VALUES ('a')")
    # A table built without the constraint (an older schema) has no say, and is scanned.
    con.execute("CREATE TABLE old_events AS SELECT * FROM events")
    con.execute("INSERT INTO old_events (event_id) VALUES ('e1'), ('e1')")
    assert enforced_key(con, "old_events", ["event_id"]) is None
    assert duplicate_keys(con, "old_events", ["event_id"]) == 1


def _record_versions(con, versions) -> list:
    """Put versions in post_versions as the scan would, current; return their dates in order."""
    posts = post_table_frames(parse_current(*v) for v in versions)["posts"]
    con.register("v", pl.DataFrame(versions, schema=["source_file", "sha", "content"], orient="row"))
    con.register("p", posts.select("post_id", "model", "post_date", "source_file", "identity_source"))
    con.execute(
        "INSERT INTO post_versions SELECT p.post_id, v.sha, p.model, p.post_date, p.source_file, "
        "p.identity_source, now(), now(), true, v.content, NULL FROM p JOIN v USING (source_file)"
    )
    return sorted(set(posts["post_date"]))


def test_batches_give_each_batch_the_frames_of_parsing_it_alone(con):
    dates = _record_versions(con, seed_versions())
    batches = [dates[:2], dates[2:3], dates[3:]]
    got = list(parsed_batches(con, batches))
    assert [batch for batch, _, _ in got] == batches
    for batch, posts, frames in got:
        alone = parsed_table_frames(current_versions(con, batch))
        assert posts == alone["posts"].height > 0
        for table in POST_TABLES:
            assert_frame_equal(frames[table], alone[table])


def test_the_next_batch_parses_while_the_caller_writes_this_one(con, monkeypatch):
    dates = _record_versions(con, seed_versions())
    started: list[threading.Event] = [threading.Event() for _ in dates]
    calls = iter(started)

    def parse(versions, *args, **kwargs):
        next(calls).set()
        return parsed_table_frames(versions, *args, **kwargs)

    monkeypatch.setattr(post_tables, "parsed_table_frames", parse)
    batches = parsed_batches(con, [[day] for day in dates])
    next(batches)  # the caller holds the first batch (writing it) and asks for nothing more
    assert started[1].wait(timeout=30), "the second batch did not start parsing"
    assert not started[2].is_set()  # and no further than one batch ahead
    assert len(list(batches)) == len(dates) - 1


def test_a_post_that_breaks_in_a_later_batch_stops_the_batches_naming_it(con):
    dates = _record_versions(con, seed_versions())
    con.execute(
        "UPDATE post_versions SET content = 'no front matter', source_file = 'broken.md' "
        "WHERE post_date = $d",
        {"d": dates[-1]},
    )
    batches = parsed_batches(con, [[day] for day in dates])
    with pytest.raises(RuntimeError, match=r"broken\.md"):
        for _ in batches:
            pass


def test_each_event_names_the_sources_it_reports_and_they_are_the_posts_own(con):
    """`events.cited_source_ids` joins to `post_sources` of the same post (and so to `sources`)."""
    _load(con, seed_versions())
    refresh_sources(con)
    cited, joined, foreign = con.execute(
        """
        WITH c AS (SELECT e.post_id, unnest(e.cited_source_ids) AS source_id FROM events e)
        SELECT count(*), count(p.source_id), count(*) FILTER (s.source_id IS NULL)
        FROM c LEFT JOIN (SELECT DISTINCT post_id, source_id FROM post_sources) p USING (post_id, source_id)
        LEFT JOIN sources s USING (source_id)
        """
    ).fetchall()[0]
    assert cited > 0 and joined == cited and foreign == 0
    # Of one post's links, each backs at most one of its items.
    assert con.execute(
        "SELECT count(*) FROM (SELECT post_id, source_id FROM (SELECT post_id, unnest(cited_source_ids) "
        "AS source_id FROM events) GROUP BY ALL HAVING count(*) > 1)"
    ).fetchall() == [(0,)]
