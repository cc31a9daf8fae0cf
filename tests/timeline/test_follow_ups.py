import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from digest_pipeline.timeline.features import TimelineEvent
from digest_pipeline.timeline.follow_ups import (
    ELAPSED_EARLIER,
    ELAPSED_LATER,
    LAUNCH_PRICING_DAYS,
    POSTMORTEM_DAYS,
    cut_after_launch,
    elapsed_follow_up,
    explains,
    may_follow,
    reaction_target,
    reports_market_reaction,
    reports_outage,
    reports_postmortem,
    reports_price_cut,
)


def item(
    headline: str, body: str = "", position: int = 1, day: dt.date = dt.date(2026, 3, 2), model: str = "nova"
) -> TimelineEvent:
    return TimelineEvent(f"{model}-{day}#{position}", day, model, position, headline, body)


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
        "騰訊控股發布混元 3.0",  # 控股: "holdings", a company's name
        "阿里巴巴出售所持股份，套現 50 億美元",  # a stake changing hands
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


@pytest.mark.parametrize(
    "headline",
    [
        "事故復盤：週六大斷線肇因於身分驗證資料庫遷移",
        "Anthropic 發布 12 月 3 日中斷事故報告：推論叢集設定錯誤",
        "事故复盘：交换机固件升级失败",  # simplified script
        "Nova API outage: the postmortem",
    ],
)
def test_a_review_of_an_incident_is_a_postmortem_not_an_outage(headline):
    review = item(headline)
    assert reports_postmortem(review)
    assert not reports_outage(review)


def test_an_outage_headline_is_an_outage():
    assert reports_outage(item("服務中斷：Nova API 與控制台週末停擺近 5 小時"))
    assert not reports_outage(item("Nova 3 發布：百萬上下文"))
    assert not reports_postmortem(item("服務中斷：Nova API 與控制台週末停擺近 5 小時"))


def test_a_postmortem_explains_its_own_digests_recent_outages_only():
    day = dt.date(2026, 3, 20)
    review = item("事故復盤：設定錯誤引發連鎖反應", day=day)
    outage = "服務中斷：Nova API 停擺六小時"
    assert explains(review, item(outage, day=day - dt.timedelta(days=9)))
    assert explains(review, item(outage, day=day - dt.timedelta(days=POSTMORTEM_DAYS)))
    assert not explains(review, item(outage, day=day - dt.timedelta(days=POSTMORTEM_DAYS + 1)))
    assert not explains(review, item(outage, day=day))  # the same day: not one it looked back on
    assert not explains(review, item(outage, day=day - dt.timedelta(days=3), model="vega"))
    assert not explains(review, item("Nova 3 發布", day=day - dt.timedelta(days=3)))


@pytest.mark.parametrize(
    ("headline", "expected"),
    [
        ("上線一週：新旗艦拿下七成調用", ("launch", 7)),
        ("新旗艦上線十日：API 調用量翻倍", ("launch", 10)),
        ("降價十天：旗艦調用量翻倍", ("price_cut", 10)),
        ("降价两周：中小开发者回流", ("price_cut", 14)),  # simplified script
        ("V4.5 開源 10 日，下載破百萬", ("launch", 10)),
        ("發布半個月：企業採用加速", ("launch", 15)),
        ("上線二十天，日活破千萬", ("launch", 20)),
        ("開放十五天：完成 1,200 萬次任務", ("launch", 15)),
        ("思考型 K3 發佈近兩週：開發者實測", ("launch", 14)),  # 發佈, and 近 ("nearly")
        ("上線滿一個月，付費用戶破百萬", ("launch", 30)),
        ("Nova 3 發布：百萬上下文", None),
        ("上線首日即當機", None),
    ],
)
def test_a_headline_says_how_long_ago_its_launch_or_price_cut_was(headline, expected):
    assert elapsed_follow_up(item(headline)) == expected


def test_a_follow_up_may_follow_its_digests_item_of_that_kind_about_that_long_before():
    day = dt.date(2026, 3, 20)
    follow_up = item("上線一週：新旗艦調用量翻三倍", day=day)

    def before(days: int, headline: str = "Nova 3 發布：百萬上下文", model: str = "nova") -> TimelineEvent:
        return item(headline, day=day - dt.timedelta(days=days), model=model, position=2)

    assert may_follow(follow_up, "launch", 7, before(7))
    assert may_follow(follow_up, "launch", 7, before(7 - ELAPSED_EARLIER))
    assert may_follow(follow_up, "launch", 7, before(7 + ELAPSED_LATER))
    assert not may_follow(follow_up, "launch", 7, before(7 + ELAPSED_LATER + 1))
    assert not may_follow(follow_up, "launch", 7, before(0))  # the same day is not "a week ago"
    assert not may_follow(follow_up, "launch", 7, before(7, model="vega"))  # another digest's launch
    assert not may_follow(follow_up, "launch", 7, before(7, "價格戰：Nova 旗艦 API 降價五成"))  # no launch
    assert may_follow(follow_up, "price_cut", 7, before(7, "價格戰：Nova 旗艦 API 降價五成"))
    assert not may_follow(follow_up, "launch", 7, before(7, "開源一週：下載破百萬"))  # a follow-up itself


_NUMERALS = "一二三四五六七八九"


def _in_chinese(n: int) -> str:
    """How a writer spells 1-99: 七, 十, 十五, 二十, 三十六."""
    tens, units = divmod(n, 10)
    head = "" if tens == 0 else "十" if tens == 1 else _NUMERALS[tens - 1] + "十"
    return head + (_NUMERALS[units - 1] if units else "")


@given(st.integers(min_value=1, max_value=99), st.sampled_from(["天", "日", "週"]), st.booleans())
def test_a_count_of_days_or_weeks_reads_the_same_in_chinese_numerals_and_in_digits(n, unit, digits):
    count = str(n) if digits else _in_chinese(n)
    per_unit = 7 if unit == "週" else 1
    assert elapsed_follow_up(item(f"上線{count}{unit}：調用量翻倍")) == ("launch", n * per_unit)


def test_a_price_cut_days_after_a_launch_is_another_development():
    day = dt.date(2026, 3, 20)
    cut = item("價格戰：Nova 旗艦 API 全面降價五成", day=day)
    assert reports_price_cut(cut)
    assert not reports_price_cut(item("Nova 3 發布：API 價格比前代降價五成", day=day))  # a launch, priced

    def launch(days: int, headline: str = "Nova 3 發布：百萬上下文") -> TimelineEvent:
        return item(headline, day=day - dt.timedelta(days=days), position=2)

    assert cut_after_launch(cut, launch(LAUNCH_PRICING_DAYS + 1))
    assert not cut_after_launch(cut, launch(LAUNCH_PRICING_DAYS))  # the launch's own pricing
    assert not cut_after_launch(cut, launch(10, "價格戰：Nova 旗艦降價三成"))  # a story of price cuts
    assert not cut_after_launch(cut, launch(10, "用戶信號：Nova App 日活破億"))  # no launch
