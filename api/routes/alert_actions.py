"""The pages behind a notification's action links: GET shows what the link does, its button (a POST) does it.

No login: the signed token in the path allows one action on one incident until it expires, and
nothing else. Link scanners in mail systems fetch links with GET, so GET never changes anything.
"""

from __future__ import annotations

from html import escape
from typing import cast

from fastapi import APIRouter, HTTPException, status
from fastapi.responses import HTMLResponse

from api.deps import SettingsDep, StateDep
from earful.alert_actions import give_feedback, snooze
from earful.alert_store import IncidentNotFound, Incidents
from earful.alerts.links import ACTION_PATH, ACTION_PURPOSES, SNOOZE_HOURS, action_of
from earful.alerts.models import Incident, Verdict
from earful.alerts.tokens import TokenRejected, verify
from earful.models import utcnow
from earful.secrets import action_key
from earful.settings import Settings

router = APIRouter(prefix=ACTION_PATH.rstrip("/"), include_in_schema=False)
PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
                               "frame-ancestors 'none'; base-uri 'none'",
    "Cache-Control": "no-store",
    "X-Robots-Tag": "noindex, nofollow",
}
WHAT = {
    "snooze_1h": "Snooze rule {rule} for 1 hour", "snooze_24h": "Snooze rule {rule} for 24 hours",
    "useful": "Mark incident {incident} as useful", "not_useful": "Mark incident {incident} as not useful",
    "expected": "Mark incident {incident} as expected (a campaign, a launch)",
}
STYLE = "body{font-family:system-ui,sans-serif;max-width:36em;margin:3em auto;padding:0 1em;color:#222}" \
        "button{font-size:1.1em;padding:.5em 1.2em;border-radius:4px;border:1px solid #555;background:#fff}"


def _page(title: str, body: str, code: int = 200) -> HTMLResponse:
    html = (f"<!doctype html><html lang=en><head><meta charset=utf-8><title>{escape(title)}</title>"
            f"<meta name=viewport content='width=device-width'><style>{STYLE}</style></head>"
            f"<body><h1>{escape(title)}</h1>{body}</body></html>")
    return HTMLResponse(html, status_code=code, headers=PAGE_HEADERS)


def _action(settings: Settings, token: str) -> tuple[str, str, str]:
    try:
        return action_of(verify(action_key(settings), token, ACTION_PURPOSES, utcnow()))
    except TokenRejected as exc:
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail=str(exc)) from None


def _rejected(exc: HTTPException) -> HTMLResponse:
    return _page("This link cannot be used", f"<p>{escape(str(exc.detail))}.</p><p>Open the incident in Earful "
                 "to act on it, or use a link from a newer notification.</p>", exc.status_code)


def _about(found: Incident) -> str:
    raised = found.opened_at.strftime("%Y-%m-%d %H:%M")
    what = f"{found.brand or found.rule}: {found.trigger.replace('_', ' ')}, {found.observed:.0f} observed vs " \
           f"~{found.expected:.0f} expected (raised {raised} UTC)."
    return f"<p>{escape(what)}</p>"


@router.get("/{token}")
def confirm(token: str, settings: SettingsDep, state: StateDep) -> HTMLResponse:
    """What the link will do, and a button that does it."""
    try:
        action, rule_id, incident_id = _action(settings, token)
    except HTTPException as exc:
        return _rejected(exc)
    found = Incidents(state).get(incident_id)
    about = _about(found) if found is not None else ""
    title = WHAT[action].format(rule=rule_id, incident=incident_id)
    return _page(title, f"{about}<form method=post><button type=submit>Confirm</button></form>")


@router.post("/{token}")
def act(token: str, settings: SettingsDep, state: StateDep) -> HTMLResponse:
    """Do what the link says (again: a second snooze starts from now, a second verdict is kept as the latest)."""
    try:
        action, rule_id, incident_id = _action(settings, token)
    except HTTPException as exc:
        return _rejected(exc)
    now = utcnow()
    if action in SNOOZE_HOURS:
        done = snooze(state, rule_id, SNOOZE_HOURS[action], now, via="link", incident_id=incident_id)
        return _page("Snoozed", f"<p>No notifications of rule {escape(rule_id)} until {done.until:%Y-%m-%d %H:%M} "
                     "UTC. Detection goes on; incidents meanwhile are kept, marked as snoozed.</p>")
    try:
        give_feedback(state, incident_id, cast(Verdict, action), now, via="link")
    except IncidentNotFound:
        return _page("Incident not found", f"<p>Incident {escape(incident_id)} is no longer stored.</p>", 404)
    return _page("Thank you", f"<p>Incident {escape(incident_id)} is marked "
                 f"<strong>{escape(action.replace('_', ' '))}</strong>. Feedback shows in <code>earful alerts "
                 "backtest</code>, to tune the rule.</p>")
