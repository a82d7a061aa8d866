"""Backtests show how each preset would have treated incidents people judged (a real index and state)."""

from __future__ import annotations

from datetime import timedelta

from earful.alert_actions import give_feedback
from earful.alert_store import AlertRules, Incidents
from earful.config import AppConfig, parse_config
from earful.state import StateStore
from search.embedded import EmbeddedIndex
from tests.api.test_alert_actions import make_incident
from tests.api.test_alerts_api import NOW, _incidents
from workers.alerts.backtest import backtest


def test_judged_incidents_are_checked_against_every_preset(sqlite_state: StateStore,
                                                           embedded_index: EmbeddedIndex) -> None:
    config: AppConfig = parse_config({
        "brands": [{"id": "acme", "name": "Acme", "query": "acme"}],
        "alerts": [{"id": "acme-volume", "brand": "acme", "trigger": "volume_spike"}]})
    stored = sorted(_incidents(embedded_index, sqlite_state, config, spikes=2), key=lambda i: i.opened_at)
    give_feedback(sqlite_state, stored[0].id, "not_useful", NOW, via="api")
    give_feedback(sqlite_state, stored[1].id, "useful", NOW, via="api")
    quiet = make_incident(sqlite_state, stored[0].opened_at - timedelta(days=2), rule="acme-volume")
    give_feedback(sqlite_state, quiet.id, "not_useful", NOW, via="link")
    rule = AlertRules(sqlite_state, config.rule_book()).get("acme-volume")
    assert rule is not None
    judged = [i for i in Incidents(sqlite_state).all() if i.feedback]
    result = backtest(embedded_index, config, rule, NOW - timedelta(days=3), NOW + timedelta(days=2), judged=judged)
    verdicts = {j.incident: (j.verdict, j.raised_by) for j in result.judged}
    assert verdicts[stored[0].id][0] == "not_useful" and verdicts[stored[0].id][1]["medium"] is True
    assert verdicts[stored[1].id][0] == "useful" and verdicts[stored[1].id][1]["medium"] is True
    assert verdicts[quiet.id] == ("not_useful", {"low": False, "medium": False, "high": False})

