"""Measuring a clustering against hand labels: pairwise and B-cubed precision, recall, F1.

Pairwise counts pairs of items put together: precision is the share of
predicted same-story pairs that are truly one story. It is dominated by big
stories. B-cubed scores each item by the overlap of its predicted and true
story, then averages over items, so one-off items count as much as long
stories. Both are reported because each hides what the other shows.

Gold files (YAML or JSON) take either shape:

    stories:
      some-label: {about: "...", events: [qwen-2025-12-23#2, ...]}
      other-label: [qwen-2025-12-23#1]

(or `stories:` as a list of `{id: label, events: [...]}`), or a CSV/TSV with
a `story` column (or `story_id`, `label`, `cluster`) and the item as
`event_id`, as `post_id` and `position`, or as `model`, `date` (or
`post_date`) and `position`.

A gold file written by someone else need not spell items as this project
does: an item is found by its event id (`qwen-2025-12-23#2`), by that id in
another case, or by the model, date and position read from the id however
it is written (`qwen/2025-12-23/2`, `2025-12-23_qwen_2`, `qwen_20251223_2`).
A file that counts each post's items from 0 is read as such
(`counts_from_zero`). Items the gold file does not label, and labels that
name no item, are left out of the scores and reported (`match_gold`);
`--strict` refuses both.

A second reader's labels of the same posts (`--annotator FILE`, any of the
shapes above) are scored against the gold like a method: how far two careful
readers agree is the most a clustering can be expected to reach, and a set
whose readers disagree measures its writer's conventions as much as the
timeline.
"""

from __future__ import annotations

import csv
import dataclasses
import functools
import hashlib
import json
import re
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp
import yaml
from scipy.sparse.csgraph import connected_components

from digest_pipeline.timeline.cluster import DEFAULT_WINDOW_DAYS, TimelineConfig, cluster_events
from digest_pipeline.timeline.features import TimelineEvent
from digest_pipeline.timeline.text import fold_script

Clustering = Mapping[str, str]
"""event id → cluster label."""


class GoldFileError(ValueError):
    """A gold file that cannot be read, or that lists an item twice."""


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


def _clusters(labels: Clustering) -> dict[str, set[str]]:
    clusters: dict[str, set[str]] = defaultdict(set)
    for item, label in labels.items():
        clusters[label].add(item)
    return clusters


