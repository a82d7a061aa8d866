"""The Compare page: share of voice and net sentiment over time for brands side by side, totals and change."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.analytics_schemas import CompareOut
from api.dashboard.forms import Filters, read_filters
from api.dashboard.options import brand_names, form_options
from api.dashboard.trends import INTERVALS, TREND_RANGES, label_format
from api.dashboard.web import ViewerDep, render
from api.deps import ConfigDep, IndexDep, StateDep
from api.routes.compare import compare_brands
from earful.errors import BadRequest
from earful.params import split_list

router = APIRouter(include_in_schema=False)
MAX_BRANDS = 8


def lines(out: CompareOut, names: dict[str, str], field: str) -> list[dict[str, Any]]:
    return [{"name": names.get(b.brand, b.brand), "values": [getattr(bucket, field) for bucket in b.buckets]}
            for b in out.brands]


def charts(out: CompareOut, f: Filters, names: dict[str, str]) -> dict[str, dict[str, Any]]:
    """Share of voice (0..1) and net sentiment (−1..1) per brand and bucket, for the chart script."""
    starts = [b.start for b in out.brands[0].buckets] if out.brands else []
    fmt = label_format(out.interval)
    base = {"tz": out.tz, "x": [int(s.timestamp()) for s in starts], "labels": [s.strftime(fmt) for s in starts],
            "links": f.bucket_links(starts, out.until, brand=",".join(b.brand for b in out.brands))}
    return {"share": base | {"lines": lines(out, names, "share_of_voice"), "percent": True, "range": [0, 1]},
            "net": base | {"lines": lines(out, names, "net_sentiment"), "range": [-1, 1]}}


@router.get("/compare", response_class=HTMLResponse)
def compare_page(request: Request, seen: ViewerDep, index: IndexDep, config: ConfigDep, state: StateDep) -> HTMLResponse:
    """Brands compared over the period in the query string (default: every configured brand, 90 days by week)."""
    names = brand_names(config)
    options = form_options(request, config)
    options.ranges = dict(TREND_RANGES)
    context: dict[str, Any] = {"options": options, "intervals": INTERVALS, "f": Filters(range="90d"), "names": names,
                               "chosen": list(names)[:MAX_BRANDS], "problem": None, "error": None, "out": None}
    try:
        context["f"] = f = read_filters(request.query_params, request.cookies, default_range="90d",
                                        extra=("interval", "brands"))
        context["chosen"] = chosen = split_list([f.extra.get("brands", "")])[:MAX_BRANDS] or context["chosen"]
        interval = f.extra.get("interval", "week")
        context["problem"] = f.problem()
        if context["problem"] is None and chosen:
            out = compare_brands(index, config, f.scope(state, sentiment=False), f.zone, brands=chosen,
                                 interval=interval if interval in ("hour", "day", "week") else "day")  # type: ignore[arg-type]
            context |= {"out": out, "charts": charts(out, f, names)}
    except BadRequest as exc:
        context["error"] = str(exc)
    return render(request, seen, "compare.html", context)
