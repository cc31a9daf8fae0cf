#!/usr/bin/env python3
"""Standalone checker for the digests-w evaluation set.

Uses only the standard library and PyYAML; it does not import the project.
Run from this folder:  /work/main/.venv/bin/python check.py [-v]

It parses every post's 📰 news section in all list styles used by digest
sites, counts the items, and verifies that gold.yaml labels every item of
every post exactly once and nothing else. It also checks the front matter,
the six sections, the source list and the posting schedule, and prints the
set's totals.
"""

import datetime as dt
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
SECTIONS = ["本週模型趨勢", "本週新聞焦點", "深度分析", "重點摘要", "延伸思考", "資料來源"]
NUMBERED = re.compile(r"^(\d+)[\)）]\s*(.*\S)\s*$")
DASH = re.compile(r"^[-*]\s+(.*\S)\s*$")
LINK = re.compile(r"^\s*[-*]\s*\[[^\]]+\]\((https?:)?//[^)\s]+\)\s*$")
EVENT = re.compile(r"^([a-z0-9]+)-(\d{4}-\d{2}-\d{2})#(\d+)$")
FILENAME = re.compile(r"^(\d{4}-\d{2}-\d{2})-([a-z0-9]+)\.md$")

errors = []


def err(msg):
    errors.append(msg)


def split_front_matter(text, name):
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        err(f"{name}: no front matter")
        return {}, text
    for i in range(1, len(lines)):
        if lines[i].strip() == "---":
            fm = yaml.safe_load("\n".join(lines[1:i])) or {}
            return fm, "\n".join(lines[i + 1 :])
    err(f"{name}: unterminated front matter")
    return {}, text


def split_sections(body):
    sections, current = [], None
    for line in body.split("\n"):
        if line.startswith("## "):
            current = [line[3:].strip(), []]
            sections.append(current)
        elif current is not None:
            current[1].append(line)
    return sections


def one_line_headline(text):
    """Best-effort headline of a one-line item `headline：body` (display only).

    A short leading segment before the first full-width colon is a category
    label (e.g. 價格：), so the headline runs to the next colon."""
    parts = text.split("：")
    if len(parts) < 2:
        return text
    if len(parts[0]) <= 4 and len(parts) >= 3:
        return parts[0] + "：" + parts[1]
    return parts[0]


def parse_news(lines, name):
    """Return a list of items {headline, body, kind} from the news section."""
    items = []
    for raw in lines:
        line = raw.rstrip()
        if not line.strip():
            continue
        indented = raw[:1] in (" ", "\t")
        m_num = None if indented else NUMBERED.match(line)
        m_dash = None if indented else DASH.match(line)
        cur = items[-1] if items else None
        if m_num:
            items.append({"headline": m_num.group(2), "body": [], "kind": "num", "body_kinds": set()})
        elif m_dash and cur is not None and cur["kind"] == "num":
            # `1) headline` followed by a top-level `- body` bullet
            cur["body"].append(m_dash.group(1))
            cur["body_kinds"].add("dash")
        elif m_dash:
            items.append({"headline": m_dash.group(1), "body": [], "kind": "dash", "body_kinds": set()})
        elif cur is None:
            err(f"{name}: text before the first news item: {line[:40]!r}")
        elif indented:
            stripped = line.strip()
            if DASH.match(stripped):
                cur["body"].append(DASH.match(stripped).group(1))
                cur["body_kinds"].add("nested")
            else:
                cur["body"].append(stripped)
                cur["body_kinds"].add("indent")
        else:
            cur["body"].append(line.strip())
            cur["body_kinds"].add("plain")
    for it in items:
        if not it["body"]:
            if it["kind"] != "num" or "：" not in it["headline"]:
                err(f"{name}: item without body: {it['headline'][:40]!r}")
            full = it["headline"]
            it["headline"] = one_line_headline(full)
            it["body"] = [full[len(it["headline"]) + 1 :]]
            it["body_kinds"].add("oneline")
    return items


def style_of(items):
    kinds = set()
    for it in items:
        bk = it["body_kinds"]
        if it["kind"] == "num":
            if "oneline" in bk:
                kinds.add("E")
            elif "dash" in bk:
                kinds.add("D")
            else:
                kinds.add("A")
        else:
            if "nested" in bk:
                kinds.add("C")
            elif "indent" in bk:
                kinds.add("B")
            else:
                kinds.add("F")
    return "".join(sorted(kinds))


