"""Every analysis endpoint gives the same answer over either backend, on the processed demo corpus."""

from __future__ import annotations

import csv
import io
import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from cli.demo.feeds import demo_config
from earful.config import parse_config
from earful.models import Mention
from earful.settings import Settings
from earful.state import SQLiteStateStore
from search.embedded import EmbeddedIndex

from .conftest import drop_prefix, open_es

WEEK = {"since": "2026-11-13T12:00:00Z", "until": "2026-11-20T12:00:00Z"}
SPAN = {"since": "2026-10-30T00:00:00Z", "until": "2026-11-20T12:00:00Z"}


@pytest.fixture(scope="module")
def clients(processed: list[Mention], es_url: str, tmp_path_factory: pytest.TempPathFactory
            ) -> Iterator[dict[str, TestClient]]:
    """API clients over each backend with the demo config and one state store (saved searches)."""
    data = tmp_path_factory.mktemp("analytics-api")
    settings = Settings(data_dir=data)
    config = parse_config(demo_config("http://127.0.0.1:9"))
    state = SQLiteStateStore(Path(data) / "state.sqlite3")
    embedded = EmbeddedIndex(data / "index")
    prefix = f"earful-test-analytics-{uuid.uuid4().hex[:12]}"
    es = open_es(es_url, prefix)
    try:
        embedded.upsert(processed)
        es.upsert(processed)
        yield {name: TestClient(create_app(settings, index, state, config=config))
               for name, index in (("embedded", embedded), ("elasticsearch", es))}
    finally:
        embedded.close()
        es.close()
        state.close()
        drop_prefix(es_url, prefix)


def both(clients: dict[str, TestClient], path: str, params: dict[str, str]) -> list[object]:
    out = []
    for client in clients.values():
        response = client.get(path, params=params)
        assert response.status_code == 200, response.text
        json_body = response.headers["content-type"].startswith("application/json")
        out.append(response.json() if json_body else response.text)
    assert out[0] == out[1]
    return out


@pytest.mark.parametrize("params", [
    {"brands": "acme,globex,initech", "interval": "day", **SPAN, "tz": "Europe/Berlin"},
    {"brand": "acme", "interval": "week", **SPAN, "tz": "Asia/Tehran"},  # acme and its competitors
    {"brands": "acme,globex", "interval": "hour", "since": "2026-11-17T20:00:00Z", "until": "2026-11-18T08:00:00Z",
     "q": "outage OR network"},
])
def test_compare(clients: dict[str, TestClient], params: dict[str, str]) -> None:
    body = both(clients, "/api/v1/compare", params)[0]
    assert isinstance(body, dict)
    brands = [b["brand"] for b in body["brands"]]
    assert brands[0] == "acme" and len(brands) >= 2
    assert sum(b["total"]["count"] for b in body["brands"]) > 0
    for bucket in zip(*(b["buckets"] for b in body["brands"])):
        shares = [x["share_of_voice"] for x in bucket if x["share_of_voice"] is not None]
        assert not shares or abs(sum(shares) - 1) < 1e-3


@pytest.mark.parametrize("group_by", ["brand", "source", "site", "lang", "sentiment", "author"])
def test_trend_breakdowns(clients: dict[str, TestClient], group_by: str) -> None:
    body = both(clients, "/api/v1/trends", {"group_by": group_by, "size": "2", "interval": "day", **SPAN})[0]
    assert isinstance(body, dict)
    groups = body["groups"]
    assert groups and sum(g["total"] for g in groups) >= body["total"]  # several brands count once each
    assert all(len(g["buckets"]) == len(body["buckets"]) for g in groups)


@pytest.mark.parametrize("field", ["site", "author", "source", "lang", "brand"])
def test_top(clients: dict[str, TestClient], field: str) -> None:
    body = both(clients, "/api/v1/top", {"field": field, "size": "3", "brand": "acme"})[0]
    assert isinstance(body, dict) and body["values"]


