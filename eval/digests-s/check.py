#!/usr/bin/env python3
"""Standalone checker for the digests-s evaluation set.

Uses only the standard library and PyYAML; it does not import the project.
Run from this folder:  /work/main/.venv/bin/python check.py [--show]

It parses every post's news section in all supported list styles:
  A  `1) headline` + body paragraph
  B  `- headline` + indented body (or an unindented paragraph, as in seed 000)
  C  `- headline` + nested `  - body` bullet
  D  `1) headline` + body written as a top-level `- ` bullet
  E  one line `1) headline：body`
counts the items, and verifies that gold.yaml labels every item exactly once
and nothing else. It also checks the schedule and the post structure the
brief asks for. Exit status is non-zero on any failure.
"""

import datetime as dt
import os
import re
import sys
from collections import Counter, defaultdict

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
SECTIONS = ["本週模型趨勢", "本週新聞焦點", "深度分析", "重點摘要", "延伸思考", "資料來源"]
NUM_RE = re.compile(r"^(\d+)[)）.、]\s*(\S.*)$")
BULLET_RE = re.compile(r"^[-*+]\s+(\S.*)$")
LINK_RE = re.compile(r"^\s*[-*]\s*\[[^\]]+\]\((https?://[^)\s]+)\)")

errors = []


def err(msg):
    errors.append(msg)


class UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that rejects duplicate mapping keys (a duplicate story slug
    would otherwise silently drop labels)."""


def _construct_mapping(loader, node, deep=False):
    seen = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
        seen.add(key)
    return yaml.SafeLoader.construct_mapping(loader, node, deep)


UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def split_front_matter(text):
    if not text.startswith("---"):
        return None, text
    lines = text.split("\n")
    for i in range(1, len(lines)):
        if lines[i].strip() == "---":
            return "\n".join(lines[1:i]), "\n".join(lines[i + 1 :])
    return None, text


def sections_of(body):
    """Return list of (heading, [lines]) for `## ` sections."""
    out = []
    cur = None
    for line in body.split("\n"):
        if line.startswith("## "):
            cur = (line[3:].strip(), [])
            out.append(cur)
        elif cur is not None:
            cur[1].append(line)
    return out


def parse_items(lines):
    """Parse the news section into items. Returns (style, items) where each
    item is a dict(headline, body_lines, kind)."""
    lines = [l.rstrip() for l in lines]
    numbered = any(NUM_RE.match(l) for l in lines)
    items = []
    for line in lines:
        if not line.strip():
            continue
        if line.strip() == "---":
            continue
        starts = NUM_RE.match(line) if numbered else BULLET_RE.match(line)
        if starts:
            text = starts.group(2) if numbered else starts.group(1)
            items.append({"head": text.strip(), "body": [], "raw": line})
        elif items:
            items[-1]["body"].append(line)
        else:
            err(f"text before the first item: {line[:40]!r}")
    # classify style
    kinds = set()
    for it in items:
        body = it["body"]
        if numbered:
            if not body:
                kinds.add("E")
            elif all(BULLET_RE.match(b) for b in body):
                kinds.add("D")
            else:
                kinds.add("A")
        else:
            if body and all(re.match(r"^\s+[-*+]\s+\S", b) for b in body):
                kinds.add("C")
            elif body and all(re.match(r"^\s+\S", b) for b in body):
                kinds.add("B")
            elif body:
                kinds.add("B'")
            else:
                kinds.add("?")
    style = "/".join(sorted(kinds))
    return style, items


def display_headline(it):
    head = it["head"]
    if it["body"]:
        return head
    # one-line item: headline is text before the colon that starts the body;
    # a short leading category label may come before it.
    parts = head.split("：")
    if len(parts) >= 3 and len(parts[0]) <= 6:
        return parts[0] + "：" + parts[1]
    return parts[0]


def main():
    show = "--show" in sys.argv
    gold_path = os.path.join(HERE, "gold.yaml")
    with open(gold_path, encoding="utf-8") as f:
        try:
            gold = yaml.load(f, Loader=UniqueKeyLoader)
        except yaml.YAMLError as e:
            print(f"FAIL gold.yaml: {e}")
            return 1
    posts_dir = os.path.join(HERE, gold.get("posts", "posts"))
    files = sorted(f for f in os.listdir(posts_dir) if f.endswith(".md"))

    events = {}  # event id -> headline
    per_model = defaultdict(list)
    styles = {}
    for fn in files:
        path = os.path.join(posts_dir, fn)
        text = open(path, encoding="utf-8").read()
        fm_text, body = split_front_matter(text)
        if fm_text is None:
            err(f"{fn}: no front matter")
            continue
        fm = yaml.safe_load(fm_text)
        model = str(fm.get("model", ""))
        date = fm.get("date")
        if isinstance(date, str):
            date = dt.date.fromisoformat(date)
        pid = f"{model}-{date.isoformat()}"
        if fn != f"{date.isoformat()}-{model}.md":
            err(f"{fn}: file name does not match front matter ({pid})")
        per_model[model].append(date)
        for key in ("layout", "title", "tagline", "date", "model", "categories", "tags", "image"):
            if key not in fm:
                err(f"{fn}: front matter lacks {key}")
        if fm.get("title") != f"{model.upper()} 每日動態 - {date.isoformat()}":
            err(f"{fn}: unexpected title {fm.get('title')!r}")
        secs = sections_of(body)
        heads = [h for h, _ in secs]
        for want in SECTIONS:
            if not any(want in h for h in heads):
                err(f"{fn}: missing section {want}")
        if len(secs) != 6:
            err(f"{fn}: {len(secs)} sections, expected 6")
        news = [ls for h, ls in secs if "新聞焦點" in h]
        if not news:
            continue
        style, items = parse_items(news[0])
        styles[pid] = style
        if not 5 <= len(items) <= 6:
            err(f"{fn}: {len(items)} news items, expected 5 or 6")
        if "/" in style or "?" in style:
            err(f"{fn}: mixed or unknown list style {style}")
        for i, it in enumerate(items, 1):
            events[f"{pid}#{i}"] = display_headline(it)
        # sources
        src = [ls for h, ls in secs if "資料來源" in h][0]
        links = [l for l in src if LINK_RE.match(l)]
        if not 9 <= len(links) <= 11:
            err(f"{fn}: {len(links)} source links, expected 9-11")
        m = re.search(r"彙整 (\d+) 則", str(fm.get("tagline", "")))
        foot = re.search(r"彙整自 (\d+) 篇新聞來源", body)
        if not m or int(m.group(1)) != len(links):
            err(f"{fn}: tagline count does not match {len(links)} links")
        if not foot or int(foot.group(1)) != len(links):
            err(f"{fn}: footer count does not match {len(links)} links")

    # schedule
    if len(files) != 15:
        err(f"{len(files)} posts, expected 15")
    lo, hi = dt.date(2028, 9, 1), dt.date(2028, 10, 20)
    for model, dates in per_model.items():
        dates.sort()
        if len(dates) != 5:
            err(f"{model}: {len(dates)} posts, expected 5")
        for d in dates:
            if not lo <= d <= hi:
                err(f"{model}-{d}: outside 2028-09-01..2028-10-20")
        for a, b in zip(dates, dates[1:]):
            if not 3 <= (b - a).days <= 12:
                err(f"{model}: gap {a}..{b} is {(b - a).days} days")
    if set(per_model) != {"deepseek", "gemini", "kimi"}:
        err(f"digests found: {sorted(per_model)}")
    used = set()
    for s in styles.values():
        used.update(s.split("/"))
    for want in ("A", "B", "C", "D", "E"):
        if want not in used:
            err(f"list style {want} not used by any post")

    # gold labels
    stories = gold.get("stories") or {}
    seen = Counter()
    for slug, st in stories.items():
        if not isinstance(st, dict) or "events" not in st or "about" not in st:
            err(f"story {slug}: needs 'about' and 'events'")
            continue
        if not st["events"]:
            err(f"story {slug}: no events")
        for ev in st["events"]:
            seen[ev] += 1
            if ev not in events:
                err(f"story {slug}: unknown event {ev}")
    for ev in events:
        if seen[ev] == 0:
            err(f"event {ev} is not labelled ({events[ev]})")
    for ev, n in seen.items():
        if n > 1:
            err(f"event {ev} labelled {n} times")

    # report
    sizes = {s: len(v["events"]) for s, v in stories.items() if isinstance(v, dict)}
    digests = {s: {e.split("-")[0] for e in v["events"]} for s, v in stories.items() if isinstance(v, dict)}
    recurring = [s for s, n in sizes.items() if n >= 2]
    cross = [s for s, d in digests.items() if len(d) >= 2]
    print("post                 style items")
    for pid in sorted(styles, key=lambda p: (p.split("-", 1)[1], p)):
        n = sum(1 for e in events if e.startswith(pid + "#"))
        print(f"  {pid:20s} {styles[pid]:5s} {n}")
    print(
        f"posts {len(files)}, items {len(events)}, stories {len(stories)}, "
        f"recurring {len(recurring)} ({sum(sizes[s] for s in recurring)} items), "
        f"one-offs {len(stories) - len(recurring)}, cross-digest {len(cross)}, "
        f"largest story {max(sizes.values()) if sizes else 0}"
    )
    if show:
        for slug, st in stories.items():
            print(f"\n{slug}: {st.get('about')}")
            for ev in st.get("events", []):
                print(f"   {ev:26s} {events.get(ev, '??')}")
    if errors:
        print(f"\nFAIL ({len(errors)} problems)")
        for e in errors:
            print("  -", e)
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
