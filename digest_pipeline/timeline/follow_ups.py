"""Items placed by what they follow rather than by their words.

Some follow-ups share almost no words with the development they belong to,
so no pair score can join them, but digests write them in a shape that says
what they follow. Three such shapes are read here; `cluster` applies them.

**A market reaction** reports how the stock market took the news its own post
led with. A digest that reports a release often adds, a few items down, the
market's answer on the same day: 「資本市場：國產算力鏈集體漲停」 after
「DeepSeek‑V4.5 發布」, 「港股反應：百度集團單日漲近 7%」 after 「文心 5.5 登場」,
「資本市場關注與短線波動」 after 「千問 App 全面升級」 in the real seeds. Analysts
count the reaction as part of the development, and so do the labelled sets;
one names a product, the other stocks and indices. So an item whose headline
reports a move of shares (股價, 漲停, 盤後, 市值, a sector's 板塊) is placed in
the story of an earlier item of its own post: an earnings report there if
there is one (a share price answers the results), else the post's first
item. A headline about deals in shares (a funding round, a listing, a stake:
估值, 募資, 上市, 入股) is news of its own, not a reaction.

**A postmortem** (「事故復盤：週六大斷線肇因於身分驗證資料庫遷移」, 「公布 12 月 3 日
中斷事故報告」) explains an outage its digest reported in the days before,
usually without the words the outage was reported in. It joins that
outage's story when the digest reported exactly one outage in the
`POSTMORTEM_DAYS` before (two would leave it to the pair score).

**A follow-up that says how long ago** its development happened
(「上線一週：新旗艦拿下 Claude Code 七成調用」, 「降價十天：旗艦調用量翻倍」,
「開源一週」) follows a launch (or a price cut) its digest reported about that
long before: from `ELAPSED_EARLIER` days less (the first report may come days
after the launch) to `ELAPSED_LATER` days more. Of the digest's items of that
kind in those days, the one it scores best with is its development, when
that score is positive enough (`ScoringConfig.elapsed_follow_up_floor`): a
digest may have launched two things that week.

And one shape that follows nothing: **a price cut** reported more than
`LAUNCH_PRICING_DAYS` after a launch is a development of its own (「價格戰：
深度求索旗艦 API 全面降價五成」 three weeks after the V4.5 release), however
alike the two read: it names the same product and often the same figures.
It never joins a story that a launch founded (`cut_after_launch`); a launch's
own pricing, reported with it, still does.

Pure text tests on `TimelineEvent`s. Both scripts are matched as written
(traditional and simplified), so no item is folded to test it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from digest_pipeline.timeline.features import TimelineEvent

_SHARES = re.compile(r"(?<![一控])股(?!份)|市值|[盤盘][中後后前]|[漲涨跌]停|板[塊块]")
"""Words of a headline about shares. Not 「一股」 ("a wave of"), nor a company's name: 「騰訊控股」
(holdings), 「股份有限公司」 (a stake, 「入股」, is a deal in shares: `_SHARE_DEAL`)."""
_SHARE_PRICE = re.compile(r"股[價价]|[盤盘][中後后前]|[漲涨跌]停|[漲涨跌]幅|下挫|重挫|大[漲涨跌]")
"""A move of a share price, for a headline that says only 「資本市場」: the body must report one."""
_SHARE_DEAL = re.compile(
    r"估值|[融募集]資|[融募集]资|上市|ipo|配售|入股|持股|股[東东]|股[權权]|股份|股票|[收并併]購|[收并併]购"
    r"|要[約约]|[舊旧]股|[增注]資|[增注]资|招股|股改",
    re.IGNORECASE,
)
"""Shares changing hands (a funding round, a listing, a stake, a takeover): news of its own."""
_EARNINGS = re.compile(r"財報|财报|季報|季报|財測|财测|earnings", re.IGNORECASE)
_POSTMORTEM = re.compile(
    r"[復复][盤盘]|事故[報报]告|根因|肇因|事[後后][檢检][討讨]|事[後后][報报]告|post-?mortem|root cause",
    re.IGNORECASE,
)
_OUTAGE = re.compile(r"中[斷断]|[斷断]線|[斷断]线|停[擺摆]|宕[機机]|[當当][機机]|故障|outage", re.IGNORECASE)

_LAUNCH_VERBS = "上線|上线|開源|开源|發布|发布|發佈|发佈|推出|登場|登场|開放|开放|發表|发表"
_PRICE_CUT_VERBS = "降價|降价"
_ELAPSED = re.compile(
    rf"({_LAUNCH_VERBS}|{_PRICE_CUT_VERBS})[後后]?\s*[近約约滿满逾]?\s*([一二兩两三四五六七八九十半]+|\d+)\s*(週|周|天|日|個月|个月)"
)
"""A launch or price cut and how long ago: 上線一週, 降價十天, 開源 10 日, 發布半個月."""
_LAUNCH = re.compile(rf"{_LAUNCH_VERBS}|亮相|問世|问世")
_PRICE_CUT = re.compile(rf"{_PRICE_CUT_VERBS}|價格戰|价格战|腰斬|腰斩|調降|调降|下調|下调")
_DIGITS = {"一": 1, "二": 2, "兩": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNIT_DAYS = {"週": 7, "周": 7, "天": 1, "日": 1, "個月": 30, "个月": 30}
ELAPSED_EARLIER = 5
"""A follow-up may stand this many days less after the first report than it says (a launch is
often first reported days after it happened)..."""
ELAPSED_LATER = 2
"""...and this many more. On the development sets, four more days joined digests-b's price cut
of a week before with the launch of the week before that."""

LAUNCH_PRICING_DAYS = 3
"""Within this many days of a launch's report, a price item is the launch's own pricing."""

POSTMORTEM_DAYS = 14
"""How far back a postmortem looks for the outage it explains: providers publish them within two weeks."""


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


def reports_postmortem(event: TimelineEvent) -> bool:
    """The item's headline reports the cause or review of an incident (復盤, 事故報告, 肇因)."""
    return bool(_POSTMORTEM.search(event.headline))


