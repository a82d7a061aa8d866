"""``earful alerts test RULE``: a sample notification through every channel of a rule, sent at once."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from earful.alerts.models import Evidence, EvidenceMention, Incident, SeriesPoint
from earful.alerts.rules import AlertRule
from earful.config import AppConfig
from earful.settings import Settings
from earful.state import StateStore
from workers.delivery import outbox
from workers.delivery.message import notification
from workers.delivery.notify import Notifier, channels_of
from workers.delivery.outbox import Notification
from workers.delivery.sender import Sender


def sample_incident(rule: AlertRule, now: datetime) -> Incident:
    """Made-up figures shaped like a real incident of ``rule`` (47 mentions against about 5 an hour)."""
    start = now.replace(minute=0, second=0, microsecond=0)
    series = [SeriesPoint(start=start - timedelta(hours=h), observed=5 + (h * 7) % 4, expected=5.0, lower=2.0,
                          upper=9.0) for h in range(48, 0, -1)] + [
        SeriesPoint(start=start, observed=47, expected=5.0, lower=2.0, upper=9.0)]
    mention = EvidenceMention(id="sample", url="https://example.com/a-sample-mention", title="A sample mention",
                              text="This is where the mentions that drive an incident are quoted.",
                              source="feed", source_name="sample-source", published_at=now, sentiment="negative",
                              passage="The passage an article's label toward the brand was read from." if rule.brand
                              else None)
    return Incident(id=f"{rule.id}-test-{now:%Y%m%dT%H%M%S}", rule=rule.id, brand=rule.brand, trigger=rule.trigger,
                    state="open", sequence=1, interval=rule.interval, sensitivity=rule.sensitivity, threshold=4.5,
                    opened_at=start, detected_at=now, updated_at=now, window_start=start,
                    window_end=start + timedelta(hours=1), observed=47, expected=5.0, lower=2.0, upper=9.0, score=9.1,
                    peak_score=9.1, peak_observed=47, peak_at=start, baseline_from=start - timedelta(days=7),
                    baseline_to=start, series=series, evidence=Evidence(top_mentions=[mention]))


def sample_notification(settings: Settings, config: AppConfig, state: StateStore, rule: AlertRule,
                        now: datetime) -> Notification:
    incident = sample_incident(rule, now)
    ctx = Notifier(settings, config, state).context(rule, incident, None)
    ctx.actions = {}  # the sample's incident is not stored: links acting on it would have nothing to act on
    made = notification(incident, "opened", ctx)
    return replace(made, id=incident.id, kind="test", subject=f"[test] {made.subject}",
                   text="This is a test of the alert's channels; the figures are made up.\n\n" + made.text)


def send_test(sender: Sender, note: Notification, rule: AlertRule, api_rule: bool) -> dict[str, str]:
    """Store and send ``note`` to each channel of ``rule`` once (a failed test is not retried): channel → outcome."""
    channels = channels_of(rule, public_only=api_rule)
    outbox.enqueue(sender.state, note, channels)
    outcomes = {}
    for channel in channels:
        key = outbox.delivery_key(note.id, channel)
        outcome = sender.deliver(key)
        record = sender.state.get(outbox.DELIVERY + key) or {}
        if outcome == "retrying":
            outbox.finish(sender.state, record, sender.clock(), record.get("last_error"), permanent=True)
        outcomes[channel.label] = "sent" if outcome == "sent" else f"failed: {record.get('last_error')}"
    return outcomes
