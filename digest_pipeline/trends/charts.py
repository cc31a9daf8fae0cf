"""Charts of the trends, as SVG for the Dagster UI's markdown metadata.

SVG with text left as text (`svg.fonttype: none`), so the browser draws the
labels with its own fonts: tags are often Chinese, and the project ships no
CJK font for matplotlib to embed. The figure API is used directly (no
pyplot), so nothing global changes and no display is needed.

Every run draws both charts, so they are laid out with fixed margins and drawn
once: `bbox_inches="tight"` drew each figure twice, once to measure it (the
two charts of a daily run: 0.22-0.33 s that way, 0.11-0.12 s drawn once). The margins hold the axis
labels and a legend `LEGEND_WIDTH` wide; longer labels are shortened so the
legend stays inside the picture.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import unicodedata
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import matplotlib
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

_STYLE = {
    "svg.fonttype": "none",
    "font.family": ["sans-serif"],
    "font.sans-serif": ["Noto Sans CJK TC", "PingFang TC", "Microsoft JhengHei", "DejaVu Sans"],
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
}


FIGURE_INCHES = (8.0, 3.6)
MARGINS = {"left": 0.08, "right": 0.7, "bottom": 0.2, "top": 0.9}
"""The axes' place in the figure, in figure fractions: the legend goes in the right margin."""
LEGEND_WIDTH = 24
"""A legend label is cut to this many columns: a wide (CJK or full-width) character takes two,
as the browser draws it about twice as wide as a Latin letter."""
MAX_CATEGORY_LABELS = 13
"""Labelled periods on an axis of labels (ISO weeks): half a year of weeks, one in two labelled."""


@dataclass(frozen=True)
class Series:
    """One line of a chart: a label and a value per period."""

    label: str
    values: Sequence[float]


def _figure() -> tuple[Figure, Axes]:
    figure = Figure(figsize=FIGURE_INCHES)
    axes = figure.subplots()
    return figure, axes


def _finish(figure: Figure, axes: Axes, title: str, y_label: str, legend: bool) -> None:
    axes.set_title(title, loc="left")
    axes.set_ylabel(y_label)
    axes.set_ylim(bottom=0)
    axes.yaxis.get_major_locator().set_params(integer=True)
    if legend:
        handles, labels = axes.get_legend_handles_labels()
        axes.legend(
            handles,
            [legend_label(label) for label in labels],
            loc="upper left",
            bbox_to_anchor=(1.01, 1),
            frameon=False,
        )
    figure.autofmt_xdate()
    figure.subplots_adjust(**MARGINS)  # after autofmt_xdate, which sets a bottom margin of its own


def legend_label(label: str) -> str:
    """The label, cut to `LEGEND_WIDTH` columns with an ellipsis when wider."""
    used = 0
    for at, character in enumerate(label):
        used += 2 if unicodedata.east_asian_width(character) in "WF" else 1
        if used > LEGEND_WIDTH:
            return label[: max(at - 1, 0)] + "…"
    return label


def _svg(figure: Figure) -> str:
    buffer = io.StringIO()
    with warnings.catch_warnings():
        # Layout is measured with a Latin font; the browser draws the Chinese glyphs.
        warnings.filterwarnings("ignore", message=r"Glyph \d+ .*missing from font")
        warnings.filterwarnings("ignore", message=r"findfont")
        figure.savefig(buffer, format="svg")
    return buffer.getvalue()


def line_chart(
    title: str, periods: Sequence[dt.date] | Sequence[str], series: Sequence[Series], y_label: str
) -> str:
    """Lines over periods (dates, or labels such as ISO weeks), one per series, with a legend beside."""
    with matplotlib.rc_context(_STYLE):
        figure, axes = _figure()
        for line in series:
            axes.plot(periods, line.values, marker="o", markersize=3, linewidth=1.5, label=line.label)
        if periods and isinstance(periods[0], str):  # one tick per label would overlap past a dozen
            axes.xaxis.set_major_locator(MaxNLocator(MAX_CATEGORY_LABELS, integer=True))
        _finish(figure, axes, title, y_label, legend=bool(series))
        return _svg(figure)


def stacked_steps(
    title: str,
    periods: Sequence[dt.date],
    series: Sequence[Series],
    y_label: str,
    overlay: Series | None = None,
) -> str:
    """Each series a step band per period, stacked on the previous ones, and an optional marked line.

    Bands rather than bars: one filled shape per series instead of one rectangle per period
    and series, which drew three months of days in half the time (0.07 s against
    0.15 s), and read the same. The overlay is for a count that is part of the bands' total
    (stories that ended that day) and so must not be stacked on top of it.
    """
    with matplotlib.rc_context(_STYLE):
        figure, axes = _figure()
        if series:
            axes.stackplot(
                periods, *[part.values for part in series], labels=[part.label for part in series], step="mid"
            )
        if overlay is not None:
            marks = [value or None for value in overlay.values]  # no mark on days with none
            axes.plot(periods, marks, "k_", markersize=9, markeredgewidth=2, label=overlay.label)
        _finish(figure, axes, title, y_label, legend=bool(series))
        return _svg(figure)


def markdown_image(svg: str, alt: str) -> str:
    """The chart inline in markdown, as a data URI (the UI shows it; nothing is fetched)."""
    encoded = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return f"![{alt}](data:image/svg+xml;base64,{encoded})"
