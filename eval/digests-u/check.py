#!/usr/bin/env python3
"""Standalone checker for the digests-u evaluation set.

Uses only the standard library and PyYAML; it does not import the project.
Run from this folder:  /work/main/.venv/bin/python check.py

It
  * parses every post's front matter and body,
  * splits the 📰 news section into items in all five list styles
      A  `1) headline` + paragraph
      B  `- headline` + indented (or unindented) body
      C  `- headline` + nested `  - body`
      D  `1) headline` + top-level `- body`
      E  one-line `1) headline：body`
  * checks the post skeleton (six sections, 9-11 source links, tagline/footer N),
  * checks that gold.yaml labels every item exactly once and nothing else,
  * prints a per-post table and the set totals.
Exit status is non-zero on any error.
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
SOURCES = "🔗 資料來源"
NUM_RE = re.compile(r"^(\d+)\)\s*(\S.*)$")
DASH_RE = re.compile(r"^- (\S.*)$")
NESTED_RE = re.compile(r"^\s+- \S")
LINK_RE = re.compile(r"^\s*- \[[^\]]+\]\((https?:)?//?[^)]*\)\s*$")
EVENT_RE = re.compile(r"^([a-z0-9]+)-(\d{4}-\d{2}-\d{2})#(\d+)$")

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
    out, cur = {}, None
    order = []
    for line in body.split("\n"):
        if line.startswith("## "):
            cur = line[3:].strip()
            order.append(cur)
            out[cur] = []
        elif cur is not None:
            out[cur].append(line)
    return order, out


def parse_items(lines, name):
    """Return (style, items); each item is (headline, body_text)."""
    numbered = [i for i, l in enumerate(lines) if NUM_RE.match(l)]
    if numbered:
        starts = numbered
        head_of = lambda l: NUM_RE.match(l).group(2)
    else:
        starts = [i for i, l in enumerate(lines) if DASH_RE.match(l)]
        head_of = lambda l: DASH_RE.match(l).group(1)
    if not starts:
        err(f"{name}: no news items found")
        return "?", []
    # nothing but blank lines may precede the first item
    for l in lines[: starts[0]]:
        if l.strip():
            err(f"{name}: stray text before first item: {l[:40]!r}")
    items, styles = [], []
    bounds = starts + [len(lines)]
    for k, s in enumerate(starts):
        head = head_of(lines[s]).rstrip()
        body = [l for l in lines[s + 1 : bounds[k + 1]] if l.strip()]
        if numbered:
            if body and not NUM_RE.match(body[0]):
                if body[0].startswith("- "):
                    style = "D"
                else:
                    style = "A"
            else:
                style = "E"
                if "：" not in head or not head.split("：")[-1].strip():
                    err(f"{name}: one-line item without '：body': {head[:40]!r}")
        else:
            if not body:
                err(f"{name}: dash item without body: {head[:40]!r}")
                style = "?"
            elif NESTED_RE.match(body[0]):
                style = "C"
            elif body[0].startswith((" ", "\t")):
                style = "B"
            else:
                style = "B0"  # unindented body, as in one seed
        styles.append(style)
        items.append((head, " ".join(b.strip() for b in body)))
    c = Counter(styles)
    style = c.most_common(1)[0][0] if len(c) == 1 else "+".join(sorted(c))
    return style, items


def load_posts(folder):
    posts = {}
    for fn in sorted(os.listdir(folder)):
        if not fn.endswith(".md"):
            continue
        path = os.path.join(folder, fn)
        text = open(path, encoding="utf-8").read()
        fm, body = split_front_matter(text, fn)
        model = str(fm.get("model", "")).strip()
        date = fm.get("date")
        if isinstance(date, dt.datetime):
            date = date.date()
        if isinstance(date, str):
            date = dt.date.fromisoformat(date[:10])
        pid = f"{model}-{date.isoformat()}"
        m = re.match(r"(\d{4}-\d{2}-\d{2})-([a-z0-9]+)\.md$", fn)
        if not m or m.group(1) != date.isoformat() or m.group(2) != model:
            err(f"{fn}: file name does not match front matter ({pid})")
        for key in ["layout", "title", "tagline", "date", "model", "categories", "tags", "image"]:
            if key not in fm:
                err(f"{fn}: front matter lacks {key}")
        if fm.get("title") != f"{model.upper()} 每日動態 - {date.isoformat()}":
            err(f"{fn}: unexpected title {fm.get('title')!r}")
        order, secs = sections(body)
        if order != SECTIONS:
            err(f"{fn}: sections {order}")
        style, items = parse_items(secs.get(NEWS, []), fn)
        links = [l for l in secs.get(SOURCES, []) if LINK_RE.match(l)]
        n_links = len(links)
        if not 9 <= n_links <= 11:
            err(f"{fn}: {n_links} source links (want 9-11)")
        tm = re.search(r"彙整 (\d+) 則 " + re.escape(model.upper()) + " 相關新聞", str(fm.get("tagline", "")))
        if not tm or int(tm.group(1)) != n_links:
            err(f"{fn}: tagline N does not match {n_links} links")
        fmatch = re.search(r"\*本文由 AI 自動生成，彙整自 (\d+) 篇新聞來源。\*", body)
        if not fmatch or int(fmatch.group(1)) != n_links:
            err(f"{fn}: footer missing or N != {n_links}")
        if not 5 <= len(items) <= 6:
            err(f"{fn}: {len(items)} items (want 5-6)")
        posts[pid] = dict(file=fn, model=model, date=date, style=style, items=items, links=n_links, fm=fm)
    return posts


def main():
    gold = yaml.safe_load(open(os.path.join(HERE, "gold.yaml"), encoding="utf-8"))
    if set(gold) != {"posts", "stories"}:
        err(f"gold.yaml top-level keys {sorted(gold)}")
    folder = os.path.join(HERE, gold.get("posts", "posts"))
    posts = load_posts(folder)

    # schedule
    by_model = defaultdict(list)
    for p in posts.values():
        by_model[p["model"]].append(p["date"])
        if not dt.date(2029, 1, 5) <= p["date"] <= dt.date(2029, 2, 25):
            err(f"{p['file']}: date out of range")
    for model, dates in by_model.items():
        dates.sort()
        gaps = [(b - a).days for a, b in zip(dates, dates[1:])]
        if any(not 3 <= g <= 12 for g in gaps):
            err(f"{model}: gaps {gaps} not within 3-12 days")

    # gold coverage
    seen = {}
    stories = gold.get("stories") or {}
    for slug, st in stories.items():
        if not re.match(r"^[a-z0-9][a-z0-9-]*$", slug):
            err(f"bad story slug {slug!r}")
        if not isinstance(st, dict) or not st.get("about") or not st.get("events"):
            err(f"{slug}: needs about and non-empty events")
            continue
        for ev in st["events"]:
            m = EVENT_RE.match(ev)
            if not m:
                err(f"{slug}: malformed event id {ev!r}")
                continue
            pid, pos = f"{m.group(1)}-{m.group(2)}", int(m.group(3))
            if pid not in posts:
                err(f"{slug}: {ev} names an unknown post")
                continue
            if not 1 <= pos <= len(posts[pid]["items"]):
                err(f"{slug}: {ev} position out of range (post has {len(posts[pid]['items'])})")
                continue
            if ev in seen:
                err(f"{ev} labelled twice ({seen[ev]}, {slug})")
            seen[ev] = slug
    for pid, p in posts.items():
        for i in range(1, len(p["items"]) + 1):
            if f"{pid}#{i}" not in seen:
                err(f"{pid}#{i} not labelled: {p['items'][i - 1][0][:50]}")

    # report
    print(f"{'post':22} {'style':5} {'items':>5} {'links':>5}  ai_summary  tags")
    for pid in sorted(posts, key=lambda k: (posts[k]["model"], posts[k]["date"])):
        p = posts[pid]
        tags = p["fm"].get("tags")
        print(
            f"{pid:22} {p['style']:5} {len(p['items']):5} {p['links']:5}  "
            f"{'yes' if 'ai_summary' in p['fm'] else 'NO ':3}         {len(tags) if tags else 0}"
        )
    n_items = sum(len(p["items"]) for p in posts.values())
    styles = Counter(p["style"] for p in posts.values())
    sizes = {s: len(st["events"]) for s, st in stories.items() if isinstance(st, dict) and st.get("events")}
    multi_post = {
        s
        for s, st in stories.items()
        if isinstance(st, dict) and st.get("events") and len({e.split("#")[0] for e in st["events"]}) > 1
    }
    cross = {
        s
        for s, st in stories.items()
        if isinstance(st, dict) and st.get("events") and len({e.split("-")[0] for e in st["events"]}) > 1
    }
    print()
    print(f"posts {len(posts)}, items {n_items}, list styles {dict(sorted(styles.items()))}")
    print(
        f"stories {len(stories)}, recurring (>=2 items) {sum(1 for v in sizes.values() if v >= 2)}"
        f" (spanning >1 post: {len(multi_post)}), one-offs {sum(1 for v in sizes.values() if v == 1)},"
        f" cross-digest {len(cross)}"
    )
    print(
        f"items in recurring stories {sum(v for v in sizes.values() if v >= 2)}, "
        f"largest story {max(sizes.values()) if sizes else 0} items"
    )
    if errors:
        print(f"\n{len(errors)} error(s):")
        for e in errors:
            print("  -", e)
        sys.exit(1)
    print("\nOK: every item is labelled exactly once and gold.yaml names nothing else.")


if __name__ == "__main__":
    main()
