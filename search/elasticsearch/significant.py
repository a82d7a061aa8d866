"""Theme candidates from Elasticsearch's ``significant_text``: the request and its documented response.

Elasticsearch reads every term of a sample of the foreground and counts each in the
background (``background_filter``), which the embedded index cannot do cheaply; its terms
join the candidates Earful samples itself, and every candidate is then counted exactly and
scored in Earful (search/analytics/themes.py), so both backends rank alike. Servers without
the aggregation (older or compatible ones) answer 400, and Earful's own sampling is used alone.

Request (``sampler`` bounds the foreground as Earful's sample does; ``exclude`` takes exact
terms, so brand prefixes are filtered afterwards)::

    {"size": 0, "query": FOREGROUND,
     "aggs": {"sample": {"sampler": {"shard_size": 300},
              "aggs": {"themes": {"significant_text": {
                  "field": "text_folded", "size": 60, "min_doc_count": 3,
                  "background_filter": BACKGROUND, "exclude": [STOP WORDS…], "jlh": {}}}}}}}

Response::

    {"aggregations": {"sample": {"doc_count": 300, "themes": {
        "doc_count": 300, "bg_count": 25671,
        "buckets": [{"key": "outage", "doc_count": 63, "score": 0.41, "bg_count": 5148}, …]}}}}
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

FIELD = "text_folded"


@dataclass(frozen=True)
class SignificantTerm:
    term: str
    fg: int  # sampled foreground documents holding it
    bg: int  # background documents holding it


def significant_text_request(foreground: dict[str, Any], background: dict[str, Any], *, sample_size: int,
                             size: int, min_doc_count: int, exclude: list[str]) -> dict[str, Any]:
    body = {"field": FIELD, "size": size, "min_doc_count": min_doc_count, "background_filter": background,
            "exclude": sorted(exclude), "jlh": {}}
    return {"size": 0, "query": foreground,
            "aggs": {"sample": {"sampler": {"shard_size": sample_size},
                                "aggs": {"themes": {"significant_text": body}}}}}


def significant_terms(response: dict[str, Any]) -> list[SignificantTerm]:
    """The buckets of a response, in Elasticsearch's order; a malformed response gives none."""
    try:
        buckets = response["aggregations"]["sample"]["themes"]["buckets"]
        return [SignificantTerm(str(b["key"]), int(b["doc_count"]), int(b["bg_count"])) for b in buckets]
    except (KeyError, TypeError, ValueError):
        return []


def unsupported(error: Exception) -> bool:
    """Whether a failed request means the server lacks the aggregation (not that the request is wrong)."""
    text = str(error)
    return "Unknown aggregation type" in text or "unknown_named_object" in text or "significant_text" in text
