"""An index built before per-brand sentiment is migrated on either backend (embedded: rebuilt; Elasticsearch:
template v2 to v3), keeps every mention, reads each brand's sentiment, and the rescore then gives each
brand its own."""

from __future__ import annotations

import copy
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from elasticsearch import Elasticsearch

from earful.errors import IndexUnavailable
from earful.models import Mention, Sentiment
from search.base import IndexBackend, SearchFilters
from search.elasticsearch import admin as es_admin
from search.elasticsearch import mapping as es_mapping
from search.elasticsearch.mapping import TEMPLATE_VERSION, IndexNames, to_source
from search.elasticsearch.migrate import migrate as es_migrate
from search.embedded import EmbeddedIndex
from search.embedded import schema as embedded_schema
from search.embedded.migrate import migrate as embedded_migrate
from search.embedded.migrate import needs_migration
from search.fields import BRAND_FIELDS
from search.trends import trend
from workers.refine import Refiner, SQLiteRefineQueue, queue_outdated
from workers.sentiment import default_router

from .contract.conftest import es_prefix, es_url, open_es  # noqa: F401  (fixtures)

WHEN = datetime(2026, 2, 2, tzinfo=timezone.utc)
TEXTS = {"acme": "Acme support was wonderful and fixed everything, great service.",
         "globex": "Globex was terrible, the worst outage and awful support."}


def before_per_brand() -> list[Mention]:
    """Mentions as the previous version stored them: an overall sentiment, none per brand."""
    router = default_router()
    out = []
    for i in range(12):
        brands = ["acme", "globex"] if i % 3 == 0 else ["acme"] if i % 3 == 1 else ["globex"]
        text = " ".join(TEXTS[b] for b in brands)
        [sentiment] = router.score([("en", text)])
        out.append(Mention(id=f"old{i}", source="reddit", source_name="r", text=text, lang="en", brands=brands,
                           published_at=WHEN + timedelta(hours=i), content_hash=f"o{i}", sentiment=sentiment))
    return out


def previous_mappings() -> dict[str, Any]:
    """Elasticsearch template v2's mappings: today's without the per-brand fields."""
    old = copy.deepcopy(es_mapping.MAPPINGS)
    del old["dynamic_templates"]
    for name in BRAND_FIELDS:
        del old["properties"][name]
    return old


def by_brand_label(index: IndexBackend, brand: str, label: str) -> int:
    return index.count(filters=SearchFilters(brands=[brand], sentiments=[label]))


def rescore_and_check(index: IndexBackend, tmp_path: Path) -> None:
    """Every migrated mention reads its overall label toward each brand until rescored, then its own."""
    docs = before_per_brand()
    for brand in ("acme", "globex"):
        assert by_brand_label(index, brand, "positive") == sum(
            1 for m in docs if brand in m.brands and m.sentiment.label == "positive")
    queue = SQLiteRefineQueue(tmp_path / "refine.sqlite3")
    router = default_router()
    assert queue_outdated(index, router, queue) == (12, 12)  # none has a score per brand yet
    assert Refiner(queue, index, router).run_once().refined == 12
    assert queue_outdated(index, router, queue) == (12, 0)
    both = [m for m in index.get([f"old{i}" for i in range(0, 12, 3)])]
    assert all(set(m.brand_sentiment) == {"acme", "globex"} for m in both)
    buckets = trend(index, None, SearchFilters(brands=["acme"]), interval="day", since=WHEN,
                    until=WHEN + timedelta(days=1), tz=timezone.utc)  # type: ignore[arg-type]
    assert sum(b.count for b in buckets) == 8
    queue.close()


def test_an_embedded_index_from_before_is_rebuilt_with_each_brands_sentiment(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "index"
    with monkeypatch.context() as before:  # the schema and documents of the previous version
        before.setattr(embedded_schema, "BRAND_FIELDS", ())
        before.setattr(embedded_schema, "brand_values", lambda m: ({}, {}))
        old = EmbeddedIndex(path)
        old.upsert(before_per_brand())
        old.close()
    assert needs_migration(path)
    with pytest.raises(IndexUnavailable, match="earful index migrate"):
        EmbeddedIndex(path)
    assert embedded_migrate(path, lambda _: None) == 12 and not needs_migration(path)
    index = EmbeddedIndex(path)
    try:
        rescore_and_check(index, tmp_path)
    finally:
        index.close()


def test_an_elasticsearch_index_from_template_v2_is_migrated_to_v3(
        es_url: str, es_prefix: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    names = IndexNames(es_prefix)
    client = Elasticsearch(es_url, request_timeout=30)
    with monkeypatch.context() as before:  # what the previous version installed and wrote
        before.setattr(es_mapping, "MAPPINGS", previous_mappings())
        before.setattr(es_mapping, "brand_values", lambda m: ({}, {}))
        es_admin.install_template(client, names, None, version=2)
        client.indices.create(index=names.first_index(2), aliases={
            names.read_alias: {}, names.write_alias: {"is_write_index": True}})
        for mention in before_per_brand():
            client.index(index=names.write_alias, id=mention.id, document=to_source(mention, WHEN))
        client.indices.refresh(index=names.read_alias)
    client.close()
    index = open_es(es_url, es_prefix)
    try:
        with pytest.raises(IndexUnavailable):  # the v2 mapping refuses the per-brand fields
            index.upsert([before_per_brand()[0].model_copy(update={"sentiment": Sentiment()})])
        result = es_migrate(index.client, index.names, progress=lambda _: None)
        assert result.new_index == f"{es_prefix}-mentions-v{TEMPLATE_VERSION}-000001" and result.copied == 12
        assert result.old_indices == [names.first_index(2)]
        rescore_and_check(index, tmp_path)
    finally:
        index.close()
