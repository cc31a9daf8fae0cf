"""The real `dagster-webserver` on workspace.yaml shows every asset, check, schedule and sensor.

`Definitions` loading in-process does not prove the UI gets them: the webserver
loads the code location in its own process from workspace.yaml, with its own
environment. This starts it on loopback and asks its GraphQL API.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import pytest

from digest_pipeline.definitions import defs

ROOT = Path(__file__).resolve().parents[2]
READY_SECONDS = 90

WORKSPACE_QUERY = """
{ workspaceOrError { __typename ... on Workspace { locationEntries {
    name loadStatus locationOrLoadError { __typename ... on PythonError { message } } } } } }
"""
GRAPH_QUERY = """
{
  assetNodes {
    assetKey { path }
    assetChecksOrError { __typename ... on AssetChecks { checks { name } } }
  }
  repositoriesOrError {
    __typename
    ... on RepositoryConnection { nodes { name schedules { name } sensors { name } } }
  }
}
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def graphql(url: str, query: str) -> dict:
    request = urllib.request.Request(
        url, data=json.dumps({"query": query}).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        body = json.load(response)
    assert not body.get("errors"), body["errors"]
    return body["data"]


def wait_until_loaded(url: str, server: subprocess.Popen, log: Path) -> None:
    """Poll until the code location has loaded; fail with the server's log on error or timeout."""
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"dagster-webserver exited with {server.returncode}:\n{log.read_text()[-3000:]}")
        try:
            entries = graphql(url, WORKSPACE_QUERY)["workspaceOrError"]["locationEntries"]
        except (urllib.error.URLError, ConnectionError, TimeoutError, KeyError):
            time.sleep(0.5)
            continue
        statuses = {e["name"]: e for e in entries}
        entry = statuses.get("digest_pipeline")
        if entry and entry["loadStatus"] == "LOADED":
            error = entry["locationOrLoadError"] or {}
            assert error.get("__typename") != "PythonError", error.get("message")
            return
        time.sleep(0.5)
    pytest.fail(f"dagster-webserver not ready after {READY_SECONDS}s:\n{log.read_text()[-3000:]}")


@pytest.fixture
def webserver(tmp_path: Path) -> Iterator[str]:
    """A webserver on a free loopback port with a throwaway DAGSTER_HOME; always terminated."""
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copyfile(ROOT / "dagster_home.yaml", home / "dagster.yaml")  # as `make dev` does
    port = free_port()
    env = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "DIGEST_WAREHOUSE": str(tmp_path / "wh" / "digest.duckdb"),
        "DIGEST_POSTS_DIR": str(tmp_path / "posts"),
    }
    log = tmp_path / "webserver.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "dagster_webserver",
                "-w",
                "workspace.yaml",
                "-h",
                "127.0.0.1",
                "-p",
                str(port),
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        url = f"http://127.0.0.1:{port}/graphql"
        wait_until_loaded(url, server, log)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def test_webserver_shows_every_asset_check_schedule_and_sensor(webserver: str) -> None:
    definitions = defs()
    graph = definitions.resolve_asset_graph()
    repository = definitions.get_repository_def()
    expected_assets = {key.to_user_string() for key in graph.get_all_asset_keys()}
    expected_checks = {f"{k.asset_key.to_user_string()}:{k.name}" for k in graph.asset_check_keys}

    data = graphql(webserver, GRAPH_QUERY)

    nodes = data["assetNodes"]
    assert {"/".join(n["assetKey"]["path"]) for n in nodes} == expected_assets
    shown_checks = {
        f"{'/'.join(n['assetKey']['path'])}:{check['name']}"
        for n in nodes
        for check in (n["assetChecksOrError"] or {}).get("checks", [])
    }
    assert shown_checks == expected_checks
    (repo,) = data["repositoriesOrError"]["nodes"]
    assert {s["name"] for s in repo["schedules"]} == {s.name for s in repository.schedule_defs}
    assert {s["name"] for s in repo["sensors"]} == {s.name for s in repository.sensor_defs}
    assert {"daily_refresh_schedule"} <= {s["name"] for s in repo["schedules"]}
    assert {"new_posts_sensor", "whole_history_automation_sensor"} <= {s["name"] for s in repo["sensors"]}


def test_dev_instance_runs_one_run_at_a_time(tmp_path: Path) -> None:
    """The template `make dev` copies is valid 1.13 instance config and queues runs one by one."""
    shutil.copyfile(ROOT / "dagster_home.yaml", tmp_path / "dagster.yaml")
    with dg.DagsterInstance.from_config(str(tmp_path)) as instance:
        config = instance.get_concurrency_config()
        assert config.run_queue_config.max_concurrent_runs == 1
        # duckdb_writer (every asset's pool) has no limit of its own, so the default applies.
        assert config.pool_config.default_pool_limit == 1
