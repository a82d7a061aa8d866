"""FeedCollector behaviour: conditional GET, ids, text, dates, languages, bad input, fetch errors."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path

import pytest

from crawlers.base import CollectResult, collector_for
from crawlers.feeds.collector import MAX_TEXT_CHARS, FeedCollector, html_to_text, state_key
from crawlers.feeds.config import FeedSource
from earful.errors import SourceError
from earful.models import mention_id, utcnow
from earful.settings import Settings
from earful.state import SQLiteStateStore

ATOM6 = "feeds-real/feed-rs/atom_example_6.xml"  # 4 GitHub release entries


@pytest.fixture
def settings() -> Settings:
    return Settings(fetch_timeout=5.0)


@pytest.fixture
def collector(settings: Settings) -> FeedCollector:
    return FeedCollector(settings)


@pytest.fixture
def state(tmp_path: Path):
    with SQLiteStateStore(tmp_path / "state.sqlite3") as store:
        yield store


def source(url: str, name: str = "acme-news", **extra: object) -> FeedSource:
    return FeedSource(name=name, type="feed", url=url, **extra)


def rss(items: str, channel: str = "") -> str:
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Acme</title>'
            f"<link>https://news.example.com/</link>{channel}{items}</channel></rss>")


def collect_one(feed_server, collector, state, body: str, **extra: object) -> CollectResult:
    return collector.collect(source(feed_server.serve(body), **extra), state)


# --- conditional GET and crawl state ---------------------------------------------------------

def test_second_run_is_not_modified_and_state_survives_instances(feed_server, settings, tmp_path) -> None:
    url, path = feed_server.url(ATOM6), tmp_path / "state.sqlite3"
    with SQLiteStateStore(path) as store:
        first = FeedCollector(settings).collect(source(url), store)
    assert len(first.mentions) == 4 and not first.not_modified
    with SQLiteStateStore(path) as store:  # as a later run, or another process, would open it
        saved = store.get(state_key(source(url)))
        assert saved and saved["etag"] and saved["last_modified"] and saved["url"] == url
        second = FeedCollector(settings).collect(source(url), store)
    assert second.not_modified and second.mentions == [] and second.errors == []
    assert feed_server.requests_for(url)[-1]["if-none-match"] == saved["etag"]


def test_last_modified_alone_is_enough(feed_server, collector, state) -> None:
    url = feed_server.serve(rss("<item><title>Hi</title></item>"), headers=[
        ("Content-Type", "application/rss+xml"), ("Last-Modified", "Wed, 02 Oct 2019 08:00:00 GMT")])
    assert len(collector.collect(source(url), state).mentions) == 1
    assert collector.collect(source(url), state).not_modified
    assert feed_server.requests_for(url)[-1]["if-modified-since"] == "Wed, 02 Oct 2019 08:00:00 GMT"


def test_validators_are_not_sent_to_a_new_url(feed_server, collector, state) -> None:
    collector.collect(source(feed_server.url(ATOM6)), state)
    moved = feed_server.serve(rss("<item><title>Hi</title></item>"))
    assert len(collector.collect(source(moved), state).mentions) == 1
    assert "if-none-match" not in feed_server.requests_for(moved)[-1]


def test_recollecting_gives_the_same_ids(feed_server, collector, state) -> None:
    body = rss("<item><guid>tag:acme,1</guid><title>One</title></item>"
               "<item><link>https://news.example.com/2</link><title>Two</title></item>"
               "<item><title>Three</title><pubDate>Thu, 01 Jan 2004 19:48:21 GMT</pubDate></item>")
    url = feed_server.serve(body, conditional=False)
    first = collector.collect(source(url), state)
    again = collector.collect(source(url), state)
    assert [m.id for m in first.mentions] == [m.id for m in again.mentions]
    assert first.mentions[0].id == mention_id("feed:acme-news", "tag:acme,1")
    assert first.mentions[1].id == mention_id("feed:acme-news", "https://news.example.com/2")
    other = collector.collect(source(url, name="other-feed"), state)
    assert not {m.id for m in other.mentions} & {m.id for m in first.mentions}


def test_a_shared_guid_does_not_merge_different_items(feed_server, collector, state) -> None:
    items = "".join(f"<item><link>https://news.example.com/news.html</link><title>Post {i}</title>"
                    f"<pubDate>Thu, 0{i} Jan 2004 10:00:00 GMT</pubDate></item>" for i in range(1, 4))
    copy = "<item><title>Post 1</title><link>https://news.example.com/news.html</link>" \
           "<pubDate>Thu, 01 Jan 2004 10:00:00 GMT</pubDate></item>"
    result = collect_one(feed_server, collector, state, rss(items + copy))
    assert [m.title for m in result.mentions] == ["Post 1", "Post 2", "Post 3"]
    assert len({m.id for m in result.mentions}) == 3
    assert result.skipped == {"duplicate_entry": 1}


# --- text ------------------------------------------------------------------------------------

def test_html_to_text() -> None:
    markup = ("<div><p>Hello&nbsp;<b>big</b> <i>wor<span>ld</span></i> &amp; friends&hellip;</p>"
              "<!-- hidden --><script>alert('x')</script><style>p {color: red}</style>"
              "<ul><li>one</li><li>two</li></ul>line<br>break &lt;tag&gt; &#8217;&#x2019;"
              "<table><tr><td>a</td><td>b</td></tr></table></div>")
    assert html_to_text(markup) == "Hello big world & friends…\none\ntwo\nline\nbreak <tag> ’’\na b"
    assert html_to_text("AT&amp;T   and\n\n  more") == "AT&T and\nmore"
    assert html_to_text("https://example.com/just-a-link.html") == "https://example.com/just-a-link.html"
    assert html_to_text('<?xml version="1.0"?><x>xml</x>') == "xml"
    assert html_to_text("a < b > c") == "a < b > c"


def test_feed_html_is_stripped(feed_server, collector, state) -> None:
    description = ("<![CDATA[<div class='post'><p>Acme&rsquo;s <b>new</b> phone</p>"
                   "<script>document.write('ad')</script><p>is &lt;great&gt; &amp; cheap</p></div>]]>")
    body = rss(f"<item><title>Acme &amp;amp; Co &lt;b&gt;launch&lt;/b&gt;</title>"
               f"<description>{description}</description></item>")
    mention = collect_one(feed_server, collector, state, body).mentions[0]
    assert mention.title == "Acme & Co launch"
    assert mention.text == "Acme’s new phone\nis <great> & cheap"


def test_atom_text_and_xhtml_content(feed_server, collector, state) -> None:
    body = """<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>
      <entry><id>urn:1</id><title type="text">1 &lt; 2 &amp; &lt;b&gt; stays</title>
        <summary>short</summary>
        <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Full <em>text</em></p>
        <p>second&#160;para</p></div></content></entry></feed>"""
    mention = collect_one(feed_server, collector, state, body).mentions[0]
    assert mention.title == "1 < 2 & <b> stays"
    assert mention.text == "Full text\nsecond para"


