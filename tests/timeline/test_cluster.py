import datetime as dt
import random

import numpy as np
import pytest

from digest_pipeline.timeline.cluster import (
    TimelineConfig,
    cluster_events,
    place_events,
    resolve,
    story_id_for,
)
from digest_pipeline.timeline.features import TimelineEvent
from digest_pipeline.timeline.scoring import ScoringConfig
from tests.timeline.scenarios import DEAL_BRIDGE, DEAL_SIDE_A, DEAL_SIDE_B, UNRELATED


def history_of(events, assignment):
    return [(event, assignment[event.event_id]) for event in events]


def recurring_week(make_event):
    """Three recurring stories in new words, a near miss, and one-offs, over two weeks."""
    return [
        make_event(
            "gpt-2025-12-01#1",
            1,
            "OpenAI 發布 GPT-5.2，推理能力大幅提升",
            "OpenAI 宣佈推出 GPT‑5.2 旗艦模型，長文推理與程式能力提升。",
        ),
        make_event(
            "gpt-2025-12-01#2",
            1,
            "OpenAI 與 Disney 簽署授權合作",
            "迪士尼授權角色給 Sora 使用，並投資 OpenAI。",
        ),
        make_event("gpt-2025-12-01#3", 1, "ChatGPT 推出群組聊天功能", "多人可在同一對話中協作。"),
        make_event(
            "gpt-2025-12-04#1",
            4,
            "GPT-5.2-Codex 上線，專攻程式代理",
            "以 GPT-5.2 為基礎的 GPT-5.2-Codex 開放給開發者，可長時間自主修改程式碼。",
        ),
        make_event(
            "gpt-2025-12-04#2",
            4,
            "GPT‑5.2 評測：推理分數領先",
            "第三方評測顯示 GPT-5.2 在長文推理基準領先，OpenAI 旗艦模型表現亮眼。",
        ),
        make_event(
            "gpt-2025-12-04#3",
            4,
            "Disney 入股 OpenAI，角色授權 Sora",
            "Disney 投資 OpenAI 十億美元，並授權旗下角色於 Sora 影片生成。",
        ),
        make_event("gpt-2025-12-09#1", 9, "OpenAI 執行長談 AGI 時程", "Altman 受訪表示 AGI 仍需數年。"),
        make_event(
            "gpt-2025-12-09#2",
            9,
            "GPT-5.2-Codex 企業採用增加",
            "多家企業導入 GPT-5.2-Codex 作為程式代理，自主修改程式碼。",
        ),
    ]


def test_reworded_reports_join_and_near_misses_stay_apart(make_event):
    events = recurring_week(make_event)
    story = cluster_events(events)
    assert story["gpt-2025-12-01#1"] == story["gpt-2025-12-04#2"]  # GPT-5.2, reported again
    assert story["gpt-2025-12-01#2"] == story["gpt-2025-12-04#3"]  # the Disney deal, reworded
    assert story["gpt-2025-12-04#1"] == story["gpt-2025-12-09#2"]  # GPT-5.2-Codex, again
    assert story["gpt-2025-12-01#1"] != story["gpt-2025-12-04#1"]  # GPT-5.2 vs GPT-5.2-Codex
    assert len({story["gpt-2025-12-01#3"], story["gpt-2025-12-09#1"]} & set(story.values())) == 2
    assert len(set(story.values())) == 5


def test_ids_derive_from_the_founding_item_and_sort_by_date(make_event):
    events = recurring_week(make_event)
    story = cluster_events(events)
    first = events[0]
    assert story[first.event_id] == story_id_for(first)
    assert story_id_for(first).startswith("S20251201-")
    assert story_id_for(first) == story_id_for(make_event(first.event_id, 1, "other words"))


def test_same_input_in_any_order_gives_the_same_ids(make_event):
    events = recurring_week(make_event)
    expected = cluster_events(events)
    shuffled = events[:]
    random.Random(7).shuffle(shuffled)
    assert cluster_events(shuffled) == expected


