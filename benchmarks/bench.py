"""`make bench`: the pipeline at 1k, 10k and 100k posts, against the floor of just reading the files.

Measures, each in a fresh process (so its peak memory is its own):

- the floor: DuckDB `read_text` over the posts plus regular-expression
  extraction of the front matter fields and the news items, on the same files;
  the query runs twice and the second pass (page cache warm, as the build then
  finds the files) is the figure;
- the full build (`digest-pipeline build`) at each size, with the time of
  each Dagster step (its `--step-times`), so "ingest and normalise" (every
  table up to `events`) is printed beside the whole build. The CLI runs on a
  throwaway Dagster instance, as `make run` does; `--dagster-home` measures
  a persistent one instead, which also writes an event per partition and asset;
- one new day (20 posts) on top of 1k and of 100k posts of history: the same
  command, which scans by size and time stamp and builds only the changed
  dates and what depends on them. Before it, a run with nothing new (as the
  schedule's runs before a new day; its time is printed too): a daily run
  then publishes as every later one does, by patching the file published
  before the last (the first two publishes of a warehouse copy it whole). The new
  day is built three times (`--one-day-runs`) from that same state, the sizes
  taking turns after every full build, and the median is the figure: one run of
  a few seconds varies a lot on a shared VM;
- the timeline alone (`place_events`, streaming) at 100k and 1M items, made a
  day at a time by a forked process beside it; the time spent waiting for
  them is printed and left out.

Every build and the timeline alone run with the semantic term off
(`DIGEST_SEMANTIC_MATCHING=off`): embedding 500k headlines would take hours on
two cores, and a warehouse embeds each headline once, when it first arrives.
What the term costs is measured apart: the time to embed headlines of the
synthetic posts, per headline, and a day's worth of them.

Prints a table with each target's ratio and writes JSON (default
`warehouse/.bench/bench.json`). Synthetic posts come from `digest-pipeline
synth` with 20 models, so a day is 20 posts as in the issue's daily run.

    .venv/bin/python benchmarks/bench.py [--sizes 1000 10000 100000] [--events 100000 1000000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
MODELS = 20
"""Digests per day: a day of synthetic posts is this many posts."""

FLOOR_SQL = r"""
SELECT count(*) AS posts,
       count(*) FILTER (WHERE model <> '' AND post_date <> '') AS identified,
       sum(items) AS items, sum(links) AS links
FROM (
    SELECT regexp_extract(content, '(?m)^model:\s*(\S+)', 1) AS model,
           regexp_extract(content, '(?m)^date:\s*(\d{4}-\d{2}-\d{2})', 1) AS post_date,
           regexp_extract(content, '(?m)^title:\s*(.+)$', 1) AS title,
           regexp_extract(content, '(?m)^tags:\s*\[(.*)\]', 1) AS tags,
           len(regexp_extract_all(content, '(?m)^(?:\d+[.)]|[-*]|#{3,4})\s+(\S.*)$', 1)) AS items,
           len(regexp_extract_all(content, '\]\((https?://[^)\s]+)\)', 1)) AS links
    FROM read_text($glob)
)
"""

TIMELINE_CHILD = r"""
import datetime as dt, heapq, itertools, json, random, sys, time
from digest_pipeline.timeline.cluster import configured_timeline, place_events
from digest_pipeline.timeline.features import TimelineEvent

