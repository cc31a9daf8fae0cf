"""Orphan counts over every row, and over the rows a rebuild of some post dates could orphan."""

import datetime as dt
from pathlib import Path

import pytest

from digest_pipeline.ingest import list_posts_folder
from digest_pipeline.warehouse.integrity import (
    ORPHAN_TABLES,
    current_versions_without_post,
    orphan_rows,
    posts_with_wrong_item_count,
)
from digest_pipeline.warehouse.post_tables import (
    current_versions,
    parsed_table_frames,
    refresh_sources,
    replace_post_dates,
)
from digest_pipeline.warehouse.versions import record_scan

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "posts"


@pytest.fixture
def loaded(con):
    """The fixture posts scanned, written and their sources counted; returns the post dates."""
    record_scan(con, list_posts_folder(FIXTURES), dt.datetime(2026, 1, 1))
    dates = sorted(day for (day,) in con.execute("SELECT DISTINCT post_date FROM post_versions").fetchall())
    replace_post_dates(con, dates, parsed_table_frames(current_versions(con, dates)))
    refresh_sources(con)
    con.execute(
        "INSERT INTO event_entities SELECT event_id, 1, 'x', post_date, model FROM events"
    )  # the timeline writes these; one name an item is enough here
    return dates


def a_post_with_every_kind_of_child(con) -> tuple[str, dt.date]:
    post_id, day = con.execute(
        """
        SELECT p.post_id, p.post_date FROM posts p
        WHERE EXISTS (SELECT 1 FROM post_tags t WHERE t.post_id = p.post_id)
          AND EXISTS (SELECT 1 FROM key_points k WHERE k.post_id = p.post_id)
          AND EXISTS (SELECT 1 FROM event_outlets o WHERE o.event_id IN
                      (SELECT event_id FROM events e WHERE e.post_id = p.post_id))
        ORDER BY p.post_id LIMIT 1
        """
    ).fetchall()[0]
    return post_id, day


def test_a_clean_warehouse_has_no_orphans_counted_either_way(con, loaded) -> None:
    for table in ORPHAN_TABLES:
        assert orphan_rows(con, table) == 0
        assert orphan_rows(con, table, loaded) == 0
        assert orphan_rows(con, table, loaded[:1]) == 0


def test_children_left_by_a_deleted_post_are_counted_on_its_date_only(con, loaded) -> None:
    post_id, day = a_post_with_every_kind_of_child(con)
    con.execute("DELETE FROM events WHERE post_id = $p", {"p": post_id})
    con.execute("DELETE FROM posts WHERE post_id = $p", {"p": post_id})
    other_day = next(d for d in loaded if d != day)
    children = set(ORPHAN_TABLES) - {"events", "sources"}
    for table in children:
        whole = orphan_rows(con, table)
        assert whole > 0, table
        assert orphan_rows(con, table, [day]) == whole, table  # the post's date holds them all
        assert orphan_rows(con, table, [other_day]) == 0, table  # another date cannot have lost them


def test_a_source_removed_while_cited_is_counted_when_it_was_recounted(con, loaded) -> None:
    source_id, cited_on = con.execute(
        "SELECT source_id, min(post_date) FROM post_sources GROUP BY ALL ORDER BY ALL LIMIT 1"
    ).fetchall()[0]
    con.execute("DELETE FROM sources WHERE source_id = $s", {"s": source_id})
    elsewhere = [
        d
        for d in loaded
        if d != cited_on
        and not con.execute(
            "SELECT count(*) FROM post_sources WHERE source_id = $s AND post_date = $d",
            {"s": source_id, "d": d},
        ).fetchall()[0][0]
    ]
    assert elsewhere
    citations = orphan_rows(con, "sources")
    assert citations > 0
    assert orphan_rows(con, "sources", [cited_on]) >= 1  # the date citing it
    con.execute("DELETE FROM pipeline.sources_recounted")
    assert orphan_rows(con, "sources", elsewhere[:1]) == 0  # neither cited there nor recounted
    con.execute("INSERT INTO pipeline.sources_recounted VALUES ($s)", {"s": source_id})
    assert orphan_rows(con, "sources", elsewhere[:1]) == citations  # recounted: every citation looked at
    con.execute("DELETE FROM pipeline.sources_recounted")
    con.execute("INSERT INTO pipeline.sources_recounted VALUES (NULL)")  # a whole recount: every row
    assert orphan_rows(con, "sources", elsewhere[:1]) == citations


def test_no_dates_means_nothing_to_count(con, loaded) -> None:
    con.execute("DELETE FROM posts")
    assert orphan_rows(con, "post_tags", []) == 0
    assert orphan_rows(con, "post_tags") > 0


def test_the_sources_refresh_notes_what_it_recounted(con, loaded) -> None:
    recounted = "SELECT source_id FROM pipeline.sources_recounted ORDER BY ALL"
    assert con.execute(recounted).fetchall() == [(None,)]  # the first refresh rebuilt the whole table
    day = loaded[-1]
    replace_post_dates(con, [day], parsed_table_frames(current_versions(con, [day])))
    refresh_sources(con, full_refresh_share=1.0)
    cited = con.execute(
        "SELECT DISTINCT source_id FROM post_sources WHERE post_date = $d ORDER BY ALL", {"d": day}
    ).fetchall()
    assert cited and con.execute(recounted).fetchall() == cited


def test_item_counts_and_current_versions_are_checked_on_the_given_dates(con, loaded) -> None:
    post_id, day = a_post_with_every_kind_of_child(con)
    other_day = next(d for d in loaded if d != day)
    con.execute("DELETE FROM events WHERE post_id = $p AND position = 1", {"p": post_id})
    assert [row[0] for row in posts_with_wrong_item_count(con)] == [post_id]
    assert [row[0] for row in posts_with_wrong_item_count(con, [day])] == [post_id]
    assert posts_with_wrong_item_count(con, [other_day]) == []
    con.execute("DELETE FROM posts WHERE post_id = $p", {"p": post_id})
    assert current_versions_without_post(con) == [post_id]
    assert current_versions_without_post(con, [day, other_day]) == [post_id]
    assert current_versions_without_post(con, [other_day]) == []
    assert current_versions_without_post(con, []) == []
