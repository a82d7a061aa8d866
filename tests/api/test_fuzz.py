"""Schemathesis against a real `earful serve` over a populated index: no 5xx, and every answer (status,
headers, body) is what the OpenAPI schema says. Bounded: a fixed number of examples per operation."""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import httpx
import pytest

KEY = "fuzz-key-0123456789"
EXAMPLES = int(os.environ.get("EARFUL_FUZZ_EXAMPLES", "100"))  # per operation (deterministic); raise it for a deeper run


def _populate(data_dir: Path) -> None:
    from cli.demo.corpus import CORPUS
    from cli.demo.feeds import demo_config
    from earful.config import parse_config
    from earful.models import RawMention
    from earful.rules import BrandMatcher
    from search.embedded import EmbeddedIndex
    from workers.language import FastTextDetector
    from workers.pipeline import Processor
    from workers.sentiment import default_router

    now = datetime.now(timezone.utc)
    raws = [RawMention(id=item.key, source="feed", source_name=f"demo-{item.feeds[0]}", author=item.author,
                       title=item.title, text=item.body, url=f"https://{item.feeds[0]}.example.com/{item.key}",
                       published_at=now - timedelta(hours=item.hours_ago), collected_at=now) for item in CORPUS]
    index = EmbeddedIndex(data_dir / "index")
    try:
        Processor(BrandMatcher(parse_config(demo_config("http://127.0.0.1:9")).brands), FastTextDetector(),
                  default_router(), index).process(raws)
    finally:
        index.close()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, earful_command: str) -> Iterator[str]:
    import socket

    data_dir = tmp_path_factory.mktemp("fuzz") / "data"
    _populate(data_dir)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("EARFUL_")}
    env.update(EARFUL_DATA_DIR=str(data_dir), EARFUL_API_KEYS=KEY, EARFUL_SENTIMENT_SCORERS="*:vader")
    process = subprocess.Popen([earful_command, "serve", "--port", str(port)], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                httpx.get(f"{url}/health", timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


CHECKS = ("not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,"
          "response_schema_conformance")


def _schemathesis(url: str, *extra: str, examples: int = EXAMPLES) -> subprocess.CompletedProcess[str]:
    binary = Path(os.sys.executable).parent / "schemathesis"
    command = [str(binary), "run", f"{url}/openapi.json", "--checks", CHECKS, "--max-examples", str(examples),
               "--phases", "examples,coverage,fuzzing", "--generation-deterministic", "--request-timeout", "30",
               "--suppress-health-check", "all", "--no-color", *extra]
    env = {k: v for k, v in os.environ.items() if not k.startswith("EARFUL_")}
    env["SCHEMATHESIS_HOOKS"] = ""
    with tempfile.TemporaryDirectory(prefix="earful-fuzz-") as workdir:  # its cache stays out of the checkout
        return subprocess.run(command, capture_output=True, text=True, timeout=600, env=env, cwd=workdir)


def test_the_api_answers_as_its_schema_says(served: str) -> None:
    result = _schemathesis(served, "--header", f"Authorization: Bearer {KEY}")
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert "No issues found" in result.stdout or "passed" in result.stdout


def test_without_a_key_the_api_answers_401_as_documented(served: str) -> None:
    # every answer is the same 401 before any parameter is read: a few examples per operation show it
    result = _schemathesis(served, "--include-path-regex", "^/api/", examples=5)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