def events(total, seed=5):
    rng = random.Random(seed)
    cjk = "".join(random.Random(3).sample([chr(c) for c in range(0x4E00, 0x9FA6)], 2000))
    per_day, start, made, story = 100, dt.date(2020, 1, 1), 0, 0
    # Stories with mentions left: waiting for their next day, and due (the oldest-scheduled first).
    # Heaps, not a list scanned for every item: 1M items in 31 s instead of 47 s, the same items.
    order = itertools.count()
    waiting = []  # (next day, order, (vocabulary, product, mentions left))
    due = []  # (order, (vocabulary, product, mentions left))
    day = 0
    while made < total:
        while waiting and waiting[0][0] <= day:
            _, n, s = heapq.heappop(waiting)
            heapq.heappush(due, (n, s))
        today = []
        while len(today) < per_day and made + len(today) < total:
            if due and rng.random() < 0.5:
                _, s = heapq.heappop(due)
                if s[2] > 1:
                    heapq.heappush(waiting, (day + rng.randint(1, 10), next(order), (s[0], s[1], s[2] - 1)))
                vocabulary, product = s[0], s[1]
            else:
                story += 1
                vocabulary = "".join(rng.sample(cjk, 30))
                brand = rng.choice(['Nova', 'Orion', 'Atlas', 'Vega', 'Lyra'])
                product = f"{brand}-{story % 997}.{story % 7}"
                mentions = rng.choice([1, 1, 1, 2, 2, 3, 4])
                if mentions > 1:
                    again = (day + rng.randint(1, 10), next(order), (vocabulary, product, mentions - 1))
                    heapq.heappush(waiting, again)
            words = "".join(rng.sample(vocabulary, 16))
            headline = f"{product} {words[:8]}"
            detail, filler = ''.join(rng.sample(vocabulary, 12)), ''.join(rng.sample(cjk, 40))
            body = f"{words}。{product} {detail}，{filler}。"
            today.append((headline, body))
        date = start + dt.timedelta(days=day)
        for n, (headline, body) in enumerate(today):
            model = f"m{n // 5:02d}"
            yield TimelineEvent(f"{model}-{date}#{n % 5 + 1}", date, model, n % 5 + 1, headline, body, ())
        made += len(today)
        day += 1

def timed(items, spent):
    # The items, adding the time spent waiting for each to spent[0]: the input is not the timeline's work.
    items = iter(items)
    while True:
        started = time.perf_counter()
        item = next(items, None)
        spent[0] += time.perf_counter() - started
        if item is None:
            return
        yield item

def made_beside(total):
    # The items made in a forked process, a day at a time, while this one places the days before
    # (on the other core): making 1M items takes about 40 s, which the figure leaves out but the
    # bench's wall time counted. The same items, in the same order.
    import multiprocessing
    context = multiprocessing.get_context("fork")  # before the timeline starts any worker or thread
    days = context.Queue(maxsize=16)
    def make():
        day = []
        for event in events(total):
            if day and event.post_date != day[-1].post_date:
                days.put(day)
                day = []
            day.append(event)
        days.put(day)
        days.put(None)
    maker = context.Process(target=make, daemon=True)
    maker.start()
    while (day := days.get()) is not None:
        yield from day
    maker.join()

if __name__ == "__main__":
    total = int(sys.argv[1])
    spent = [0.0]
    started = time.perf_counter()
    result = place_events(timed(made_beside(total), spent), config=configured_timeline(30, semantic=False))
    seconds = time.perf_counter() - started - spent[0]
    stories = len({p.story_id for p in result.placements.values()})
    print(json.dumps({"events": total, "seconds": seconds, "input_seconds": spent[0], "stories": stories}))
"""


def run_measured(command: list[str], env: dict[str, str] | None = None) -> dict:
    """Run a command: wall time, peak resident memory (MiB, from `wait4`), output. Raises on failure."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, text=True)
    chunks = []
    assert process.stdout is not None
    for line in process.stdout:
        chunks.append(line)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    output = "".join(chunks)
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({code}):\n{output[-3000:]}")
    return {"seconds": seconds, "peak_mib": usage.ru_maxrss / 1024, "output": output}


def synth(posts: int, out: Path) -> float:
    """Write the synthetic posts unless a previous run left them; returns the seconds it took."""
    if (out / "stories.csv").is_file():
        return 0.0
    return run_measured(
        [
            str(BIN / "digest-pipeline"),
            "synth",
            "--posts",
            str(posts),
            "--out",
            str(out),
            "--models",
            str(MODELS),
            "--seed",
            "7",
        ]
    )["seconds"]


