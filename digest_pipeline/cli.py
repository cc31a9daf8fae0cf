"""`digest-pipeline build`: materialize every asset through Dagster, in-process.

Also `eval-timeline` (score the story timeline against gold labels) and
`synth` (write synthetic posts with known stories, `digest_pipeline.synth`).

Two runs, because partition keys must exist before a run over them starts:
the scan (which registers every post date it finds), then one run over the
post dates whose posts changed (every date, the first time) plus everything
downstream, with its asset checks, ending with
`published_warehouse`: the runs write the working file, and the analysts'
file is replaced whole only when everything before it succeeded.

Dagster is imported by the functions that drive it, not by this module: a
worker process (`parallel`) is spawned by importing the main module again,
which for the `digest-pipeline` script is this one, and importing Dagster
there made each worker start about 1.3 s later (2.0 s against 0.7 s).
"""

from __future__ import annotations

import argparse
import fcntl
import gc
import json
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from digest_pipeline import settings
from digest_pipeline.ingest.watch import dates_not_built
from digest_pipeline.warehouse.schema import POST_TABLES, SCAN_TABLES, WAREHOUSE_TABLES

if TYPE_CHECKING:
    import dagster as dg

    from digest_pipeline.timeline.evaluate import Evaluation

PUBLISHED_ASSET = "published_warehouse"
QUIET = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}


def _instance() -> dg.DagsterInstance:
    """The operator's instance when DAGSTER_HOME is set (runs show in the UI), else a throwaway one."""
    import dagster as dg

    return dg.DagsterInstance.get() if os.environ.get("DAGSTER_HOME") else dg.DagsterInstance.ephemeral()


PLANNED_EVENTS_PER_RANGE = "DAGSTER_EMIT_PARTITION_SUBSET_IN_PLANNED_EVENTS"
"""Dagster's switch for one "materialization planned" event per asset for a range run, instead
of one per partition. Its cost, per Dagster: a failed run does not mark the range's partitions
failed. A throwaway instance is discarded with the process, so nothing would read those marks,
while a first build of 5,000 post dates saves 40,000 events (about a minute on two cores)."""


@contextmanager
def _planned_events_per_range(instance: dg.DagsterInstance) -> Iterator[None]:
    """For a throwaway instance, plan range runs with one event per asset (see PLANNED_EVENTS_PER_RANGE).

    The operator's instance keeps Dagster's default (or whatever its environment sets): its
    UI shows the partitions of a failed run as failed.
    """
    if not instance.is_ephemeral or PLANNED_EVENTS_PER_RANGE in os.environ:
        yield
        return
    os.environ[PLANNED_EVENTS_PER_RANGE] = "true"
    try:
        yield
    finally:
        os.environ.pop(PLANNED_EVENTS_PER_RANGE, None)


def _load_definitions() -> dg.Definitions:
    from digest_pipeline.definitions import defs

    return defs()


def _check_failures(result: dg.ExecuteInProcessResult) -> list[str]:
    return [
        f"{evaluation.asset_key.to_user_string()}:{evaluation.check_name}"
        for evaluation in result.get_asset_check_evaluations()
        if not evaluation.passed
    ]


