import datetime as dt
import hashlib
import itertools
import json
import random
from pathlib import Path

import pytest

from digest_pipeline.cli import main
from digest_pipeline.timeline import evaluate
from digest_pipeline.timeline.evaluate import (
    GoldFileError,
    _shingles,
    b_cubed,
    counts_from_zero,
    evaluate_timeline,
    events_from_folder,
    gold_posts_dir,
    item_key,
    load_gold,
    match_gold,
    minhash_baseline,
    minhash_pairs,
    minhash_signature,
    pairwise,
    singletons,
)

GOLD = {"a": "x", "b": "x", "c": "x", "d": "y", "e": "z"}


def test_perfect_clustering_scores_one():
    assert pairwise(GOLD, GOLD).f1 == 1.0
    assert b_cubed(GOLD, GOLD).f1 == 1.0


def test_pairwise_on_a_hand_worked_example():
    predicted = {"a": 1, "b": 1, "c": 2, "d": 2, "e": 3}
    scores = pairwise(predicted, GOLD)
    # predicted pairs: ab, cd; gold pairs: ab, ac, bc. Shared: ab.
    assert scores.precision == pytest.approx(1 / 2)
    assert scores.recall == pytest.approx(1 / 3)
    assert scores.f1 == pytest.approx(0.4)


def test_b_cubed_on_a_hand_worked_example():
    predicted = {"a": 1, "b": 1, "c": 2, "d": 2, "e": 3}
    scores = b_cubed(predicted, GOLD)
    # precision per item: a 1, b 1, c 1/2, d 1/2, e 1; recall: a 2/3, b 2/3, c 1/3, d 1, e 1
    assert scores.precision == pytest.approx((1 + 1 + 0.5 + 0.5 + 1) / 5)
    assert scores.recall == pytest.approx((2 / 3 + 2 / 3 + 1 / 3 + 1 + 1) / 5)


def test_the_singletons_floor_has_full_precision_and_no_pairwise_recall():
    floor = singletons(GOLD)
    assert pairwise(floor, GOLD).precision == 1.0
    assert pairwise(floor, GOLD).recall == 0.0
    assert b_cubed(floor, GOLD).recall == pytest.approx((1 / 3 * 3 + 1 + 1) / 5)


def test_one_big_cluster_has_full_recall_and_low_precision():
    lump = dict.fromkeys(GOLD, 0)
    assert pairwise(lump, GOLD).recall == 1.0
    assert pairwise(lump, GOLD).precision == pytest.approx(3 / 10)


def test_scoring_different_items_is_an_error():
    with pytest.raises(ValueError, match="different items"):
        pairwise({"a": 1}, GOLD)


def test_gold_files_load_from_yaml_json_and_csv(tmp_path):
    (tmp_path / "g.yaml").write_text(
        "stories:\n  x: {about: one, events: [a, b, c]}\n  y: [d]\n  z:\n    events: [e]\n", encoding="utf-8"
    )
    (tmp_path / "g.json").write_text(json.dumps({"stories": {"x": ["a", "b", "c"], "y": ["d"], "z": ["e"]}}))
    (tmp_path / "g.csv").write_text("event_id,story\na,x\nb,x\nc,x\nd,y\ne,z\n", encoding="utf-8")
    (tmp_path / "g.tsv").write_text("event_id\tcluster\na\tx\nb\tx\nc\tx\nd\ty\ne\tz\n", encoding="utf-8")
    for name in ("g.yaml", "g.json", "g.csv", "g.tsv"):
        assert load_gold(tmp_path / name) == GOLD


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("twice.yaml", "stories:\n  x: [a, b]\n  y: [b]\n", "listed twice"),
        ("flat.yaml", "- a\n- b\n", "stories"),
        ("bad.yaml", "stories: [unclosed\n", "not valid"),
        ("cols.csv", "id,story\na,x\n", "event_id"),
        ("noevents.yaml", "stories:\n  x: {about: nothing}\n", "no list of events"),
    ],
)
def test_bad_gold_files_say_what_is_wrong(tmp_path, name, text, message):
    (tmp_path / name).write_text(text, encoding="utf-8")
    with pytest.raises(GoldFileError, match=message):
        load_gold(tmp_path / name)


