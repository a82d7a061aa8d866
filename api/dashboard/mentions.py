"""The Mentions page: the query box with its caret errors, the filters, highlighted results and cursor paging."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.dashboard.forms import Filters, read_filters
from api.dashboard.options import LANGUAGE_NAMES, brand_names, form_options
from api.dashboard.saved import page_params
from api.dashboard.web import ViewerDep, render
from api.deps import ConfigDep, IndexDep, StateDep
from api.routes.mentions import mention_page
from earful.errors import BadRequest
from earful.saved_searches import SavedSearches

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 25
MAX_PAGE = 100_000


def page_number(request: Request) -> int:
    raw = request.query_params.get("page", "1")
    return min(int(raw), MAX_PAGE) if raw.isdigit() and int(raw) > 0 else 1


def _search(index: IndexDep, state: StateDep, f: Filters, cursor: str | None) -> Any:
    return mention_page(index, f.scope(state), f.sort, PAGE_SIZE, cursor)  # type: ignore[arg-type]


@router.get("/mentions", response_class=HTMLResponse)
def mentions_page(request: Request, seen: ViewerDep, index: IndexDep, config: ConfigDep,
                  state: StateDep) -> Response:
    """Search results for the filters in the query string; problems are explained on the page.

    ``saved=NAME`` opens a saved search: its query and filters, written out in the form.
    """
    searches = SavedSearches(state)
    name = request.query_params.get("saved")
    if name and (found := searches.get(name)) is not None:
        return RedirectResponse(f"/mentions?{urlencode(page_params(found))}", status_code=303)
    number = page_number(request)
    context: dict[str, Any] = {
        "options": form_options(request, config), "languages": LANGUAGE_NAMES, "brand_names": brand_names(config),
        "f": Filters(), "problem": None, "error": f"No saved search is named {name[:64]!r}." if name else None,
        "result": None, "page_number": number, "first": (number - 1) * PAGE_SIZE + 1,
        "saved": sorted(searches.list(), key=lambda s: s.name)}
    try:
        context["f"] = f = read_filters(request.query_params, request.cookies)
        context["problem"] = f.problem()
        if context["problem"] is None and not name:
            context["result"] = _search(index, state, f, request.query_params.get("cursor") or None)
    except BadRequest as exc:
        context["error"] = str(exc)
    return render(request, seen, "mentions.html", context)
