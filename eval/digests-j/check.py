#!/usr/bin/env python3
"""Standalone consistency check for the digests-j evaluation set.

Run from this folder:  /work/main/.venv/bin/python check.py

Needs only the Python 3.11 standard library and PyYAML. It does not import or
run the project. It:
  * parses each post's YAML front matter (model, date) and checks the file name;
  * finds the news section (## ... 本週新聞焦點) and counts its items by
    structure, detecting the list style of each post;
  * checks that gold.yaml lists every item of every post exactly once and
    nothing else.
Exit status is 0 when everything passes, 1 otherwise.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent

NUMBERED = re.compile(r"^(\d+)[)）]\s*(\S.*)$")  # 1) headline   (column 0)
TOP_BULLET = re.compile(r"^[-*]\s+(\S.*)$")  # - headline    (column 0)
NESTED_BULLET = re.compile(r"^\s+[-*]\s+\S")  #   - body
INDENTED_TEXT = re.compile(r"^\s+[^-*\s]")  #   body text
EVENT_ID = re.compile(r"^([a-z0-9]+)-(\d{4}-\d{2}-\d{2})#(\d+)$")
LINK = re.compile(r"^\s*[-*]\s+\[[^\]]+\]\((https?://[^)\s]+)\)")

EXPECTED_SECTIONS = ["本週模型趨勢", "新聞焦點", "深度分析", "重點摘要", "延伸思考", "資料來源"]

STYLE_NAMES = {
    "S1": "1) headline + body paragraph",
    "S2": "- headline + indented body",
    "S3": "- headline + nested '  - body'",
    "S4": "1) headline + top-level '- ' body",
    "S5": "one line '1) headline：body'",
    "S2b": "- headline + unindented body paragraph",
}

errors: list[str] = []


def err(msg: str) -> None:
    errors.append(msg)


def split_front_matter(text: str, name: str):
    if not text.startswith("---"):
        err(f"{name}: no front matter")
        return {}, text
    m = re.match(r"^---\s*\n(.*?)\n---\s*\n(.*)$", text, re.S)
    if not m:
        err(f"{name}: unterminated front matter")
        return {}, text
    try:
        fm = yaml.safe_load(m.group(1)) or {}
    except yaml.YAMLError as e:
        err(f"{name}: bad YAML front matter: {e}")
        fm = {}
    return fm, m.group(2)


def sections(body: str) -> list[tuple[str, list[str]]]:
    out: list[tuple[str, list[str]]] = []
    for line in body.splitlines():
        if line.startswith("## "):
            out.append((line[3:].strip(), []))
        elif out:
            out[-1][1].append(line)
    return out


def count_items(lines: list[str], name: str) -> tuple[str, list[str]]:
    """Return (style, headlines) for the news-section lines."""
    # Drop trailing rule/blank lines.
    content = [l.rstrip() for l in lines]
    numbered = [(i, NUMBERED.match(l)) for i, l in enumerate(content) if NUMBERED.match(l)]
    if numbered:
        nums = [int(m.group(1)) for _, m in numbered]
        if nums != list(range(1, len(nums) + 1)):
            err(f"{name}: numbered items not 1..n: {nums}")
        idx = [i for i, _ in numbered] + [len(content)]
        others = [l for i, l in enumerate(content) if l.strip() and i not in set(idx)]
        one_line = all("：" in m.group(2) or ": " in m.group(2) for _, m in numbered) and not others
        top_bodies = [l for l in others if TOP_BULLET.match(l)]
        if one_line:
            style = "S5"
            for _, m in numbered:
                head, _, body = m.group(2).partition("：")
                if len(body.strip()) < 20:
                    err(f"{name}: one-line item without body: {m.group(2)[:40]}")
        elif top_bodies:
            style = "S4"
        else:
            style = "S1"
        for k in range(len(numbered)):
            block = [l for l in content[idx[k] + 1 : idx[k + 1]] if l.strip()]
            if style == "S5":
                if block:
                    err(f"{name}: one-line item #{k + 1} has extra lines")
                continue
            if not block:
                err(f"{name}: item #{k + 1} has no body")
            if style == "S4":
                bullets = [l for l in block if TOP_BULLET.match(l)]
                if len(bullets) != 1 or len(block) != 1:
                    err(f"{name}: S4 item #{k + 1} should have exactly one top-level '- ' body")
            if style == "S1" and any(TOP_BULLET.match(l) or NESTED_BULLET.match(l) for l in block):
                err(f"{name}: S1 item #{k + 1} body contains bullets")
        return style, [m.group(2) for _, m in numbered]

    tops = [(i, TOP_BULLET.match(l)) for i, l in enumerate(content) if TOP_BULLET.match(l)]
    if not tops:
        err(f"{name}: no news items found")
        return "?", []
    idx = [i for i, _ in tops] + [len(content)]
    kinds = set()
    for k in range(len(tops)):
        block = [l for l in content[idx[k] + 1 : idx[k + 1]] if l.strip()]
        if not block:
            err(f"{name}: item #{k + 1} has no body")
            continue
        if all(NESTED_BULLET.match(l) for l in block):
            kinds.add("S3")
        elif all(INDENTED_TEXT.match(l) for l in block):
            kinds.add("S2")
        elif all(not l.startswith((" ", "\t")) for l in block):
            kinds.add("S2b")
        else:
            kinds.add("mixed")
    if len(kinds) != 1 or "mixed" in kinds:
        err(f"{name}: inconsistent bullet item bodies: {sorted(kinds)}")
    style = sorted(kinds)[0] if kinds else "?"
    return style, [m.group(1) for _, m in tops]


def main() -> int:
    gold_path = HERE / "gold.yaml"
    gold = yaml.safe_load(gold_path.read_text(encoding="utf-8"))
    posts_dir = HERE / gold.get("posts", "posts")
    files = sorted(posts_dir.glob("*.md"))
    if not files:
        err(f"no posts in {posts_dir}")

    items: dict[str, str] = {}  # event id -> headline
    rows = []
    for f in files:
        text = f.read_text(encoding="utf-8")
        fm, body = split_front_matter(text, f.name)
        model = str(fm.get("model", "")).strip()
        date = str(fm.get("date", "")).strip()[:10]
        for key in ("layout", "title", "tagline", "date", "model", "categories", "tags", "image"):
            if key not in fm:
                err(f"{f.name}: front matter lacks '{key}'")
        if f.name != f"{date}-{model}.md":
            err(f"{f.name}: file name does not match front matter ({date}-{model}.md)")
        secs = sections(body)
        titles = [t for t, _ in secs]
        for want in EXPECTED_SECTIONS:
            if not any(want in t for t in titles):
                err(f"{f.name}: missing section containing '{want}'")
        news = [lines for t, lines in secs if "新聞焦點" in t]
        if len(news) != 1:
            err(f"{f.name}: expected one news section, found {len(news)}")
            continue
        style, heads = count_items(news[0], f.name)
        src = [lines for t, lines in secs if "資料來源" in t]
        n_links = sum(1 for l in (src[0] if src else []) if LINK.match(l))
        if not 8 <= n_links <= 12:
            err(f"{f.name}: {n_links} source links (want 8-12)")
        pid = f"{model}-{date}"
        for n, h in enumerate(heads, 1):
            items[f"{pid}#{n}"] = h
        rows.append((model, date, style, len(heads), n_links, "ai_summary" in fm))

    # gold.yaml
    seen: Counter[str] = Counter()
    stories = gold.get("stories") or {}
    sizes = []
    for sid, st in stories.items():
        if not isinstance(st, dict) or not st.get("about") or not st.get("events"):
            err(f"gold: story {sid} needs 'about' and non-empty 'events'")
            continue
        sizes.append(len(st["events"]))
        for ev in st["events"]:
            if not EVENT_ID.match(str(ev)):
                err(f"gold: story {sid}: malformed event id {ev}")
            seen[str(ev)] += 1
    for ev, c in seen.items():
        if c > 1:
            err(f"gold: {ev} listed {c} times")
        if ev not in items:
            err(f"gold: {ev} is not an item of any post")
    for ev in items:
        if ev not in seen:
            err(f"gold: item {ev} not labelled ({items[ev][:40]})")

    # report
    print(f"{'model':5} {'date':10}  {'style':5} {'items':>5} {'links':>5}  ai_summary  list style")
    for model, date, style, n, links, has_sum in sorted(rows, key=lambda r: (r[1], r[0])):
        print(
            f"{model:5} {date:10}  {style:5} {n:5d} {links:5d}  {'yes' if has_sum else 'no ':10}  {STYLE_NAMES.get(style, style)}"
        )
    rec = sum(1 for s in sizes if s > 1)
    one = sum(1 for s in sizes if s == 1)
    print()
    print(f"posts: {len(rows)}  items: {len(items)}  labelled events: {sum(seen.values())}")
    print(
        f"stories: {len(sizes)}  recurring: {rec}  one-offs: {one}  "
        f"sizes: {dict(sorted(Counter(sizes).items()))}"
    )
    print(f"styles: {dict(sorted(Counter(r[2] for r in rows).items()))}")
    if errors:
        print()
        for e in errors:
            print("ERROR:", e)
        print(f"\nFAIL ({len(errors)} problems)")
        return 1
    print("\nOK: every item of every post is labelled exactly once")
    return 0


if __name__ == "__main__":
    sys.exit(main())