def test_minhash_puts_copies_together_and_unrelated_items_apart(make_event):
    text = "阿里雲宣佈 Qwen Chat Memory 上線，為 AI 助手加入長記憶功能，可在對話中保留關鍵信息並主動回憶。"
    events = [
        make_event("q-1#1", 1, "Qwen Chat Memory 上線", text),
        make_event("q-2#1", 2, "Qwen Chat Memory 上線", text + "提升體驗。"),
        make_event("q-2#2", 2, "Waymo 擴大服務", "無人車新增五座城市，夜間也能叫車，票價下調兩成。"),
    ]
    clusters = minhash_baseline(events, threshold=0.5)
    assert clusters["q-1#1"] == clusters["q-2#1"] != clusters["q-2#2"]
    assert minhash_baseline(list(reversed(events)), threshold=0.5) == clusters


def test_minhash_signature_is_the_universal_hash_minimum_modulo_two_to_the_64():
    """The numpy form against the definition written out with Python integers."""
    shingles = {"qwe", "wen", "en-", "阿里雲", "里雲宣"}
    mask = (1 << 64) - 1

    def seed(kind: str, i: int) -> int:
        return int.from_bytes(hashlib.blake2b(f"{kind}{i}".encode(), digest_size=8).digest(), "big")

    values = [int.from_bytes(hashlib.blake2b(s.encode(), digest_size=8).digest(), "big") for s in shingles]
    expected = [min(((seed("a", i) | 1) * v + seed("b", i)) & mask for v in values) for i in range(16)]
    assert minhash_signature(shingles, permutations=16).tolist() == expected


def test_minhash_compares_items_within_the_window_only(make_event):
    text = "深度求索發布 DeepSeek-V4，百萬上下文與程式能力大幅提升，開發者社群反應熱烈。"
    early = make_event("d-1#1", dt.date(2025, 11, 1), "DeepSeek-V4 發布", text)
    late = make_event("d-2#1", dt.date(2025, 12, 20), "DeepSeek-V4 發布", text)
    assert len(set(minhash_baseline([early, late], threshold=0.5).values())) == 2  # 49 days apart
    assert len(set(minhash_baseline([early, late], threshold=0.5, window_days=60).values())) == 1


@pytest.mark.parametrize("block", [(128, 4096), (16, 7)], ids=["default blocks", "small blocks"])
def test_minhash_pairs_are_every_pair_a_direct_comparison_finds(make_event, monkeypatch, block):
    """Block by block in numpy, the same pairs and shares as comparing each pair of signatures."""
    monkeypatch.setattr(evaluate, "MINHASH_BLOCK", block)
    rng = random.Random(7)
    words = [
        "阿里雲",
        "Qwen",
        "發布",
        "開源",
        "模型",
        "下載",
        "降價",
        "合作",
        "當機",
        "漏洞",
        "GPT-5.2",
        "訴訟",
    ]
    events = [
        make_event(
            f"m-{n}#1",
            dt.date(2025, 12, 1) + dt.timedelta(days=rng.randrange(60)),
            "",
            "".join(rng.choices(words, k=rng.randrange(3, 12))),
        )
        for n in range(300)
    ]
    found = minhash_pairs(events, min_share=0.2, window_days=10)
    ordered = found.events
    signatures = [minhash_signature(_shingles(event)) for event in ordered]
    expected = {
        (i, j): share
        for i, j in itertools.combinations(range(len(ordered)), 2)
        if abs((ordered[j].post_date - ordered[i].post_date).days) <= 10
        and (share := float((signatures[i] == signatures[j]).mean())) >= 0.2
    }
    got = dict(
        zip(zip(found.first.tolist(), found.second.tolist(), strict=True), found.share.tolist(), strict=True)
    )
    assert got == pytest.approx(expected)
    assert len(expected) > 50  # the data does link items


def test_events_come_from_posts_by_identity_not_file_name(seeded_posts):
    events = events_from_folder(seeded_posts)
    assert len(events) == 24
    assert {e.model for e in events} == {"qwen"}
    assert all(e.event_id == f"qwen-{e.post_date}#{e.position}" for e in events)


def test_gold_posts_dir_comes_from_the_file_or_a_folder_beside_it(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "gold.yaml").write_text("posts: ../p\nstories: {}\n", encoding="utf-8")
    assert gold_posts_dir(tmp_path / "a" / "gold.yaml") == (tmp_path / "p").resolve()
    (tmp_path / "b" / "posts").mkdir(parents=True)
    (tmp_path / "b" / "gold.csv").write_text("event_id,story\n", encoding="utf-8")
    assert gold_posts_dir(tmp_path / "b" / "gold.csv") == tmp_path / "b" / "posts"


