"""Elasticsearch aggregation requests -> tantivy, and tantivy results -> Elasticsearch shapes.

tantivy 0.27 follows ES's format with these differences, all handled here:
- ``calendar_interval``, ``time_zone`` and ``format`` are rejected or ignored -> BadRequest.
- ``filter`` takes a tantivy query string, not ES DSL -> the DSL is rewritten; ``filters``
  is missing -> expanded into one ``filter`` per key and merged back.
- date ``range`` bounds and date metrics are nanoseconds -> converted from/to milliseconds.
- histogram keys are floats, ``key_as_string`` lacks milliseconds -> ES form.
- terms with a ``size`` cut may omit ``doc_count_error_upper_bound`` -> added.
- keyed date histograms come back keyed by epoch ms, unordered -> keyed by key_as_string.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from earful.errors import BadRequest
from search.embedded.es_dsl_to_tantivy import to_millis, to_query_string
from search.fields import DATE_FIELDS, field_name

_SEP = "\x1f"
_NS_PER_MS = 1_000_000
_UNITS_MS = {"ms": 1, "s": 1000, "m": 60_000, "h": 3_600_000, "d": 86_400_000}
_METRICS = {"avg", "min", "max", "sum", "stats", "value_count", "cardinality", "percentiles"}


def es_date(millis: int) -> str:
    moment = datetime.fromtimestamp(millis / 1000, tz=timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{millis % 1000:03d}Z"


def parse_duration(text: str) -> int:
    """``1d``, ``-3h``, ``+30m`` -> milliseconds."""
    body = text.strip()
    sign = -1 if body.startswith("-") else 1
    body = body.lstrip("+-")
    for unit in ("ms", "s", "m", "h", "d"):
        if body.endswith(unit) and body[: -len(unit)].isdigit():
            return sign * int(body[: -len(unit)]) * _UNITS_MS[unit]
    raise BadRequest(f"invalid interval {text!r}; use e.g. 30m, 1h, 1d")


def _sub_aggs(spec: dict[str, Any]) -> dict[str, Any]:
    return spec.get("aggs") or spec.get("aggregations") or {}


def _kind(spec: dict[str, Any]) -> str:
    kinds = [k for k in spec if k not in ("aggs", "aggregations", "meta")]
    if len(kinds) != 1:
        raise BadRequest(f"aggregation must have exactly one type, got {kinds}")
    return kinds[0]


# -- request ---------------------------------------------------------------------------
def translate(aggs: dict[str, Any]) -> dict[str, Any]:
    """The tantivy request for an ES ``aggs`` object."""
    if not isinstance(aggs, dict):
        raise BadRequest("aggs must be an object of named aggregations")
    out: dict[str, Any] = {}
    for name, spec in aggs.items():
        if not isinstance(spec, dict):
            raise BadRequest(f"aggregation {name!r} must be an object")
        if _SEP in name:
            raise BadRequest(f"invalid aggregation name {name!r}")
        kind = _kind(spec)
        subs = translate(_sub_aggs(spec))
        if kind == "filters":
            for key, query in _filters_items(spec["filters"]):
                out[f"{name}{_SEP}{key}"] = _with_subs({"filter": to_query_string(query)}, subs)
            continue
        if kind == "filter":
            body: dict[str, Any] = {"filter": to_query_string(spec["filter"])}
        else:
            body = {kind: _translate_body(name, kind, spec[kind])}
        out[name] = _with_subs(body, subs)
    return out


def _with_subs(body: dict[str, Any], subs: dict[str, Any]) -> dict[str, Any]:
    if subs:
        body["aggs"] = subs
    return body


def _filters_items(spec: Any) -> list[tuple[str, Any]]:
    if not isinstance(spec, dict) or "filters" not in spec:
        raise BadRequest("filters aggregation needs {'filters': {...}}")
    if spec.keys() - {"filters"}:
        raise BadRequest(f"unsupported filters options {sorted(spec.keys() - {'filters'})}")
    filters = spec["filters"]
    if isinstance(filters, list):
        return [(str(i), q) for i, q in enumerate(filters)]
    if isinstance(filters, dict):
        return list(filters.items())
    raise BadRequest("filters must be an object or a list")


def _translate_body(name: str, kind: str, body: Any) -> Any:
    if not isinstance(body, dict):
        raise BadRequest(f"aggregation {name!r}: {kind} needs an object")
    body = dict(body)
    if "field" in body:
        body["field"] = field_name(body["field"])
    if kind == "date_histogram":
        for bad in ("calendar_interval", "time_zone", "interval"):
            if bad in body:
                raise BadRequest(f"aggregation {name!r}: {bad} is not supported; use fixed_interval "
                                 "(e.g. '1d') plus offset (e.g. '-5h') to align buckets to a time zone")
        if "format" in body:
            raise BadRequest(f"aggregation {name!r}: format is not supported; keys are epoch ms "
                             "and key_as_string is ISO 8601 UTC")
        if "fixed_interval" not in body:
            raise BadRequest(f"aggregation {name!r}: date_histogram needs fixed_interval")
        parse_duration(body["fixed_interval"])
        for bounds in ("extended_bounds", "hard_bounds"):
            if bounds in body:
                body[bounds] = {k: to_millis(v) for k, v in body[bounds].items()}
    if kind == "range" and body.get("field") in DATE_FIELDS:
        if "time_zone" in body or "format" in body:
            raise BadRequest(f"aggregation {name!r}: time_zone/format are not supported on range")
        body["ranges"] = [{k: (to_millis(v) * _NS_PER_MS if k in ("from", "to") else v)
                           for k, v in r.items()} for r in body.get("ranges", [])]
    return body


# -- response --------------------------------------------------------------------------
def normalize(aggs: dict[str, Any], result: dict[str, Any]) -> dict[str, Any]:
    """ES-shaped results for the ES request ``aggs`` from tantivy's ``result``."""
    out: dict[str, Any] = {}
    for name, spec in aggs.items():
        kind = _kind(spec)
        subs = _sub_aggs(spec)
        if kind == "filters":
            buckets = {key: _filter_result(subs, result.get(f"{name}{_SEP}{key}"))
                       for key, _ in _filters_items(spec["filters"])}
            listed = isinstance(spec["filters"]["filters"], list)
            out[name] = {"buckets": list(buckets.values()) if listed else buckets}
        elif kind == "filter":
            out[name] = _filter_result(subs, result.get(name))
        else:
            out[name] = _normalize_one(kind, spec[kind], subs, result.get(name))
    return out


