"""The dashboard's pages over HTTP: what they show, and what they refuse."""

from __future__ import annotations

import csv
import io
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient

from api.dashboard.headers import CSP
from api.main import create_app

from .conftest import KEY, csrf_of, sign_in

PAGES = ("/mentions", "/trends", "/alerts", "/sources")
REMOTE = re.compile(r'(?:src|href|action|data|poster)\s*=\s*"(?:https?:)?//', re.I)


def result_ids(html: str) -> list[str]:
    return re.findall(r'<li class="mention" lang="[^"]*">\s*<h3[^>]*>\s*<a href="(https://[^"]+)"', html)


def test_without_keys_pages_open_with_no_sign_in(open_client: TestClient) -> None:
    for path in PAGES:
        response = open_client.get(path)
        assert response.status_code == 200, path
        assert "Sign out" not in response.text and 'aria-current="page"' in response.text
    assert open_client.get("/", follow_redirects=False).headers["location"] == "/mentions"


def test_a_request_without_a_session_gets_the_sign_in_page(keyed_client: TestClient) -> None:
    for path in PAGES:
        response = keyed_client.get(path + "?brand=acme")
        assert response.status_code == 303
        assert response.headers["location"] == f"/sign-in?next={path.replace('/', '%2F')}%3Fbrand%3Dacme"
        page = keyed_client.get(response.headers["location"])
        assert page.status_code == 200 and 'type="password"' in page.text and "<nav" not in page.text
    htmx = keyed_client.get("/mentions", headers={"HX-Request": "true"})
    assert htmx.headers["HX-Redirect"].startswith("/sign-in?next=")


def test_signing_in_keeps_a_strict_http_only_session(keyed_client: TestClient) -> None:
    form = keyed_client.get("/sign-in?next=/trends")
    response = keyed_client.post("/sign-in", data={"csrf": csrf_of(form.text), "key": KEY, "next": "/trends"})
    assert response.status_code == 303 and response.headers["location"] == "/trends"
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Secure" not in cookie  # plain http here
    assert KEY not in cookie
    page = keyed_client.get("/trends")
    assert page.status_code == 200 and "Sign out" in page.text and KEY not in page.text


def test_a_wrong_key_or_a_forged_csrf_token_is_refused(keyed_client: TestClient) -> None:
    token = csrf_of(keyed_client.get("/sign-in").text)
    wrong = keyed_client.post("/sign-in", data={"csrf": token, "key": "guess", "next": "/"})
    assert wrong.status_code == 401 and "not one of" in wrong.text and "set-cookie" not in wrong.headers
    forged = keyed_client.post("/sign-in", data={"csrf": token[::-1], "key": KEY, "next": "/"})
    assert forged.status_code == 403 and "reload the page" in forged.text
    missing = keyed_client.post("/sign-in", data={"key": KEY})
    assert missing.status_code == 403
    sign_in(keyed_client)
    assert keyed_client.post("/sign-out", data={"csrf": "forged"}).status_code == 403
    assert keyed_client.get("/mentions").status_code == 200  # still signed in


def test_sign_out_ends_the_session(keyed_client: TestClient) -> None:
    sign_in(keyed_client)
    token = csrf_of(keyed_client.get("/mentions").text)
    response = keyed_client.post("/sign-out", data={"csrf": token})
    assert response.status_code == 303 and 'earful_session=""' in response.headers["set-cookie"]
    assert keyed_client.get("/mentions").status_code == 303


def test_wrong_keys_from_one_address_are_throttled(keyed_client: TestClient) -> None:
    token = csrf_of(keyed_client.get("/sign-in").text)
    codes = [keyed_client.post("/sign-in", data={"csrf": token, "key": f"guess{i}"}).status_code for i in range(11)]
    assert codes[:10] == [401] * 10 and codes[10] == 429
    assert keyed_client.post("/sign-in", data={"csrf": token, "key": KEY}).status_code == 429


