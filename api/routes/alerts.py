"""Alert rules (the config's, read-only, and those made here) and the incidents they opened."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query, Response, status
from pydantic import BaseModel

from api.deps import ConfigDep, StateDep
from api.problems import NOT_FOUND
from earful.alert_store import AlertRules, Incidents
from earful.alerts.models import Incident, IncidentSummary, RuleView
from earful.alerts.rules import AlertRule
from earful.params import parse_time

router = APIRouter(prefix="/alerts", tags=["alerts"])
MAX_LIMIT = 200


class IncidentPage(BaseModel):
    items: list[IncidentSummary]
    next_cursor: str | None = None


@router.get("/rules", response_model=list[RuleView])
def list_rules(state: StateDep, config: ConfigDep) -> list[RuleView]:
    """Every rule: the config file's (read-only) and those made through the API."""
    return AlertRules(state, config.rule_book()).all()


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
def get_event(incident_id: str, state: StateDep) -> Incident:
    """One incident with its evidence, versions and the series around it (observed and expected band per bucket)."""
    found = Incidents(state).get(incident_id)
    if found is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no incident {incident_id[:80]!r}")
    return found
