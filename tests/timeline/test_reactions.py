import datetime as dt

import pytest

from digest_pipeline.timeline.features import TimelineEvent
from digest_pipeline.timeline.reactions import reaction_target, reports_market_reaction


def item(headline: str, body: str = "", position: int = 1) -> TimelineEvent:
    return TimelineEvent(f"nova-2026-03-02#{position}", dt.date(2026, 3, 2), "nova", position, headline, body)


@pytest.mark.parametrize(
    "headline",
    [
        "資本市場：國產算力鏈集體漲停，寒武紀、海光大漲",
        "港股反應：百度集團單日漲近 7%，外資上調目標價",
        "市場震盪：輝達盤中跌 4.1%，國產算力股逆勢走強",
        "资本市场：新模型引爆软件股卖压",  # simplified script
        "Alphabet 市值逼近 4 兆美元",
        "字節概念股漲停潮：帶動 A 股 AI 應用板塊",
    ],
)
def test_a_headline_on_how_shares_moved_is_a_reaction(headline):
    assert reports_market_reaction(item(headline))


@pytest.mark.parametrize(
    "headline",
    [
        "資本市場：傳深度求索首度接觸外部投資人，估值約 3,000 億元",  # a funding round
        "資本市場：傳月之暗面已委任中金、高盛，最快明年赴港上市",  # a listing
        "員工可套現：Perplexity 啟動 4 億美元股票收購要約",  # shares changing hands
        "市場動態：智譜折價配售集資 44 億港元，股價應聲下挫",  # a placing moves the price: its own news
        "掀起一股 AI 眼鏡熱潮",  # 一股: "a wave of", no share
        "Nova 3 發布：百萬上下文、原生多模態",
    ],
)
def test_news_of_its_own_is_no_reaction(headline):
    assert not reports_market_reaction(item(headline, "股價當日下挫 3%。"))


def test_a_capital_markets_headline_needs_a_price_move_in_its_body():
    headline = "資本市場關注與短線波動"
    assert reports_market_reaction(item(headline, "外資看好雲端成長，但股價在宣布升級當日一度下挫逾 3%。"))
    assert not reports_market_reaction(item(headline, "外資券商看好雲端業務帶來的成長動能。"))


def test_a_reaction_answers_an_earnings_report_before_the_lead():
    lead = item("Nova 3 發布", position=1)
    earnings = item("Nova 母公司第四季財報超預期", position=2)
    other = item("Nova 與車廠合作", position=3)
    assert reaction_target([lead, other]) == 0
    assert reaction_target([lead, earnings, other]) == 1
    assert reaction_target([]) is None
