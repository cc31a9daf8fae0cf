#!/usr/bin/env python3
"""Standalone consistency check for the digests-l evaluation set.

Uses only the Python 3.11 standard library and PyYAML; it does not import
the project. Run from this folder:

    /work/main/.venv/bin/python check.py

It parses each post's front matter, finds the news section
(``## … 本週新聞焦點``), counts its items by structure for each list style,
and checks that gold.yaml lists every item exactly once and nothing else.
Exit status is 0 when no errors were found, 1 otherwise.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
REQUIRED_KEYS = ["layout", "title", "tagline", "date", "model", "categories", "tags", "image"]
OPTIONAL_KEYS = ["ai_summary"]
SECTIONS = ["本週模型趨勢", "本週新聞焦點", "深度分析", "重點摘要", "延伸思考", "資料來源"]
MODELS = {"gemini", "doubao", "llama"}

NUM_RE = re.compile(r"^(\d+)[\)）.]\s*(\S.*)$")  # 1) headline   (column 0)
BULLET_RE = re.compile(r"^[-*+]\s+(\S.*)$")  # - headline     (column 0)
NESTED_BULLET_RE = re.compile(r"^\s+[-*+]\s+\S")  # "  - body"
LINK_RE = re.compile(r"\[[^\]]+\]\((https?://[^)\s]+)\)")
EVENT_RE = re.compile(r"^([a-z0-9]+)-(\d{4}-\d{2}-\d{2})#(\d+)$")

STYLE_NAMES = {
    "A": "1) headline + paragraph",
    "B": "- headline + indented body",
    "B0": "- headline + unindented body",
    "C": "- headline + nested '  - body'",
    "D": "1) headline + top-level '- body'",
    "E": "one line '1) headline：body'",
}

errors: list[str] = []
warnings: list[str] = []


def err(msg: str) -> None:
    errors.append(msg)


def warn(msg: str) -> None:
    warnings.append(msg)


def split_front_matter(text: str, name: str):
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        err(f"{name}: no front matter opening '---'")
        return None, text
    for i in range(1, len(lines)):
        if lines[i].strip() == "---":
            fm = "\n".join(lines[1:i])
            body = "\n".join(lines[i + 1 :])
            try:
                data = yaml.safe_load(fm)
            except yaml.YAMLError as exc:
                err(f"{name}: front matter is not valid YAML: {exc}")
                return None, body
            if not isinstance(data, dict):
                err(f"{name}: front matter is not a mapping")
                return None, body
            return data, body
    err(f"{name}: front matter not closed")
    return None, text


def sections(body: str) -> list[tuple[str, list[str]]]:
    out: list[tuple[str, list[str]]] = []
    for line in body.split("\n"):
        if line.startswith("## "):
            out.append((line[3:].strip(), []))
        elif out:
            out[-1][1].append(line)
    return out


def parse_items(lines: list[str], name: str):
    """Return (items, style); each item is (headline_line, [body lines])."""
    numbered = [l for l in lines if NUM_RE.match(l)]
    items: list[tuple[str, list[str]]] = []
    if numbered:
        for l in lines:
            if NUM_RE.match(l):
                items.append((l, []))
            elif items and l.strip():
                items[-1][1].append(l)
            elif not items and l.strip():
                err(f"{name}: text before the first news item: {l[:40]!r}")
        kinds = set()
        for head, body in items:
            if not body:
                kinds.add("E")
            elif all(BULLET_RE.match(b) for b in body):
                kinds.add("D")
            elif not any(BULLET_RE.match(b) or NESTED_BULLET_RE.match(b) for b in body):
                kinds.add("A")
            else:
                kinds.add("?")
    else:
        for l in lines:
            if BULLET_RE.match(l):
                items.append((l, []))
            elif items and l.strip():
                items[-1][1].append(l)
            elif not items and l.strip():
                err(f"{name}: text before the first news item: {l[:40]!r}")
        kinds = set()
        for head, body in items:
            if body and all(NESTED_BULLET_RE.match(b) for b in body):
                kinds.add("C")
            elif body and all(b.startswith((" ", "\t")) and not NESTED_BULLET_RE.match(b) for b in body):
                kinds.add("B")
            elif body and all(not b.startswith((" ", "\t")) for b in body):
                kinds.add("B0")
            else:
                kinds.add("?")
    if len(kinds) != 1 or "?" in kinds:
        err(f"{name}: mixed or unrecognised list style in news section: {sorted(kinds)}")
        style = "?"
    else:
        style = kinds.pop()
    # per-item sanity
    for pos, (head, body) in enumerate(items, 1):
        if style == "E":
            m = NUM_RE.match(head)
            text = m.group(2) if m else head
            if "：" not in text and ":" not in text:
                err(f"{name}#{pos}: one-line item without '：' separator")
            elif len(text.split("：", 1)[-1]) < 40:
                err(f"{name}#{pos}: one-line item body looks empty")
        else:
            if sum(len(b.strip()) for b in body) < 40:
                err(f"{name}#{pos}: item body missing or too short")
        if style in ("A", "D", "E"):
            m = NUM_RE.match(head)
            if m and int(m.group(1)) != pos:
                err(f"{name}#{pos}: item numbered {m.group(1)}")
    return items, style


def main() -> int:
    gold_path = HERE / "gold.yaml"
    gold = yaml.safe_load(gold_path.read_text(encoding="utf-8"))
    posts_dir = HERE / gold.get("posts", "posts")
    files = sorted(posts_dir.rglob("*.md"))
    if not files:
        err(f"no posts found in {posts_dir}")

    post_items: dict[str, int] = {}
    rows = []
    per_model = Counter()
    for f in files:
        name = f.name
        text = f.read_text(encoding="utf-8")
        fm, body = split_front_matter(text, name)
        if fm is None:
            continue
        for k in REQUIRED_KEYS:
            if k not in fm:
                err(f"{name}: front matter key {k!r} missing")
        unknown = set(fm) - set(REQUIRED_KEYS) - set(OPTIONAL_KEYS)
        if unknown:
            warn(f"{name}: unexpected front matter keys {sorted(unknown)}")
        model = str(fm.get("model", ""))
        date = fm.get("date")
        if isinstance(date, dt.datetime):
            date = date.date()
        if isinstance(date, str):
            try:
                date = dt.date.fromisoformat(date)
            except ValueError:
                err(f"{name}: bad date {date!r}")
                continue
        if not isinstance(date, dt.date):
            err(f"{name}: date missing")
            continue
        if model not in MODELS:
            err(f"{name}: model {model!r} not one of {sorted(MODELS)}")
        if not (dt.date(2027, 7, 1) <= date <= dt.date(2027, 8, 31)):
            err(f"{name}: date {date} outside 2027-07/08")
        if name != f"{date.isoformat()}-{model}.md":
            err(f"{name}: file name does not match {date.isoformat()}-{model}.md")
        title = str(fm.get("title", ""))
        if model.upper() not in title or date.isoformat() not in title:
            err(f"{name}: title {title!r} lacks model/date")
        per_model[model] += 1

        secs = sections(body)
        heads = [h for h, _ in secs]
        for want in SECTIONS:
            if sum(want in h for h in heads) != 1:
                err(f"{name}: section containing {want!r} found {sum(want in h for h in heads)} times")
        news = [ls for h, ls in secs if "本週新聞焦點" in h]
        if not news:
            continue
        items, style = parse_items(news[0], name)
        post_id = f"{model}-{date.isoformat()}"
        if post_id in post_items:
            err(f"{name}: duplicate post id {post_id}")
        post_items[post_id] = len(items)
        if not 5 <= len(items) <= 6:
            err(f"{name}: {len(items)} news items (expected 5 or 6)")

        src = [ls for h, ls in secs if "資料來源" in h]
        links = [m.group(1) for l in (src[0] if src else []) for m in LINK_RE.finditer(l)]
        if not 9 <= len(links) <= 11:
            err(f"{name}: {len(links)} source links (expected 9-11)")
        if len(set(links)) != len(links):
            err(f"{name}: duplicate source links")
        m = re.search(r"彙整\s*(\d+)\s*則", str(fm.get("tagline", "")))
        if not m or int(m.group(1)) != len(links):
            warn(f"{name}: tagline count {m.group(1) if m else None} != {len(links)} links")
        quirks = []
        if "ai_summary" not in fm:
            quirks.append("no ai_summary")
        tag_line = next((l for l in text.split("\n") if l.startswith("tags:")), "")
        if '"' not in tag_line:
            quirks.append("bare tags")
        quirks.append(f"image {fm.get('image')}")
        rows.append((model, date.isoformat(), len(items), style, ", ".join(quirks)))

    for model in sorted(MODELS):
        if per_model[model] != 5:
            err(f"model {model}: {per_model[model]} posts (expected 5)")

    # ---- gold ----
    stories = gold.get("stories") or {}
    seen: dict[str, str] = {}
    story_posts: dict[str, set] = defaultdict(set)
    story_models: dict[str, set] = defaultdict(set)
    sizes = {}
    for sid, st in stories.items():
        evs = (st or {}).get("events") or []
        if not (st or {}).get("about"):
            err(f"gold: story {sid} has no 'about'")
        if not evs:
            err(f"gold: story {sid} has no events")
        sizes[sid] = len(evs)
        for ev in evs:
            m = EVENT_RE.match(str(ev))
            if not m:
                err(f"gold: {sid}: malformed event id {ev!r}")
                continue
            if ev in seen:
                err(f"gold: event {ev} listed in {seen[ev]} and {sid}")
                continue
            seen[ev] = sid
            pid, pos = f"{m.group(1)}-{m.group(2)}", int(m.group(3))
            if pid not in post_items:
                err(f"gold: {sid}: event {ev} refers to unknown post {pid}")
            elif not 1 <= pos <= post_items[pid]:
                err(f"gold: {sid}: event {ev} position out of range (post has {post_items[pid]} items)")
            story_posts[sid].add(pid)
            story_models[sid].add(m.group(1))
    for pid, n in sorted(post_items.items()):
        for pos in range(1, n + 1):
            if f"{pid}#{pos}" not in seen:
                err(f"gold: item {pid}#{pos} not labelled")

    # ---- report ----
    print("posts:")
    print(f"  {'model':7} {'date':10} {'items':>5}  style")
    for model, date, n, style, quirks in sorted(rows, key=lambda r: (r[1], r[0])):
        print(f"  {model:7} {date:10} {n:5}  {style} ({STYLE_NAMES.get(style, '?')}); {quirks}")
    n_items = sum(post_items.values())
    recurring = [s for s, n in sizes.items() if n >= 2]
    multi_post = [s for s in recurring if len(story_posts[s]) >= 2]
    cross = [s for s in stories if len(story_models[s]) >= 2]
    print()
    print(f"posts: {len(post_items)}  items: {n_items}  labelled events: {len(seen)}")
    print(
        f"stories: {len(stories)}  recurring (2+ items): {len(recurring)} "
        f"(spanning 2+ posts: {len(multi_post)})  one-off: {len(stories) - len(recurring)}"
    )
    print(
        f"items in recurring stories: {sum(sizes[s] for s in recurring)}  "
        f"items in one-off stories: {sum(n for s, n in sizes.items() if n < 2)}"
    )
    print(f"cross-digest stories: {len(cross)} {sorted(cross)}")
    styles = Counter(r[3] for r in rows)
    print("list styles: " + ", ".join(f"{k}={v}" for k, v in sorted(styles.items())))
    for w in warnings:
        print(f"WARNING: {w}")
    for e in errors:
        print(f"ERROR: {e}")
    print("OK" if not errors else f"{len(errors)} error(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
