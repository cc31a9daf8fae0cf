#!/usr/bin/env python3
"""Standalone checker for the digests-q evaluation set.

Uses only the standard library and PyYAML; it does not import the project.
Run from this folder:  /work/main/.venv/bin/python check.py

It
  * reads every post under posts/ (front matter + the six `## ` sections),
  * parses the news section (📰 本週新聞焦點) in all five list styles:
      A  `1) headline` then a body paragraph
      B  `- headline` then an indented body
      C  `- headline` then a nested `  - body` bullet
      D  `1) headline` then a body written as a top-level `- ` bullet
      E  one line `1) headline：body`
  * checks per-post structure (sections, 5-6 items, tagline/footer counts = links),
  * checks the schedule (date window, 3-12 day gaps within a digest),
  * checks that gold.yaml labels every item exactly once and nothing else,
  * checks that gold.yaml agrees with the item map in plan.md,
  * prints a per-post table and the totals.
Exit status is non-zero if any check fails.
"""

import datetime as dt
import pathlib
import re
import sys

import yaml

HERE = pathlib.Path(__file__).resolve().parent
SECTIONS = ["本週模型趨勢", "📰 本週新聞焦點", "🔍 深度分析", "📌 重點摘要", "💡 延伸思考", "🔗 資料來源"]
NEWS = "📰 本週新聞焦點"
NUM_RE = re.compile(r"^(\d+)[\)\.]\s+(\S.*)$")
DASH_RE = re.compile(r"^[-*+]\s+(\S.*)$")
LINK_RE = re.compile(r"^\s*[-*]\s*\[[^\]]+\]\((https?:)?//[^)]+\)")
EVENT_RE = re.compile(r"^([a-z0-9]+)-(\d{4}-\d{2}-\d{2})#(\d+)$")
LABEL_RE = re.compile(r"^[^：:]{1,8}：")
ATTR_RE = re.compile(r"（來源：[^）]+）")

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


def split_sections(body):
    sections, order, cur = {}, [], None
    for line in body.splitlines():
        if line.startswith("## "):
            cur = line[3:].strip()
            order.append(cur)
            sections[cur] = []
        elif cur is not None:
            sections[cur].append(line)
    return sections, order


def parse_news(lines):
    """Return (items, style); item = dict(headline, body_lines, kind)."""
    lines = [l.rstrip() for l in lines]
    # strip a trailing '---' footer if a post has no section after the news
    numbered = any(NUM_RE.match(l) for l in lines)
    items = []
    for line in lines:
        if not line.strip():
            continue
        if numbered:
            m = NUM_RE.match(line)
            if m:
                items.append({"n": int(m.group(1)), "headline": m.group(2).strip(), "body": []})
                continue
        else:
            m = DASH_RE.match(line)
            if m:
                items.append({"n": len(items) + 1, "headline": m.group(1).strip(), "body": []})
                continue
        if not items:
            err(f"text before first news item: {line[:40]!r}")
            continue
        items[-1]["body"].append(line)
    # classify
    kinds = set()
    for it in items:
        b = it["body"]
        if numbered:
            if not b:
                kind = "E"
                if "：" not in it["headline"]:
                    err(f"one-line item without full-width colon: {it['headline'][:40]!r}")
            elif all(DASH_RE.match(x) for x in b):
                kind = "D"
            elif all(not x.startswith((" ", "\t")) and not DASH_RE.match(x) for x in b):
                kind = "A"
            else:
                kind = "A?"
        else:
            if all(re.match(r"^\s+[-*+]\s+\S", x) for x in b) and b:
                kind = "C"
            elif all(x.startswith((" ", "\t")) for x in b) and b:
                kind = "B"
            elif b and all(not x.startswith((" ", "\t")) for x in b):
                kind = "B0"  # unindented paragraph after a dash headline (seed-like)
            else:
                kind = "?"
        it["kind"] = kind
        kinds.add(kind)
    style = "".join(sorted(kinds))
    if numbered:
        ns = [it["n"] for it in items]
        if ns != list(range(1, len(items) + 1)):
            err(f"numbering not 1..n: {ns}")
    return items, style