def test_the_throttle_counts_wrong_keys_across_api_processes(keyed_client: TestClient) -> None:
    """A second API process of the same installation (same settings and state store) sees the count."""
    app = keyed_client.app
    other = TestClient(create_app(app.state.settings, app.state.index, app.state.state_store,  # type: ignore[attr-defined]
                                  config=app.state.app_config), follow_redirects=False)  # type: ignore[attr-defined]
    token = csrf_of(keyed_client.get("/sign-in").text)
    codes = [keyed_client.post("/sign-in", data={"csrf": token, "key": f"guess{i}"}).status_code for i in range(10)]
    assert codes == [401] * 10
    other_token = csrf_of(other.get("/sign-in").text)
    assert other.post("/sign-in", data={"csrf": other_token, "key": KEY}).status_code == 429


@pytest.mark.parametrize("target, expected", [("/trends?x=1", "/trends?x=1"), ("//evil.example/", "/"),
                                              ("https://evil.example/", "/"), ("/\\evil.example", "/")])
def test_sign_in_only_returns_to_this_site(keyed_client: TestClient, target: str, expected: str) -> None:
    token = csrf_of(keyed_client.get("/sign-in").text)
    response = keyed_client.post("/sign-in", data={"csrf": token, "key": KEY, "next": target})
    assert response.headers["location"] == expected


def test_the_api_takes_the_session_and_needs_its_csrf_token_to_change_anything(keyed_client: TestClient) -> None:
    from fastapi import Depends

    from api.deps import require_api_key

    @keyed_client.app.post("/api/v1/probe", dependencies=[Depends(require_api_key)])  # type: ignore[attr-defined]
    def probe() -> dict[str, bool]:
        return {"changed": True}

    assert keyed_client.get("/api/v1/mentions").status_code == 401
    sign_in(keyed_client)
    assert keyed_client.get("/api/v1/mentions", params={"brand": "acme"}).json()["total"] > 10
    token = csrf_of(keyed_client.get("/mentions").text)
    assert keyed_client.post("/api/v1/probe").status_code == 403
    assert keyed_client.post("/api/v1/probe", headers={"X-CSRF-Token": "forged"}).status_code == 403
    assert keyed_client.post("/api/v1/probe", headers={"X-CSRF-Token": token}).json() == {"changed": True}
    keyed_client.cookies.clear()
    assert keyed_client.post("/api/v1/probe", headers={"Authorization": f"Bearer {KEY}"}).status_code == 200
    assert keyed_client.post("/api/v1/probe", headers={"X-CSRF-Token": token}).status_code == 401


def test_every_page_has_a_strict_csp_and_no_remote_or_inline_code(open_client: TestClient) -> None:
    for path in (*PAGES, "/mentions?q=outage", "/trends?interval=hour&range=7d"):
        response = open_client.get(path)
        assert response.headers["content-security-policy"] == CSP
        assert "unsafe-inline" not in CSP and "'self'" in CSP
        html = response.text
        assert not REMOTE.search(html.replace('href="https://', "")), path  # links to originals excepted below
        assert " style=" not in html and "<style" not in html
        for script in re.findall(r"<script([^>]*)>", html):
            assert 'src="/static/' in script or 'type="application/json"' in script, script
        assert re.findall(r'<a href="https://[^"]+" rel="noopener noreferrer nofollow"', html) or path != "/mentions"
    assert open_client.get("/static/app.css").headers["x-content-type-options"] == "nosniff"


def test_mentions_filters_highlights_and_direction(open_client: TestClient) -> None:
    html = open_client.get("/mentions", params={"q": "outage", "brand": "acme", "sentiment": "negative"}).text
    assert "<mark>" in html.lower() and 'class="badge s-negative"' in html
    assert 'class="badge s-positive"' not in html
    assert re.search(r'<option value="acme" selected>Acme Mobile</option>', html)
    review = open_client.get("/mentions", params={"source": "review"}).text
    assert 'aria-label="2 of 5 stars"' in review and "1 mention" in review
    rtl = open_client.get("/mentions", params={"lang": "he"}).text
    assert 'lang="he"' in rtl and 'dir="rtl"' in rtl and '<html lang="en" dir="ltr">' in rtl


