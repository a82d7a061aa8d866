"""``new_mentions`` rules: the mentions that came since the last batch, sent together every few minutes.

Mentions are found by the rule's search over the last ``LOOKBACK`` of published time; those sent
already are remembered by id (for that hour), so a mention that arrives late still goes out, once,
and history filled in from further back (a first collection, a catch-up) goes out never.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from html import escape

from earful.alerts.rules import AlertRule
from earful.config import AppConfig
from earful.models import Mention
from search.base import IndexBackend, SearchRequest
from workers.alerts.scope import rule_scope
from workers.delivery.outbox import Notification

LOOKBACK = timedelta(hours=1)
READ = 500  # newest mentions of the lookback read per batch
LISTED = 20  # listed in one notification; the rest are counted


def recent(index: IndexBackend, config: AppConfig, rule: AlertRule, now: datetime) -> list[Mention]:
    """The rule's mentions published in the last ``LOOKBACK`` (or dated up to 5 minutes ahead), newest first."""
    scope = rule_scope(rule, config)
    filters = replace(scope.filters, since=now - LOOKBACK, until=now + timedelta(minutes=5))
    found = index.search(SearchRequest(query=scope.query, filters=filters, sort="newest", limit=READ, highlight=False))
    return [hit.mention for hit in found.hits]


def batch_notification(rule: AlertRule, name: str, mentions: list[Mention], end: datetime,
                       public_url: str) -> Notification:
    """One notification for the new mentions of one batch (id: the rule and the batch's end)."""
    shown = mentions[:LISTED]
    more = len(mentions) - len(shown)
    subject = f"{name}: {len(mentions)} new mention{'s' if len(mentions) != 1 else ''}"
    lines = [f"- {_line(m)}" + (f"\n  {m.url}" if m.url else "") for m in shown]
    text = "\n".join([subject, "", *lines] + ([f"… and {more} more"] if more else [])) + "\n"
    items = "".join(f"<li>{_link(m)}</li>" for m in shown)
    html = (f"<!doctype html><html><body style=\"font-family:sans-serif\"><h2 style=\"font-size:18px\">"
            f"{escape(subject)}</h2><ul>{items}</ul>" + (f"<p>… and {more} more</p>" if more else "") +
            "</body></html>")
    payload = {"text": subject, "rule": rule.id, "count": len(mentions),
               "mentions": [{"id": m.id, "url": m.url, "title": m.title[:300], "source": m.source_name,
                             "published_at": m.published_at.isoformat(), "sentiment": m.sentiment.label}
                            for m in shown]}
    return Notification(id=f"batch:{rule.id}:{end:%Y%m%dT%H%MZ}", kind="batch", rule_id=rule.id, subject=subject,
                        text=text, html=html, payload=payload, created_at=end)


def _line(m: Mention) -> str:
    words = (m.title or m.text or "").strip().replace("\n", " ")
    return f"{words[:140]}{'…' if len(words) > 140 else ''} — {m.source_name}, {m.published_at:%H:%M} UTC"


def _link(m: Mention) -> str:
    return f'<a href="{escape(m.url, quote=True)}">{escape(_line(m))}</a>' if m.url else escape(_line(m))
