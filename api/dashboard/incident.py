"""An incident's page (where alert notifications link): figures, observed against the expected band, evidence,
and the snooze and feedback buttons."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request, status
from fastapi.responses import HTMLResponse

from api.dashboard.alerts import INTERVALS, RESOLUTIONS, TRIGGERS, rule_scope, viewer_zone
from api.dashboard.options import brand_names
from api.dashboard.web import PageError, ViewerDep, render
from api.deps import ConfigDep, IndexDep, StateDep
from earful.alert_store import AlertRules, Incidents
from earful.alerts.models import THRESHOLD_WHY, Incident, RuleView
from earful.alerts.snooze import current_snooze
from workers.alerts.evidence import as_scored_now

router = APIRouter(include_in_schema=False)
NEGATIVE_TRIGGERS = ("negative_spike", "negative_share")
VERDICTS = (("useful", "Useful"), ("not_useful", "Not useful"), ("expected", "Expected (we knew)"))
SNOOZES = ((1, "Snooze rule 1 hour"), (24, "Snooze rule 24 hours"))


def mentions_link(rule: RuleView | None, incident: Incident, since: datetime, until: datetime,
                  **extra: str) -> str:
    """The Mentions page for what the rule watches, in one window."""
    params = {"brand": incident.brand or "", "q": (rule.q or "") if rule else "",
              "source": ",".join(rule.source) if rule else "", "lang": ",".join(rule.lang) if rule else "",
              "since": since.isoformat(), "until": until.isoformat()} | extra
    return "/mentions?" + urlencode({k: v for k, v in params.items() if v})


def band_chart(incident: Incident, rule: RuleView | None, zone: ZoneInfo) -> dict[str, Any]:
    """What the chart script draws: per bucket the mentions, the negative ones, and the expected band."""
    points = incident.series
    step = timedelta(seconds=incident.interval)
    fmt = "%a %d %b %H:%M"
    return {"tz": str(zone), "x": [int(p.start.timestamp()) for p in points],
            "observed": [p.observed for p in points],
            "negative": [p.negative for p in points] if any(p.negative is not None for p in points) else None,
            "expected": [p.expected for p in points], "low": [p.lower for p in points],
            "high": [p.upper for p in points], "labels": [p.start.astimezone(zone).strftime(fmt) for p in points],
            "links": [mentions_link(rule, incident, p.start, p.start + step) for p in points],
            "window": [int(incident.window_start.timestamp()), int(incident.window_end.timestamp())]}


def term_links(rule: RuleView | None, incident: Incident) -> list[str]:
    """Per driving word or phrase, the window's mentions holding it."""
    terms = incident.evidence.terms if incident.evidence else []
    base = f"({rule.q}) AND " if rule and rule.q else ""
    return [mentions_link(rule, incident, incident.window_start, incident.window_end,
                          q=base + (f'"{t.term}"' if " " in t.term else t.term)) for t in terms]


def outside(incident: Incident) -> list[int]:
    """Indices of the buckets whose mentions fell outside the band (for the table and the summary)."""
    silence = incident.trigger == "silence"
    return [i for i, p in enumerate(incident.series) if (p.observed < p.lower if silence else p.observed > p.upper)]


def find_rule(state: StateDep, config: ConfigDep, rule_id: str) -> RuleView | None:
    return AlertRules(state, config.rule_book()).get(rule_id)


@router.get("/alerts/events/{incident_id}", response_class=HTMLResponse)
def incident_page(incident_id: str, request: Request, seen: ViewerDep, config: ConfigDep,
                  state: StateDep, index: IndexDep) -> HTMLResponse:
    """One incident: what was seen against what was expected, why (evidence), and what to do about it."""
    incident = Incidents(state).get(incident_id[:200])
    if incident is None:
        raise PageError(status.HTTP_404_NOT_FOUND, f"There is no incident {incident_id[:80]!r}: it may have been "
                                                   "removed. The Alerts page lists every incident.")
    rule = find_rule(state, config, incident.rule)
    zone, now = viewer_zone(request), datetime.now(timezone.utc)
    negative = incident.trigger in NEGATIVE_TRIGGERS
    window = mentions_link(rule, incident, incident.window_start, incident.window_end,
                           **({"sentiment": "negative"} if negative else {}))
    names = brand_names(config)
    context = {"incident": incident, "rule": rule, "scope": rule_scope(rule, names),
               "brand_name": names.get(incident.brand, incident.brand) if incident.brand else None,
               "negative": negative, "chart": band_chart(incident, rule, zone), "outside": outside(incident),
               "window_link": window, "term_links": term_links(rule, incident), "zone": zone, "now": now,
               "snooze": current_snooze(state, rule.id, now) if rule else None,
               "evidence": as_scored_now(index, incident.evidence, incident.brand),
               "verdict": incident.feedback[-1] if incident.feedback else None, "triggers": TRIGGERS,
               "resolutions": RESOLUTIONS, "intervals": INTERVALS, "verdicts": VERDICTS, "snoozes": SNOOZES,
               "threshold_why": THRESHOLD_WHY}
    return render(request, seen, "alerts_incident.html", context)
