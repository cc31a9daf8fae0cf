#!/usr/bin/env python3
"""Standalone consistency check for the digests-i evaluation set.

Run from this folder:  /work/main/.venv/bin/python check.py

Uses only the Python 3.11 standard library and PyYAML. It does not import or call
the project under evaluation. It:
  * parses each post's YAML front matter (model, date) and checks the file name;
  * finds the news section (the `## ` heading containing 新聞焦點) and counts its
    items by structure, recognising the five list styles:
      A  `1) headline` + body paragraph
      B  `- headline` + indented body
      C  `- headline` + nested `  - body`
      D  `1) headline` + body as a top-level `- ` bullet
      E  `1) headline：body` on one line
  * checks the counted items and detected style against the plan;
  * checks the sources section has 8-12 markdown links;
  * checks gold.yaml lists every item of every post exactly once and nothing else.
Exit status 0 when everything passes, 1 otherwise.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent

# From plan.md: post -> (number of items, list style)
PLAN = {
    "deepseek-2027-01-04": (6, "A"),
    "gemini-2027-01-06": (5, "B"),
    "claude-2027-01-08": (6, "C"),
    "deepseek-2027-01-10": (5, "D"),
    "gemini-2027-01-13": (6, "E"),
    "claude-2027-01-14": (5, "A"),
    "deepseek-2027-01-18": (6, "B"),
    "gemini-2027-01-19": (5, "C"),
    "claude-2027-01-23": (6, "D"),
    "deepseek-2027-01-25": (5, "E"),
    "gemini-2027-01-27": (6, "A"),
    "claude-2027-01-30": (5, "B"),
    "deepseek-2027-02-02": (6, "C"),
    "gemini-2027-02-03": (5, "D"),
    "claude-2027-02-06": (6, "E"),
}
STYLE_NAMES = {
    "A": "1) headline + paragraph",
    "B": "- headline + indented body",
    "C": "- headline + nested - body",
    "D": "1) headline + top-level - body",
    "E": "1) headline：body (one line)",
}

NUMBERED = re.compile(r"^\d+[\)\.]\s*\S")
TOP_BULLET = re.compile(r"^[-*+]\s+\S")
NESTED_BULLET = re.compile(r"^\s+[-*+]\s+\S")
INDENTED = re.compile(r"^\s+\S")
LINK = re.compile(r"^\s*[-*]\s*\[[^\]]+\]\((https?://[^)\s]+)\)\s*$")

errors: list[str] = []


def err(msg: str) -> None:
    errors.append(msg)


def split_front_matter(text: str) -> tuple[dict, list[str]]:
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        raise ValueError("no front matter")
    for i in range(1, len(lines)):
        if lines[i].strip() == "---":
            meta = yaml.safe_load("\n".join(lines[1:i])) or {}
            return meta, lines[i + 1 :]
    raise ValueError("unterminated front matter")


def sections(body: list[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    current = None
    for line in body:
        if line.startswith("## "):
            current = line[3:].strip()
            out[current] = []
        elif current is not None:
            out[current].append(line)
    return out


def find_section(secs: dict[str, list[str]], needle: str) -> list[str] | None:
    for title, lines in secs.items():
        if needle in title:
            return lines
    return None


def next_nonblank(lines: list[str], start: int, stop: int) -> str | None:
    for j in range(start, stop):
        if lines[j].strip():
            return lines[j]
    return None


def count_items(news: list[str]) -> tuple[int, set[str], list[str]]:
    """Return (item count, detected styles, headlines) for a news section."""
    numbered = [i for i, l in enumerate(news) if NUMBERED.match(l)]
    if numbered:
        starts = numbered
    else:
        starts = [i for i, l in enumerate(news) if TOP_BULLET.match(l)]
    styles: set[str] = set()
    heads: list[str] = []
    for k, i in enumerate(starts):
        stop = starts[k + 1] if k + 1 < len(starts) else len(news)
        line = news[i]
        follow = next_nonblank(news, i + 1, stop)
        if numbered:
            head = re.sub(r"^\d+[\)\.]\s*", "", line).strip()
            if follow is None:
                if "：" not in head:
                    styles.add("?numbered-without-body")
                else:
                    head = head.split("：", 1)[0]
                styles.add("E")
            elif TOP_BULLET.match(follow):
                styles.add("D")
            else:
                styles.add("A")
        else:
            head = re.sub(r"^[-*+]\s+", "", line).strip()
            if follow is None:
                styles.add("?bullet-without-body")
            elif NESTED_BULLET.match(follow):
                styles.add("C")
            elif INDENTED.match(follow):
                styles.add("B")
            else:
                styles.add("?bullet+paragraph")
        heads.append(head)
    return len(starts), styles, heads


def main() -> int:
    gold = yaml.safe_load((HERE / "gold.yaml").read_text(encoding="utf-8"))
    posts_dir = HERE / gold.get("posts", "posts")
    files = sorted(posts_dir.glob("*.md"))

    items: dict[str, int] = {}
    per_model_dates: dict[str, list[dt.date]] = defaultdict(list)
    no_summary: list[str] = []
    rows = []
    for f in files:
        text = f.read_text(encoding="utf-8")
        try:
            meta, body = split_front_matter(text)
        except ValueError as e:
            err(f"{f.name}: {e}")
            continue
        model = str(meta.get("model", "")).strip()
        date = meta.get("date")
        if isinstance(date, dt.datetime):
            date = date.date()
        if isinstance(date, str):
            date = dt.date.fromisoformat(date.strip()[:10])
        if not model or not isinstance(date, dt.date):
            err(f"{f.name}: missing model/date in front matter")
            continue
        post_id = f"{model}-{date.isoformat()}"
        if f.name != f"{date.isoformat()}-{model}.md":
            err(f"{f.name}: file name does not match front matter ({post_id})")
        for key in ("layout", "title", "tagline", "categories", "tags", "image"):
            if key not in meta:
                err(f"{f.name}: front matter lacks {key}")
        if "ai_summary" not in meta:
            no_summary.append(post_id)
        per_model_dates[model].append(date)

        secs = sections(body)
        for needle in ("本週模型趨勢", "新聞焦點", "深度分析", "重點摘要", "延伸思考", "資料來源"):
            if find_section(secs, needle) is None:
                err(f"{post_id}: missing section containing {needle!r}")
        news = find_section(secs, "新聞焦點") or []
        n, styles, heads = count_items(news)
        items[post_id] = n
        src = find_section(secs, "資料來源") or []
        links = [l for l in src if LINK.match(l)]
        if not 8 <= len(links) <= 12:
            err(f"{post_id}: {len(links)} source links (want 8-12)")

        style = "/".join(sorted(styles)) or "-"
        exp = PLAN.get(post_id)
        if exp is None:
            err(f"{post_id}: not in plan")
        else:
            if n != exp[0]:
                err(f"{post_id}: counted {n} items, plan says {exp[0]}")
            if styles != {exp[1]}:
                err(f"{post_id}: detected style {style}, plan says {exp[1]}")
        if not 5 <= n <= 6:
            err(f"{post_id}: {n} items (want 5 or 6)")
        rows.append((post_id, n, style, len(links)))

    missing_posts = set(PLAN) - set(items)
    for p in sorted(missing_posts):
        err(f"{p}: planned post not found")

    # posting schedule: 5 per model, gaps 5-10 days
    for model, dates in sorted(per_model_dates.items()):
        dates.sort()
        if len(dates) != 5:
            err(f"{model}: {len(dates)} posts (want 5)")
        for a, b in zip(dates, dates[1:]):
            if not 5 <= (b - a).days <= 10:
                err(f"{model}: gap {a}..{b} is {(b - a).days} days")

    # gold coverage
    expected = {f"{p}#{i}" for p, n in items.items() for i in range(1, n + 1)}
    seen: Counter[str] = Counter()
    stories = gold.get("stories") or {}
    sizes = []
    for label, s in stories.items():
        if not isinstance(s, dict) or not s.get("about") or not s.get("events"):
            err(f"story {label}: needs 'about' and non-empty 'events'")
            continue
        sizes.append(len(s["events"]))
        for ev in s["events"]:
            if not re.fullmatch(r"[a-z0-9]+-\d{4}-\d{2}-\d{2}#\d+", str(ev)):
                err(f"story {label}: malformed event id {ev!r}")
            seen[str(ev)] += 1
    for ev, c in sorted(seen.items()):
        if c > 1:
            err(f"gold: {ev} listed {c} times")
    for ev in sorted(set(seen) - expected):
        err(f"gold: {ev} is not an item of any post")
    for ev in sorted(expected - set(seen)):
        err(f"gold: item {ev} has no story")

    # report
    print(f"{'post':<22} {'items':>5}  {'style':<6} {'links':>5}")
    for post_id, n, style, nl in sorted(rows, key=lambda r: (r[0].split("-", 1)[1], r[0])):
        print(f"{post_id:<22} {n:>5}  {style:<6} {nl:>5}")
    recurring = sum(1 for k in sizes if k >= 2)
    oneoff = sum(1 for k in sizes if k == 1)
    print()
    print(f"posts: {len(items)}   items: {sum(items.values())}   gold events: {sum(seen.values())}")
    print(
        f"stories: {len(sizes)}   recurring: {recurring}   one-offs: {oneoff}   "
        f"size histogram: {dict(sorted(Counter(sizes).items()))}"
    )
    print(f"posts without ai_summary: {', '.join(no_summary) or '-'}")
    print(f"styles: " + ", ".join(f"{k}={STYLE_NAMES[k]}" for k in STYLE_NAMES))
    if errors:
        print(f"\nFAIL ({len(errors)} problems)")
        for e in errors:
            print("  -", e)
        return 1
    print("\nOK: every item of every post is labelled exactly once")
    return 0


if __name__ == "__main__":
    sys.exit(main())