def test_themes_of_the_outage_week(clients: dict[str, TestClient]) -> None:
    for compare_to in ("previous", "all"):
        body = both(clients, "/api/v1/themes", {"brand": "acme", "compare_to": compare_to, **WEEK})[0]
        assert isinstance(body, dict)
        terms = [t["term"] for t in body["themes"]]
        assert "outage" in terms[:3] and not any("acme" in t for t in terms)
        first = body["themes"][0]
        assert first["example"] and first["query"] and first["count"] >= 3


def test_ratings(clients: dict[str, TestClient]) -> None:
    body = both(clients, "/api/v1/ratings", {"brand": "acme", "interval": "week", "by_site": "true", **SPAN})[0]
    assert isinstance(body, dict) and body["series"][0]["site"] is None


@pytest.mark.parametrize("fmt", ["ndjson", "csv"])
def test_export_streams_the_same_bytes(clients: dict[str, TestClient], fmt: str) -> None:
    text = both(clients, "/api/v1/export", {"format": fmt, "brand": "acme", "sentiment": "negative"})[0]
    assert isinstance(text, str)
    if fmt == "ndjson":
        rows = [json.loads(line) for line in text.splitlines()]
    else:
        rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows and all("acme" in str(r["brands"]) for r in rows)
    times = [r["published_at"] for r in rows]
    assert times == sorted(times)
    rest = both(clients, "/api/v1/export", {"format": fmt, "brand": "acme", "sentiment": "negative",
                                            "after": rows[4]["id"]})[0]
    assert isinstance(rest, str) and rows[5]["id"] in rest and rows[4]["id"] not in rest


def test_saved_searches_work_in_every_endpoint(clients: dict[str, TestClient]) -> None:
    client = clients["embedded"]
    created = client.post("/api/v1/searches", json={"name": "acme-outage", "q": "outage",
                                                    "filters": {"brand": ["acme"], "since": "2026-11-01"}})
    assert created.status_code == 201, created.text
    assert client.post("/api/v1/searches", json={"name": "acme-outage"}).status_code == 400
    assert [s["name"] for s in client.get("/api/v1/searches").json()] == ["acme-outage"]
    for path, extra in (("/api/v1/compare", {}), ("/api/v1/trends", {"group_by": "source"}),
                        ("/api/v1/top", {"field": "site"}), ("/api/v1/themes", {"compare_to": "all"}),
                        ("/api/v1/ratings", {}), ("/api/v1/export", {})):
        both(clients, path, {"saved": "acme-outage", "until": "2026-11-20T12:00:00Z", **extra})
    export = both(clients, "/api/v1/export", {"saved": "acme-outage"})[0]
    assert isinstance(export, str) and all("outage" in line.lower() for line in export.splitlines())
    replaced = client.put("/api/v1/searches/acme-outage", json={"name": "acme-outage", "q": "refund*"})
    assert replaced.status_code == 200 and replaced.json()["q"] == "refund*"
    assert client.delete("/api/v1/searches/acme-outage").status_code == 204
    assert client.get("/api/v1/compare", params={"saved": "acme-outage"}).status_code == 400


@pytest.mark.parametrize(("path", "params", "says"), [
    ("/api/v1/compare", {}, "name the brands"),
    ("/api/v1/compare", {"brands": ",".join(f"b{i}" for i in range(11))}, "1 to 10 brands"),
    ("/api/v1/trends", {"group_by": "colour"}, "group_by"),
    ("/api/v1/top", {"field": "site", "size": "0"}, "size"),
    ("/api/v1/themes", {"compare_to": "never"}, "compare_to"),
    ("/api/v1/themes", {"brand": "acme", "since": "tomorrow"}, "since='tomorrow' is not a date"),
    ("/api/v1/export", {"format": "xlsx"}, "format"),
    ("/api/v1/export", {"after": "nope"}, "no stored mention"),
    ("/api/v1/ratings", {"saved": "nope"}, "no saved search"),
    ("/api/v1/compare", {"brands": "acme", "tz": "Mars/Base"}, "IANA"),
])
def test_bad_parameters_are_clear_400s(clients: dict[str, TestClient], path: str, params: dict[str, str],
                                       says: str) -> None:
    response = clients["embedded"].get(path, params=params)
    assert response.status_code == 400 and says in response.json()["detail"], response.text
