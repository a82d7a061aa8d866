"""The demo corpus's hand-written items as the collected mentions its feeds would give, for tests."""

from __future__ import annotations

from datetime import datetime, timedelta

from cli.demo.model import Item
from crawlers.text import html_to_text
from earful.models import RawMention


def as_raw(item: Item, now: datetime) -> RawMention:
    """``item`` as collected from its first feed at ``now`` (its age counted back from ``now``)."""
    feed = item.feeds[0]
    return RawMention(id=item.key, source="feed", source_name=f"demo-{feed}", author=item.author, title=item.title,
                      text=html_to_text(item.body), url=f"https://{feed}.example.com/{item.key}",
                      site=f"{feed}.example.com", published_at=now - timedelta(hours=item.hours_ago), collected_at=now)
