"""The trend charts: real SVG with the labels as text, embedded in markdown the UI can show."""

import base64
import datetime as dt
import re

from digest_pipeline.trends.charts import Series, line_chart, markdown_image, stacked_steps

DAYS = [dt.date(2026, 1, d) for d in (5, 6, 7)]


def test_line_chart_keeps_chinese_labels_as_text() -> None:
    svg = line_chart("Top tags", ["2026-W01", "2026-W02", "2026-W03"], [Series("阿里雲", [1, 0, 2])], "posts")
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    assert "阿里雲" in svg and "Top tags" in svg  # text, not glyph outlines: the browser's fonts draw it


def test_stacked_steps_draw_one_band_per_series_plus_the_overlay() -> None:
    svg = stacked_steps(
        "Stories",
        DAYS,
        [Series("new", [1, 2, 0]), Series("continuing", [0, 1, 3])],
        "stories",
        overlay=Series("ended", [0, 1, 1]),
    )
    for label in ("new", "continuing", "ended"):
        assert label in svg
    assert len(re.findall(r'id="FillBetweenPolyCollection_\d+"', svg)) == 2  # a band per series
    assert len(re.findall(r'id="line2d_\d+"', svg)) >= 1  # the overlay's marks


def test_markdown_image_round_trips() -> None:
    svg = line_chart("t", DAYS, [], "n")
    markdown = markdown_image(svg, "alt text")
    match = re.fullmatch(r"!\[alt text\]\(data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)\)", markdown)
    assert match and base64.b64decode(match.group(1)).decode("utf-8") == svg
