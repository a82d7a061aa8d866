"""The API as a real uvicorn process over a real index folder."""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from search.embedded import EmbeddedIndex


def get(port: int, path: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, json.loads(response.read() or b"{}")
    finally:
        conn.close()


@pytest.fixture
def data_dir(tmp_path: Path, make_raw) -> Path:  # type: ignore[no-untyped-def]
    from earful.models import Mention

    index = EmbeddedIndex(tmp_path / "data" / "index")
    raw = make_raw("s1", "Acme Mobile outage", "The network was down all morning.")
    index.upsert([Mention(**raw.model_dump(exclude={"brands"}), brands=["acme"], lang="en")])
    index.close()
    return tmp_path / "data"


@pytest.fixture
def server(data_dir: Path, earful_command: str, free_port) -> Iterator[int]:  # type: ignore[no-untyped-def]
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("EARFUL_")}
    env["EARFUL_DATA_DIR"] = str(data_dir)
    proc = subprocess.Popen([earful_command, "serve", "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                get(port, "/health")
                break
            except OSError:
                time.sleep(0.1)
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_a_100kb_query_string_is_a_400_that_explains(server: int) -> None:
    status, body = get(server, "/api/v1/mentions?q=" + quote("acme OR " * 12_500))
    assert status == 400 and "limit" in body["detail"]


def test_reader_process_sees_new_commits_without_restarting(server: int, data_dir: Path, make_raw) -> None:
    from earful.models import Mention

    status, body = get(server, "/api/v1/mentions?q=outage")
    assert status == 200 and body["total"] == 1
    writer = EmbeddedIndex(data_dir / "index")
    raw = make_raw("s2", "Another Acme Mobile outage", "Down again tonight.")
    writer.upsert([Mention(**raw.model_dump(exclude={"brands"}), brands=["acme"], lang="en")])
    writer.close()
    status, body = get(server, "/api/v1/mentions?q=outage&sort=newest")
    assert status == 200 and body["total"] == 2
