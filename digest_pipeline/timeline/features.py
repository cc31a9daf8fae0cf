"""What the timeline compares about a news item, computed once per item.

Pure: an item in, its features out. Nothing here knows about other items;
how much a shared word or name is worth depends on the items around it and
is decided in `scoring`.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace

import numpy as np
import polars as pl

from digest_pipeline.parallel import map_chunks
from digest_pipeline.timeline.entities import Name, extract_names, name_keys
from digest_pipeline.timeline.kinds import news_kinds, reports_recurrence
from digest_pipeline.timeline.text import cjk_bigrams, figures, fold_script, latin_words
from digest_pipeline.trends.entities import entity_keys, outlet_keys

ITEM_URL = re.compile(r"https?://[^\s)\]>）」』，。、]+", re.IGNORECASE)
# Category prefixes such as 「生態觀點：」 say what kind of item it is, not what happened.
_HEADLINE_PREFIX = re.compile(r"^[^：:]{1,8}[：:]\s*(?=\S)")
HEADLINE_WEIGHT = 2
"""A headline's words count this many times: it names the development, the body adds colour."""
FEATURES_FORMAT = 2
"""Bump when a field joins or leaves `features_to_json`: features stored in another format are
computed again (`warehouse.feature_store`). 2: the item's `entities`."""


@dataclass(frozen=True)
class TimelineEvent:
    """A news item as the timeline needs it (a row of `events`)."""

    event_id: str
    post_date: dt.date
    model: str
    position: int
    headline: str
    body: str
    outlets: tuple[str, ...] = ()
    cited: tuple[str, ...] = ()
    """The sources-section links the item reports (`events.cited_source_ids`): an article cited again
    on a later day is one development reported again."""

    @property
    def order(self) -> tuple[dt.date, str, int, str]:
        """Processing order: by day, then model, then position. The same input always replays the same way."""
        return (self.post_date, self.model, self.position, self.event_id)


@dataclass(frozen=True)
class EventFeatures:
    event: TimelineEvent
    terms: Counter[str]
    """CJK bigrams and Latin words of headline (weighted) and body."""
    headline_terms: Counter[str]
    names: frozenset[str]
    """Every name mentioned, with its leading parts (`qwen-image-layered` also names `qwen-image`)."""
    subjects: tuple[Name, ...]
    """Specific names in the headline: what the item is about."""
    subject_families: frozenset[str]
    """The first part of each subject (`gpt` of GPT-5.2): only subjects of one family can be siblings."""
    outlets: frozenset[str]
    urls: frozenset[str]
    """Links written in the item's body, and the ids of the sources-section links it cites."""
    figures: frozenset[str] = frozenset()
    """Amounts, percentages and dates quoted, with their units (`text.figures`)."""
    subject_groups: tuple[frozenset[str], ...] = ()
    """Per specific headline name, the families it goes by (`google` and `gemini` for Google
    Gemini 3 Flash), or else the headline's leading actor (`google` for 「Google 獲 Apple 注資」):
    another item that names none of a group's families has never heard of that subject."""
    entities: tuple[str, ...] = ()
    """The keys of the names the item mentions (its whole headline and body), for `event_entities`
    and the entity trends (`trends.entities.entity_keys`): read here, where the names are read anyway."""
    kinds: frozenset[str] = frozenset()
    """The kinds of news the headline names (`kinds.news_kinds`): an outage, a lawsuit, a price change...
    Read from the headline again when features are read back (`features_from_json`), not stored."""
    recurs: bool = False
    """The headline says its news happened again (`kinds.reports_recurrence`); read from the
    headline, like `kinds`, not stored."""
    term_hashes: np.ndarray | None = field(default=None, compare=False, repr=False)
    """`word_hashes` of `terms` then `headline_terms`, in their order, when the worker that read
    the item computed them (the main process, which places items one after another, is spared
    hashing them); None otherwise."""


def _terms(folded: str) -> Counter[str]:
    terms = cjk_bigrams(folded)
    terms.update({f"w:{word}": count for word, count in latin_words(folded).items()})
    return terms


