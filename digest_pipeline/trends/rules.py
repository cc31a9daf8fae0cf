"""The stated rules behind the trend tables' flags, in one place.

The table comments quote these numbers; change them here and there together.
"""

from __future__ import annotations

RISING_MIN_POSTS = 2
"""A tag is never rising on a single post: one digest alone is not a trend."""

RISING_RATIO = 1.5
"""...and it must reach 1.5 times its previous period (and more than it), so 10 → 11 is not rising."""

ENDED_AFTER_QUIET_DAYS = 7
"""A story is ended once nobody has reported it for a week before the last post date.

Stories recur within days to a few weeks; a week of silence is where most are
over, while a story seen more recently may still continue.
"""

ROLLING_DAYS = 7
"""Width of the entities' rolling count: a week smooths out which weekday a digest skipped."""


def is_rising(posts: int, prev_posts: int) -> bool:
    """The rising rule, for tests and for readers; the SQL applies the same comparison."""
    return posts >= RISING_MIN_POSTS and posts > prev_posts and posts >= RISING_RATIO * prev_posts
