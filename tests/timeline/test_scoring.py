import dataclasses
import math

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from digest_pipeline.timeline.features import event_features, headline_core
from digest_pipeline.timeline.scoring import (
    ScoringConfig,
    TermWeights,
    cosine,
    pair_score,
    story_score,
    story_score_bound,
    subject_conflict,
    vectors,
    weighted_overlap,
)

CONFIG = ScoringConfig()


def features(make_event, *items):
    return [
        event_features(make_event(f"gpt-x#{i}", day, headline, body))
        for i, (day, headline, body) in enumerate(items, 1)
    ]


def test_headline_core_drops_a_category_label_only():
    assert headline_core("競品與市場：Doubao 與 Qwen 的開源基準對比") == "Doubao 與 Qwen 的開源基準對比"
    assert headline_core("Qwen Chat Memory 正式上線") == "Qwen Chat Memory 正式上線"
    assert headline_core("注意：短") == "注意：短"  # too little left to be a headline
    assert headline_core("AI 觀點：開源模型的勝利") == "開源模型的勝利"  # a generic word is no subject


def test_a_short_lead_naming_a_specific_thing_is_the_news_not_a_label(make_event):
    assert headline_core("Veo 4 登場：原生 4K、單段最長 30 秒") == "Veo 4 登場：原生 4K、單段最長 30 秒"
    release, follow_up = features(
        make_event, (1, "Veo 4 登場：原生 4K、單段最長 30 秒", ""), (8, "Gemini 3.5 Pro 發布", "")
    )
    assert [name.key for name in release.subjects] == ["veo-4"]
    assert subject_conflict(release, follow_up)  # two releases of one company: two developments


def test_cosine_and_weighted_overlap_bounds():
    assert cosine({"a": 0.6, "b": 0.8}, {"a": 0.6, "b": 0.8}) == pytest.approx(1.0)
    assert cosine({"a": 1.0}, {"b": 1.0}) == 0.0
    assert weighted_overlap({"x": 2.0}, {"x": 2.0}) == pytest.approx(1.0)
    # Sharing only a light (common) name is weak evidence, thanks to the floor.
    assert weighted_overlap({"x": 0.3}, {"x": 0.3}, floor=2.0) == pytest.approx(0.09 / 4)
    assert weighted_overlap({}, {"x": 1.0}) == 0.0


def test_idf_makes_a_name_every_item_repeats_worthless(make_event):
    items = features(
        make_event,
        (1, "Qwen 推出 Qwen-Image-Layered", ""),
        (2, "Qwen-Image-Layered 正式發布", ""),
        (2, "Qwen Chat Memory 上線", ""),
        (3, "Qwen App 熱門提示詞", ""),
    )
    weights = TermWeights(items)
    assert weights.name_idf("qwen") < 0.3 < weights.name_idf("qwen-image-layered")


