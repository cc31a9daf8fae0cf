#!/usr/bin/env python3
"""Standalone checker for the digests-t evaluation set.

Uses only the standard library and PyYAML; it does not import the project.
Run from this folder:  /work/main/.venv/bin/python check.py

It parses every post's front matter and 📰 news section (all five list styles),
counts the items, and verifies that gold.yaml labels every item exactly once
and nothing else. It also checks the structural promises made in README.md.
"""

import datetime as dt
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
SECTIONS = ["本週模型趨勢", "本週新聞焦點", "深度分析", "重點摘要", "延伸思考", "資料來源"]
NUM_RE = re.compile(r"^(\d+)[\)）]\s*(.*)$")  # top-level "1) headline"
BULLET_RE = re.compile(r"^[-*]\s+(.*)$")  # top-level "- headline"
LINK_RE = re.compile(r"\[[^\]]+\]\((https?://[^)\s]+|//[^)\s]+)\)")
EVENT_RE = re.compile(r"^(?P<model>[a-z0-9]+)-(?P<date>\d{4}-\d{2}-\d{2})#(?P<pos>\d+)$")
DATE_MIN, DATE_MAX = dt.date(2028, 11, 1), dt.date(2028, 12, 20)

errors = []


def err(msg):
    errors.append(msg)


def split_front_matter(text, name):
    if not text.startswith("---"):
        err(f"{name}: no front matter")
        return {}, text
    lines = text.split("\n")
    for i in range(1, len(lines)):
        if lines[i].strip() == "---":
            fm = yaml.safe_load("\n".join(lines[1:i])) or {}
            return fm, "\n".join(lines[i + 1 :])
    err(f"{name}: unterminated front matter")
    return {}, text


def split_sections(body):
    """Return list of (title, lines) for each '## ' section; the tail after the
    sources section (footer) is cut at a line that is exactly '---'."""
    sections, cur = [], None
    for line in body.split("\n"):
        if line.startswith("## "):
            cur = (line[3:].strip(), [])
            sections.append(cur)
        elif cur is not None:
            cur[1].append(line)
    return sections


def parse_items(lines):
    """Parse the news section into items: list of dicts(headline, body, style)."""
    rows = [l.rstrip() for l in lines]
    numbered = any(NUM_RE.match(l) for l in rows if l and not l[0].isspace())
    items = []
    for line in rows:
        if not line.strip():
            continue
        top = not line[0].isspace()
        m_num = NUM_RE.match(line) if top else None
        m_bul = BULLET_RE.match(line) if top else None
        if numbered and m_num:
            items.append({"headline": m_num.group(2).strip(), "body": [], "kind": "num"})
        elif not numbered and m_bul:
            items.append({"headline": m_bul.group(1).strip(), "body": [], "kind": "bullet"})
        else:
            if not items:
                err(f"text before first item: {line[:40]!r}")
                continue
            items[-1]["body"].append(line)
    for it in items:
        body = it["body"]
        if it["kind"] == "num":
            if not body:
                it["style"] = "E one-line"
            elif body[0].lstrip().startswith("- ") and not body[0][0].isspace():
                it["style"] = "D num+top-level-bullet"
            else:
                it["style"] = "A num+paragraph"
        else:
            if body and body[0][0].isspace() and body[0].lstrip().startswith("- "):
                it["style"] = "C bullet+nested-bullet"
            elif body and body[0][0].isspace():
                it["style"] = "B bullet+indented"
            else:
                it["style"] = "B' bullet+flush-paragraph"
        if it["style"].startswith("E"):
            if "：" not in it["headline"]:
                it["ok"] = False
            else:
                head, rest = it["headline"].split("：", 1)
                it["ok"] = bool(head.strip()) and bool(rest.strip())
        else:
            it["ok"] = bool(it["headline"]) and any(b.strip() for b in body)
    return items