def test_very_long_text_is_truncated(feed_server, collector, state) -> None:
    body = rss(f"<item><title>Long</title><description>{'word ' * 40_000}</description></item>")
    result = collect_one(feed_server, collector, state, body)
    assert len(result.mentions[0].text) <= MAX_TEXT_CHARS
    assert result.mentions[0].text.endswith("word…")
    assert result.counts["text_truncated"] == 1


def test_entries_without_title_or_text_are_skipped(feed_server, collector, state) -> None:
    body = rss("<item><link>https://news.example.com/1</link></item><item><title> </title>"
               "<description>&lt;script&gt;x()&lt;/script&gt;</description></item>"
               "<item><description>only text</description></item>")
    result = collect_one(feed_server, collector, state, body)
    assert [m.text for m in result.mentions] == ["only text"]
    assert result.skipped == {"empty": 2}


# --- dates -----------------------------------------------------------------------------------

def test_dates_are_utc(feed_server, collector, state) -> None:
    body = rss("<item><title>a</title><pubDate>Thu, 01 Jan 2004 19:48:21 +0200</pubDate></item>"
               "<item><title>b</title><pubDate>Sun, 31 Dec 2023 23:30:00 -0500</pubDate></item>")
    result = collect_one(feed_server, collector, state, body)
    assert [m.published_at for m in result.mentions] == [
        datetime(2004, 1, 1, 17, 48, 21, tzinfo=UTC),
        datetime(2024, 1, 1, 4, 30, tzinfo=UTC)]
    assert all(m.published_at.tzinfo == UTC for m in result.mentions)