def headline_core(headline: str) -> str:
    """The headline without a leading category label (「競品與市場：」).

    A short lead that names a specific thing is the news, not a label: in 「Veo 4 登場：原生
    4K」 the colon follows what happened, and dropping it would leave the item with no subject.
    """
    label = _HEADLINE_PREFIX.match(headline)
    if label is None or len(headline) - label.end() < 4:
        return headline
    if any(name.is_specific for name in extract_names(fold_script(label.group(0)))):
        return headline
    return headline[label.end() :]


def _word_suffixes(names: list[Name]) -> list[Name]:
    """Each name and the names starting at its later words: `Google Gemini 3 Pro` also says `Gemini 3 Pro`."""
    found: dict[tuple[str, ...], Name] = {}
    for name in names:
        for sub in _suffixes_of(name):
            found.setdefault(sub.parts, sub)
    return list(found.values())


# Cached per name, as `entities` caches reading them: the same names recur in item after item.
@functools.lru_cache(maxsize=1 << 16)
def _suffixes_of(name: Name) -> tuple[Name, ...]:
    return tuple(
        Name(name.parts[start:], tuple(s - start for s in name.word_starts if s >= start))
        for start in name.word_starts
    )


@functools.lru_cache(maxsize=1 << 16)
def specific_suffix_keys(name: Name) -> frozenset[str]:
    """The shorter keys a name also goes by: those of its specific word suffixes.

    Writers shorten a name from the front (Claude Opus 5 becomes Opus 5), so an item
    naming `opus-5` has named `claude-opus-5`.
    """
    return frozenset(sub.key for sub in _suffixes_of(name)[1:] if sub.is_specific)


@functools.lru_cache(maxsize=1 << 16)
def _specific_families(name: Name) -> frozenset[str]:
    """The families of a name's specific word suffixes (empty when nothing in it is specific)."""
    return frozenset(sub.family for sub in _suffixes_of(name) if sub.is_specific)


def _words(event: TimelineEvent, core: str) -> tuple[str, str, Counter[str], Counter[str]]:
    """Folded headline `core` (the headline without its category label) and body, the headline's
    terms and the item's (headline weighted)."""
    headline = fold_script(core)
    body = fold_script(event.body)
    headline_terms = _terms(headline)
    terms = _terms(body)
    for term, count in headline_terms.items():
        terms[term] += HEADLINE_WEIGHT * count
    return headline, body, headline_terms, terms


def event_text_features(event: TimelineEvent) -> EventFeatures:
    """Only the words (`terms`, `headline_terms`), no names, links or figures: about half the cost.

    Enough to choose a story's headline (`stories.representative`), which weighs words alone.
    """
    _, _, headline_terms, terms = _words(event, headline_core(event.headline))
    return EventFeatures(
        event=event,
        terms=terms,
        headline_terms=headline_terms,
        names=frozenset(),
        subjects=(),
        subject_families=frozenset(),
        outlets=frozenset(),
        urls=frozenset(),
    )


def event_features(event: TimelineEvent) -> EventFeatures:
    core = headline_core(event.headline)
    headline, body, headline_terms, terms = _words(event, core)
    body_names = extract_names(body)
    headline_names = extract_names(headline)
    names = frozenset(name_keys(headline_names + body_names))
    outlets = frozenset(o.strip().lower() for o in event.outlets if o.strip())
    written = frozenset(url.rstrip(".,;:").lower() for url in ITEM_URL.findall(event.body))
    urls = written | frozenset(event.cited)
    subjects = tuple(name for name in _word_suffixes(headline_names) if name.is_specific)
    label = event.headline[: len(event.headline) - len(core)]  # the category label the core leaves out
    label_names = extract_names(fold_script(label)) if label else []
    return EventFeatures(
        event=event,
        terms=terms,
        headline_terms=headline_terms,
        names=names,
        subjects=subjects,
        subject_families=frozenset(name.family for name in subjects),
        outlets=outlets,
        urls=urls,
        figures=frozenset(figures(headline) | figures(body)),
        subject_groups=_subject_groups(headline_names),
        entities=tuple(entity_keys(label_names + headline_names + body_names, outlet_keys(event.outlets))),
        kinds=news_kinds(event.headline),
        recurs=reports_recurrence(event.headline),
    )


