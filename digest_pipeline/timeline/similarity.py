"""Pair scores of many items at once: `scoring.pair_score` as sparse matrix products.

Placing a day's items compares each with every item of the time window.
Done pair by pair in Python that is tens of thousands of dictionary walks a
day; here every item is a sparse row (its words, headline words, names,
outlets and links as column ids), and one day's comparison is a handful of
SciPy sparse products: today's rows against the window's rows. The cost of a
day is set by the window's size, never by the history's.

The arithmetic is `scoring.pair_score`'s, term for term (a test holds the two
to the same numbers); only the subject conflict, which reads names'
structure, stays per pair and is asked only of the few stories an item could
join.

Document frequencies are kept for the rows inside the window and updated as
rows enter and leave it, so the weights of a day depend on the window's
items alone: the same day gives the same scores whether it is built from
scratch or replayed on top of stored history.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from digest_pipeline.timeline.features import EventFeatures, word_hashes
from digest_pipeline.timeline.scoring import ScoringConfig, idf
from digest_pipeline.timeline.semantic import DIMENSIONS, cosines

_SPACES = ("terms", "headline", "names", "outlets", "urls", "figures")
_STORES_OF = {
    "terms": ("terms", "headline"),
    "names": ("names",),
    "outlets": ("outlets",),
    "urls": ("urls",),
    "figures": ("figures",),
}
"""Which row stores use each column space (headlines share the words' columns and frequencies)."""
_MAX_OFFSET = np.iinfo(np.int32).max
"""The most entries a span of rows may hold (32-bit offsets): 2 billion, a window of ~10M items."""
_COUNTED = ("terms", "names", "outlets", "figures")
"""The spaces whose columns are weighted by how many items of the window hold them."""


class Vocabulary:
    """Column ids for one kind of feature, handed out on first sight, renumbered as the window slides.

    Keys are known by a 64-bit hash of their text (`features.word_hashes`, which the feature
    workers compute for the words of the items they read), kept as a sorted array beside each
    hash's id: a day's keys are looked up and added by a few NumPy operations instead of
    several dictionary operations per key. Where most of a day's words are new, as in the
    bench's synthetic items, the dictionary's work was a third of the placing loop. Two keys
    of one hash would share a column; among a million distinct keys that happens with a
    chance of about 3 in 100 million.
    """

    def __init__(self) -> None:
        self._hashes = np.empty(0, dtype=np.uint64)
        """The known keys' hashes, sorted."""
        self._ids = np.empty(0, dtype=np.int64)
        """The id of each hash in `_hashes`."""
        self._size = 0

    def encode(self, keys: list[str], hashes: np.ndarray | None = None) -> np.ndarray:
        """The ids of `keys` (whose `features.word_hashes` may be given); keys never seen get the
        next ids, in the order they first appear in `keys` (so the same every run)."""
        if not len(keys):
            return np.empty(0, dtype=np.int64)
        if hashes is None:
            hashes = word_hashes(keys)
        # Sorted distinct hashes: searching the known ones in order keeps the search in cache.
        distinct, first, inverse = np.unique(hashes, return_index=True, return_inverse=True)
        at = np.searchsorted(self._hashes, distinct)
        known = at < len(self._hashes)
        known[known] = self._hashes[at[known]] == distinct[known]
        ids = np.empty(len(distinct), dtype=np.int64)
        ids[known] = self._ids[at[known]]
        new = ~known
        if new.any():
            added = np.empty(int(new.sum()), dtype=np.int64)
            added[np.argsort(first[new], kind="stable")] = np.arange(self._size, self._size + len(added))
            ids[new] = added
            self._hashes = np.insert(self._hashes, at[new], distinct[new])
            self._ids = np.insert(self._ids, at[new], added)
            self._size += len(added)
        return ids[inverse]

    def id_of(self, key: str) -> int | None:
        """The id of one key, or None if it has none (for tests and debugging)."""
        hashed = word_hashes([key])[0]
        at = int(np.searchsorted(self._hashes, hashed))
        return int(self._ids[at]) if at < len(self._hashes) and self._hashes[at] == hashed else None

    def keep(self, live: np.ndarray) -> np.ndarray:
        """Forget every id not in `live` (sorted) and number the rest densely; returns old id → new id.

        Without this the column space would grow with the history (every word
        ever seen), and so would the cost of each day's sparse products.
        """
        renumber = np.full(self._size, -1, dtype=np.int64)
        renumber[live] = np.arange(len(live), dtype=np.int64)
        new = renumber[self._ids]
        kept = new >= 0
        self._hashes, self._ids = self._hashes[kept], new[kept]
        self._size = len(live)
        return renumber

    def __len__(self) -> int:
        return self._size


class RowStore:
    """Sparse rows appended in order, with the oldest dropped as the window slides.

    Rows are addressed by their absolute number since the store began, so
    callers keep their own numbering while old rows are compacted away.
    """

    def __init__(self, capacity: int = 1024) -> None:
        # Entries and row offsets live at the front of buffers that grow by doubling: appending a
        # day copies that day's entries, not the whole window (as concatenating did, every day).
        # Column ids and the offsets handed out are 32-bit: SciPy takes 32-bit index arrays as
        # they are, and scans and copies 64-bit ones down to 32 bits on every product.
        self._indices = np.empty(capacity, dtype=np.int32)
        self._data = np.empty(capacity, dtype=np.float64)
        self._indptr = np.zeros(max(1, capacity), dtype=np.int64)
        self._rows = 0
        self.first = 0
        """Absolute number of the first row still held."""
        self._pending: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        self._pending_rows = 0

    def extend(self, indices: np.ndarray, data: np.ndarray, lengths: np.ndarray) -> None:
        """Add rows: their column ids and values end to end, and each row's number of entries."""
        self._pending.append((indices, data, lengths))
        self._pending_rows += len(lengths)

    def _flush(self) -> None:
        if not self._pending:
            return
        entries = int(self._indptr[self._rows])
        added = sum(len(i) for i, _, _ in self._pending)
        self._indices = _room(self._indices, entries, entries + added)
        self._data = _room(self._data, entries, entries + added)
        self._indptr = _room(self._indptr, self._rows + 1, self._rows + 1 + self._pending_rows)
        at = entries
        for indices, data, _ in self._pending:
            self._indices[at : at + len(indices)] = indices
            self._data[at : at + len(data)] = data
            at += len(indices)
        lengths = np.concatenate([n for _, _, n in self._pending])
        self._indptr[self._rows + 1 : self._rows + 1 + len(lengths)] = entries + np.cumsum(lengths)
        self._rows += len(lengths)
        self._pending = []
        self._pending_rows = 0

    @property
    def end(self) -> int:
        return self.first + self._rows + self._pending_rows

    def drop_before(self, row: int) -> None:
        """Forget rows before `row` (compacting only when they are half the store)."""
        self._flush()
        dead = row - self.first
        if dead <= 0 or dead < self._rows // 2:
            return
        start, entries = int(self._indptr[dead]), int(self._indptr[self._rows])
        self._indices[: entries - start] = self._indices[start:entries]
        self._data[: entries - start] = self._data[start:entries]
        self._indptr[: self._rows - dead + 1] = self._indptr[dead : self._rows + 1] - start
        self._rows -= dead
        self.first = row

    def live_columns(self) -> np.ndarray:
        """The column ids of every held row (a view, as `span`'s)."""
        self._flush()
        return self._indices[: self._indptr[self._rows]]

    def renumber(self, renumber: np.ndarray) -> None:
        self._flush()
        entries = int(self._indptr[self._rows])
        self._indices[:entries] = renumber[self._indices[:entries]]

    def span(self, lo: int, hi: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The rows lo..hi-1 as CSR arrays (indices, data, indptr from 0).

        The indices and data are views of the store's buffers: read them before the store next
        changes (the window slides or the columns are renumbered in place).
        """
        self._flush()
        a, b = lo - self.first, hi - self.first
        if not 0 <= a <= b <= self._rows:
            raise IndexError(f"rows {lo}..{hi} are not all held (held: {self.first}..{self.end})")
        start, stop = self._indptr[a], self._indptr[b]
        if stop - start > _MAX_OFFSET:
            raise OverflowError(f"rows {lo}..{hi} hold {stop - start} entries: too many for 32-bit offsets")
        indptr = (self._indptr[a : b + 1] - start).astype(np.int32)
        return self._indices[start:stop], self._data[start:stop], indptr

    def gather(self, rows: Sequence[int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Any rows, in the order given, as CSR arrays."""
        parts = [self.span(r, r + 1) for r in rows]
        if not parts:
            return np.empty(0, np.int32), np.empty(0, np.float64), np.zeros(1, np.int32)
        lengths = np.array([len(i) for i, _, _ in parts], dtype=np.int32)
        indptr = np.concatenate([np.zeros(1, np.int32), np.cumsum(lengths, dtype=np.int32)])
        return (
            np.concatenate([i for i, _, _ in parts]),
            np.concatenate([d for _, d, _ in parts]),
            indptr,
        )


def _room(buffer: np.ndarray, used: int, needed: int) -> np.ndarray:
    """`buffer`, or a copy of its first `used` items in one at least twice as large, to hold `needed`."""
    if needed <= len(buffer):
        return buffer
    grown = np.empty(max(needed, 2 * len(buffer)), dtype=buffer.dtype)
    grown[:used] = buffer[:used]
    return grown


class DocumentFrequencies:
    """How many rows of the window hold each column, kept up to date as rows enter and leave."""

    def __init__(self) -> None:
        self.counts = np.zeros(1024, dtype=np.int64)

    def _fit(self, size: int) -> None:
        if size > len(self.counts):
            grown = np.zeros(max(size, 2 * len(self.counts)), dtype=np.int64)
            grown[: len(self.counts)] = self.counts
            self.counts = grown

    def add(self, indices: np.ndarray, sign: int) -> None:
        if len(indices):
            self._fit(int(indices.max()) + 1)
            np.add.at(self.counts, indices, sign)

    def renumber(self, live: np.ndarray) -> None:
        self._fit(int(live.max()) + 1 if len(live) else 0)
        kept = self.counts[live]
        self.counts = np.zeros(max(1024, 2 * len(live)), dtype=np.int64)
        self.counts[: len(live)] = kept

    def idf(self, indices: np.ndarray, documents: int) -> np.ndarray:
        """`scoring.idf` of each column in `indices`, vectorised."""
        self._fit(int(indices.max()) + 1 if len(indices) else 0)
        df = self.counts[indices] if len(indices) else np.empty(0)
        return np.maximum(0.0, np.log((documents + 1) / (df + 0.5)))


@dataclass
class DayWeights:
    """The frequencies a day scores with: the window's rows plus today's."""

    documents: int
    frequencies: dict[str, DocumentFrequencies]

    @property
    def rare_pair_weight(self) -> float:
        return idf(2, self.documents)


class ItemMatrix:
    """Every item of the window as sparse rows, one store per kind of feature."""

    def __init__(self) -> None:
        self.vocabulary = {space: Vocabulary() for space in _STORES_OF}
        self.stores = {space: RowStore() for space in _SPACES}
        self.frequencies = {space: DocumentFrequencies() for space in _COUNTED}
        self.days: list[int] = []
        self.embeddings: list[np.ndarray | None] = []
        """Each row's headline embedding (`semantic`), None when not embedded; aligned with `days`."""
        self._days_array = np.empty(0, dtype=np.int64)
        """`days` as an array, rebuilt when rows came or went (several reads a day, one rebuild)."""
        self._days_first = 0
        self.day_first = 0
        """Absolute row of `days[0]`."""
        self.counted = (0, 0)
        """The rows lo..hi-1 the document frequencies currently count."""

    @property
    def end(self) -> int:
        return self.day_first + len(self.days)

    def extend(self, items: Sequence[EventFeatures], embeddings: np.ndarray | None = None) -> range:
        """Add items as the next rows (a day's at once: one encoding per kind of feature); returns their rows.

        `embeddings`, one row per item, are their headlines' (`semantic`), when the timeline uses them.

        Keys new to a vocabulary get ids in the order the items hold them (a set's, sorted), so
        the same items added in the same calls get the same ids every run.
        """
        first = self.end
        chain = itertools.chain.from_iterable
        terms = self.vocabulary["terms"]
        # Words and headline words share one column space: encoded at once, then split.
        counters = [f.terms for f in items] + [f.headline_terms for f in items]
        lengths = np.fromiter(map(len, counters), dtype=np.int64, count=len(counters))
        counts = np.fromiter(chain(c.values() for c in counters), dtype=np.float64, count=lengths.sum())
        keys = list(chain(counters))
        hashes = _word_hashes_of(items)
        ids = terms.encode(keys, hashes)
        split = int(lengths[: len(items)].sum())
        # A Counter iterates its keys and values in one order: no lookup per word.
        self.stores["terms"].extend(ids[:split], 1.0 + np.log(counts[:split]), lengths[: len(items)])
        self.stores["headline"].extend(ids[split:], 1.0 + np.log(counts[split:]), lengths[len(items) :])
        for space in ("names", "outlets", "urls", "figures"):
            groups = [sorted(getattr(f, space)) for f in items]
            lengths = np.fromiter(map(len, groups), dtype=np.int64, count=len(groups))
            keys = list(chain(groups))
            self.stores[space].extend(self.vocabulary[space].encode(keys), np.ones(len(keys)), lengths)
        self.days.extend(f.event.post_date.toordinal() for f in items)
        self.embeddings.extend(embeddings if embeddings is not None else [None] * len(items))
        return range(first, self.end)

    def count(self, lo: int, hi: int) -> DayWeights:
        """Make the document frequencies count rows lo..hi-1 (moving only the rows that changed)."""
        old_lo, old_hi = self.counted
        if hi < old_hi or lo < old_lo:
            raise ValueError("the window only moves forward")
        if lo >= old_hi:  # a jump past everything counted
            self._count(old_lo, old_hi, -1)
            self._count(lo, hi, +1)
        else:
            self._count(old_lo, lo, -1)
            self._count(old_hi, hi, +1)
        self.counted = (lo, hi)
        compacted = False
        for store in self.stores.values():
            first = store.first
            store.drop_before(lo)
            compacted |= store.first != first
        if compacted:
            self._compact_vocabularies()
        drop = lo - self.day_first
        if drop > len(self.days) // 2 and drop > 0:
            self.days = self.days[drop:]
            self.embeddings = self.embeddings[drop:]
            self.day_first = lo
        return DayWeights(hi - lo, self.frequencies)

    def _compact_vocabularies(self) -> None:
        """Renumber each column space to the ids the held rows still use (see `Vocabulary.keep`)."""
        for space, stores in _STORES_OF.items():
            used = np.zeros(len(self.vocabulary[space]), dtype=bool)  # a mask: no sort, unlike np.unique
            for name in stores:
                used[self.stores[name].live_columns()] = True
            live = np.flatnonzero(used)
            renumber = self.vocabulary[space].keep(live)
            for name in stores:
                self.stores[name].renumber(renumber)
            if space in self.frequencies:
                self.frequencies[space].renumber(live)

    def _count(self, lo: int, hi: int, sign: int) -> None:
        if hi <= lo:
            return
        for space in _COUNTED:
            indices, _, _ = self.stores[space].span(lo, hi)
            self.frequencies[space].add(indices, sign)

    def day_of(self, rows: np.ndarray) -> np.ndarray:
        if len(self._days_array) != len(self.days) or self._days_first != self.day_first:
            self._days_array = np.asarray(self.days, dtype=np.int64)
            self._days_first = self.day_first
        return self._days_array[rows - self.day_first]

    def _weighted(self, space: str, rows, weights: DayWeights, frequencies: str) -> _Rows:
        store = self.stores[space]
        indices, data, indptr = store.span(*rows) if isinstance(rows, tuple) else store.gather(rows)
        idf = weights.frequencies[frequencies].idf(indices, weights.documents)
        width = max(len(self.vocabulary["terms" if space == "headline" else space]), 1)
        return _Rows(indices, data * idf, indptr, width)

    def scores(self, a_rows, b_rows, weights: DayWeights, config: ScoringConfig) -> np.ndarray:
        """`pair_score` before any subject conflict, for every row of `a_rows` against every of `b_rows`.

        Rows are a `(lo, hi)` span or a list of row numbers.
        """
        total = None
        for space, weight in (("terms", config.text_weight), ("headline", config.headline_weight)):
            # The weight scales the few entries of one side, not the dense product.
            a = self._weighted(space, a_rows, weights, "terms").unit(scale=weight)
            b = self._weighted(space, b_rows, weights, "terms").unit()
            if total is None:
                total = a.dot(b)
            else:
                total += a.dot(b)
        floor = weights.rare_pair_weight
        for space, weight, rare_weight in (
            ("names", config.name_weight, 0.0),
            ("outlets", config.outlet_weight, 0.0),
            ("figures", 0.0, config.figure_weight),
        ):
            a = self._weighted(space, a_rows, weights, space).squared()
            b = self._weighted(space, b_rows, weights, space).squared()
            # Few pairs share a name, outlet or figure: the arithmetic runs on those pairs only.
            i, j, shared = a.sparse_dot(b.binary())
            if weight:  # scoring.weighted_overlap
                norm = np.maximum(floor * floor, np.sqrt(a.row_sums()[i] * b.row_sums()[j]))
                total[i, j] += weight * np.minimum(1.0, shared / norm.clip(min=1e-300))
            if rare_weight and floor:  # scoring.shared_rarity
                total[i, j] += rare_weight * np.minimum(1.0, shared / (floor * floor))
        i, j, shared = self._binary(a_rows).sparse_dot(self._binary(b_rows))
        total[i, j] += config.url_weight * (shared > 0)
        a_days, b_days = self._days(a_rows), self._days(b_rows)
        if len(a_days) and (a_days == a_days[0]).all():  # a day's items: one penalty per column
            a_days = a_days[:1]
        gap = np.abs(a_days[:, None] - b_days[None, :])
        total -= config.gap_penalty_per_day * np.maximum(0, gap - config.gap_grace_days)
        if config.semantic_weight:
            self._add_semantic(total, a_rows, b_rows, config)
        # Rounded, so ties and thresholds do not hang on the order floating-point sums ran in
        # (column ids, and so summation order, differ between a full build and a replay).
        return np.round(total, 9, out=total)

    def _add_semantic(self, total: np.ndarray, a_rows, b_rows, config: ScoringConfig) -> None:
        """`scoring.pair_score`'s semantic term, for the pairs whose two rows both have an embedding."""
        a, a_has = self._embeddings(a_rows)
        b, b_has = self._embeddings(b_rows)
        if not (a_has.any() and b_has.any()):
            return
        term = config.semantic_weight * (cosines(a, b) - config.semantic_center)
        term[~a_has, :] = 0.0
        term[:, ~b_has] = 0.0
        total += term

    def _embeddings(self, rows) -> tuple[np.ndarray, np.ndarray]:
        """The rows' embeddings stacked (zeros where missing), and which rows have one."""
        index = np.arange(*rows) if isinstance(rows, tuple) else np.asarray(rows, dtype=np.int64)
        found = [self.embeddings[row - self.day_first] for row in index.tolist()]
        has = np.fromiter((vector is not None for vector in found), dtype=bool, count=len(found))
        stacked = np.zeros((len(found), DIMENSIONS), dtype=np.float32)
        if has.any():
            stacked[has] = np.stack([vector for vector in found if vector is not None])
        return stacked, has

    def _binary(self, rows) -> _Rows:
        store = self.stores["urls"]
        indices, data, indptr = store.span(*rows) if isinstance(rows, tuple) else store.gather(rows)
        return _Rows(indices, data, indptr, max(len(self.vocabulary["urls"]), 1))

    def _days(self, rows) -> np.ndarray:
        index = np.arange(*rows) if isinstance(rows, tuple) else np.asarray(rows, dtype=np.int64)
        return self.day_of(index)


def _word_hashes_of(items: Sequence[EventFeatures]) -> np.ndarray | None:
    """The hashes the feature workers computed for the items' words, in `ItemMatrix.extend`'s
    order (every item's words, then every item's headline words), or None unless all have them."""
    if not items or any(f.term_hashes is None for f in items):
        return None
    word_counts = [len(f.terms) for f in items]
    pairs = list(zip([f.term_hashes for f in items], word_counts, strict=True))
    return np.concatenate([h[:n] for h, n in pairs] + [h[n:] for h, n in pairs])


@dataclass(frozen=True)
class _Rows:
    """Sparse rows as CSR arrays, with the few operations the scores need done on the arrays."""

    indices: np.ndarray
    data: np.ndarray
    indptr: np.ndarray
    width: int

    @property
    def count(self) -> int:
        return len(self.indptr) - 1

    def row_sums(self) -> np.ndarray:
        sums = np.zeros(self.count)
        lengths = np.diff(self.indptr)
        nonempty = lengths > 0
        if len(self.data):
            sums[nonempty] = np.add.reduceat(self.data, self.indptr[:-1][nonempty])
        return sums

    def _with(self, data: np.ndarray) -> _Rows:
        return _Rows(self.indices, data, self.indptr, self.width)

    def squared(self) -> _Rows:
        return self._with(self.data * self.data)

    def binary(self) -> _Rows:
        return self._with(np.ones_like(self.data))

    def unit(self, scale: float = 1.0) -> _Rows:
        """Each row scaled to length `scale` (empty rows stay empty)."""
        if not scale:
            return self._with(np.zeros_like(self.data))
        norms = np.sqrt(self.squared().row_sums()) / scale
        norms[norms == 0] = 1.0
        return self._with(self.data / np.repeat(norms, np.diff(self.indptr)))

    def _product(self, other: _Rows) -> sp.csr_matrix:
        """Sparse self · otherᵀ. `other`'s CSR arrays are read as the CSC of its transpose (no copy)."""
        a = sp.csr_matrix((self.data, self.indices, self.indptr), shape=(self.count, self.width))
        b_t = sp.csc_matrix((other.data, other.indices, other.indptr), shape=(other.width, other.count))
        return a @ b_t

    def dot(self, other: _Rows) -> np.ndarray:
        """Dense self · otherᵀ."""
        return self._product(other).toarray()

    def sparse_dot(self, other: _Rows) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The stored entries of self · otherᵀ as (row, column, value) arrays, each pair once."""
        product = self._product(other)
        rows = np.repeat(np.arange(product.shape[0]), np.diff(product.indptr))
        return rows, product.indices, product.data