@pytest.mark.parametrize(
    ("headline_a", "body_a", "headline_b", "body_b", "conflict"),
    [
        # same product line, different things: a near miss
        ("OpenAI 發布 GPT-5.2", "新旗艦模型。", "GPT-5.2-Codex 上線", "以 GPT-5.2 為基礎的程式模型。", True),
        ("Qwen-Image-2512 開源", "盲測前列。", "Qwen 推出 Qwen-Image-Layered", "分層編輯。", True),
        ("GPT-5-Codex 更新", "", "GPT-5.2-Codex 上線", "", True),
        ("OpenAI 發布 GPT-5.5", "旗艦模型。", "OpenAI 推出 GPT‑5.5 mini：價格僅五分之一", "", True),
        # the general line named by an item about its member: no conflict
        ("Qwen-Image 迭代", "同時開源 Qwen-Image-Layered。", "Qwen-Image-Layered 正式發布", "", False),
        # a versioned and an unversioned mention of one release
        ("Qwen Code v0.5.0 重大升級", "", "Qwen Code 升級", "", False),
        # an item that names both is about both
        ("GPT-5.2 與 GPT-5.2-Codex 同步推出", "", "GPT-5.2-Codex 上線", "", False),
        # one kind of news about two unrelated products: different developments
        ("Veo 1.3 登陸印度，支援在地語言", "", "Imagen 1.0 登陸印度，支援在地語言", "", True),
        ("Claude Haiku 2 開源釋出", "Apache 2.0 授權。", "Imagen 1.8 開源釋出", "Apache 2.0 授權。", True),
        # ... even when both also name one shared thing (a benchmark, a platform)
        (
            "GPQA Diamond 最新排名，Claude Sonnet 1.6 以 60 分居前",
            "",
            "GPQA Diamond 最新排名，GPT-2.3 以 60 分居前",
            "",
            True,
        ),
        # headlines naming nothing specific are about their leading actors
        (
            "Google 獲 Apple 注資 30 億美元",
            "估值再創新高。",
            "OpenAI 獲微軟注資 80 億美元",
            "估值再創新高。",
            True,
        ),
        ("Meta 閉源模型「Avocado」傳延至第二季", "", "Avocado 延期內幕", "Meta 內部評測未達標。", False),
        # ... unless one names the other's subject, or one headline names no specific thing
        ("Gemini 3 Flash 發布", "Google 推出。", "谷歌 Gemini ３ Flash 成為預設模型，OpenAI 受壓", "", False),
        (
            "Artificial Analysis 指數更新：Gemini 3 Pro 居首",
            "Claude Opus 4.5 第三。",
            "評測：Opus 4.5 程式奪冠，仍輸 Gemini 3 Pro",
            "據 Artificial Analysis。",
            False,
        ),
        ("Kimi K3 進駐 GitHub Copilot", "", "GitHub Copilot 納入新模型", "包括 Kimi K3。", False),
        # ... by the short form writers use (Opus 5 for Claude Opus 5); without it, a near miss
        (
            "Anthropic 發布 Claude Opus 5",
            "同步上線 Claude Code。",
            "上線一週：新旗艦拿下 Claude Code 七成調用",
            "Opus ５ 推出七天後已占 Claude Code 七成用量。",
            False,
        ),
        (
            "Anthropic 發布 Claude Opus 5",
            "同步上線 Claude Code。",
            "上線一週：新旗艦拿下 Claude Code 七成調用",
            "新模型推出七天後已占 Claude Code 七成用量。",
            True,
        ),
        ("Microsoft 擴大 Nscale 算力合約", "挪威 Narvik。", "北極圈的 GPU：微軟加碼挪威算力", "", False),
        # a hyphenated name shortened from the front (Coder-V3 for DeepSeek-Coder-V3) is the same
        # thing, and a sibling of the other's lighter model
        ("DeepSeek-Coder-V3-Lite 開源", "輕量版。", "Coder-V3 成績獲第三方複現", "", True),
        ("DeepSeek-Coder-V3-Lite 開源", "輕量版。", "Coder-V3-Lite 首週下載破百萬", "", False),
        # Chinese product names with a version are names too: two flagships of one week ...
        ("星河 4.5 登場，原生全模態", "百度發布。", "騰訊發布雲帆 2.0，快慢思考融合", "", True),
        # ... and one flagship written with a full-width digit is the same thing
        ("騰訊發布雲帆 2.0，快慢思考融合", "", "雲帆 ２.0 進駐瀏覽器與文檔", "", False),
    ],
)
def test_subject_conflict(make_event, headline_a, body_a, headline_b, body_b, conflict):
    a, b = features(make_event, (1, headline_a, body_a), (2, headline_b, body_b))
    assert subject_conflict(a, b) is conflict
    assert subject_conflict(b, a) is conflict


def _pair(make_event, items, config=CONFIG):
    feats = features(make_event, *items)
    weights = TermWeights(feats)
    return pair_score(feats[0], vectors(feats[0], weights), feats[1], vectors(feats[1], weights), config)


def test_a_reworded_report_scores_above_an_unrelated_item(make_event):
    first = (
        1,
        "Qwen Chat Memory 正式上線，強化長期記憶能力",
        "阿里雲宣佈 Qwen Chat Memory 上線，為 AI 助手加入長記憶功能。",
    )
    again = (
        14,
        "Qwen Chat Memory 正式上線，賦予 AI 助手長記憶",
        "阿里雲宣布 Qwen Chat Memory 已正式上線，可保留關鍵資訊。",
    )
    other = (14, "Qwen Code v0.5.0 重大升級", "Qwen Code 推出 v0.5.0，讓 AI 編程跳出命令行。")
    same = _pair(make_event, [first, again, other])
    different = _pair(make_event, [first, other, again])
    assert same.score > 2 * different.score
    assert same.names > 0.5 and different.names < 0.2


