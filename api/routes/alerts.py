"""Alert rules (the config's, read-only, and those made here) and the incidents they opened."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query, Response, status
from pydantic import BaseModel, Field

from api.deps import ConfigDep, IndexDep, StateDep
from api.problems import NOT_FOUND
from earful.alert_actions import give_feedback, snooze
from earful.alert_store import AlertRules, IncidentNotFound, Incidents
from earful.alerts.models import Incident, IncidentSummary, RuleView, Verdict
from earful.alerts.rules import AlertRule
from earful.alerts.snooze import Snooze, current_snooze, unsnooze
from earful.models import utcnow
from earful.params import parse_time
from workers.alerts.evidence import as_scored_now

router = APIRouter(prefix="/alerts", tags=["alerts"])
MAX_LIMIT = 200


class IncidentPage(BaseModel):
    items: list[IncidentSummary]
    next_cursor: str | None = None


class SnoozeBody(BaseModel):
    hours: Literal[1, 24] = Field(description="how long the rule's notifications are held back")


class FeedbackBody(BaseModel):
    verdict: Verdict
    note: str = Field(default="", max_length=500)


@router.get("/rules", response_model=list[RuleView])
def list_rules(state: StateDep, config: ConfigDep) -> list[RuleView]:
    """Every rule: the config file's (read-only) and those made through the API, with any snooze running."""
    rules, now = AlertRules(state, config.rule_book()).all(), utcnow()
    for rule in rules:
        found = current_snooze(state, rule.id, now)
        rule.snoozed_until = found.until if found else None
    return rules


def _rule(rule_id: str, state: StateDep, config: ConfigDep) -> RuleView:
    found = AlertRules(state, config.rule_book()).get(rule_id)
    if found is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no rule {rule_id[:64]!r}; GET /api/v1/alerts/rules")
    return found


@router.post("/rules/{rule_id}/snooze", response_model=Snooze, responses=NOT_FOUND)
def snooze_rule(rule_id: str, body: SnoozeBody, state: StateDep, config: ConfigDep) -> Snooze:
    """Hold back the rule's notifications for 1 or 24 hours (detection goes on; incidents are marked snoozed)."""
    _rule(rule_id, state, config)
    return snooze(state, rule_id, body.hours, utcnow(), via="api")


@router.delete("/rules/{rule_id}/snooze", status_code=status.HTTP_204_NO_CONTENT, response_class=Response,
               responses=NOT_FOUND)
def unsnooze_rule(rule_id: str, state: StateDep, config: ConfigDep) -> Response:
    """End the rule's snooze now (nothing happens when it has none)."""
    _rule(rule_id, state, config)
    unsnooze(state, rule_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/rules", response_model=RuleView, status_code=status.HTTP_201_CREATED)
def create_rule(body: AlertRule, state: StateDep, config: ConfigDep) -> RuleView:
    """Make a rule (e.g. from a search just run); checked as the config's are: brand, query, sources."""
    return AlertRules(state, config.rule_book()).create(body)


@router.put("/rules/{rule_id}", response_model=RuleView, responses=NOT_FOUND)
def replace_rule(rule_id: str, body: AlertRule, state: StateDep, config: ConfigDep) -> RuleView:
    """Replace a rule made through the API (its detector restarts from the stored mentions)."""
    try:
        return AlertRules(state, config.rule_book()).replace(rule_id, body)
    except KeyError:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no rule {rule_id[:64]!r}; POST to make it") from None


@router.delete("/rules/{rule_id}", status_code=status.HTTP_204_NO_CONTENT, response_class=Response,
               responses=NOT_FOUND)
def delete_rule(rule_id: str, state: StateDep, config: ConfigDep) -> Response:
    """Delete a rule made through the API; its open incident resolves (``rule_removed``)."""
    try:
        AlertRules(state, config.rule_book()).delete(rule_id)
    except KeyError:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no rule {rule_id[:64]!r}") from None
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/events", response_model=IncidentPage)
def list_events(
    state: StateDep,
    rule: Annotated[str | None, Query(max_length=64, description="rule id")] = None,
    brand: Annotated[str | None, Query(max_length=64, description="brand id")] = None,
    state_: Annotated[Literal["open", "updated", "resolved"] | None, Query(alias="state")] = None,
    since: Annotated[str | None, Query(description="raised at or after: ISO 8601 or an age like 7d")] = None,
    limit: Annotated[int, Query(ge=1, description=f"page size, at most {MAX_LIMIT}")] = 50,
    cursor: Annotated[str | None, Query(max_length=512)] = None,
) -> IncidentPage:
    """Incidents, newest first, without their evidence and series (GET /alerts/events/{id} has them)."""
    items, next_cursor = Incidents(state).page(rule=rule, brand=brand, state=state_, since=parse_time(since, "since"),
                                               cursor=cursor or None, limit=min(limit, MAX_LIMIT))
    return IncidentPage(items=items, next_cursor=next_cursor)


@router.get("/events/{incident_id}", response_model=Incident, responses=NOT_FOUND)
def get_event(incident_id: str, state: StateDep, index: IndexDep) -> Incident:
    """One incident with its evidence, versions and the series around it (observed and expected band per bucket).

    The top mentions carry their sentiment as scored now (refined since the incident opened, usually)."""
    found = Incidents(state).get(incident_id)
    if found is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no incident {incident_id[:80]!r}")
    return found.model_copy(update={"evidence": as_scored_now(index, found.evidence, found.brand)})


@router.post("/events/{incident_id}/feedback", response_model=Incident, responses=NOT_FOUND)
def add_feedback(incident_id: str, body: FeedbackBody, state: StateDep) -> Incident:
    """Say whether the incident was worth telling: useful, not_useful or expected (the latest verdict counts)."""
    try:
        return give_feedback(state, incident_id, body.verdict, utcnow(), via="api", note=body.note)
    except IncidentNotFound:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no incident {incident_id[:80]!r}") from None
