"""Synthetic posts: deterministic, parsed by the real parser, every style and quirk, gold labels that fit."""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections import defaultdict
from pathlib import Path

import duckdb
import pytest

from digest_pipeline.cli import build, main
from digest_pipeline.posts import decode_post, parse_post
from digest_pipeline.synth import SIBLING_SUFFIXES, _Generator, model_profiles, synthesize
from digest_pipeline.warehouse.post_tables import event_id

BOM = b"\xef\xbb\xbf"


def files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def gold(folder: Path) -> dict[str, str]:
    with open(folder / "stories.csv", encoding="utf-8", newline="") as handle:
        return {row["event_id"]: row["story"] for row in csv.DictReader(handle)}


@pytest.fixture(scope="module")
def three_hundred(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("synth") / "posts"
    synthesize(300, folder, seed=7)
    return folder


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path: Path) -> None:
    synthesize(40, tmp_path / "a", seed=3)
    synthesize(40, tmp_path / "b", seed=3)
    synthesize(40, tmp_path / "c", seed=4)
    assert files(tmp_path / "a") == files(tmp_path / "b")
    assert files(tmp_path / "a").keys() == files(tmp_path / "c").keys()
    assert files(tmp_path / "a") != files(tmp_path / "c")


def test_one_post_per_model_per_day(tmp_path: Path) -> None:
    summary = synthesize(20, tmp_path, models=4, seed=1)
    names = sorted(p.stem for p in tmp_path.glob("*.md"))
    assert len(names) == summary.posts == 20 and summary.days == 5 and summary.models == 4
    assert {n.rsplit("-", 3)[0] for n in names} == {"gpt", "gemini", "claude", "qwen"}


def test_every_post_parses_with_its_items_links_and_identity(three_hundred: Path) -> None:
    labels = gold(three_hundred)
    per_post: dict[str, int] = defaultdict(int)
    for event in labels:
        per_post[event.split("#")[0]] += 1
    posts = sorted(three_hundred.glob("*.md"))
    assert len(posts) == 300
    for path in posts:
        post = parse_post(decode_post(path.read_bytes()), str(path))
        assert post.identity.post_id == path.stem and post.identity.identity_source == "front_matter"
        assert len(post.items) == per_post[path.stem]
        assert 4 <= len(post.items) <= 6 and all(item.headline and item.body for item in post.items)
        links = int(re.search(r"彙整 (\d+) 則", post.tagline or "").group(1))
        assert len(post.links) == links and 8 <= links <= 12
        assert {event_id(path.stem, item.position) for item in post.items} <= labels.keys()
        assert not post.warnings


def _list_style(news: str) -> str:
    if re.search(r"^1\) [^\n]*：", news, re.M):
        return "one_line"
    if news.startswith("1) "):
        return "numbered_top_bullet" if "\n- " in news else "numbered_paragraph"
    return "bullet_nested" if "\n  - " in news else "bullet_indented"


def test_every_list_style_and_quirk_occurs(three_hundred: Path) -> None:
    seen: set[str] = set()
    for path in three_hundred.glob("*.md"):
        raw = path.read_bytes()
        text = decode_post(raw)
        news = text.split("## 📰 本週新聞焦點\n", 1)[1].split("\n## ", 1)[0]
        seen.add(_list_style(news))
        seen.add("bom" if raw.startswith(BOM) else "crlf" if b"\r\n" in raw else "plain")
        seen.add("tags quoted" if 'tags: ["' in text else "tags bare")
        date = re.search(r"^date: (.*)$", text, re.M).group(1)
        seen.add("date quoted" if date.startswith('"') else "date time" if " " in date else "date")
        model = re.search(r"^model: (.*)$", text, re.M).group(1)
        seen.add("model " + ("upper" if model.isupper() else "lower" if model.islower() else "title"))
        seen.add("ai_summary" if "\nai_summary: " in text else "no ai_summary")
        seen.add("attribution" if "（來源：" in news else "")
    assert seen >= {
        "one_line",
        "numbered_top_bullet",
        "numbered_paragraph",
        "bullet_nested",
        "bullet_indented",
        "bom",
        "crlf",
        "plain",
        "tags quoted",
        "tags bare",
        "date quoted",
        "date time",
        "date",
        "model upper",
        "model lower",
        "model title",
        "ai_summary",
        "no ai_summary",
        "attribution",
    }


def test_stories_recur_over_days_and_weeks(three_hundred: Path) -> None:
    days: dict[str, set[dt.date]] = defaultdict(set)
    for event, story in gold(three_hundred).items():
        days[story].add(dt.date.fromisoformat(event.split("#")[0][-10:]))
    spans = [(max(d) - min(d)).days for d in days.values()]
    assert sum(len(d) >= 2 for d in days.values()) > 100  # recurring stories
    assert sum(len(d) == 1 for d in days.values()) > 100  # one-offs
    assert max(spans) >= 14 and sorted(spans)[len(spans) // 2] <= 3  # mostly days apart, some weeks


def test_near_misses_share_a_product_or_name_a_sibling() -> None:
    import random

    gen = _Generator(random.Random(5), model_profiles(6))
    for day in range(40):
        for model in gen.models:
            gen.items_for(model, day, 5)
    kinds: dict[str, set[str]] = defaultdict(set)
    for story in gen.stories:
        kinds[story.product].add(story.kind)
    assert len({(s.product, s.kind) for s in gen.stories}) == len(gen.stories)
    assert sum(len(k) >= 2 for k in kinds.values()) > 20  # same product, another event
    siblings = [p for p in kinds if p.endswith(SIBLING_SUFFIXES) and p[: p.rindex("-")] in kinds]
    assert len(siblings) > 10


def test_cli_synth_then_build_gives_the_gold_event_ids(tmp_path: Path, capsys) -> None:
    posts, warehouse = tmp_path / "posts", tmp_path / "wh" / "digest.duckdb"
    assert main(["synth", "--posts", "30", "--out", str(posts), "--seed", "2"]) == 0
    assert "wrote 30 posts (5 days x 6 models)" in capsys.readouterr().out
    build(str(posts), str(warehouse), log=lambda *_: None)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        events = {row[0] for row in con.execute("SELECT event_id FROM events").fetchall()}
        rejects = con.execute("SELECT source_file FROM ingest_rejects").fetchall()
    assert events == gold(posts).keys()
    assert [Path(r[0]).name for r in rejects] == ["stories.csv"]  # the side file is not a post
    assert main(["eval-timeline", "--gold", str(posts / "stories.csv"), "--posts", str(posts)]) == 0
    assert "digest-pipeline" in capsys.readouterr().out