def hold_back_last_day(posts_dir: Path, held: Path) -> int:
    """Move the latest day's posts out of the folder (they become the 'new day')."""
    files = sorted(posts_dir.glob("*.md"), key=lambda p: p.stem[-10:])
    last = files[-1].stem[-10:]
    held.mkdir(parents=True, exist_ok=True)
    moved = 0
    for path in files:
        if path.stem[-10:] == last:
            path.rename(held / path.name)
            moved += 1
    return moved


def remove_new_day(posts_dir: Path, held: Path) -> int:
    """Take the held-back day's posts out of the history folder; returns how many were there.

    Run before measuring too: a run killed during its one-day build leaves them in the
    folder, and the next run's "history" would then already hold the new day (its one-day
    build finding nothing to do).
    """
    removed = 0
    for path in held.glob("*.md"):
        if (posts_dir / path.name).exists():
            (posts_dir / path.name).unlink()
            removed += 1
    return removed


def _last_json(output: str) -> dict:
    """The child's result: its last line that is a JSON object (a progress bar may print around it)."""
    return json.loads(next(line for line in reversed(output.splitlines()) if line.startswith("{")))


def warm_page_cache(posts_dir: Path) -> int:
    """Ask the kernel to read every post now (`hint_reads`), so the floor's first pass waits on many
    reads in flight instead of one file at a time. Returns the files asked for.

    The first pass is a warm-up, not a figure; on this VM it took 25 s at 100k posts when the
    host had the files cached and 306 s when it had not (2026-12-03, 10:54), a quarter of the
    bench's 20 minutes. The scan's reads, the same way, went from 27 s to 16 s cold.
    """
    from digest_pipeline.ingest.files import hint_reads

    return hint_reads(str(posts_dir), sorted(path.name for path in posts_dir.glob("*.md")))


def floor(posts_dir: Path) -> dict:
    """The floor's query twice in one process: the first pass brings the files into the page cache
    (as the builds find them, having run after it), the second is the figure. A floor read from
    disk measured 36 s at 100k against 9-13 s from the cache, and flattered the ingest's ratio."""
    warm_page_cache(posts_dir)
    code = (
        "import duckdb, json, sys, time\n"
        "con = duckdb.connect(config={'threads': 2})\n"
        "con.execute('SET enable_progress_bar = false')\n"
        "passes = []\n"
        "for _ in range(2):\n"
        "    t = time.perf_counter()\n"
        f"    row = con.execute({FLOOR_SQL!r}, {{'glob': sys.argv[1]}}).fetchall()[0]\n"
        "    passes.append(time.perf_counter() - t)\n"
        "print(json.dumps({'seconds': passes[1], 'first_pass': passes[0], 'row': list(map(int, row))}))\n"
    )
    measured = run_measured([sys.executable, "-c", code, str(posts_dir / "*.md")])
    result = _last_json(measured["output"])
    return {
        "seconds": result["seconds"],
        "first_pass_seconds": result["first_pass"],
        "peak_mib": measured["peak_mib"],
        "posts": result["row"][0],
        "items": result["row"][2],
    }


INGEST_STEPS = ("scan_posts", "post_tables")
"""Dagster steps that read the files and write every table up to `events`."""


