"""The Elasticsearch index template, index names, and the Mention <-> document mapping.

Field names match the embedded index (``search/fields.py``), so the same filter and
aggregation JSON works on both backends. Matching runs on ``*_folded`` fields that hold
the tokens the embedded index would produce (Earful's own folding and tokenizer, joined
by spaces and split on whitespace here), so a query matches the same mentions on both
backends. ``title``/``text`` keep the original text for display and highlighting, with a
standard-tokenizer analyzer and an English sub-field.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from earful.models import Mention
from earful.text import _MAP as _FOLD_MAP
from earful.text import _REMOVE as _FOLD_REMOVE
from search.fields import (
    normalize_site,
    normalized_rating,
    sentiment_milli,
    site_suffixes,
    sort_key,
    tokenize,
)

# Bump when mappings or derived fields change; `earful index migrate` moves data across.
TEMPLATE_VERSION = 2
FOLDED_FIELDS = {"title": "title_folded", "text": "text_folded", "author": "author_folded"}
MENTION_KEY = "mention"  # the whole Mention (minus title/text, kept once at top level)

_KEYWORD = {"type": "keyword"}
_TEXT = {"type": "text", "analyzer": "earful_text",
         "fields": {"english": {"type": "text", "analyzer": "english"}}}
_FOLDED = {"type": "text", "analyzer": "whitespace"}

MAPPINGS: dict[str, Any] = {
    "dynamic": "strict",
    "_source": {"excludes": sorted(FOLDED_FIELDS.values())},
    "properties": {
        **{name: _KEYWORD for name in ("id", "source", "source_name", "lang", "brands", "sentiment_label",
                                        "site", "author_kw", "content_hash", "duplicate_of",
                                        "site_host")},
        "title": _TEXT, "text": _TEXT,
        "author": {"type": "text", "analyzer": "earful_text"},
        "site_text": {"type": "text", "analyzer": "earful_text"},
        **{name: _FOLDED for name in FOLDED_FIELDS.values()},
        "published_at": {"type": "date"}, "collected_at": {"type": "date"}, "indexed_at": {"type": "date"},
        # double, not float: averages and sums then agree with the embedded index to the last digit
        "sentiment_score": {"type": "double"},
        "sentiment_milli": {"type": "integer"},
        "rating": {"type": "double"},
        "is_dup": {"type": "byte"},
        "sort_key": {"type": "long"},
        MENTION_KEY: {"type": "object", "enabled": False},
    },
}


def _fold_mappings() -> list[str]:
    """earful.text's letter unifications and removed marks as a ``mapping`` char filter.

    Elasticsearch's own arabic/persian_normalization filters would do the same, but a
    char filter needs no analysis plugin and keeps highlight offsets on the original text.
    """
    table = {**_FOLD_MAP, "\u0401": "\u0435"}  # the mapping runs before lowercasing: Ё too
    pairs = [f"\\u{ord(k):04x}=>{v}" for k, v in table.items()]
    return pairs + [f"\\u{cp:04x}=>" for cp in _FOLD_REMOVE]


ANALYSIS: dict[str, Any] = {
    "char_filter": {"earful_fold": {"type": "mapping", "mappings": _fold_mappings()}},
    "analyzer": {"earful_text": {"type": "custom", "tokenizer": "standard", "char_filter": ["earful_fold"],
                                 "filter": ["lowercase"]}}}


@dataclass(frozen=True)
class IndexNames:
    """Every name derived from EARFUL_ES_INDEX_PREFIX."""

    prefix: str

    @property
    def read_alias(self) -> str:
        return f"{self.prefix}-mentions"

    @property
    def write_alias(self) -> str:
        return f"{self.prefix}-mentions-write"

    def template(self, version: int = TEMPLATE_VERSION) -> str:
        return f"{self.prefix}-mentions-v{version}"

    def pattern(self, version: int = TEMPLATE_VERSION) -> str:
        return f"{self.prefix}-mentions-v{version}-*"

    def first_index(self, version: int = TEMPLATE_VERSION) -> str:
        # The numeric suffix lets the rollover API name the next index (…-000002).
        return f"{self.prefix}-mentions-v{version}-000001"


def version_of(index_name: str, names: IndexNames) -> int | None:
    """Template version encoded in a concrete index name, None for foreign indices."""
    head = f"{names.prefix}-mentions-v"
    if not index_name.startswith(head):
        return None
    number = index_name[len(head):].split("-", 1)[0]
    return int(number) if number.isdigit() else None


def template_body(names: IndexNames, *, shards: int = 1, replicas: int | None = None,
                  version: int = TEMPLATE_VERSION) -> dict[str, Any]:
    settings: dict[str, Any] = {"number_of_shards": shards, "analysis": ANALYSIS}
    if replicas is not None:
        settings["number_of_replicas"] = replicas
    return {"index_patterns": [names.pattern(version)], "version": version, "priority": 100 + version,
            "_meta": {"earful_template_version": version},
            "template": {"settings": settings,
                         "mappings": {**MAPPINGS, "_meta": {"earful_template_version": version}}}}


def folded(text: str) -> str:
    """The embedded index's tokens for ``text``, space-separated."""
    return " ".join(tokenize(text))


def to_source(mention: Mention, indexed_at: datetime) -> dict[str, Any]:
    """The document stored for ``mention``."""
    stored = mention.model_dump(mode="json", exclude={"title", "text"})
    doc: dict[str, Any] = {
        "id": mention.id, "source": mention.source, "source_name": mention.source_name,
        "lang": mention.lang, "brands": list(dict.fromkeys(mention.brands)),
        "sentiment_label": mention.sentiment.label,
        "site": site_suffixes(mention.site) if mention.site else None,
        "site_text": normalize_site(mention.site) if mention.site else None,
        "site_host": normalize_site(mention.site) if mention.site else None,
        "author": mention.author, "author_kw": mention.author,
        "content_hash": mention.content_hash or None, "duplicate_of": mention.duplicate_of,
        "title": mention.title, "text": mention.text,
        "title_folded": folded(mention.title), "text_folded": folded(mention.text),
        "author_folded": folded(mention.author) if mention.author else None,
        "published_at": stored["published_at"], "collected_at": stored["collected_at"],
        "indexed_at": indexed_at.isoformat(),
        "sentiment_score": mention.sentiment.score,
        "sentiment_milli": sentiment_milli(mention.sentiment.score),
        "rating": normalized_rating(mention),
        "is_dup": 1 if mention.duplicate_of else 0,
        "sort_key": sort_key(mention.published_at, mention.id),
        MENTION_KEY: stored,
    }
    return {k: v for k, v in doc.items() if v is not None}


def from_source(source: dict[str, Any]) -> Mention:
    return Mention.model_validate({**source[MENTION_KEY], "title": source.get("title", ""),
                                   "text": source.get("text", "")})
