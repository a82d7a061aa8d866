"""``earful collect --once`` over real captured feeds served from 127.0.0.1: finished, refined, searchable
per brand with the passages read (bench/collect_real_feeds.py measures the same path over every feed)."""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient

from api.main import create_app
from bench.collect_real_feeds import serve
from earful.settings import Settings
from search.base import SearchFilters, SearchRequest
from search.embedded import EmbeddedIndex
from workers.sentiment import is_pending

FEEDS = ["feeder/rss_theguardian.xml", "feedjira/TechCrunch.xml", "feed-rs/rss_2.0_cloudflare.xml",
         "feeder/golem-de.xml"]
BRANDS = [
    {"id": "world", "name": "World news", "query": "government OR minister OR president OR police OR army OR "
                                                  "election* OR war OR regierung OR polizei"},
    {"id": "bigtech", "name": "Big tech", "query": "google OR apple OR microsoft OR amazon OR facebook OR "
                                                  "startup* OR android OR iphone OR windows"},
    {"id": "cloudflare", "name": "Cloudflare", "query": "cloudflare"},
]


@pytest.fixture
def feeds(shared_data: Path) -> Iterator[str]:
    server = serve(shared_data / "feeds-real")
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_real_feeds_are_collected_refined_and_searchable_per_brand(tmp_path: Path, feeds: str,
                                                                   earful_command: str) -> None:
    config = tmp_path / "earful.yaml"
    sources = [{"name": f"real-{i}", "type": "feed", "url": f"{feeds}/{path}"} for i, path in enumerate(FEEDS)]
    config.write_text(yaml.safe_dump({"brands": BRANDS, "sources": sources}), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("EARFUL_")}
    env |= {"EARFUL_CONFIG": str(config), "EARFUL_DATA_DIR": str(tmp_path / "data")}
    run = subprocess.run([earful_command, "collect", "--once"], env=env, capture_output=True, text=True,
                         timeout=600)
    assert run.returncode == 0, run.stderr
    indexed = int(re.search(r"done: collected .* indexed (\d+)", run.stderr).group(1))  # type: ignore[union-attr]
    refined = re.search(r"refined (\d+) mentions in [\d.]+s \(skipped 0, failed 0\); 0 still queued", run.stderr)
    assert indexed >= 40 and refined and int(refined.group(1)) == indexed, run.stderr

    index = EmbeddedIndex(tmp_path / "data" / "index", writable=False)
    try:
        mentions = [h.mention for h in index.search(SearchRequest(filters=SearchFilters(include_duplicates=True),
                                                                  limit=500, highlight=False)).hits]
        assert len(mentions) == indexed
        assert not [m.id for m in mentions if is_pending(m.sentiment)
                    or any(is_pending(s) for s in m.brand_sentiment.values())]
        assert all(set(m.brand_sentiment) == set(m.brands) for m in mentions)
        targeted = [(m, s) for m in mentions for s in m.brand_sentiment.values() if s.passages]
        assert len(targeted) >= 20 and all(s.model and "+target-" in s.model for _, s in targeted)
        for mention, toward in targeted:
            read = f"{mention.title}\n{mention.text}"
            assert all(read[p.start:p.end] == p.text for p in toward.passages)

        client = TestClient(create_app(Settings(data_dir=tmp_path / "api"), index))
        for brand in ("world", "bigtech", "cloudflare"):
            mine = [m for m in mentions if brand in m.brands and not m.duplicate_of]
            assert mine, brand
            for label in ("positive", "neutral", "negative"):
                body = client.get("/api/v1/mentions", params={"brand": brand, "sentiment": label,
                                                             "limit": "500"}).json()
                expected = {m.id for m in mine if m.brand_sentiment[brand].label == label}
                assert {item["id"] for item in body["items"]} == expected
    finally:
        index.close()
