"""The Atom feed of incidents, for every rule or one: readable with the API key, or a feed token in the URL.

Feed readers cannot send headers, so ``?token=`` (``earful alerts feed-token create``) opens the feed
and nothing else; a token made for one rule reads only that rule's feed.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response, status

from api.atom import feed
from api.deps import ConfigDep, SessionsDep, SettingsDep, StateDep, require_api_key
from api.problems import NOT_FOUND, Problem
from earful.alert_store import AlertRules, Incidents
from earful.alerts.feed_tokens import FeedTokens
from earful.models import utcnow

router = APIRouter(prefix="/alerts", tags=["alerts"])
ENTRIES = 50
ATOM_TYPE = "application/atom+xml; charset=utf-8"
FEED_RESPONSES: dict[int | str, dict[str, object]] = {
    200: {"content": {"application/atom+xml": {}}, "description": "an Atom feed, newest incidents first"},
    403: {"model": Problem, "description": "the feed token is unknown, revoked, or made for another rule"},
}
TokenParam = Annotated[str | None, Query(max_length=300, description="a feed token (instead of the API key)")]


def feed_access(request: Request, settings: SettingsDep, sessions: SessionsDep, state: StateDep,
                token: TokenParam = None) -> str | None:
    """The rule a feed token is limited to (None: any); without a token, the API key (or a dashboard session)."""
    if token is None:
        require_api_key(request, settings, sessions)
        return None
    found = FeedTokens(state).find(token)
    if found is None:
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail="unknown or revoked feed token; make one with "
                                                              "`earful alerts feed-token create`")
    return found.rule or None


AccessDep = Annotated[str | None, Depends(feed_access)]


def _atom(request: Request, state: StateDep, settings: SettingsDep, rule: str | None, title: str) -> Response:
    items, _ = Incidents(state).page(rule=rule, limit=ENTRIES)
    base = settings.public_url
    self_url = base + request.url.path + (f"?{urlencode({'rule': rule})}" if "rule" in request.query_params else "")
    body = feed(items, title=title, feed_id=f"urn:earful:alerts:{rule or 'all'}", self_url=self_url,
                public_url=base, now=utcnow())
    return Response(body, media_type=ATOM_TYPE, headers={"Cache-Control": "no-store"})


def _check(rule: str | None, allowed: str | None, state: StateDep, config: ConfigDep) -> None:
    if allowed is not None and rule != allowed:
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail=f"this feed token reads rule {allowed!r} only: "
                                                              f"/api/v1/alerts/rules/{allowed}/feed.atom")
    if rule is not None and AlertRules(state, config.rule_book()).get(rule) is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no rule {rule[:64]!r}; GET /api/v1/alerts/rules")


@router.get("/feed.atom", response_class=Response, responses={**FEED_RESPONSES, **NOT_FOUND})
def all_rules_feed(request: Request, state: StateDep, settings: SettingsDep, config: ConfigDep, allowed: AccessDep,
                   rule: Annotated[str | None, Query(max_length=64, description="only this rule's")] = None,
                   ) -> Response:
    """Incidents of every rule (or ``rule``'s), newest first, as Atom."""
    _check(rule, allowed, state, config)
    return _atom(request, state, settings, rule, f"Earful alerts: {rule}" if rule else "Earful alerts")


@router.get("/rules/{rule_id}/feed.atom", response_class=Response, responses={**FEED_RESPONSES, **NOT_FOUND})
def rule_feed(rule_id: str, request: Request, state: StateDep, settings: SettingsDep, config: ConfigDep,
              allowed: AccessDep) -> Response:
    """One rule's incidents, newest first, as Atom."""
    _check(rule_id, allowed, state, config)
    return _atom(request, state, settings, rule_id, f"Earful alerts: {rule_id}")
