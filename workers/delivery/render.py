"""An incident as a notification: the subject, a plain-text and an HTML body, and the webhooks' JSON."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from earful.alerts.models import THRESHOLD_WHY, Evidence, Incident

WHAT = {"volume_spike": "mentions", "negative_spike": "negative mentions", "negative_share": "negative mentions",
        "silence": "mentions"}
HEADLINE = {"opened": "", "updated": "Still growing: ", "reopened": "Back again: ", "resolved": "Resolved: "}


@dataclass
class Context:
    """What the words need besides the incident: the brand's name, where links point, the thread."""

    brand_name: str
    public_url: str
    thread: str | None = None  # id of the notification that opened the incident's thread
    opening_subject: str | None = None
    actions: dict[str, str] = field(default_factory=dict)  # label key → signed link


def per_window(incident: Incident) -> str:
    seconds = int((incident.window_end - incident.window_start).total_seconds())
    if seconds == 3600:
        return "/h"
    return f" in {seconds // 3600} h" if seconds % 3600 == 0 else f" in {seconds // 60} min"


def headline(incident: Incident, brand_name: str) -> str:
    """"Acme Mobile: negative mentions 9× expected (47 vs ~5/h)"."""
    what, obs, exp = WHAT.get(incident.trigger, "mentions"), incident.observed, incident.expected
    figures = f"({obs:.0f} vs ~{exp:.0f}{per_window(incident)})"
    if incident.trigger == "silence":
        return f"{brand_name}: {what} went quiet {figures}"
    if exp < 1:  # a ratio to a fraction of a mention says nothing
        return f"{brand_name}: {what} far above expected ({obs:.0f}{per_window(incident)}, usually under 1)"
    ratio = f"{obs / exp:.0f}×" if obs / exp >= 2 else f"{obs / exp:.1f}×"
    return f"{brand_name}: {what} {ratio} expected {figures}"


def subject(incident: Incident, change: str, ctx: Context) -> str:
    if change == "opened" or not ctx.opening_subject:
        return headline(incident, ctx.brand_name)
    return f"Re: {ctx.opening_subject}" + (" [resolved]" if change == "resolved" else "")


def links(incident: Incident, ctx: Context) -> dict[str, str]:
    base = ctx.public_url
    query: dict[str, str] = {"since": incident.window_start.isoformat(), "until": incident.window_end.isoformat(),
                             "sort": "newest"}
    if incident.brand:
        query["brand"] = incident.brand
    return {"incident": f"{base}/alerts/events/{incident.id}", "api": f"{base}/api/v1/alerts/events/{incident.id}",
            "mentions": f"{base}/api/v1/mentions?{urlencode(query)}"}


def window_words(incident: Incident) -> str:
    length = incident.window_end - incident.window_start
    span = f"{length // timedelta(minutes=1)} min" if length < timedelta(hours=2) else f"{length / timedelta(hours=1):g} h"
    return f"{incident.window_start:%Y-%m-%d %H:%M}–{incident.window_end:%H:%M} UTC ({span})"


def figures(incident: Incident) -> list[str]:
    what = WHAT.get(incident.trigger, "mentions")
    lines = [f"Observed: {incident.observed:.0f} {what} in {window_words(incident)}",
             f"Expected: ~{incident.expected:.1f} (usual band {incident.lower:.1f}–{incident.upper:.1f})",
             f"Score {incident.score:.1f} (raised at {incident.threshold:.1f}, sensitivity {incident.sensitivity})"]
    if incident.threshold_why:
        lines.append(f"Its bar, {incident.threshold:.1f}, is {THRESHOLD_WHY[incident.threshold_why]}")
    if incident.total is not None and incident.usual_share is not None and incident.total:
        lines.append(f"Negative share {incident.observed / incident.total:.0%} of {incident.total:.0f} "
                     f"(usually {incident.usual_share:.0%})")
    return lines


def evidence_summary(evidence: Evidence | None) -> dict[str, Any]:
    found = evidence or Evidence()
    return {"terms": ", ".join(f"{t.term} ({t.window} vs {t.baseline})" for t in found.terms[:8]),
            "sources": ", ".join(f"{s.source} {s.window_share:.0%} (usually {s.baseline_share:.0%})"
                                 for s in found.sources[:5]),
            "sentiment": ", ".join(f"{k} {v}" for k, v in sorted(found.sentiment.items()))
            + (f" ({provisional_note(found)})" if found.sentiment and found.provisional else "")}


def provisional_note(evidence: Evidence) -> str:
    """Why the window's labels may disagree with its top mentions' (read by the accurate scorer already)."""
    return (f"{evidence.provisional} of the newest {evidence.read} counted as scored at intake, before the "
            "accurate scorer had read them")


PASSAGE_CHARS = 300  # what was read toward a brand is quoted up to this long (evidence and mail)


def quote(text: str, limit: int = 200) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit - 1].rstrip() + "…"



