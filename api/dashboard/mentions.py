"""The Mentions page: the query box with its caret errors, the filters, highlighted results and cursor paging."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.dashboard.forms import Filters, read_filters
from api.dashboard.options import LANGUAGE_NAMES, brand_names, form_options
from api.dashboard.web import ViewerDep, render
from api.deps import ConfigDep, IndexDep, StateDep
from api.routes.mentions import search_mentions
from earful.errors import BadRequest

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 25
MAX_PAGE = 100_000


def page_number(request: Request) -> int:
    raw = request.query_params.get("page", "1")
    return min(int(raw), MAX_PAGE) if raw.isdigit() and int(raw) > 0 else 1


def _search(index: IndexDep, state: StateDep, f: Filters, cursor: str | None) -> Any:
    return search_mentions(index, f.scope(state), sort=f.sort, limit=PAGE_SIZE, cursor=cursor)  # type: ignore[arg-type]


@router.get("/mentions", response_class=HTMLResponse)
def mentions_page(request: Request, seen: ViewerDep, index: IndexDep, config: ConfigDep,
                  state: StateDep) -> HTMLResponse:
    """Search results for the filters in the query string; problems are explained on the page."""
    number = page_number(request)
    context: dict[str, Any] = {
        "options": form_options(request, config), "languages": LANGUAGE_NAMES, "brand_names": brand_names(config),
        "f": Filters(), "problem": None, "error": None, "result": None, "page_number": number,
        "first": (number - 1) * PAGE_SIZE + 1}
    try:
        context["f"] = f = read_filters(request.query_params, request.cookies)
        context["problem"] = f.problem()
        if context["problem"] is None:
            context["result"] = _search(index, state, f, request.query_params.get("cursor") or None)
    except BadRequest as exc:
        context["error"] = str(exc)
    return render(request, seen, "mentions.html", context)
