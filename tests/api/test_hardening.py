"""Answers one request cannot turn into harm: security headers everywhere, no caching of data, extreme values
as 400s, every 503 with Retry-After, and an OpenAPI schema that documents 400 (not 422)."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from earful.settings import Settings
from search.elasticsearch import ElasticsearchIndex
from search.elasticsearch.mapping import IndexNames
from search.embedded import EmbeddedIndex

PATHS = ["/api/v1/mentions", "/api/v1/trends", "/api/v1/sources", "/health", "/docs", "/openapi.json",
         "/no-such-page", "/api/v1/mentions?since=nonsense"]


@pytest.fixture
def client(tmp_path: Path, settings: Settings) -> TestClient:
    index = EmbeddedIndex(tmp_path / "index")
    return TestClient(create_app(settings, index))


@pytest.fixture
def down(settings: Settings) -> TestClient:
    """The API over an Elasticsearch that is not there (a port nothing listens on)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    settings = settings.model_copy(update={"es_url": url, "es_timeout": 1.0})
    from search.elasticsearch.client import connect

    index = ElasticsearchIndex(connect(settings), IndexNames("earful"), url=url, writable=False)
    return TestClient(create_app(settings, index))


@pytest.mark.parametrize("path", PATHS)
def test_every_answer_carries_the_security_headers(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "no-referrer"


@pytest.mark.parametrize("path", ["/api/v1/mentions", "/api/v1/trends", "/api/v1/sources", "/health",
                                  "/api/v1/mentions?limit=0"])
def test_data_is_never_cached(client: TestClient, path: str) -> None:
    assert client.get(path).headers["cache-control"] == "no-store"


@pytest.mark.parametrize("params", [
    {"since": "999999d"}, {"until": "9999-12-31T23:59:59-14:00"}, {"since": "0001-01-01T00:00:00+14:00"},
    {"until": "1000-01-01"}, {"since": "2300-01-01"}, {"since": "9999-12-31"}, {"until": "999999w"},
    {"since": "0001-01-01"}, {"since": "1-01-01T00:00:00Z"},
])
@pytest.mark.parametrize("path", ["/api/v1/mentions", "/api/v1/trends"])
def test_extreme_dates_are_400s(client: TestClient, params: dict[str, str], path: str) -> None:
    response = client.get(path, params=params)
    assert response.status_code == 400, response.text
    assert "since" in response.json()["detail"] or "until" in response.json()["detail"]


@pytest.mark.parametrize(("path", "params", "status"), [
    ("/api/v1/mentions", {"limit": str(10**40)}, 200),  # capped at 500
    ("/api/v1/mentions", {"limit": "-1"}, 400), ("/api/v1/mentions", {"cursor": "x" * 3000}, 400),
    ("/api/v1/mentions", {"sort": "random"}, 400), ("/api/v1/trends", {"interval": "year"}, 400),
    ("/api/v1/trends", {"tz": "../../etc/passwd"}, 400),
    ("/api/v1/trends", {"since": "1900-01-01", "interval": "hour"}, 400),  # too many buckets
])
def test_other_extreme_values_are_400s(client: TestClient, path: str, params: dict[str, str], status: int) -> None:
    assert client.get(path, params=params).status_code == status


@pytest.mark.parametrize("path", ["/health", "/api/v1/mentions", "/api/v1/trends"])
def test_every_503_says_when_to_retry(down: TestClient, path: str) -> None:
    response = down.get(path)
    assert response.status_code == 503
    assert int(response.headers["retry-after"]) > 0
    assert response.headers["cache-control"] == "no-store"


def test_the_schema_documents_what_the_api_answers(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert "HTTPValidationError" not in spec["components"]["schemas"]
    for path, item in spec["paths"].items():
        for operation in item.values():
            codes = set(operation["responses"])
            assert "422" not in codes
            if path.startswith("/api/"):
                assert {"400", "401", "503"} <= codes and codes & {"200", "201", "204"}
                assert "Retry-After" in operation["responses"]["503"]["headers"]
    assert "503" in spec["paths"]["/health"]["get"]["responses"]