def test_adding_a_later_day_renames_nothing(make_event):
    events = recurring_week(make_event)
    before = cluster_events(events)
    later = [
        make_event(
            "gpt-2025-12-12#1",
            12,
            "Disney 與 OpenAI 合作細節曝光",
            "迪士尼角色將登上 Sora，Disney 持股 OpenAI。",
        ),
        make_event("gpt-2025-12-12#2", 12, "OpenAI 推出 Sora 2 Android 版", "Sora 2 App 登陸 Android。"),
    ]
    result = place_events(later, history_of(events, before))
    after = {**before, **{eid: p.story_id for eid, p in result.placements.items()}}
    assert {eid: after[eid] for eid in before} == before
    assert after["gpt-2025-12-12#1"] == before["gpt-2025-12-01#2"]
    assert after["gpt-2025-12-12#2"] == story_id_for(later[1])
    # Incremental equals from scratch.
    assert cluster_events([*events, *later]) == after


def test_history_outside_the_window_is_not_joined(make_event):
    old = make_event(
        "gpt-2025-11-01#1", dt.date(2025, 11, 1), "OpenAI 發布 GPT-5.2", "OpenAI 推出 GPT-5.2 旗艦模型。"
    )
    new = make_event("gpt-2025-12-20#1", 20, "OpenAI 發布 GPT-5.2", "OpenAI 推出 GPT-5.2 旗艦模型。")
    assert len(set(cluster_events([old, new], TimelineConfig(window_days=30)).values())) == 2
    assert len(set(cluster_events([old, new], TimelineConfig(window_days=60)).values())) == 1


def test_a_bridging_item_merges_two_stories_and_the_older_id_survives(make_event):
    def event(item):
        event_id, day, headline, body = item
        return make_event(event_id, day, headline, body, model=event_id.split("-")[0])

    a, b, bridge = event(DEAL_SIDE_A), event(DEAL_SIDE_B), event(DEAL_BRIDGE)
    others = [event(item) for item in UNRELATED]
    config = TimelineConfig(scoring=ScoringConfig(join_threshold=0.3, merge_threshold=0.3))
    before = cluster_events([a, b, *others], config)
    assert before[a.event_id] != before[b.event_id]
    result = place_events([a, b, bridge, *others], (), config)
    assert len(result.merges) == 1
    merge = result.merges[0]
    assert (merge.alias_id, merge.story_id) == (story_id_for(b), story_id_for(a))
    assert merge.event_id == bridge.event_id
    after = cluster_events([a, b, bridge, *others], config)
    assert after[a.event_id] == after[b.event_id] == after[bridge.event_id] == story_id_for(a)


def _two_developments_in_one_item():
    """A release, an item a week later reporting it together with a second development (filed
    under the first), and the second development alone two weeks after that, citing the same
    article as the combined item; with one-off items of the same digest around them."""

    def item(event_id, day, headline, body, cited=()):
        position = int(event_id.rsplit("#", 1)[1])
        return TimelineEvent(event_id, dt.date(2025, 12, day), "nova", position, headline, body, (), cited)

    release = item(
        "nova-2025-12-01#1",
        1,
        "Nova Code 0.5 發布，AI 編程走出命令列",
        "Nova Code 推出 0.5 版，讓 AI 編程不再侷限於命令列，加入可視化介面與工作流整合。",
    )
    combined = item(
        "nova-2025-12-08#2",
        8,
        "工具鏈加速：Nova Code 0.5 升級、Vega 多模態套件登場",
        "Nova Code 0.5 讓 AI 編程走出命令列，加入可視化介面。同時，Vega 雲推出多模態交互開發套件，"
        "預置多款 AI Agent，瞄準 AI 眼鏡等端側裝置。",
        ("kit-article",),
    )
    second = item(
        "nova-2025-12-22#3",
        22,
        "雲端與開發者工具上新",
        "Vega 雲推出多模態交互開發套件，預置十餘款 AI Agent，可快速賦能 AI 眼鏡等智能終端。",
        ("kit-article",),
    )
    others = [
        item("nova-2025-12-02#4", 2, "Nova 下載量突破一億", "開源模型下載量創新高，社群採用持續擴大。"),
        item("nova-2025-12-09#5", 9, "研究：開源模型市占超越閉源", "報告指出開源模型在企業的占比首度過半。"),
        item("nova-2025-12-15#6", 15, "Nova App 月活翻倍", "消費端應用成長迅速，熱門提示詞為股票與旅遊。"),
    ]
    return release, combined, second, others


def test_an_item_joins_no_story_whose_first_item_it_has_nothing_in_common_with():
    release, combined, second, others = _two_developments_in_one_item()
    # Alone, the combined item and the second development are one story: they are alike enough.
    without_release = cluster_events([combined, second, *others])
    assert without_release[second.event_id] == without_release[combined.event_id]
    # Filed under the release, the combined item does not carry the second development into it.
    story = cluster_events([release, combined, second, *others])
    assert story[combined.event_id] == story[release.event_id]
    assert story[second.event_id] not in {story[release.event_id], *(story[o.event_id] for o in others)}