def _filter_result(subs: dict[str, Any], value: dict[str, Any] | None) -> dict[str, Any]:
    value = value or {"doc_count": 0}
    return {"doc_count": int(value.get("doc_count", 0)), **normalize(subs, value)}


def _normalize_one(kind: str, body: dict[str, Any], subs: dict[str, Any],
                   value: dict[str, Any] | None) -> dict[str, Any]:
    field = field_name(body["field"]) if "field" in body else None
    if value is None:
        value = empty_result(kind, body, subs)
    if kind == "date_histogram":
        return _date_histogram(body, subs, value)
    if kind in ("terms", "range", "histogram"):
        return _buckets(kind, body, field, subs, value)
    if kind in _METRICS and field in DATE_FIELDS:
        return {k: (v / _NS_PER_MS if isinstance(v, (int, float)) and k != "count" else v)
                for k, v in value.items()}
    return value


def _bucket(subs: dict[str, Any], bucket: dict[str, Any]) -> dict[str, Any]:
    own = {k: v for k, v in bucket.items() if k not in subs}
    own["doc_count"] = int(own.get("doc_count", 0))
    return {**own, **normalize(subs, bucket)}


def _buckets(kind: str, body: dict[str, Any], field: str | None, subs: dict[str, Any],
             value: dict[str, Any]) -> dict[str, Any]:
    buckets = [_bucket(subs, b) for b in value.get("buckets", [])]
    if kind == "range":
        named = {r["key"] for r in body.get("ranges", []) if "key" in r}
        fix = _date_range_bucket if field in DATE_FIELDS else _number_range_bucket
        buckets = [fix(b, named) for b in buckets]
    out = {k: v for k, v in value.items() if k != "buckets"}
    if kind == "terms":
        out.setdefault("doc_count_error_upper_bound", 0)
        out.setdefault("sum_other_doc_count", 0)
    out["buckets"] = buckets
    return out


