"""The matrix scores must be `pair_score`'s numbers: the timeline's decisions rest on them."""

import datetime as dt
import os
import random
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from digest_pipeline.timeline import similarity
from digest_pipeline.timeline.features import (
    TimelineEvent,
    event_features,
    event_features_many,
    word_hashes,
)
from digest_pipeline.timeline.scoring import ScoringConfig, TermWeights, pair_score, vectors
from digest_pipeline.timeline.similarity import ItemMatrix, RowStore, Vocabulary

WORDS = ["Qwen-Image-Layered", "GPT-5.2", "Kimi K3", "Mistral Large 3", "NVIDIA", "微軟", "阿里雲"]
CJK = "發布開源模型推理價格調整合作授權訴訟當機融資上線評測代理程式影像分層編輯"
FIGURES = ["150 億美元", "40%", "1.2GW", "12 月", "1501"]
OUTLETS = ["Reuters", "The Verge", "iThome", "36Kr"]


def random_event(rng: random.Random, n: int) -> TimelineEvent:
    def phrase(k):
        return " ".join(
            rng.choice(WORDS if rng.random() < 0.7 else FIGURES)
            if rng.random() < 0.4
            else "".join(rng.sample(CJK, 4))
            for _ in range(k)
        )

    url = f" https://example.com/{rng.randrange(5)}" if rng.random() < 0.4 else ""
    return TimelineEvent(
        f"m-{n}#1",
        dt.date(2025, 1, 1) + dt.timedelta(days=rng.randrange(40)),
        "m",
        1,
        phrase(3),
        phrase(8) + url,
        tuple(rng.sample(OUTLETS, rng.randrange(3))),
    )


@pytest.mark.parametrize("seed", range(5))
def test_matrix_scores_equal_pair_scores_before_conflicts(seed):
    rng = random.Random(seed)
    events = [random_event(rng, n) for n in range(30)]
    features = [event_features(e) for e in events]
    config = ScoringConfig()
    before_conflicts = ScoringConfig(conflict_factor=1, same_post_factor=1)  # the matrix's scores
    weights = TermWeights(features)
    vecs = [vectors(f, weights) for f in features]
    matrix = ItemMatrix()
    matrix.extend(features[:7])  # the rows of one call continue those of the last
    matrix.extend(features[7:])
    day = matrix.count(0, len(features))
    scores = matrix.scores((0, 10), (0, len(features)), day, config)
    gathered = matrix.scores([3, 7], [0, 29, 5], day, config)
    for i in range(10):
        for j in range(len(features)):
            expected = pair_score(features[i], vecs[i], features[j], vecs[j], before_conflicts)
            assert scores[i, j] == pytest.approx(expected.score, abs=1e-9)
    assert gathered[1, 2] == pytest.approx(scores[7, 5], abs=1e-9)


def test_document_frequencies_follow_the_window():
    rng = random.Random(9)
    features = [event_features(random_event(rng, n)) for n in range(40)]
    slid = ItemMatrix()
    slid.extend(features)
    slid.count(0, 20)
    later = slid.count(15, 40)
    fresh = ItemMatrix()
    fresh.extend(features)
    direct = fresh.count(15, 40)
    assert later.documents == direct.documents == 25
    config = ScoringConfig()
    assert np.allclose(
        slid.scores((30, 40), (15, 40), later, config), fresh.scores((30, 40), (15, 40), direct, config)
    )


def test_row_store_keeps_absolute_row_numbers_after_compaction():
    store = RowStore()
    for n in range(0, 10, 2):  # two rows a call
        store.extend(np.array([n, n + 1, n + 1, n + 2]), np.array([1.0, n, 1.0, n + 1.0]), np.array([2, 2]))
    assert store.end == 10
    store.drop_before(8)
    indices, data, indptr = store.span(8, 10)
    assert indices.tolist() == [8, 9, 9, 10] and data.tolist() == [1.0, 8.0, 1.0, 9.0]
    assert indptr.tolist() == [0, 2, 4] and store.end == 10


_ROW = st.lists(st.integers(0, 300), max_size=40)
_STEP = st.one_of(
    st.tuples(st.just("extend"), st.lists(_ROW, min_size=1, max_size=30)),
    st.tuples(st.just("drop"), st.integers(0, 40)),
    st.tuples(st.just("renumber"), st.integers(1, 7)),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(_STEP, max_size=40))
def test_row_store_holds_what_a_list_of_rows_holds(steps):
    """Appends, window slides and renumbering in any order: the store's growing buffers and
    in-place compaction give every row of the window as a plain list of every row does."""
    store, rows, window_start = RowStore(capacity=4), [], 0  # small, so the buffers grow
    for op, arg in steps:
        if op == "extend":
            for k in range(0, len(arg), 7):  # rows added in several calls before one flush
                part = arg[k : k + 7]
                store.extend(
                    np.array([c for row in part for c in row], dtype=np.int64),
                    np.array([c + 0.5 for row in part for c in row]),
                    np.array([len(row) for row in part], dtype=np.int64),
                )
            rows += [[(c, c + 0.5) for c in row] for row in arg]
        elif op == "drop":
            window_start = min(window_start + arg, len(rows))
            store.drop_before(window_start)
        else:
            mapping = (np.arange(301) * arg) % 301
            store.renumber(mapping)
            rows = [[(int(mapping[c]), v) for c, v in row] for row in rows]
        assert store.end == len(rows) and store.first <= window_start
    for lo in range(window_start, len(rows)):
        indices, data, indptr = store.span(lo, lo + 1)
        assert list(zip(indices.tolist(), data.tolist(), strict=True)) == rows[lo]
        assert indptr.tolist() == [0, len(rows[lo])]
    indices, data, indptr = store.span(window_start, len(rows))
    assert indptr.tolist() == np.cumsum([0] + [len(row) for row in rows[window_start:]]).tolist()
    assert indices.tolist() == [c for row in rows[window_start:] for c, _ in row]