@contextmanager
def build_lock(work_warehouse: str, log=print) -> Iterator[None]:
    """Hold an exclusive `flock` on `<working file>.lock` while a build runs; a second build waits.

    `digest-pipeline build` runs in-process, outside Dagster's run queue and
    pools, so two builds started at once would otherwise both try to write the
    working file (one fails on DuckDB's lock) and publish. The lock is the
    kernel's: a killed build releases it with its process, leaving no stale lock.
    """
    lock_path = Path(f"{work_warehouse}.lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            log(f"waiting for another build of {work_warehouse} to finish ...")
            fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def build(
    posts_dir: str,
    warehouse: str,
    log=print,
    step_seconds: dict[str, float] | None = None,
    freeze_startup: bool = False,
) -> dict[str, int]:
    """Scan, then build every post date and everything downstream, then publish; raise on any failure.

    `warehouse` is the published file; the runs write the working file
    (DIGEST_WORK_WAREHOUSE, else `.build/` beside it) under `build_lock`.
    Returns the row count of each table; `step_seconds`, if given, is filled
    with the seconds each Dagster step (asset or check) took. `freeze_startup` is for a
    process that builds once and exits (the CLI): see `_freeze_startup_objects`.
    """
    work = settings.work_warehouse_path(warehouse)
    with build_lock(work, log):
        return _build_locked(
            posts_dir, warehouse, work, log, {} if step_seconds is None else step_seconds, freeze_startup
        )


def _freeze_startup_objects() -> None:
    """Exempt everything alive after start-up (Dagster, the definitions, the instance) from
    the garbage collector's full passes.

    They are about 300k objects that live until the process exits, and CPython's full
    collection walks every tracked object: two or three of those fall inside a daily run's
    steps, at about 0.15 s each, and after the freeze cost about 0.02 s. (`gc.freeze` is
    CPython's tool for exactly this; nothing frozen is ever collected, so a process that
    builds many times, such as the tests, does not use it.)
    """
    gc.freeze()


def _step_seconds(result: dg.ExecuteInProcessResult) -> dict[str, float]:
    return {
        event.step_key: event.event_specific_data.duration_ms / 1000
        for event in result.get_step_success_events()
        if event.step_key
    }


def _build_locked(
    posts_dir: str, warehouse: str, work: str, log, step_seconds: dict[str, float], freeze_startup: bool
) -> dict[str, int]:
    import dagster as dg

    from digest_pipeline.defs.partitions import POST_DATES_PARTITION, RANGE_END_TAG, RANGE_START_TAG
    from digest_pipeline.defs.resources import WarehouseResource, build_resources

    definitions = _load_definitions()
    resources = build_resources(posts_dir, warehouse, work)
    everything = [*definitions.assets, *definitions.asset_checks]
    instance = _instance()
    if freeze_startup:
        _freeze_startup_objects()
    started = time.perf_counter()

    # Each run's steps share this process: the working file stays open from step to step.
    warehouse_db = resources["duckdb"]
    assert isinstance(warehouse_db, WarehouseResource)
    held_open = warehouse_db.held_open

    log(f"[1/2] scanning {posts_dir} into {work} ...")
    with held_open():
        scan = dg.materialize(
            everything,
            resources=resources,
            instance=instance,
            run_config=QUIET,
            selection=dg.AssetSelection.assets(*SCAN_TABLES),
        )
    step_seconds.update(_step_seconds(scan))
    failures = _check_failures(scan)
    if failures:
        raise RuntimeError(f"scan checks failed: {', '.join(failures)}")
    keys = instance.get_dynamic_partitions(POST_DATES_PARTITION)
    changed = set(dates_not_built(work)) & set(keys)
    elapsed = time.perf_counter() - started
    log(f"      done in {elapsed:.1f}s; {len(keys)} post dates, {len(changed)} to build")

    # Everything after the scan, ending with published_warehouse (downstream of every table).
    # Only the dates whose posts changed are rebuilt: a new day is one partition, whatever the history.
    downstream = dg.AssetSelection.all() - dg.AssetSelection.assets(*SCAN_TABLES)
    tags: dict[str, str] = {}
    if changed:
        position = {key: n for n, key in enumerate(keys)}
        first, last = min(changed, key=position.__getitem__), max(changed, key=position.__getitem__)
        log(f"[2/2] building post dates {first} .. {last} and downstream tables ...")
        tags = {RANGE_START_TAG: first, RANGE_END_TAG: last}
    else:  # nothing changed: the whole-history tables catch up and the scan is published
        downstream = downstream - dg.AssetSelection.assets(*POST_TABLES)
        log("[2/2] no post date changed; refreshing downstream tables ...")
    with _planned_events_per_range(instance), held_open():
        result = dg.materialize(
            everything,
            resources=resources,
            instance=instance,
            run_config=QUIET,
            tags=tags,
            selection=downstream,
        )
    step_seconds.update(_step_seconds(result))
    failures = _check_failures(result)
    if failures:
        raise RuntimeError(f"asset checks failed: {', '.join(failures)}")
    log(f"      {len(result.get_asset_check_evaluations())} asset checks passed")
    slowest = sorted(step_seconds.items(), key=lambda kv: -kv[1])[:5]
    log(
        f"      {sum(step_seconds.values()):.1f}s in {len(step_seconds)} steps; slowest: "
        + ", ".join(f"{step} {seconds:.1f}s" for step, seconds in slowest)
    )
    with duckdb.connect(warehouse, read_only=True) as con:
        counts = {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchall()[0][0] for t in WAREHOUSE_TABLES}
    log(f"built {work} and published {warehouse} in {time.perf_counter() - started:.1f}s")
    return counts


def _build_command(args: argparse.Namespace) -> int:
    posts_dir = args.posts or settings.posts_dir()
    warehouse = args.warehouse or settings.warehouse_path()
    if not Path(posts_dir).is_dir():
        print(f"error: posts folder {posts_dir!r} does not exist", file=sys.stderr)
        return 2
    step_seconds: dict[str, float] = {}
    try:
        counts = build(posts_dir, warehouse, step_seconds=step_seconds, freeze_startup=True)
    except Exception as err:  # the CLI's job is a clear one-line reason and a non-zero exit
        print(f"error: build failed: {err}", file=sys.stderr)
        return 1
    if args.step_times:
        Path(args.step_times).write_text(json.dumps(step_seconds, indent=2) + "\n", encoding="utf-8")
    width = max(map(len, counts))
    print("\n".join(f"  {table:<{width}}  {n:>8}" for table, n in counts.items()))
    return 0


def _eval_command(args: argparse.Namespace) -> int:
    golds = [Path(path) for path in args.gold]
    if len(golds) > 1 and (args.posts or args.annotator):
        print(
            "error: --posts and --annotator name one gold set's files; with several --gold, each set's "
            "posts come from its gold file and --readers finds its readers' labels",
            file=sys.stderr,
        )
        return 2
    results: list[tuple[Path, Evaluation]] = []
    for gold in golds:
        evaluation = _evaluate_gold(gold, args)
        if isinstance(evaluation, int):
            return evaluation
        _print_evaluation(gold, evaluation, args.show_errors)
        results.append((gold, evaluation))
        if len(golds) > 1:
            print()
    if len(results) > 1:
        _print_eval_summary(results)
    return 0


def _evaluate_gold(gold: Path, args: argparse.Namespace) -> Evaluation | int:
    """One gold set's evaluation, or the exit code after printing why it cannot be scored."""
    from digest_pipeline.timeline.cluster import configured_timeline
    from digest_pipeline.timeline.evaluate import GoldFileError, evaluate_timeline, gold_posts_dir

    if not gold.is_file():
        print(f"error: gold file {str(gold)!r} does not exist", file=sys.stderr)
        return 2
    try:
        posts_dir = Path(args.posts) if args.posts else gold_posts_dir(gold) or Path(settings.posts_dir())
        if not posts_dir.is_dir():
            print(f"error: posts folder {str(posts_dir)!r} does not exist", file=sys.stderr)
            return 2
        window = args.window_days or settings.story_window_days()
        config = configured_timeline(window, settings.semantic_matching())
        annotators = [Path(path) for path in args.annotator]
        if args.readers:
            annotators += sorted(gold.parent.glob(READER_FILES))
        for path in annotators:
            if not path.is_file():
                print(f"error: annotator file {str(path)!r} does not exist", file=sys.stderr)
                return 2
        evaluation = evaluate_timeline(gold, posts_dir, config, strict=args.strict, annotators=annotators)
    except (GoldFileError, OSError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    if evaluation.from_zero:
        print(
            "note: the gold file counts each post's items from 0; read as positions counted from 1",
            file=sys.stderr,
        )
    if evaluation.unlabelled or evaluation.unknown:
        print(
            f"warning: scoring the {evaluation.items} items both the gold file and the posts know; "
            f"left out: {len(evaluation.unlabelled)} items of the posts with no label "
            f"{evaluation.unlabelled[:5]}, {len(evaluation.unknown)} gold labels naming no item "
            f"{evaluation.unknown[:5]} (--strict refuses such a file)",
            file=sys.stderr,
        )
    return evaluation


READER_FILES = "*-reader.yaml"
"""Other readers' labels of a gold set's posts, beside its gold file (`--readers`)."""


def _print_evaluation(gold: Path, evaluation: Evaluation, show_errors: bool) -> None:
    from digest_pipeline.timeline.evaluate import disagreements

    print(
        f"gold {gold}: {evaluation.items} items in {evaluation.gold_stories} stories, "
        f"posts {evaluation.posts_dir}"
    )
    print(
        f"{'method':<34} {'pairwise P':>10} {'R':>6} {'F1':>6}   {'B-cubed P':>9} {'R':>6} {'F1':>6}  stories"
    )
    for m in evaluation.methods:
        pw, b3 = m.pairwise, m.b_cubed
        print(
            f"{m.method:<34} {pw.precision:>10.3f} {pw.recall:>6.3f} {pw.f1:>6.3f}   "
            f"{b3.precision:>9.3f} {b3.recall:>6.3f} {b3.f1:>6.3f}  {m.stories:>7}"
        )
    print(f"clustering took {evaluation.seconds:.2f}s")
    if show_errors:
        print("\n".join(disagreements(evaluation)) or "no disagreements")


def _print_eval_summary(results: list[tuple[Path, Evaluation]]) -> None:
    """One line per gold set and the means over them: the figures a change is judged by."""
    from digest_pipeline.timeline.evaluate import summarize

    summary = summarize([(_set_name(gold), evaluation) for gold, evaluation in results])

    def cell(pair: tuple[float, float] | None) -> str:
        return f"{pair[0]:.3f} / {pair[1]:.3f}" if pair else "-"

    print(f"summary of {len(results)} gold sets: F1, pairwise / B-cubed (other readers: their mean)")
    print(f"{'set':<16} {'items':>5}  {'MinHash (best)':<15}  {'other readers':<15}  {'digest-pipeline':<15}")
    for row in summary.rows:
        print(
            f"{row.name:<16} {row.items:>5}  {cell(row.minhash):<15}  "
            f"{cell(row.readers):<15}  {cell(row.ours)}"
        )
    means = summary.means
    print(
        f"{'mean':<16} {'':>5}  {cell(means.minhash):<15}  {cell(means.readers):<15}  {cell(means.ours):<15}"
        f"  (other readers: over the {summary.read_sets} sets that have them)"
    )


def _set_name(gold: Path) -> str:
    """A gold set by its folder when its file is `gold.*`, else by the file."""
    return gold.parent.name if gold.stem == "gold" else str(gold)


def _synth_command(args: argparse.Namespace) -> int:
    from digest_pipeline.synth import synthesize

    if args.posts < 0 or args.models < 1:
        print("error: --posts must be >= 0 and --models >= 1", file=sys.stderr)
        return 2
    summary = synthesize(args.posts, Path(args.out), models=args.models, seed=args.seed)
    print(
        f"wrote {summary.posts} posts ({summary.days} days x {summary.models} models), "
        f"{summary.items} items in {summary.stories} stories, to {summary.out_dir} "
        f"(gold labels in {summary.out_dir / 'stories.csv'}) in {summary.seconds:.1f}s"
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="digest-pipeline", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    build_parser = commands.add_parser("build", help="materialize every asset from a posts folder")
    build_parser.add_argument("--posts", help=f"posts folder (default ${settings.POSTS_DIR_VAR} or seeds/)")
    build_parser.add_argument(
        "--warehouse",
        help=f"the published DuckDB file analysts open (default ${settings.WAREHOUSE_VAR} or "
        f"warehouse/digest.duckdb); runs write ${settings.WORK_WAREHOUSE_VAR} or .build/ beside it",
    )
    build_parser.add_argument(
        "--step-times", metavar="FILE", help="also write the seconds each Dagster step took, as JSON"
    )
    build_parser.set_defaults(handler=_build_command)
    eval_parser = commands.add_parser(
        "eval-timeline", help="score the story timeline against hand labels (pairwise and B-cubed P/R/F1)"
    )
    eval_parser.add_argument(
        "--gold",
        required=True,
        action="append",
        help="gold labels: YAML/JSON `stories:` or CSV/TSV event_id,story (an item may also be "
        "given as post_id + position or model + date + position); repeat it to score several sets "
        "and print a summary with their means",
    )
    eval_parser.add_argument(
        "--posts",
        help="posts folder (default: the gold file's `posts:` key, a posts/ folder beside it, or seeds/)",
    )
    eval_parser.add_argument(
        "--window-days", type=int, help="days back an item may join a story (default 30)"
    )
    eval_parser.add_argument(
        "--show-errors", action="store_true", help="list wrongly split and merged stories"
    )
    eval_parser.add_argument(
        "--annotator",
        action="append",
        default=[],
        metavar="FILE",
        help="another reader's labels of the same posts (any gold shape), scored against the gold "
        "as one more row: how far two readers agree (repeatable)",
    )
    eval_parser.add_argument(
        "--readers",
        action="store_true",
        help=f"also score the other readers' labels beside each gold file ({READER_FILES}) as --annotator",
    )
    eval_parser.add_argument(
        "--strict",
        action="store_true",
        help="refuse a gold file that leaves items of the posts unlabelled or names items not in them "
        "(by default those are left out of the scores and reported)",
    )
    eval_parser.set_defaults(handler=_eval_command)
    synth_parser = commands.add_parser(
        "synth", help="write N realistic synthetic posts and their known stories (stories.csv)"
    )
    synth_parser.add_argument("--posts", type=int, required=True, help="how many posts to write")
    synth_parser.add_argument("--out", required=True, help="folder to write the posts and stories.csv into")
    synth_parser.add_argument("--models", type=int, default=6, help="digests per day (default 6)")
    synth_parser.add_argument("--seed", type=int, default=0, help="same seed, same bytes (default 0)")
    synth_parser.set_defaults(handler=_synth_command)
    args = parser.parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
