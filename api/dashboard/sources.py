"""The Sources page: every source's health, and the background services of every running Earful process."""

from __future__ import annotations

from datetime import datetime, timezone

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.dashboard.forms import TZ_COOKIE
from api.dashboard.web import ViewerDep, render
from api.deps import ConfigDep, StateDep
from api.routes.sources import list_sources
from earful.errors import BadRequest
from earful.params import parse_zone
from workers.services import published

router = APIRouter(include_in_schema=False)


@router.get("/sources", response_class=HTMLResponse)
def sources_page(request: Request, seen: ViewerDep, config: ConfigDep, state: StateDep) -> HTMLResponse:
    """What every source collected, its errors by kind and next run; then the running processes' services."""
    try:
        zone = parse_zone(request.cookies.get(TZ_COOKIE) or "UTC")
    except BadRequest:
        zone = parse_zone("UTC")
    context = {"sources": list_sources(config, state), "processes": published(state),
               "now": datetime.now(timezone.utc), "zone": zone}
    return render(request, seen, "sources.html", context)
