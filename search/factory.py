"""The one place that picks the index backend from settings."""

from __future__ import annotations

from earful.settings import Settings
from search.base import IndexBackend


def open_index(settings: Settings, *, writable: bool) -> IndexBackend:
    """The embedded tantivy index under EARFUL_DATA_DIR (Elasticsearch joins here later)."""
    from search.embedded import EmbeddedIndex

    return EmbeddedIndex(settings.index_dir, writable=writable)