def test_a_follow_up_that_resembles_the_first_item_still_joins_a_grown_story():
    release, combined, _, others = _two_developments_in_one_item()
    follow_up = TimelineEvent(
        "nova-2025-12-22#7",
        dt.date(2025, 12, 22),
        "nova",
        7,
        "Nova Code 0.5 上線三週：可視化編程獲開發者好評",
        "Nova Code 0.5 讓 AI 編程走出命令列三週後，開發者稱可視化介面與工作流整合大幅提升效率。",
    )
    story = cluster_events([release, combined, follow_up, *others])
    assert story[follow_up.event_id] == story[combined.event_id] == story[release.event_id]


def test_siblings_never_merge_through_an_item_naming_both(make_event):
    events = [
        make_event("gpt-2025-12-01#1", 1, "OpenAI 發布 GPT-5.2", "OpenAI 推出 GPT-5.2 旗艦模型，推理更強。"),
        make_event(
            "gpt-2025-12-01#2",
            1,
            "OpenAI 發布 GPT-5.2-Codex",
            "OpenAI 推出 GPT-5.2-Codex 程式模型，代理更強。",
        ),
        make_event(
            "gpt-2025-12-02#1",
            2,
            "GPT-5.2 與 GPT-5.2-Codex 同週登場",
            "OpenAI 推出 GPT-5.2 旗艦模型與 GPT-5.2-Codex 程式模型。",
        ),
    ]
    story = cluster_events(events)
    assert story["gpt-2025-12-01#1"] != story["gpt-2025-12-01#2"]


def test_resolve_follows_chains_and_stops_on_cycles():
    assert resolve("c", {"c": "b", "b": "a"}) == "a"
    assert resolve("x", {"c": "b"}) == "x"
    assert resolve("a", {"a": "b", "b": "a"}) in {"a", "b"}


def test_a_stream_of_items_must_come_in_order(make_event):
    first = make_event("gpt-2025-12-02#1", 2, "OpenAI 發布 GPT-5.2", "")
    second = make_event("gpt-2025-12-01#1", 1, "Disney 入股 OpenAI", "")
    assert set(place_events([first, second]).placements) == {first.event_id, second.event_id}
    with pytest.raises(ValueError, match="in order"):
        place_events(iter([first, second]))


def test_stories_skipped_by_their_bound_change_no_placement(tmp_path, monkeypatch, stand_in_embeddings):
    """Scoring stops at stories whose bound cannot matter; scoring every candidate must agree."""
    import math

    from digest_pipeline.synth import synthesize
    from digest_pipeline.timeline import cluster
    from digest_pipeline.timeline.evaluate import events_from_folder

    synthesize(20 * 30, tmp_path, models=20, seed=11)
    events = events_from_folder(tmp_path)
    blended = []
    real_blend = cluster._Timeline.blend

    def counting_blend(self, row, pairs):
        blended.append(row)
        return real_blend(self, row, pairs)

    monkeypatch.setattr(cluster._Timeline, "blend", counting_blend)
    skipping = place_events(events)
    skipping_blends = len(blended)
    blended.clear()
    monkeypatch.setattr(cluster, "story_score_bound", lambda scores, config: math.inf)
    exhaustive = place_events(events)
    assert skipping.placements == exhaustive.placements
    assert skipping.merges == exhaustive.merges
    assert skipping.merges
    assert skipping_blends < len(blended)


def test_two_items_of_one_post_join_only_when_alike_enough(make_event):
    """The same-post discount reaches the join decision, not only the pair score."""
    events = [
        make_event("gpt-2025-12-01#1", 1, "OpenAI 發布 GPT-5.2，推理能力提升", "OpenAI 推出 GPT-5.2 旗艦。"),
        make_event("gpt-2025-12-01#2", 1, "GPT-5.2 發布帶動訂閱", "OpenAI 推出 GPT-5.2 後用戶反應。"),
        make_event("gpt-2025-12-02#1", 2, "GPT-5.2 發布帶動訂閱", "OpenAI 推出 GPT-5.2 後用戶反應。"),
    ]

    def stories(factor: float) -> dict[str, str]:
        return cluster_events(events, TimelineConfig(scoring=ScoringConfig(same_post_factor=factor)))

    undiscounted, barred = stories(1.0), stories(0.0)
    assert undiscounted["gpt-2025-12-01#1"] == undiscounted["gpt-2025-12-01#2"]
    assert barred["gpt-2025-12-01#1"] != barred["gpt-2025-12-01#2"]
    # the next day's item is in another post: no discount between it and either
    assert barred["gpt-2025-12-02#1"] in {barred["gpt-2025-12-01#1"], barred["gpt-2025-12-01#2"]}


