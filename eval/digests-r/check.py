#!/usr/bin/env python3
"""Standalone checker for the digests-r evaluation set.

Uses only the standard library and PyYAML; it does not import the project.
Run from this folder:  /work/main/.venv/bin/python check.py

It
  * parses every post (front matter + the six `## ` sections),
  * splits the 📰 news section into items, whatever the list style
    (`1) headline` + paragraph, `- headline` + indented body,
    `- headline` + nested `  - body`, `1) headline` + top-level `- body`,
    one-line `1) headline：body`, and the seed-style `- headline` followed
    by an unindented paragraph),
  * checks schedule, front matter and source-list conventions,
  * checks that gold.yaml labels every item exactly once and nothing else,
  * prints per-post and overall statistics.
Exit status 0 when everything passes, 1 otherwise.
"""

import datetime as dt
import os
import re
import sys
from collections import Counter, defaultdict

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
SECTIONS = ["本週模型趨勢", "📰 本週新聞焦點", "🔍 深度分析", "📌 重點摘要", "💡 延伸思考", "🔗 資料來源"]
NUM_RE = re.compile(r"^(\d+)[)）.、]\s*(\S.*)$")
BUL_RE = re.compile(r"^[-*]\s+(\S.*)$")
LINK_RE = re.compile(r"^\s*[-*]\s*\[[^\]]+\]\((https?:)?//[^)\s]+\)\s*$")
EVENT_RE = re.compile(r"^([a-z0-9_-]+)-(\d{4}-\d{2}-\d{2})#(\d+)$")
LABEL_RE = re.compile(r"^[^：]{2,8}：")  # category label before a full-width colon
ATTR_RE = re.compile(r"（來源：[^）]+）")

errors = []


def err(msg):
    errors.append(msg)


def split_front_matter(text, path):
    if not text.startswith("---\n"):
        err(f"{path}: no front matter")
        return {}, text
    end = text.find("\n---\n", 4)
    if end < 0:
        err(f"{path}: unterminated front matter")
        return {}, text
    fm = yaml.safe_load(text[4:end]) or {}
    return fm, text[end + 5 :]


def split_sections(body):
    secs, cur, buf = {}, None, []
    order = []
    for line in body.split("\n"):
        if line.startswith("## "):
            if cur is not None:
                secs[cur] = buf
            cur, buf = line[3:].strip(), []
            order.append(cur)
        elif line.strip() == "---" and cur == SECTIONS[-1]:
            secs[cur] = buf
            cur, buf = "__footer__", []
        else:
            buf.append(line)
    if cur is not None:
        secs[cur] = buf
    return secs, order


def parse_items(lines):
    """Split the news section into items. Returns list of dicts."""
    lines = [l.rstrip() for l in lines]
    numbered = any(NUM_RE.match(l) for l in lines)  # top-level numbered headlines exist
    items = []
    for l in lines:
        if not l.strip():
            if items:
                items[-1]["body"].append("")
            continue
        top = not l[0].isspace()
        if numbered:
            m = NUM_RE.match(l) if top else None
            if m:
                items.append({"num": int(m.group(1)), "head": m.group(2), "body": []})
                continue
        else:
            m = BUL_RE.match(l) if top else None
            if m:
                items.append({"num": None, "head": m.group(1), "body": []})
                continue
        if not items:
            err(f"text before first item: {l[:40]!r}")
            continue
        items[-1]["body"].append(l)
    for it in items:
        while it["body"] and not it["body"][-1]:
            it["body"].pop()
        it["style"] = classify(it, numbered)
    return items, numbered


def classify(it, numbered):
    body = [b for b in it["body"] if b.strip()]
    if numbered:
        if not body:
            return "E one-line"
        if all(b.startswith("- ") for b in body):
            return "D numbered+top-level-bullet"
        return "A numbered+paragraph"
    if not body:
        return "? bullet without body"
    if all(re.match(r"^\s+[-*]\s", b) for b in body):
        return "C bullet+nested-bullet"
    if all(b[0].isspace() for b in body):
        return "B bullet+indented"
    return "B' bullet+unindented-paragraph"