def load_posts(posts_dir):
    posts = {}
    for path in sorted(posts_dir.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        fm, body = split_front_matter(text, path.name)
        model = str(fm.get("model", "")).strip()
        date = fm.get("date")
        if isinstance(date, dt.datetime):
            date = date.date()
        if isinstance(date, str):
            date = dt.date.fromisoformat(date)
        if not model or not isinstance(date, dt.date):
            err(f"{path.name}: missing model/date")
            continue
        pid = f"{model}-{date.isoformat()}"
        if pid in posts:
            err(f"{path.name}: duplicate post id {pid}")
        if path.name != f"{date.isoformat()}-{model}.md":
            err(f"{path.name}: file name does not match front matter ({pid})")
        for key in ("layout", "title", "tagline", "date", "model", "categories", "tags", "image"):
            if key not in fm:
                err(f"{pid}: front matter lacks {key}")
        if date.isoformat() not in str(fm.get("title", "")):
            err(f"{pid}: title lacks the date")
        if not (DATE_MIN <= date <= DATE_MAX):
            err(f"{pid}: date out of range")
        sections = split_sections(body)
        titles = [t for t, _ in sections]
        for want, got in zip(SECTIONS, titles):
            if want not in got:
                err(f"{pid}: section order {titles}")
                break
        if len(titles) != len(SECTIONS):
            err(f"{pid}: expected 6 sections, got {len(titles)}")
        news = next((ls for t, ls in sections if "本週新聞焦點" in t), [])
        items = parse_items(news)
        for i, it in enumerate(items, 1):
            if not it["ok"]:
                err(f"{pid}#{i}: item without headline/body")
        styles = {it["style"] for it in items}
        if len(styles) != 1:
            err(f"{pid}: mixed list styles {styles}")
        if not 5 <= len(items) <= 6:
            err(f"{pid}: {len(items)} items (want 5-6)")
        src = next((ls for t, ls in sections if "資料來源" in t), [])
        src_text = "\n".join(src).split("\n---")[0]
        links = LINK_RE.findall(src_text)
        if not 9 <= len(links) <= 11:
            err(f"{pid}: {len(links)} source links (want 9-11)")
        m = re.search(r"彙整 (\d+) 則", str(fm.get("tagline", "")))
        f = re.search(r"彙整自 (\d+) 篇新聞來源", body)
        if not m or not f or int(m.group(1)) != len(links) or int(f.group(1)) != len(links):
            err(f"{pid}: tagline/footer count does not match {len(links)} links")
        posts[pid] = {
            "file": path.name,
            "model": model,
            "date": date,
            "items": items,
            "style": styles.pop() if len(styles) == 1 else "mixed",
            "fm": fm,
            "links": len(links),
        }
    return posts


def check_schedule(posts):
    by_model = defaultdict(list)
    for p in posts.values():
        by_model[p["model"]].append(p["date"])
    for model, dates in by_model.items():
        dates.sort()
        for a, b in zip(dates, dates[1:]):
            gap = (b - a).days
            if not 3 <= gap <= 12:
                err(f"{model}: gap {a}..{b} is {gap} days")
    return by_model


def check_gold(posts, gold):
    if set(gold) != {"posts", "stories"}:
        err(f"gold.yaml top-level keys {sorted(gold)}")
    if gold.get("posts") != "posts":
        err("gold.yaml: posts must be 'posts'")
    expected = {f"{pid}#{i}" for pid, p in posts.items() for i in range(1, len(p["items"]) + 1)}
    seen = Counter()
    story_of = {}
    stories = gold.get("stories") or {}
    for slug, st in stories.items():
        if not isinstance(st, dict) or set(st) != {"about", "events"}:
            err(f"story {slug}: must have exactly 'about' and 'events'")
            continue
        if not str(st["about"]).strip():
            err(f"story {slug}: empty about")
        if not st["events"]:
            err(f"story {slug}: no events")
        for ev in st["events"]:
            if not EVENT_RE.match(str(ev)):
                err(f"story {slug}: malformed event id {ev!r}")
            seen[ev] += 1
            story_of[ev] = slug
    for ev, n in seen.items():
        if n > 1:
            err(f"{ev} labelled {n} times")
    for ev in sorted(set(seen) - expected):
        err(f"{ev} in gold.yaml but not an item of any post")
    for ev in sorted(expected - set(seen)):
        err(f"{ev} is an item but not labelled in gold.yaml")
    return stories, story_of


def main():
    gold = yaml.safe_load((HERE / "gold.yaml").read_text(encoding="utf-8"))
    posts = load_posts(HERE / gold.get("posts", "posts"))
    by_model = check_schedule(posts)
    stories, story_of = check_gold(posts, gold)

    print(f"{'post':22} {'style':28} items links  ai_summary  tags")
    for pid in sorted(posts, key=lambda k: (posts[k]["date"], k)):
        p = posts[pid]
        tags = p["fm"].get("tags") or []
        print(
            f"{pid:22} {p['style']:28} {len(p['items']):5} {p['links']:5}  "
            f"{'yes' if 'ai_summary' in p['fm'] else 'NO ':10}  {len(tags)}"
        )
    n_items = sum(len(p["items"]) for p in posts.values())
    sizes = {s: len(v["events"]) for s, v in stories.items() if isinstance(v, dict)}
    recurring = [s for s, n in sizes.items() if n >= 2]
    oneoff = [s for s, n in sizes.items() if n == 1]
    cross = [
        s
        for s, v in stories.items()
        if isinstance(v, dict)
        and len({EVENT_RE.match(e).group("model") for e in v["events"] if EVENT_RE.match(e)}) > 1
    ]
    styles_used = Counter(p["style"][0] for p in posts.values())
    print()
    print(
        f"posts={len(posts)} items={n_items} stories={len(stories)} "
        f"recurring={len(recurring)} (items {sum(sizes[s] for s in recurring)}) "
        f"one-offs={len(oneoff)} cross-digest={len(cross)}"
    )
    print(f"digests: " + ", ".join(f"{m}={len(d)}" for m, d in sorted(by_model.items())))
    print(f"list styles (posts per style): {dict(sorted(styles_used.items()))}")
    for s in "ABCDE":
        if styles_used[s] == 0:
            err(f"list style {s} not used by any post")
    if any(n > 5 for n in sizes.values()):
        err("a story has more than 5 items")
    if errors:
        print("\nFAIL")
        for e in errors:
            print("  -", e)
        return 1
    print("\nOK: every item of every post is labelled exactly once")
    return 0


if __name__ == "__main__":
    sys.exit(main())
