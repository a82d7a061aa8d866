"""Render the demo corpus as RSS 2.0 and Atom 1.0 feeds, and the config that collects them.

Dates are relative to a ``now`` the caller passes, so the demo always shows the last three
weeks. Ids (guids) and links never depend on ``now`` or on the server's port, so collecting
again upserts the same mentions.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from typing import Any, Literal

from cli.demo.corpus import BRAND_NAMES, LIVE, items_for_feed
from cli.demo.model import Item

ATOM_NS = "http://www.w3.org/2005/Atom"
DC_NS = "http://purl.org/dc/elements/1.1/"


@dataclass(frozen=True)
class FeedSpec:
    """One demo feed: where it is served, its format, and how it presents itself."""

    name: str
    kind: Literal["rss", "atom"]
    title: str
    description: str
    site: str  # fictional home page (reserved .example domain); item links live under it
    lang: str | None  # declared language; None when entries declare their own

    @property
    def path(self) -> str:
        return f"/feeds/{self.name}.{self.kind}"

    @property
    def content_type(self) -> str:
        return f"application/{self.kind}+xml; charset=utf-8"


FEED_SPECS: dict[str, FeedSpec] = {spec.name: spec for spec in (
    FeedSpec("news", "rss", "Telco Daily", "News, reviews and opinion about phone and broadband providers.",
             "https://telcodaily.example", "en-us"),
    FeedSpec("wire", "rss", "Carrier PR Wire", "Press releases from mobile and broadband companies.",
             "https://carrierprwire.example", "en"),
    FeedSpec("forum", "atom", "SignalBars Community: latest posts", "Customers helping customers.",
             "https://signalbars.example", "en"),
    FeedSpec("reviews", "atom", "RateMyCarrier: newest reviews", "Customer reviews of phone networks.",
             "https://ratemycarrier.example", "en"),
    FeedSpec("world", "atom", "World Chatter: telecom",
             "What people say about their carriers, in many languages.",
             "https://worldchatter.example", None),
)}
FEED_PATHS: dict[str, FeedSpec] = {spec.path: spec for spec in FEED_SPECS.values()}


def published_at(item: Item, now: datetime) -> datetime:
    """The item's date: ``hours_ago`` before ``now``, to the second, in UTC."""
    return (now - timedelta(hours=item.hours_ago)).astimezone(timezone.utc).replace(microsecond=0)


def item_link(spec: FeedSpec, item: Item) -> str:
    return f"{spec.site}/{item.topic}/{item.key}"


def item_guid(spec: FeedSpec, item: Item) -> str:
    return f"urn:earful-demo:{spec.name}:{item.key}"


def _iso(value: datetime) -> str:
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    if text is not None:
        element.text = text
    return element


def _rss(spec: FeedSpec, items: list[Item], self_url: str, now: datetime) -> ET.Element:
    rss = ET.Element("rss", {"version": "2.0", "xmlns:atom": ATOM_NS, "xmlns:dc": DC_NS})
    channel = _sub(rss, "channel")
    _sub(channel, "title", spec.title)
    _sub(channel, "link", spec.site + "/")
    _sub(channel, "description", spec.description)
    if spec.lang:
        _sub(channel, "language", spec.lang)
    _sub(channel, "lastBuildDate", format_datetime(now, usegmt=True))
    _sub(channel, "ttl", "15")
    _sub(channel, "atom:link", href=self_url, rel="self", type="application/rss+xml")
    for item in items:
        entry = _sub(channel, "item")
        _sub(entry, "title", item.title)
        _sub(entry, "link", item_link(spec, item))
        _sub(entry, "guid", item_guid(spec, item), isPermaLink="false")
        _sub(entry, "pubDate", format_datetime(published_at(item, now), usegmt=True))
        _sub(entry, "dc:creator", item.author)
        _sub(entry, "category", item.topic)
        _sub(entry, "description", item.body)  # HTML, escaped by the serializer
    return rss


def _atom(spec: FeedSpec, items: list[Item], self_url: str, now: datetime) -> ET.Element:
    feed = ET.Element("feed", {"xmlns": ATOM_NS})
    if spec.lang:
        feed.set("xml:lang", spec.lang)
    _sub(feed, "title", spec.title)
    _sub(feed, "subtitle", spec.description)
    _sub(feed, "id", f"urn:earful-demo:{spec.name}")
    _sub(feed, "updated", _iso(now))
    _sub(feed, "link", rel="self", type="application/atom+xml", href=self_url)
    _sub(feed, "link", rel="alternate", type="text/html", href=spec.site + "/")
    _sub(feed, "generator", "Earful demo")
    for item in items:
        entry = _sub(feed, "entry")
        if spec.lang is None or not spec.lang.startswith(item.lang):
            entry.set("xml:lang", item.lang)
        date = _iso(published_at(item, now))
        _sub(entry, "title", item.title, type="text")
        _sub(entry, "id", item_guid(spec, item))
        _sub(entry, "link", rel="alternate", type="text/html", href=item_link(spec, item))
        _sub(entry, "published", date)
        _sub(entry, "updated", date)
        author = _sub(entry, "author")
        _sub(author, "name", item.author)
        _sub(entry, "category", term=item.topic)
        _sub(entry, "content", item.body, type="html")
    return feed


