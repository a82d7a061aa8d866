"""Session-wide fixtures: where the shared captured data lives, settings in a temp dir."""

from __future__ import annotations

import os
import socket
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from earful.settings import Settings

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def free_port() -> Callable[[], int]:
    """Call it for a port on 127.0.0.1 that nothing listens on right now."""
    return _free_port


@pytest.fixture(scope="session")
def earful_command() -> str:
    """The installed ``earful`` console script, as users run it."""
    return str(Path(sys.executable).parent / "earful")


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """../shared/data beside the checkout; missing data fails under CI, skips on a laptop."""
    if not SHARED_DATA.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"{SHARED_DATA} is missing: CI must have ../shared beside the checkout")
        pytest.skip(f"{SHARED_DATA} not found (clone with ../shared beside the repo)")
    return SHARED_DATA


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Settings isolated from the developer's environment, data in a temp dir."""
    for name in list(os.environ):
        if name.startswith("EARFUL_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("EARFUL_DATA_DIR", str(tmp_path / "data"))
    return Settings()


@pytest.fixture
def make_raw():  # type: ignore[no-untyped-def]
    """Factory for RawMentions with sensible defaults; keyword arguments override."""
    from datetime import datetime, timezone

    from earful.models import RawMention

    def build(id: str, title: str = "", text: str = "", **fields: object) -> RawMention:
        values: dict[str, object] = {
            "id": id, "source": "feed", "source_name": "test-feed", "title": title, "text": text,
            "url": f"https://news.example.com/{id}",
            "published_at": datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc)}
        values.update(fields)
        return RawMention(**values)  # type: ignore[arg-type]

    return build


@pytest.fixture
def brands_config():  # type: ignore[no-untyped-def]
    """Three competing brands with rules that exercise the rule language."""
    from earful.config import parse_config

    return parse_config({"brands": [
        {"id": "acme", "name": "Acme Mobile", "query": '"acme mobile" OR acmemobile OR اکمی OR Акме*',
         "competitors": ["globex"]},
        {"id": "globex", "name": "Globex", "query": "globex OR גלובקס", "competitors": ["acme"]},
        {"id": "initech", "name": "Initech", "query": "initech AND NOT \"initech tower\""},
    ]})


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """A real redis-server on a free 127.0.0.1 port, no persistence; yields its URL.

    Missing redis-server skips on a laptop and fails under CI (scripts/test.sh installs it).
    """
    import shutil
    import subprocess
    import time

    binary = shutil.which("redis-server") or ("/usr/bin/redis-server"
                                             if Path("/usr/bin/redis-server").exists() else None)
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("redis-server is missing: scripts/test.sh installs it with apt-get")
        pytest.skip("redis-server not installed (apt-get install redis-server)")
    port = _free_port()
    workdir = tmp_path_factory.mktemp("redis")
    log = workdir / "redis.log"
    proc = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(workdir),
                             "--save", "", "--appendonly", "no", "--logfile", str(log)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 10
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                if sock.recv(16).startswith(b"+PONG"):
                    break
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"redis-server did not start: {log.read_text() if log.exists() else 'no log'}")
        time.sleep(0.05)
    try:
        yield f"redis://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture
def redis_url(redis_server: str) -> str:
    """URL of database 0 on the session's redis-server, emptied before the test."""
    import redis

    url = f"{redis_server}/0"
    client = redis.Redis.from_url(url)
    client.flushdb()
    client.close()
    return url


@pytest.fixture
def sqlite_state(tmp_path: Path):  # type: ignore[no-untyped-def]
    """A state store in a SQLite file under the test's temp dir."""
    from earful.state import SQLiteStateStore

    opened = SQLiteStateStore(tmp_path / "state.sqlite3")
    yield opened
    opened.close()


@pytest.fixture
def embedded_index(tmp_path: Path):  # type: ignore[no-untyped-def]
    """An empty embedded index under the test's temp dir, open for writing."""
    from search.embedded import EmbeddedIndex

    opened = EmbeddedIndex(tmp_path / "index")
    yield opened
    opened.close()
