#!/usr/bin/env python3
"""Standalone checker for the digests-m evaluation set.

Uses only the standard library and PyYAML; it does not import the project.
Run from this folder:  /work/main/.venv/bin/python check.py

It parses every post's "📰 本週新聞焦點" section in the five list styles of the
contract, counts the items, checks the post structure, and verifies that
gold.yaml labels every item exactly once and nothing else.
"""

import datetime as dt
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
SECTIONS = ["本週模型趨勢", "📰 本週新聞焦點", "🔍 深度分析", "📌 重點摘要", "💡 延伸思考", "🔗 資料來源"]
NUM_RE = re.compile(r"^(\d+)\)\s*(\S.*)$")
DASH_RE = re.compile(r"^- (\S.*)$")
LINK_RE = re.compile(r"\[[^\]]+\]\((https?:)?//[^)\s]+\)")
STYLE_NAMES = {
    "A": "1) headline + paragraph",
    "B": "- headline + indented body",
    "C": "- headline + nested - body",
    "D": "1) headline + top-level - body",
    "E": "one line 1) headline：body",
    "B0": "- headline + unindented paragraph",
}

errors = []


def err(msg):
    errors.append(msg)


def split_front_matter(text, name):
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        err(f"{name}: no front matter")
        return {}, text
    for i in range(1, len(lines)):
        if lines[i].strip() == "---":
            fm = yaml.safe_load("\n".join(lines[1:i])) or {}
            return fm, "\n".join(lines[i + 1 :])
    err(f"{name}: unterminated front matter")
    return {}, text


def sections(body):
    out, cur = {}, None
    for line in body.split("\n"):
        if line.startswith("## "):
            cur = line[3:].strip()
            out[cur] = []
        elif cur is not None:
            out[cur].append(line)
    return out


def find_section(secs, key):
    for title, lines in secs.items():
        if key in title:
            return lines
    return None


def parse_items(lines, name):
    """Return (items, style). Each item = dict(headline, body)."""
    lines = [l.rstrip() for l in lines]
    numbered = [i for i, l in enumerate(lines) if NUM_RE.match(l)]
    items, styles = [], []
    if numbered:
        nums = [int(NUM_RE.match(lines[i]).group(1)) for i in numbered]
        if nums != list(range(1, len(nums) + 1)):
            err(f"{name}: numbered items out of order {nums}")
        bounds = numbered + [len(lines)]
        for k, start in enumerate(numbered):
            head = NUM_RE.match(lines[start]).group(2).strip()
            body = [l for l in lines[start + 1 : bounds[k + 1]] if l.strip() and l.strip() != "---"]
            if not body:
                style = "E"
                if "：" not in head:
                    err(f"{name}: one-line item {k + 1} has no full-width colon")
            elif body[0].startswith("- "):
                style = "D"
            else:
                style = "A"
            items.append({"headline": head, "body": " ".join(b.strip() for b in body)})
            styles.append(style)
    else:
        tops = [i for i, l in enumerate(lines) if DASH_RE.match(l)]
        bounds = tops + [len(lines)]
        for k, start in enumerate(tops):
            head = DASH_RE.match(lines[start]).group(1).strip()
            body = [l for l in lines[start + 1 : bounds[k + 1]] if l.strip()]
            if not body:
                err(f"{name}: dash item {k + 1} has no body")
                style = "?"
            elif re.match(r"^\s+- ", body[0]):
                style = "C"
            elif re.match(r"^\s+\S", body[0]):
                style = "B"
            else:
                style = "B0"
            items.append({"headline": head, "body": " ".join(b.strip() for b in body)})
            styles.append(style)
    kinds = set(styles)
    if len(kinds) > 1:
        err(f"{name}: mixed list styles {sorted(kinds)}")
    return items, (styles[0] if styles else "?")


def check_post(path):
    name = path.name
    text = path.read_text(encoding="utf-8")
    fm, body = split_front_matter(text, name)
    for key in ["layout", "title", "tagline", "date", "model", "categories", "tags", "image"]:
        if key not in fm:
            err(f"{name}: front matter lacks {key}")
    model = str(fm.get("model", "")).strip()
    date = fm.get("date")
    if isinstance(date, str):
        date = dt.date.fromisoformat(date)
    if not isinstance(date, dt.date):
        err(f"{name}: bad date {date!r}")
        return None
    if fm.get("title") != f"{model.upper()} 每日動態 - {date.isoformat()}":
        err(f"{name}: title {fm.get('title')!r} does not match model/date")
    if path.stem != f"{date.isoformat()}-{model}":
        err(f"{name}: file name does not match {date}-{model}")
    if not (dt.date(2027, 9, 1) <= date <= dt.date(2027, 10, 20)):
        err(f"{name}: date {date} out of range")
    secs = sections(body)
    for key in SECTIONS:
        if find_section(secs, key) is None:
            err(f"{name}: missing section {key}")
    if len(secs) != 6:
        err(f"{name}: expected 6 sections, got {list(secs)}")
    news = find_section(secs, "本週新聞焦點") or []
    items, style = parse_items(news, name)
    if not 5 <= len(items) <= 6:
        err(f"{name}: {len(items)} news items (want 5-6)")
    src = find_section(secs, "資料來源") or []
    links = [l for l in src if LINK_RE.search(l)]
    if not 9 <= len(links) <= 11:
        err(f"{name}: {len(links)} source links (want 9-11)")
    m = re.search(r"彙整 (\d+) 則", str(fm.get("tagline", "")))
    if not m or int(m.group(1)) != len(links):
        err(f"{name}: tagline count does not match {len(links)} sources")
    foot = re.search(r"彙整自 (\d+) 篇新聞來源", text)
    if not foot or int(foot.group(1)) != len(links):
        err(f"{name}: footer count does not match {len(links)} sources")
    domains = {re.sub(r"^www\d?\.", "", re.search(r"//([^/)]+)", l).group(1)) for l in links}
    labelled = sum(1 for it in items if re.match(r"^[^：]{2,6}：", it["headline"]) and style != "E")
    attributions = sum(1 for it in items if "（來源：" in it["headline"] + it["body"])
    return {
        "id": f"{model}-{date.isoformat()}",
        "model": model,
        "date": date,
        "items": items,
        "style": style,
        "sources": len(links),
        "domains": len(domains),
        "ai_summary": "ai_summary" in fm,
        "tags_quoted": '"' in text.split("tags:", 1)[1].split("\n", 1)[0],
        "image": fm.get("image"),
        "labelled": labelled,
        "attributions": attributions,
    }


