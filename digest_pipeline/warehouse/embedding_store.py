"""Headline embeddings kept in the warehouse (`pipeline.headline_embeddings`), each computed once.

The semantic term of the timeline (`timeline.semantic`) runs every headline
through a sentence model, about 15 ms each on two cores. A daily run embeds
only its new headlines; everything else it places against (the window, the
replay check's days, a whole history placed again after a weight changed)
reads back what an earlier run stored. An embedding depends only on the text
and the model, so rows are keyed by the digest of the text and the model's
name, never by item: a re-published post whose headline did not change costs
nothing. Rows of another model are dropped when new ones are saved. No Dagster
here.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import numpy as np
import polars as pl

from digest_pipeline.timeline.semantic import (
    DIMENSIONS,
    MODEL_ID,
    HeadlineEmbedder,
    default_embedder,
    text_digest,
)
from digest_pipeline.warehouse.schema import insert_frame, sibling_cursor


class EmbeddingStore:
    """`semantic.Embed` backed by the warehouse: stored embeddings read back, the rest computed.

    `save` writes what was computed; a store that is never saved (the replay
    check's) still reads what is stored. With `flush_every`, what was computed
    is also written whenever that many are waiting: a first build of a long
    history embeds every headline, and 100k of them held until the end would
    be 150 MiB. Rows are a cache of a function of their text, valid whatever
    becomes of the run, so they are written at once rather than with the
    run's placements.

    Reads and writes go through a cursor of their own: the timeline asks for
    a day's embeddings while it streams the items from the same connection
    (`timeline_tables._stream_events`, a batch at a time), and a query on
    that connection would end the stream's result early.
    """

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        embedder: HeadlineEmbedder | None = None,
        flush_every: int | None = None,
    ):
        self.cursor = sibling_cursor(con)
        self.flush_every = flush_every
        self.saved = 0
        """Rows this store has written."""
        self.embedder = embedder or default_embedder()
        self.computed: dict[str, np.ndarray] = {}
        """Digest → embedding of the texts embedded by this store and not yet saved."""
        self.read = 0
        """Texts whose embedding was read back from the warehouse."""

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        digests = [text_digest(text) for text in texts]
        known = self._stored({d for d in digests if d not in self.computed})
        out = np.empty((len(texts), DIMENSIONS), dtype=np.float32)
        missing: dict[str, list[int]] = {}
        for i, (text, digest) in enumerate(zip(texts, digests, strict=True)):
            vector = self.computed.get(digest)
            if vector is None:
                vector = known.get(digest)
                self.read += vector is not None
            if vector is None:
                missing.setdefault(text, []).append(i)
            else:
                out[i] = vector
        if missing:
            new = list(missing)
            for text, vector in zip(new, self.embedder(new), strict=True):
                out[missing[text]] = vector
                self.computed[text_digest(text)] = vector.copy()
            if self.flush_every is not None and len(self.computed) >= self.flush_every:
                self._write()
        return out

    def _stored(self, digests: set[str]) -> dict[str, np.ndarray]:
        if not digests:
            return {}
        rows = self.cursor.execute(
            "SELECT text_digest, embedding FROM pipeline.headline_embeddings "
            "WHERE model = $model AND text_digest IN (SELECT unnest($digests))",
            {"model": MODEL_ID, "digests": sorted(digests)},
        ).fetchall()
        return {digest: np.frombuffer(blob, dtype=np.float32) for digest, blob in rows}

    def save(self) -> int:
        """Store the embeddings computed and not yet written, and drop other models' rows; returns
        the rows this store has written in all."""
        self.cursor.execute(
            "DELETE FROM pipeline.headline_embeddings WHERE model <> $model", {"model": MODEL_ID}
        )
        self._write()
        return self.saved

    def _write(self) -> None:
        if not self.computed:
            return
        rows = pl.DataFrame(
            {
                "text_digest": list(self.computed),
                "model": MODEL_ID,
                "embedding": [vector.astype(np.float32).tobytes() for vector in self.computed.values()],
            },
            schema={"text_digest": pl.String, "model": pl.String, "embedding": pl.Binary},
        )
        insert_frame(self.cursor, "pipeline.headline_embeddings", rows, conflict="OR IGNORE")
        self.saved += rows.height
        self.computed.clear()
