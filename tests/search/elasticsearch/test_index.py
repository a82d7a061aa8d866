"""Elasticsearch-only behaviour: time-based indices, rollover, migration, failures, the CLI."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from dataclasses import replace

import pytest
from elasticsearch import Elasticsearch
from fastapi.testclient import TestClient

from api.main import create_app
from earful.errors import IndexUnavailable
from earful.query.ast import Term
from earful.settings import Settings
from search.base import SearchFilters, SearchRequest
from search.elasticsearch import ElasticsearchIndex
from search.elasticsearch import admin as es_admin
from search.elasticsearch import cursor as es_cursor
from search.elasticsearch.bulk import BulkWriteError
from search.elasticsearch.mapping import TEMPLATE_VERSION, IndexNames, to_source
from search.elasticsearch.migrate import migrate
from search.factory import open_index

from ..conftest import CORPUS, at, make
from ..contract.conftest import drop_prefix, es_prefix, es_url, open_es  # noqa: F401  (fixtures)


@pytest.fixture
def es(es_url: str, es_prefix: str) -> Iterator[ElasticsearchIndex]:  # noqa: F811
    index = open_es(es_url, es_prefix)
    index.upsert(CORPUS)
    yield index
    index.close()


def indices_behind(client: Elasticsearch, alias: str) -> list[str]:
    return sorted(es_admin.alias_indices(client, alias))


def test_first_write_creates_template_index_and_aliases(es: ElasticsearchIndex) -> None:
    names = es.names
    first = names.first_index()
    assert indices_behind(es.client, names.read_alias) == [first]
    assert es_admin.write_index(es.client, names) == first
    template = es.client.indices.get_index_template(name=names.template())["index_templates"][0]
    assert template["index_template"]["version"] == TEMPLATE_VERSION
    mapping = es.client.indices.get_mapping(index=first)[first]["mappings"]["properties"]
    assert mapping["brands"]["type"] == "keyword" and mapping["published_at"]["type"] == "date"
    assert mapping["text"]["fields"]["english"]["analyzer"] == "english"
    assert mapping["sentiment_score"]["type"] == "double"


def test_upsert_after_rollover_replaces_in_the_old_index(es: ElasticsearchIndex) -> None:
    old = es.names.first_index()
    new = es_admin.rollover(es.client, es.names)
    assert new and new != old and es_admin.write_index(es.client, es.names) == new
    assert indices_behind(es.client, es.names.read_alias) == [old, new]
    es.upsert([CORPUS[0].model_copy(update={"title": "Acme apology"}), make("n1", "brand new", at(2024, 4, 1))])
    homes = {h["_id"]: h["_index"] for h in es.client.search(
        index=es.names.read_alias, query={"ids": {"values": ["a1", "n1"]}}, source=False)["hits"]["hits"]}
    assert homes == {"a1": old, "n1": new}
    assert es.count(filters=SearchFilters(include_duplicates=True)) == len(CORPUS) + 1
    assert [m.title for m in es.get(["a1"])] == ["Acme apology"]
    assert {m.id for m in es.get(["a1", "n1", "a3"])} == {"a1", "n1", "a3"}
    assert es.find_by_content_hash(["h1", "h-n1"]) == {"h1": "a1", "h-n1": "n1"}


def test_a_stray_copy_in_another_index_is_removed_on_upsert(es: ElasticsearchIndex) -> None:
    new = es_admin.rollover(es.client, es.names)
    from datetime import datetime, timezone

    es.client.index(index=str(new), id="a2", document=to_source(CORPUS[1], datetime.now(timezone.utc)),
                    refresh=True)
    assert es.count(Term("widget")) == 2
    es.upsert([CORPUS[1]])
    assert es.count(Term("widget")) == 1 and len(es.get(["a2"])) == 1


def test_rollover_conditions_not_met_keep_the_write_index(es: ElasticsearchIndex) -> None:
    assert es_admin.rollover(es.client, es.names, max_age="3650d") is None
    assert es_admin.write_index(es.client, es.names) == es.names.first_index()


def test_rejected_documents_are_reported_and_raised(es: ElasticsearchIndex) -> None:
    write = es.names.first_index()
    es.client.indices.put_settings(index=write, settings={"index.blocks.write": True})
    try:
        with pytest.raises(BulkWriteError, match="2 of 2 mentions were not indexed") as caught:
            es.upsert([make("w1", "blocked", at(2024, 4, 1)), make("w2", "blocked", at(2024, 4, 2))])
        assert sorted(f.id for f in caught.value.failures) == ["w1", "w2"]
        assert isinstance(caught.value, IndexUnavailable)  # the processing path spools the batch
    finally:
        es.client.indices.put_settings(index=write, settings={"index.blocks.write": False})
    es.upsert([make("w1", "blocked", at(2024, 4, 1))])
    assert es.count(Term("blocked")) == 1


def test_migrate_copies_swaps_aliases_and_keeps_serving(es: ElasticsearchIndex) -> None:
    names, old = es.names, es.names.first_index()
    es_admin.rollover(es.client, names)
    es.upsert([make("m1", "after rollover", at(2024, 4, 1))])
    messages: list[str] = []
    result = migrate(es.client, names, version=TEMPLATE_VERSION + 1, progress=messages.append)
    target = f"{names.prefix}-mentions-v{TEMPLATE_VERSION + 1}-000001"
    assert result.new_index == target and result.copied == len(CORPUS) + 1
    assert indices_behind(es.client, names.read_alias) == [target]
    assert es_admin.write_index(es.client, names) == target
    assert es.client.indices.exists(index=old)  # kept, outside the aliases
    assert es.count(filters=SearchFilters(include_duplicates=True)) == len(CORPUS) + 1
    assert {h.mention.id for h in es.search(SearchRequest(query=Term("refund"))).hits} == {"a1", "a7"}
    es.upsert([CORPUS[0].model_copy(update={"title": "moved"})])
    assert [m.title for m in es.get(["a1"])] == ["moved"]
    assert any("now point to" in m for m in messages)
    again = migrate(es.client, names, version=TEMPLATE_VERSION + 1, progress=messages.append)
    assert again.new_index is None and "nothing to do" in messages[-1]


@pytest.mark.parametrize("how", ["without snapshot", "expired snapshot"])
def test_relevance_paging_goes_on_without_its_point_in_time(es: ElasticsearchIndex, how: str) -> None:
    request = SearchRequest(limit=3, highlight=False)
    first = es.search(request)
    assert first.next_cursor
    position = es_cursor.decode(first.next_cursor, es.signer)
    assert position.pit
    if how == "expired snapshot":
        es.client.close_point_in_time(id=position.pit)
        cursor = first.next_cursor
    else:
        cursor = es_cursor.encode(es_cursor.RelevanceCursor(after=position.after[:2]), es.signer)
    seen = [h.mention.id for h in first.hits]
    while cursor:
        page = es.search(replace(request, cursor=cursor))
        seen += [h.mention.id for h in page.hits]
        cursor = page.next_cursor
    assert sorted(seen) == sorted(m.id for m in CORPUS if not m.duplicate_of)


def test_status_lists_indices_with_counts(es: ElasticsearchIndex) -> None:
    es_admin.rollover(es.client, es.names)
    infos = es_admin.status(es.client, es.names)
    assert [(i.name, i.docs, i.read, i.write) for i in infos] == [
        (es.names.first_index(), len(CORPUS), True, False),
        (f"{es.names.prefix}-mentions-v{TEMPLATE_VERSION}-000002", 0, True, True)]
    assert all(i.size_bytes > 0 and i.version == TEMPLATE_VERSION for i in infos)


def cli_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EARFUL_")}
    return {**env, **extra}


def test_cli_index_status_and_rollover(es: ElasticsearchIndex, es_url: str, earful_command: str) -> None:  # noqa: F811
    env = cli_env(EARFUL_ES_URL=es_url, EARFUL_ES_INDEX_PREFIX=es.names.prefix)
    rolled = subprocess.run([earful_command, "index", "rollover", "--force"], env=env, capture_output=True,
                            text=True, timeout=60)
    assert rolled.returncode == 0, rolled.stderr
    assert "-000002" in rolled.stderr
    shown = subprocess.run([earful_command, "index", "status"], env=env, capture_output=True, text=True,
                           timeout=60)
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert any(es.names.first_index() in line and f" {len(CORPUS)} " in line and "read" in line for line in lines)
    assert any("-000002" in line and "write" in line for line in lines)


def test_cli_index_status_on_the_embedded_index(settings: Settings, earful_command: str) -> None:
    index = open_index(settings, writable=True)
    index.upsert(CORPUS)
    index.close()
    env = cli_env(EARFUL_DATA_DIR=str(settings.data_dir))
    shown = subprocess.run([earful_command, "index", "status"], env=env, capture_output=True, text=True,
                           timeout=60)
    assert shown.returncode == 0, shown.stderr
    assert str(settings.index_dir) in shown.stdout
    assert f"{len(CORPUS)} (1 exact copies)" in shown.stdout
    migrate_cmd = subprocess.run([earful_command, "index", "migrate"], env=env, capture_output=True, text=True,
                                 timeout=60)
    # the embedded index was built by this version: nothing to rebuild (tests/search/embedded/test_migrate.py)
    assert migrate_cmd.returncode == 0 and "nothing to do" in migrate_cmd.stderr


def test_factory_picks_elasticsearch_when_configured(settings: Settings) -> None:
    chosen = open_index(settings.model_copy(update={"es_url": "http://127.0.0.1:9"}), writable=False)
    assert isinstance(chosen, ElasticsearchIndex)
    chosen.close()


@pytest.fixture
def down(free_port) -> Iterator[ElasticsearchIndex]:  # type: ignore[no-untyped-def]
    """A backend pointed at a port where nothing listens: Elasticsearch is down."""
    url = f"http://127.0.0.1:{free_port()}"
    index = ElasticsearchIndex(Elasticsearch(url, max_retries=1, request_timeout=5), IndexNames("earful-test-down"),
                               url=url)
    yield index
    index.close()


@pytest.mark.parametrize("call", [
    lambda i: i.upsert(CORPUS), lambda i: i.get(["a1"]), lambda i: i.find_by_content_hash(["h1"]),
    lambda i: i.search(SearchRequest(query=Term("x"))), lambda i: i.count(),
    lambda i: i.aggregate(None, SearchFilters(), {"l": {"terms": {"field": "lang"}}}),
])
def test_unreachable_cluster_is_index_unavailable(down: ElasticsearchIndex, call) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(IndexUnavailable, match="not reachable.*EARFUL_ES_URL"):
        call(down)


def test_api_answers_503_when_elasticsearch_is_down(down: ElasticsearchIndex, settings: Settings) -> None:
    client = TestClient(create_app(settings, down))
    for path in ("/api/v1/mentions?q=refund", "/api/v1/trends?interval=day"):
        response = client.get(path)
        assert response.status_code == 503
        assert "not reachable" in response.json()["detail"] and "EARFUL_ES_URL" in response.json()["detail"]
        assert response.headers["retry-after"] == "10"


def test_missing_index_is_explained(es_url: str, es_prefix: str) -> None:  # noqa: F811
    reader = open_es(es_url, es_prefix, writable=False)
    try:
        with pytest.raises(IndexUnavailable, match="no Earful index"):
            reader.count()
    finally:
        reader.close()
