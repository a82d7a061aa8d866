"""The Themes page: the words and phrases that drive the talk about a brand in a period, each opening its mentions."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.analytics_schemas import ThemesOut
from api.dashboard.forms import Filters, read_filters
from api.dashboard.options import LANGUAGE_NAMES, brand_names, form_options
from api.dashboard.web import ViewerDep, render
from api.deps import ConfigDep, IndexDep, StateDep
from api.routes.themes import list_themes
from earful.errors import BadRequest
from search.analytics.themes import Background

router = APIRouter(include_in_schema=False)
BACKGROUNDS = (("previous", "the period before"), ("all", "all of its mentions"))
THEME_RANGES = {"24h": "last 24 hours", "7d": "last 7 days", "30d": "last 30 days", "90d": "last 90 days"}
SHOWN = 15


def theme_links(out: ThemesOut, f: Filters) -> list[str]:
    """Per theme, the Mentions page for the same filters and period, with the theme as the query."""
    since, until = out.since.isoformat(), out.until.isoformat()
    return [f.link("/mentions", q=f"({f.q}) AND {t.query}" if f.q.strip() else t.query, since=since, until=until,
                   range="", start="", end="", compare_to="", sort="relevance") for t in out.themes]


@router.get("/themes", response_class=HTMLResponse)
def themes_page(request: Request, seen: ViewerDep, index: IndexDep, config: ConfigDep, state: StateDep) -> HTMLResponse:
    """Themes of the brand and period in the query string, against the period before (or all its mentions)."""
    options = form_options(request, config)
    options.ranges = dict(THEME_RANGES)
    first = next(iter(brand_names(config)), "")
    context: dict[str, Any] = {"options": options, "backgrounds": BACKGROUNDS, "f": Filters(range="7d", brand=first),
                               "problem": None, "error": None, "out": None, "languages": LANGUAGE_NAMES}
    try:
        f = read_filters(request.query_params, request.cookies, default_range="7d", extra=("compare_to",))
        context["f"] = f = f if f.brand or "brand" in request.query_params else replace(f, brand=first)
        compare_to: Background = "all" if f.extra.get("compare_to") == "all" else "previous"
        context["problem"] = f.problem()
        if context["problem"] is None:
            out = list_themes(index, config, f.scope(state), f.zone, compare_to=compare_to, size=SHOWN)
            context |= {"out": out, "links": theme_links(out, f)}
    except BadRequest as exc:
        context["error"] = str(exc)
    return render(request, seen, "themes.html", context)
