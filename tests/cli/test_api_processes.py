"""Several processes serve the API on one port: each answers on its own, a dead one comes back, and a
session opened by one is good in the others."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.session import Sessions
from cli.api_processes import process_count
from earful.models import Mention
from earful.secrets import derived_key
from earful.settings import Settings
from search.embedded import EmbeddedIndex


def _api(port: int, path: str = "/health", timeout: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        try:
            response = httpx.get(f"http://127.0.0.1:{port}{path}", timeout=5)
            body: dict[str, Any] = response.json()
            return body
        except httpx.TransportError:
            assert time.monotonic() < deadline, f"no answer on {path}"
            time.sleep(0.2)


def _api_details(port: int) -> dict[str, Any]:
    details: dict[str, Any] = next(s for s in _api(port)["services"] if s["name"] == "api")["details"]
    return details


def _until(check: Any, timeout: float = 60) -> Any:
    deadline = time.monotonic() + timeout
    while not (value := check()):
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)
    return value


@pytest.fixture
def serving(env: dict[str, str], earful_command: str, free_port: Any, make_raw: Any) -> Iterator[tuple[int, Any]]:
    """`earful serve` with two API processes over an index of one mention; yields (port, process)."""
    index = EmbeddedIndex(Path(env["EARFUL_DATA_DIR"]) / "index")
    raw = make_raw("s1", "Acme Mobile outage", "The network was down all morning.")
    index.upsert([Mention(**raw.model_dump(exclude={"brands"}), brands=["acme"], lang="en")])
    index.close()
    port = free_port()
    proc = subprocess.Popen([earful_command, "serve", "--port", str(port)], env={**env, "EARFUL_API_PROCESSES": "2"},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _until(lambda: _api_details(port).get("replicas", [{}])[0].get("state") == "running")
        yield port, proc
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGCONT)
            proc.terminate()
            proc.wait(timeout=60)


def test_the_replica_answers_on_the_same_port_while_the_first_process_cannot(serving: tuple[int, Any]) -> None:
    port, proc = serving
    details = _api_details(port)
    assert details["processes"] == 2 and details["replicas"][0]["pid"] != proc.pid
    before = _api(port)
    os.kill(proc.pid, signal.SIGSTOP)  # only the replica can accept now
    try:
        found = _api(port, "/api/v1/mentions?q=outage", timeout=20)
        health = _api(port, timeout=20)
    finally:
        os.kill(proc.pid, signal.SIGCONT)
    assert found["total"] == 1 and found["items"][0]["title"] == "Acme Mobile outage"
    # the replica reports the services its parent published, not just itself
    assert health["status"] == "ok" and [s["name"] for s in health["services"]] == [s["name"] for s in before["services"]]


def test_a_killed_replica_is_started_again_and_serves(serving: tuple[int, Any]) -> None:
    port, proc = serving
    first = _api_details(port)["replicas"][0]["pid"]
    os.kill(first, signal.SIGKILL)
    replica = _until(lambda: next((r for r in _api_details(port)["replicas"]
                                   if r["state"] == "running" and r["pid"] not in (first, None) and r["restarts"] == 1),
                                  None))
    os.kill(proc.pid, signal.SIGSTOP)
    try:
        assert _api(port, "/api/v1/mentions?q=outage", timeout=20)["total"] == 1  # answered by the new replica
    finally:
        os.kill(proc.pid, signal.SIGCONT)
    assert replica["pid"] != proc.pid


def test_stopping_the_role_stops_its_replicas(serving: tuple[int, Any]) -> None:
    port, proc = serving
    replica = _api_details(port)["replicas"][0]["pid"]
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=60) == 0
    _until(lambda: not Path(f"/proc/{replica}").exists() or "Z" in Path(f"/proc/{replica}/stat").read_text().split()[2])


def test_a_port_in_use_is_a_clear_error(env: dict[str, str], earful_command: str) -> None:
    EmbeddedIndex(Path(env["EARFUL_DATA_DIR"]) / "index").close()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = subprocess.run([earful_command, "serve", "--port", str(port)], env=env, capture_output=True,
                                text=True, timeout=60)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert f"cannot serve the API on 127.0.0.1:{port}" in result.stderr and "EARFUL_PORT" in result.stderr


def test_every_process_of_an_installation_accepts_the_others_anonymous_sessions(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    first, second = (Sessions([], 3600, derived_key(settings, "anonymous-sessions")) for _ in range(2))
    session, cookie = first.open(None)
    assert second.read(cookie) == session
    assert Sessions([], 3600, derived_key(Settings(data_dir=tmp_path / "other"), "anonymous-sessions")).read(cookie) is None


def test_processes_default_to_one_per_core_within_bounds(tmp_path: Path) -> None:
    assert process_count(Settings(data_dir=tmp_path, api_processes=3)) == 3
    assert process_count(Settings(data_dir=tmp_path)) == min(os.cpu_count() or 1, 4)
