"""Describing a story: the representative headline and the domains behind it."""

import datetime as dt

from digest_pipeline.timeline.stories import REPRESENTATIVE_CANDIDATES, outlet_names_domain, representative

CORE = "Qwen-Image-Layered 圖層分解模型開源 支援 RGBA 圖層輸出"


def test_the_most_central_headline_speaks_for_the_story(make_event):
    members = [
        make_event("gpt-2025-12-01#1", 1, "阿里巴巴發表新模型", CORE),
        make_event("gpt-2025-12-02#1", 2, CORE, CORE),
        make_event("gpt-2025-12-03#1", 3, "市場觀點：開源圖像模型競爭加劇", CORE),
    ]
    assert representative(members).event_id == "gpt-2025-12-02#1"
    assert representative(members[:1]) is members[0]


def test_only_the_earliest_items_are_candidates(make_event):
    # Many vague early reports, then the clearest headline on a late day: past the bound it cannot win,
    # so a story recurring for years costs the same to describe and its headline stops moving.
    days = [dt.date(2025, 1, 1) + dt.timedelta(days=n) for n in range(REPRESENTATIVE_CANDIDATES)]
    vague = [make_event(f"gpt-{day}#1", day, f"後續報導 {n}", CORE) for n, day in enumerate(days)]
    late = make_event("gpt-2025-06-01#1", dt.date(2025, 6, 1), CORE, CORE)
    assert representative([late, *vague]).event_id != late.event_id
    assert representative([late, *vague[:3]]).event_id == late.event_id


def test_an_outlet_names_a_domain_by_its_first_label():
    assert outlet_names_domain("Yahoo Tech", "yahoo.com")
    assert outlet_names_domain("The Verge", "theverge.com")
    assert not outlet_names_domain("Reuters", "aibase.com")


def test_text_features_hold_the_same_words_as_full_features():
    """Stories are described with `event_text_features` (half the cost), which must not change the choice:
    the choice reads only the words, so their words must be the full features' words."""
    from collections import defaultdict
    from pathlib import Path

    from digest_pipeline.timeline.evaluate import events_from_folder, gold_posts_dir, load_gold
    from digest_pipeline.timeline.features import event_features, event_text_features

    gold_path = Path(__file__).resolve().parents[2] / "eval" / "digests-a" / "gold.yaml"
    gold = load_gold(gold_path)
    stories = defaultdict(list)
    for event in events_from_folder(gold_posts_dir(gold_path)):
        stories[gold[event.event_id]].append(event)
    recurring = [members for members in stories.values() if len(members) > 2]
    assert len(recurring) >= 3
    for members in recurring:
        full = {m.event_id: event_features(m) for m in members}
        text = {m.event_id: event_text_features(m) for m in members}
        for key, features in full.items():
            assert (text[key].terms, text[key].headline_terms) == (features.terms, features.headline_terms)
