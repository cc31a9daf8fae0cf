"""Market reactions: an item reporting how the stock market took the news its own post led with.

A digest that reports a release often adds, a few items down, the market's
answer on the same day: 「資本市場：國產算力鏈集體漲停」 after 「DeepSeek‑V4.5 發布」,
「港股反應：百度集團單日漲近 7%」 after 「文心 5.5 登場」, 「資本市場關注與短線波動」
after 「千問 App 全面升級」 in the real seeds. Analysts count the reaction as part
of the development, and so do the labelled sets, but the two items share
almost no words (one names a product, the other stocks and indices), so no
pair score can join them. The structure can: a reaction sits in the post of
the news it reacts to, after it.

So an item whose headline reports a move of shares (股價, 漲停, 盤後, 市值, a
sector's 板塊) is placed in the story of an earlier item of its own post: an
earnings report there if there is one (a share price answers the results),
else the post's first item. A headline about deals in shares (a funding
round, a listing, a stake: 估值, 募資, 上市, 入股) is news of its own, not a reaction.

Pure text tests on `TimelineEvent`s; `cluster` applies them. Both scripts are
matched as written (traditional and simplified), so no item is folded to test it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from digest_pipeline.timeline.features import TimelineEvent

_SHARES = re.compile(r"(?<!一)股|市值|[盤盘][中後后前]|[漲涨跌]停|板[塊块]")
"""Words of a headline about shares (「一股」 is "a wave of", not a share)."""
_SHARE_PRICE = re.compile(r"股[價价]|[盤盘][中後后前]|[漲涨跌]停|[漲涨跌]幅|下挫|重挫|大[漲涨跌]")
"""A move of a share price, for a headline that says only 「資本市場」: the body must report one."""
_SHARE_DEAL = re.compile(
    r"估值|[融募集]資|[融募集]资|上市|ipo|配售|入股|持股|股[東东]|股[權权]|股票|[收并併]購|[收并併]购"
    r"|要[約约]|[舊旧]股|[增注]資|[增注]资|招股|股改",
    re.IGNORECASE,
)
"""Shares changing hands (a funding round, a listing, a stake, a takeover): news of its own."""
_EARNINGS = re.compile(r"財報|财报|季報|季报|財測|财测|earnings", re.IGNORECASE)


def reports_market_reaction(event: TimelineEvent) -> bool:
    """The item's headline reports how shares moved, not a deal in them."""
    headline = event.headline
    if _SHARE_DEAL.search(headline):
        return False
    if _SHARES.search(headline):
        return True
    # A headline saying only 「資本市場」 (「資本市場關注與短線波動」): the body must report a price move.
    return ("資本市場" in headline or "资本市场" in headline) and bool(_SHARE_PRICE.search(event.body))


def reaction_target(earlier: Sequence[TimelineEvent]) -> int | None:
    """Which of the post's earlier items (in order) a market reaction answers: an earnings report
    if there is one, else the first item, the news the post leads with; None when there is none."""
    if not earlier:
        return None
    for k, item in enumerate(earlier):
        if _EARNINGS.search(item.headline):
            return k
    return 0
