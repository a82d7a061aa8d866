"""Rewrites Elasticsearch query DSL (the subset used in ``filter`` aggregations) into tantivy query strings.

tantivy's own ``filter`` aggregation takes a query in tantivy's query language, not ES DSL,
so filters are rewritten into that language and run natively in the same pass.
Supported: match_all, match_none, term, terms, range, exists, bool (must, filter,
should, must_not), match_phrase (on title, text, author).
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from earful.errors import BadRequest
from search.fields import (
    DATE_FIELDS,
    FLOAT_FIELDS,
    INTEGER_FIELDS,
    KEYWORD_FIELDS,
    TEXT_FIELDS,
    UNSIGNED_FIELDS,
    field_name,
    tokenize,
)

_MATCH_NONE = "id: IN []"
_RANGE_OPS = {"gte": "[", "gt": "{", "lte": "]", "lt": "}"}


def to_millis(value: Any) -> int:
    """ES date value (epoch ms or ISO 8601 string) -> epoch milliseconds."""
    if isinstance(value, bool):
        raise BadRequest(f"invalid date {value!r}")
    if isinstance(value, (int, float)):
        return int(value)
    if isinstance(value, str):
        if value.startswith("now"):
            raise BadRequest("date math ('now-1d') is not supported; send absolute dates")
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError as exc:
            raise BadRequest(f"invalid date {value!r}; use ISO 8601 or epoch milliseconds") from exc
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=timezone.utc)
        return int(parsed.timestamp() * 1000)
    raise BadRequest(f"invalid date {value!r}")


def _rfc3339(millis: int) -> str:
    moment = datetime.fromtimestamp(millis / 1000, tz=timezone.utc)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _literal(field: str, value: Any) -> str:
    if field in DATE_FIELDS:
        return _rfc3339(to_millis(value))
    if field in FLOAT_FIELDS + INTEGER_FIELDS + UNSIGNED_FIELDS:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise BadRequest(f"field {field!r} needs a number, got {value!r}")
        return repr(float(value)) if field in FLOAT_FIELDS else str(int(value))
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


def _single(spec: Any, kind: str) -> tuple[str, Any]:
    if not isinstance(spec, dict) or len(spec) != 1:
        raise BadRequest(f"{kind} query needs exactly one field")
    return next(iter(spec.items()))


def _term(spec: Any) -> str:
    name, value = _single(spec, "term")
    if isinstance(value, dict):
        value = value.get("value")
    field = field_name(name)
    literal = _literal(field, value)
    if field in KEYWORD_FIELDS + TEXT_FIELDS:
        return f"{field}:{literal}"
    return f"{field}:[{literal} TO {literal}]"


def _terms(spec: Any) -> str:
    name, values = _single(spec, "terms")
    if not isinstance(values, list):
        raise BadRequest("terms query needs a list of values")
    field = field_name(name)
    if not values:
        return _MATCH_NONE
    if field in KEYWORD_FIELDS:
        return f"{field}: IN [{' '.join(_literal(field, v) for v in values)}]"
    return "(" + " OR ".join(_term({name: v}) for v in values) + ")"


def _match_phrase(spec: Any) -> str:
    """Words in order on a text field, tokenised as indexed text is."""
    name, value = _single(spec, "match_phrase")
    if isinstance(value, dict):
        value = value.get("query")
    field = field_name(name)
    if field not in TEXT_FIELDS or not isinstance(value, str):
        raise BadRequest(f"match_phrase needs a text field ({', '.join(TEXT_FIELDS)}) and a string")
    words = tokenize(value)
    return f'{field}:"{" ".join(words)}"' if words else _MATCH_NONE


def _range(spec: Any) -> str:
    name, bounds = _single(spec, "range")
    if not isinstance(bounds, dict):
        raise BadRequest("range query needs bounds")
    extra = set(bounds) - set(_RANGE_OPS)
    if extra:
        raise BadRequest(f"unsupported range options {sorted(extra)}; use gte/gt/lte/lt "
                         "with absolute UTC dates")
    field = field_name(name)
    low, high = ("[", "*"), ("]", "*")
    for op in ("gte", "gt"):
        if op in bounds:
            low = (_RANGE_OPS[op], _literal(field, bounds[op]))
    for op in ("lte", "lt"):
        if op in bounds:
            high = (_RANGE_OPS[op], _literal(field, bounds[op]))
    return f"{field}:{low[0]}{low[1]} TO {high[1]}{high[0]}"


def _clauses(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value]
    return [to_query_string(item) for item in items]


def _bool(spec: Any) -> str:
    if not isinstance(spec, dict):
        raise BadRequest("bool query needs an object")
    extra = set(spec) - {"must", "filter", "should", "must_not", "minimum_should_match", "boost"}
    if extra:
        raise BadRequest(f"unsupported bool options {sorted(extra)}")
    required = _clauses(spec.get("must", [])) + _clauses(spec.get("filter", []))
    should = _clauses(spec.get("should", []))
    msm = spec.get("minimum_should_match")
    if msm not in (None, 1, "1"):
        raise BadRequest("bool minimum_should_match other than 1 is not supported")
    parts = [f"+{q}" for q in required]
    if should and (not required or msm is not None):
        parts.append("+(" + " OR ".join(should) + ")")
    parts += [f"-{q}" for q in _clauses(spec.get("must_not", []))]
    if not any(p.startswith("+") for p in parts):
        parts.insert(0, "*")  # tantivy rejects a purely negative query
    return "(" + " ".join(parts) + ")"


def to_query_string(query: Any) -> str:
    """The tantivy query-language form of one ES query object."""
    if not isinstance(query, dict) or len(query) != 1:
        raise BadRequest(f"invalid filter query {query!r}: expected one query type")
    kind, spec = next(iter(query.items()))
    if kind == "match_all":
        return "*"
    if kind == "match_none":
        return _MATCH_NONE
    if kind == "exists":
        field = field_name(str((spec or {}).get("field", "")))
        return f"{field}:*"
    builders = {"term": _term, "terms": _terms, "range": _range, "bool": _bool, "match_phrase": _match_phrase}
    if kind not in builders:
        raise BadRequest(f"unsupported filter query {kind!r}; use term, terms, range, bool, "
                         "match_phrase, match_all or exists")
    return "(" + builders[kind](spec) + ")"
