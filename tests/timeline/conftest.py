import datetime as dt

import pytest

from digest_pipeline.timeline.features import TimelineEvent


@pytest.fixture
def make_event():
    """A news item on a day of December 2025 (or a given date), numbered per post."""

    def make(
        event_id: str, day: int | dt.date, headline: str, body: str = "", outlets=(), model: str = "gpt"
    ):
        post_date = day if isinstance(day, dt.date) else dt.date(2025, 12, day)
        position = int(event_id.rsplit("#", 1)[-1]) if "#" in event_id else 1
        return TimelineEvent(event_id, post_date, model, position, headline, body, tuple(outlets))

    return make
