"""The fields analyses group by, as users name them, and the index fields behind them."""

from __future__ import annotations

from typing import Any, Literal

from earful.errors import BadRequest

GroupBy = Literal["brand", "source", "site", "lang", "sentiment", "author"]
# source: the configured source's name (demo-news, reddit-telco), the finer of the two source fields.
FIELDS: dict[str, str] = {"brand": "brands", "source": "source_name", "site": "site_host", "lang": "lang",
                          "sentiment": "sentiment_label", "author": "author_kw"}
OTHER = "\x00other"  # the group of every other value; never a real value


def index_field(name: str) -> str:
    if name not in FIELDS:
        raise BadRequest(f"cannot group by {name!r}; use one of {', '.join(FIELDS)}")
    return FIELDS[name]


def value_groups(field: str, values: list[str], *, other: bool) -> dict[str, dict[str, Any]]:
    """One filter per value, and one for mentions holding none of them."""
    groups: dict[str, dict[str, Any]] = {v: {"term": {field: v}} for v in values}
    if other:
        groups[OTHER] = {"bool": {"must_not": [{"terms": {field: values}}]}} if values else {"match_all": {}}
    return groups
