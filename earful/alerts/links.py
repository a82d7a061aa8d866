"""Links in a notification that act on its incident without logging in: snooze the rule, say if it helped.

Each link carries its own signed token (``earful.alerts.tokens``) allowing exactly one action on
exactly one incident for ``LINK_DAYS``. Opening a link shows a confirmation page; only its button
(a POST) acts, so mail scanners that fetch links change nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from earful.alerts.tokens import Claim, issue

ACTIONS = ("snooze_1h", "snooze_24h", "useful", "not_useful", "expected")
SNOOZE_HOURS = {"snooze_1h": 1, "snooze_24h": 24}
PURPOSE = "alert-action:"  # + the action: a token is good for that action alone
ACTION_PATH = "/alerts/act/"
LINK_DAYS = 14


def action_links(public_url: str, secret: bytes, incident_id: str, rule_id: str, now: datetime) -> dict[str, str]:
    """URL per action (``ACTIONS``) on ``incident_id`` of ``rule_id``; ``secret``: ``earful.secrets.action_key``."""
    expires = now + timedelta(days=LINK_DAYS)
    subject = f"{rule_id}/{incident_id}"
    base = public_url.rstrip("/") + ACTION_PATH
    return {action: base + issue(secret, PURPOSE + action, subject, expires) for action in ACTIONS}


def action_of(claim: Claim) -> tuple[str, str, str]:
    """(action, rule id, incident id) of a verified action token."""
    rule_id, _, incident_id = claim.subject.partition("/")
    return claim.purpose.removeprefix(PURPOSE), rule_id, incident_id


ACTION_PURPOSES = tuple(PURPOSE + action for action in ACTIONS)
