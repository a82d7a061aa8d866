"""The demo corpus, its feeds, the HTTP server that replays them, and the demo config."""

from __future__ import annotations

import html
import re
import socket
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

import feedparser
import httpx
import pytest

from cli.demo.corpus import (
    BRAND_NAMES,
    CORPUS,
    LANGUAGES,
    LIVE,
    SPIKE_BRAND,
    SPIKE_HOURS_AGO,
    WINDOW_HOURS,
    items_for_feed,
    spike_items,
)
from cli.demo.feeds import BRAND_RULES, FEED_SPECS, build_feed, demo_config
from cli.demo.model import BRAND_IDS, FEEDS
from cli.demo.server import DemoServer

NOW = datetime(2025, 3, 14, 12, 0, tzinfo=timezone.utc)
NATIVE_NAMES = {"ar": ("أكمي", "غلوبكس", "إنيتك"), "fa": ("اکمی", "گلوبکس", "اینیتک"),
                "he": ("אקמי", "גלובקס", "איניטק"), "ru": ("Акме", "Глобекс", "Инитек")}


@pytest.fixture(scope="module")
def server() -> Iterator[DemoServer]:
    with DemoServer(now=NOW) as running:
        yield running


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=10) as http:
        yield http


# ---- the corpus

def test_corpus_is_big_varied_and_keyed_uniquely() -> None:
    assert len(CORPUS) >= 200
    assert len({i.key for i in CORPUS}) == len(CORPUS)
    assert len({(i.title, i.body) for i in CORPUS}) == len(CORPUS)  # written, not cloned
    langs = Counter(i.lang for i in CORPUS)
    assert set(langs) == set(LANGUAGES)
    assert all(langs[lang] >= 10 for lang in LANGUAGES), langs
    assert langs["en"] > len(CORPUS) / 2
    assert set(Counter(i.sentiment for i in CORPUS)) == {"positive", "negative", "neutral", "mixed"}
    assert all(0 < i.hours_ago < WINDOW_HOURS for i in CORPUS)
    assert max(i.hours_ago for i in CORPUS) > WINDOW_HOURS * 0.9  # spread over the whole window


def test_every_brand_comparisons_and_brandless_items() -> None:
    for brand in BRAND_IDS:
        assert sum(brand in i.brands for i in CORPUS) >= 30, brand
    assert sum(len(i.brands) >= 2 for i in CORPUS) >= 10
    assert sum(not i.brands for i in CORPUS) >= 5
    assert set(BRAND_NAMES) == set(BRAND_IDS) == set(BRAND_RULES)


def test_brands_appear_in_native_script() -> None:
    for lang, names in NATIVE_NAMES.items():
        texts = [i.title + " " + i.body for i in CORPUS if i.lang == lang]
        for name in names:
            assert sum(name in text for text in texts) >= 2, (lang, name)


def test_negative_spike_for_one_brand() -> None:
    spike = spike_items()
    low, high = SPIKE_HOURS_AGO
    assert len(spike) >= 20
    assert len({i.lang for i in spike}) >= 4
    # the same brand's negative mentions elsewhere, per window of the same length
    outside = [i for i in CORPUS if SPIKE_BRAND in i.brands and i.sentiment == "negative"
               and not low <= i.hours_ago <= high]
    baseline = len(outside) / ((WINDOW_HOURS - (high - low)) / (high - low))
    assert len(spike) > 20 * baseline


def test_some_items_are_syndicated_on_two_feeds() -> None:
    dups = [i for i in CORPUS if len(i.feeds) >= 2]
    assert len(dups) >= 3
    assert len({i.feeds for i in dups}) >= 2
    assert all(set(i.feeds) <= set(FEEDS) for i in CORPUS)


# A naive stand-in for the rule engine, mirroring BRAND_RULES, so that edits to the texts
# keep the declared brands honest. The real parser and matcher are tested elsewhere.
def _tokens(text: str) -> list[str]:
    return re.findall(r"\w+", html.unescape(re.sub(r"<[^>]+>", " ", text)).lower())


def _phrase(tokens: list[str], *words: str) -> bool:
    return any(tuple(tokens[i:i + len(words)]) == words for i in range(len(tokens)))


def _near(tokens: list[str], a: str, b: str, n: int) -> bool:
    left = [i for i, token in enumerate(tokens) if token == a]
    return any(abs(i - j) <= n for i in left for j, token in enumerate(tokens) if token == b)


def _naive_brands(tokens: list[str]) -> set[str]:
    has = set(tokens).__contains__
    prefixed = lambda p: any(t.startswith(p) for t in tokens)  # noqa: E731
    found = set()
    if (_phrase(tokens, "acme", "mobile") or has("acmemobile")
            or (has("acme") and not (_phrase(tokens, "acme", "of") or prefixed("anvil") or has("coyote")))
            or any(map(has, ("أكمي", "اكمي", "اکمی", "אקמי", "акме")))):
        found.add("acme")
    if (_phrase(tokens, "globex", "telecom") or _near(tokens, "globex", "fiber", 3)
            or (has("globex") and not (has("futures") or has("cme") or _phrase(tokens, "globex", "session")))
            or any(map(has, ("غلوبكس", "گلوبکس", "גלובקס"))) or prefixed("глобекс")):
        found.add("globex")
    if (_phrase(tokens, "initech", "wireless") or _near(tokens, "initech", "flex", 3)
            or (has("initech") and not (has("tps") or has("lumbergh") or _phrase(tokens, "office", "space")))
            or any(map(has, ("إنيتك", "انيتك", "اینیتک", "איניטק"))) or prefixed("инитек")):
        found.add("initech")
    return found