def main():
    verbose = "-v" in sys.argv
    gold = yaml.safe_load((HERE / "gold.yaml").read_text(encoding="utf-8"))
    post_dir = HERE / gold.get("posts", "posts")
    posts = {}
    for path in sorted(post_dir.glob("*.md")):
        name = path.name
        text = path.read_text(encoding="utf-8")
        fm, body = split_front_matter(text, name)
        m = FILENAME.match(name)
        if not m:
            err(f"{name}: file name is not {{date}}-{{model}}.md")
            continue
        date, model = str(fm.get("date")), str(fm.get("model"))
        if (date, model) != (m.group(1), m.group(2)):
            err(f"{name}: front matter says {model} {date}")
        for key in ("layout", "title", "tagline", "date", "model", "categories", "tags", "image"):
            if key not in fm:
                err(f"{name}: missing front-matter key {key}")
        if model.upper() not in str(fm.get("title", "")) or date not in str(fm.get("title", "")):
            err(f"{name}: odd title {fm.get('title')!r}")
        sections = split_sections(body)
        titles = [t for t, _ in sections]
        for want, got in zip(SECTIONS, titles):
            if want not in got:
                err(f"{name}: section {got!r} where {want!r} expected")
        if len(titles) != len(SECTIONS):
            err(f"{name}: {len(titles)} sections, expected {len(SECTIONS)}")
        news = next((l for t, l in sections if "新聞焦點" in t), [])
        items = parse_news(news, name)
        if len(items) not in (5, 6):
            err(f"{name}: {len(items)} news items (want 5 or 6)")
        src = next((l for t, l in sections if "資料來源" in t), [])
        src_lines = [l for l in src if l.strip().startswith("- [")]
        links = [l for l in src_lines if LINK.match(l)]
        if not 9 <= len(links) <= 11 or len(links) != len(src_lines):
            err(f"{name}: {len(links)} source links ({len(src_lines)} link lines)")
        n_tag = re.search(r"彙整 (\d+) 則", str(fm.get("tagline", "")))
        n_foot = re.search(r"彙整自 (\d+) 篇新聞來源", body)
        if not n_tag or not n_foot or int(n_tag.group(1)) != len(links) or int(n_foot.group(1)) != len(links):
            err(f"{name}: tagline/footer count does not match {len(links)} sources")
        posts[f"{model}-{date}"] = {
            "items": items,
            "style": style_of(items),
            "fm": fm,
            "model": model,
            "date": date,
        }

    # schedule: 2029-05-01 .. 2029-06-20, gaps of 3-12 days within a digest
    by_model = defaultdict(list)
    for pid, p in posts.items():
        by_model[p["model"]].append(dt.date.fromisoformat(p["date"]))
    for model, dates in by_model.items():
        dates.sort()
        if len(dates) != 5:
            err(f"{model}: {len(dates)} posts (want 5)")
        for d in dates:
            if not dt.date(2029, 5, 1) <= d <= dt.date(2029, 6, 20):
                err(f"{model}: date {d} out of range")
        for a, b in zip(dates, dates[1:]):
            if not 3 <= (b - a).days <= 12:
                err(f"{model}: gap {a} -> {b} is {(b - a).days} days")

    # gold labels
    seen = Counter()
    owner = {}
    stories = gold.get("stories") or {}
    for slug, st in stories.items():
        if not isinstance(st, dict) or not st.get("about") or not st.get("events"):
            err(f"gold: story {slug} lacks about/events")
            continue
        for ev in st["events"]:
            m = EVENT.match(str(ev))
            if not m:
                err(f"gold: bad event id {ev!r} in {slug}")
                continue
            pid, pos = f"{m.group(1)}-{m.group(2)}", int(m.group(3))
            if pid not in posts:
                err(f"gold: {ev} refers to unknown post")
            elif not 1 <= pos <= len(posts[pid]["items"]):
                err(f"gold: {ev} is beyond the {len(posts[pid]['items'])} items of {pid}")
            seen[ev] += 1
            owner[ev] = slug
    for ev, n in seen.items():
        if n > 1:
            err(f"gold: {ev} labelled {n} times")
    for pid, p in posts.items():
        for i in range(1, len(p["items"]) + 1):
            if f"{pid}#{i}" not in seen:
                err(f"gold: {pid}#{i} is not labelled")

    # report
    all_styles = set()
    print(f"{'post':22} {'style':5} items  ai_summary")
    for pid in sorted(posts, key=lambda k: (posts[k]["date"], k)):
        p = posts[pid]
        all_styles.update(p["style"])
        print(f"{pid:22} {p['style']:5} {len(p['items']):5}  {'yes' if 'ai_summary' in p['fm'] else 'NO'}")
        if verbose:
            for i, it in enumerate(p["items"], 1):
                print(f"    #{i} [{owner.get(f'{pid}#{i}', '?')}] {it['headline'][:60]}")
    for s in "ABCDE":
        if s not in all_styles:
            err(f"list style {s} is not used by any post")
    sizes = {slug: len(st.get("events", [])) for slug, st in stories.items()}
    cross = [
        slug
        for slug, st in stories.items()
        if len({EVENT.match(e).group(1) for e in st.get("events", []) if EVENT.match(e)}) > 1
    ]
    n_items = sum(len(p["items"]) for p in posts.values())
    print()
    print(
        f"posts {len(posts)}, items {n_items}, stories {len(stories)}, "
        f"recurring {sum(1 for n in sizes.values() if n > 1)}, "
        f"one-off {sum(1 for n in sizes.values() if n == 1)}, cross-digest {len(cross)}"
    )
    print(f"styles used: {''.join(sorted(all_styles))}; largest story {max(sizes.values())} items")
    if errors:
        print()
        for e in errors:
            print("ERROR:", e)
        print(f"FAIL ({len(errors)} errors)")
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