def test_a_bad_query_shows_the_caret_at_the_position(open_client: TestClient) -> None:
    html = open_client.get("/mentions", params={"q": "refund AND (outage"}).text
    assert 'aria-invalid="true"' in html and 'role="alert"' in html and "at position" in html
    position = int(re.search(r"at position (\d+)", html).group(1))  # type: ignore[union-attr]
    caret_line = re.search(r"\n( *)\^</code>", html)
    assert caret_line and len(caret_line.group(1)) == position
    assert open_client.get("/mentions", params={"site": "not a host"}).status_code == 200


def test_cursor_paging_goes_through_every_result_once(open_client: TestClient) -> None:
    seen: list[str] = []
    url = "/mentions?brand=acme"
    total = int(re.search(r"([\d,]+) mentions", open_client.get(url).text).group(1).replace(",", ""))  # type: ignore[union-attr]
    for _ in range(20):
        html = open_client.get(url).text
        seen += result_ids(html)
        found = re.search(r'<a href="([^"]+)" rel="next">', html)
        if not found:
            break
        url = found.group(1).replace("&amp;", "&")
    assert len(seen) == len(set(seen)) == total > 25


def test_trend_buckets_open_their_mentions(open_client: TestClient) -> None:
    html = open_client.get("/trends", params={"brand": "acme", "range": "30d", "tz": "Europe/Berlin"}).text
    links = [a.replace("&amp;", "&") for a in re.findall(r'<th scope="row"><a href="([^"]+)"', html)]
    assert len(links) in (30, 31)
    counts = [int(c) for c in re.findall(r'</a></th><td class="num">([\d,]+)</td>', html)]
    busiest = counts.index(max(counts))
    query = parse_qs(urlsplit(links[busiest]).query)
    assert query["brand"] == ["acme"] and query["tz"] == ["Europe/Berlin"] and "+01:00" in query["since"][0]
    opened = open_client.get(links[busiest]).text
    title = re.search(r'id="results-title"[^>]*>(.*?)</h2>', opened, re.S).group(1)  # type: ignore[union-attr]
    assert title.split()[0] == str(max(counts)) and "other periods" in opened
    assert '"links"' in html and 'type="application/json"' in html


def test_sources_page_lists_health_and_services(open_client: TestClient) -> None:
    html = open_client.get("/sources").text
    for name in ("demo-news", "demo-world"):
        assert name in html
    assert "never run" in html and "Services" in html and 'href="/health"' in html


