"""The kind of news a headline reports, for the kinds that are never one development together.

A product's launch, its benchmark scores, its rollout to a partner and the
market's answer to it are one development in every labelled set, and their
headlines share the product's name. But a digest that follows one product
also reports its outage, a lawsuit over it, its price cut, a funding round of
its maker: other developments, named just as alike. The pair score sees one
product; a headline says which kind of news it is.

So each headline is read for the kinds of news below, each a small lexicon in
both scripts. Two items whose headlines both name kinds, and none in common,
report two developments (`kinds_differ`): an outage and a price cut, a lawsuit
and a data centre. Items that name no kind (a launch, a rollout, a benchmark,
most follow-ups) are never kept apart by it, and an item naming two kinds
(「攻擊致服務中斷」) agrees with either.

Left out on purpose: a launch, a benchmark and a market move, which the
labelled sets count as part of the launch they follow, and a launch's own
pricing (定價, 價格): only a *change* of price is a kind. An earlier attempt
that kept twelve kinds apart, launches and prices among them, cost the sets a
release's same-day pricing and its market reaction (`eval/README.md`, "Tried in the late afternoon").

A headline that says its news happened *again* (「Nova 再度當機」, 「再傳裁員」)
reports a new occurrence of that kind, not the earlier one reported again
(`reports_recurrence`): it is kept apart from the earlier items of a kind it
names. Headlines that mean the same in all but the date score as alike in
meaning as in words (`semantic`), and this word is what tells them apart.

Pure text, no Dagster: both scripts are matched as written, so nothing is folded first.
"""

from __future__ import annotations

import re

_KINDS: dict[str, str] = {
    "outage": r"中[斷断]|[斷断][線线]|宕[機机]|[當当][機机]|停[擺摆]|故障|[復复][盤盘]|outage",
    "lawsuit": r"起[訴诉]|提告|[訴诉][訟讼]|告上|控告|官司|判[決决]|[開开]庭|侵[權权]|索[賠赔]|lawsuit",
    "security": r"漏洞|[資资]安|外[洩泄]|[洩泄][漏露]|[駭黑]客|越[獄狱]|攻[擊击]",
    "funding": r"[融募][資资]|估值|注[資资]|[輪轮]融",
    "regulation": r"[監监]管|禁令|[罰罚]款|[實实]體清[單单]|[实實]体清单|立法|法案|反[壟垄][斷断]",
    "price_change": r"[降漲涨][價价]|[調调][價价]|[價价]格[戰战]|腰[斬斩]|[調调][降升]|[下上][調调]",
    "infrastructure": r"[資资]料中心|[數数]據中心|数据中心|[機机]房|可用[區区]|算力中心|data ?cent(?:er|re)",
    "partnership": r"合作|[聯联]手|[攜携]手|[結结]盟|[簽签][約约]",
    "talent": r"[離离]職|加盟|跳槽|挖角|出走|任命|[辭辞]任",
    "earnings": r"[財财][報报]|[營营]收|[財财]測|[獲获]利|[虧亏]損",
}
_PATTERNS = {kind: re.compile(pattern, re.IGNORECASE) for kind, pattern in _KINDS.items()}
KINDS = tuple(_KINDS)


_RECURRENCE = re.compile(r"再度|再次|又一次|二度|第二次|再[傳传爆陷遭]|又[遭傳传爆]|\bagain\b", re.IGNORECASE)


def reports_recurrence(headline: str) -> bool:
    """The headline says its news happened again (再度, 再次, 二度, again): a new occurrence."""
    return _RECURRENCE.search(headline) is not None


def news_kinds(headline: str) -> frozenset[str]:
    """The kinds of news (`KINDS`) the headline names; empty for a launch, a rollout, most follow-ups."""
    return frozenset(kind for kind, pattern in _PATTERNS.items() if pattern.search(headline))


def kinds_differ(a: frozenset[str], b: frozenset[str]) -> bool:
    """Two headlines' kinds say they report different developments: both name kinds, none shared."""
    return bool(a) and bool(b) and a.isdisjoint(b)


def kind_recurs(earlier: frozenset[str], later: frozenset[str], later_recurs: bool) -> bool:
    """The later headline reports its kind of news again (`reports_recurrence`), one the earlier
    headline reports: a second occurrence, another development."""
    return later_recurs and not earlier.isdisjoint(later)
