#!/usr/bin/env python3
"""Consistency check for the digests-h evaluation set.

Parses every post in posts/ (YAML front matter + markdown body), finds the news
section (the `## 📰 ...` heading up to the next `## ` heading), counts its items
by position using the list markers used in this set, and checks that gold.yaml
lists every item exactly once and nothing else.

Usage: python check.py [path/to/gold.yaml]
Exit code 0 when everything passes.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
REQUIRED_FIELDS = ["layout", "title", "tagline", "date", "model", "categories", "tags", "image", "ai_summary"]
REQUIRED_SECTIONS = ["本週模型趨勢", "📰", "🔍", "📌", "💡", "🔗"]
MODELS = {"llama", "mistral", "doubao"}
FILENAME_RE = re.compile(r"^(?P<model>[a-z]+)-(?P<date>\d{4}-\d{2}-\d{2})\.md$")
EVENT_RE = re.compile(r"^(?P<post>[a-z]+-\d{4}-\d{2}-\d{2})#(?P<pos>\d+)$")

# Item markers, only at column 0 (indented "  - body" bullets are item bodies, not items).
MARKERS = [
    ("heading", re.compile(r"^###\s+\S")),
    ("bold", re.compile(r"^\*\*[^*\s].*\*\*\s*$")),
    ("paren-number", re.compile(r"^(?P<num>\d+)\)\s*\S")),
    ("dash", re.compile(r"^-\s+\S")),
]


def split_front_matter(text: str) -> tuple[dict, str]:
    if not text.startswith("---\n"):
        raise ValueError("no front matter")
    end = text.find("\n---\n", 4)
    if end < 0:
        raise ValueError("unterminated front matter")
    meta = yaml.safe_load(text[4:end])
    return meta, text[end + 5 :]


def news_section(body: str) -> list[str]:
    lines = body.splitlines()
    start = None
    for i, line in enumerate(lines):
        if line.startswith("## ") and "📰" in line:
            start = i + 1
            break
    if start is None:
        raise ValueError("no news section (## 📰 ...)")
    out = []
    for line in lines[start:]:
        if line.startswith("## "):
            break
        out.append(line)
    return out


def items_of(section: list[str]) -> tuple[list[str], list[str]]:
    """Return (item headlines, styles seen)."""
    items, styles = [], []
    for line in section:
        for name, rx in MARKERS:
            m = rx.match(line)
            if m:
                items.append(line.strip())
                styles.append(name)
                break
    return items, styles


def describe_style(section: list[str], styles: list[str]) -> str:
    kind = styles[0] if styles else "?"
    if kind == "paren-number":
        one_line = all("：" in line for line in section if re.match(r"^\d+\)", line))
        return "`1) headline：body` one line" if one_line else "`1) headline` + paragraph"
    if kind == "dash":
        nested = any(line.startswith("  - ") for line in section)
        return "`- headline` + nested `  - body`" if nested else "`- headline` + paragraph"
    if kind == "heading":
        return "`### headline`"
    if kind == "bold":
        return "`**headline**` + paragraph"
    return kind


def main() -> int:
    gold_path = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "gold.yaml"
    errors: list[str] = []
    gold = yaml.safe_load(gold_path.read_text(encoding="utf-8"))
    if set(gold) != {"posts", "stories"}:
        errors.append(f"gold.yaml top-level keys must be posts, stories; got {sorted(gold)}")
    posts_dir = (gold_path.parent / gold.get("posts", "posts")).resolve()

    # ---- posts
    counts: dict[str, int] = {}
    table = []
    for path in sorted(posts_dir.glob("*.md")):
        m = FILENAME_RE.match(path.name)
        if not m:
            errors.append(f"{path.name}: bad file name")
            continue
        post_id = path.stem
        text = path.read_text(encoding="utf-8")
        try:
            meta, body = split_front_matter(text)
        except Exception as e:
            errors.append(f"{path.name}: {e}")
            continue
        for f in REQUIRED_FIELDS:
            if f not in meta or meta[f] in (None, ""):
                errors.append(f"{path.name}: front matter missing {f}")
        if str(meta.get("date")) != m["date"]:
            errors.append(f"{path.name}: date {meta.get('date')} != file name")
        if meta.get("model") != m["model"] or m["model"] not in MODELS:
            errors.append(f"{path.name}: model {meta.get('model')} mismatch")
        for sec in REQUIRED_SECTIONS:
            if not any(line.startswith("## ") and sec in line for line in body.splitlines()):
                errors.append(f"{path.name}: missing section {sec}")
        links = re.findall(r"^- \[.+\]\(https?://\S+\)\s*$", body, flags=re.M)
        if not 8 <= len(links) <= 12:
            errors.append(f"{path.name}: {len(links)} source links")
        try:
            section = news_section(body)
        except ValueError as e:
            errors.append(f"{path.name}: {e}")
            continue
        items, styles = items_of(section)
        if len(set(styles)) > 1:
            errors.append(f"{path.name}: mixed item markers {sorted(set(styles))}")
        if styles and styles[0] == "paren-number":
            nums = [int(re.match(r"^(\d+)\)", i).group(1)) for i in items]
            if nums != list(range(1, len(nums) + 1)):
                errors.append(f"{path.name}: numbering {nums} not sequential")
        if not 4 <= len(items) <= 7:
            errors.append(f"{path.name}: {len(items)} items (want 4-7)")
        counts[post_id] = len(items)
        table.append((m["model"], m["date"], len(items), describe_style(section, styles)))

    if len(counts) != 15:
        errors.append(f"expected 15 posts, found {len(counts)}")

    # ---- gold
    seen: Counter[str] = Counter()
    stories = gold.get("stories") or {}
    for sid, st in stories.items():
        if not isinstance(st, dict) or set(st) != {"about", "events"}:
            errors.append(f"story {sid}: needs exactly 'about' and 'events'")
            continue
        if not st["events"]:
            errors.append(f"story {sid}: no events")
        for ev in st["events"]:
            em = EVENT_RE.match(str(ev))
            if not em:
                errors.append(f"story {sid}: bad event id {ev}")
                continue
            post, pos = em["post"], int(em["pos"])
            if post not in counts:
                errors.append(f"story {sid}: unknown post {post}")
            elif not 1 <= pos <= counts[post]:
                errors.append(f"story {sid}: {ev} out of range (post has {counts[post]} items)")
            seen[str(ev)] += 1
    expected = {f"{p}#{i}" for p, n in counts.items() for i in range(1, n + 1)}
    for ev, n in seen.items():
        if n > 1:
            errors.append(f"{ev} listed {n} times")
    missing = sorted(expected - set(seen))
    extra = sorted(set(seen) - expected)
    if missing:
        errors.append(f"items not in gold: {missing}")
    if extra:
        errors.append(f"gold lists items that do not exist: {extra}")

    # ---- report
    total = sum(counts.values())
    recurring = [s for s, st in stories.items() if len(st.get("events", [])) > 1]
    one_off = [s for s, st in stories.items() if len(st.get("events", [])) == 1]
    cross = [s for s, st in stories.items() if len({str(e).split("-")[0] for e in st.get("events", [])}) > 1]
    same_post = [
        s
        for s, st in stories.items()
        if len({str(e).split("#")[0] for e in st.get("events", [])}) < len(st.get("events", []))
    ]
    print("model    date        items  style")
    for row in table:
        print(f"{row[0]:<8} {row[1]}  {row[2]:>5}  {row[3]}")
    print(
        f"posts={len(counts)} items={total} stories={len(stories)} "
        f"recurring={len(recurring)} one-off={len(one_off)} cross-digest={len(cross)} "
        f"twice-in-one-post={len(same_post)}"
    )
    if errors:
        print("\nFAILED:")
        for e in errors:
            print("  -", e)
        print(f"0 passed, {len(errors)} failed")
        return 1
    print("check.py: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
