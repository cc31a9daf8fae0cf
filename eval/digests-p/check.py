#!/usr/bin/env python3
"""Standalone checker for the digests-p evaluation set.

Uses only the standard library and PyYAML; it does not import the project.
Run from this folder:  /work/main/.venv/bin/python check.py

It parses every post under posts/, splits the 📰 news section into items
(five list styles plus the seed-000 variant), checks post structure, and
verifies that gold.yaml labels every item exactly once and nothing else.
Exit status is non-zero if any check fails.
"""

import datetime as dt
import os
import re
import sys
from collections import Counter, defaultdict

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
SECTIONS = ["本週模型趨勢", "📰 本週新聞焦點", "🔍 深度分析", "📌 重點摘要", "💡 延伸思考", "🔗 資料來源"]
NUMBERED = re.compile(r"^\d+[)）.、]\s*\S")
BULLET = re.compile(r"^[-*]\s+\S")
LINK = re.compile(r"^\s*[-*]\s+\[(.+)\]\((https?://[^)\s]+)\)\s*$")
EVENT_ID = re.compile(r"^(?P<model>[a-z0-9]+)-(?P<date>\d{4}-\d{2}-\d{2})#(?P<pos>\d+)$")
FULL_COLON = "："
DATE_MIN, DATE_MAX = dt.date(2028, 3, 1), dt.date(2028, 4, 20)

errors = []


def err(msg):
    errors.append(msg)


def split_front_matter(text, name):
    if not text.startswith("---\n"):
        err(f"{name}: no front matter")
        return {}, text
    end = text.find("\n---\n", 4)
    if end < 0:
        err(f"{name}: unterminated front matter")
        return {}, text
    fm = yaml.safe_load(text[4:end]) or {}
    return fm, text[end + 5 :]


def sections(body):
    """Return list of (heading, [lines]) for every '## ' section."""
    out = []
    for line in body.split("\n"):
        if line.startswith("## "):
            out.append((line[3:].strip(), []))
        elif out:
            out[-1][1].append(line)
    return out


def parse_news(lines):
    """Split news-section lines into items: list of dicts(headline, body_lines)."""
    content = [l.rstrip() for l in lines]
    # drop trailing footer-like lines if any (news section ends at next ##)
    top_numbered = any(NUMBERED.match(l) for l in content if l and not l[0].isspace())
    items = []
    for line in content:
        if not line.strip():
            continue
        top = not line[0].isspace()
        if top and top_numbered and NUMBERED.match(line):
            items.append(
                {"headline": re.sub(r"^\d+[)）.、]\s*", "", line).strip(), "body": [], "kind": "num"}
            )
        elif top and not top_numbered and BULLET.match(line):
            items.append({"headline": re.sub(r"^[-*]\s+", "", line).strip(), "body": [], "kind": "bullet"})
        else:
            if not items:
                raise ValueError(f"text before first item: {line[:40]!r}")
            if top and top_numbered and BULLET.match(line):
                kind = "top-bullet"
            elif top:
                kind = "top-text"
            elif BULLET.match(line.lstrip()):
                kind = "nested-bullet"
            else:
                kind = "indented-text"
            items[-1]["body"].append((kind, line.strip()))
    return items


def style_of(items):
    kinds = set()
    for it in items:
        if not it["body"]:
            kinds.add("E" if it["kind"] == "num" else "?")
            continue
        bk = {k for k, _ in it["body"]}
        if it["kind"] == "num":
            kinds.add("D" if bk == {"top-bullet"} else "A" if bk == {"top-text"} else "?")
        else:
            kinds.add(
                {
                    frozenset({"nested-bullet"}): "C",
                    frozenset({"indented-text"}): "B",
                    frozenset({"top-text"}): "B0",
                }.get(frozenset(bk), "?")
            )
    return "+".join(sorted(kinds))


def has_label(headline):
    i = headline.find(FULL_COLON)
    return 0 < i <= 6


