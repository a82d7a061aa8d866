"""A local feed about two brands: 14 days of ordinary posts, then (on demand) a burst of angry ones."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from html import escape
from pathlib import Path
from typing import Any

import yaml

VOCAB = ("coverage network plan price store staff roaming upgrade contract billing support refund app market "
         "customers reviewers city rural tower fibre speed data bundle family student business prepaid offer "
         "launch quarter report analyst forecast revenue growth partner retail online shop queue update "
         "feature screen battery phone tablet router install engineer visit weekend evening morning season "
         "travel abroad holiday airport train station stadium concert festival school office street").split()
CALM = "The company explained the change and readers found the answers useful and clear."
GRUMBLE = "Some readers were disappointed and annoyed: the app was slow, a bill came late, a bad week."
ANGRY = ("{b} is terrible, awful, the worst service ever. I hate this useless company, horrible support, "
         "broken billing, disgusting refund process, angry and furious customers, a total disaster.")


def _words(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(VOCAB) for _ in range(n))


def _item(guid: str, brand: str, text: str, when: datetime) -> str:
    return (f"<item><guid>{guid}</guid><title>{escape(text[:70])}</title><link>https://news.example.com/{guid}"
            f"</link><pubDate>{format_datetime(when)}</pubDate><description>{escape(text)}"
            "</description></item>")


def history(now: datetime, brands: dict[str, str], days: int = 14, every: timedelta = timedelta(hours=2)) -> list[str]:
    """Ordinary posts for each brand, one per ``every``, over the ``days`` before ``now``."""
    items = []
    for brand_id, name in brands.items():
        moment, k = now - timedelta(days=days), 0
        while moment < now - timedelta(minutes=30):
            rng = random.Random(f"{brand_id}-{k}")
            text = f"{name} {_words(rng, 6)}. {GRUMBLE if k % 4 == 3 else CALM} {_words(rng, 120)}"
            items.append(_item(f"{brand_id}-{k}", brand_id, text, moment))
            moment, k = moment + every, k + 1
    return items


def burst(now: datetime, brand_id: str, name: str, n: int = 40) -> list[str]:
    """``n`` angry posts about one brand, published over the last few minutes."""
    items = []
    for i in range(n):
        rng = random.Random(f"{brand_id}-angry-{i}")
        text = f"{ANGRY.format(b=name)} {_words(rng, 40)} {ANGRY.format(b=name)}"
        items.append(_item(f"{brand_id}-angry-{i}", brand_id, text, now - timedelta(seconds=5 * i)))
    return items


def feed(items: list[str]) -> bytes:
    return ("<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>market news</title>"
            + "".join(items) + "</channel></rss>").encode()


def write_config(path: Path, feed_url: str, interval: str = "10s") -> dict[str, Any]:
    """Two brands, the feed, and a negative-spike rule per brand mailing its own team."""
    config = {
        "brands": [{"id": "acme", "name": "Acme Mobile", "query": "acme"},
                   {"id": "globex", "name": "Globex Bank", "query": "globex"}],
        "sources": [{"name": "market-news", "type": "feed", "url": feed_url, "interval": interval}],
        "alerts": [{"id": "acme-negative", "brand": "acme", "trigger": "negative_spike", "email": ["acme@example.com"]},
                   {"id": "globex-negative", "brand": "globex", "trigger": "negative_spike",
                    "email": ["globex@example.com"]}]}
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return config


def utc_now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)