def test_a_shared_figure_is_evidence_however_many_others_each_quotes(make_event):
    """Two reports of one deal in different words keep its numbers; another deal has others."""
    deal = (1, "微軟入股 Anthropic", "微軟與輝達合計最高 150 億美元，Anthropic 承諾採購 300 億美元算力。")
    reworded = (6, "雷德蒙德押注 Anthropic", "這筆 150 億美元的投資已經落地，另有 20 萬顆晶片與 1GW 電力。")
    other = (6, "雷德蒙德押注 Anthropic", "這筆 50 億美元的投資已經落地，另有 8 萬顆晶片與 3GW 電力。")
    unrelated = (3, "Kimi 推出付費會員", "月費 49 元起，免費用戶每日 20 次。")
    same = _pair(make_event, [deal, reworded, other, unrelated])
    different = _pair(make_event, [deal, other, reworded, unrelated])
    assert same.figures == 1.0 and different.figures == 0.0
    assert same.score - different.score == pytest.approx(CONFIG.figure_weight, abs=0.02)


def test_the_day_gap_discounts_beyond_the_grace_period(make_event):
    near = _pair(
        make_event, [(1, "Grok 5 發布", "xAI 推出 Grok 5。"), (8, "Grok 5 發布", "xAI 推出 Grok 5。")]
    )
    far = _pair(
        make_event, [(1, "Grok 5 發布", "xAI 推出 Grok 5。"), (29, "Grok 5 發布", "xAI 推出 Grok 5。")]
    )
    assert near.gap_days == 7 and far.gap_days == 28
    assert far.score == pytest.approx(near.score - 21 * CONFIG.gap_penalty_per_day)


def test_a_conflict_keeps_only_a_share_of_the_score(make_event):
    items = [
        (1, "OpenAI 發布 GPT-5.2", "OpenAI 新模型。"),
        (1, "OpenAI 發布 GPT-5.2-Codex", "OpenAI 新模型。"),
    ]
    guarded = _pair(make_event, items)
    unguarded = _pair(make_event, items, ScoringConfig(conflict_factor=1.0))
    assert guarded.conflict
    assert guarded.score == pytest.approx(unguarded.score * CONFIG.conflict_factor)


def test_two_items_of_one_post_keep_only_a_share_of_a_positive_score(make_event):
    a = make_event("gpt-2025-12-01#1", 1, "Grok 5 發布", "xAI 推出 Grok 5。")
    b = make_event("gpt-2025-12-01#2", 1, "Grok 5 發布", "xAI 推出 Grok 5。")
    other_digest = make_event("grok-2025-12-01#1", 1, "Grok 5 發布", "xAI 推出 Grok 5。", model="grok")
    feats = [event_features(e) for e in (a, b, other_digest)]
    weights = TermWeights(feats)
    va, vb, vc = (vectors(f, weights) for f in feats)
    one_post = pair_score(feats[0], va, feats[1], vb, CONFIG)
    two_posts = pair_score(feats[0], va, feats[2], vc, CONFIG)
    assert one_post.same_post and not two_posts.same_post
    assert one_post.score == pytest.approx(two_posts.score * CONFIG.same_post_factor)


def _story(*pairs: tuple[float, bool]) -> float:
    return story_score([score for score, _ in pairs], sum(conflict for _, conflict in pairs), CONFIG)


def test_story_score_blends_best_and_mean_so_one_close_member_is_not_enough():
    assert _story((0.6, False), (0.0, False), (0.0, False)) == pytest.approx(0.4)
    assert _story((0.4, False), (0.4, False)) == pytest.approx(0.4)
    assert _story() == 0.0


def test_story_score_refuses_a_story_the_item_mostly_conflicts_with():
    assert _story((0.9, False), (0.1, True), (0.1, True)) == 0.0
    assert _story((0.9, False), (0.9, False), (0.1, True)) > 0


