"""Aggregation requests for Elasticsearch: the embedded index's JSON, field names resolved.

Both backends take the same Elasticsearch aggregation JSON; callers may name fields the
way the Mention model does (``sentiment.label``), which is mapped to the indexed field
here exactly as the embedded backend maps it. Everything else passes through unchanged.
"""

from __future__ import annotations

from typing import Any

from earful.errors import BadRequest
from search.elasticsearch.mapping import FOLDED_FIELDS, folded
from search.fields import DATE_FIELDS, field_name

_BOOL_PARTS = ("must", "filter", "should", "must_not")
_FIELD_IN_BODY = ("exists",)


def translate_aggs(aggs: Any) -> dict[str, Any]:
    if not isinstance(aggs, dict):
        raise BadRequest("aggs must be an object of named aggregations")
    return {name: _agg(name, spec) for name, spec in aggs.items()}


def _agg(name: str, spec: Any) -> dict[str, Any]:
    if not isinstance(spec, dict):
        raise BadRequest(f"aggregation {name!r} must be an object")
    kinds = [k for k in spec if k not in ("aggs", "aggregations", "meta")]
    if len(kinds) != 1:
        raise BadRequest(f"aggregation {name!r} must have exactly one type, got {kinds}")
    out = dict(spec)
    kind = kinds[0]
    body = spec[kind]
    if kind == "filter":
        out[kind] = translate_query(body)
    elif kind == "filters":
        out[kind] = _filters(body)
    elif isinstance(body, dict) and "field" in body:
        out[kind] = {**body, "field": field_name(str(body["field"]))}
        if kind == "range" and out[kind]["field"] in DATE_FIELDS:
            # date_range is the documented form for dates (same buckets); some ES-compatible
            # servers only bucket dates through it
            out["date_range"] = out.pop(kind)
    for key in ("aggs", "aggregations"):
        if key in spec:
            out[key] = translate_aggs(spec[key])
    return out


def _filters(body: Any) -> Any:
    if not isinstance(body, dict) or "filters" not in body:
        raise BadRequest("filters aggregation needs {'filters': {...}}")
    filters = body["filters"]
    if isinstance(filters, list):
        return {**body, "filters": [translate_query(q) for q in filters]}
    if isinstance(filters, dict):
        return {**body, "filters": {k: translate_query(q) for k, q in filters.items()}}
    raise BadRequest("filters must be an object or a list")


def translate_query(query: Any) -> dict[str, Any]:
    """An ES query with field names resolved (BadRequest for unknown fields)."""
    if not isinstance(query, dict) or len(query) != 1:
        raise BadRequest(f"invalid filter query {query!r}: expected one query type")
    kind, spec = next(iter(query.items()))
    if kind == "bool":
        if not isinstance(spec, dict):
            raise BadRequest("bool query needs an object")
        out = dict(spec)
        for part in _BOOL_PARTS:
            if part in spec:
                items = spec[part] if isinstance(spec[part], list) else [spec[part]]
                out[part] = [translate_query(item) for item in items]
        return {"bool": out}
    if kind == "match_phrase" and isinstance(spec, dict) and len(spec) == 1:
        return {kind: _folded_phrase(*next(iter(spec.items())))}
    if kind in _FIELD_IN_BODY and isinstance(spec, dict):
        return {kind: {**spec, "field": field_name(str(spec.get("field", "")))}}
    if kind in ("match_all", "match_none") or not isinstance(spec, dict):
        return {kind: spec}
    return {kind: {(k if k in ("boost", "_name") else field_name(k)): v for k, v in spec.items()}}


def _folded_phrase(name: str, value: Any) -> dict[str, Any]:
    """A phrase on the field holding the embedded index's tokens, so both match the same mentions."""
    text = value.get("query") if isinstance(value, dict) else value
    field = field_name(name)
    if field not in FOLDED_FIELDS or not isinstance(text, str):
        raise BadRequest(f"match_phrase needs a text field ({', '.join(FOLDED_FIELDS)}) and a string")
    return {FOLDED_FIELDS[field]: folded(text)}
