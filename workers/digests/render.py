"""A digest or a batch as a notification: subject, plain text, HTML without remote images, webhook JSON."""

from __future__ import annotations

from datetime import datetime
from html import escape
from zoneinfo import ZoneInfo

from earful.alerts.models import EvidenceMention, IncidentSummary
from search.analytics.series import Tally
from workers.delivery.message import read_toward_html, read_toward_text
from workers.delivery.outbox import Notification
from workers.digests.content import Digest

CELL = 'style="padding:2px 10px 2px 0"'


def change(now: float, before: float) -> str:
    """"+18 %", "−40 %", "new", "same" or "—" (nothing either time)."""
    if before == 0:
        return "new" if now else "—"
    pct = round(100 * (now - before) / before)
    return "same" if pct == 0 else f"{'+' if pct > 0 else '−'}{abs(pct)} %"


def _share(tally: Tally, label: str) -> str:
    return f"{100 * tally.labels.get(label, 0) / tally.count:.0f} %" if tally.count else "—"


def _net(tally: Tally) -> str:
    return f"{tally.net_sentiment:+.2f}" if tally.net_sentiment is not None else "—"


def figures(d: Digest) -> list[tuple[str, str, str, str]]:
    """(what, this period, the period before, change) rows."""
    neg_now, neg_before = d.now.labels.get("negative", 0), d.before.labels.get("negative", 0)
    return [("Mentions", str(d.now.count), str(d.before.count), change(d.now.count, d.before.count)),
            ("Negative", f"{neg_now} ({_share(d.now, 'negative')})", f"{neg_before} ({_share(d.before, 'negative')})",
             change(neg_now, neg_before)),
            ("Positive", f"{d.now.labels.get('positive', 0)} ({_share(d.now, 'positive')})",
             f"{d.before.labels.get('positive', 0)} ({_share(d.before, 'positive')})",
             change(d.now.labels.get("positive", 0), d.before.labels.get("positive", 0))),
            ("Net sentiment", _net(d.now), _net(d.before), "")]


def period_words(d: Digest, tz: ZoneInfo) -> str:
    start, end = d.start.astimezone(tz), d.end.astimezone(tz)
    return f"{start:%a %d %b %H:%M} – {end:%a %d %b %H:%M} ({tz.key})"


def incident_line(i: IncidentSummary, tz: ZoneInfo) -> str:
    state = "resolved" if i.state == "resolved" else "open"
    return (f"{i.opened_at.astimezone(tz):%a %H:%M} {i.trigger.replace('_', ' ')}: {i.observed:.0f} vs "
            f"~{i.expected:.0f} expected ({state})")


def mention_line(m: EvidenceMention) -> str:
    words = (m.title or m.text or "").strip().replace("\n", " ")
    return f"{words[:140]}{'…' if len(words) > 140 else ''} — {m.source_name}, {m.sentiment}"


def _text_mention(d: Digest, m: EvidenceMention) -> str:
    """A top mention; under an article, the passage its label toward the brand was read from (as incident mail)."""
    read = f"\n  {read_toward_text(f'Read toward {d.name}', m.passage)}" if m.passage else ""
    return f"- {mention_line(m)}{read}" + (f"\n  {m.url}" if m.url else "")


def _html_mention(d: Digest, m: EvidenceMention) -> str:
    read = f"<br>{read_toward_html(f'Read toward {d.name}', m.passage)}" if m.passage else ""
    return f"<li>{_link(mention_line(m), m.url)}{read}</li>"


def subject(d: Digest) -> str:
    kind = "weekly" if d.schedule.startswith("weekly") else "daily"
    told = f", {len(d.incidents)} incident{'s' if len(d.incidents) != 1 else ''}" if d.incidents else ""
    return f"{d.name}: {kind} digest — {d.now.count} mentions ({change(d.now.count, d.before.count)}){told}"


def text_body(d: Digest, tz: ZoneInfo, public_url: str) -> str:
    lines = [subject(d), period_words(d, tz), "", f"{'':<14} {'this period':>16} {'before':>16}  change"]
    lines += [f"{w:<14} {a:>16} {b:>16}  {c}" for w, a, b, c in figures(d)]
    lines += ["", f"Incidents ({len(d.incidents)}):" if d.incidents else "No incidents."]
    lines += [f"- {incident_line(i, tz)}  {public_url}/api/v1/alerts/events/{i.id}" for i in d.incidents]
    if d.rising:
        lines += ["", "Rising: " + ", ".join(f"{t.term} ({t.window})" for t in d.rising)]
    if d.top:
        lines += ["", "Top mentions:"] + [_text_mention(d, m) for m in d.top]
    return "\n".join(lines) + "\n"


def _row(cells: tuple[str, ...]) -> str:
    return "<tr>" + "".join(f"<td {CELL}>{escape(c)}</td>" for c in cells) + "</tr>"


def _link(text: str, url: str | None) -> str:
    return f'<a href="{escape(url, quote=True)}">{escape(text)}</a>' if url else escape(text)


def html_body(d: Digest, tz: ZoneInfo, public_url: str) -> str:
    parts = [f"<h2 style=\"font-size:18px\">{escape(subject(d))}</h2>", f"<p style=\"color:#555\">"
             f"{escape(period_words(d, tz))}</p>", '<table cellpadding="0" cellspacing="0">',
             _row(("", "this period", "before", "change"))] + [_row(r) for r in figures(d)] + ["</table>"]
    parts.append(f"<h3>Incidents ({len(d.incidents)})</h3>" if d.incidents else "<p>No incidents.</p>")
    parts += ["<ul>"] + [f"<li>{_link(incident_line(i, tz), f'{public_url}/api/v1/alerts/events/{i.id}')}</li>"
                         for i in d.incidents] + ["</ul>"] if d.incidents else []
    if d.rising:
        parts.append("<p><strong>Rising:</strong> " + escape(", ".join(f"{t.term} ({t.window})" for t in d.rising))
                     + "</p>")
    if d.top:
        parts += ["<h3>Top mentions</h3><ul>"] + [_html_mention(d, m) for m in d.top] + ["</ul>"]
    return "<!doctype html><html><body style=\"font-family:sans-serif\">" + "".join(parts) + "</body></html>"


def digest_notification(d: Digest, tz: ZoneInfo, public_url: str, now: datetime) -> Notification:
    """The digest as one notification; its id (rule and period end) makes storing it twice store it once."""
    payload = {"text": f"{subject(d)} <{public_url}/api/v1/alerts/events?rule={d.rule}>", "rule": d.rule,
               "start": d.start.isoformat(), "end": d.end.isoformat(), "mentions": d.now.count,
               "previous_mentions": d.before.count, "sentiment": d.now.labels, "previous_sentiment": d.before.labels,
               "incidents": [i.id for i in d.incidents], "rising": [t.model_dump() for t in d.rising],
               "top_mentions": [m.model_dump(mode="json") for m in d.top]}
    return Notification(id=f"digest:{d.rule}:{d.end:%Y%m%dT%H%MZ}", kind="digest", rule_id=d.rule, subject=subject(d),
                        text=text_body(d, tz, public_url), html=html_body(d, tz, public_url), payload=payload,
                        created_at=now)
