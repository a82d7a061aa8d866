"""What an incident change tells people, kept in the outbox in the same step the change is stored.

One thread per incident: the opening mail, updates while it grows (at most one per ``cooldown``),
and the resolution (only when the opening went out). Nothing is told while the rule is snoozed, and
nothing for a rule without channels.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from earful.alerts.links import action_links
from earful.alerts.models import Incident
from earful.alerts.rules import AlertRule, WebhookTarget
from earful.alerts.snooze import is_snoozed
from earful.config import AppConfig
from earful.settings import Settings
from earful.state import StateStore
from workers.delivery import outbox
from workers.delivery.message import notification
from workers.delivery.outbox import Channel
from workers.delivery.render import Context

THREAD = "outbox-thread:"
UPDATE_EVERY = timedelta(hours=2)  # the detector's cooldown: at most one update mail in that time


def channels_of(rule: AlertRule, *, public_only: bool = False) -> list[Channel]:
    """The rule's email addresses and webhooks (``public_only``: a rule made through the API)."""
    found = [Channel("email", address) for address in rule.email]
    for hook in rule.webhook:
        target = hook if isinstance(hook, WebhookTarget) else WebhookTarget(url=hook)
        found.append(Channel("webhook", target.url, target.secret_env, public_only))
    return found


class Notifier:
    """Called with every incident change the evaluator stores; answers the outbox writes to store with it."""

    def __init__(self, settings: Settings, config: AppConfig, state: StateStore, *,
                 api_rule: Callable[[str], bool] | None = None, update_every: timedelta = UPDATE_EVERY) -> None:
        from earful.secrets import action_key

        self.public_url, self.state = settings.public_url, state
        self.names = {b.id: b.name for b in config.brands}
        self.key = action_key(settings)
        self.api_rule = api_rule or (lambda rule_id: rule_id not in {r.id for r in config.alerts})
        self.update_every = update_every

    def __call__(self, rule: AlertRule, incident: Incident, change: str) -> dict[str, dict[str, Any]]:
        channels = channels_of(rule, public_only=self.api_rule(rule.id))
        thread = self.state.get(THREAD + incident.id)
        if not channels or not self._worth_telling(rule, incident, change, thread):
            return {}
        opening = thread is None
        ctx = self.context(rule, incident, None if opening else thread)
        told = notification(incident, "opened" if opening else change, ctx)
        marker = {"opening": thread["opening"] if thread else told.id, "subject": ctx.opening_subject or told.subject,
                  "last_at": incident.updated_at.isoformat()}
        return {**outbox.entries(told, channels), THREAD + incident.id: marker}

    def context(self, rule: AlertRule, incident: Incident, thread: dict[str, Any] | None) -> Context:
        name = self.names.get(incident.brand or "", "") or incident.brand or rule.q or rule.id
        actions = action_links(self.public_url, self.key, incident.id, rule.id, incident.updated_at)
        return Context(name, self.public_url, thread["opening"] if thread else None,
                       thread["subject"] if thread else None, actions)

    def _worth_telling(self, rule: AlertRule, incident: Incident, change: str, thread: dict[str, Any] | None) -> bool:
        if change == "resolved":
            return thread is not None
        if is_snoozed(self.state, rule.id, incident.updated_at) or _snoozed(incident):
            return False
        if thread is None:
            return True
        return incident.updated_at - datetime.fromisoformat(thread["last_at"]) >= self.update_every


def _snoozed(incident: Incident) -> bool:
    return incident.snoozed_until is not None and incident.snoozed_until > incident.updated_at