def build(posts_dir: Path, work: Path, label: str, dagster_home: bool = False) -> dict:
    """`digest-pipeline build` in a fresh process: wall time, peak memory and each step's seconds.

    As `make run` runs it, on a throwaway Dagster instance, unless
    `dagster_home`: then on a persistent one in `work/dagster_home`, as an
    operator's would be, which also stores an event per partition and asset.
    """
    env = {**os.environ, "DIGEST_WORK_WAREHOUSE": str(work / "work.duckdb"), SEMANTIC_VAR: "off"}
    env.pop("DAGSTER_HOME", None)
    if dagster_home:
        (work / "dagster_home").mkdir(parents=True, exist_ok=True)
        env["DAGSTER_HOME"] = str(work / "dagster_home")
    times = work / "step-times.json"
    measured = run_measured(
        [
            str(BIN / "digest-pipeline"),
            "build",
            "--posts",
            str(posts_dir),
            "--warehouse",
            str(work / "digest.duckdb"),
            "--step-times",
            str(times),
        ],
        env,
    )
    steps = json.loads(times.read_text(encoding="utf-8"))
    ingest = sum(s for key, s in steps.items() if key.split(".")[0] in INGEST_STEPS)
    # The published file: what analysts open, and what every run copies whole to publish.
    warehouse_mib = (work / "digest.duckdb").stat().st_size / 2**20
    print(
        f"  {label}: {measured['seconds']:.1f}s wall, {sum(steps.values()):.1f}s in steps, "
        f"peak {measured['peak_mib']:.0f} MiB, warehouse {warehouse_mib:.0f} MiB",
        flush=True,
    )
    return {
        "seconds": measured["seconds"],
        "peak_mib": measured["peak_mib"],
        "steps": steps,
        "step_seconds": sum(steps.values()),
        "ingest_seconds": ingest,
        "warehouse_mib": warehouse_mib,
    }


def one_new_day(days: dict[int, tuple[Path, Path, Path]], dagster_home: bool, runs: int) -> dict[int, list]:
    """The new day's build at each history size, `runs` times, each from the same state (the work
    folder as the idle run left it, copied back before each), the sizes taking turns.

    A daily run takes a few seconds, and this VM's timing of one varied by half within the
    hour (1k: 2.4 s and 3.9 s in steps); taking turns puts each size's runs in the same
    minutes as the others', so their ratio compares like with like. `days` maps each size to
    its (posts, held-back day, work folder).
    """
    starts = {}
    for size, (_, _, work) in days.items():
        starts[size] = work.with_name(work.name + "-before-the-day")
        shutil.rmtree(starts[size], ignore_errors=True)
        shutil.copytree(work, starts[size])
    measured: dict[int, list] = {size: [] for size in days}
    try:
        for run in range(runs):
            for size, (posts, held, work) in days.items():
                if run:
                    shutil.rmtree(work)
                    shutil.copytree(starts[size], work)
                for path in sorted(held.glob("*.md")):
                    shutil.copy2(path, posts / path.name)
                # The copies above leave up to 2.4 GB of dirty pages at 100k (the working, published
                # and spare files), which the kernel would write back during the run: the publish's
                # fsync of the spare then waited for the copy's pages too (0.8-0.9 s against 0.5-0.6
                # s with this). A daily run does not start right after copying its warehouse.
                os.sync()
                try:
                    label = f"{size} posts, one new day ({len(list(held.glob('*.md')))} posts), run {run + 1}"
                    measured[size].append(build(posts, work, label, dagster_home))
                finally:
                    remove_new_day(posts, held)
    finally:
        for start in starts.values():
            shutil.rmtree(start, ignore_errors=True)
    return measured


SEMANTIC_VAR = "DIGEST_SEMANTIC_MATCHING"
EMBED_CHILD = r"""
import json, sys, time
from pathlib import Path
from digest_pipeline.timeline.semantic import HeadlineEmbedder
headlines = sorted(set(json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))))[: int(sys.argv[2])]
embedder = HeadlineEmbedder()
embedder(headlines[:8])  # the model's load, not counted
started = time.perf_counter()
embedder(headlines[8:])
seconds = time.perf_counter() - started
print(json.dumps({"headlines": len(headlines) - 8, "seconds": seconds}))
"""


