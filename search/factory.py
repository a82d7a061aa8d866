"""The one place that picks the index backend from settings."""

from __future__ import annotations

from earful.secrets import cursor_secret
from earful.settings import Settings
from search.base import IndexBackend


def open_index(settings: Settings, *, writable: bool) -> IndexBackend:
    """Elasticsearch when EARFUL_ES_URL is set, else the embedded tantivy index under EARFUL_DATA_DIR."""
    if settings.es_url:
        from search.elasticsearch import ElasticsearchIndex

        return ElasticsearchIndex.from_settings(settings, writable=writable)
    from search.embedded import EmbeddedIndex

    return EmbeddedIndex(settings.index_dir, writable=writable, cursor_secret=lambda: cursor_secret(settings))


def prepare_index(settings: Settings) -> None:
    """Make sure a reader finds an index (the embedded one is created empty when missing; Elasticsearch's
    writer creates its own). Needs the writer lock for a moment, so call it before the writer starts."""
    if settings.es_url:
        return
    from search.embedded import EmbeddedIndex

    if not EmbeddedIndex.exists(settings.index_dir):
        EmbeddedIndex(settings.index_dir, writable=True).close()
