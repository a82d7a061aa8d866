"""The fields both index backends store, and how values are folded, tokenized and keyed for them.

Both backends index the same flattened fields, so one filter, query tree and aggregation
means the same on either.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone

import tantivy

from earful.errors import BadRequest
from earful.models import Mention
from earful.text import normalize_for_match

# Keyword fields: one raw token each, fast so they can be aggregated on.
KEYWORD_FIELDS = ("id", "source", "source_name", "lang", "brands", "sentiment_label", "site",
                  "author_kw", "content_hash", "duplicate_of", "site_host")
TEXT_FIELDS = ("title", "text", "author", "site_text")
DATE_FIELDS = ("published_at", "collected_at")
FLOAT_FIELDS = ("sentiment_score", "rating")  # rating: Rating.normalized, 0..1
# Score in thousandths, 0 when unscored: integer columns sum far faster than sparse floats,
# which is what per-bucket mean sentiment in trends needs.
INTEGER_FIELDS = ("sentiment_milli",)
UNSIGNED_FIELDS = ("is_dup", "sort_key")
# The same chain as tantivy's "default" tokenizer, so query words split exactly as indexed words.
ANALYZER = (tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
            .filter(tantivy.Filter.remove_long(40))
            .filter(tantivy.Filter.lowercase())
            .build())

HASH_BITS = 29
_HASH_MASK = (1 << HASH_BITS) - 1


def tokenize(text: str) -> list[str]:
    """Fold and split query text exactly as indexed text is folded and tokenized."""
    return ANALYZER.analyze(normalize_for_match(text))


def normalize_site(site: str) -> str:
    site = site.strip().lower().rstrip(".")
    return site[4:] if site.startswith("www.") else site


def site_suffixes(site: str) -> list[str]:
    """``news.example.com`` -> itself and ``example.com``, so a site filter covers subdomains."""
    parts = normalize_site(site).split(".")
    return [".".join(parts[i:]) for i in range(len(parts) - 1)] or [".".join(parts)]


def sort_key(published_at: datetime, mention_id: str) -> int:
    """Unique-ish, time-ordered key: epoch seconds in the high bits, a hash of the id below."""
    seconds = max(0, int(published_at.astimezone(timezone.utc).timestamp()))
    digest = int.from_bytes(hashlib.blake2b(mention_id.encode(), digest_size=8).digest(), "big")
    return (seconds << HASH_BITS) | (digest & _HASH_MASK)


def sentiment_milli(score: float | None) -> int:
    return 0 if score is None else round(score * 1000)


def normalized_rating(mention: Mention) -> float | None:
    return mention.rating.normalized if mention.rating is not None else None


# ES-side names callers may use for our flattened fields.
FIELD_ALIASES = {"sentiment.label": "sentiment_label", "sentiment.score": "sentiment_score",
                 "brand": "brands", "sentiment": "sentiment_label", "rating.normalized": "rating"}


def field_name(name: str) -> str:
    """Our field for an ES field name; BadRequest if there is none."""
    name = FIELD_ALIASES.get(name, name)
    if name not in KEYWORD_FIELDS + TEXT_FIELDS + DATE_FIELDS + FLOAT_FIELDS + INTEGER_FIELDS + UNSIGNED_FIELDS:
        raise BadRequest(f"unknown field {name!r} in aggregation or filter")
    return name
