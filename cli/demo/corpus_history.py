"""Everyday talk in the five weeks before the demo's events (original, fictional): the history that trends,
compare and alert baselines need.

The sentences are hand-written; they are placed deterministically over days 22 to 56 before ``now``, more on
weekdays and in the daytime, and filled with a plan, a town and a way of naming the brand so that no two
items read alike. None of them is about the episodes of the later weeks (no outages, install fees or price
rises), so those episodes still stand out.
"""

from __future__ import annotations

import random

from cli.demo.model import Item, Sentiment

FIRST_DAY, LAST_DAY = 22, 56  # days before now
PER_DAY = {"acme": 1.8, "globex": 1.3, "initech": 1.3}  # English posts on a weekday; weekends 60 %
NAMES = {"acme": ("Acme", "Acme Mobile"), "globex": ("Globex", "Globex Telecom"),
         "initech": ("Initech", "Initech Wireless")}
THINGS = {"acme": ("Unlimited Plus", "the Essentials plan", "the eSIM", "the hotspot", "the family plan", "5G"),
          "globex": ("Fiber One", "the router", "the TV bundle", "the mesh extenders", "the Wi-Fi app"),
          "initech": ("Flex Go", "Flex 25", "the eSIM", "the data top-ups", "the roaming pass")}
PLACES = ("Riverton", "Elmstead", "Lakeside", "North Hollis", "Millbrook", "Cedar Falls", "Port Avery")
AUTHORS = ("quietfern", "m_okafor", "jules.b", "trailrunner9", "nadia_k", "peterw", "sam_on_call", "lindenleaf",
           "h.castillo", "oakandash", "ravi.p", "kimchee", "bikelane_ben", "tessa_r", "gordo77", "wren")
# (sentiment, title, body): {b} the brand, {t} a plan or device, {p} a town
ENGLISH: tuple[tuple[Sentiment, str, str], ...] = (
    ("positive", "{b} in {p} has been solid", "Coverage in {p} has been solid all week with {b}. No complaints."),
    ("positive", "Happy with {t} from {b}", "Switched to {b} last month and {t} just works. Should have done it sooner."),
    ("positive", "Props to {b} support", "Props to {b} support, they sorted my question about {t} in five minutes."),
    ("positive", "{b}: {t} is good value", "{t} from {b} is honestly the best value I have had in years."),
    ("positive", "Streamed the match on {b}", "Streamed the whole match on {b} in {p} without a single hiccup."),
    ("neutral", "{b} {t} abroad?", "Does anyone know if {t} from {b} works abroad, or do I need to ask first?"),
    ("neutral", "Anyone in {p} on {b}?", "Thinking about {b} for {t}. Anyone in {p} using it day to day?"),
    ("neutral", "{b} shop in {p}", "The {b} shop in {p} has moved to the high street, next to the bakery."),
    ("neutral", "Billing date on {b}", "How do I change the billing date for {t} on {b}? The menu is confusing."),
    ("neutral", "{b} text about {t}", "Got a text from {b} about changes to {t} next month. Anyone know more?"),
    ("mixed", "{b} {t}: a month in", "A month with {t} on {b}: fast in {p}, patchy on the train. Fine overall."),
    ("negative", "{b} dropping on my commute", "{b} keeps dropping on my commute through {p}. Annoying."),
    ("negative", "Slow {b} support", "Waited forty minutes for {b} support about {t}. Not great."),
    ("negative", "{b} data slow in the evening", "{b} data in {p} crawls every evening after eight."),
)
# One post per (language, brand, sentence), each naming the brand as people there write it.
NATIVE = {
    "es": ({"acme": "Acme", "globex": "Globex", "initech": "Initech"}, (
        ("positive", "{b} funciona bien", "Llevo un mes con {b} y la cobertura es buena incluso en el metro."),
        ("neutral", "¿Alguien usa {b}?", "Estoy pensando en cambiarme a {b}. ¿Qué tal la atención al cliente?"),
        ("negative", "{b} lento por la noche", "Por la noche los datos de {b} van muy lentos en mi barrio."))),
    "ru": ({"acme": "Акме", "globex": "Глобекс", "initech": "Инитек"}, (
        ("positive", "{b} радует", "Пользуюсь {b} полгода, связь стабильная, претензий нет."),
        ("neutral", "Вопрос про {b}", "Кто-нибудь знает, есть ли у {b} пакет для поездок за границу?"),
        ("negative", "{b} тормозит вечером", "Вечером мобильный интернет {b} почти не работает."))),
    "ar": ({"acme": "أكمي", "globex": "غلوبكس", "initech": "إنيتك"}, (
        ("positive", "تغطية {b} ممتازة", "أستخدم {b} منذ شهر والتغطية ممتازة في كل مكان."),
        ("neutral", "سؤال عن {b}", "هل يعرف أحد كيف أغير باقتي مع {b} من التطبيق؟"),
        ("negative", "{b} بطيء في المساء", "الإنترنت من {b} بطيء جدا في المساء."))),
    "he": ({"acme": "אקמי", "globex": "גלובקס", "initech": "איניטק"}, (
        ("positive", "{b} עובד מצוין", "אני עם {b} כבר חודש והקליטה מצוינת."),
        ("neutral", "שאלה על {b}", "מישהו יודע אם אפשר להעביר מספר אל {b} דרך האתר?"),
        ("negative", "{b} איטי בערב", "האינטרנט של {b} איטי מאוד בערבים."))),
    "fa": ({"acme": "اکمی", "globex": "گلوبکس", "initech": "اینیتک"}, (
        ("positive", "{b} عالی است", "یک ماه است که با {b} هستم و آنتن‌دهی خیلی خوب است."),
        ("neutral", "سوال درباره {b}", "کسی می‌داند {b} بسته رومینگ دارد؟"),
        ("negative", "{b} کند است", "اینترنت {b} شب‌ها خیلی کند است."))),
}
TOPICS = {"positive": "coverage", "neutral": "question", "mixed": "review", "negative": "network"}


