"""A small corpus for the analyses: three brands over four weeks, ratings, sites, one bad week for acme."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from earful.models import Mention, Rating, Sentiment, mention_id

START = datetime(2024, 3, 4, tzinfo=timezone.utc)  # a Monday; four weeks follow
_SCORES = {"positive": 0.7, "neutral": 0.0, "negative": -0.7, "unscored": None}


def mention(n: int, brands: str, day: float, label: str, text: str, *, site: str = "forum.example.com",
            source_name: str = "forum", stars: int | None = None, lang: str = "en") -> Mention:
    return Mention(
        id=mention_id("corpus", str(n)), source="review" if stars else "web", source_name=source_name,
        title="", text=text, published_at=START + timedelta(days=day), lang=lang, brands=brands.split(","),
        site=site, author=f"author{n % 4}",
        rating=Rating(raw=str(stars), scale=5, normalized=(stars - 1) / 4) if stars else None,
        sentiment=Sentiment(score=_SCORES[label], label=label, model=None if label == "unscored" else "test"),  # type: ignore[arg-type]
        content_hash=f"c{n}")


_CHATTER = ["Switched plans last month, the app makes it easy to check data use.",
            "Coverage in the valley is fine and the store staff were helpful.",
            "Paying the bill online took two minutes this time.",
            "Ordered a new phone, delivery came on time."]


def corpus() -> list[Mention]:
    """Weeks 1-2: calm chatter. Week 3: acme's network outage. Week 4: calm again."""
    out: list[Mention] = []
    n = 0
    for day in range(28):
        for brand in ("acme", "globex", "initech"):
            if brand == "initech" and day % 2:
                continue
            n += 1
            label = ("positive", "neutral", "negative", "unscored")[n % 4]
            out.append(mention(n, brand, day + 0.3, label, f"{brand.title()}: {_CHATTER[n % 4]}",
                               site=("forum.example.com", "news.example.com", "blog.example.org")[n % 3]))
    for i in range(12):  # the outage: days 14-17
        n += 1
        out.append(mention(n, "acme", 14 + i / 4, "negative" if i % 6 else "neutral",
                           "Acme network outage again, no signal for hours and support says nothing.",
                           site="forum.example.com"))
    for i, stars in enumerate((1, 2, 2, 5, 4, 3, 1)):  # reviews of acme on two sites
        n += 1
        out.append(mention(n, "acme", 7 * (i % 4) + 1.5, "negative" if stars <= 2 else "positive",
                           f"Rating {stars} of 5 for Acme, review number {i}.", stars=stars,
                           site=("reviews.example.com", "stars.example.net")[i % 2], source_name="reviews"))
    n += 1
    out.append(mention(n, "acme,globex", 20.5, "positive", "Acme and Globex both fast downtown."))
    return out
