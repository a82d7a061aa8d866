"""The Elasticsearch 8 backend: time-based indices behind read/write aliases, one versioned template."""

from search.elasticsearch.index import ElasticsearchIndex

__all__ = ["ElasticsearchIndex"]