def check_post(path):
    text = open(path, encoding="utf-8").read()
    name = os.path.basename(path)
    fm, body = split_front_matter(text, name)
    for k in ["layout", "title", "tagline", "date", "model", "categories", "tags", "image"]:
        if k not in fm:
            err(f"{name}: front matter lacks {k}")
    model = str(fm.get("model", ""))
    date = fm.get("date")
    if isinstance(date, dt.date):
        date = date.isoformat()
    date = str(date)
    if name != f"{date}-{model}.md":
        err(f"{name}: file name does not match date/model {date}/{model}")
    if str(fm.get("title", "")) != f"{model.upper()} 每日動態 - {date}":
        err(f"{name}: unexpected title {fm.get('title')!r}")
    if fm.get("categories") != [model, "daily"]:
        err(f"{name}: categories {fm.get('categories')}")
    secs, order = split_sections(body)
    if order != SECTIONS:
        err(f"{name}: sections {order}")
    news = secs.get(SECTIONS[1], [])
    items, numbered = parse_items(news)
    if not 5 <= len(items) <= 6:
        err(f"{name}: {len(items)} news items (want 5-6)")
    if numbered:
        nums = [it["num"] for it in items]
        if nums != list(range(1, len(items) + 1)):
            err(f"{name}: numbering {nums}")
    styles = Counter(it["style"] for it in items)
    if len(styles) != 1:
        err(f"{name}: mixed list styles {dict(styles)}")
    if any(s.startswith("?") for s in styles):
        err(f"{name}: item without body in bullet style")
    for it in items:
        if it["style"] == "E one-line" and "：" not in it["head"]:
            err(f"{name}: one-line item lacks a full-width colon: {it['head'][:30]}")
    src = [l for l in secs.get(SECTIONS[5], []) if l.strip()]
    bad = [l for l in src if not LINK_RE.match(l)]
    if bad:
        err(f"{name}: non-link lines in sources: {bad[:2]}")
    nlinks = len(src)
    if not 9 <= nlinks <= 11:
        err(f"{name}: {nlinks} source links (want 9-11)")
    m = re.match(r"彙整 (\d+) 則 (\S+) 相關新聞", str(fm.get("tagline", "")))
    if not m or int(m.group(1)) != nlinks or m.group(2) != model.upper():
        err(f"{name}: tagline {fm.get('tagline')!r} vs {nlinks} links")
    footer = "\n".join(secs.get("__footer__", []))
    fm_ = re.search(r"\*本文由 AI 自動生成，彙整自 (\d+) 篇新聞來源。\*", footer)
    if not fm_ or int(fm_.group(1)) != nlinks or "**" not in footer.replace(fm_.group(0), ""):
        err(f"{name}: footer missing or count mismatch")
    return {
        "name": name,
        "model": model,
        "date": date,
        "items": items,
        "style": ",".join(sorted(styles)),
        "links": nlinks,
        "ai_summary": "ai_summary" in fm,
        "tags_bare": bare_tags(text),
        "image": fm.get("image"),
        "title_quoted": bool(re.search(r'^title: "', text, re.M)),
    }


def bare_tags(text):
    m = re.search(r"^tags: \[(.*)\]$", text, re.M)
    if not m:
        return "?"
    parts = [p.strip() for p in m.group(1).split(",")]
    q = sum(p.startswith('"') for p in parts)
    return "quoted" if q == len(parts) else "bare" if q == 0 else "mixed"


