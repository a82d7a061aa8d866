"""The ``earful`` command as users run it: real processes, real local HTTP servers."""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import yaml


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("EARFUL_")}
    clean["EARFUL_DATA_DIR"] = str(tmp_path / "data")
    return clean


@pytest.fixture
def demo_feeds() -> Iterator[str]:
    from cli.demo.server import DemoServer

    with DemoServer() as server:
        yield server.base_url


@pytest.fixture
def earful(earful_command: str):  # type: ignore[no-untyped-def]
    """Runs ``earful ARGS`` to completion with the given environment."""
    def run(*args: str, env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run([earful_command, *args], env=env, capture_output=True, text=True,
                              timeout=timeout)
    return run


def test_config_check_accepts_a_good_file_and_explains_a_bad_one(tmp_path: Path, env, demo_feeds, earful) -> None:
    from cli.demo.feeds import demo_config

    good = tmp_path / "good.yaml"
    good.write_text(yaml.safe_dump(demo_config(demo_feeds)), encoding="utf-8")
    ok = earful("config", "check", str(good), env=env)
    assert ok.returncode == 0 and "OK" in ok.stderr
    bad = tmp_path / "bad.yaml"
    bad.write_text("brands:\n  - id: acme\n    name: Acme\n    query: 'acme AND (mobile'\n", encoding="utf-8")
    result = earful("config", "check", str(bad), env=env)
    assert result.returncode == 2
    assert str(bad) in result.stderr and "brands[0].query" in result.stderr and "position" in result.stderr


def test_collect_once_then_search_then_collect_again(tmp_path: Path, env, demo_feeds, earful) -> None:
    from cli.demo.feeds import demo_config

    config = tmp_path / "earful.yaml"
    config.write_text(yaml.safe_dump(demo_config(demo_feeds)), encoding="utf-8")
    env["EARFUL_CONFIG"] = str(config)
    first = earful("collect", "--once", env=env)
    assert first.returncode == 0, first.stderr
    done = re.search(r"done: collected (\d+) .* duplicates (\d+) · indexed (\d+)", first.stderr)
    assert done, first.stderr
    collected, duplicates, indexed = map(int, done.groups())
    assert collected >= 200 and duplicates >= 1 and 0 < indexed < collected  # unmatched items are dropped
    assert "no_brand" in first.stderr and re.search(r"\[\d+/\d+\]", first.stderr)  # progress lines
    found = earful("search", "outage", "--sort", "newest", env=env)
    assert found.returncode == 0 and re.search(r"(\d+) mentions match", found.stderr)
    assert int(re.search(r"(\d+) mentions match", found.stderr).group(1)) > 0  # type: ignore[union-attr]
    again = earful("collect", "--once", env=env)
    assert again.returncode == 0 and "done: collected 0" in again.stderr  # 304s: nothing new
    table = earful("sources", env=env)
    assert table.returncode == 0, table.stderr
    first_source = yaml.safe_load(config.read_text())["sources"][0]["name"]
    row = next(line for line in table.stdout.splitlines() if line.startswith(first_source))
    assert "not_modified" in row and "ago" in row and "in 1" in row  # last run, next run in ~15m
    as_json = json.loads(earful("sources", "--json", env=env).stdout)
    assert sum(s["total_collected"] for s in as_json) == collected
    assert all(s["runs"] == 2 and s["status"] == "not_modified" for s in as_json)


def test_collect_without_sources_says_what_to_do(env, earful) -> None:
    result = earful("collect", "--once", env=env)
    assert result.returncode == 1 and "EARFUL_CONFIG" in result.stderr


def test_bad_environment_value_is_a_config_error(env, earful) -> None:
    env["EARFUL_PORT"] = "eighty"
    result = earful("collect", "--once", env=env)
    assert result.returncode == 2 and "EARFUL_PORT" in result.stderr


def test_serve_refuses_a_public_bind_without_keys(env, earful, free_port) -> None:
    result = earful("serve", "--host", "0.0.0.0", "--port", str(free_port()), env=env)
    assert result.returncode == 2 and "EARFUL_API_KEYS" in result.stderr and "--insecure" in result.stderr


def test_demo_serves_results_offline_with_the_printed_key(env, earful_command, free_port) -> None:
    port = free_port()
    proc = subprocess.Popen([earful_command, "demo", "--port", str(port)], env=env, stderr=subprocess.PIPE,
                            stdout=subprocess.DEVNULL, text=True)
    try:
        lines: list[str] = []
        deadline = time.monotonic() + 240  # collecting twice and refining ~400 mentions on two shared cores
        assert proc.stderr is not None
        while time.monotonic() < deadline:
            line = proc.stderr.readline()
            if not line:
                break
            lines.append(line)
            if "Ctrl-C" in line:
                break
        output = "".join(lines)
        key = re.search(r"Authorization: Bearer (\S+)", output)
        assert key, output
        curls = re.findall(r"curl -s -H '[^']+' '([^']+)'", output)
        assert len(curls) == 3, output
        headers = {"Authorization": f"Bearer {key.group(1)}"}
        for _ in range(50):  # uvicorn binds right after the banner
            try:
                httpx.get(f"http://127.0.0.1:{port}/health", timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        assert httpx.get(curls[0], timeout=10).status_code == 401
        for url in curls:
            body = httpx.get(url, headers=headers, timeout=10).json()
            assert body.get("total", 0) > 0, (url, body)
        sources = httpx.get(f"http://127.0.0.1:{port}/api/v1/sources", headers=headers, timeout=10).json()
        # collected twice: the history, then the live posts (feeds without new posts answer 304)
        assert len(sources) == 5 and all(s["status"] in ("ok", "not_modified") and s["type"] == "feed"
                                         and s["runs"] == 2 for s in sources), sources
        assert sum(s["total_collected"] for s in sources) >= 400
        # the live posts raise the demo's alert rule on Acme's negative mentions (the history never alerts)
        events = httpx.get(f"http://127.0.0.1:{port}/api/v1/alerts/events", headers=headers, timeout=10).json()
        # active: "open", or "updated" when a later batch of the live posts made it grow
        assert any(e["rule"] == "acme-negative" and e["state"] in ("open", "updated") for e in events["items"]), \
            (events, output)
        dashboard = re.search(r"Dashboard:\s+(\S+)", output)
        assert dashboard and dashboard.group(1) == f"http://127.0.0.1:{port}/", output
        page = httpx.get(dashboard.group(1), timeout=10, follow_redirects=True)
        assert page.status_code == 200 and 'name="key"' in page.text  # the dashboard asks for the key
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        if proc.stderr:
            proc.stderr.close()


def test_run_collects_on_schedule_and_serves_in_one_process(tmp_path: Path, env, demo_feeds, earful_command,
                                                           free_port) -> None:
    from cli.demo.feeds import demo_config

    config = tmp_path / "earful.yaml"
    config.write_text(yaml.safe_dump(demo_config(demo_feeds)), encoding="utf-8")
    env.update({"EARFUL_CONFIG": str(config), "EARFUL_API_KEYS": "k-123"})
    port = free_port()
    proc = subprocess.Popen([earful_command, "run", "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        total, deadline = 0, time.monotonic() + 60
        while time.monotonic() < deadline and total == 0:
            time.sleep(0.5)
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/api/v1/mentions?brand=globex",
                                     headers={"Authorization": "Bearer k-123"}, timeout=5)
            except httpx.TransportError:
                continue
            total = response.json().get("total", 0)
        assert total > 0
    finally:
        proc.terminate()
        assert proc.wait(timeout=30) is not None
