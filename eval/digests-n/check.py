#!/usr/bin/env python3
"""Standalone checker for the digests-n evaluation set.

Uses only the standard library and PyYAML; does not import the project.
Run from this folder:  /work/main/.venv/bin/python check.py

It parses every post's 📰 news section in all five list styles
  A  `1) headline` + paragraph
  B  `- headline` + indented body
  C  `- headline` + nested `  - body`
  D  `1) headline` + top-level `- body`
  E  one line `1) headline：body`
counts the items, and verifies that gold.yaml labels every item exactly
once and nothing else. It also checks some structural properties of the
posts (front matter, sections, sources, dates).
"""

import datetime as dt
import os
import re
import sys

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
SECTIONS = ["本週模型趨勢", "📰 本週新聞焦點", "🔍 深度分析", "📌 重點摘要", "💡 延伸思考", "🔗 資料來源"]
NUMBERED = re.compile(r"^\d+[\)\.）]\s*\S")
BULLET = re.compile(r"^[-*]\s+\S")
INDENTED_BULLET = re.compile(r"^\s+[-*]\s+\S")
LINK = re.compile(r"^\s*[-*]\s+\[[^\]]+\]\((https?://|//)[^)]+\)\s*$")
EVENT_ID = re.compile(r"^(?P<model>[a-z0-9]+)-(?P<date>\d{4}-\d{2}-\d{2})#(?P<pos>\d+)$")

# Expected list style per post (from plan.md); the checker verifies the parser agrees.
EXPECTED_STYLE = {
    "qwen-2027-11-02": "A",
    "claude-2027-11-04": "B",
    "deepseek-2027-11-06": "C",
    "qwen-2027-11-09": "B",
    "claude-2027-11-12": "D",
    "deepseek-2027-11-15": "E",
    "qwen-2027-11-18": "C",
    "claude-2027-11-21": "A",
    "deepseek-2027-11-24": "D",
    "qwen-2027-11-27": "D",
    "claude-2027-12-01": "C",
    "deepseek-2027-12-04": "B",
    "qwen-2027-12-08": "E",
    "claude-2027-12-10": "E",
    "deepseek-2027-12-15": "A",
}

errors = []


def err(msg):
    errors.append(msg)


def split_front_matter(text):
    lines = text.split("\n")
    if lines[0].strip() != "---":
        raise ValueError("no front matter")
    end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    return "\n".join(lines[1:end]), lines[end + 1 :]


def sections(body_lines):
    out, cur = {}, None
    order = []
    for line in body_lines:
        if line.startswith("## "):
            cur = line[3:].strip()
            order.append(cur)
            out[cur] = []
        elif cur is not None:
            out[cur].append(line)
    return order, out


def parse_items(lines):
    """Return list of (headline_line, body_lines, style) for a news section."""
    # trim the trailing section content
    content = [l.rstrip("\n") for l in lines]
    nonblank = [l for l in content if l.strip()]
    numbered_top = any(NUMBERED.match(l) for l in nonblank)
    items = []
    for line in content:
        if not line.strip():
            continue
        is_head = NUMBERED.match(line) if numbered_top else BULLET.match(line)
        if is_head:
            items.append([line, []])
        elif items:
            items[-1][1].append(line)
        else:
            raise ValueError("text before first item: %r" % line[:40])
    out = []
    for head, body in items:
        if numbered_top:
            if not body:
                style = "E"
            elif all(BULLET.match(b) for b in body):
                style = "D"
            elif not any(b.startswith((" ", "\t")) or BULLET.match(b) for b in body):
                style = "A"
            else:
                style = "?"
        else:
            if body and all(INDENTED_BULLET.match(b) for b in body):
                style = "C"
            elif body and all(b.startswith((" ", "\t")) for b in body):
                style = "B"
            elif body and not any(b.startswith((" ", "\t")) for b in body):
                style = "B0"  # seed-like unindented body (not used in this set)
            else:
                style = "?"
        out.append((head, body, style))
    return out


def headline_text(head):
    h = re.sub(r"^(\d+[\)\.）]|[-*])\s*", "", head).strip()
    return h


