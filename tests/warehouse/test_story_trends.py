"""The trend tables over the stories, refreshed in place run after run, equal a whole rebuild.

Real post-date rebuilds and real timeline runs over synthetic posts: new days one at a time,
several at once, a re-published day whose items change (stories split and merge), a new model.
"""

import datetime as dt

import polars as pl
import pytest

from digest_pipeline.synth import synthesize
from digest_pipeline.timeline.cluster import TimelineConfig
from digest_pipeline.warehouse.post_tables import parsed_table_frames, replace_post_dates
from digest_pipeline.warehouse.timeline_tables import update_timeline
from digest_pipeline.warehouse.trend_tables import STORY_TABLES, TREND_QUERIES, _parameters, refresh_trends

CONFIG = TimelineConfig(window_days=10)


@pytest.fixture(scope="module")
def frames(tmp_path_factory: pytest.TempPathFactory) -> dict[str, pl.DataFrame]:
    folder = tmp_path_factory.mktemp("posts")
    synthesize(5 * 36, folder, models=5, seed=3)
    versions = [(p.name, "0" * 64, p.read_bytes().decode("utf-8-sig")) for p in folder.glob("*.md")]
    return parsed_table_frames(versions)


def of_days(frames: dict[str, pl.DataFrame], days: list[dt.date]) -> dict[str, pl.DataFrame]:
    posts = frames["posts"].filter(pl.col("post_date").is_in(days))["post_id"].to_list()
    events = frames["events"].filter(pl.col("post_id").is_in(posts))["event_id"].to_list()
    return {
        table: frame.filter(
            pl.col("post_id").is_in(posts) if "post_id" in frame.columns else pl.col("event_id").is_in(events)
        )
        for table, frame in frames.items()
    }


def run(con, frames: dict[str, pl.DataFrame], days: list[dt.date]) -> None:
    """One daily run: rebuild the dates, place the items, refresh the story trend tables."""
    for table in ("post_sections", "post_tags", "key_points"):  # found through post_versions, not kept here
        con.execute(
            f"DELETE FROM {table} WHERE post_id IN "
            "(SELECT post_id FROM posts WHERE list_contains($d, post_date))",
            {"d": days},
        )
    replace_post_dates(con, days, frames)
    update_timeline(con, CONFIG)
    refresh_trends(con, STORY_TABLES)


def assert_equal_to_a_whole_rebuild(con) -> None:
    refreshed = {t: sorted(con.execute(f"SELECT * FROM {t}").fetchall(), key=str) for t in STORY_TABLES}
    con.execute("BEGIN TRANSACTION")
    for table in STORY_TABLES:
        sql = TREND_QUERIES[table]
        con.execute(f"DELETE FROM {table}")
        con.execute(f"INSERT INTO {table} BY NAME {sql}", _parameters(sql))
        assert refreshed[table] == sorted(con.execute(f"SELECT * FROM {table}").fetchall(), key=str), table
    con.execute("ROLLBACK")


def test_story_tables_refreshed_in_place_equal_a_whole_rebuild(con, frames, stand_in_embeddings) -> None:
    days = frames["posts"]["post_date"].unique().sort().to_list()
    run(con, of_days(frames, days[:16]), days[:16])
    assert con.execute("SELECT count(*) FROM pipeline.story_trends_pending").fetchall() == [(0,)]
    for day in days[16:22]:  # daily runs
        run(con, of_days(frames, [day]), [day])
        assert_equal_to_a_whole_rebuild(con)
    assert con.execute("SELECT count(*) FROM pipeline.story_trends_pending").fetchall() == [(0,)]

    # A re-published day: each item takes another item's words, so stories split, join and merge.
    day = days[18]
    republished = of_days(frames, [day])
    events = republished["events"]
    republished["events"] = events.with_columns(
        pl.col("headline").shift(1, fill_value=events["headline"][-1]),
        pl.col("body").shift(1, fill_value=events["body"][-1]),
    )
    run(con, republished, [day])
    assert_equal_to_a_whole_rebuild(con)

    cited = of_days(frames, [days[1]])  # re-published with a link less and the same items
    cited["post_sources"] = cited["post_sources"].slice(1)
    run(con, cited, [days[1]])
    assert_equal_to_a_whole_rebuild(con)

    run(con, of_days(frames, days[22:27]), days[22:27])  # several days at once
    assert_equal_to_a_whole_rebuild(con)

    new_model = of_days(frames, [days[27]])  # a model that never posted before: rebuilt whole
    first_post = new_model["posts"]["post_id"][0]
    for table, frame in new_model.items():
        if "model" in frame.columns:
            model = pl.when(
                pl.col("event_id" if "event_id" in frame.columns else "post_id").str.starts_with(first_post)
            )
            new_model[table] = frame.with_columns(
                model.then(pl.lit("newcomer")).otherwise(pl.col("model")).alias("model")
            )
    run(con, new_model, [days[27]])
    assert con.execute("SELECT count(DISTINCT model) FROM trend_stories_daily").fetchall() == [(6,)]
    assert_equal_to_a_whole_rebuild(con)
    for day in days[28:31]:
        run(con, of_days(frames, [day]), [day])
        assert_equal_to_a_whole_rebuild(con)
