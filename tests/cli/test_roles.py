"""Process roles as users run them: each starts its services from the role table, reports their
health in /health and `earful sources`, and stops them all cleanly on SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from cli.main import build_parser
from cli.roles import ROLES, SERVICES, all_services
from search.embedded import EmbeddedIndex


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("EARFUL_")}
    clean["EARFUL_DATA_DIR"] = str(tmp_path / "data")
    return clean


def health(port: int, timeout: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        try:
            body: dict[str, Any] = httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).json()
            return body
        except httpx.TransportError:
            assert time.monotonic() < deadline, "the API did not come up"
            time.sleep(0.2)


def running(port: int, timeout: float = 60) -> list[dict[str, Any]]:
    """/health's services once every one of them runs (a group's child reports a moment after the API is up)."""
    deadline = time.monotonic() + timeout
    while True:
        services: list[dict[str, Any]] = health(port)["services"]
        if services and all(s["state"] == "running" for s in services):
            return services
        assert time.monotonic() < deadline, services
        time.sleep(0.2)


def sources_json(earful_command: str, env: dict[str, str]) -> dict[str, Any]:
    result = subprocess.run([earful_command, "sources", "--json", "--services"], env=env, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    body: dict[str, Any] = json.loads(result.stdout)
    return body


def test_every_role_names_known_services_and_is_a_command() -> None:
    commands = build_parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    for role in ROLES:
        assert role in commands, role
        services = all_services(role)
        assert services and all(name in SERVICES for name in services), role


def test_run_reports_its_services_and_stops_them_on_sigterm(env: dict[str, str], earful_command: str,
                                                            free_port: Any) -> None:
    port = free_port()
    proc = subprocess.Popen([earful_command, "run", "--port", str(port)], env=env, stderr=subprocess.PIPE,
                            stdout=subprocess.DEVNULL, text=True)
    try:
        services = running(port)
        assert [s["name"] for s in services] == ["scheduler", "refiner", "alerts", "delivery", "api"]
        table = subprocess.run([earful_command, "sources"], env=env, capture_output=True, text=True, timeout=60)
        [line] = [row for row in table.stdout.splitlines() if f".{proc.pid} " in row]
        assert " run " in line and "scheduler running, refiner running, alerts running, delivery running, api running" in line
        [published] = sources_json(earful_command, env)["services"]
        assert published["role"] == "run" and published["alive"]
        assert [s["name"] for s in published["services"]] == ["scheduler", "refiner", "alerts", "delivery", "api"]
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
        _, stderr = proc.communicate(timeout=10)
    assert "run: running scheduler, refiner, alerts, delivery, api" in stderr
    assert sources_json(earful_command, env)["services"] == []  # a clean stop removes the entry


def test_serve_runs_the_api_service_alone(env: dict[str, str], earful_command: str, free_port: Any) -> None:
    EmbeddedIndex(Path(env["EARFUL_DATA_DIR"]) / "index").close()  # serve reads an index someone wrote
    port = free_port()
    proc = subprocess.Popen([earful_command, "serve", "--port", str(port)], env=env,
                            stderr=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
    try:
        body = health(port)
        assert body["status"] == "ok" and [(s["name"], s["state"]) for s in body["services"]] == [("api", "running")]
        assert body["services"][0]["details"]["url"] == f"http://127.0.0.1:{port}"
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=60) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