def main():
    post_dir = os.path.join(HERE, "posts")
    posts = {}
    table = []
    for fn in sorted(os.listdir(post_dir)):
        if not fn.endswith(".md"):
            continue
        text = open(os.path.join(post_dir, fn), encoding="utf-8").read()
        fm, body = split_front_matter(text, fn)
        model = str(fm.get("model", ""))
        date = fm.get("date")
        date = date if isinstance(date, dt.date) else dt.date.fromisoformat(str(date))
        pid = f"{model}-{date.isoformat()}"
        if fn != f"{date.isoformat()}-{model}.md":
            err(f"{fn}: file name does not match front matter ({pid})")
        if not (DATE_MIN <= date <= DATE_MAX):
            err(f"{fn}: date {date} out of range")
        for key in ("layout", "title", "tagline", "date", "model", "categories", "tags", "image"):
            if key not in fm:
                err(f"{fn}: front matter lacks {key}")
        if fm.get("title") != f"{model.upper()} 每日動態 - {date.isoformat()}":
            err(f"{fn}: title {fm.get('title')!r}")
        secs = sections(body)
        heads = [h for h, _ in secs]
        if heads != SECTIONS:
            err(f"{fn}: sections {heads}")
        secmap = dict(secs)
        try:
            items = parse_news(secmap.get("📰 本週新聞焦點", []))
        except ValueError as e:
            err(f"{fn}: {e}")
            items = []
        if len(items) not in (5, 6):
            err(f"{fn}: {len(items)} news items (want 5 or 6)")
        st = style_of(items)
        if "?" in st or "+" in st:
            err(f"{fn}: mixed or unknown list style {st}")
        for n, it in enumerate(items, 1):
            if not it["body"]:
                h = it["headline"]
                if FULL_COLON not in h or h.endswith(FULL_COLON):
                    err(f"{fn}#{n}: one-line item without 'headline：body'")
                elif len(h.split(FULL_COLON, 1)[1]) < 30 and len(h.split(FULL_COLON, 2)[-1]) < 30:
                    err(f"{fn}#{n}: one-line item body too short")
        links = [l for l in secmap.get("🔗 資料來源", []) if LINK.match(l)]
        nonempty = [l for l in secmap.get("🔗 資料來源", []) if l.strip()]
        footer = re.search(r"\*本文由 AI 自動生成，彙整自 (\d+) 篇新聞來源。\*", body)
        if not (9 <= len(links) <= 11):
            err(f"{fn}: {len(links)} source links")
        if not footer or int(footer.group(1)) != len(links):
            err(f"{fn}: footer count does not match {len(links)} links")
        m = re.match(r"彙整 (\d+) 則 (\S+) 相關新聞", str(fm.get("tagline", "")))
        if not m or int(m.group(1)) != len(links) or m.group(2) != model.upper():
            err(f"{fn}: tagline {fm.get('tagline')!r}")
        if not body.rstrip("\n").endswith("**"):
            err(f"{fn}: footer does not end like the seeds")
        extra = [
            l
            for l in nonempty
            if not LINK.match(l) and l.strip() not in ("---",) and "本文由 AI" not in l and l.strip() != "**"
        ]
        if extra:
            err(f"{fn}: unexpected lines in sources: {extra[:2]}")
        if pid in posts:
            err(f"duplicate post id {pid}")
        labelled = sum(has_label(it["headline"]) for it in items)
        tags = fm.get("tags") or []
        quirks = []
        raw_fm = text.split("\n---\n", 1)[0]
        tag_line = next((l for l in raw_fm.split("\n") if l.startswith("tags:")), "")
        if tag_line.strip() == "tags:":
            quirks.append("tags block list")
        elif '"' in tag_line and re.search(r'[\[,]\s*[^"\s\]]', tag_line):
            quirks.append("tags mixed quoted/bare")
        elif '"' in tag_line:
            quirks.append("tags quoted")
        else:
            quirks.append("tags bare")
        if "ai_summary" not in fm:
            quirks.append("no ai_summary")
        elif re.search(r"^ai_summary: '", raw_fm, re.M):
            quirks.append("ai_summary single-quoted")
        if re.search(r'^date: "', raw_fm, re.M):
            quirks.append("date quoted")
        quirks.append(
            f"image {fm.get('image')!s}"[:60]
            if str(fm.get("image")) == "/"
            else "image "
            + (
                "//…"
                if str(fm.get("image")).startswith("//")
                else "/…" + os.path.splitext(str(fm.get("image")))[1]
            )
        )
        if any(re.search(r"\S  $", l) for l in secmap.get("📰 本週新聞焦點", []) if NUMBERED.match(l)):
            quirks.append("trailing 2 spaces on headlines")
        posts[pid] = {"model": model, "date": date, "items": items}
        table.append((model, date.isoformat(), len(items), st, len(links), labelled, ", ".join(quirks)))

    # schedule: gaps within each digest
    by_model = defaultdict(list)
    for p in posts.values():
        by_model[p["model"]].append(p["date"])
    for model, dates in by_model.items():
        dates.sort()
        if len(dates) != 5:
            err(f"digest {model}: {len(dates)} posts")
        for a, b in zip(dates, dates[1:]):
            if not (3 <= (b - a).days <= 12):
                err(f"digest {model}: gap {a}..{b} = {(b - a).days} days")

    all_ids = {f"{pid}#{n}" for pid, p in posts.items() for n in range(1, len(p["items"]) + 1)}

    # gold.yaml
    gold = yaml.safe_load(open(os.path.join(HERE, "gold.yaml"), encoding="utf-8"))
    if set(gold) != {"posts", "stories"}:
        err(f"gold.yaml top-level keys {sorted(gold)}")
    if gold.get("posts") != "posts":
        err("gold.yaml posts: must be 'posts'")
    seen = Counter()
    story_of = {}
    for slug, s in (gold.get("stories") or {}).items():
        if (
            set(s) != {"about", "events"}
            or not isinstance(s["about"], str)
            or not isinstance(s["events"], list)
        ):
            err(f"story {slug}: needs exactly about (str) and events (list)")
            continue
        if not s["events"]:
            err(f"story {slug}: no events")
        for e in s["events"]:
            if not EVENT_ID.match(str(e)):
                err(f"story {slug}: bad event id {e!r}")
            seen[e] += 1
            story_of[e] = slug
    for e, c in seen.items():
        if c > 1:
            err(f"event {e} labelled {c} times")
    missing = sorted(all_ids - set(seen))
    unknown = sorted(set(seen) - all_ids)
    for e in missing:
        err(f"event {e} not labelled")
    for e in unknown:
        err(f"event {e} labelled but not in the posts")

    # report
    print("model   date        items style  links labelled  quirks")
    for row in table:
        print(
            f"{row[0]:<7} {row[1]}  {row[2]:>3}   {row[3]:<5} {row[4]:>4}  {row[5]:>3}/{row[2]:<3}   {row[6]}"
        )
    stories = gold.get("stories") or {}
    n_items = len(all_ids)
    recurring = [k for k, s in stories.items() if len(s["events"]) >= 2]
    oneoff = [k for k, s in stories.items() if len(s["events"]) == 1]
    cross = [
        k for k, s in stories.items() if len({EVENT_ID.match(e).group("model") for e in s["events"]}) > 1
    ]
    labelled = sum(r[5] for r in table)
    print()
    print(
        f"posts {len(posts)}, items {n_items}, stories {len(stories)}, recurring {len(recurring)}, "
        f"one-off {len(oneoff)} ({len(oneoff) / max(n_items, 1):.0%} of items), cross-digest {len(cross)}, "
        f"max items/story {max((len(s['events']) for s in stories.values()), default=0)}"
    )
    print(
        f"headlines with a category label before '：': {labelled}/{n_items} ({labelled / max(n_items, 1):.0%})"
    )
    if errors:
        print(f"\nFAIL: {len(errors)} problem(s)")
        for e in errors:
            print("  -", e)
        return 1
    print("\nOK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
