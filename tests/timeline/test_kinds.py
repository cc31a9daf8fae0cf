import pytest

from digest_pipeline.timeline.kinds import KINDS, kind_recurs, kinds_differ, news_kinds, reports_recurrence


@pytest.mark.parametrize(
    ("headline", "kind"),
    [
        ("Nova API 全球中斷逾三小時，企業用戶受波及", "outage"),
        ("事故復盤：週六大斷線肇因於資料庫遷移", "outage"),
        ("千帆平台宕机两小时", "outage"),  # simplified script
        ("12 家出版社起訴 Nova 實驗室，求償 185 億日圓", "lawsuit"),
        ("版權官司首度開庭，法官追問訓練資料來源", "lawsuit"),
        ("資安研究員揭露 Nova 3 越獄漏洞", "security"),
        ("融資傳聞：Nova 實驗室洽募 250 億美元，估值上看 4,000 億", "funding"),
        ("商務部將 Nova 實驗室列入實體清單", "regulation"),
        ("價格戰再起：Nova 3 API 輸入價砍六成", "price_change"),
        ("Nova 3 API 降价五成", "price_change"),
        ("沙特第二可用區提前開服", "infrastructure"),
        ("Nova 實驗室與三星簽約，手機預載助理", "partnership"),
        ("研究主管離職，加入對手超級智慧實驗室", "talent"),
        ("Q3 財報：雲端營收年增 48%", "earnings"),
    ],
)
def test_a_headline_names_its_kind_of_news(headline, kind):
    assert kind in KINDS
    assert kind in news_kinds(headline)


@pytest.mark.parametrize(
    "headline",
    [
        "Nova 實驗室發布 Nova 3：百萬上下文、原生多模態",  # a launch
        "Nova 3 API 定價出爐：每百萬 token 2 美元",  # a launch's own pricing is no price change
        "排行榜：Nova 3 登頂 LMArena 文字榜",  # a benchmark
        "上線一週：Nova 3 日調用量翻三倍",  # a follow-up
        "市場反應：Nova 概念股漲停",  # the market's answer to a launch
    ],
)
def test_launches_benchmarks_and_follow_ups_name_no_kind(headline):
    assert news_kinds(headline) == frozenset()


def test_kinds_differ_only_when_both_name_kinds_and_share_none():
    outage, cut = frozenset({"outage"}), frozenset({"price_change"})
    attack = frozenset({"security", "outage"})  # 「攻擊致服務中斷」
    assert kinds_differ(outage, cut)
    assert not kinds_differ(outage, attack)  # one kind in common
    assert not kinds_differ(outage, frozenset())  # a launch is kept apart from nothing
    assert not kinds_differ(frozenset(), frozenset())
    assert kinds_differ(news_kinds("Nova API 全球中斷三小時"), news_kinds("Nova 3 API 全面降價五成"))


@pytest.mark.parametrize(
    ("headline", "recurs"),
    [
        ("Nova 再度當機：影像生成服務停擺兩小時", True),
        ("Vega 再次調降 API 價格", True),
        ("Orion 二度遭駭", True),
        ("Orion hit by an outage again", True),
        ("服務中斷：Nova API 與控制台停擺近 5 小時", False),
        ("再生能源資料中心啟用", False),  # 再 of 再生 is not "again"
    ],
)
def test_a_headline_saying_again_reports_a_new_occurrence(headline, recurs):
    assert reports_recurrence(headline) is recurs


def test_a_kind_reported_again_is_another_development_of_that_kind_only():
    outage = news_kinds("Nova 再度當機")
    assert kind_recurs(news_kinds("服務中斷：Nova API 停擺"), outage, later_recurs=True)
    assert not kind_recurs(news_kinds("Nova 3 發布"), outage, later_recurs=True)  # no earlier outage
    assert not kind_recurs(news_kinds("服務中斷：Nova API 停擺"), outage, later_recurs=False)