def test_placing_runs_the_cycle_collector_rarely_and_puts_it_back(make_event):
    """Placing allocates much and makes no cycles (`collector`): the thresholds are raised while it
    runs, also while it reads the items' features, and are the caller's again after."""
    import gc

    from digest_pipeline.collector import RARE_THRESHOLDS
    from digest_pipeline.timeline.features import event_features

    seen = []

    def features(events):
        for event in events:
            seen.append(gc.get_threshold())
            yield event_features(event)

    before = gc.get_threshold()
    result = place_events(recurring_week(make_event), features=features)
    assert len(result.placements) == 8
    assert set(seen) == {RARE_THRESHOLDS}
    assert gc.get_threshold() == before


def test_stories_that_left_the_window_are_forgotten(make_event) -> None:
    """Placing years of items must not keep a row list for every story ever told: only stories with
    an item in the window can be joined or merged, and only theirs are held."""
    from digest_pipeline.timeline.cluster import _Timeline
    from digest_pipeline.timeline.features import event_features

    timeline = _Timeline(TimelineConfig(window_days=3))
    start = dt.date(2025, 1, 1)
    for n in range(20):
        day = start + dt.timedelta(days=n)
        item = event_features(make_event(f"gpt-{day}#1", day, f"第 {n} 則：Nova-{n} 發布", "內容。"))
        row = timeline.add([item])[0]
        timeline.open_day(day, timeline.matrix.end)
        timeline.label(row, f"S{n}")
    assert set(timeline.story_rows) == {f"S{n}" for n in range(16, 20)}  # the window's 3 days and today
    timeline.relabel("S17", "S19")  # a merge within the window still moves the alias's rows
    assert timeline.members("S19", before=timeline.matrix.end) == [17, 19]


def _release_and_reaction(make_event):
    """A release leading its post, an unrelated item, the market's reaction, and a funding item
    under the same 「資本市場」 label; a follow-up a week later that names the release again."""
    release = make_event(
        "nova-2025-12-01#1",
        1,
        "Nova 3 發布：百萬上下文、原生多模態",
        "Nova 實驗室推出 Nova 3 旗艦模型，支援百萬 token 上下文與原生多模態，API 價格維持不變。",
        model="nova",
    )
    unrelated = make_event(
        "nova-2025-12-01#2",
        1,
        "研究：開源模型市占超越閉源",
        "報告指出開源模型在企業的占比首度過半。",
        model="nova",
    )
    reaction = make_event(
        "nova-2025-12-01#3",
        1,
        "資本市場：算力概念股集體漲停，晶片供應鏈走強",
        "受新模型帶動，寒武紀、海光盤中漲停，港股 AI 板塊同步上揚。",
        model="nova",
    )
    funding = make_event(
        "nova-2025-12-01#4",
        1,
        "資本市場：傳 Nova 實驗室洽談新一輪融資，估值上看 300 億美元",
        "知情人士稱 Nova 實驗室正與多家主權基金洽談融資。",
        model="nova",
    )
    follow_up = make_event(
        "nova-2025-12-08#1",
        8,
        "Nova 3 上線一週：百萬上下文調用量翻倍",
        "Nova 3 推出一週，支援百萬 token 上下文的 API 調用量翻倍，原生多模態請求占比三成。",
        model="nova",
    )
    return release, unrelated, reaction, funding, follow_up


def test_a_market_reaction_joins_the_news_its_post_led_with(make_event):
    release, unrelated, reaction, funding, follow_up = _release_and_reaction(make_event)
    events = [release, unrelated, reaction, funding, follow_up]
    story = cluster_events(events)
    assert story[reaction.event_id] == story[release.event_id] == story[follow_up.event_id]
    assert len({story[release.event_id], story[unrelated.event_id], story[funding.event_id]}) == 3
    # The rule is what joins it: the two share almost no words.
    off = cluster_events(events, TimelineConfig(scoring=ScoringConfig(attach_market_reactions=False)))
    assert off[reaction.event_id] != off[release.event_id]


