"""Time to place one new day of items into a timeline of 1k and 10k stories.

Builds a synthetic history in a scratch DuckDB file (six digests, five
items a day each, stories that recur for up to three weeks in reworded
form), places it, then adds one more day and times `update_timeline`
alone: the work a daily run does, with the semantic term on (the history's
headlines are embedded once, in the full build; the new day embeds its own
and reads the window's back). Prints one line per size.

    .venv/bin/python benchmarks/timeline_per_day.py [--stories 1000 10000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import tempfile
import time
from pathlib import Path

import duckdb
import polars as pl

from digest_pipeline.warehouse.schema import apply_schema
from digest_pipeline.warehouse.timeline_tables import update_timeline

MODELS = ("gpt", "gemini", "claude", "grok", "deepseek", "qwen")
ITEMS_PER_POST = 5
# A fixed draw of 600 CJK characters; each story takes its own vocabulary from them.
CJK = "".join(random.Random(3).sample([chr(c) for c in range(0x4E00, 0x9FA6)], 600))


def synthetic_events(stories: int, seed: int = 11) -> pl.DataFrame:
    rng = random.Random(seed)
    per_day = len(MODELS) * ITEMS_PER_POST
    days = max(1, stories * 2 // per_day)  # about half of a day's items are new stories
    start = dt.date(2024, 1, 1)
    slots: dict[tuple[dt.date, str], list[tuple[str, str]]] = {}
    for n in range(stories):
        vocabulary = "".join(rng.sample(CJK, 24))
        product = f"{rng.choice(['Nova', 'Orion', 'Atlas', 'Vega', 'Lyra', 'Helix'])}-{n % 97}.{n % 7}"
        first = start + dt.timedelta(days=rng.randrange(days))
        for mention in range(rng.choice([1, 1, 1, 2, 2, 3, 4])):
            day = first + dt.timedelta(days=mention * rng.randint(1, 7))
            model = rng.choice(MODELS)
            words = "".join(rng.sample(vocabulary, 16))
            headline = f"{product} {words[:6]}{rng.choice(CJK)}{words[6:10]}"
            detail, filler = "".join(rng.sample(vocabulary, 12)), "".join(rng.sample(CJK, 30))
            body = f"{words}{rng.choice(CJK)}。{product} 的{detail}，{filler}。"
            slots.setdefault((day, model), []).append((headline, body))
    rows = []
    for (day, model), items in sorted(slots.items()):
        for position, (headline, body) in enumerate(items, 1):
            post_id = f"{model}-{day.isoformat()}"
            rows.append(
                (f"{post_id}#{position}", post_id, model, day, position, headline, body, [], "numbered")
            )
    return pl.DataFrame(
        rows,
        schema=[
            "event_id",
            "post_id",
            "model",
            "post_date",
            "position",
            "headline",
            "body",
            "outlets",
            "list_style",
        ],
        orient="row",
    )


def measure(stories: int) -> None:
    events = synthetic_events(stories)
    # The new day is the last day of the generated range (recurrences spill past it; drop those).
    last_day = dt.date(2024, 1, 1) + dt.timedelta(
        days=max(1, stories * 2 // (len(MODELS) * ITEMS_PER_POST)) - 1
    )
    events = events.filter(pl.col("post_date") <= last_day)
    history, new_day = (
        events.filter(pl.col("post_date") < last_day),
        events.filter(pl.col("post_date") == last_day),
    )
    with tempfile.TemporaryDirectory() as folder:
        con = duckdb.connect(str(Path(folder) / "bench.duckdb"))
        apply_schema(con)
        con.register("frame", history)
        con.execute("INSERT INTO events BY NAME SELECT * FROM frame")
        started = time.perf_counter()
        update_timeline(con)
        full = time.perf_counter() - started
        built = con.execute("SELECT count(*) FROM stories").fetchall()[0][0]
        con.register("frame", new_day)
        con.execute("INSERT INTO events BY NAME SELECT * FROM frame")
        # As the post-date rebuild does: note the date, so the timeline compares its items only.
        con.execute("INSERT INTO pipeline.timeline_pending SELECT DISTINCT post_date FROM frame")
        update = update_timeline(con)
        con.close()
    print(
        f"{built:>6} stories ({history.height} items, {history['post_date'].n_unique()} days): "
        f"new day of {new_day.height} items placed in {update.seconds:.3f}s "
        f"({update.candidates_compared} candidate stories compared, {update.headlines_embedded} headlines "
        f"embedded, {update.embeddings_reused} read back); full history built in {full:.1f}s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, nargs="+", default=[1000, 10000])
    for stories in parser.parse_args().stories:
        measure(stories)


if __name__ == "__main__":
    main()