def semantic_cost(posts_dir: Path, work: Path, headlines: int = 1000) -> dict:
    """Seconds to embed distinct headlines of the synthetic posts (the semantic term's cost per item)."""
    from digest_pipeline.posts import parse_post

    work.mkdir(parents=True, exist_ok=True)
    sample = work / "headlines.json"
    files = sorted(posts_dir.glob("*.md"))[: headlines // 3]
    parsed = [parse_post(path.read_text(encoding="utf-8"), path.name) for path in files]
    sample.write_text(json.dumps([item.headline for post in parsed for item in post.items]), encoding="utf-8")
    measured = run_measured([sys.executable, "-c", EMBED_CHILD, str(sample), str(headlines)])
    result = _last_json(measured["output"])
    per = result["seconds"] / max(result["headlines"], 1)
    print(
        f"  semantic term: {result['headlines']} headlines embedded in {result['seconds']:.1f}s "
        f"({per * 1000:.1f} ms each; a day of {MODELS} posts, about {MODELS * 5} headlines: "
        f"{per * MODELS * 5:.1f}s), peak {measured['peak_mib']:.0f} MiB",
        flush=True,
    )
    return {**result, "ms_per_headline": per * 1000, "peak_mib": measured["peak_mib"]}


def timeline_alone(events: int) -> dict:
    measured = run_measured([sys.executable, "-c", TIMELINE_CHILD, str(events)])
    result = _last_json(measured["output"])
    print(
        f"  timeline alone, {events} items: {result['seconds']:.1f}s "
        f"(and {result['input_seconds']:.1f}s waiting for the items, made beside it, not counted), "
        f"peak {measured['peak_mib']:.0f} MiB",
        flush=True,
    )
    return {**result, "peak_mib": measured["peak_mib"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument(
        "--one-day",
        type=int,
        nargs="+",
        default=None,
        help="history sizes for the one-new-day run (default: smallest and largest size)",
    )
    parser.add_argument(
        "--one-day-runs", type=int, default=3, help="builds of the new day from the same state (median kept)"
    )
    parser.add_argument("--events", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--workdir", type=Path, default=ROOT / "warehouse" / ".bench")
    parser.add_argument(
        "--dagster-home",
        action="store_true",
        help="build on a persistent Dagster instance (an operator's) rather than the CLI's throwaway one",
    )
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    started = time.perf_counter()
    one_day = args.one_day or sorted({min(args.sizes), max(args.sizes)})
    workdir: Path = args.workdir
    results: dict = {
        "started": dt.datetime.now().isoformat(timespec="seconds"),
        "cores": os.cpu_count(),
        "models_per_day": MODELS,
        "dagster_instance": "persistent (DAGSTER_HOME)" if args.dagster_home else "throwaway (as make run)",
        "sizes": {},
        "timeline": {},
        "synth_seconds": 0.0,
    }
    days: dict[int, tuple[Path, Path, Path]] = {}
    for size in args.sizes:
        print(f"{size} posts", flush=True)
        posts = workdir / f"posts-{size}"
        results["synth_seconds"] += synth(size + MODELS, posts)
        held = workdir / f"new-day-{size}"
        if not held.exists():
            hold_back_last_day(posts, held)
        restored = remove_new_day(posts, held)
        if restored:
            print(f"  removed {restored} new-day posts an interrupted run left in {posts}", flush=True)
        entry: dict = {"posts": size}
        entry["floor"] = floor(posts)
        print(
            f"  floor: {entry['floor']['seconds']:.2f}s for {entry['floor']['posts']} files "
            f"(first pass, filling the page cache: {entry['floor']['first_pass_seconds']:.2f}s)",
            flush=True,
        )
        work = workdir / f"build-{size}"
        shutil.rmtree(work, ignore_errors=True)
        entry["full_build"] = build(posts, work, "full build", args.dagster_home)
        results["sizes"][str(size)] = entry
        if size in one_day:
            entry["idle_run"] = build(posts, work, "a run with nothing new", args.dagster_home)
            days[size] = (posts, held, work)  # the new day is built after every size's full build
        else:
            shutil.rmtree(work, ignore_errors=True)
    if days:
        print(f"one new day, {args.one_day_runs} runs per size, the sizes taking turns", flush=True)
        for size, runs in one_new_day(days, args.dagster_home, args.one_day_runs).items():
            entry = results["sizes"][str(size)]
            entry["one_day_runs"] = runs
            entry["one_day"] = sorted(runs, key=lambda run: run["step_seconds"])[len(runs) // 2]
            shutil.rmtree(days[size][2], ignore_errors=True)
    for events in args.events:
        results["timeline"][str(events)] = timeline_alone(events)
    results["semantic"] = semantic_cost(workdir / f"posts-{min(args.sizes)}", workdir / "semantic")
    results["bench_seconds"] = time.perf_counter() - started
    report(results)
    out = args.json or workdir / "bench.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    print(f"\nwrote {out}")


def report(results: dict) -> None:
    sizes = results["sizes"]
    print("\nsize     floor  ingest  ratio   full build  steps   peak MiB  file MiB  one-day (steps / wall)")
    for size, entry in sizes.items():
        full, fl = entry["full_build"], entry["floor"]
        day = entry.get("one_day")
        day_text = f"{day['step_seconds']:.2f}s / {day['seconds']:.1f}s" if day else "-"
        print(
            f"{int(size):>7} {fl['seconds']:>6.2f}s {full['ingest_seconds']:>6.1f}s "
            f"{full['ingest_seconds'] / fl['seconds']:>5.1f}x {full['seconds']:>9.1f}s "
            f"{full['step_seconds']:>6.1f}s {full['peak_mib']:>9.0f} "
            f"{full.get('warehouse_mib', 0):>9.0f}  {day_text}"
        )
    print("\ntargets")
    largest = max(sizes, key=int)
    big = sizes[largest]
    ratio = big["full_build"]["ingest_seconds"] / big["floor"]["seconds"]
    _target(
        f"ingest+normalise {largest} posts <= 4x floor",
        ratio <= 4,
        f"{ratio:.1f}x "
        f"({big['full_build']['ingest_seconds']:.1f}s vs {big['floor']['seconds']:.2f}s; "
        f"full build {big['full_build']['seconds']:.1f}s)",
    )
    days = {int(s): e["one_day"] for s, e in sizes.items() if "one_day" in e}
    if len(days) >= 2:
        small, large = days[min(days)], days[max(days)]
        ratio = large["step_seconds"] / small["step_seconds"]
        _target(
            f"one day on {max(days)} history <= 1.25x on {min(days)}",
            ratio <= 1.25,
            f"{ratio:.2f}x ({large['step_seconds']:.2f}s vs {small['step_seconds']:.2f}s of step time, "
            f"the median of {len(sizes[str(max(days))]['one_day_runs'])} runs each)",
        )
        _target(
            f"one day on {max(days)} history < 3 s of work",
            large["step_seconds"] < 3,
            f"{large['step_seconds']:.2f}s in steps, {large['seconds']:.1f}s wall with Dagster start-up",
        )
    timeline = {int(k): v for k, v in results["timeline"].items()}
    if len(timeline) >= 2:
        n1, n2 = min(timeline), max(timeline)
        exponent = math.log(timeline[n2]["seconds"] / timeline[n1]["seconds"]) / math.log(n2 / n1)
        _target(
            f"timeline time ~ n^k from {n1} to {n2} items, k <= 1.15",
            exponent <= 1.15,
            f"k = {exponent:.2f} ({timeline[n1]['seconds']:.1f}s -> {timeline[n2]['seconds']:.1f}s)",
        )
    peak = max([big["full_build"]["peak_mib"], *(run["peak_mib"] for run in big.get("one_day_runs", []))])
    _target(f"peak memory at {largest} posts <= 2 GiB", peak <= 2048, f"{peak:.0f} MiB")
    semantic = results.get("semantic")
    if semantic:
        per = semantic["ms_per_headline"]
        print(
            f"  [info] semantic term (off in the builds above): {per:.1f} ms a headline, "
            f"about {per * MODELS * 5 / 1000:.1f}s for a day of {MODELS} posts"
        )
    minutes = results["bench_seconds"] / 60
    synthesized = results["synth_seconds"]
    _target(
        "the whole benchmark within 20 minutes",
        minutes <= 20,
        f"{minutes:.1f} min, of which {synthesized:.0f}s writing synthetic posts",
    )


def _target(name: str, met: bool, figure: str) -> None:
    print(f"  [{'met ' if met else 'MISS'}] {name}: {figure}")


if __name__ == "__main__":
    main()