def test_an_attached_reaction_is_not_weighed_against_later_items(make_event):
    """The follow-up scores against the release's story as if the reaction stood apart: counted as
    a member, the unlike reaction would pull the story's mean, and so the follow-up's score, down."""
    events = list(_release_and_reaction(make_event))
    follow_up = events[-1].event_id
    attached = place_events(events).placements[follow_up]
    off = TimelineConfig(scoring=ScoringConfig(attach_market_reactions=False))
    apart = place_events(events, config=off).placements[follow_up]
    assert attached.story_id == apart.story_id
    assert attached.score == pytest.approx(apart.score)


def test_a_history_with_an_attached_reaction_places_the_next_day_as_a_replay_does(make_event):
    release, unrelated, reaction, funding, follow_up = _release_and_reaction(make_event)
    first_day = [release, unrelated, reaction, funding]
    before = cluster_events(first_day)
    incremental = place_events([follow_up], history_of(first_day, before)).placements[follow_up.event_id]
    replay = place_events([*first_day, follow_up]).placements[follow_up.event_id]
    assert incremental == replay


def _outages(make_event):
    """An outage in the nova digest, another provider's outage the next day, and nova's postmortem
    nine days later in other words."""
    outage = make_event(
        "nova-2025-12-01#2",
        1,
        "服務中斷：Nova API 與控制台停擺近 5 小時",
        "週六晚間 Nova 的 API 錯誤率一度逾四成，控制台無法登入，企業用戶的排程任務大量失敗。",
        model="nova",
    )
    other = make_event(
        "vega-2025-12-02#1",
        2,
        "Vega 雲服務大規模中斷，多個區域受影響",
        "Vega 雲的儲存與運算服務在美東區域中斷逾三小時。",
        model="vega",
    )
    review = make_event(
        "nova-2025-12-10#1",
        10,
        "事故復盤：身分驗證資料庫遷移出錯，備援切換未生效",
        "Nova 說明，資料庫遷移時連線池設定錯誤，觸發連鎖反應；將改進演練流程並發放服務額度。",
        model="nova",
    )
    return outage, other, review


def test_a_postmortem_joins_the_one_outage_its_digest_reported(make_event):
    outage, other, review = _outages(make_event)
    story = cluster_events([outage, other, review])
    assert story[review.event_id] == story[outage.event_id] != story[other.event_id]
    off = TimelineConfig(scoring=ScoringConfig(join_postmortems_to_outages=False))
    assert cluster_events([outage, other, review], off)[review.event_id] == story_id_for(review)
    # Placed on the next day as an incremental run: as a replay places it.
    first = cluster_events([outage, other])
    incremental = place_events([review], history_of([outage, other], first)).placements[review.event_id]
    assert incremental == place_events([outage, other, review]).placements[review.event_id]


def test_a_postmortem_after_two_outages_of_its_digest_is_left_to_the_pair_score(make_event):
    outage, other, review = _outages(make_event)
    second = make_event(
        "nova-2025-12-05#1",
        5,
        "Nova 再度當機：影像生成服務停擺兩小時",
        "影像生成端點因流量暴增而逾時，官方緊急擴容。",
        model="nova",
    )
    story = cluster_events([outage, other, second, review])
    assert story[outage.event_id] != story[second.event_id]
    assert story[review.event_id] == story_id_for(review)


def _launch_week(make_event):
    """A digest's week: its flagship launch and a smaller launch on one day, a price cut two days
    later, then a week on, a follow-up on each that says how long ago it was and names little."""
    flagship = make_event(
        "nova-2025-12-01#1",
        1,
        "Nova 實驗室發布 Nova 3：百萬上下文、原生多模態",
        "Nova 3 旗艦模型支援百萬 token 上下文，API 調用按量計費，企業版同步開放。",
        model="nova",
    )
    small = make_event(
        "nova-2025-12-01#2",
        1,
        "Nova Lens 2 推出：手機端影像理解",
        "Nova Lens 2 可在手機本地執行影像理解，離線辨識文件與商品。",
        model="nova",
    )
    price_cut = make_event(
        "nova-2025-12-03#1",
        3,
        "價格戰：Nova 旗艦 API 全面降價五成",
        "Nova 將旗艦模型 API 輸入價格調降五成，夜間時段再享折扣。",
        model="nova",
    )
    launch_follow_up = make_event(
        "nova-2025-12-08#1",
        8,
        "上線一週：新旗艦 API 調用量翻三倍，企業客戶排隊",
        "官方稱旗艦模型推出七天後 API 日調用量翻三倍，百萬上下文請求占兩成。",
        model="nova",
    )
    price_follow_up = make_event(
        "nova-2025-12-10#2",
        10,
        "降價一週：開放平台新增企業客戶 1.1 萬家",
        "旗艦 API 降價五成一週後，開放平台的夜間時段調用量增加 1.7 倍。",
        model="nova",
    )
    return flagship, small, price_cut, launch_follow_up, price_follow_up