def reports_outage(event: TimelineEvent) -> bool:
    """The item's headline reports an outage itself (中斷, 宕機, 停擺), not a review of one."""
    return bool(_OUTAGE.search(event.headline)) and not _POSTMORTEM.search(event.headline)


def explains(postmortem: TimelineEvent, outage: TimelineEvent) -> bool:
    """Whether `outage` is one the postmortem may explain: an outage its digest (model) reported
    on one of the `POSTMORTEM_DAYS` days before it."""
    gap = (postmortem.post_date - outage.post_date).days
    return outage.model == postmortem.model and 0 < gap <= POSTMORTEM_DAYS and reports_outage(outage)


def _number(text: str) -> float | None:
    """A count written in digits or in Chinese numerals up to 99 (一, 兩, 十, 十五, 二十); 半 is 0.5."""
    if text.isdigit():
        return float(text)
    if text == "半":
        return 0.5
    if "半" in text:
        return None
    tens, _, units = text.rpartition("十")
    if "十" not in text:
        return float(_DIGITS[text]) if text in _DIGITS else None
    if (tens and tens not in _DIGITS) or (units and units not in _DIGITS):
        return None
    return float(10 * (_DIGITS[tens] if tens else 1) + (_DIGITS[units] if units else 0))


def elapsed_follow_up(event: TimelineEvent) -> tuple[str, float] | None:
    """("launch" or "price_cut", days) when the headline says how long ago its development was."""
    match = _ELAPSED.search(event.headline)
    if match is None:
        return None
    count = _number(match.group(2))
    if count is None:
        return None
    kind = "price_cut" if re.fullmatch(_PRICE_CUT_VERBS, match.group(1)) else "launch"
    return kind, count * _UNIT_DAYS[match.group(3)]


def may_follow(follow_up: TimelineEvent, kind: str, days: float, earlier: TimelineEvent) -> bool:
    """Whether `earlier` may be the launch (or price cut) a follow-up of `days` ago refers to: its
    digest's item of that kind, about that many days before, and no such follow-up itself."""
    gap = (follow_up.post_date - earlier.post_date).days
    if earlier.model != follow_up.model or gap <= 0:
        return False
    if not days - ELAPSED_EARLIER <= gap <= days + ELAPSED_LATER:
        return False
    pattern = _PRICE_CUT if kind == "price_cut" else _LAUNCH
    return bool(pattern.search(earlier.headline)) and elapsed_follow_up(earlier) is None


def reports_price_cut(event: TimelineEvent) -> bool:
    """The item's headline reports a price cut (降價, 價格戰, 腰斬), not a launch with its price."""
    return bool(_PRICE_CUT.search(event.headline)) and not _LAUNCH.search(event.headline)


def cut_after_launch(price_cut: TimelineEvent, founder: TimelineEvent) -> bool:
    """Whether a story whose first item is `founder` is a launch reported more than
    `LAUNCH_PRICING_DAYS` before the price cut (`reports_price_cut`): another development."""
    if (price_cut.post_date - founder.post_date).days <= LAUNCH_PRICING_DAYS:
        return False
    return bool(_LAUNCH.search(founder.headline)) and not _PRICE_CUT.search(founder.headline)