def _number_range_bucket(bucket: dict[str, Any], named: set[str]) -> dict[str, Any]:
    """ES names unnamed ranges after its double bounds: ``*-0.0``, not tantivy's ``*-0``."""
    if bucket.get("key") in named:
        return bucket
    ends = [repr(float(bucket[end])) if end in bucket else "*" for end in ("from", "to")]
    return {**bucket, "key": f"{ends[0]}-{ends[1]}"}


def _date_range_bucket(bucket: dict[str, Any], named: set[str]) -> dict[str, Any]:
    bucket = dict(bucket)
    ends = []
    for end in ("from", "to"):
        if end in bucket:
            millis = int(round(bucket[end] / _NS_PER_MS))
            bucket[end] = float(millis)
            bucket[f"{end}_as_string"] = es_date(millis)
            ends.append(bucket[f"{end}_as_string"])
        else:
            ends.append("*")
    if bucket.get("key") not in named:
        bucket["key"] = f"{ends[0]}-{ends[1]}"
    return bucket


def _date_histogram(body: dict[str, Any], subs: dict[str, Any],
                    value: dict[str, Any]) -> dict[str, Any]:
    raw = value.get("buckets", [])
    raw = list(raw.values()) if isinstance(raw, dict) else raw
    by_key: dict[int, dict[str, Any]] = {}
    for bucket in raw:
        key = int(bucket["key"])
        by_key[key] = {**_bucket(subs, bucket), "key": key, "key_as_string": es_date(key)}
    if int(body.get("min_doc_count", 0)) == 0:
        _fill(body, subs, by_key)
    buckets = [by_key[k] for k in sorted(by_key)]
    if body.get("keyed"):
        return {"buckets": {b["key_as_string"]: b for b in buckets}}
    return {"buckets": buckets}


def _fill(body: dict[str, Any], subs: dict[str, Any], by_key: dict[int, dict[str, Any]]) -> None:
    """Empty buckets between the first and last key and across extended_bounds, as ES does."""
    interval = parse_duration(body["fixed_interval"])
    offset = parse_duration(body["offset"]) if body.get("offset") else 0
    keys = list(by_key)
    bounds = body.get("extended_bounds") or {}
    keys += [to_millis(bounds[k]) for k in ("min", "max") if k in bounds]
    if not keys:
        return
    start = (min(keys) - offset) // interval * interval + offset
    stop = (max(keys) - offset) // interval * interval + offset
    for key in range(start, stop + 1, interval):
        if key not in by_key:
            by_key[key] = {"key_as_string": es_date(key), "key": key, "doc_count": 0,
                           **empty_results(subs)}


def empty_results(aggs: dict[str, Any]) -> dict[str, Any]:
    return normalize(aggs, {})


def empty_result(kind: str, body: dict[str, Any], subs: dict[str, Any]) -> dict[str, Any]:
    """What ES returns for an aggregation over no documents."""
    if kind in ("terms",):
        return {"doc_count_error_upper_bound": 0, "sum_other_doc_count": 0, "buckets": []}
    if kind in ("date_histogram", "histogram"):
        return {"buckets": []}
    if kind == "range":
        scale = _NS_PER_MS if body.get("field") and field_name(body["field"]) in DATE_FIELDS else 0
        return {"buckets": [_empty_range(r, subs, scale) for r in body.get("ranges", [])]}
    if kind == "stats":
        return {"count": 0, "min": None, "max": None, "avg": None, "sum": 0.0}
    if kind in ("value_count", "cardinality"):
        return {"value": 0}
    return {"value": None}


def _empty_range(spec: dict[str, Any], subs: dict[str, Any], scale: int) -> dict[str, Any]:
    low, high = spec.get("from"), spec.get("to")
    if scale:
        low = None if low is None else to_millis(low) * scale
        high = None if high is None else to_millis(high) * scale
    key = spec.get("key") or f"{'*' if low is None else low}-{'*' if high is None else high}"
    bucket: dict[str, Any] = {"key": key, "doc_count": 0}
    bucket.update({k: v for k, v in (("from", low), ("to", high)) if v is not None})
    return {**bucket, **empty_results(subs)}