def test_rare_pair_weight_is_the_idf_of_a_name_two_items_share():
    weights = TermWeights([])
    weights.documents = 10
    assert weights.rare_pair_weight == pytest.approx(math.log(11 / 2.5))


@given(
    st.lists(
        st.tuples(st.floats(min_value=-1.0, max_value=1.5, allow_nan=False), st.booleans()),
        max_size=12,
    )
)
@example([(-0.2, True)])
@example([(-0.2, True), (0.3, False)])
@example([(0.3, True), (0.3, True), (0.1, False)])
def test_story_score_bound_is_never_below_the_score_whatever_conflicts(pairs):
    """The timeline skips a story whose bound cannot join; a conflict can raise a negative pair."""
    finals = [score * CONFIG.conflict_factor if conflict else score for score, conflict in pairs]
    exact = story_score(finals, sum(conflict for _, conflict in pairs), CONFIG)
    assert exact <= story_score_bound([score for score, _ in pairs], CONFIG)


def test_an_article_two_items_cite_is_evidence_however_they_are_worded(make_event):
    """A follow-up worded past the lexical signals still cites the article the first report did."""
    first = make_event("qwen-2025-12-23#4", 23, "海外採用升溫", "多家公司採用開源模型。")
    later = make_event("qwen-2025-12-26#2", 26, "矽谷觀察", "美國團隊改用中國模型。")
    feats = [
        event_features(dataclasses.replace(first, cited=("a1b2",))),
        event_features(dataclasses.replace(later, cited=("a1b2", "ffff"))),
        event_features(dataclasses.replace(later, cited=("ffff",))),
    ]
    weights = TermWeights(feats)
    va, vb, vc = (vectors(f, weights) for f in feats)
    citing = pair_score(feats[0], va, feats[1], vb, CONFIG)
    not_citing = pair_score(feats[0], va, feats[2], vc, CONFIG)
    assert citing.urls == 1.0 and not_citing.urls == 0.0
    assert citing.score - not_citing.score == pytest.approx(CONFIG.url_weight)


def test_an_outage_and_a_price_cut_of_one_product_conflict_as_two_kinds_of_news(make_event):
    outage = (1, "Nova 3 API 全球中斷逾三小時", "Nova 3 API 週一中斷逾三小時，企業開發者無法調用。")
    cut = (4, "Nova 3 API 全面降價五成", "Nova 3 API 輸入與輸出價格全面降價五成，企業開發者即日適用。")
    launch = (1, "Nova 實驗室發布 Nova 3 API", "Nova 3 API 開放企業開發者調用。")
    assert _pair(make_event, [outage, cut]).conflict
    assert not _pair(make_event, [launch, outage]).conflict  # a launch names no kind of news
    off = dataclasses.replace(CONFIG, keep_kinds_apart=False)
    assert not _pair(make_event, [outage, cut], off).conflict


def _unit(*values):
    import numpy as np

    vector = np.zeros(384, dtype=np.float32)
    vector[: len(values)] = values
    return vector / np.linalg.norm(vector)


def test_the_semantic_term_adds_what_the_headlines_mean_beyond_the_center(make_event):
    feats = features(make_event, (1, "OpenAI 發布 GPT-6", ""), (3, "新旗艦上線一週，開發者湧入", ""))
    weights = TermWeights(feats)
    a, b = feats
    words_only = pair_score(a, vectors(a, weights), b, vectors(b, weights), CONFIG)
    assert words_only.semantic is None

    def embedded(embedding_b, config=CONFIG):
        return pair_score(a, vectors(a, weights, _unit(1.0)), b, vectors(b, weights, embedding_b), config)

    close, far = embedded(_unit(1.0, 0.1)), embedded(_unit(1.0, 1.0))
    assert close.semantic == pytest.approx(0.995037, abs=1e-6)
    assert close.score == pytest.approx(
        words_only.score + CONFIG.semantic_weight * (close.semantic - CONFIG.semantic_center)
    )
    assert far.score < words_only.score < close.score  # below the center the term takes away
    off = dataclasses.replace(CONFIG, semantic_weight=0.0)
    assert embedded(_unit(1.0), off).score == pytest.approx(words_only.score)
