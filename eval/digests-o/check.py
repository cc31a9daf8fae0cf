#!/usr/bin/env python3
"""Standalone checker for the digests-o evaluation set.

Uses only the standard library and PyYAML; it does not import the project.
Run from this folder:  /work/main/.venv/bin/python check.py

It parses every post (front matter + `## ` sections), splits the news section
into items in any of the five list styles of CONTRACT.md, and verifies that
gold.yaml labels every item exactly once and nothing else. It also checks the
shape of the posts against the brief (dates, gaps, item and link counts, ...).
"""

import datetime as dt
import os
import re
import sys
from collections import Counter, defaultdict

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
SECTIONS = ["本週模型趨勢", "📰 本週新聞焦點", "🔍 深度分析", "📌 重點摘要", "💡 延伸思考", "🔗 資料來源"]
NEWS = "📰 本週新聞焦點"
NUM_RE = re.compile(r"^(\d+)[)）]\s*(.*)$")
BULLET_RE = re.compile(r"^[-*]\s+(.*)$")
LINK_RE = re.compile(r"^\s*[-*]\s*\[[^\]]+\]\((https?://[^)\s]+)\)")
EVENT_RE = re.compile(r"^([a-z0-9]+)-(\d{4}-\d{2}-\d{2})#(\d+)$")
DATE_MIN, DATE_MAX = dt.date(2028, 1, 2), dt.date(2028, 2, 20)

errors = []


def err(msg):
    errors.append(msg)


def split_front_matter(text):
    if not text.startswith("---"):
        raise ValueError("no front matter")
    lines = text.split("\n")
    for i in range(1, len(lines)):
        if lines[i].strip() == "---":
            return yaml.safe_load("\n".join(lines[1:i])), "\n".join(lines[i + 1 :])
    raise ValueError("unterminated front matter")


def split_sections(body):
    """Return {section title: [lines]} for `## ` headings, and the order."""
    sections, order, cur = {}, [], None
    for line in body.split("\n"):
        if line.startswith("## "):
            cur = line[3:].strip()
            order.append(cur)
            sections[cur] = []
        elif cur is not None:
            sections[cur].append(line)
    return sections, order


def parse_items(lines):
    """Split news-section lines into items. Returns (items, style).

    items: list of dicts {headline, body}. style: A/B/C/D/E (or mixed label).
    Numbered lines at column 0 are items whenever any exist (styles A, D, E);
    a top-level `- ` line is then body text (style D). Otherwise top-level
    bullets are items and indented lines are their bodies (styles B, C).
    """
    lines = [l.rstrip() for l in lines]
    numbered = any(NUM_RE.match(l) for l in lines)
    items, styles = [], []
    cur = None
    for raw in lines:
        if not raw.strip():
            continue
        if raw.strip() == "---":  # stray rule inside section
            continue
        if numbered:
            m = NUM_RE.match(raw)
            if m:
                cur = {"headline": m.group(2).strip(), "body": [], "kind": None}
                items.append(cur)
                continue
            if cur is None:
                continue  # text before the first item
            if BULLET_RE.match(raw):
                cur["kind"] = cur["kind"] or "D"
            else:
                cur["kind"] = cur["kind"] or "A"
            cur["body"].append(raw.strip())
        else:
            if not raw.startswith((" ", "\t")) and BULLET_RE.match(raw):
                cur = {"headline": BULLET_RE.match(raw).group(1).strip(), "body": [], "kind": None}
                items.append(cur)
                continue
            if cur is None:
                continue
            s = raw.strip()
            if raw.startswith((" ", "\t")) and BULLET_RE.match(s):
                cur["kind"] = cur["kind"] or "C"
                cur["body"].append(BULLET_RE.match(s).group(1))
            else:
                cur["kind"] = cur["kind"] or ("B" if raw.startswith((" ", "\t")) else "B0")
                cur["body"].append(s)
    for it in items:
        if it["kind"] is None:
            # whole item on one line: headline：body
            # A short first segment is a category label, so the headline then
            # runs to the second full-width colon; the body may itself contain
            # colons, e.g. in （來源：…）.
            it["kind"] = "E"
            parts = it["headline"].split("：")
            n_head = 2 if len(parts) >= 3 and len(parts[0].strip()) <= 8 else 1
            head, rest = "：".join(parts[:n_head]), "：".join(parts[n_head:])
            if not rest.strip():
                it["kind"] = "E?"
            else:
                it["body"] = [rest.strip()]
                it["headline"] = head.strip()
        styles.append(it["kind"])
    kinds = sorted(set(styles))
    return items, ("".join(kinds) if kinds else "-")


def has_label(headline):
    """Headline starts with a short category label before a full-width colon."""
    m = re.match(r"^([^：]{1,8})：", headline)
    return bool(m)