def test_features_of_many_items_are_the_same_on_two_cores():
    rng = random.Random(4)
    events = [random_event(rng, n) for n in range(4500)]
    serial = [event_features(e) for e in events[:50]]
    parallel = list(event_features_many(events, workers=2))
    assert len(parallel) == len(events)
    assert parallel[:50] == serial


def test_vocabulary_numbers_new_keys_in_order_of_first_use_and_keeps_the_live_ones_dense():
    vocabulary = Vocabulary()
    assert vocabulary.encode(["b", "a", "b"]).tolist() == [0, 1, 0]
    assert vocabulary.encode(["c", "b"]).tolist() == [2, 0]
    renumber = vocabulary.keep(np.array([0, 2]))  # "a" is no longer used by any held row
    assert renumber.tolist() == [0, -1, 1]
    assert (vocabulary.id_of("b"), vocabulary.id_of("c"), vocabulary.id_of("a")) == (0, 1, None)
    assert vocabulary.encode(["d", "c", "e", "d"]).tolist() == [2, 1, 3, 2]


def test_vocabulary_ids_do_not_depend_on_the_string_hash_seed():
    """Set iteration order follows each process's hash seed; the ids must not (stable story ids)."""
    script = (
        "from digest_pipeline.timeline.similarity import Vocabulary\n"
        "v = Vocabulary()\n"
        "print(v.encode(['模型', 'gpt-5', '發布', 'qwen', '模型', 'a', 'b', 'c', 'd']).tolist(),"
        " v.encode(['z', 'y', 'qwen', 'x']).tolist())\n"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", script],
            env={**os.environ, "PYTHONHASHSEED": str(seed)},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in (1, 2, 3, 4)
    }
    assert outputs == {"[0, 1, 2, 3, 0, 4, 5, 6, 7] [8, 9, 3, 10]\n"}


def test_a_span_too_large_for_32_bit_offsets_is_refused_not_wrapped(monkeypatch):
    """Offsets are handed to SciPy as 32-bit: past that a span must fail, not wrap around silently."""
    store = RowStore()
    store.extend(np.arange(6), np.ones(6), np.array([3, 3]))
    monkeypatch.setattr(similarity, "_MAX_OFFSET", 4)
    assert store.span(0, 1)[2].tolist() == [0, 3]
    with pytest.raises(OverflowError, match="32-bit"):
        store.span(0, 2)


def test_words_hashed_by_the_feature_workers_give_the_rows_hashing_them_here_gives():
    """The workers hash an item's words in their order (words, then headline words); the matrix
    takes those hashes instead of hashing again, and must build the very same rows. (Few items
    go through the workers' code in this process, chunk by chunk.)"""
    rng = random.Random(9)
    events = [random_event(rng, n) for n in range(60)]
    hashed = list(event_features_many(events))
    plain = [event_features(event) for event in events]
    assert hashed == plain and all(f.term_hashes is not None for f in hashed)
    first = hashed[0]
    assert first.term_hashes.tolist() == word_hashes([*first.terms, *first.headline_terms]).tolist()
    matrices = []
    for features in (hashed, plain):
        matrix = ItemMatrix()
        matrix.extend(features[:30])
        matrix.extend(features[30:])
        matrices.append(matrix)
    for space in ("terms", "headline", "names"):
        spans = [m.stores[space].span(0, 60) for m in matrices]
        for a, b in zip(*spans, strict=True):
            assert a.tolist() == b.tolist()


@pytest.mark.parametrize("seed", range(3))
def test_matrix_scores_equal_pair_scores_with_headline_embeddings(seed):
    rng = random.Random(seed)
    events = [random_event(rng, n) for n in range(24)]
    features = [event_features(e) for e in events]
    embeddings = np.random.default_rng(seed).normal(size=(24, 384)).astype(np.float32)
    embeddings /= np.linalg.norm(embeddings, axis=1, keepdims=True)
    embedded = [embeddings[i] if i % 5 else None for i in range(24)]  # every fifth item has none
    before_conflicts = ScoringConfig(conflict_factor=1, same_post_factor=1)
    weights = TermWeights(features)
    vecs = [vectors(f, weights, e) for f, e in zip(features, embedded, strict=True)]
    matrix = ItemMatrix()
    for lo, hi in ((0, 9), (9, 24)):  # a row without an embedding is kept as such
        matrix.extend(features[lo:hi], None if lo == 0 else embeddings[lo:hi])
        for i in range(lo, hi):
            matrix.embeddings[i] = embedded[i]
    day = matrix.count(0, len(features))
    scores = matrix.scores((0, 24), (0, 24), day, ScoringConfig())
    semantic_pairs = 0
    for i in range(24):
        for j in range(24):
            expected = pair_score(features[i], vecs[i], features[j], vecs[j], before_conflicts)
            semantic_pairs += expected.semantic is not None
            assert scores[i, j] == pytest.approx(expected.score, abs=1e-9)
    assert semantic_pairs == 19 * 19
