"""The Alerts page: every rule (the config's read-only, the API's), the open incidents, and the past ones."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.dashboard.forms import TZ_COOKIE
from api.dashboard.options import brand_names
from api.dashboard.web import ViewerDep, render
from api.deps import ConfigDep, StateDep
from api.routes.alerts import list_rules
from earful.alert_store import Incidents, newest_first
from earful.alerts.models import IncidentSummary, RuleView
from earful.errors import BadRequest
from earful.params import parse_zone

router = APIRouter(include_in_schema=False)
PAST_PAGE = 20
OPEN_SHOWN = 100  # at most one is open per rule; a screenful of rules at most
TRIGGERS = {"volume_spike": "volume spike", "negative_spike": "negative spike", "negative_share": "negative share up",
            "silence": "silence", "new_mentions": "new mentions"}
RESOLUTIONS = {"back_in_band": "back in the band", "new_level": "a new level, adopted", "rule_removed": "rule removed"}
INTERVALS = {300: "5 min", 600: "10 min", 900: "15 min", 1800: "30 min", 3600: "1 hour"}


def viewer_zone(request: Request) -> Any:
    """The viewer's time zone (the preference cookie the pages set), UTC when it is missing or bad."""
    try:
        return parse_zone(request.cookies.get(TZ_COOKIE) or "UTC")
    except BadRequest:
        return parse_zone("UTC")


def rule_scope(rule: RuleView | None, names: dict[str, str]) -> str:
    """What a rule watches, in words: the brand's name and/or its query and filters."""
    if rule is None:
        return "a rule that no longer exists"
    parts = [names.get(rule.brand, rule.brand)] if rule.brand else []
    parts += [f"“{rule.q}”"] if rule.q else []
    parts += [f"from {', '.join(rule.source)}"] if rule.source else []
    parts += [f"in {', '.join(rule.lang)}"] if rule.lang else []
    return " · ".join(parts)


def _past(resolved: list[IncidentSummary], cursor: str | None) -> tuple[list[IncidentSummary], str | None, str | None]:
    """A page of resolved incidents, newest first, the link to the next page, and a problem with the cursor."""
    try:
        items, more = newest_first(resolved, cursor, PAST_PAGE)
    except BadRequest as exc:
        return [], None, str(exc)
    return items, f"/alerts?{urlencode({'past': more})}#past" if more else None, None


@router.get("/alerts", response_class=HTMLResponse)
def alerts_page(request: Request, seen: ViewerDep, config: ConfigDep, state: StateDep) -> HTMLResponse:
    """The rules with their open incident, the open incidents, and the resolved ones a page at a time."""
    rules = list_rules(state, config)
    everything = Incidents(state).summaries()
    opened = newest_first([i for i in everything if i.state != "resolved"], None, OPEN_SHOWN)[0]
    cursor = request.query_params.get("past") or None
    past, more, problem = _past([i for i in everything if i.state == "resolved"], cursor)
    names = brand_names(config)
    context = {"rules": rules, "open": opened, "past": past, "more": more, "problem": problem, "request_past": bool(cursor),
               "open_by_rule": {i.rule: i for i in opened}, "scopes": {r.id: rule_scope(r, names) for r in rules},
               "names": names, "triggers": TRIGGERS, "resolutions": RESOLUTIONS, "intervals": INTERVALS,
               "now": datetime.now(timezone.utc), "zone": viewer_zone(request)}
    return render(request, seen, "alerts.html", context)
