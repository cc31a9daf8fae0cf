"""The trend charts: real SVG with the labels as text, embedded in markdown the UI can show."""

import base64
import datetime as dt
import re

from digest_pipeline.trends.charts import Series, line_chart, markdown_image, stacked_bars

DAYS = [dt.date(2026, 1, d) for d in (5, 6, 7)]


def test_line_chart_keeps_chinese_labels_as_text() -> None:
    svg = line_chart("Top tags", ["2026-W01", "2026-W02", "2026-W03"], [Series("阿里雲", [1, 0, 2])], "posts")
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    assert "阿里雲" in svg and "Top tags" in svg  # text, not glyph outlines: the browser's fonts draw it


def test_stacked_bars_draw_one_bar_per_period_and_series_plus_the_overlay() -> None:
    svg = stacked_bars(
        "Stories",
        DAYS,
        [Series("new", [1, 2, 0]), Series("continuing", [0, 1, 3])],
        "stories",
        overlay=Series("ended", [0, 1, 1]),
    )
    for label in ("new", "continuing", "ended"):
        assert label in svg
    assert len(re.findall(r'id="patch_\d+"', svg)) >= 6  # 2 series x 3 days (plus frame and legend patches)


def test_markdown_image_round_trips() -> None:
    svg = line_chart("t", DAYS, [], "n")
    markdown = markdown_image(svg, "alt text")
    match = re.fullmatch(r"!\[alt text\]\(data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)\)", markdown)
    assert match and base64.b64decode(match.group(1)).decode("utf-8") == svg
