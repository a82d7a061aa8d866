"""The embedded index backend: tantivy in a local folder, no servers."""

from search.embedded.index import EmbeddedIndex

__all__ = ["EmbeddedIndex"]