def test_eval_timeline_prints_every_method(seeded_posts, tmp_path, capsys):
    gold = tmp_path / "gold.csv"
    events = events_from_folder(seeded_posts)
    gold.write_text(
        "event_id,story\n" + "".join(f"{e.event_id},{e.event_id}\n" for e in events), encoding="utf-8"
    )
    assert main(["eval-timeline", "--gold", str(gold), "--posts", str(seeded_posts), "--show-errors"]) == 0
    out = capsys.readouterr().out
    assert "24 items in 24 stories" in out
    for method in ("all-singletons", "minhash@", "digest-pipeline"):
        assert method in out
    # Against all-singletons gold, the floor is perfect.
    floor_line = next(line for line in out.splitlines() if line.startswith("all-singletons"))
    assert floor_line.split()[1:7] == ["1.000", "1.000", "1.000", "1.000", "1.000", "1.000"]


def test_a_second_readers_labels_are_scored_against_the_gold_as_one_more_row(seeded_posts, tmp_path, capsys):
    events = events_from_folder(seeded_posts)
    gold = tmp_path / "gold.csv"
    # The gold pairs the first two items; the reader pairs the first three, spelling ids its own way.
    gold.write_text(
        "event_id,story\n"
        + "".join(f"{e.event_id},{'x' if n < 2 else e.event_id}\n" for n, e in enumerate(events)),
        encoding="utf-8",
    )
    reader = tmp_path / "reader.csv"
    reader.write_text(
        "model,date,position,story\n"
        + "".join(
            f"{e.model},{e.post_date},{e.position},{'y' if n < 3 else n}\n" for n, e in enumerate(events)
        ),
        encoding="utf-8",
    )
    args = ["eval-timeline", "--strict", "--gold", str(gold), "--posts", str(seeded_posts)]
    assert main([*args, "--annotator", str(reader)]) == 0
    row = next(
        line for line in capsys.readouterr().out.splitlines() if line.startswith("annotator: reader.csv")
    )
    # Pairwise: the gold's 1 pair among the reader's 3 (P 1/3, R 1). B-cubed precision: items 1 and 2
    # keep 2 of 3, item 3 keeps 1 of 3, the other 21 are exact: (2 * 2/3 + 1/3 + 21) / 24; recall 1.
    precision = (2 * 2 / 3 + 1 / 3 + 21) / 24
    b3_f1 = 2 * precision / (precision + 1)
    assert row.split()[2:] == ["0.333", "1.000", "0.500", f"{precision:.3f}", "1.000", f"{b3_f1:.3f}", "22"]
    assert main(args) == 0
    assert "annotator:" not in capsys.readouterr().out


def test_a_second_reader_who_leaves_out_items_the_gold_scores_is_refused(seeded_posts, tmp_path, capsys):
    events = events_from_folder(seeded_posts)
    gold = tmp_path / "gold.csv"
    gold.write_text(
        "event_id,story\n" + "".join(f"{e.event_id},{e.event_id}\n" for e in events), encoding="utf-8"
    )
    reader = tmp_path / "reader.csv"
    reader.write_text("event_id,story\n" + "".join(f"{e.event_id},a\n" for e in events[1:]), encoding="utf-8")
    args = ["eval-timeline", "--gold", str(gold), "--posts", str(seeded_posts), "--annotator"]
    assert main([*args, str(reader)]) == 2
    assert (
        f"does not label 1 of the 24 items the gold file scores ['{events[0].event_id}']"
        in capsys.readouterr().err
    )
    assert main([*args, str(tmp_path / "missing.yaml")]) == 2
    assert "annotator file" in capsys.readouterr().err


def test_several_gold_sets_are_scored_in_turn_and_summed_up_with_their_means(seeded_posts, tmp_path, capsys):
    events = events_from_folder(seeded_posts)
    for name, paired in (("a", 0), ("b", 2)):
        (tmp_path / name).mkdir()
        (tmp_path / name / "posts").symlink_to(seeded_posts)
        rows = "".join(f"{e.event_id},{'x' if n < paired else e.event_id}\n" for n, e in enumerate(events))
        (tmp_path / name / "gold.csv").write_text(f"event_id,story\n{rows}", encoding="utf-8")
    # Only set a has another reader, who labels as its gold does.
    stories = "".join(f"  s{n}: [{e.event_id}]\n" for n, e in enumerate(events))
    (tmp_path / "a" / "one-reader.yaml").write_text(f"stories:\n{stories}", encoding="utf-8")
    golds = ["--gold", str(tmp_path / "a" / "gold.csv"), "--gold", str(tmp_path / "b" / "gold.csv")]
    assert main(["eval-timeline", "--strict", "--readers", *golds]) == 0
    out = capsys.readouterr().out
    assert out.count("annotator: one-reader.yaml") == 1
    summary = out[out.index("summary of 2 gold sets") :].splitlines()
    row = {line.split()[0]: line.split()[1:] for line in summary[2:]}
    assert row["a"][:1] + row["a"][4:7] == ["24", "1.000", "/", "1.000"]
    assert row["b"][:1] + row["b"][4:5] == ["24", "-"]
    ours = [(float(row[name][-3]), float(row[name][-1])) for name in ("a", "b")]
    assert row["mean"][6:9] == [
        f"{(ours[0][0] + ours[1][0]) / 2:.3f}",
        "/",
        f"{(ours[0][1] + ours[1][1]) / 2:.3f}",
    ]
    assert row["mean"][3:6] == ["1.000", "/", "1.000"] and "over the 1 sets that have them" in summary[-1]
    # A posts folder or a reader's file names one set's files: refused with several sets.
    assert main(["eval-timeline", *golds, "--annotator", str(tmp_path / "a" / "one-reader.yaml")]) == 2
    assert "with several --gold" in capsys.readouterr().err