def test_missing_bad_and_future_dates_become_collection_time(feed_server, collector, state) -> None:
    body = rss("<item><title>none</title></item>"
               "<item><title>bad</title><pubDate>the day after tomorrow</pubDate></item>"
               "<item><title>future</title><pubDate>Fri, 01 Jan 2100 00:00:00 GMT</pubDate></item>")
    before = utcnow()
    result = collect_one(feed_server, collector, state, body)
    after = utcnow()
    for mention in result.mentions:
        assert before <= mention.published_at <= after
        assert mention.published_at == mention.collected_at
    assert result.counts == {"missing_date": 1, "unparseable_date": 1, "future_date_clamped": 1}


def test_updated_is_used_when_published_is_missing(feed_server, collector, state) -> None:
    body = """<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><entry><id>urn:1</id>
      <title>x</title><updated>2019-07-31T12:54:28+01:00</updated></entry></feed>"""
    mention = collect_one(feed_server, collector, state, body).mentions[0]
    assert mention.published_at == datetime(2019, 7, 31, 11, 54, 28, tzinfo=UTC)


# --- links, sites, languages, brands -----------------------------------------------------------

def test_links_sites_languages_and_brand(feed_server, collector, state) -> None:
    body = rss("<item><title>rel</title><link>/posts/1</link></item>"
               "<item><title>abs</title><link>https://www.Example.org/a?b=1&amp;c=2</link></item>"
               "<item><title>none</title></item>"
               "<item><title>js</title><link>javascript:alert(1)</link></item>",
               channel="<language>de-DE</language>")
    url = feed_server.serve(body)
    result = collector.collect(source(url, brand="acme"), state)
    rel, absolute, none, js = result.mentions
    assert rel.url == url.rsplit("/", 1)[0].rsplit("/_reply", 1)[0] + "/posts/1"
    assert rel.site == "127.0.0.1"
    assert absolute.url == "https://www.Example.org/a?b=1&c=2" and absolute.site == "www.example.org"
    assert none.url is None and none.site == "news.example.com"  # the feed's own link
    assert js.url is None
    assert {m.lang_hint for m in result.mentions} == {"de"}
    assert all(m.brands == ["acme"] and m.source_name == "acme-news" for m in result.mentions)


def test_language_from_xml_lang_then_source(feed_server, collector, state) -> None:
    atom = """<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fr"><title>t</title>
      <entry><id>1</id><title>a</title></entry>
      <entry xml:lang="ru"><id>2</id><title>b</title></entry></feed>"""
    assert [m.lang_hint for m in collect_one(feed_server, collector, state, atom).mentions] == ["fr", "ru"]
    plain = rss("<item><title>x</title></item>")
    assert collect_one(feed_server, collector, state, plain, lang="fa").mentions[0].lang_hint == "fa"
    assert collect_one(feed_server, collector, state, plain).mentions[0].lang_hint is None


def test_wrapped_links_point_at_the_article(feed_server, collector, state) -> None:
    body = rss('<item><title>fb</title><link>http://feedproxy.google.com/~r/x/1</link>'
               '<feedburner:origLink xmlns:feedburner="http://rssnamespace.org/feedburner/ext/1.0">'
               'https://blog.example.com/post</feedburner:origLink></item>'
               '<item><title>alert</title><link>https://www.google.com/url?rct=j&amp;url='
               'https://shop.example.net/review&amp;ct=ga</link></item>')
    first, second = collect_one(feed_server, collector, state, body).mentions
    assert (first.url, first.site) == ("https://blog.example.com/post", "blog.example.com")
    assert (second.url, second.site) == ("https://shop.example.net/review", "shop.example.net")