def test_secure_cookie_over_https_and_forwarded_proto_only_from_trusted_proxies(
        demo_index, demo_app_config, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from api.main import create_app

    from .conftest import make_settings

    def cookie_of(client: TestClient, **headers: str) -> str:
        return client.get("/mentions", headers=headers).headers["set-cookie"]

    plain = TestClient(create_app(make_settings(tmp_path), demo_index, config=demo_app_config))
    assert "Secure" not in cookie_of(plain, **{"X-Forwarded-Proto": "https"})
    https = TestClient(create_app(make_settings(tmp_path), demo_index, config=demo_app_config),
                       base_url="https://testserver")
    assert "Secure" in cookie_of(https)
    proxied = TestClient(create_app(make_settings(tmp_path, trusted_proxies=["testclient"]), demo_index,
                                    config=demo_app_config))
    assert "Secure" in cookie_of(proxied, **{"X-Forwarded-Proto": "https"})


def test_compare_three_brands_with_totals_change_and_charts(open_client: TestClient) -> None:
    html = open_client.get("/compare", params=[("brands", "acme"), ("brands", "globex"), ("brands", "initech"),
                                                ("range", "30d"), ("interval", "week")]).text
    rows = re.findall(r'<th scope="row"><span class="swatch c\d"[^>]*></span><a href="([^"]+)">([^<]+)</a>', html)
    assert [name for _, name in rows] == ["Acme Mobile", "Globex Telecom", "Initech Wireless"]
    shares = [float(s) for s in re.findall(r'<td class="num">([\d.]+) %</td>', html)[:3]]
    assert abs(sum(shares) - 100) < 0.5
    assert 'id="share-data"' in html and 'id="net-data"' in html and "Net sentiment per week" in html
    assert "brand=acme" in rows[0][0].replace("&amp;", "&")
    default = open_client.get("/compare").text  # every configured brand when none is ticked
    assert default.count('type="checkbox" name="brands"') == 3 and default.count(" checked") == 3


def test_themes_open_their_mentions(open_client: TestClient) -> None:
    html = open_client.get("/themes", params={"brand": "acme", "range": "7d"}).text
    themes = re.findall(r'<h3><a href="([^"]+)" dir="auto">([^<]+)</a></h3>\s*<p class="meta">in <strong>(\d+)</strong>',
                        html)
    assert themes and "outage" in [term for _, term, _ in themes[:5]]
    link, term, count = next(t for t in themes if t[1] == "outage")
    opened = open_client.get(link.replace("&amp;", "&")).text
    title = re.search(r'id="results-title"[^>]*>(.*?)</h2>', opened, re.S).group(1)  # type: ignore[union-attr]
    assert title.split()[:2] in ([count, "mentions"], [count, "mentions:"]) and "<mark>" in opened.lower()
    assert "brand=acme" in link and "since=" in link


def test_trends_break_down_by_brand(open_client: TestClient) -> None:
    html = open_client.get("/trends", params={"group_by": "brand", "range": "30d"}).text
    header = re.search(r"<thead>(.*?)</thead>", html, re.S).group(1)  # type: ignore[union-attr]
    assert all(name in header for name in ("Acme Mobile", "Globex Telecom", "Initech Wireless"))
    assert '"groups"' in html and '<option value="brand" selected>' in html


def test_export_these_streams_the_same_mentions_with_the_session(keyed_client: TestClient) -> None:
    sign_in(keyed_client)
    html = keyed_client.get("/mentions", params={"brand": "acme", "q": "outage"}).text
    total = int(re.search(r"([\d,]+) mentions", html).group(1))  # type: ignore[union-attr]
    link = re.search(r'<a href="(/api/v1/export\?[^"]+format=csv[^"]*)" download>CSV</a>', html)
    assert link, html
    export = keyed_client.get(link.group(1).replace("&amp;", "&"))
    assert export.status_code == 200 and export.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert rows[0][0] == "id" and len(rows) == total + 1
    keyed_client.cookies.clear()
    assert keyed_client.get(link.group(1).replace("&amp;", "&")).status_code == 401


def test_save_this_search_then_open_it_again(keyed_client: TestClient) -> None:
    sign_in(keyed_client)
    token = csrf_of(keyed_client.get("/mentions").text)
    form = {"csrf": token, "name": "acme-outage", "q": "outage", "brand": "acme", "range": "7d"}
    saved = keyed_client.post("/mentions/save", data=form, headers={"HX-Request": "true"})
    assert saved.status_code == 200 and "Saved as acme-outage" in saved.text
    again = keyed_client.post("/mentions/save", data=form, headers={"HX-Request": "true"})
    assert "exists" in again.text and "error-text" in again.text
    bad = keyed_client.post("/mentions/save", data=form | {"name": "Not A Slug"}, headers={"HX-Request": "true"})
    assert "cannot be a name" in bad.text
    assert keyed_client.post("/mentions/save", data=form | {"csrf": "forged", "name": "x"}).status_code == 403
    stored = keyed_client.get("/api/v1/searches/acme-outage").json()
    assert stored["q"] == "outage" and stored["filters"]["brand"] == ["acme"] and stored["filters"]["since"] == "7d"
    opened = keyed_client.get("/mentions?saved=acme-outage")
    assert opened.status_code == 303 and opened.headers["location"] == "/mentions?q=outage&brand=acme&range=7d"
    assert 'href="/mentions?saved=acme-outage"' in keyed_client.get("/mentions").text
    assert "No saved search is named" in keyed_client.get("/mentions?saved=nope").text


def test_a_link_from_another_site_reloads_itself_to_carry_the_strict_cookie(keyed_client: TestClient) -> None:
    cross = {"Sec-Fetch-Site": "cross-site"}
    bounce = keyed_client.get("/trends?brand=acme", headers=cross)
    assert bounce.status_code == 200 and '<meta http-equiv="refresh" content="0; url=/trends?brand=acme">' in bounce.text
    assert keyed_client.get("/trends", headers={"Sec-Fetch-Site": "same-origin"}).status_code == 303  # no loop
