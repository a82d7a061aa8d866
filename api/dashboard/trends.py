"""The Trends page: volume over time stacked by sentiment, its table, and each bucket opening its mentions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.dashboard.forms import Filters, read_filters
from api.dashboard.options import LANGUAGE_NAMES, brand_names, form_options
from api.dashboard.web import ViewerDep, render
from api.deps import ConfigDep, IndexDep, StateDep
from api.routes.trends import trends
from api.schemas import TrendBucketOut, TrendOut
from earful.errors import BadRequest

router = APIRouter(include_in_schema=False)
INTERVALS = (("hour", "hour"), ("day", "day"), ("week", "week"))
TREND_RANGES = {"24h": "last 24 hours", "7d": "last 7 days", "30d": "last 30 days", "90d": "last 90 days",
                "365d": "last 12 months"}
SERIES = ("negative", "neutral", "positive", "unscored")  # stacked bottom to top
BREAKDOWNS = (("brand", "brand"), ("source", "source"), ("lang", "language"), ("site", "site"))
GROUPS = 5  # lines in a breakdown, the rest summed as "other"


def group_names(out: TrendOut, names: dict[str, str]) -> list[str]:
    """A breakdown's series names: brand names for brands, "other" for the rest."""
    return ["other" if g.other else names.get(g.value or "", g.value or "—") for g in out.groups or []]


def chart_data(out: TrendOut, f: Filters, fmt: str, names: dict[str, str]) -> dict[str, Any]:
    """What the chart script draws: x in epoch seconds, one count list per sentiment (or per value of a
    breakdown), labels and links."""
    starts = [b.start for b in out.buckets]
    data = {"tz": out.tz, "interval": out.interval, "x": [int(s.timestamp()) for s in starts],
            "series": {name: [getattr(b, name) for b in out.buckets] for name in SERIES},
            "labels": [s.strftime(fmt) for s in starts], "links": f.bucket_links(starts, out.until)}
    if out.groups:
        data["groups"] = [{"name": name, "values": [b.count for b in g.buckets]}
                          for name, g in zip(group_names(out, names), out.groups)]
    return data


def summary(buckets: list[TrendBucketOut], chart: dict[str, Any]) -> dict[str, Any]:
    """The chart in words: its busiest and its most negative bucket, each with its label and link."""
    def top(value: Callable[[TrendBucketOut], int]) -> dict[str, Any] | None:
        i = max(range(len(buckets)), key=lambda n: value(buckets[n]), default=None)
        if i is None or not value(buckets[i]):
            return None
        return {"label": chart["labels"][i], "link": chart["links"][i], "value": value(buckets[i])}

    return {"peak": top(lambda b: b.count), "worst": top(lambda b: b.negative)}


def label_format(interval: str) -> str:
    return "%Y-%m-%d %H:%M" if interval == "hour" else "%a %Y-%m-%d"


@router.get("/trends", response_class=HTMLResponse)
def trends_page(request: Request, seen: ViewerDep, index: IndexDep, config: ConfigDep,
                state: StateDep) -> HTMLResponse:
    """Mention volume per hour, day or week in the chosen time zone, for the filters in the query string."""
    options = form_options(request, config)
    options.ranges = dict(TREND_RANGES)
    context: dict[str, Any] = {"options": options, "intervals": INTERVALS, "breakdowns": BREAKDOWNS,
                               "f": Filters(range="30d"),
                               "problem": None, "error": None, "trend": None}
    try:
        context["f"] = f = read_filters(request.query_params, request.cookies, default_range="30d",
                                        extra=("interval", "group_by"))
        interval = f.extra.get("interval", "day")
        group_by = f.extra.get("group_by") if f.extra.get("group_by") in dict(BREAKDOWNS) else None
        context["problem"] = f.problem()
        if context["problem"] is None:
            out = trends(index, f.scope(state, sentiment=False), f.zone, group_by=group_by, size=GROUPS,  # type: ignore[arg-type]
                         interval=interval if interval in ("hour", "day", "week") else "day")  # type: ignore[arg-type]
            out.groups = [g for g in out.groups or [] if g.total or not g.other] or None  # no empty "other" line
            names = brand_names(config) if group_by == "brand" else LANGUAGE_NAMES if group_by == "lang" else {}
            chart = chart_data(out, f, label_format(out.interval), names)
            context |= {"trend": out, "chart": chart, "summary": summary(out.buckets, chart),
                        "groups": group_names(out, names)}
    except BadRequest as exc:
        context["error"] = str(exc)
    return render(request, seen, "trends.html", context)
