"""The dashboard in headless Chromium: sign in, search, filter, page, open a trend bucket; no console errors,
nothing fetched from another origin, and a screenshot of every page at laptop and phone width."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from api.main import create_app

from .browser import LiveServer, Watched, chromium_context, low_contrast
from .conftest import KEY, make_settings, seeded_state


@pytest.fixture(scope="module")
def live(demo_index, demo_app_config, alerts_state, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:  # type: ignore[no-untyped-def]
    data_dir = tmp_path_factory.mktemp("live")
    settings = make_settings(data_dir, api_keys=[KEY])
    with LiveServer(create_app(settings, demo_index, seeded_state(data_dir, alerts_state),
                               config=demo_app_config)) as server:
        yield server


@pytest.fixture(scope="module")
def context(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    yield from chromium_context(tmp_path_factory.mktemp("chromium-profile"))


@pytest.fixture
def watched(context: Any, live: LiveServer) -> Iterator[Watched]:
    context.clear_cookies()
    page = Watched(context.new_page(), live.url)
    yield page
    page.page.close()
    assert not page.problems, page.problems


def sign_in(w: Watched, live: LiveServer, path: str = "/mentions") -> None:
    w.page.goto(live.url + path)
    assert "/sign-in" in w.page.url
    w.page.fill("#key", KEY)
    w.page.click("form[action='/sign-in'] button[type=submit]")
    w.page.wait_for_url(f"{live.url}{path}*")


def incident_pages(page: Any, live: LiveServer) -> list[str]:
    """The incidents' pages, as the Alerts page links them."""
    page.goto(live.url + "/alerts")
    links: list[str] = page.evaluate("[...document.querySelectorAll('table.incidents th a')].map(a => a.getAttribute('href'))")
    assert len(links) == 4, links  # Thursday's outage and the one going on, each volume and negative
    return links


def result_links(w: Watched) -> list[str]:
    return w.page.eval_on_selector_all("ol.mentions li.mention h3 a", "links => links.map(a => a.href)")  # type: ignore[no-any-return]


def test_sign_in_then_search_with_a_bad_query_filters_and_paging(watched: Watched, live: LiveServer) -> None:
    page = watched.page
    page.goto(live.url + "/")
    assert page.url.startswith(live.url + "/sign-in") and page.locator("nav").count() == 0
    watched.shoot("sign-in")
    sign_in(watched, live)
    assert page.locator("h1").inner_text() == "Mentions" and page.locator("text=Sign out").is_visible()

    page.fill("#q", "refund AND (outage")
    page.click("form.filters button[type=submit]")
    error = page.locator("#q-error")
    error.wait_for()
    assert "position" in error.inner_text() and error.locator("mark").count() == 1
    assert page.get_attribute("#q", "aria-invalid") == "true"
    watched.shoot("mentions-bad-query")

    page.fill("#q", "outage OR refund*")
    page.select_option("#f-brand", "acme")
    page.select_option("#f-sentiment", "negative")
    page.click("form.filters button[type=submit]")
    page.wait_for_url(re.compile(r"sentiment=negative"))
    badges = page.locator("ol.mentions .badge").all_inner_texts()
    assert badges and set(badges) == {"negative"}
    assert page.locator("ol.mentions mark").count() > 0 and page.locator("#q-error").count() == 0
    watched.shoot("mentions-filtered")

    page.goto(live.url + "/mentions")
    first = result_links(watched)
    page.click("a[rel=next]")
    page.wait_for_url(re.compile(r"cursor="))
    second = result_links(watched)
    assert len(first) == len(second) == 25 and not set(first) & set(second)
    assert "26–50" in page.locator("#results-title").inner_text()
    page.locator("#announce", has_text="26–50").wait_for(state="attached")  # polled by the test, not eval (CSP)
    assert page.evaluate("document.activeElement.id") == "results-title"  # focus follows the new page
    rtl = page.locator("li.mention[lang=he] h3").first
    assert rtl.get_attribute("dir") == "rtl" and page.evaluate("document.dir") == "ltr"
    watched.shoot("mentions-page-2")


def test_a_click_on_a_trend_bucket_opens_its_mentions(watched: Watched, live: LiveServer) -> None:
    page = watched.page
    sign_in(watched, live, "/trends?brand=acme&range=30d&tz=Europe/Berlin")
    over = page.locator("#trend-chart .u-over")
    over.wait_for()
    page.click("details.data-table summary")
    counts = [int(c.replace(",", "")) for c in page.locator("details.data-table tbody td:nth-child(2)").all_inner_texts()]
    busiest = counts.index(max(counts))
    watched.shoot("trends")
    box = over.bounding_box()
    assert box is not None
    x = box["x"] + box["width"] * (busiest + 0.5) / len(counts)  # bars are centred, half a bucket free each side
    page.mouse.move(x, box["y"] + box["height"] - 5)
    assert "click to read" in page.locator(".chart-readout").inner_text()
    page.mouse.click(x, box["y"] + box["height"] - 5)
    page.wait_for_url(re.compile(r"/mentions\?.*since="))
    assert f"{max(counts)} mention" in page.locator("#results-title").inner_text()
    assert "brand=acme" in page.url and "other periods" in page.inner_text("form.filters")
    watched.shoot("trend-bucket-mentions")