def _pairs(labels: Clustering) -> int:
    return sum(n * (n - 1) // 2 for n in Counter(labels.values()).values())


def pairwise(predicted: Clustering, gold: Clustering) -> Scores:
    """Precision and recall over same-story pairs (1.0 where there is nothing to get wrong)."""
    _same_items(predicted, gold)
    both = Counter((predicted[item], gold[item]) for item in gold)
    shared = sum(n * (n - 1) // 2 for n in both.values())
    predicted_pairs, gold_pairs = _pairs(predicted), _pairs(gold)
    return Scores(
        precision=shared / predicted_pairs if predicted_pairs else 1.0,
        recall=shared / gold_pairs if gold_pairs else 1.0,
    )


def b_cubed(predicted: Clustering, gold: Clustering) -> Scores:
    """Per-item precision and recall of its story, averaged over items."""
    _same_items(predicted, gold)
    if not gold:
        return Scores(1.0, 1.0)
    predicted_clusters, gold_clusters = _clusters(predicted), _clusters(gold)
    precision = recall = 0.0
    for item in gold:
        mine, truth = predicted_clusters[predicted[item]], gold_clusters[gold[item]]
        overlap = len(mine & truth)
        precision += overlap / len(mine)
        recall += overlap / len(truth)
    return Scores(precision / len(gold), recall / len(gold))


def _same_items(predicted: Clustering, gold: Clustering) -> None:
    if predicted.keys() != gold.keys():
        missing = sorted(gold.keys() - predicted.keys())[:5]
        extra = sorted(predicted.keys() - gold.keys())[:5]
        raise ValueError(f"clusterings cover different items (missing {missing}, extra {extra})")


def singletons(items: Iterable[str]) -> dict[str, str]:
    """The floor: every item its own story."""
    return {item: item for item in items}


_LABEL_KEYS = ("story", "story_id", "label", "cluster", "id", "name")
"""Where a story's label may be: a CSV column, or a key of a story in a `stories:` list."""


def load_gold(path: Path) -> dict[str, str]:
    """item id as the gold file writes it → gold story label, from YAML/JSON or CSV/TSV
    (the shapes in the module docstring). `match_gold` finds the items the ids name."""
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix.lower() in {".csv", ".tsv"}:
        return _gold_from_rows(text, "\t" if path.suffix.lower() == ".tsv" else ",", path)
    try:
        data = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except (yaml.YAMLError, json.JSONDecodeError) as err:
        raise GoldFileError(f"{path}: not valid YAML/JSON: {err}") from err
    stories = data.get("stories") if isinstance(data, dict) else None
    if isinstance(stories, list):
        stories = dict(_listed_story(entry, n, path) for n, entry in enumerate(stories, start=1))
    if not isinstance(stories, dict):
        raise GoldFileError(f"{path}: expected a mapping with a `stories:` mapping of label → events")
    labels: dict[str, str] = {}
    for label, entry in stories.items():
        events = entry.get("events", entry.get("items")) if isinstance(entry, dict) else entry
        if not isinstance(events, list):
            raise GoldFileError(f"{path}: story {label!r} has no list of events")
        for event in events:
            _add(labels, _item_id(event, path), str(label), path)
    return labels


def _listed_story(entry: object, n: int, path: Path) -> tuple[str, object]:
    """(label, entry) of the n-th story of a `stories:` list: `{id: label, events: [...]}`."""
    if not isinstance(entry, dict):
        raise GoldFileError(f"{path}: story {n} of the `stories:` list is not a mapping with events")
    label = next((entry[k] for k in _LABEL_KEYS if entry.get(k) is not None), f"story-{n}")
    return str(label), entry


def _item_id(item: object, path: Path) -> str:
    """An item as a gold file names it: its id, or a mapping with `event_id`, with `post_id` and
    `position`, or with `model`, `date` (or `post_date`) and `position`."""
    if not isinstance(item, dict):
        return str(item).strip()
    fields = {str(k).strip().lower(): str(v).strip() for k, v in item.items() if v is not None}
    if "event_id" in fields:
        return fields["event_id"]
    date = fields.get("date", fields.get("post_date"))
    if "post_id" in fields and "position" in fields:
        return f"{fields['post_id']}#{fields['position']}"
    if "model" in fields and date and "position" in fields:
        return f"{fields['model']}-{date}#{fields['position']}"
    raise GoldFileError(
        f"{path}: cannot tell which item {item!r} is: give event_id, post_id and position, "
        "or model, date and position"
    )


def _gold_from_rows(text: str, delimiter: str, path: Path) -> dict[str, str]:
    rows = csv.DictReader(text.splitlines(), delimiter=delimiter)
    columns = [c.strip().lower() for c in rows.fieldnames or []]
    rows.fieldnames = columns
    label_column = next((c for c in _LABEL_KEYS[:4] if c in columns), None)
    if label_column is None:
        raise GoldFileError(f"{path}: needs a story column (story, story_id, label or cluster)")
    labels: dict[str, str] = {}
    for row in rows:
        _add(
            labels,
            _item_id({k: v for k, v in row.items() if k != label_column}, path),
            (row[label_column] or "").strip(),
            path,
        )
    return labels


def _add(labels: dict[str, str], event_id: str, label: str, path: Path) -> None:
    if event_id in labels:
        raise GoldFileError(f"{path}: {event_id} is listed twice ({labels[event_id]!r} and {label!r})")
    labels[event_id] = label


# --- the naive baseline ---------------------------------------------------------------

_PUNCTUATION = re.compile(r"[\s\W_]+")


def _shingles(event: TimelineEvent, size: int = 3) -> set[str]:
    text = _PUNCTUATION.sub("", fold_script(f"{event.headline} {event.body}").lower())
    return {text[i : i + size] for i in range(max(1, len(text) - size + 1))}


MINHASH_PERMUTATIONS = 128


def _hash64(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "big")


@functools.cache
def _minhash_seeds(permutations: int) -> tuple[np.ndarray, np.ndarray]:
    """Universal hashing (a*x + b mod 2^64) with fixed seeds: deterministic across runs."""
    a, b = (np.array([_hash64(f"{kind}{i}") for i in range(permutations)], dtype=np.uint64) for kind in "ab")
    return a | np.uint64(1), b


def minhash_signature(shingles: set[str], permutations: int = MINHASH_PERMUTATIONS) -> np.ndarray:
    """The minimum of `permutations` seeded 64-bit hashes over the shingles (uint64 arithmetic wraps
    modulo 2^64, as the hashing needs)."""
    values = np.fromiter(map(_hash64, shingles), dtype=np.uint64, count=len(shingles))
    a, b = _minhash_seeds(permutations)
    return (a[:, None] * values[None, :] + b[:, None]).min(axis=1)


MINHASH_BLOCK = 128, 4096
"""Rows and columns of the pairs compared at once (their 128 x 4,096 x 128 comparisons take 67 MB)."""


@dataclass(frozen=True)
class MinHashPairs:
    """The items in `order`, and every pair (i < j) whose signatures agree on at least `min_share`."""

    events: list[TimelineEvent]
    first: np.ndarray
    second: np.ndarray
    share: np.ndarray


def minhash_pairs(
    events: Iterable[TimelineEvent], min_share: float, window_days: int = DEFAULT_WINDOW_DAYS
) -> MinHashPairs:
    """Signatures compared pair by pair within `window_days` (the timeline's window), in numpy.

    Each item is compared with the items of the window before it and of its own
    day, as the timeline compares it, so the cost grows with the number of items,
    not its square: the synthetic sets' tens of thousands of items take seconds.
    """
    events = sorted(events, key=lambda e: e.order)
    if not events:
        empty = np.empty(0, dtype=np.int64)
        return MinHashPairs(events, empty, empty, np.empty(0))
    signatures = np.stack([minhash_signature(_shingles(event)) for event in events])
    days = np.array([event.post_date.toordinal() for event in events])
    width = signatures.shape[1]
    firsts, seconds, shares = [], [], []
    rows, columns = MINHASH_BLOCK
    for start in range(0, len(events), rows):
        stop = min(start + rows, len(events))
        lo = int(np.searchsorted(days, days[start] - window_days))  # items are in day order
        for left in range(lo, stop, columns):
            right = min(left + columns, stop)
            agree = (signatures[start:stop, None, :] == signatures[None, left:right, :]).sum(axis=2) / width
            row, column = np.nonzero(agree >= min_share)
            second, first = row + start, column + left
            keep = (first < second) & (days[second] - days[first] <= window_days)
            firsts.append(first[keep])
            seconds.append(second[keep])
            shares.append(agree[row[keep], column[keep]])
    return MinHashPairs(events, np.concatenate(firsts), np.concatenate(seconds), np.concatenate(shares))


def minhash_clusters(pairs: MinHashPairs, threshold: float) -> dict[str, str]:
    """Connected components of the pairs at or above `threshold`, each labelled by its earliest item."""
    n = len(pairs.events)
    if not n:
        return {}
    linked = pairs.share >= threshold
    graph = sp.csr_matrix(
        (np.ones(int(linked.sum())), (pairs.first[linked], pairs.second[linked])), shape=(n, n)
    )
    _, labels = connected_components(graph, directed=False)
    earliest = np.full(labels.max() + 1, n, dtype=np.int64)
    np.minimum.at(earliest, labels, np.arange(n))
    founders = [pairs.events[i].event_id for i in earliest[labels]]
    return {event.event_id: founder for event, founder in zip(pairs.events, founders, strict=True)}


def minhash_baseline(
    events: Iterable[TimelineEvent], threshold: float = 0.2, window_days: int = DEFAULT_WINDOW_DAYS
) -> dict[str, str]:
    """Naive near-duplicate detection: character 3-gram MinHash, one threshold, connected components
    (single-link), over the pairs within the timeline's window."""
    return minhash_clusters(minhash_pairs(events, threshold, window_days), threshold)


# --- reading posts without a warehouse ---------------------------------------------------


def events_from_folder(posts_dir: Path) -> list[TimelineEvent]:
    """The news items of every post in a folder, as the warehouse would hold them.

    Where two files claim one post, the one whose path sorts last wins, as in
    a single scan of the warehouse build.
    """
    from digest_pipeline.ingest.files import scan_posts_folder
    from digest_pipeline.posts import parse_post
    from digest_pipeline.warehouse.post_tables import event_id, link_source_ids

    current = {}
    for scanned in scan_posts_folder(posts_dir):
        if scanned.identity is not None and scanned.text is not None:
            current[scanned.identity.post_id] = scanned
    events = []
    for post_id, scanned in sorted(current.items()):
        post = parse_post(scanned.text, scanned.source_file)
        link_ids = link_source_ids(post)
        events.extend(
            TimelineEvent(
                event_id=event_id(post_id, item.position),
                post_date=post.identity.post_date,
                model=post.identity.model,
                position=item.position,
                headline=item.headline,
                body=item.body,
                outlets=item.outlets,
                cited=tuple(link_ids[position] for position in item.cited),
            )
            for item in post.items
        )
    return events


# --- the harness -----------------------------------------------------------------------

MINHASH_THRESHOLDS = (0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.6)


@dataclass(frozen=True)
class MethodScores:
    method: str
    pairwise: Scores
    b_cubed: Scores
    stories: int
    kind: str = "timeline"
    """What the row is: "floor", "minhash", "annotator" (another reader) or "timeline"."""


@dataclass(frozen=True)
class Evaluation:
    posts_dir: Path
    items: int
    gold_stories: int
    methods: list[MethodScores]
    seconds: float
    predicted: dict[str, str]
    gold: dict[str, str]
    events: list[TimelineEvent]
    unlabelled: list[str] = dataclasses.field(default_factory=list)
    """Items of the folder that the gold file does not label: clustered, not scored."""
    unknown: list[str] = dataclasses.field(default_factory=list)
    """Gold ids that name no item of the folder: not scored."""
    from_zero: bool = False
    """The gold file counted items from 0 in their posts (`counts_from_zero`)."""


def gold_posts_dir(gold_path: Path) -> Path | None:
    """The posts a gold file labels: its `posts:` key (relative to the file), or `posts/` beside it."""
    if gold_path.suffix.lower() in {".yaml", ".yml", ".json"}:
        data = yaml.safe_load(gold_path.read_text(encoding="utf-8-sig"))
        if isinstance(data, dict) and isinstance(data.get("posts"), str):
            return (gold_path.parent / data["posts"]).resolve()
    beside = gold_path.parent / "posts"
    return beside if beside.is_dir() else None


def score(method: str, predicted: Clustering, gold: Clustering, kind: str = "timeline") -> MethodScores:
    return MethodScores(
        method, pairwise(predicted, gold), b_cubed(predicted, gold), len(set(predicted.values())), kind
    )


@dataclass(frozen=True)
class GoldMatch:
    """A gold file's labels matched to the items of a posts folder."""

    labels: dict[str, str]
    """event id → gold label, for the items both know: what is scored."""
    unlabelled: list[str]
    """Event ids of items no gold label names (clustered with the rest, not scored)."""
    unknown: list[str]
    """Gold ids that name no item of the folder."""
    from_zero: bool = False
    """The gold file counts items from 0 in their posts (read as this project's count from 1)."""


_DATE_IN_ID = re.compile(r"(?<!\d)(\d{4})-?(\d{2})-?(\d{2})(?!\d)")
_ID_PARTS = re.compile(r"[^0-9A-Za-z.]+")


def item_key(item_id: str) -> tuple[str, str, int] | None:
    """(model, ISO date, position) read from an item id however it is written, or None.

    The date is the one run of eight digits (dashes allowed); of what is left, the one
    number is the position and the one word the model: `qwen-2025-12-23#2`,
    `qwen/2025-12-23/2`, `2025-12-23_qwen_2`, `QWEN_20251223_2` all give
    ('qwen', '2025-12-23', 2).
    """
    dates = list(_DATE_IN_ID.finditer(item_id))
    if len(dates) != 1:
        return None
    date = dates[0]
    parts = [p for p in _ID_PARTS.split(item_id[: date.start()] + " " + item_id[date.end() :]) if p]
    numbers = [p for p in parts if p.isdigit()]
    words = [p for p in parts if not p.isdigit()]
    if len(numbers) != 1 or len(words) != 1:
        return None
    return words[0].lower(), "-".join(date.groups()), int(numbers[0])


def match_gold(gold: Mapping[str, str], events: Iterable[TimelineEvent]) -> GoldMatch:
    """Find the item each gold id names: by event id, by event id in any case, or by the
    model, date and position in it (`item_key`)."""
    events = list(events)
    ids = {event.event_id for event in events}
    by_folded = {event.event_id.casefold(): event.event_id for event in events}
    by_key = {
        (event.model.lower(), event.post_date.isoformat(), event.position): event.event_id for event in events
    }
    keys = {gold_id: item_key(gold_id) for gold_id in gold}
    from_zero = counts_from_zero(keys.values())
    labels: dict[str, str] = {}
    unknown: list[str] = []
    for gold_id, label in gold.items():
        key = keys[gold_id]
        if from_zero:  # every id names its item by position: none is this project's id
            event_id = by_key.get((key[0], key[1], key[2] + 1)) if key else None
        else:
            event_id = gold_id if gold_id in ids else by_folded.get(gold_id.casefold())
            if event_id is None and key is not None:
                event_id = by_key.get(key)
        if event_id is None or event_id in labels:
            unknown.append(gold_id)  # no such item, or one another spelling of the same item labelled
            continue
        labels[event_id] = label
    unlabelled = sorted(ids - labels.keys())
    return GoldMatch(labels, unlabelled, sorted(unknown), from_zero)


def counts_from_zero(keys: Iterable[tuple[str, str, int] | None]) -> bool:
    """Whether a gold file counts each post's items from 0 (as Python's `enumerate` does): most
    of the posts it labels have an item at position 0, which a count from 1 never has."""
    first: dict[tuple[str, str], int] = {}
    for key in keys:
        if key is not None:
            post = key[:2]
            first[post] = min(first.get(post, key[2]), key[2])
    return bool(first) and sum(position == 0 for position in first.values()) * 2 > len(first)


def evaluate_timeline(
    gold_path: Path,
    posts_dir: Path,
    config: TimelineConfig | None = None,
    strict: bool = False,
    annotators: Sequence[Path] = (),
) -> Evaluation:
    """Our clustering, the all-singletons floor and the MinHash baseline, scored against the gold labels.

    Every item of the folder is clustered; the items the gold file labels are scored. Items it
    does not label and labels that name no item are reported in the result (`strict` refuses
    them); when fewer than half of the labels name an item, the file and the folder are not
    about the same posts (or it spells items some other way) and the evaluation is refused.
    Each of `annotators` (another reader's labels of the same posts) is one more row, which
    must label every item the gold file scores (`annotator_labels`).
    """
    raw = load_gold(gold_path)
    events = events_from_folder(posts_dir)
    matched = match_gold(raw, events)
    unlabelled, unknown = matched.unlabelled, matched.unknown
    mismatch = (
        f"{len(unlabelled)} items unlabelled {unlabelled[:5]}, "
        f"{len(unknown)} labels for no item {unknown[:5]}"
    )
    if (strict and (unlabelled or unknown)) or not matched.labels or len(unknown) * 2 > len(raw):
        examples = [event.event_id for event in events[:3]]
        raise GoldFileError(
            f"{gold_path} does not match the items of {posts_dir}: {mismatch} (the folder's items "
            f"are named like {examples})"
        )
    gold = matched.labels
    started = time.perf_counter()
    clustered = cluster_events(events, config)
    seconds = time.perf_counter() - started
    predicted = _scored(clustered, gold)
    # Compared once, within the timeline's own window, and clustered per threshold.
    pairs = minhash_pairs(events, min(MINHASH_THRESHOLDS), (config or TimelineConfig()).window_days)
    baselines = [
        score(f"minhash@{t}", _scored(minhash_clusters(pairs, t), gold), gold, "minhash")
        for t in MINHASH_THRESHOLDS
    ]
    best_baseline = max(baselines, key=lambda m: (m.pairwise.f1, m.b_cubed.f1))
    methods = [
        score("all-singletons", singletons(gold), gold, "floor"),
        dataclasses.replace(best_baseline, method=f"{best_baseline.method} (best threshold)"),
        *(
            score(f"annotator: {path.name}", annotator_labels(path, events, gold), gold, "annotator")
            for path in annotators
        ),
        score("digest-pipeline", predicted, gold),
    ]
    return Evaluation(
        posts_dir,
        len(gold),
        len(set(gold.values())),
        methods,
        seconds,
        predicted,
        gold,
        events,
        unlabelled,
        unknown,
        matched.from_zero,
    )


def annotator_labels(path: Path, events: Sequence[TimelineEvent], gold: Mapping[str, str]) -> dict[str, str]:
    """A second reader's labels of the items the gold file scores, found as the gold's are.

    Agreement is only meaningful over the same items, so a file that leaves any of
    them out is refused, naming what it misses; items only it labels are ignored.
    """
    matched = match_gold(load_gold(path), events)
    missing = sorted(gold.keys() - matched.labels.keys())
    if missing:
        raise GoldFileError(
            f"annotator file {path} does not label {len(missing)} of the {len(gold)} items the gold "
            f"file scores {missing[:5]}"
        )
    return {event_id: matched.labels[event_id] for event_id in gold}


def _scored(clustering: Mapping[str, str], gold: Mapping[str, str]) -> dict[str, str]:
    """The clustering of the items the gold file labels."""
    return {event_id: clustering[event_id] for event_id in gold}


def disagreements(evaluation: Evaluation) -> list[str]:
    """Human-readable wrongly split and wrongly merged stories, for tuning by eye."""
    headline = {event.event_id: event.headline for event in evaluation.events}
    lines = []
    predicted_clusters, gold_clusters = _clusters(evaluation.predicted), _clusters(evaluation.gold)
    for label, members in sorted(gold_clusters.items()):
        parts = {evaluation.predicted[m] for m in members}
        if len(parts) > 1:
            lines.append(f"split  {label}: " + " | ".join(f"{m} {headline[m][:24]}" for m in sorted(members)))
    for story, members in sorted(predicted_clusters.items()):
        labels = {evaluation.gold[m] for m in members}
        if len(labels) > 1:
            lines.append(
                f"merged {story}: " + " | ".join(f"{m} [{evaluation.gold[m]}]" for m in sorted(members))
            )
    return lines


@dataclass(frozen=True)
class SetSummary:
    """A gold set's F1 figures, (pairwise, B-cubed) each: MinHash at its best threshold, the mean
    of the other readers (None without any), and the timeline."""

    name: str
    items: int
    minhash: tuple[float, float] | None
    readers: tuple[float, float] | None
    ours: tuple[float, float] | None


@dataclass(frozen=True)
class EvaluationSummary:
    rows: list[SetSummary]
    means: SetSummary
    """Means over the sets (readers: over the sets that have them)."""
    read_sets: int


def summarize(evaluations: Sequence[tuple[str, Evaluation]]) -> EvaluationSummary:
    """Per-set F1 and their plain means over the sets: each set counts once, whatever its size,
    since what a change must do is hold on every writer's posts, not on the largest set."""
    rows = []
    for name, evaluation in evaluations:
        f1s: dict[str, list[tuple[float, float]]] = defaultdict(list)
        for method in evaluation.methods:
            f1s[method.kind].append((method.pairwise.f1, method.b_cubed.f1))
        rows.append(
            SetSummary(
                name,
                evaluation.items,
                _mean_f1(f1s["minhash"]),
                _mean_f1(f1s["annotator"]),
                _mean_f1(f1s["timeline"]),
            )
        )
    read = [row.readers for row in rows if row.readers is not None]
    means = SetSummary(
        "mean",
        sum(row.items for row in rows),
        _mean_f1([row.minhash for row in rows if row.minhash is not None]),
        _mean_f1(read),
        _mean_f1([row.ours for row in rows if row.ours is not None]),
    )
    return EvaluationSummary(rows, means, len(read))


def _mean_f1(pairs: Sequence[tuple[float, float]]) -> tuple[float, float] | None:
    """The mean (pairwise, B-cubed) F1 of several rows or sets; None for none."""
    if not pairs:
        return None
    return sum(p for p, _ in pairs) / len(pairs), sum(b for _, b in pairs) / len(pairs)
