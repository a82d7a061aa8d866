"""Contract fixtures: every test here runs against the embedded index and against Elasticsearch.

Elasticsearch comes from EARFUL_TEST_ES_URL (scripts/test.sh starts a local emulator and sets
it). Without it the Elasticsearch cases skip on a laptop, but fail when EARFUL_TEST_REQUIRE_ES
or CI is set. Each test gets its own index prefix and deletes its indices afterwards.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch

from cli.demo.corpus import CORPUS as DEMO
from cli.demo.feeds import demo_config
from earful.config import parse_config
from earful.models import Mention, RawMention
from earful.rules import BrandMatcher
from search.base import IndexBackend, SearchFilters, SearchRequest
from search.elasticsearch import ElasticsearchIndex
from search.elasticsearch.mapping import IndexNames
from search.embedded import EmbeddedIndex
from workers.language import FastTextDetector
from workers.pipeline import Processor
from workers.sentiment import default_router

from ..conftest import CORPUS

BACKENDS = ("embedded", "elasticsearch")


class Emulator:
    """A dedicated noida-db process serving the Elasticsearch API, for tests that stop the cluster."""

    def __init__(self, data_dir: Path, port: int) -> None:
        self.data_dir, self.port = data_dir, port
        self.url = f"http://127.0.0.1:{port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 30.0) -> None:
        binary = shutil.which("noida-db") or str(Path(os.sys.executable).parent / "noida-db")
        if not Path(binary).exists():
            _missing("noida-db is not installed (pip install -e .[dev])")
        self.process = subprocess.Popen(
            [binary, "start", "--data-dir", str(self.data_dir), "--only", "elasticsearch",
             "--elasticsearch-port", str(self.port)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        client = Elasticsearch(self.url, request_timeout=2, max_retries=0)
        deadline = time.monotonic() + timeout
        try:
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    pytest.fail(f"noida-db exited with {self.process.returncode} on port {self.port}")
                try:
                    client.info()
                    return
                except Exception:  # not listening yet
                    time.sleep(0.1)
        finally:
            client.close()
        self.stop()
        pytest.fail(f"noida-db did not answer on {self.url} within {timeout:.0f}s")

    def stop(self) -> None:
        """Stop the launcher and the server binary it started (they share a process group)."""
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and _listening(self.port):
            time.sleep(0.05)
        self.process = None


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _missing(reason: str) -> None:
    if os.environ.get("EARFUL_TEST_REQUIRE_ES") or os.environ.get("CI"):
        pytest.fail(f"{reason} (EARFUL_TEST_REQUIRE_ES/CI is set, so this is a failure)")
    pytest.skip(f"{reason}; scripts/test.sh starts a local Elasticsearch emulator and sets it")


@pytest.fixture(scope="session")
def es_url() -> str:
    """URL of a reachable Elasticsearch for tests."""
    url = os.environ.get("EARFUL_TEST_ES_URL", "")
    if not url:
        _missing("EARFUL_TEST_ES_URL is not set")
    client = Elasticsearch(url, request_timeout=10, max_retries=0)
    try:
        client.info()
    except Exception as exc:  # any failure means: no usable cluster here
        _missing(f"Elasticsearch at {url} does not answer ({type(exc).__name__})")
    finally:
        client.close()
    return url


def drop_prefix(url: str, prefix: str) -> None:
    """Delete the indices and templates under ``prefix`` (wildcard deletes are refused by ES 8)."""
    client = Elasticsearch(url, request_timeout=30)
    try:
        found = client.options(ignore_status=404).indices.get(index=f"{prefix}-mentions-v*")
        for name in (found.body if found.meta.status == 200 else {}):
            client.options(ignore_status=404).indices.delete(index=name)
        templates = client.options(ignore_status=404).indices.get_index_template(name=f"{prefix}-mentions-v*")
        for template in (templates.body.get("index_templates", []) if templates.meta.status == 200 else []):
            client.options(ignore_status=404).indices.delete_index_template(name=template["name"])
    finally:
        client.close()


@pytest.fixture
def es_prefix(es_url: str) -> Iterator[str]:
    prefix = f"earful-test-{uuid.uuid4().hex[:12]}"
    yield prefix
    drop_prefix(es_url, prefix)


def open_es(url: str, prefix: str, *, writable: bool = True, **options: object) -> ElasticsearchIndex:
    return ElasticsearchIndex(Elasticsearch(url, request_timeout=30), IndexNames(prefix), url=url,
                              writable=writable, **options)  # type: ignore[arg-type]


@pytest.fixture(params=BACKENDS)
def make_backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[], IndexBackend]]:
    """Factory for an empty index of the parametrized kind (a second call: a reader on the same data)."""
    opened: list[IndexBackend] = []
    prefix = request.getfixturevalue("es_prefix") if request.param == "elasticsearch" else ""
    url = request.getfixturevalue("es_url") if request.param == "elasticsearch" else ""

    def build() -> IndexBackend:
        if request.param == "elasticsearch":
            backend: IndexBackend = open_es(url, prefix, writable=not opened)
        else:
            backend = EmbeddedIndex(tmp_path / "index", writable=not opened)
        opened.append(backend)
        return backend

    yield build
    for backend in reversed(opened):
        backend.close()


@pytest.fixture
def empty_index(make_backend: Callable[[], IndexBackend]) -> IndexBackend:
    return make_backend()


@pytest.fixture
def index(empty_index: IndexBackend) -> IndexBackend:
    """The hand-built corpus of tests/search/conftest.py, on the parametrized backend."""
    empty_index.upsert(CORPUS)
    return empty_index


def ids_of(mentions: list[Mention]) -> list[str]:
    return [m.id for m in mentions]


NOW = datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc)


def demo_raws() -> list[RawMention]:
    return [RawMention(id=item.key, source="feed", source_name=f"demo-{item.feeds[0]}", author=item.author,
                       title=item.title, text=item.body, url=f"https://{item.feeds[0]}.example.com/{item.key}",
                       site=f"{item.feeds[0]}.example.com",
                       published_at=NOW - timedelta(hours=item.hours_ago), collected_at=NOW)
            for item in DEMO]


@pytest.fixture(scope="module")
def processed(tmp_path_factory: pytest.TempPathFactory) -> list[Mention]:
    """The demo corpus through the real processing stages, as stored mentions."""
    config = parse_config(demo_config("http://127.0.0.1:9"))
    index = EmbeddedIndex(tmp_path_factory.mktemp("demo") / "index")
    try:
        Processor(BrandMatcher(config.brands), FastTextDetector(), default_router(), index).process(demo_raws())
        hits = index.search(SearchRequest(filters=SearchFilters(include_duplicates=True), sort="oldest",
                                          limit=500, highlight=False)).hits
    finally:
        index.close()
    assert len(hits) > 150
    return [h.mention for h in hits]
