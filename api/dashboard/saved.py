"""Saved searches on the Mentions page: save what is on screen, open one again."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from starlette.datastructures import QueryParams

from api.dashboard.forms import RANGES, Filters, read_filters
from api.dashboard.web import ENV, ViewerDep, form_fields
from api.deps import StateDep
from api.routes.searches import create_search
from earful.errors import BadRequest
from earful.saved_searches import SavedFilters, SavedSearch, SavedSearchIn

router = APIRouter(include_in_schema=False)


def to_saved(name: str, description: str, f: Filters) -> SavedSearchIn:
    """What is on screen as a saved search: relative periods stay relative (``7d`` means the last 7 days)."""
    def one(value: str) -> list[str]:
        return [v for v in value.split(",") if v]

    filters = SavedFilters(brand=one(f.brand), source=one(f.source), lang=one(f.lang), sentiment=one(f.sentiment),
                           since=f.since(), until=f.until())
    return SavedSearchIn(name=name, q=f.query(), filters=filters, description=description)


def page_params(saved: SavedSearch) -> dict[str, str]:
    """A saved search as the Mentions page's parameters, so the form shows what it holds."""
    s = saved.filters
    params = {"q": saved.q or "", "brand": ",".join(s.brand), "source": ",".join(s.source),
              "lang": ",".join(s.lang), "sentiment": ",".join(s.sentiment)}
    if s.since in RANGES and not s.until:
        params["range"] = s.since
    else:
        params |= {"since": s.since or "", "until": s.until or "", "range": "all"}
    return {k: v for k, v in params.items() if v}


def _result(request: Request, f: Filters, ok: bool, message: str) -> Response:
    """For htmx, the message alone; without JavaScript, back to the same search."""
    if request.headers.get("hx-request"):
        html = ENV.get_template("_saved.html").render(ok=ok, message=message)
        return HTMLResponse(html, headers={"Cache-Control": "no-store"})
    return RedirectResponse(f.link("/mentions"), status_code=303)


@router.post("/mentions/save")
async def save_search(request: Request, seen: ViewerDep, state: StateDep) -> Response:
    """Save the search on screen under a name (then saved=NAME works in the API and in alert rules)."""
    fields = await form_fields(request, seen)
    f = read_filters(QueryParams(fields), request.cookies)
    name = fields.get("name", "").strip()
    try:
        saved = create_search(to_saved(name, fields.get("description", "").strip(), f), state)
    except ValidationError:
        return _result(request, f, False, f"{name[:64]!r} cannot be a name: use lowercase letters, digits, - and _")
    except BadRequest as exc:
        return _result(request, f, False, str(exc))
    return _result(request, f, True, f"Saved as {saved.name}: use saved={saved.name} in the API and in alert rules.")
