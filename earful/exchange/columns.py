"""The export's columns: a Mention flattened to one row, and a row back to a Mention's fields.

NDJSON lines hold the Mention as nested JSON. CSV rows hold one column per field; nested
fields are named with a dot (``sentiment.label``, ``rating.normalized``), list fields
(``brands``) are joined with ``|``, missing values are empty cells, times are ISO 8601 UTC.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from earful.models import Mention

COLUMNS: tuple[str, ...] = (
    "id", "published_at", "source", "source_name", "brands", "lang", "title", "text", "url", "author",
    "site", "sentiment.label", "sentiment.score", "sentiment.model", "rating.raw", "rating.scale",
    "rating.normalized", "engagement.score", "engagement.comments", "engagement.shares",
    "collected_at", "lang_hint", "content_hash", "duplicate_of", "near_dup_of",
)
LIST_SEPARATOR = "|"
_NESTED = ("sentiment", "rating", "engagement")


_PATHS = [(column, *column.partition(".")[::2]) for column in COLUMNS]


def flatten(mention: Mention) -> dict[str, Any]:
    """Column -> value (None for missing) for one mention."""
    data = mention.model_dump(mode="json")
    row: dict[str, Any] = {}
    for column, head, tail in _PATHS:
        value = data.get(head)
        if tail:
            value = value.get(tail) if value else None
        row[column] = LIST_SEPARATOR.join(value) if type(value) is list else value
    return row


def unflatten(row: dict[str, str]) -> dict[str, Any]:
    """A CSV row (column -> text) as the nested fields a Mention is validated from; empty cells are missing."""
    data: dict[str, Any] = {}
    for column, text in row.items():
        if column not in COLUMNS or text is None or text == "":
            continue
        head, _, tail = column.partition(".")
        value: Any = text.split(LIST_SEPARATOR) if column == "brands" else text
        if tail:
            data.setdefault(head, {})[tail] = value
        else:
            data[head] = value
    return data


def is_export_header(header: list[str]) -> bool:
    """Whether a CSV header is Earful's own export (then no mapping is needed)."""
    return {"id", "published_at", "source", "text"} <= set(header) and set(header) <= set(COLUMNS)


def to_mention(fields: dict[str, Any], *, flat: bool) -> Mention:
    """A mention from an NDJSON object (``flat`` False) or a CSV row; ValueError says what is wrong."""
    try:
        return Mention.model_validate(unflatten(fields) if flat else fields)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'mention'}: {e['msg']}"
                             for e in exc.errors()[:3])
        raise ValueError(problems) from None