def main():
    gold = yaml.safe_load((HERE / "gold.yaml").read_text(encoding="utf-8"))
    posts_dir = HERE / gold.get("posts", "posts")
    posts = [p for p in (check_post(f) for f in sorted(posts_dir.glob("*.md"))) if p]
    if len(posts) != 15:
        err(f"expected 15 posts, found {len(posts)}")

    # schedule
    by_model = defaultdict(list)
    for p in posts:
        by_model[p["model"]].append(p["date"])
    for model, dates in sorted(by_model.items()):
        dates.sort()
        if len(dates) != 5:
            err(f"{model}: {len(dates)} posts (want 5)")
        for a, b in zip(dates, dates[1:]):
            if not 3 <= (b - a).days <= 12:
                err(f"{model}: gap {a} -> {b} is {(b - a).days} days")
    if set(by_model) != {"grok", "ernie", "gpt"}:
        err(f"unexpected digests {sorted(by_model)}")

    # styles
    style_count = Counter(p["style"] for p in posts)
    for s in "ABCDE":
        if style_count[s] == 0:
            err(f"list style {s} ({STYLE_NAMES[s]}) unused")

    # gold
    all_ids = {f"{p['id']}#{i}": p for p in posts for i in range(1, len(p["items"]) + 1)}
    seen = Counter()
    stories = gold.get("stories") or {}
    for slug, st in stories.items():
        if not isinstance(st, dict) or not st.get("about") or not st.get("events"):
            err(f"story {slug}: needs about and events")
            continue
        for ev in st["events"]:
            seen[ev] += 1
            if ev not in all_ids:
                err(f"story {slug}: unknown event {ev}")
    for ev, n in seen.items():
        if n > 1:
            err(f"event {ev} labelled {n} times")
    for ev in all_ids:
        if ev not in seen:
            err(f"event {ev} not labelled")

    # report
    print(
        f"{'post':<18} {'style':<5} {'items':>5} {'src':>4} {'dom':>4} {'lab':>4} {'attr':>4}  summary tags   image"
    )
    for p in sorted(posts, key=lambda p: (p["date"], p["model"])):
        print(
            f"{p['id']:<18} {p['style']:<5} {len(p['items']):>5} {p['sources']:>4} {p['domains']:>4} "
            f"{p['labelled']:>4} {p['attributions']:>4}  {'yes' if p['ai_summary'] else 'NO ':<7} "
            f"{'quoted' if p['tags_quoted'] else 'bare  '} {p['image']}"
        )
    n_items = len(all_ids)
    sizes = {s: len(st["events"]) for s, st in stories.items() if isinstance(st, dict) and st.get("events")}
    recurring = [s for s, n in sizes.items() if n >= 2]
    multi_post = [s for s in recurring if len({e.split("#")[0] for e in stories[s]["events"]}) >= 2]
    cross = [s for s in sizes if len({e.split("-")[0] for e in stories[s]["events"]}) >= 2]
    one_offs = [s for s, n in sizes.items() if n == 1]
    labelled = sum(p["labelled"] for p in posts)
    print()
    print(
        f"posts {len(posts)} | items {n_items} | stories {len(sizes)} | recurring {len(recurring)} "
        f"(spanning >1 post: {len(multi_post)}) | one-off items {len(one_offs)} "
        f"({len(one_offs) / max(n_items, 1):.0%}) | cross-digest {len(cross)} | "
        f"headlines with category label {labelled}/{n_items}"
    )
    print("styles: " + ", ".join(f"{s}={style_count[s]}" for s in sorted(style_count)))
    if errors:
        print(f"\nFAIL: {len(errors)} problem(s)")
        for e in errors:
            print("  - " + e)
        return 1
    print("\nOK: every item of every post is labelled exactly once")
    return 0


if __name__ == "__main__":
    sys.exit(main())