def test_eval_timeline_strict_refuses_gold_that_does_not_cover_the_posts(seeded_posts, tmp_path, capsys):
    gold = tmp_path / "gold.csv"
    gold.write_text("event_id,story\nqwen-2025-12-23#1,a\nnope#1,b\n", encoding="utf-8")
    assert main(["eval-timeline", "--strict", "--gold", str(gold), "--posts", str(seeded_posts)]) == 2
    err = capsys.readouterr().err
    assert "23 items unlabelled" in err and "1 labels for no item" in err
    assert main(["eval-timeline", "--gold", str(tmp_path / "missing.yaml")]) == 2


def test_eval_timeline_scores_what_a_partial_gold_file_labels_and_says_what_it_left_out(
    seeded_posts, tmp_path, capsys
):
    events = events_from_folder(seeded_posts)
    gold = tmp_path / "gold.csv"
    # Every item its own story, but two items left unlabelled and one label for an item that is not there.
    rows = "".join(f"{e.event_id},{e.event_id}\n" for e in events[2:])
    gold.write_text(f"event_id,story\n{rows}qwen-2030-01-01#1,ghost\n", encoding="utf-8")
    assert main(["eval-timeline", "--gold", str(gold), "--posts", str(seeded_posts)]) == 0
    captured = capsys.readouterr()
    scored = len(events) - 2
    assert f"{scored} items in {scored} stories" in captured.out
    assert "2 items of the posts with no label" in captured.err
    assert "1 gold labels naming no item ['qwen-2030-01-01#1']" in captured.err
    floor_line = next(line for line in captured.out.splitlines() if line.startswith("all-singletons"))
    assert floor_line.split()[1:7] == ["1.000", "1.000", "1.000", "1.000", "1.000", "1.000"]


def test_a_gold_file_counting_items_from_zero_is_read_as_such(seeded_posts, tmp_path, capsys):
    events = events_from_folder(seeded_posts)
    gold = tmp_path / "gold.csv"
    rows = "".join(f"{e.model},{e.post_date},{e.position - 1},{e.event_id}\n" for e in events)
    gold.write_text(f"model,date,position,story\n{rows}", encoding="utf-8")
    assert main(["eval-timeline", "--strict", "--gold", str(gold), "--posts", str(seeded_posts)]) == 0
    captured = capsys.readouterr()
    assert "counts each post's items from 0" in captured.err
    assert f"{len(events)} items in {len(events)} stories" in captured.out
    floor_line = next(line for line in captured.out.splitlines() if line.startswith("all-singletons"))
    assert floor_line.split()[1:7] == ["1.000", "1.000", "1.000", "1.000", "1.000", "1.000"]


def test_counting_from_zero_needs_most_posts_to_start_at_zero():
    one_based = [("qwen", "2025-12-23", 1), ("qwen", "2025-12-23", 2), ("qwen", "2025-12-26", 1)]
    assert not counts_from_zero(one_based)
    assert counts_from_zero([(m, d, p - 1) for m, d, p in one_based])
    # One stray 0 among posts counted from 1 is a label for no item, not a count from 0.
    assert not counts_from_zero([*one_based, ("qwen", "2026-01-05", 0), ("qwen", "2026-01-05", 1), None])
    assert not counts_from_zero([None])