def test_sources_page_and_keyboard_navigation(watched: Watched, live: LiveServer) -> None:
    page = watched.page
    sign_in(watched, live, "/sources")
    assert page.locator("table.sources tbody tr").count() == 5
    watched.shoot("sources")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.goto(live.url + "/mentions")
    unlabeled = page.evaluate("""[...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
        .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')).map(el => el.name)""")
    assert unlabeled == []


def test_without_a_session_the_sign_in_page_and_a_forged_csrf_token_is_refused(watched: Watched,
                                                                                 live: LiveServer) -> None:
    page = watched.page
    for path in ("/trends", "/sources", "/mentions?q=outage"):
        page.goto(live.url + path)
        assert "/sign-in?next=" in page.url and page.locator("#key").is_visible()
    sign_in(watched, live)
    page.evaluate("document.querySelector('.sign-out input[name=csrf]').value = 'forged'")
    page.click(".sign-out button")
    assert "not sent by this dashboard" in page.inner_text("main")
    watched.expect_problem("403")
    page.goto(live.url + "/mentions")
    assert page.locator("h1").inner_text() == "Mentions"  # still signed in


def test_a_link_from_another_site_opens_the_page_signed_in(watched: Watched, live: LiveServer) -> None:
    page = watched.page
    sign_in(watched, live)
    other_site = live.url.replace("127.0.0.1", "localhost")  # another site for the browser: no Strict cookie
    watched.origins.append(other_site)
    page.goto(other_site + "/sign-in")
    page.evaluate(f"location.href = '{live.url}/trends?brand=acme'")
    page.wait_for_url(f"{live.url}/trends?brand=acme")
    page.locator("h1").wait_for()
    assert page.locator("h1").inner_text() == "Trends" and page.locator("text=Sign out").is_visible()


def test_no_page_includes_a_remote_url(watched: Watched, live: LiveServer) -> None:
    page = watched.page
    sign_in(watched, live)
    for path in ("/mentions?q=outage", "/trends?interval=hour&range=7d", "/sources", "/alerts",
                 *incident_pages(page, live), "/sign-in"):
        page.goto(live.url + path)
        page.wait_for_load_state("networkidle")
        resources = page.evaluate("""[...document.querySelectorAll('[src], link[href], form[action]')]
            .map(el => el.src || el.href || el.action)""")
        assert resources and all(r.startswith(live.url + "/") for r in resources), resources
    assert page.evaluate("[...document.querySelectorAll('a[href^=http]')].every(a => a.rel.includes('noreferrer') "
                         "|| a.href.startsWith(location.origin))")


def test_compare_three_brands(watched: Watched, live: LiveServer) -> None:
    page = watched.page
    sign_in(watched, live, "/compare?brands=acme&range=30d")
    boxes = page.locator("fieldset.brands input[type=checkbox]")
    assert boxes.count() == 3
    for i in range(3):
        boxes.nth(i).check()
    page.select_option("#f-interval", "week")
    page.click("form.filters button[type=submit]")
    page.wait_for_url(re.compile(r"brands=.*brands=.*brands="))
    rows = page.locator("table.totals tbody tr")
    assert rows.count() == 3 and "Initech Wireless" in rows.nth(2).inner_text()
    assert page.locator("[data-chart=lines][data-drawn] canvas").count() == 2
    watched.shoot("compare")