def test_a_follow_up_saying_how_long_ago_joins_its_digests_launch_of_that_day(make_event):
    flagship, small, price_cut, launch_follow_up, price_follow_up = events = _launch_week(make_event)
    story = cluster_events(events)
    assert story[launch_follow_up.event_id] == story[flagship.event_id]
    assert story[price_follow_up.event_id] == story[price_cut.event_id]
    assert len({story[flagship.event_id], story[small.event_id], story[price_cut.event_id]}) == 3
    off = cluster_events(events, TimelineConfig(scoring=ScoringConfig(join_elapsed_follow_ups=False)))
    assert off[launch_follow_up.event_id] != off[flagship.event_id]
    # Incremental, a day at a time: as a replay places them.
    first = cluster_events([flagship, small, price_cut])
    history = history_of([flagship, small, price_cut], first)
    incremental = place_events([launch_follow_up, price_follow_up], history)
    assert {eid: p.story_id for eid, p in incremental.placements.items()} == {
        eid: story[eid] for eid in (launch_follow_up.event_id, price_follow_up.event_id)
    }


def test_a_follow_up_with_nothing_in_common_with_any_launch_stays_apart(make_event):
    flagship, small, price_cut, _, _ = _launch_week(make_event)
    stranger = make_event(
        "nova-2025-12-08#3", 8, "上線一週：校園食堂排隊減半", "學生會統計午餐尖峰人數下降。", model="nova"
    )
    story = cluster_events([flagship, small, price_cut, stranger])
    assert story[stranger.event_id] == story_id_for(stranger)


def _nova(make_event, day: int, headline: str, body: str, position: int = 1):
    """An item of the "nova" digest on a day of December 2025."""
    return make_event(f"nova-2025-12-{day:02d}#{position}", day, headline, body, model="nova")


def test_a_price_cut_a_week_after_a_launch_starts_its_own_story(make_event):
    launch = _nova(
        make_event,
        1,
        "Nova 3 發布：百萬上下文、API 每百萬 token 輸入 2 美元",
        "Nova 實驗室推出 Nova 3 旗艦模型，API 每百萬 token 輸入 2 美元、輸出 8 美元，支援百萬上下文。",
    )
    cut = _nova(
        make_event,
        8,
        "價格戰：Nova 3 降價，百萬上下文 API 每百萬 token 輸入 1 美元",
        "Nova 實驗室將 Nova 3 旗艦模型 API 降價，每百萬 token 輸入 1 美元、輸出 4 美元，支援百萬上下文。",
    )
    same_week = make_event(
        "vega-2025-12-02#1",
        2,
        "Nova 3 API 價格戰開打：每百萬 token 輸入 2 美元",
        "Nova 3 旗艦模型的 API 每百萬 token 輸入 2 美元、輸出 8 美元，價格戰升溫。",
        model="vega",
    )
    story = cluster_events([launch, same_week, cut])
    assert story[cut.event_id] == story_id_for(cut)
    assert story[same_week.event_id] == story[launch.event_id]  # a launch's own pricing, days after
    off = TimelineConfig(scoring=ScoringConfig(price_cuts_apart_from_launches=False))
    assert cluster_events([launch, same_week, cut], off)[cut.event_id] == story[launch.event_id]


