"""Synthetic mentions shaped like real brand chatter for bench/analytics.py (posts, reviews, articles)."""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

from earful.models import Mention, Rating, Sentiment, mention_id

BRANDS = ["acme", "globex", "initech"]
LANGS = ["en", "ar", "fa", "he", "ru"]
END = datetime(2024, 7, 1, tzinfo=timezone.utc)
DAYS = 180
BATCH = 10_000
TOPICS = ["refund", "outage", "support", "delivery", "price", "quality", "battery", "update",
          "warranty", "shipping", "login", "subscription", "invoice", "screen", "crash", "app"]
# One negative week for acme: its posts talk about a network outage and dead signal.
EPISODE = (END - timedelta(days=40), END - timedelta(days=33))
EPISODE_WORDS = ["outage", "signal", "network", "down", "dead", "hours"]
# (source kind, source name, share, words min..max, rated): posts and reviews are short,
# feed articles 1-10 KB.
KINDS = [("reddit", "r/gadgets", 0.45, (15, 80), False), ("review", "reviews", 0.25, (20, 120), True),
         ("web", "forums", 0.15, (30, 200), False), ("feed", "newsfeed", 0.15, (200, 1500), False)]


def vocabulary(rng: random.Random, size: int = 5000) -> list[str]:
    letters = "abcdefghijklmnoprstuvwy"
    words = {"".join(rng.choice(letters) for _ in range(rng.randint(3, 9))) for _ in range(size * 2)}
    vocab = sorted(words)[:size]
    for i, topic in enumerate(TOPICS):  # topic words in roughly 0.5-3 % of mentions
        vocab.insert(100 + 20 * i, topic)
    for i, word in enumerate(("the", "and", "is", "it", "to", "of", "my", "this")):  # function words on top
        vocab.insert(i, word)
    return vocab


def mentions(n: int, seed: int = 11) -> Iterator[Mention]:
    rng = random.Random(seed)
    vocab = vocabulary(rng)
    cumulative = list(itertools.accumulate(1 / (rank + 1) ** 1.1 for rank in range(len(vocab))))
    kinds_cum = list(itertools.accumulate(k[2] for k in KINDS))
    for i in range(n):
        source, name, _, (low, high), rated = rng.choices(KINDS, cum_weights=kinds_cum)[0]
        words = rng.choices(vocab, cum_weights=cumulative, k=rng.randint(low, high))
        brand = rng.choice(BRANDS)
        # Collected as it is published: the index holds mentions roughly in time order, as a real one does.
        seconds = DAYS * 86400 * (n - i) / n + rng.uniform(-1800, 1800)
        published = min(END - timedelta(seconds=seconds), END - timedelta(seconds=1))
        score = round(rng.uniform(-1, 1), 3)
        if brand == "acme" and EPISODE[0] <= published < EPISODE[1] and rng.random() < 0.4:
            words[:0] = rng.sample(EPISODE_WORDS, 3)
            score = -abs(score)
        words.insert(rng.randrange(len(words)), brand)
        label = "negative" if score < -0.2 else "positive" if score > 0.2 else "neutral"
        stars = rng.randint(1, 5) if rated else None
        yield Mention(
            id=mention_id(name, str(i)), source=source, source_name=name, title=" ".join(words[:8]),
            text=" ".join(words), published_at=published, lang=rng.choice(LANGS), brands=[brand],
            site=f"site{rng.randrange(500)}.example", author=f"user{rng.randrange(50_000)}",
            rating=Rating(raw=str(stars), scale=5, normalized=(stars - 1) / 4) if stars else None,
            sentiment=Sentiment(score=score, label=label, model="bench"), content_hash=f"{i:x}")
