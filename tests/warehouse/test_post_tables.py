"""Post tables from many posts: the parallel parse must give the serial parse's rows."""

from pathlib import Path

import pytest
from polars.testing import assert_frame_equal

from digest_pipeline.posts.parse import decode_post
from digest_pipeline.warehouse.post_tables import parse_current, parsed_table_frames, post_table_frames
from digest_pipeline.warehouse.schema import POST_TABLES

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


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


def test_a_post_that_breaks_the_parser_is_named():
    with pytest.raises(RuntimeError, match=r"broken\.md"):
        parse_current("broken.md", "f" * 64, None)  # type: ignore[arg-type]


def test_no_posts_give_empty_typed_frames():
    frames = parsed_table_frames([])
    assert all(frames[table].height == 0 for table in POST_TABLES)