def main():
    posts_dir = os.path.join(HERE, "posts")
    with open(os.path.join(HERE, "gold.yaml"), encoding="utf-8") as f:
        gold = yaml.safe_load(f)
    if gold.get("posts") != "posts":
        err("gold.yaml: posts must be 'posts'")

    post_items = {}  # post_id -> n items
    post_dates = {}
    per_model_dates = {}
    styles = {}
    labelled = 0
    for name in sorted(os.listdir(posts_dir)):
        if not name.endswith(".md"):
            continue
        path = os.path.join(posts_dir, name)
        with open(path, encoding="utf-8") as f:
            text = f.read()
        try:
            fm_text, body = split_front_matter(text)
            fm = yaml.safe_load(fm_text)
        except Exception as e:  # noqa: BLE001
            err("%s: bad front matter: %s" % (name, e))
            continue
        model = str(fm.get("model"))
        m = re.search(r"^date:\s*['\"]?(\d{4}-\d{2}-\d{2})", fm_text, re.M)
        date = m.group(1) if m else None
        pid = "%s-%s" % (model, date)
        if name != "%s-%s.md" % (date, model):
            err("%s: file name does not match date/model %s" % (name, pid))
        for key in ("layout", "title", "tagline", "date", "model", "categories", "tags", "image"):
            if key not in fm:
                err("%s: missing front matter key %s" % (name, key))
        if str(fm.get("title", "")) != "%s 每日動態 - %s" % (model.upper(), date):
            err("%s: title %r" % (name, fm.get("title")))
        d = dt.date.fromisoformat(date)
        if not (dt.date(2027, 11, 1) <= d <= dt.date(2027, 12, 20)):
            err("%s: date out of range" % name)
        post_dates[pid] = d
        per_model_dates.setdefault(model, []).append(d)

        order, secs = sections(body)
        if order != SECTIONS:
            err("%s: sections %r" % (name, order))
            continue
        news = parse_items(secs["📰 本週新聞焦點"])
        n = len(news)
        if not 5 <= n <= 6:
            err("%s: %d news items (want 5-6)" % (name, n))
        post_styles = {s for _, _, s in news}
        if len(post_styles) != 1:
            err("%s: mixed item styles %r" % (name, post_styles))
        style = next(iter(post_styles)) if post_styles else "?"
        styles[pid] = style
        if EXPECTED_STYLE.get(pid) != style:
            err("%s: parsed style %s, expected %s" % (name, style, EXPECTED_STYLE.get(pid)))
        post_items[pid] = n
        for h, _, s in news:
            parts = headline_text(h).split("：")
            # a category label is a short lead segment before a full-width colon;
            # in one-line items (style E) the last colon separates the body.
            if len(parts) >= (3 if s == "E" else 2) and 2 <= len(parts[0]) <= 8:
                labelled += 1

        links = [
            l
            for l in secs["🔗 資料來源"]
            if l.strip() and not l.startswith("---") and l.strip() != "**" and not l.startswith("*")
        ]
        bad = [l for l in links if not LINK.match(l)]
        if bad:
            err("%s: non-link lines in sources: %r" % (name, bad[:2]))
        nlinks = len(links) - len(bad)
        if not 9 <= nlinks <= 11:
            err("%s: %d source links (want 9-11)" % (name, nlinks))
        tag_m = re.search(r"彙整 (\d+) 則", str(fm.get("tagline", "")))
        if not tag_m or int(tag_m.group(1)) != nlinks:
            err("%s: tagline count != %d links" % (name, nlinks))
        foot = re.search(r"彙整自 (\d+) 篇新聞來源", text)
        if not foot or int(foot.group(1)) != nlinks:
            err("%s: footer count != %d links" % (name, nlinks))

    # schedule
    for model, dates in per_model_dates.items():
        dates.sort()
        if len(dates) != 5:
            err("%s: %d posts (want 5)" % (model, len(dates)))
        for a, b in zip(dates, dates[1:]):
            if not 3 <= (b - a).days <= 12:
                err("%s: gap %s -> %s is %d days" % (model, a, b, (b - a).days))

    # gold
    seen = {}
    stories = gold.get("stories") or {}
    for slug, st in stories.items():
        if not re.match(r"^[a-z0-9][a-z0-9-]*$", str(slug)):
            err("story slug %r" % slug)
        if not isinstance(st, dict) or not st.get("about") or not st.get("events"):
            err("story %s: needs about and events" % slug)
            continue
        for ev in st["events"]:
            m = EVENT_ID.match(str(ev))
            if not m:
                err("story %s: bad event id %r" % (slug, ev))
                continue
            pid = "%s-%s" % (m.group("model"), m.group("date"))
            pos = int(m.group("pos"))
            if pid not in post_items:
                err("story %s: unknown post %s" % (slug, pid))
            elif not 1 <= pos <= post_items[pid]:
                err("story %s: %s has only %d items" % (slug, ev, post_items[pid]))
            if ev in seen:
                err("event %s labelled twice (%s, %s)" % (ev, seen[ev], slug))
            seen[ev] = slug
    for pid, n in post_items.items():
        for pos in range(1, n + 1):
            ev = "%s#%d" % (pid, pos)
            if ev not in seen:
                err("event %s not labelled" % ev)

    total = sum(post_items.values())
    if not 80 <= total <= 85:
        err("total items %d (want 80-85)" % total)
    used_styles = set(styles.values())
    if not {"A", "B", "C", "D", "E"} <= used_styles:
        err("styles used: %r" % sorted(used_styles))

    # summary
    sizes = {s: len(v["events"]) for s, v in stories.items() if isinstance(v, dict) and v.get("events")}
    recurring = [s for s, k in sizes.items() if k >= 2]

    def digests(s):
        return {EVENT_ID.match(e).group("model") for e in stories[s]["events"] if EVENT_ID.match(str(e))}

    cross = [s for s in stories if len(digests(s)) > 1]
    print("posts:", len(post_items))
    for pid in sorted(post_items, key=lambda p: (post_dates[p], p)):
        print("  %-22s items=%d style=%s" % (pid, post_items[pid], styles.get(pid)))
    print("items:", total, "(headlines with a short lead label before '：', approx.: %d)" % labelled)
    print(
        "stories:",
        len(stories),
        "recurring:",
        len(recurring),
        "one-off:",
        len(stories) - len(recurring),
        "cross-digest:",
        len(cross),
    )
    print("items in recurring stories:", sum(sizes[s] for s in recurring))
    if errors:
        print("\nFAIL (%d problems)" % len(errors))
        for e in errors:
            print("  -", e)
        return 1
    print("\nOK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
