#!/usr/bin/env python3
"""Standalone checker for the digests-v evaluation set.

Uses only the standard library and PyYAML; it does not import the project.
Run from this folder:  /work/main/.venv/bin/python check.py

Checks
- every post has YAML front matter with model/date matching its file name,
  the six `## ` sections, a tagline/footer count equal to its source links;
- the 📰 news section parses in all five list styles:
    A  `1) headline` + body paragraph
    B  `- headline` + indented (or plain) body lines
    C  `- headline` + nested `  - body` bullet
    D  `1) headline` + body as a top-level `- ` bullet
    E  one-line `1) headline：body`
- numbered items run 1..n;
- gold.yaml labels every item exactly once and references nothing else.
"""

import datetime as dt
import os
import re
import sys
from collections import Counter, defaultdict

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
SECTIONS = ["本週模型趨勢", "本週新聞焦點", "深度分析", "重點摘要", "延伸思考", "資料來源"]
NUM_RE = re.compile(r"^(\d+)[\)\.]\s*(.*)$")  # top-level numbered item
BULLET_RE = re.compile(r"^[-*+]\s+(.*)$")  # top-level bullet
NESTED_BULLET_RE = re.compile(r"^\s+[-*+]\s+")  # indented bullet
LINK_RE = re.compile(r"^\s*[-*+]\s*\[[^\]]+\]\([^)]+\)")
ID_RE = re.compile(r"^([a-z0-9_-]+)-(\d{4}-\d{2}-\d{2})#(\d+)$")
DATE_MIN, DATE_MAX = dt.date(2029, 3, 1), dt.date(2029, 4, 20)

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
    """Return {section title: [lines]} for `## ` headings."""
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
            return title, lines
    return None, None


def parse_items(lines):
    """Split the news section into items. Returns (items, style).

    Structure only: if any top-level line is numbered, numbered lines start
    items and top-level `- ` lines are bodies; otherwise top-level bullets
    start items and indented lines / nested bullets / plain lines are bodies.
    """
    numbered = any(NUM_RE.match(l) for l in lines)
    items = []
    for line in lines:
        if not line.strip():
            if items:
                items[-1]["body"].append("")
            continue
        if numbered:
            m = NUM_RE.match(line)
            if m:
                items.append({"n": int(m.group(1)), "head": m.group(2).strip(), "body": []})
                continue
        else:
            m = BULLET_RE.match(line)
            if m:
                items.append({"n": None, "head": m.group(1).strip(), "body": []})
                continue
        if items:
            items[-1]["body"].append(line)
        else:
            err(f"text before first item: {line[:40]!r}")
    for it in items:
        while it["body"] and not it["body"][-1].strip():
            it["body"].pop()
    # style detection (for the report only)
    kinds = set()
    for it in items:
        body = [b for b in it["body"] if b.strip()]
        if numbered:
            if not body:
                kinds.add("E")
            elif BULLET_RE.match(body[0]):
                kinds.add("D")
            else:
                kinds.add("A")
        else:
            if body and NESTED_BULLET_RE.match(body[0]):
                kinds.add("C")
            elif body and body[0][:1].isspace():
                kinds.add("B")
            else:
                kinds.add("B(plain)")
    return items, "+".join(sorted(kinds))


