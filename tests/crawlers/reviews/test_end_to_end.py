"""End to end: `earful collect --once` and plain `scrapy crawl` → embedded index → the search API."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml
from fastapi.testclient import TestClient

from api.main import create_app
from earful.settings import Settings
from earful.state import SQLiteStateStore
from search.factory import open_index
from tests.crawlers import review_server as helper

REPO = Path(__file__).resolve().parents[3]


page_server = helper.page_server
FAST = {"EARFUL_CRAWL_DELAY": "0", "EARFUL_CRAWL_AUTOTHROTTLE": "false", "EARFUL_FETCH_TIMEOUT": "10"}


def environment(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EARFUL_")}
    return {**env, **FAST, "EARFUL_DATA_DIR": str(data_dir), **extra}


def reviews_api(data_dir: Path) -> list[dict[str, Any]]:
    settings = Settings(data_dir=data_dir)
    index = open_index(settings, writable=False)
    try:
        client = TestClient(create_app(settings, index))
        body = client.get("/api/v1/mentions", params={"source": "review", "limit": 100}).json()
    finally:
        index.close()
    return list(body["items"])


def test_earful_collect_once_indexes_reviews_found_by_source_review(
        page_server: Any, tmp_path: Path, earful_command: str, shared_data: Path) -> None:
    config = {"brands": [{"id": "acme", "name": "Acme", "query": "acme"}],
              "sources": [{"type": "reviews", "name": "pioneer", "brand": "acme", "interval": "1h",
                           "urls": [page_server.url("review-pages/thepioneerwoman.html")]}]}
    config_file = tmp_path / "earful.yaml"
    config_file.write_text(yaml.safe_dump(config), encoding="utf-8")
    data_dir = tmp_path / "data"
    run = subprocess.run([earful_command, "collect", "--once"], capture_output=True, text=True, timeout=300,
                         env=environment(data_dir, EARFUL_CONFIG=str(config_file)))
    assert run.returncode == 0, run.stderr
    expected = json.loads((shared_data / "review-pages" / "thepioneerwoman.expected.json").read_text())
    items = reviews_api(data_dir)
    assert sorted(i["text"] for i in items) == sorted(" ".join(r["reviewBody"].split()) for r in expected["reviews"])
    assert all(i["source"] == "review" and i["brands"] == ["acme"] and i["source_name"] == "pioneer" for i in items)
    assert all(i["rating"] == {"raw": "5", "scale": 5.0, "normalized": 1.0} for i in items)
    with SQLiteStateStore(data_dir / "state.sqlite3") as state:
        health = state.get("health:pioneer")
        crawl = state.get("crawl:pioneer")
    assert health is not None and health["last_status"] == "ok" and health["last_indexed"] == len(items)
    assert crawl is not None and len(crawl["seen"]) == len(items)
    assert [(a["raw"], a["review_count"]) for a in crawl["aggregates"]] == [("5", 4)]
    # A second run finds nothing new and indexes nothing twice.
    again = subprocess.run([earful_command, "collect", "--once"], capture_output=True, text=True, timeout=300,
                           env=environment(data_dir, EARFUL_CONFIG=str(config_file)))
    assert again.returncode == 0, again.stderr
    assert len(reviews_api(data_dir)) == len(items)


def test_plain_scrapy_crawl_delivers_to_the_index(page_server: Any, tmp_path: Path, shared_data: Path) -> None:
    data_dir = tmp_path / "data"
    url = page_server.url("review-pages/extruct__schema.org__CreativeWork.001.html")
    run = subprocess.run([sys.executable, "-m", "scrapy", "crawl", "reviews", "-a", f"url={url}", "-a", "brand=acme"],
                         cwd=REPO, capture_output=True, text=True, timeout=300, env=environment(data_dir))
    assert run.returncode == 0, run.stderr[-3000:]
    items = reviews_api(data_dir)
    assert sorted((i["author"], i["rating"]["raw"]) for i in items) == [("Bob Smith", "4"), ("John Doe", "5")]
    assert "delivered 2 mentions" in run.stderr