def test_eval_timeline_refuses_gold_that_names_mostly_other_items(seeded_posts, tmp_path, capsys):
    gold = tmp_path / "gold.csv"
    gold.write_text("event_id,story\nqwen-2025-12-23#1,a\nnope#1,b\nnope#2,b\n", encoding="utf-8")
    assert main(["eval-timeline", "--gold", str(gold), "--posts", str(seeded_posts)]) == 2
    err = capsys.readouterr().err
    assert "2 labels for no item" in err and "named like ['qwen-2025-12-23#1'" in err


@pytest.mark.parametrize(
    "written",
    [
        "qwen-2025-12-23#2",
        "QWEN-2025-12-23#2",
        "qwen/2025-12-23/2",
        "2025-12-23_qwen_2",
        "qwen_20251223_2",
        "qwen 2025-12-23 #2",
    ],
)
def test_an_item_id_is_read_however_it_is_written(written):
    assert item_key(written) == ("qwen", "2025-12-23", 2)


@pytest.mark.parametrize(
    "written",
    ["qwen-2025-12-23", "2025-12-23#2", "qwen-gpt-2025-12-23#2", "qwen-2025-12-23-2025-12-24#1", "x"],
)
def test_an_item_id_that_does_not_say_one_model_date_and_position_is_not_guessed(written):
    assert item_key(written) is None


def test_gold_ids_find_their_items_whatever_their_spelling(make_event):
    events = [make_event(f"qwen-2025-12-23#{n}", 23, "a", "a", model="qwen") for n in (1, 2)]
    matched = match_gold({"QWEN-2025-12-23#1": "x", "qwen/2025-12-23/1": "y", "nope": "z"}, events)
    assert matched.labels == {"qwen-2025-12-23#1": "x"}  # the first spelling of an item wins
    assert matched.unknown == ["nope", "qwen/2025-12-23/1"]
    assert matched.unlabelled == ["qwen-2025-12-23#2"]


def test_gold_files_may_list_stories_and_name_items_by_their_parts(tmp_path):
    (tmp_path / "list.yaml").write_text(
        "stories:\n"
        "  - {id: x, events: [a, {event_id: b}, {post_id: p, position: 3}]}\n"
        "  - {label: y, items: [{model: qwen, date: 2025-12-23, position: 1}]}\n",
        encoding="utf-8",
    )
    assert load_gold(tmp_path / "list.yaml") == {"a": "x", "b": "x", "p#3": "x", "qwen-2025-12-23#1": "y"}
    (tmp_path / "parts.csv").write_text(
        "Model,Post_Date,Position,Story\nqwen,2025-12-23,1,x\nqwen,2025-12-23,2,x\n", encoding="utf-8"
    )
    assert load_gold(tmp_path / "parts.csv") == {"qwen-2025-12-23#1": "x", "qwen-2025-12-23#2": "x"}
    (tmp_path / "posts.tsv").write_text("post_id\tposition\tlabel\np\t1\ty\n", encoding="utf-8")
    assert load_gold(tmp_path / "posts.tsv") == {"p#1": "y"}
    (tmp_path / "vague.yaml").write_text("stories:\n  x: [{headline: something}]\n", encoding="utf-8")
    with pytest.raises(GoldFileError, match="cannot tell which item"):
        load_gold(tmp_path / "vague.yaml")


GOLD_SETS = sorted((Path(__file__).resolve().parents[2] / "eval").glob("*/gold.yaml"))


@pytest.mark.parametrize("gold_path", GOLD_SETS, ids=lambda p: p.parent.name)
def test_shipped_gold_sets_label_every_item_and_we_beat_the_baselines(gold_path):
    evaluation = evaluate_timeline(gold_path, gold_posts_dir(gold_path), strict=True)
    floor, minhash, ours = evaluation.methods
    assert floor.method == "all-singletons" and ours.method == "digest-pipeline"
    assert ours.pairwise.f1 > minhash.pairwise.f1 > floor.pairwise.f1
    assert ours.b_cubed.f1 > floor.b_cubed.f1


SECOND_READERS = sorted((Path(__file__).resolve().parents[2] / "eval").glob("*/second-reader.yaml"))


@pytest.mark.parametrize("reader_path", SECOND_READERS, ids=lambda p: p.parent.name)
def test_shipped_second_readers_label_every_item_of_their_set(reader_path):
    gold_path = reader_path.parent / "gold.yaml"
    evaluation = evaluate_timeline(
        gold_path, gold_posts_dir(gold_path), strict=True, annotators=[reader_path]
    )
    reader = next(m for m in evaluation.methods if m.kind == "annotator")
    assert gold_posts_dir(reader_path) == gold_posts_dir(gold_path)
    assert 0 < reader.pairwise.f1 <= 1 and reader.stories > 1
