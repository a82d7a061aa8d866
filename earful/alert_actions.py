"""What people do about an incident: snooze its rule, or say whether it was worth telling."""

from __future__ import annotations

from datetime import datetime

from earful.alert_store import Incidents
from earful.alerts.models import Incident, Verdict
from earful.alerts.snooze import Snooze, Via, snooze_rule
from earful.state import StateStore


def snooze(state: StateStore, rule_id: str, hours: int, now: datetime, *, via: Via,
           incident_id: str | None = None) -> Snooze:
    """Snooze the rule; its open incident (or the one acted on) is marked snoozed until then."""
    done = snooze_rule(state, rule_id, hours, now, via=via, incident=incident_id)
    incidents = Incidents(state)
    target = incidents.get(incident_id) if incident_id else incidents.open_for(rule_id)
    if target is not None and target.rule == rule_id:
        incidents.mark_snoozed(target.id, done.until)
    return done


def give_feedback(state: StateStore, incident_id: str, verdict: Verdict, now: datetime, *, via: Via,
                  note: str = "") -> Incident:
    """Keep a verdict on the incident (IncidentNotFound when there is none)."""
    return Incidents(state).add_feedback(incident_id, verdict, note, via=via, now=now)

