# The README's commands. Each target sets up .venv from pyproject.toml first,
# so a fresh machine needs only Python 3.11, pip and make.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 3000

.PHONY: setup run test lint dev eval bench bench-timeline bench-cold-scan stress clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

## run: set up, then build the warehouse from $DIGEST_POSTS_DIR (default seeds/)
run: setup
	$(BIN)/digest-pipeline build

## test: set up, then lint and pass the tests
test: setup lint
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check digest_pipeline tests benchmarks

## dev: the Dagster UI and daemon on workspace.yaml, bound to loopback only, one run at a time
dev: setup
	mkdir -p .dagster_home
	cp dagster_home.yaml .dagster_home/dagster.yaml
	DAGSTER_HOME=$(abspath .dagster_home) $(BIN)/dagster dev -w workspace.yaml -h $(HOST) -p $(PORT)

## eval: score the story timeline against every gold set in eval/, with other readers' labels
## (`*-reader.yaml`) where a set has them, and a summary of every set with the means
eval: setup
	$(BIN)/digest-pipeline eval-timeline --strict --readers $(addprefix --gold ,$(sort $(wildcard eval/*/gold.yaml)))

## bench: full builds at 1k/10k/100k posts, one new day on 1k and 100k, the timeline at 100k/1M items,
## peak memory, and the floor (DuckDB read_text + regex); prints targets as ratios, writes warehouse/.bench/bench.json
BENCH_ARGS ?=
bench: setup
	$(BIN)/python benchmarks/bench.py $(BENCH_ARGS)

## bench-timeline: time to place one new day into a timeline of 1k and 10k stories
bench-timeline: setup
	$(BIN)/python benchmarks/timeline_per_day.py

## bench-cold-scan: the scan's reads out of a dropped page cache, with and without read hints (needs root)
bench-cold-scan: setup
	$(BIN)/python benchmarks/cold_scan.py

## stress: real processes against one warehouse: an analyst session held open, two builds, a SIGKILL
stress: setup
	$(BIN)/python -m digest_pipeline.stress

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis warehouse/*.duckdb warehouse/*.duckdb.wal warehouse/.build warehouse/.bench