def main():
    gold_path = os.path.join(HERE, "gold.yaml")
    gold = yaml.safe_load(open(gold_path, encoding="utf-8"))
    posts_dir = os.path.join(HERE, gold.get("posts", "posts"))
    if gold.get("posts") != "posts":
        err("gold.yaml: `posts` must be 'posts'")

    post_items = {}  # event id -> headline
    rows = []
    by_model = defaultdict(list)
    label_count = 0
    attrib_count = 0
    files = sorted(f for f in os.listdir(posts_dir) if f.endswith(".md"))
    for fn in files:
        path = os.path.join(posts_dir, fn)
        text = open(path, encoding="utf-8").read()
        try:
            fm, body = split_front_matter(text)
        except Exception as e:  # noqa: BLE001
            err(f"{fn}: {e}")
            continue
        model, date = fm.get("model"), fm.get("date")
        if isinstance(date, str):
            date = dt.date.fromisoformat(date)
        if not (isinstance(date, dt.date) and model):
            err(f"{fn}: model/date missing in front matter")
            continue
        pid = f"{model}-{date.isoformat()}"
        if fn != f"{date.isoformat()}-{model}.md":
            err(f"{fn}: file name does not match front matter ({pid})")
        if not (DATE_MIN <= date <= DATE_MAX):
            err(f"{fn}: date {date} outside {DATE_MIN}..{DATE_MAX}")
        by_model[model].append(date)
        for key in ("layout", "title", "tagline", "date", "model", "categories", "tags", "image"):
            if key not in fm:
                err(f"{fn}: front matter lacks `{key}`")
        if str(fm.get("title", "")) != f"{model.upper()} 每日動態 - {date.isoformat()}":
            err(f"{fn}: unexpected title {fm.get('title')!r}")
        sections, order = split_sections(body)
        if order != SECTIONS:
            err(f"{fn}: sections {order} != {SECTIONS}")
        items, style = parse_items(sections.get(NEWS, []))
        if not 5 <= len(items) <= 6:
            err(f"{fn}: {len(items)} news items (want 5-6)")
        for i, it in enumerate(items, 1):
            post_items[f"{pid}#{i}"] = it["headline"]
            if not it["body"] or not any(b.strip() for b in it["body"]):
                err(f"{fn}: item {i} has no body")
            if has_label(it["headline"]):
                label_count += 1
            if "（來源：" in " ".join([it["headline"]] + it["body"]):
                attrib_count += 1
        links = [m.group(1) for l in sections.get("🔗 資料來源", []) if (m := LINK_RE.match(l))]
        if not 9 <= len(links) <= 11:
            err(f"{fn}: {len(links)} source links (want 9-11)")
        m = re.search(r"彙整 (\d+) 則", str(fm.get("tagline", "")))
        if not m or int(m.group(1)) != len(links):
            err(f"{fn}: tagline count {m and m.group(1)} != {len(links)} links")
        m = re.search(r"彙整自 (\d+) 篇新聞來源", body)
        if not m or int(m.group(1)) != len(links):
            err(f"{fn}: footer count != {len(links)} links")
        quirks = []
        tag_line = next((l for l in text.split("\n") if l.startswith("tags:")), "")
        quirks.append("quoted tags" if '"' in tag_line else "bare tags")
        if "ai_summary" not in fm:
            quirks.append("no ai_summary")
        quirks.append(f"image {fm.get('image')!s}"[:40])
        rows.append((model, date.isoformat(), len(items), style, len(links), ", ".join(quirks)))

    for model, dates in by_model.items():
        dates.sort()
        if len(dates) != 5:
            err(f"{model}: {len(dates)} posts (want 5)")
        for a, b in zip(dates, dates[1:]):
            if not 3 <= (b - a).days <= 12:
                err(f"{model}: gap {a}..{b} = {(b - a).days} days")

    # gold
    seen = Counter()
    stories = gold.get("stories") or {}
    story_models = {}
    sizes = {}
    for slug, st in stories.items():
        if not re.match(r"^[a-z0-9][a-z0-9-]*$", str(slug)):
            err(f"gold: bad story slug {slug!r}")
        if not isinstance(st, dict) or not isinstance(st.get("about"), str) or not st["about"].strip():
            err(f"gold: {slug} lacks a one-line `about`")
        evs = (st or {}).get("events") or []
        if not evs:
            err(f"gold: {slug} has no events")
        sizes[slug] = len(evs)
        story_models[slug] = set()
        for ev in evs:
            if not EVENT_RE.match(str(ev)):
                err(f"gold: {slug}: malformed event id {ev!r}")
                continue
            seen[ev] += 1
            story_models[slug].add(ev.split("-")[0])
            if ev not in post_items:
                err(f"gold: {slug}: {ev} is not an item of any post")
    for ev, n in seen.items():
        if n > 1:
            err(f"gold: {ev} labelled {n} times")
    for ev in post_items:
        if ev not in seen:
            err(f"gold: item {ev} ({post_items[ev][:30]}) is not labelled")

    # report
    print(f"{'model':8} {'date':10} {'items':>5} {'style':5} {'links':>5}  quirks")
    for r in sorted(rows, key=lambda r: (r[1], r[0])):
        print(f"{r[0]:8} {r[1]:10} {r[2]:>5} {r[3]:5} {r[4]:>5}  {r[5]}")
    n_items = len(post_items)
    multi = [s for s, n in sizes.items() if n >= 2]
    print()
    print(f"posts: {len(rows)}  items: {n_items}  stories: {len(stories)}")
    print(f"multi-item stories: {len(multi)}  one-item stories: {len(stories) - len(multi)}")
    print(f"cross-digest stories: {sum(1 for s in story_models.values() if len(s) > 1)}")
    print(f"headlines with a category label: {label_count}/{n_items}  items with （來源：…）: {attrib_count}")
    styles_used = sorted({r[3] for r in rows})
    print(f"list styles seen: {styles_used}")
    for want in "ABCDE":
        if want not in styles_used:
            err(f"list style {want} not used by any post")
    if errors:
        print(f"\nFAIL: {len(errors)} problem(s)")
        for e in errors:
            print("  -", e)
        return 1
    print("\nOK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