def test_declared_brands_agree_with_the_rules() -> None:
    wrong = [(i.key, sorted(i.brands), sorted(_naive_brands(_tokens(i.title + " " + i.body))))
             for i in CORPUS + LIVE if _naive_brands(_tokens(i.title + " " + i.body)) != i.brands]
    assert wrong == []
    # the false positives the NOT clauses exist for are in the corpus
    brandless = " ".join(i.title + " " + i.body for i in CORPUS if not i.brands).lower()
    for trap in ("acme of", "anvil", "cme globex", "tps", "акмеист"):
        assert trap in brandless, trap


# ---- the feeds

def test_feed_documents_are_stable_for_a_given_now() -> None:
    for name in FEED_SPECS:
        assert build_feed(name, "http://127.0.0.1:1", NOW) == build_feed(name, "http://127.0.0.1:1", NOW)


def test_served_feeds_parse_cleanly_with_dates_in_window(server: DemoServer, client: httpx.Client) -> None:
    kinds: Counter[str] = Counter()
    for name, spec in FEED_SPECS.items():
        reply = client.get(server.base_url + spec.path)
        assert reply.status_code == 200
        assert reply.headers["content-type"] == f"application/{spec.kind}+xml; charset=utf-8"
        parsed = feedparser.parse(reply.content)
        assert not parsed.bozo, (name, parsed.get("bozo_exception"))
        kinds[parsed.version] += 1
        expected = items_for_feed(name)
        assert len(parsed.entries) == len(expected) > 0
        assert len({e.id for e in parsed.entries}) == len(parsed.entries)
        for entry in parsed.entries:
            published = datetime(*entry.published_parsed[:6], tzinfo=timezone.utc)
            assert NOW - timedelta(hours=WINDOW_HOURS) <= published <= NOW
            assert entry.title and entry.link.startswith("https://") and entry.get("author")
    assert kinds["rss20"] >= 1 and kinds["atom10"] >= 1


def test_feeds_escape_html_and_keep_it_as_markup(server: DemoServer, client: httpx.Client) -> None:
    parsed = feedparser.parse(client.get(server.base_url + FEED_SPECS["news"].path).content)
    bodies = " ".join(e.summary for e in parsed.entries)
    assert "<p>" in bodies and "<b>" in bodies and '<a href="https://' in bodies
    assert "&amp;lt;" not in bodies  # escaped once, not twice


def test_world_feed_declares_each_entry_language(server: DemoServer, client: httpx.Client) -> None:
    parsed = feedparser.parse(client.get(server.base_url + FEED_SPECS["world"].path).content)
    langs = Counter(e.content[0].language for e in parsed.entries)
    assert set(langs) == set(LANGUAGES) - {"en"}
    news = feedparser.parse(client.get(server.base_url + FEED_SPECS["news"].path).content)
    assert news.feed.language == "en-us"


def test_syndicated_items_are_word_for_word_on_two_feeds(server: DemoServer, client: httpx.Client) -> None:
    seen: dict[tuple[str, str], set[str]] = {}
    for spec in FEED_SPECS.values():
        for entry in feedparser.parse(client.get(server.base_url + spec.path).content).entries:
            seen.setdefault((entry.title, entry.summary), set()).add(entry.id)
    assert sum(len(ids) >= 2 for ids in seen.values()) >= 3


def test_ids_do_not_depend_on_port_or_time() -> None:
    def ids(base: str, now: datetime) -> list[str]:
        return [e.id for e in feedparser.parse(build_feed("forum", base, now)).entries]

    assert ids("http://127.0.0.1:1", NOW) == ids("http://127.0.0.1:2", NOW + timedelta(days=3))


# ---- the server

def test_conditional_get_answers_304(server: DemoServer, client: httpx.Client) -> None:
    url = server.base_url + FEED_SPECS["forum"].path
    first = client.get(url)
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    assert client.get(url, headers={"If-Modified-Since": modified}).status_code == 304
    assert client.get(url, headers={"If-None-Match": '"stale"'}).status_code == 200
    older = "Mon, 01 Jan 2001 00:00:00 GMT"
    assert client.get(url, headers={"If-Modified-Since": older}).status_code == 200
    head = client.head(url)
    assert head.status_code == 200 and head.content == b"" and head.headers["etag"] == etag


def test_unknown_paths_are_404(server: DemoServer, client: httpx.Client) -> None:
    for path in ("/", "/feeds/", "/feeds/nope.rss", "/../etc/passwd"):
        assert client.get(server.base_url + path).status_code == 404