_OLDEST_LIVE = max((item.hours_ago for item in LIVE), default=0.0)


def live_hours_ago(hours_ago: float, live_at: datetime) -> float:
    """A live post's age when it is released at ``live_at``: its own, scaled down so that it is never older
    than the start of ``live_at``'s hour, where the whole episode then falls in the hourly bucket the alert
    rules judge as current."""
    oldest = _OLDEST_LIVE
    into_hour = (live_at - live_at.replace(minute=0, second=0, microsecond=0)).total_seconds() / 3600
    return hours_ago * min(1.0, 0.9 * into_hour / oldest) if oldest > 0 else hours_ago


def _live_items(name: str, now: datetime, live_at: datetime) -> list[Item]:
    """The live posts of a feed, dated relative to ``now`` as released at ``live_at``."""
    later = (live_at - now).total_seconds() / 3600
    return [replace(item, hours_ago=live_hours_ago(item.hours_ago, live_at) - later)
            for item in items_for_feed(name, LIVE)]


def build_feed(name: str, base_url: str, now: datetime, live_at: datetime | None = None) -> bytes:
    """The named feed as a UTF-8 XML document, entries newest first, dated relative to ``now``; with
    ``live_at``, the live posts too, dated relative to that later moment."""
    spec = FEED_SPECS[name]
    now = now.astimezone(timezone.utc).replace(microsecond=0)
    items = [item for item in items_for_feed(name) if item.hours_ago >= 0]
    if live_at is not None:
        items = _live_items(name, now, live_at.astimezone(timezone.utc)) + items
    render = _rss if spec.kind == "rss" else _atom
    root = render(spec, items, base_url.rstrip("/") + spec.path, now)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


# Brand rules. Each exercises the rule language: quoted phrases, OR over spellings in five
# scripts, parentheses, NOT to drop known false positives ("the acme of ...", cartoon anvils,
# CME Globex futures, Office Space's Initech), trailing wildcards for Russian case endings
# (Глобекса, Инитеком) and NEAR/N. Russian "акме" has no wildcard on purpose: акме* would
# match акмеизм (Acmeism, a school of poetry).
BRAND_RULES: dict[str, str] = {
    "acme": ('"acme mobile" OR acmemobile OR (acme NOT ("acme of" OR anvil* OR coyote)) '
             "OR أكمي OR اكمي OR اکمی OR אקמי OR акме"),
    "globex": ('"globex telecom" OR (globex NEAR/3 fiber) '
               'OR (globex NOT (futures OR cme OR "globex session")) '
               "OR غلوبكس OR گلوبکس OR גלובקס OR глобекс*"),
    "initech": ('"initech wireless" OR (initech NEAR/3 flex) '
                'OR (initech NOT (tps OR lumbergh OR "office space")) '
                "OR إنيتك OR انيتك OR اینیتک OR איניטק OR инитек*"),
}


DEMO_ALERTS = [  # the live posts (corpus_live) raise the first; the others watch quietly
    {"id": "acme-negative", "brand": "acme", "trigger": "negative_spike", "sensitivity": "medium", "interval": "1h",
     "min_count": 5, "description": "Negative mentions of Acme Mobile jump"},
    {"id": "acme-volume", "brand": "acme", "trigger": "volume_spike", "sensitivity": "low", "interval": "1h",
     "description": "Far more mentions of Acme Mobile than usual"},
    {"id": "globex-negative-share", "brand": "globex", "trigger": "negative_share", "interval": "1h",
     "description": "A larger share of Globex mentions turns negative"},
]


def demo_config(base_url: str, interval: str = "15m") -> dict[str, Any]:
    """The YAML-shaped config (brands, sources, alert rules) that collects the demo feeds from ``base_url``."""
    base = base_url.rstrip("/")
    brands = [{"id": brand_id, "name": BRAND_NAMES[brand_id], "query": rule,
               "competitors": [other for other in BRAND_RULES if other != brand_id]}
              for brand_id, rule in BRAND_RULES.items()]
    sources = [{"name": f"demo-{spec.name}", "type": "feed", "url": base + spec.path, "interval": interval}
               for spec in FEED_SPECS.values()]
    return {"brands": brands, "sources": sources, "alerts": DEMO_ALERTS}