def check_post(path):
    name = os.path.basename(path)
    with open(path, encoding="utf-8") as f:
        text = f.read()
    fm, body = split_front_matter(text, name)
    model = str(fm.get("model", "")).strip().lower()
    date = fm.get("date")
    if isinstance(date, dt.datetime):
        date = date.date()
    if isinstance(date, str):
        date = dt.date.fromisoformat(date.strip())
    if not model or not isinstance(date, dt.date):
        err(f"{name}: missing model/date")
        return None
    if name != f"{date.isoformat()}-{model}.md":
        err(f"{name}: file name does not match front matter ({date}-{model})")
    if not (DATE_MIN <= date <= DATE_MAX):
        err(f"{name}: date {date} out of range")
    for key in ("layout", "title", "tagline", "categories", "tags", "image"):
        if key not in fm:
            err(f"{name}: front matter lacks {key}")
    title = str(fm.get("title", ""))
    if title != f"{model.upper()} 每日動態 - {date.isoformat()}":
        err(f"{name}: unexpected title {title!r}")

    secs = sections(body)
    for key in SECTIONS:
        if find_section(secs, key)[0] is None:
            err(f"{name}: missing section {key}")
    _, news = find_section(secs, "本週新聞焦點")
    items, style = parse_items(news or [])
    if not 5 <= len(items) <= 6:
        err(f"{name}: {len(items)} news items (expected 5-6)")
    nums = [it["n"] for it in items if it["n"] is not None]
    if nums and nums != list(range(1, len(items) + 1)):
        err(f"{name}: numbering {nums} is not 1..{len(items)}")
    for i, it in enumerate(items, 1):
        if not it["head"]:
            err(f"{name}#{i}: empty headline")
        if style == "E" and "：" not in it["head"]:
            err(f"{name}#{i}: one-line item without '：'")
        if style != "E" and not any(b.strip() for b in it["body"]):
            err(f"{name}#{i}: item has no body")

    _, src = find_section(secs, "資料來源")
    links = [l for l in (src or []) if LINK_RE.match(l)]
    if not 9 <= len(links) <= 11:
        err(f"{name}: {len(links)} source links (expected 9-11)")
    m = re.search(r"彙整\s*(\d+)\s*則", str(fm.get("tagline", "")))
    if not m or int(m.group(1)) != len(links):
        err(f"{name}: tagline count != {len(links)} links")
    m = re.search(r"彙整自\s*(\d+)\s*篇新聞來源", text)
    if not m or int(m.group(1)) != len(links):
        err(f"{name}: footer count != {len(links)} links")

    quirks = []
    tags = fm.get("tags") or []
    tag_line = next((l for l in text.split("\n") if l.startswith("tags:")), "")
    quirks.append("quoted tags" if '"' in tag_line else "bare tags")
    if "ai_summary" not in fm:
        quirks.append("no ai_summary")
    quirks.append(f"image {fm.get('image')}")
    return {
        "name": name,
        "model": model,
        "date": date,
        "items": items,
        "style": style,
        "links": len(links),
        "quirks": quirks,
        "tags": tags,
    }


def main():
    os.chdir(HERE)
    with open("gold.yaml", encoding="utf-8") as f:
        gold = yaml.safe_load(f)
    posts_dir = gold.get("posts")
    if posts_dir != "posts":
        err("gold.yaml: `posts` must be 'posts'")
    stories = gold.get("stories") or {}

    posts = []
    for fn in sorted(os.listdir(posts_dir)):
        if fn.endswith(".md"):
            p = check_post(os.path.join(posts_dir, fn))
            if p:
                posts.append(p)

    # schedule: 3 to 12 days between consecutive posts of a digest
    by_model = defaultdict(list)
    for p in posts:
        by_model[p["model"]].append(p["date"])
    for model, dates in by_model.items():
        dates.sort()
        for a, b in zip(dates, dates[1:]):
            if not 3 <= (b - a).days <= 12:
                err(f"{model}: gap {a} -> {b} is {(b - a).days} days")

    # every item exactly once in gold
    expected = {}
    for p in posts:
        for i in range(1, len(p["items"]) + 1):
            expected[f"{p['model']}-{p['date'].isoformat()}#{i}"] = p
    seen = Counter()
    story_posts = {}
    for slug, st in stories.items():
        if not isinstance(st, dict) or "events" not in st or "about" not in st:
            err(f"gold: story {slug} lacks about/events")
            continue
        if not st["events"]:
            err(f"gold: story {slug} has no events")
        models = set()
        for ev in st["events"]:
            if not ID_RE.match(str(ev)):
                err(f"gold: malformed event id {ev!r} in {slug}")
            if ev not in expected:
                err(f"gold: {ev} ({slug}) is not an item of any post")
            else:
                models.add(expected[ev]["model"])
            seen[ev] += 1
        story_posts[slug] = models
    for ev, n in seen.items():
        if n > 1:
            err(f"gold: {ev} labelled {n} times")
    for ev in expected:
        if ev not in seen:
            err(f"gold: item {ev} is not labelled")

    # report
    print(f"{'post':28} {'items':>5}  {'style':8} {'links':>5}  quirks")
    for p in sorted(posts, key=lambda p: (p["date"], p["model"])):
        print(
            f"{p['name']:28} {len(p['items']):>5}  {p['style']:8} {p['links']:>5}  {', '.join(p['quirks'])}"
        )
    sizes = {s: len(st.get("events", [])) for s, st in stories.items() if isinstance(st, dict)}
    n_items = sum(len(p["items"]) for p in posts)
    recurring = [s for s, n in sizes.items() if n >= 2]
    cross = [s for s, m in story_posts.items() if len(m) >= 2]
    print()
    print(
        f"posts {len(posts)}, items {n_items}, stories {len(stories)}, "
        f"recurring {len(recurring)} ({sum(sizes[s] for s in recurring)} items), "
        f"one-offs {len(stories) - len(recurring)}, cross-digest {len(cross)}"
    )
    print("styles:", ", ".join(sorted({p["style"] for p in posts})))

    if errors:
        print()
        for e in errors:
            print("ERROR:", e)
        print(f"FAILED ({len(errors)} errors)")
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
