"""The tantivy schema and the Mention <-> document mapping."""

from __future__ import annotations

import tantivy

from earful.models import Mention
from earful.text import normalize_for_match
from search.fields import (
    DATE_FIELDS,
    FLOAT_FIELDS,
    INTEGER_FIELDS,
    KEYWORD_FIELDS,
    TEXT_FIELDS,
    UNSIGNED_FIELDS,
    normalize_site,
    normalized_rating,
    sentiment_milli,
    site_suffixes,
    sort_key,
)

STORED_FIELD = "doc"


def build_schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    for name in KEYWORD_FIELDS:
        builder.add_text_field(name, stored=name in ("id", "content_hash"), fast=True,
                               tokenizer_name="raw", index_option="basic")
    for name in TEXT_FIELDS:
        builder.add_text_field(name, tokenizer_name="default", index_option="position")
    for name in DATE_FIELDS:
        builder.add_date_field(name, indexed=True, fast=True)
    for name in FLOAT_FIELDS:
        builder.add_float_field(name, indexed=True, fast=True)
    for name in INTEGER_FIELDS:
        builder.add_integer_field(name, indexed=False, fast=True)
    for name in UNSIGNED_FIELDS:
        builder.add_unsigned_field(name, indexed=True, fast=True)
    builder.add_bytes_field(STORED_FIELD, stored=True)
    return builder.build()


def field_names() -> frozenset[str]:
    return frozenset(KEYWORD_FIELDS + TEXT_FIELDS + DATE_FIELDS + FLOAT_FIELDS + INTEGER_FIELDS + UNSIGNED_FIELDS
                     + (STORED_FIELD,))


def to_document(mention: Mention) -> tantivy.Document:
    doc = tantivy.Document()
    keywords: dict[str, list[str]] = {
        "id": [mention.id],
        "source": [mention.source],
        "source_name": [mention.source_name],
        "lang": [mention.lang] if mention.lang else [],
        "brands": list(dict.fromkeys(mention.brands)),
        "sentiment_label": [mention.sentiment.label],
        "site": site_suffixes(mention.site) if mention.site else [],
        "author_kw": [mention.author] if mention.author else [],
        "content_hash": [mention.content_hash] if mention.content_hash else [],
        "duplicate_of": [mention.duplicate_of] if mention.duplicate_of else [],
        # One value per mention (``site`` holds every suffix), so sites can be counted and ranked.
        "site_host": [normalize_site(mention.site)] if mention.site else [],
    }
    for name, values in keywords.items():
        for value in values:
            doc.add_text(name, value)
    # Indexed folded exactly as brand rules fold text, so a search for اکمی finds اكمي and
    # words with Arabic or Hebrew diacritics are not split apart by the tokenizer.
    doc.add_text("title", normalize_for_match(mention.title))
    doc.add_text("text", normalize_for_match(mention.text))
    if mention.author:
        doc.add_text("author", normalize_for_match(mention.author))
    if mention.site:
        doc.add_text("site_text", normalize_site(mention.site))
    doc.add_date("published_at", mention.published_at)
    doc.add_date("collected_at", mention.collected_at)
    if mention.sentiment.score is not None:
        doc.add_float("sentiment_score", float(mention.sentiment.score))
    doc.add_integer("sentiment_milli", sentiment_milli(mention.sentiment.score))
    if (rating := normalized_rating(mention)) is not None:
        doc.add_float("rating", rating)
    doc.add_unsigned("is_dup", 1 if mention.duplicate_of else 0)
    doc.add_unsigned("sort_key", sort_key(mention.published_at, mention.id))
    doc.add_bytes(STORED_FIELD, mention.model_dump_json().encode("utf-8"))
    return doc


def from_document(doc: tantivy.Document) -> Mention:
    raw = doc.get_first(STORED_FIELD)
    return Mention.model_validate_json(raw)


def highlight_document(mention: Mention) -> tantivy.Document:
    """A throwaway document holding the highlightable fields (they are not stored twice)."""
    doc = tantivy.Document()
    doc.add_text("title", mention.title)
    doc.add_text("text", mention.text)
    return doc