def main():
    posts_dir = HERE / "posts"
    gold = yaml.safe_load((HERE / "gold.yaml").read_text(encoding="utf-8"))
    if gold.get("posts") != "posts":
        err("gold.yaml: `posts` must be 'posts'")
    posts = {}
    for path in sorted(posts_dir.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        fm, body = split_front_matter(text, path.name)
        model, date = fm.get("model"), fm.get("date")
        if isinstance(date, dt.datetime):
            date = date.date()
        if not isinstance(date, dt.date):
            err(f"{path.name}: bad date {date!r}")
            continue
        pid = f"{model}-{date.isoformat()}"
        if path.name != f"{date.isoformat()}-{model}.md":
            err(f"{path.name}: file name does not match front matter ({pid})")
        for key in ("layout", "title", "tagline", "date", "model", "categories", "tags", "image"):
            if key not in fm:
                err(f"{pid}: front matter lacks {key}")
        if fm.get("title") != f"{model.upper()} 每日動態 - {date.isoformat()}":
            err(f"{pid}: title {fm.get('title')!r}")
        sections, order = split_sections(body)
        if order != SECTIONS:
            err(f"{pid}: sections {order}")
        items, style = parse_news(sections.get(NEWS, []))
        if not 5 <= len(items) <= 6:
            err(f"{pid}: {len(items)} news items")
        for it in items:
            if it["kind"] != "E" and not it["body"]:
                err(f"{pid}#{it['n']}: item without body")
        if len(style) != 1:
            err(f"{pid}: mixed list styles {style}")
        links = [l for l in sections.get("🔗 資料來源", []) if LINK_RE.match(l)]
        if not 9 <= len(links) <= 11:
            err(f"{pid}: {len(links)} source links")
        domains = {re.search(r"\((?:https?:)?//([^/)]+)", l).group(1) for l in links}
        m = re.search(r"彙整 (\d+) 則", str(fm.get("tagline", "")))
        if not m or int(m.group(1)) != len(links):
            err(f"{pid}: tagline count != {len(links)} links")
        m = re.search(r"彙整自 (\d+) 篇新聞來源", body)
        if not m or int(m.group(1)) != len(links):
            err(f"{pid}: footer count != {len(links)} links")
        if not dt.date(2028, 5, 1) <= date <= dt.date(2028, 6, 20):
            err(f"{pid}: date out of window")
        quirks = []
        tags_line = re.search(r"^tags:.*$", text, re.M).group(0)
        quirks.append("tags quoted" if '"' in tags_line else "tags bare")
        quirks.append("image " + str(fm.get("image")))
        if "ai_summary" not in fm:
            quirks.append("no ai_summary")
        posts[pid] = dict(
            model=model,
            date=date,
            items=items,
            style=style,
            links=len(links),
            domains=len(domains),
            quirks=quirks,
        )

    # schedule
    by_model = {}
    for p in posts.values():
        by_model.setdefault(p["model"], []).append(p["date"])
    for model, dates in by_model.items():
        dates.sort()
        for a, b in zip(dates, dates[1:]):
            if not 3 <= (b - a).days <= 12:
                err(f"{model}: gap {a} -> {b} is {(b - a).days} days")

    # gold coverage
    expected = {f"{pid}#{it['n']}" for pid, p in posts.items() for it in p["items"]}
    seen = {}
    stories = gold.get("stories") or {}
    for slug, st in stories.items():
        if not isinstance(st, dict) or not isinstance(st.get("about"), str) or not st["about"].strip():
            err(f"gold: story {slug} lacks an `about` line")
        evs = st.get("events") or []
        if not evs:
            err(f"gold: story {slug} has no events")
        for ev in evs:
            if not EVENT_RE.match(str(ev)):
                err(f"gold: malformed event id {ev!r} in {slug}")
            if ev in seen:
                err(f"gold: {ev} labelled twice ({seen[ev]}, {slug})")
            seen[ev] = slug
    for ev in sorted(expected - set(seen)):
        err(f"gold: item {ev} is not labelled")
    for ev in sorted(set(seen) - expected):
        err(f"gold: {ev} is not an item of any post")

    # plan.md item map must agree with gold.yaml
    plan = (HERE / "plan.md").read_text(encoding="utf-8")
    if "## 4. Item map" in plan:
        plan_map = {}
        for line in plan.split("## 4. Item map", 1)[1].splitlines():
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if len(cells) > 1 and re.match(r"^[a-z]+-\d{4}-\d{2}-\d{2}$", cells[0]):
                for i, c in enumerate(cells[1:], 1):
                    if c and c != "–":
                        plan_map[f"{cells[0]}#{i}"] = c.split()[0]
        if plan_map != seen:
            diff = {k for k in set(plan_map) | set(seen) if plan_map.get(k) != seen.get(k)}
            err(f"plan.md item map disagrees with gold.yaml at {sorted(diff)}")
    else:
        err("plan.md lacks the item map")

    # report
    print(f"{'post':<20} {'items':>5} {'style':>5} {'links':>5} {'domains':>7}  quirks")
    for pid in sorted(posts, key=lambda k: (posts[k]["date"], k)):
        p = posts[pid]
        print(
            f"{pid:<20} {len(p['items']):>5} {p['style']:>5} {p['links']:>5} {p['domains']:>7}  {', '.join(p['quirks'])}"
        )
    all_items = [it for p in posts.values() for it in p["items"]]
    labelled = sum(1 for it in all_items if it["kind"] != "E" and LABEL_RE.match(it["headline"]))
    labelled_e = sum(1 for it in all_items if it["kind"] == "E" and LABEL_RE.match(it["headline"]))
    attributed = sum(1 for it in all_items if ATTR_RE.search(it["headline"] + " ".join(it["body"])))
    sizes = {s: len(st.get("events") or []) for s, st in stories.items()}
    post_of = lambda ev: ev.split("#")[0]
    model_of = lambda ev: ev.split("-")[0]
    multi = [s for s in stories if sizes[s] >= 2]
    multi_post = [s for s in stories if len({post_of(e) for e in stories[s]["events"]}) >= 2]
    cross = [s for s in stories if len({model_of(e) for e in stories[s]["events"]}) >= 2]
    styles = sorted({p["style"] for p in posts.values()})
    print()
    print(f"posts {len(posts)}, items {len(all_items)}, stories {len(stories)}")
    print(
        f"stories with >=2 items {len(multi)} (spanning >=2 posts {len(multi_post)}), "
        f"one-offs {len(stories) - len(multi)}, cross-digest {len(cross)}"
    )
    print(f"list styles used: {', '.join(styles)}")
    print(
        f"headlines with category label: {labelled + labelled_e}/{len(all_items)} "
        f"(a label = at most 8 characters before the first full-width colon); items with （來源：…） {attributed}"
    )
    for s in ("A", "B", "C", "D", "E"):
        if s not in styles:
            err(f"list style {s} is not used by any post")
    if errors:
        print()
        for e in errors:
            print("FAIL:", e)
        print(f"{len(errors)} problem(s)")
        return 1
    print("OK: every item is labelled exactly once and nothing else")
    return 0


if __name__ == "__main__":
    sys.exit(main())