def test_an_outage_and_a_later_price_cut_of_one_product_are_two_stories(make_event):
    """Same product, same words, different kinds of news (`kinds`): the near miss a digest following
    one product reports most. Without the guard the price cut joins the outage's story."""
    outage = _nova(
        make_event,
        1,
        "Nova 3 API 全球中斷逾三小時，企業開發者受波及",
        "Nova 實驗室的 Nova 3 API 週一中斷逾三小時，Nova Studio 與企業 API 開發者無法調用，官方稱已恢復。",
    )
    other = _nova(make_event, 1, "Orion 晶片量產：台積電 3 奈米產線啟動", "首批出貨給雲端客戶。", position=2)
    cut = _nova(
        make_event,
        4,
        "Nova 3 API 全面降價五成，企業開發者搶先受惠",
        "Nova 實驗室宣布 Nova 3 API 輸入與輸出價格全面降價五成，Nova Studio 與企業 API 開發者即日適用。",
    )
    story = cluster_events([outage, other, cut])
    assert story[cut.event_id] == story_id_for(cut)
    off = TimelineConfig(scoring=ScoringConfig(keep_kinds_apart=False))
    assert cluster_events([outage, other, cut], off)[cut.event_id] == story[outage.event_id]


def _embedding_by_meaning(meanings: dict[str, int]):
    """An `embed` for tests: headlines of one meaning share a unit vector, others are orthogonal."""
    others: dict[str, int] = {}

    def embed(texts):
        out = np.zeros((len(texts), 384), dtype=np.float32)
        for i, text in enumerate(texts):
            column = meanings[text] if text in meanings else others.setdefault(text, 100 + len(others))
            out[i, column] = 1.0
        return out

    return embed


def test_a_reworded_follow_up_joins_by_meaning_what_its_words_alone_do_not(make_event):
    launch = make_event("gpt-2025-12-01#1", 1, "Anthropic 推出 Claude Opus 5，程式能力登頂", "發布新旗艦。")
    follow_up = make_event("gpt-2025-12-06#1", 6, "新旗艦程式能力獲開發者肯定，企業導入加速", "多家導入。")
    others = [
        make_event("gpt-2025-12-01#2", 1, "微軟擴建挪威資料中心，算力再加碼"),
        make_event("gpt-2025-12-06#2", 6, "歐盟 AI 法案執法細則出爐"),
    ]
    events = [launch, follow_up, *others]
    same_meaning = _embedding_by_meaning({launch.headline: 0, follow_up.headline: 0})
    words_only = TimelineConfig(scoring=ScoringConfig(semantic_weight=0.0))
    assert len(set(cluster_events(events, words_only).values())) == 4
    story = cluster_events(events, embed=same_meaning)
    assert story[launch.event_id] == story[follow_up.event_id]
    assert len(set(story.values())) == 3
    unlike = cluster_events(events, embed=_embedding_by_meaning({}))
    assert len(set(unlike.values())) == 4


def test_items_far_apart_in_meaning_stay_apart_however_many_words_they_share(make_event):
    a = make_event("gpt-2025-12-01#1", 1, "OpenAI 發布 GPT-5.2 模型", "OpenAI 發布 GPT-5.2 模型，推理更強。")
    b = make_event("gpt-2025-12-03#1", 3, "OpenAI 發布 GPT-5.2 模型價格", "OpenAI 發布 GPT-5.2 模型的價格。")
    close = cluster_events([a, b], embed=_embedding_by_meaning({a.headline: 0, b.headline: 0}))
    assert close[a.event_id] == close[b.event_id]
    # Orthogonal headlines: the term takes 2 x 0.92 off a pair score of about 1.
    far = cluster_events([a, b], embed=_embedding_by_meaning({}))
    assert far[a.event_id] != far[b.event_id]


def test_siblings_stay_apart_even_when_their_headlines_mean_the_same(make_event):
    a = make_event("gpt-2025-12-01#1", 1, "OpenAI 推出 GPT-5.2，推理大幅提升")
    b = make_event("gpt-2025-12-03#1", 3, "OpenAI 推出 GPT-5.2-Codex，推理大幅提升")
    story = cluster_events([a, b], embed=_embedding_by_meaning({a.headline: 0, b.headline: 0}))
    assert story[a.event_id] != story[b.event_id]


def test_the_same_input_gives_the_same_ids_with_the_bundled_model(make_event):
    from digest_pipeline.timeline.semantic import HeadlineEmbedder

    events = recurring_week(make_event)
    # Two embedders, each running the model afresh (one of them a headline at a time).
    first = cluster_events(events, embed=HeadlineEmbedder())
    one_by_one = HeadlineEmbedder()

    def embed_singly(texts):
        return np.concatenate([one_by_one([text]) for text in texts])

    assert first == cluster_events(list(reversed(events)), embed=embed_singly)