def test_export_csv_and_save_this_search(watched: Watched, live: LiveServer) -> None:
    page = watched.page
    sign_in(watched, live, "/mentions?brand=acme&q=outage")
    total = int(page.locator("#results-title").inner_text().split()[0])
    with page.expect_download() as download:
        page.click("text=CSV")
    rows = list(csv.reader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8-sig"))))
    assert rows[0][0] == "id" and len(rows) == total + 1
    page.click("details.save-search summary")
    page.fill("#save-name", "acme-outage-browser")
    page.click("details.save-search button[type=submit]")
    page.locator("#save-result", has_text="Saved as").wait_for()
    page.goto(live.url + "/mentions?saved=acme-outage-browser")
    assert page.input_value("#q") == "outage" and page.input_value("#f-brand") == "acme"
    watched.shoot("mentions-saved-search")


def test_themes_open_their_mentions_and_trends_break_down(watched: Watched, live: LiveServer) -> None:
    page = watched.page
    sign_in(watched, live, "/themes?brand=acme&range=7d")
    first = page.locator("ol.themes li.theme h3 a").first
    term = first.inner_text()
    watched.shoot("themes")
    first.click()
    page.wait_for_url(re.compile(r"/mentions\?"))
    assert page.input_value("#q") == (f'"{term}"' if " " in term else term)
    page.goto(live.url + "/trends?group_by=lang&range=30d")
    page.locator("#trend-chart[data-drawn] canvas").wait_for()
    assert {"English", "Arabic", "other"} <= set(page.inner_text(".legend").split())  # top 5 languages, the rest
    watched.shoot("trends-by-language")


def test_text_contrast_on_every_page(watched: Watched, live: LiveServer) -> None:
    page = watched.page
    sign_in(watched, live)
    for path in ("/mentions?q=outage", "/mentions?q=refund%20AND", "/trends", "/compare", "/themes", "/sources",
                 "/alerts", *incident_pages(page, live)):
        page.goto(live.url + path)
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        assert low_contrast(page) == [], path
    page.context.clear_cookies()
    page.goto(live.url + "/sign-in")
    assert low_contrast(page) == []


def open_incident(watched: Watched, live: LiveServer) -> Any:
    """From the Alerts page, the open incident's page, its chart drawn."""
    page = watched.page
    sign_in(watched, live, "/alerts")
    assert page.locator("table.rules tbody tr").count() == 3
    watched.shoot("alerts")
    page.click("section[aria-labelledby=open-title] table.incidents th a")
    page.wait_for_url(re.compile(r"/alerts/events/acme-"))
    page.locator("#band-chart[data-drawn] canvas").wait_for()
    return page


def test_open_an_incident_from_the_alerts_page_snooze_it_and_say_it_was_useful(watched: Watched,
                                                                                live: LiveServer) -> None:
    page = open_incident(watched, live)
    rule = page.url.split("/alerts/events/")[1].rsplit("-", 1)[0]
    box = page.locator("#band-chart .u-over").bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] - 3, box["y"] + box["height"] / 2)
    assert "expected" in page.locator(".chart-readout").inner_text()
    assert page.locator("text=Notify again now").is_hidden()
    watched.shoot("incident")

    page.click("text=Snooze rule 1 hour")
    page.locator("#act-result", has_text="Done").wait_for()
    page.locator("#incident-status .status", has_text="rule snoozed").wait_for()
    rules = page.evaluate("fetch('/api/v1/alerts/rules').then(r => r.json())")
    snoozed = {r["id"]: r["snoozed_until"] for r in rules}
    assert snoozed[rule] and not any(until for other, until in snoozed.items() if other != rule)
    page.click("text=Useful")
    page.locator("#incident-status dd", has_text="useful").wait_for()
    assert page.get_attribute("button[value=useful]", "aria-pressed") == "true"
    watched.shoot("incident-snoozed")

    page.goto(live.url + "/alerts")
    row = page.locator("table.rules tbody tr", has_text=rule)
    assert "snoozed" in row.inner_text()
    page.go_back()
    page.click("text=Notify again now")
    page.locator("#incident-status dd", has_text="rule snoozed").wait_for(state="detached")
    assert page.evaluate(f"fetch('/api/v1/alerts/rules').then(r => r.json()).then(rs => "
                         f"rs.find(r => r.id === '{rule}').snoozed_until)") is None


def test_an_incident_action_with_a_forged_csrf_token_is_refused(watched: Watched, live: LiveServer) -> None:
    page = open_incident(watched, live)
    page.evaluate("document.body.setAttribute('hx-headers', JSON.stringify({'X-CSRF-Token': 'forged'}))")
    page.click("text=Snooze rule 24 hours")
    page.locator("#act-result", has_text="Not done").wait_for()
    assert "CSRF" in page.inner_text("#act-result") and "rule snoozed" not in page.inner_text("#incident-status")
    watched.expect_problem("403")


def test_a_resolved_incident_and_the_chart_s_table(watched: Watched, live: LiveServer) -> None:
    page = watched.page
    sign_in(watched, live, "/alerts")
    page.click("section[aria-labelledby=past] table.incidents th a")
    page.wait_for_url(re.compile(r"/alerts/events/"))
    page.locator("#band-chart[data-drawn] canvas").wait_for()
    page.click("details.data-table summary")
    rows = page.locator("details.data-table tbody tr.outside")
    assert rows.count() >= 1 and "above" in rows.first.inner_text()
    watched.shoot("incident-resolved")
    rows.first.locator("a").click()
    page.wait_for_url(re.compile(r"/mentions\?.*since="))
    assert "brand=acme" in page.url and int(page.locator("#results-title").inner_text().split()[0]) > 0


def test_screenshots_were_written() -> None:
    from .browser import SHOTS

    names = {p.name for p in Path(SHOTS[0]).glob("*.png")}
    for page in ("sign-in", "mentions-filtered", "mentions-bad-query", "trends", "sources", "compare", "themes",
                 "trends-by-language", "alerts", "incident", "incident-snoozed", "incident-resolved"):
        assert {f"{page}-laptop.png", f"{page}-phone.png"} <= names, names