def test_charset_from_http_header_wins(feed_server, collector, state) -> None:
    body = rss("<item><title>Caf\u00e9 cr\u00e8me</title></item>")
    body = body.replace('encoding="utf-8"', 'encoding="ascii"')
    url = feed_server.serve(body.encode("iso-8859-1"),
                            headers=[("Content-Type", "text/xml; charset=iso-8859-1")])
    assert collector.collect(source(url), state).mentions[0].title == "Café crème"


# --- bad content never raises -------------------------------------------------------------------

def test_malformed_feed_keeps_what_parses(feed_server, collector, state, caplog) -> None:
    body = rss("<item><title>First &amp; fine</title><link>https://news.example.com/1</link></item>"
               "<item><title>Second &bogus; entity</title><description>two <b>unclosed</description></item>"
               "<item><title>Third</title>").replace("</channel></rss>", "")
    with caplog.at_level(logging.WARNING, logger="crawlers.feeds.collector"):
        result = collect_one(feed_server, collector, state, body)
    titles = [m.title for m in result.mentions]
    assert titles[:2] == ["First & fine", "Second &bogus; entity"] and "Third" in titles
    assert result.counts["bozo_feed"] == 1 and result.errors == []
    assert len([r for r in caplog.records if "not well-formed" in r.getMessage()]) == 1


@pytest.mark.parametrize("body", [
    b"", b"<html><head><title>Shop</title></head><body><p>Welcome to Acme</p></body></html>",
    bytes(range(256)) * 20, b"\xff\xfe\x00\x00garbage", b"/etc/passwd",
])
def test_unparseable_documents_give_an_error_not_an_exception(feed_server, collector, state, body) -> None:
    url = feed_server.serve(body, headers=[("Content-Type", "text/html")])
    result = collector.collect(source(url), state)
    assert result.mentions == []
    assert len(result.errors) == 1 and "did not return a feed" in result.errors[0]


def test_a_broken_document_is_fetched_again_next_run(feed_server, collector, state) -> None:
    url = feed_server.serve(b"<html><body>Log in first</body></html>", headers=[
        ("Content-Type", "text/html"), ("ETag", '"login"')])
    assert collector.collect(source(url), state).errors
    again = collector.collect(source(url), state)
    assert again.errors and not again.not_modified
    assert "if-none-match" not in feed_server.requests_for(url)[-1]


# --- fetch failures raise SourceError ------------------------------------------------------------

@pytest.mark.parametrize(("status", "kind"), [(404, "http_4xx"), (500, "http_5xx")])
def test_http_errors_raise(feed_server, collector, state, status, kind) -> None:
    src = source(feed_server.serve(b"", status=status))
    with pytest.raises(SourceError) as excinfo:
        collector.collect(src, state)
    assert excinfo.value.kind == kind
    assert state.get(state_key(src)) is None


def test_too_large_raises(feed_server, state) -> None:
    small = FeedCollector(Settings(fetch_timeout=5.0, max_fetch_bytes=100_000))
    with pytest.raises(SourceError) as excinfo:
        small.collect(source(feed_server.url("feeds-real/rss-parser/giantbomb-podcast.rss")), state)
    assert excinfo.value.kind == "too_large"


def test_timeout_raises(feed_server, state) -> None:
    impatient = FeedCollector(Settings(fetch_timeout=0.3))
    with pytest.raises(SourceError) as excinfo:
        impatient.collect(source(feed_server.serve(rss(""), delay=2.0)), state)
    assert excinfo.value.kind == "timeout"


# --- registry --------------------------------------------------------------------------------------

def test_collector_for(settings) -> None:
    collector = collector_for("feed", settings)
    assert isinstance(collector, FeedCollector) and collector.settings is settings
    with pytest.raises(SourceError, match="no collector") as excinfo:
        collector_for("carrier-pigeon", settings)
    assert excinfo.value.kind == "unsupported"
