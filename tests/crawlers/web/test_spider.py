"""The web spider run for real against a local server: forum threads, article pages, sitemaps."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

from crawlers.base import collector_for
from crawlers.web.config import WebSource
from earful.config import parse_config
from earful.sources import SiteProfile
from earful.state import SQLiteStateStore
from tests.crawlers import review_server as helper

page_server = helper.page_server

THREAD = {
    "@context": "https://schema.org", "@type": "DiscussionForumPosting", "headline": "Acme router keeps dropping",
    "url": "/forum/t/42", "author": {"@type": "Person", "name": "netnerd"}, "datePublished": "2026-10-02T09:00:00Z",
    "text": "My Acme router drops Wi-Fi every evening. Anyone else?",
    "comment": [
        {"@type": "Comment", "author": {"@type": "Person", "name": "helper1"}, "datePublished": "2026-10-02T10:00:00Z",
         "text": "Same here, the firmware update fixed it."},
        {"@type": "Comment", "author": "grumpy", "datePublished": "2026-10-03", "text": "Returned mine. Never again."},
    ]}
FORUM_PAGE = (f'<html lang="en"><head><title>Thread 42</title><script type="application/ld+json">{json.dumps(THREAD)}'
              "</script></head><body><nav>Home Forums Login</nav><div>posts rendered here</div></body></html>")
ARTICLE_PAGE = """<html lang="de"><head><title>Globex im Test</title>
<meta property="article:published_time" content="2026-09-15T06:30:00+02:00"><meta name="author" content="R. Weber">
</head><body><header>Site header</header><nav><a href="/">Start</a> Menu links</nav>
<article><h1>Globex Phone im Test</h1><p>Das Globex Phone überzeugt mit Akku.</p>
<aside>Anzeige: Kaufen!</aside><p>Die Kamera enttäuscht.</p></article><footer>Impressum</footer></body></html>"""
PLAIN_FORUM = """<html><body><div class="post"><span class="user">ann</span><div class="body">Initech support
is slow.</div></div><div class="post"><span class="user">bob</span><div class="body">Agreed.</div></div></body></html>"""


def sitemap(*urls: str) -> str:
    entries = "".join(f"<url><loc>{u}</loc></url>" for u in urls)
    return f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>'


def sitemap_index(*urls: str) -> str:
    entries = "".join(f"<sitemap><loc>{u}</loc></sitemap>" for u in urls)
    return (f'<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"{entries}</sitemapindex>")


def collect(source: WebSource, data_dir: Path, profiles: dict[str, SiteProfile] | None = None) -> Any:
    config = parse_config({"brands": [{"id": "acme", "name": "Acme", "query": "acme"}]})
    config.profiles.update(profiles or {})
    with SQLiteStateStore(data_dir / "state.sqlite3") as state:
        return collector_for("web", helper.crawl_settings(data_dir), config).collect(source, state)


def test_forum_posts_articles_and_sitemaps(page_server: Any, tmp_path: Path) -> None:
    forum = page_server.serve(FORUM_PAGE, path="/forum/t/42")
    article = page_server.serve(ARTICLE_PAGE)
    from_map = [page_server.serve(f"<html><body><p>Sitemap page {i} about Acme.</p></body></html>") for i in range(3)]
    plain_map = page_server.serve(sitemap(from_map[0], from_map[1]), content_type="application/xml")
    gz_map = page_server.serve(gzip.compress(sitemap(from_map[2]).encode()), content_type="application/octet-stream",
                               path="/maps/more.xml.gz")
    index = page_server.serve(sitemap_index(plain_map, gz_map), content_type="application/xml")
    source = WebSource(type="web", name="acme-web", urls=[forum, article], sitemaps=[index])
    result = collect(source, tmp_path)
    assert result.errors == [] and result.failures == []
    assert all(m.source == "web" and m.brands == [] for m in result.mentions)
    posts = {m.author: m for m in result.mentions if m.url and "/forum/" in m.url}
    assert set(posts) == {"netnerd", "helper1", "grumpy"}
    assert posts["netnerd"].title == "Acme router keeps dropping"
    assert posts["helper1"].text == "Same here, the firmware update fixed it."
    assert posts["grumpy"].published_at.isoformat() == "2026-10-03T00:00:00+00:00"
    assert len({m.id for m in posts.values()}) == 3
    [page] = [m for m in result.mentions if m.url == article]
    assert page.title == "Globex im Test" and page.author == "R. Weber" and page.lang_hint == "de"
    assert "Das Globex Phone überzeugt mit Akku." in page.text and "Die Kamera enttäuscht." in page.text
    assert not any(chrome in page.text for chrome in ("Menu links", "Impressum", "Anzeige", "Site header"))
    assert page.published_at.isoformat() == "2026-09-15T04:30:00+00:00"
    assert sorted(m.text for m in result.mentions if m.url in from_map) == [
        f"Sitemap page {i} about Acme." for i in range(3)]


def test_profile_items_and_page_limit(page_server: Any, tmp_path: Path) -> None:
    thread = page_server.serve(PLAIN_FORUM)
    others = [page_server.serve(f"<html><body><p>Page {i}</p></body></html>") for i in range(3)]
    profile = SiteProfile(item="div.post", author=".user", text=".body")
    source = WebSource(type="web", name="plain-forum", brand="initech", urls=[thread, *others], profile="forum",
                       max_pages=2)
    result = collect(source, tmp_path, {"forum": profile})
    posts = [m for m in result.mentions if m.url == thread]
    assert [(m.author, m.text) for m in posts] == [("ann", "Initech support is slow."), ("bob", "Agreed.")]
    assert all(m.brands == ["initech"] for m in result.mentions)
    assert sum(page_server.hits(u) for u in others) == 1 and result.counts["page_limit_reached"] == 2


def test_a_crawl_never_follows_a_redirect_to_another_local_service(tmp_path: Path) -> None:
    import pytest

    from earful.errors import SourceError
    from tests.crawlers.hostile import HostileServer, answer

    other = HostileServer()  # another service on this machine, a redirect away
    jump = HostileServer()
    try:
        secret = other.add(answer(body=b"<html><body><p>Acme internal admin page</p></body></html>"))
        start = jump.add(answer("302 Found", headers=[("Location", secret)]))
        metadata = jump.add(answer("302 Found", headers=[("Location", "http://169.254.169.254/latest/")]))
        other_scheme = jump.add(answer("302 Found", headers=[("Location", "file:///etc/passwd")]))
        source = WebSource(name="hostile", type="web", urls=[start, metadata, other_scheme])
        with pytest.raises(SourceError, match="refused to follow a redirect"):
            collect(source, tmp_path)
        assert other.hits(secret) == 0
    finally:
        jump.close()
        other.close()
