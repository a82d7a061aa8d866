"""Incidents as an Atom feed (RFC 4287): one entry per incident, updated as it grows and resolves."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from xml.etree.ElementTree import Element, SubElement, tostring

from earful.alerts.models import IncidentSummary

ATOM = "http://www.w3.org/2005/Atom"
WHAT = {"volume_spike": "mentions above expected", "negative_spike": "negative mentions above expected",
        "negative_share": "negative share above usual", "silence": "mentions went quiet"}


def _text(parent: Element, tag: str, value: str, **attrs: str) -> Element:
    node = SubElement(parent, tag, attrs)
    node.text = value
    return node


def _stamp(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def entry_title(incident: IncidentSummary) -> str:
    what = WHAT.get(incident.trigger, incident.trigger.replace("_", " "))
    state = {"open": "", "updated": " (updated)", "resolved": " (resolved)"}[incident.state]
    return f"{incident.brand or incident.rule}: {what}, {incident.observed:.0f} vs ~{incident.expected:.0f}{state}"


def entry_summary(incident: IncidentSummary) -> str:
    parts = [f"Rule {incident.rule} ({incident.trigger}, {incident.sensitivity}): {incident.observed:.0f} observed "
             f"between {incident.window_start:%Y-%m-%d %H:%M} and {incident.window_end:%H:%M} UTC, expected "
             f"~{incident.expected:.1f} (band {incident.lower:.1f}–{incident.upper:.1f}), score {incident.score:.1f}."]
    if incident.resolved_at is not None:
        parts.append(f"Resolved {incident.resolved_at:%Y-%m-%d %H:%M} UTC ({incident.resolution}).")
    if incident.snoozed_until is not None:
        parts.append(f"Rule snoozed until {incident.snoozed_until:%Y-%m-%d %H:%M} UTC.")
    return " ".join(parts)


def feed(incidents: Sequence[IncidentSummary], *, title: str, feed_id: str, self_url: str, public_url: str,
         now: datetime) -> bytes:
    """The feed document, newest incidents first; ``self_url`` is where it was read (without the token)."""
    root = Element("feed", {"xmlns": ATOM})
    _text(root, "title", title)
    _text(root, "id", feed_id)
    updated = max((i.updated_at for i in incidents), default=now)
    _text(root, "updated", _stamp(updated))
    SubElement(root, "link", {"rel": "self", "href": self_url})
    author = SubElement(root, "author")
    _text(author, "name", "Earful")
    _text(root, "generator", "Earful")
    for incident in incidents:
        entry = SubElement(root, "entry")
        _text(entry, "title", entry_title(incident))
        _text(entry, "id", f"urn:earful:incident:{incident.id}")
        _text(entry, "published", _stamp(incident.detected_at))
        _text(entry, "updated", _stamp(incident.updated_at))
        SubElement(entry, "link", {"rel": "alternate", "href": f"{public_url}/api/v1/alerts/events/{incident.id}"})
        SubElement(entry, "category", {"term": incident.trigger})
        _text(entry, "summary", entry_summary(incident))
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + tostring(root, encoding="utf-8", xml_declaration=False)
