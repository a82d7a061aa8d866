"""An incident's notification: plain text, HTML that reads the same with images blocked, webhook JSON."""

from __future__ import annotations

from html import escape

from earful.alerts.models import Evidence, Incident
from workers.delivery import chart
from workers.delivery.outbox import Notification
from workers.delivery.render import (
    HEADLINE,
    PASSAGE_CHARS,
    Context,
    evidence_summary,
    figures,
    headline,
    links,
    quote,
    subject,
)

ACTIONS = {"snooze_1h": "Snooze 1 h", "snooze_24h": "Snooze 24 h", "useful": "Useful",
           "not_useful": "Not useful", "expected": "Expected (a campaign)"}
STATE_LINE = {"opened": "A new incident.", "updated": "The incident grew since the last mail.",
              "reopened": "It came back during its cooldown.", "resolved": "Back in the usual band: resolved."}


def notification(incident: Incident, change: str, ctx: Context) -> Notification:
    """The notification of one change of ``incident`` (its id: the incident's id and sequence)."""
    title = subject(incident, change, ctx)
    found = links(incident, ctx)
    text = text_body(incident, change, ctx, found)
    payload = {"text": f"{HEADLINE.get(change, '')}{headline(incident, ctx.brand_name)} <{found['incident']}>",
               "change": change, "incident": incident.summary().model_dump(mode="json"),
               "evidence": (incident.evidence or Evidence()).model_dump(mode="json"), "links": found,
               "actions": ctx.actions}
    return Notification(id=f"{incident.id}.{incident.sequence}", kind="incident", rule_id=incident.rule,
                        subject=title, text=text, html=html_body(incident, change, ctx, found, chart.bars(incident.series)),
                        thread=ctx.thread, payload=payload, created_at=incident.updated_at)


def text_body(incident: Incident, change: str, ctx: Context, links: dict[str, str]) -> str:
    lines = [HEADLINE.get(change, "") + headline(incident, ctx.brand_name), STATE_LINE.get(change, ""), ""]
    lines += figures(incident)
    summary = evidence_summary(incident.evidence)
    mentions = (incident.evidence or Evidence()).top_mentions[:5]
    if mentions:
        lines += ["", "Top mentions:"]
        for m in mentions:
            lines.append(f'- "{quote(m.title or m.text)}" ({m.source_name}, {m.published_at:%d %b %H:%M}, '
                         f"{m.sentiment}){' ' + m.url if m.url else ''}")
            if m.passage:
                lines.append(f"  {read_toward_text(_read_toward(ctx), m.passage)}")
    for label, key in (("Driving words", "terms"), ("Sources", "sources"), ("Sentiment in the window", "sentiment")):
        if summary[key]:
            lines += ["", f"{label}: {summary[key]}"]
    lines += ["", f"Incident: {links['incident']}", f"Mentions of the window: {links['mentions']}",
              f"API: {links['api']}"]
    if ctx.actions:
        lines += [""] + [f"{ACTIONS.get(k, k)}: {url}" for k, url in ctx.actions.items()]
    return "\n".join(lines) + "\n"


def html_body(incident: Incident, change: str, ctx: Context, links: dict[str, str], bars: str) -> str:
    e = escape
    parts = [f'<h2 style="font-size:18px">{e(HEADLINE.get(change, "") + headline(incident, ctx.brand_name))}</h2>',
             f"<p>{e(STATE_LINE.get(change, ''))}</p>",
             "<p>" + "<br>".join(e(line) for line in figures(incident)) + "</p>", bars]
    mentions = (incident.evidence or Evidence()).top_mentions[:5]
    if mentions:
        items = "".join(_mention(m.title or m.text, m.url, f"{m.source_name}, {m.published_at:%d %b %H:%M}, "
                                 f"{m.sentiment}", m.passage, _read_toward(ctx)) for m in mentions)
        parts.append(f"<h3 style=\"font-size:15px\">Top mentions</h3><ul>{items}</ul>")
    summary = evidence_summary(incident.evidence)
    for label, key in (("Driving words", "terms"), ("Sources", "sources"), ("Sentiment in the window", "sentiment")):
        if summary[key]:
            parts.append(f"<p><b>{e(label)}:</b> {e(summary[key])}</p>")
    parts.append(f'<p><a href="{e(links["incident"])}">Open the incident</a> · '
                 f'<a href="{e(links["mentions"])}">Mentions of the window</a></p>')
    if ctx.actions:
        buttons = " · ".join(f'<a href="{e(url)}">{e(ACTIONS.get(k, k))}</a>' for k, url in ctx.actions.items())
        parts.append(f"<p>{buttons}</p>")
    body = "\n".join(p for p in parts if p)
    return f'<!doctype html><html><body style="font-family:sans-serif;font-size:14px">{body}</body></html>'


def _read_toward(ctx: Context) -> str:
    """How a passage is introduced: it is what the mention's label toward the rule's brand was read from."""
    return f"Read toward {ctx.brand_name}" if ctx.brand_name else "Read"


def read_toward_text(lead: str, passage: str) -> str:
    """The passage a mention's label was read from, as mail text (incidents and digests)."""
    return f'{lead}: "{quote(passage, PASSAGE_CHARS)}"'


def read_toward_html(lead: str, passage: str) -> str:
    """The same line for mail HTML, escaped, the passage in italics."""
    return f'<span style="font-size:13px">{escape(lead)}: <i>“{escape(quote(passage, PASSAGE_CHARS))}”</i></span>'


def _mention(text: str, url: str | None, meta: str, passage: str | None = None, lead: str = "Read") -> str:
    shown = escape(quote(text))
    linked = f'<a href="{escape(url)}">{shown}</a>' if url else shown
    read = f"<br>{read_toward_html(lead, passage)}" if passage else ""
    return f'<li>{linked}<br><span style="color:#666;font-size:12px">{escape(meta)}</span>{read}</li>'