def _hours(rng: random.Random, day: int) -> float:
    """A daytime hour (8:00-23:00 UTC, busiest in the evening) on ``day`` days before now."""
    return round(day * 24 - rng.triangular(8, 23, 19), 1)


def _item(rng: random.Random, key: str, feed: str, day: int, brand: str, sentiment: Sentiment,
          text: tuple[str, str]) -> Item:
    return Item(key=key, lang=key.split("-")[0], feeds=(feed,), author=rng.choice(AUTHORS), hours_ago=_hours(rng, day),
                brands=frozenset({brand}), sentiment=sentiment, topic=TOPICS[sentiment], title=text[0], body=text[1])


def _english(rng: random.Random) -> list[Item]:
    items: list[Item] = []
    seen: set[tuple[str, str]] = set()
    for day in range(FIRST_DAY, LAST_DAY + 1):
        weekend = day % 7 in (2, 3)
        for brand, rate in PER_DAY.items():
            count = int(rate * (0.6 if weekend else 1.0) + rng.random())
            for _ in range(count):
                sentiment, title, body = rng.choice(ENGLISH)
                fill = {"b": rng.choice(NAMES[brand]), "t": rng.choice(THINGS[brand]), "p": rng.choice(PLACES)}
                text = (title.format(**fill), body.format(**fill))
                if text in seen:
                    continue
                seen.add(text)
                items.append(_item(rng, f"en-h{len(items) + 1:03d}", "forum", day, brand, sentiment, text))
    return items


def _native(rng: random.Random) -> list[Item]:
    items = []
    for lang, (names, sentences) in NATIVE.items():
        for n, (brand, sentence) in enumerate((b, s) for b in sorted(names) for s in sentences):
            sentiment, title, body = sentence
            text = (title.format(b=names[brand]), body.format(b=names[brand]))
            day = rng.randint(FIRST_DAY, LAST_DAY)
            items.append(_item(rng, f"{lang}-h{n + 1:03d}", "world", day, brand, sentiment, text))  # type: ignore[arg-type]
    return items


def history_items(seed: int = 2026) -> list[Item]:
    """The history, the same every time."""
    rng = random.Random(seed)
    return _english(rng) + _native(rng)


ITEMS = history_items()