def main():
    os.chdir(HERE)
    gold = yaml.safe_load(open("gold.yaml", encoding="utf-8"))
    if set(gold) != {"posts", "stories"}:
        err(f"gold.yaml top-level keys {sorted(gold)}")
    posts_dir = gold.get("posts", "posts")
    files = sorted(f for f in os.listdir(posts_dir) if f.endswith(".md"))
    if len(files) != 15:
        err(f"{len(files)} posts (want 15)")
    posts = [check_post(os.path.join(posts_dir, f)) for f in files]

    # schedule
    by_model = defaultdict(list)
    for p in posts:
        d = dt.date.fromisoformat(p["date"])
        if not dt.date(2028, 7, 1) <= d <= dt.date(2028, 8, 20):
            err(f"{p['name']}: date out of range")
        by_model[p["model"]].append(d)
    if sorted(by_model) != ["gpt", "minimax", "perplexity"] or any(len(v) != 5 for v in by_model.values()):
        err(f"digests/posts: { {k: len(v) for k, v in by_model.items()} }")
    for m, ds in by_model.items():
        ds.sort()
        gaps = [(b - a).days for a, b in zip(ds, ds[1:])]
        if any(not 3 <= g <= 12 for g in gaps):
            err(f"{m}: gaps {gaps} outside 3-12 days")

    # every item id
    item_ids = {}
    for p in posts:
        for i, it in enumerate(p["items"], 1):
            item_ids[f"{p['model']}-{p['date']}#{i}"] = it

    # gold labels
    seen = Counter()
    stories = gold.get("stories") or {}
    for slug, s in stories.items():
        if not isinstance(s, dict) or set(s) != {"about", "events"}:
            err(f"story {slug}: keys must be about/events")
            continue
        if not isinstance(s["about"], str) or not s["about"].strip():
            err(f"story {slug}: empty about")
        if not s["events"]:
            err(f"story {slug}: no events")
        for e in s["events"]:
            if not EVENT_RE.match(str(e)):
                err(f"story {slug}: malformed event id {e!r}")
            if e not in item_ids:
                err(f"story {slug}: event {e} is not an item of any post")
            seen[e] += 1
    for e, n in seen.items():
        if n > 1:
            err(f"event {e} labelled {n} times")
    for e in item_ids:
        if e not in seen:
            err(f"item {e} is not labelled")

    # statistics
    print(f"{'post':<28}{'items':>6}{'links':>7}  {'style':<32}{'tags':<8}{'ai_sum':<7}image")
    for p in sorted(posts, key=lambda p: p["date"]):
        print(
            f"{p['name']:<28}{len(p['items']):>6}{p['links']:>7}  {p['style']:<32}"
            f"{p['tags_bare']:<8}{'yes' if p['ai_summary'] else 'NO':<7}{p['image']}"
        )
    all_items = list(item_ids.values())
    sizes = {slug: len(s["events"]) for slug, s in stories.items() if isinstance(s, dict)}
    cross = [
        slug
        for slug, s in stories.items()
        if len({EVENT_RE.match(e).group(1) for e in s["events"] if EVENT_RE.match(e)}) > 1
    ]
    multi_post = [slug for slug, s in stories.items() if len({e.split("#")[0] for e in s["events"]}) > 1]
    labelled = sum(1 for it in all_items if LABEL_RE.match(it["head"]))
    attrib = sum(1 for it in all_items if ATTR_RE.search(it["head"] + " ".join(it["body"])))
    print()
    print(f"posts: {len(posts)}  items: {len(all_items)}  stories: {len(sizes)}")
    print(
        f"recurring (2+ items): {sum(1 for n in sizes.values() if n > 1)}"
        f"  (spanning 2+ posts: {len(multi_post)})"
    )
    print(f"one-off stories: {sum(1 for n in sizes.values() if n == 1)}")
    print(f"cross-digest stories: {len(cross)}  {cross}")
    print(f"story sizes: {dict(sorted(Counter(sizes.values()).items()))}")
    print(f"styles: {dict(Counter(p['style'] for p in posts))}")
    print(f"headlines with category label: {labelled}/{len(all_items)}; items with （來源：…）: {attrib}")
    if errors:
        print("\nFAIL")
        for e in errors:
            print("  -", e)
        return 1
    print("\nOK: every item labelled exactly once")
    return 0


if __name__ == "__main__":
    sys.exit(main())
