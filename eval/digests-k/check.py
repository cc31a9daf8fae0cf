#!/usr/bin/env python3
"""Standalone consistency check for the digests-k evaluation set.

Uses only the Python 3.11 standard library and PyYAML. It does not import
or run the project under evaluation.

What it checks:
  * every post has YAML front matter with the expected keys, and its
    `model` / `date` agree with the file name `{date}-{model}.md`;
  * the body has the six `## ` sections of a digest post;
  * the news section (`## ... 本週新聞焦點`) is split into items purely by
    structure, for each of the five list styles:
      A  `1) headline` + body paragraph
      B  `- headline` + indented body
      C  `- headline` + nested `  - body`
      D  `1) headline` + body as top-level `- ` bullet(s)
      E  one line `1) headline：body`
    and each post uses one style consistently with 5 or 6 items;
  * the sources section has 9-11 markdown links and the tagline count
    matches it;
  * gold.yaml lists every item of every post exactly once and nothing else.

Run from this folder:  python check.py   (add -v to list every item)
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
REQUIRED_KEYS = {"layout", "title", "tagline", "date", "model", "categories", "tags", "image"}
SECTIONS = ["本週模型趨勢", "本週新聞焦點", "深度分析", "重點摘要", "延伸思考", "資料來源"]
NUMBERED = re.compile(r"^(\d+)\)\s+(\S.*)$")  # top-level `1) ...`
DASH = re.compile(r"^-\s+(\S.*)$")  # top-level `- ...`
NESTED_DASH = re.compile(r"^\s+-\s+\S")  # `  - ...`
INDENTED = re.compile(r"^\s+\S")  # indented text
LINK = re.compile(r"\[[^\]]+\]\((https?://[^)\s]+)\)")
EVENT_ID = re.compile(r"^(?P<model>[a-z0-9]+)-(?P<date>\d{4}-\d{2}-\d{2})#(?P<pos>\d+)$")
FULLWIDTH_COLON = "："

errors: list[str] = []


def err(msg: str) -> None:
    errors.append(msg)


def split_front_matter(text: str, name: str):
    if not text.startswith("---\n"):
        err(f"{name}: no front matter")
        return {}, text
    end = text.find("\n---\n", 4)
    if end < 0:
        err(f"{name}: unterminated front matter")
        return {}, text
    meta = yaml.safe_load(text[4:end]) or {}
    return meta, text[end + 5 :]


def as_date(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        m = re.match(r"(\d{4}-\d{2}-\d{2})", value)
        if m:
            return dt.date.fromisoformat(m.group(1))
    return None


def sections(body: str) -> dict[str, list[str]]:
    """Map each `## ` heading line to the lines under it."""
    out: dict[str, list[str]] = {}
    current = None
    for line in body.splitlines():
        if line.startswith("## "):
            current = line[3:].strip()
            out[current] = []
        elif current is not None:
            out[current].append(line)
    return out


def find_section(secs: dict[str, list[str]], word: str):
    for head, lines in secs.items():
        if word in head:
            return head, lines
    return None, None


def next_nonblank(lines: list[str], i: int) -> str | None:
    for j in range(i + 1, len(lines)):
        if lines[j].strip():
            return lines[j]
    return None


def parse_items(lines: list[str]):
    """Return (items, styles). Items are (headline_line, style) by structure."""
    # the news section ends at the first horizontal rule, if any
    body = []
    for line in lines:
        if line.strip() == "---":
            break
        body.append(line.rstrip())
    numbered = [i for i, l in enumerate(body) if NUMBERED.match(l)]
    items = []
    if numbered:
        for i in numbered:
            line = body[i]
            nxt = next_nonblank(body, i)
            if nxt is not None and DASH.match(nxt):
                style = "D"
            elif nxt is None or NUMBERED.match(nxt):
                text = NUMBERED.match(line).group(2)
                style = "E" if FULLWIDTH_COLON in text and len(text) > 60 else "E?"
            else:
                style = "A"
            items.append((NUMBERED.match(line).group(2), style))
        # in style D every top-level dash must be a body of a numbered item
        return items
    dashes = [i for i, l in enumerate(body) if DASH.match(l)]
    for i in dashes:
        nxt = next_nonblank(body, i)
        if nxt is not None and NESTED_DASH.match(nxt):
            style = "C"
        elif nxt is not None and INDENTED.match(nxt):
            style = "B"
        elif nxt is None or DASH.match(nxt):
            style = "dash-oneline"
        else:
            style = "dash-lazy"
        items.append((DASH.match(body[i]).group(1), style))
    return items


def main() -> int:
    verbose = "-v" in sys.argv[1:]
    gold = yaml.safe_load((HERE / "gold.yaml").read_text(encoding="utf-8"))
    posts_dir = HERE / gold.get("posts", "posts")
    post_items: dict[str, int] = {}
    post_style: dict[str, str] = {}
    post_model: dict[str, str] = {}
    quirks: dict[str, list[str]] = {}

    files = sorted(posts_dir.glob("*.md"))
    if not files:
        err(f"no posts in {posts_dir}")
    for path in files:
        name = path.name
        text = path.read_text(encoding="utf-8")
        meta, body = split_front_matter(text, name)
        missing = REQUIRED_KEYS - set(meta)
        if missing:
            err(f"{name}: front matter missing {sorted(missing)}")
        q = []
        if "ai_summary" not in meta:
            q.append("no ai_summary")
        raw_fm = text.split("\n---\n", 1)[0]
        tag_line = next((l for l in raw_fm.splitlines() if l.startswith("tags:")), "")
        if tag_line and '"' not in tag_line:
            q.append("bare tags")
        if isinstance(meta.get("date"), dt.datetime) or re.match(
            r"\d{4}-\d{2}-\d{2}[ T]\d", str(meta.get("date", ""))
        ):
            q.append("date with time")
        img = str(meta.get("image", ""))
        if img.startswith("//"):
            q.append("image //")
        elif img == "/":
            q.append("image /")
        elif not img.endswith(".png"):
            q.append(f"image {img.rsplit('.', 1)[-1]}")
        model = str(meta.get("model", ""))
        date = as_date(meta.get("date"))
        if date is None:
            err(f"{name}: unreadable date {meta.get('date')!r}")
            continue
        post_id = f"{model}-{date.isoformat()}"
        if name != f"{date.isoformat()}-{model}.md":
            err(f"{name}: file name does not match front matter ({post_id})")
        if meta.get("categories") != [model, "daily"]:
            err(f"{name}: categories {meta.get('categories')!r}")
        if meta.get("title") != f"{model.upper()} 每日動態 - {date.isoformat()}":
            err(f"{name}: title {meta.get('title')!r}")

        secs = sections(body)
        for word in SECTIONS:
            if find_section(secs, word)[0] is None:
                err(f"{name}: missing section {word}")
        head, news = find_section(secs, "本週新聞焦點")
        if news is None:
            continue
        items = parse_items(news)
        styles = Counter(s for _, s in items)
        if len(styles) != 1:
            err(f"{name}: mixed or unclear list styles {dict(styles)}")
        style = "/".join(sorted(styles))
        if style not in {"A", "B", "C", "D", "E"}:
            err(f"{name}: unexpected list style {style}")
        if not 5 <= len(items) <= 6:
            err(f"{name}: {len(items)} news items (expected 5 or 6)")
        if post_id in post_items:
            err(f"{name}: duplicate post id {post_id}")
        post_items[post_id] = len(items)
        post_style[post_id] = style
        post_model[post_id] = model
        quirks[post_id] = q

        _, src = find_section(secs, "資料來源")
        links = LINK.findall("\n".join(src or []))
        if not 9 <= len(links) <= 11:
            err(f"{name}: {len(links)} source links (expected 9-11)")
        m = re.search(r"彙整 (\d+) 則", str(meta.get("tagline", "")))
        if not m or int(m.group(1)) != len(links):
            err(f"{name}: tagline {meta.get('tagline')!r} vs {len(links)} links")
        if verbose:
            for k, (headline, s) in enumerate(items, 1):
                print(f"  {post_id}#{k} [{s}] {headline[:60]}")

    # ---- gold ----
    seen: Counter[str] = Counter()
    story_models: dict[str, set[str]] = {}
    story_sizes: dict[str, int] = {}
    for sid, story in (gold.get("stories") or {}).items():
        if not isinstance(story, dict) or not story.get("about"):
            err(f"gold: story {sid} has no 'about'")
        events = (story or {}).get("events") or []
        if not events:
            err(f"gold: story {sid} has no events")
        story_sizes[sid] = len(events)
        story_models[sid] = set()
        for ev in events:
            m = EVENT_ID.match(str(ev))
            if not m:
                err(f"gold: {sid}: malformed event id {ev!r}")
                continue
            pid = f"{m.group('model')}-{m.group('date')}"
            if pid not in post_items:
                err(f"gold: {sid}: {ev} refers to unknown post")
                continue
            if not 1 <= int(m.group("pos")) <= post_items[pid]:
                err(f"gold: {sid}: {ev} position out of range (post has {post_items[pid]} items)")
                continue
            seen[ev] += 1
            story_models[sid].add(m.group("model"))
    for ev, n in seen.items():
        if n > 1:
            err(f"gold: {ev} listed {n} times")
    for pid, n in post_items.items():
        for k in range(1, n + 1):
            if f"{pid}#{k}" not in seen:
                err(f"gold: {pid}#{k} not labelled")

    # ---- report ----
    print(f"{'post':<22} {'items':>5}  style  quirks")
    for pid in sorted(post_items, key=lambda p: (p.split("-", 1)[1], p)):
        print(f"{pid:<22} {post_items[pid]:>5}  {post_style[pid]:<5}  {', '.join(quirks[pid]) or '-'}")
    n_items = sum(post_items.values())
    recurring = [s for s, n in story_sizes.items() if n >= 2]
    cross = [s for s, ms in story_models.items() if len(ms) >= 2]
    print()
    print(f"posts: {len(post_items)}  ({dict(Counter(post_model.values()))})")
    print(f"items: {n_items}   labelled events: {sum(seen.values())}")
    print(
        f"stories: {len(story_sizes)}   recurring: {len(recurring)} "
        f"({sum(story_sizes[s] for s in recurring)} items)   one-off: {len(story_sizes) - len(recurring)}"
    )
    print(f"cross-digest stories: {len(cross)}  {sorted(cross)}")
    print(f"styles: {dict(sorted(Counter(post_style.values()).items()))}")
    if errors:
        print(f"\n{len(errors)} problem(s):")
        for e in errors:
            print(f"  - {e}")
        return 1
    print("\nOK: every item of every post is labelled exactly once.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
