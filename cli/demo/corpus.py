"""The demo corpus: about 400 hand-written mentions of three fictional mobile/broadband brands.

Acme Mobile, Globex Telecom and Initech Wireless compete in one fictional market. The texts
were written for Earful's demo (no real data). Eight weeks of them: five of everyday talk
(``corpus_history``), then three with a price change, double billing, install fees and a
burst of negative posts about an Acme Mobile network outage about 62 to 58 hours ago.
"""

from __future__ import annotations

from collections import Counter

from cli.demo import (
    corpus_ar,
    corpus_en,
    corpus_es,
    corpus_fa,
    corpus_he,
    corpus_history,
    corpus_live,
    corpus_ru,
)
from cli.demo.model import BRAND_IDS, FEEDS, Item

BRAND_NAMES: dict[str, str] = {
    "acme": "Acme Mobile", "globex": "Globex Telecom", "initech": "Initech Wireless"}
LANGUAGES: tuple[str, ...] = ("en", "es", "ar", "he", "fa", "ru")
WINDOW_HOURS = 57 * 24  # every item is younger than this
SPIKE_BRAND = "acme"
SPIKE_HOURS_AGO: tuple[float, float] = (58.5, 62.5)  # the Acme Mobile outage, oldest edge last

CORPUS: tuple[Item, ...] = tuple(
    corpus_en.ITEMS + corpus_es.ITEMS + corpus_ar.ITEMS + corpus_he.ITEMS + corpus_fa.ITEMS + corpus_ru.ITEMS
    + corpus_history.ITEMS
)


# Acme Mobile down again: posts that appear only once the demo has collected the history.
LIVE: tuple[Item, ...] = tuple(corpus_live.ITEMS)


def items_for_feed(feed: str, items: tuple[Item, ...] = CORPUS) -> list[Item]:
    """Items a feed carries, newest first."""
    return sorted((i for i in items if feed in i.feeds), key=lambda i: i.hours_ago)


def spike_items() -> list[Item]:
    """Negative mentions of the spike brand inside the spike window."""
    low, high = SPIKE_HOURS_AGO
    return [i for i in CORPUS if SPIKE_BRAND in i.brands and i.sentiment == "negative"
            and low <= i.hours_ago <= high]


def summary() -> dict[str, dict[str, int]]:
    """Counts by language, brand, sentiment and feed (feed counts include syndicated copies)."""
    return {
        "lang": dict(Counter(i.lang for i in CORPUS)),
        "brand": {b: sum(b in i.brands for i in CORPUS) for b in BRAND_IDS} | {
            "none": sum(not i.brands for i in CORPUS), "several": sum(len(i.brands) > 1 for i in CORPUS)},
        "sentiment": dict(Counter(i.sentiment for i in CORPUS)),
        "feed": {f: len(items_for_feed(f)) for f in FEEDS},
    }
