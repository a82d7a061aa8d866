"""The most frequent values of a field (sites, authors, sources, languages) with their sentiment."""

from __future__ import annotations

from dataclasses import dataclass

from earful.errors import BadRequest
from earful.query import Node
from search.analytics.fields import index_field
from search.analytics.series import LABEL_TERMS, Tally
from search.base import IndexBackend, SearchFilters

MAX_SIZE = 100
_SLACK = 10  # values asked beyond ``size`` so that ties at the cut are broken the same way everywhere


@dataclass
class TopValue:
    value: str
    tally: Tally


@dataclass
class TopValues:
    field: str
    values: list[TopValue]
    other: int  # occurrences of every value not listed


def top_values(index: IndexBackend, query: Node | None, filters: SearchFilters, field: str,
               size: int = 10) -> TopValues:
    """The ``size`` values held by most matching mentions (ties by value), each with label counts."""
    if not 1 <= size <= MAX_SIZE:
        raise BadRequest(f"size must be between 1 and {MAX_SIZE}, got {size}")
    aggs = {"top": {"terms": {"field": index_field(field), "size": size + _SLACK},
                    "aggs": {"labels": LABEL_TERMS}}}
    result = index.aggregate(query, filters, aggs)["top"]
    values = []
    for bucket in result["buckets"]:
        tally = Tally()
        tally.add_labels(bucket, ratings=False)
        values.append(TopValue(str(bucket["key"]), tally))
    values.sort(key=lambda v: (-v.tally.count, v.value))
    other = int(result.get("sum_other_doc_count") or 0) + sum(v.tally.count for v in values[size:])
    return TopValues(field=field, values=values[:size], other=other)


def top_keys(index: IndexBackend, query: Node | None, filters: SearchFilters, field: str,
             size: int) -> tuple[list[str], int]:
    """Just the values, and how many occurrences the others have."""
    found = top_values(index, query, filters, field, size)
    return [v.value for v in found.values], found.other