def test_many_concurrent_requests(server: DemoServer) -> None:
    urls = [server.base_url + spec.path for spec in FEED_SPECS.values()] * 20

    limits = httpx.Limits(max_connections=64, max_keepalive_connections=0)  # a new connection each time
    with httpx.Client(timeout=10, limits=limits) as http, ThreadPoolExecutor(max_workers=32) as pool:
        assert set(pool.map(lambda url: http.get(url).status_code, urls)) == {200}


def test_start_stop_and_a_given_port() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    demo = DemoServer(port=port).start()
    try:
        assert demo.base_url == f"http://127.0.0.1:{port}"
        with httpx.Client(timeout=5) as http:
            assert http.get(demo.feed_urls["wire"]).status_code == 200
    finally:
        demo.stop()
        demo.stop()
    with pytest.raises(httpx.ConnectError), httpx.Client(timeout=2) as http:
        http.get(f"http://127.0.0.1:{port}/feeds/wire.rss")


# ---- the config

def test_demo_config_shape() -> None:
    config = demo_config("http://127.0.0.1:8765/")
    assert [b["id"] for b in config["brands"]] == list(BRAND_IDS)
    assert {s["url"] for s in config["sources"]} == {
        f"http://127.0.0.1:8765{spec.path}" for spec in FEED_SPECS.values()}
    assert all(s["type"] == "feed" and s["interval"] == "15m" for s in config["sources"])
    for rule in BRAND_RULES.values():
        assert rule.count("(") == rule.count(")") and rule.count('"') % 2 == 0
        assert " NOT " in rule and "*" in rule


def test_demo_config_validates() -> None:
    from earful.config import parse_config

    config = parse_config(demo_config("http://127.0.0.1:8765"), file="<demo>")
    assert [b.id for b in config.brands] == list(BRAND_IDS)
    assert len(config.sources) == len(FEED_SPECS)
    assert all(s.interval == 900 for s in config.sources)
    for brand in config.brands:
        assert brand.rule is not None
        assert set(brand.competitors) == set(BRAND_IDS) - {brand.id}


def test_declared_brands_agree_with_the_real_matcher() -> None:
    from earful.config import parse_config
    from earful.models import RawMention
    from earful.rules import BrandMatcher

    matcher = BrandMatcher(parse_config(demo_config("http://127.0.0.1:8765")).brands)
    wrong = []
    for item in CORPUS + LIVE:
        text = html.unescape(re.sub(r"<[^>]+>", " ", item.body))
        raw = RawMention(id=item.key, source="feed", source_name="demo", title=item.title, text=text,
                         author=item.author, published_at=NOW)
        if set(matcher.match(raw)) != item.brands:
            wrong.append((item.key, sorted(item.brands), matcher.match(raw)))
    assert wrong == []


def test_the_live_posts_appear_only_once_released_and_are_the_newest() -> None:
    assert len(LIVE) >= 25 and all(i.brands == {"acme"} and i.sentiment == "negative" for i in LIVE)
    assert len({i.lang for i in LIVE}) >= 5 and all(0 < i.hours_ago < 1 for i in LIVE)
    assert not {i.key for i in LIVE} & {i.key for i in CORPUS}
    with DemoServer(now=NOW) as running, httpx.Client(timeout=10) as http:
        before = {e.id for name in FEED_SPECS for e in feedparser.parse(http.get(running.feed_urls[name]).content).entries}
        running.release_live(NOW + timedelta(minutes=30))
        after = [e for name in FEED_SPECS for e in feedparser.parse(http.get(running.feed_urls[name]).content).entries]
    new = [e for e in after if e.id not in before]
    assert len(new) == len(LIVE) and before <= {e.id for e in after}
    published = sorted(datetime(*e.published_parsed[:6], tzinfo=timezone.utc) for e in new)
    newest_before = NOW - timedelta(hours=min(i.hours_ago for i in CORPUS))
    assert newest_before < published[0] and published[-1] <= NOW + timedelta(minutes=30)


@pytest.mark.parametrize("minute", [1, 17, 59])
def test_the_live_posts_fall_in_the_hour_they_are_released(minute: int) -> None:
    """The demo's alert rules judge hourly buckets: released early in an hour, the live episode must
    not spill into the previous hour (its incident would already be over)."""
    live_at = NOW.replace(minute=minute, second=30, microsecond=0) + timedelta(hours=3)
    hour = live_at.replace(minute=0, second=0)
    dates = [datetime(*e.published_parsed[:6], tzinfo=timezone.utc)
             for name in FEED_SPECS for e in feedparser.parse(build_feed(name, "http://127.0.0.1:1", NOW, live_at)).entries
             if e.published_parsed and datetime(*e.published_parsed[:6], tzinfo=timezone.utc) > NOW]
    assert len(set(dates)) >= len(LIVE) // 2  # still spread out, not stacked on one second
    assert len(dates) >= len(LIVE) and all(hour <= d <= live_at for d in dates), (min(dates), hour)