def _subject_groups(headline_names: list[Name]) -> tuple[frozenset[str], ...]:
    """What the headline is about, one family set per thing (see `EventFeatures.subject_groups`).

    Each specific name (a product or version) goes by the families of its word
    suffixes. A headline naming nothing specific is about its leading actor,
    when that is a single non-generic name (「Google 獲 Apple 注資」 is about
    Google): two such headlines about organisations neither item names are two
    developments, not one.
    """
    groups = tuple(group for group in map(_specific_families, headline_names) if group)
    if groups or not headline_names:
        return groups
    lead = headline_names[0]
    return (frozenset({lead.family}),) if lead.is_brand else ()


def text_key(event: TimelineEvent) -> str:
    """A digest of everything an item's features are read from: equal keys, equal features."""
    text = "\x1f".join((event.headline, event.body, *event.outlets, "\x1e", *event.cited))
    return hashlib.md5(text.encode("utf-8"), usedforsecurity=False).hexdigest()


def features_to_json(features: EventFeatures) -> str:
    """The features without their item, as JSON (`features_from_json` reads them back equal).

    Counters keep their order, so the terms are encoded in the same order as when computed.
    """
    return json.dumps(
        {
            "terms": features.terms,
            "headline_terms": features.headline_terms,
            "names": sorted(features.names),
            "subjects": [[name.parts, name.word_starts] for name in features.subjects],
            "subject_families": sorted(features.subject_families),
            "outlets": sorted(features.outlets),
            "urls": sorted(features.urls),
            "figures": sorted(features.figures),
            "subject_groups": [sorted(group) for group in features.subject_groups],
            "entities": features.entities,
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )


def features_from_json(text: str, event: TimelineEvent) -> EventFeatures:
    """`event`'s features as `features_to_json` wrote them."""
    data = json.loads(text)
    return EventFeatures(
        event=event,
        terms=Counter(data["terms"]),
        headline_terms=Counter(data["headline_terms"]),
        names=frozenset(data["names"]),
        subjects=tuple(Name(tuple(parts), tuple(starts)) for parts, starts in data["subjects"]),
        subject_families=frozenset(data["subject_families"]),
        outlets=frozenset(data["outlets"]),
        urls=frozenset(data["urls"]),
        figures=frozenset(data["figures"]),
        subject_groups=tuple(frozenset(group) for group in data["subject_groups"]),
        entities=tuple(data["entities"]),
        kinds=news_kinds(event.headline),
        recurs=reports_recurrence(event.headline),
    )


PARALLEL_MIN_ITEMS = 4000
"""Below this many items, starting worker processes costs more than it saves."""


def event_features_many(
    events: Iterable[TimelineEvent], workers: int | None = None
) -> Iterator[EventFeatures]:
    """Features of many items, in order, computed on every core when there are enough of them.

    Lazy (see `parallel.map_chunks`): a million items never sit in memory as features at once.
    """
    for chunk in map_chunks(_features_of_chunk, events, 1000, PARALLEL_MIN_ITEMS, workers):
        yield from chunk


def _features_of_chunk(chunk: tuple[TimelineEvent, ...]) -> list[EventFeatures]:
    features = [event_features(event) for event in chunk]
    words = [word for f in features for counter in (f.terms, f.headline_terms) for word in counter]
    hashes = word_hashes(words)
    ends = np.cumsum([len(f.terms) + len(f.headline_terms) for f in features])
    return [replace(f, term_hashes=h) for f, h in zip(features, np.split(hashes, ends[:-1]), strict=True)]


WORD_HASH_SEED = 20261203
"""Any fixed seed: the same words hash the same in every process of one Polars version."""


def word_hashes(words: list[str]) -> np.ndarray:
    """A 64-bit hash of each word (Polars hashes them all at once), for the timeline's column ids."""
    return pl.Series(words, dtype=pl.String).hash(seed=WORD_HASH_SEED).to_numpy()
