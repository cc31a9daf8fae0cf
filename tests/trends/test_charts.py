"""The trend charts: real SVG with the labels as text, embedded in markdown the UI can show."""

import base64
import datetime as dt
import re

from matplotlib.backends.backend_agg import FigureCanvasAgg

from digest_pipeline.trends import charts
from digest_pipeline.trends.charts import (
    LEGEND_WIDTH,
    MAX_CATEGORY_LABELS,
    Series,
    legend_label,
    line_chart,
    markdown_image,
    stacked_steps,
)

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


def test_legend_labels_are_cut_by_their_drawn_width() -> None:
    assert legend_label("Qwen") == "Qwen"
    latin = legend_label("OpenAI GPT-5.2-Codex release notes and pricing")
    assert latin.endswith("…") and len(latin) == LEGEND_WIDTH
    chinese = legend_label("大型語言模型開源生態系統與社群")  # each character takes two columns
    assert chinese.endswith("…") and len(chinese) <= LEGEND_WIDTH // 2
    assert legend_label("通義千問") == "通義千問"


def test_charts_keep_their_labels_inside_the_picture(monkeypatch) -> None:
    """Fixed margins instead of a measured crop: long legends and half a year of weeks still fit."""
    figures = []
    monkeypatch.setattr(charts, "_svg", lambda figure: figures.append(figure) or "")
    weeks = [f"2026-W{week:02d}" for week in range(1, 27)]
    names = ["OpenAI GPT-5.2-Codex release notes and pricing", "Anthropic Claude Opus 5 launch", "AI"]
    line_chart("Top tags, posts per ISO week", weeks, [Series(n, [3] * 26) for n in names], "posts")
    days = [dt.date(2026, 1, 1) + dt.timedelta(days=d) for d in range(90)]
    stacked_steps(
        "Stories", days, [Series("continuing stories", [2] * 90)], "stories", Series("ended", [1] * 90)
    )
    for figure in figures:
        renderer = FigureCanvasAgg(figure).get_renderer()
        drawn = figure.get_tightbbox(renderer)  # in inches, as the figure's size
        width, height = figure.get_size_inches()
        assert drawn.x0 >= 0 and drawn.y0 >= 0 and drawn.x1 <= width and drawn.y1 <= height
    tick_labels = [t for t in figures[0].axes[0].get_xticklabels() if t.get_text()]
    assert len(tick_labels) <= MAX_CATEGORY_LABELS
