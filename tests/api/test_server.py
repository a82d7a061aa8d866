"""The API as a real uvicorn process over a real index folder."""

from __future__ import annotations

import http.client
import json
import os
import re
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


def _raw(port: int, request: bytes) -> bytes:
    """Sends ``request`` as it is and reads until the server closes or stops answering."""
    import socket

    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        try:
            sock.sendall(request)
        except (BrokenPipeError, ConnectionResetError):
            pass  # refused before it read everything: the answer is still there
        sock.settimeout(2)
        answer = b""
        try:
            while chunk := sock.recv(65536):
                answer += chunk
        except (TimeoutError, ConnectionResetError):
            pass
    return answer


def test_headers_past_the_limit_are_a_431_and_the_server_goes_on(server: int) -> None:
    from api.http_protocol import MAX_REQUEST_HEAD_BYTES

    filler = b"".join(b"X-Filler-%d: %s\r\n" % (i, b"a" * 1000) for i in range(MAX_REQUEST_HEAD_BYTES // 1000 + 8))
    answer = _raw(server, b"GET /health HTTP/1.1\r\nHost: x\r\n" + filler + b"\r\n")
    assert answer.startswith(b"HTTP/1.1 431 "), answer[:200]
    endless = b"GET /health?" + b"a" * (MAX_REQUEST_HEAD_BYTES + 10)  # the request line never ends
    assert _raw(server, endless).startswith(b"HTTP/1.1 431 ")
    assert get(server, "/health")[0] == 200


def test_requests_under_the_limit_are_served_whole_on_one_connection(server: int) -> None:
    """A head just under the limit, a body larger than the limit, and a request after them on the same
    connection (keep-alive): none is cut or refused by the head limit."""
    from api.http_protocol import MAX_REQUEST_HEAD_BYTES

    big_header = b"X-Big: " + b"b" * (MAX_REQUEST_HEAD_BYTES - 2000) + b"\r\n"
    body = json.dumps({"name": "n" * (MAX_REQUEST_HEAD_BYTES * 2)}).encode()
    answer = _raw(server, b"GET /health HTTP/1.1\r\nHost: x\r\n" + big_header + b"\r\n"
                  + b"POST /api/v1/searches HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  + b"Content-Length: %d\r\n\r\n" % len(body) + body
                  + b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    statuses = [int(code) for code in re.findall(rb"HTTP/1\.1 (\d{3}) ", answer)]
    assert len(statuses) == 3 and statuses[0] == statuses[2] == 200 and statuses[1] in (400, 413, 422), statuses
