"""The Alerts page and an incident's page, over the incidents the demo's rules opened while it was collected."""

from __future__ import annotations

import json
import re
from html import unescape

from fastapi.testclient import TestClient

from earful.alert_store import Incidents
from earful.alerts.models import THRESHOLD_WHY, Incident
from earful.state import StateStore

from .conftest import sign_in


def demo_incidents(state: StateStore) -> dict[str, Incident]:
    """The demo's volume incidents by state: Thursday's outage (resolved) and the one going on now (open)."""
    found = {i.state: i for i in Incidents(state).all() if i.rule == "acme-volume"}
    assert set(found) == {"resolved", "open"}, found
    return found


def chart_of(html: str) -> dict:  # type: ignore[type-arg]
    found = re.search(r'<script type="application/json" id="band-data">(.*?)</script>', html, re.S)
    assert found, "the incident page carries no chart data"
    return json.loads(unescape(found.group(1)))  # type: ignore[no-any-return]


def test_alerts_page_lists_rules_open_and_past_incidents(open_client: TestClient, alerts_state: StateStore) -> None:
    incidents = demo_incidents(alerts_state)
    html = open_client.get("/alerts").text
    opened, past = html.split('id="open-title"')[1], html.split('id="past"')[1]
    assert f'href="/alerts/events/{incidents["open"].id}"' in opened.split('id="rules-title"')[0]
    assert f'href="/alerts/events/{incidents["resolved"].id}"' in past and "back in the band" in past
    rows = re.findall(r'<tr>\s*<th scope="row"><span class="name">([^<]+)</span>', html)
    assert rows == ["acme-negative", "acme-volume", "globex-negative-share"]
    assert html.count("config file <span class=\"hint\">(read-only)</span>") == 3
    assert 'aria-current="page">Alerts' in html


def test_a_past_incident_is_listed_by_its_strongest_window(open_client: TestClient, alerts_state: StateStore) -> None:
    """A resolved incident's latest figures are its last window still out of the band, often a small one: the list
    shows the strongest score and count it reached, and the last window only as a hint."""
    resolved = demo_incidents(alerts_state)["resolved"]
    assert resolved.peak_score > resolved.score
    html = open_client.get("/alerts").text
    past = html.split('id="past"')[1]
    row = next(r for r in past.split("<tr>") if f'/alerts/events/{resolved.id}"' in r)
    score = re.search(r'data-label="Strongest score" class="num">([^<]+)<', row)
    assert score and float(score.group(1)) == round(resolved.peak_score, 1)
    assert "at its strongest; its last window" in row


def test_rules_made_through_the_api_are_listed_as_editable(open_client: TestClient) -> None:
    made = open_client.post("/api/v1/alerts/rules", json={"id": "initech-silence", "brand": "initech",
                                                           "trigger": "silence", "email": ["team@example.com"]})
    assert made.status_code == 201, made.text
    html = open_client.get("/alerts").text
    row = html.split('<span class="name">initech-silence</span>')[1].split("</tr>")[0]
    assert ">API<" in row and "team@example.com" in row and "Initech Wireless" in row and "silence" in row


def test_an_incident_page_shows_the_band_evidence_and_actions(open_client: TestClient,
                                                              alerts_state: StateStore) -> None:
    incident = demo_incidents(alerts_state)["open"]
    html = open_client.get(f"/alerts/events/{incident.id}").text
    chart = chart_of(html)
    assert chart["observed"] == [p.observed for p in incident.series]
    assert chart["low"] == [p.lower for p in incident.series] and chart["high"] == [p.upper for p in incident.series]
    assert len(chart["links"]) == len(incident.series) and all("brand=acme" in link for link in chart["links"])
    table = html.split("The chart as a table")[1].split("</table>")[0]
    assert table.count("<tr") == len(incident.series) + 1  # the header and one row a bucket
    above = [p for p in incident.series if p.observed > p.upper]
    assert above and table.count('class="outside"') == len(above)
    assert incident.evidence and incident.evidence.top_mentions and incident.evidence.terms
    for mention in incident.evidence.top_mentions:
        assert f'href="{mention.url}"' in html
    assert incident.evidence.terms[0].term in html and "Week before" in html
    assert f'action="/api/v1/alerts/rules/{incident.rule}/snooze"' in html
    assert f'action="/api/v1/alerts/events/{incident.id}/feedback"' in html
    assert re.search(r'name="verdict" value="not_useful"', html) and re.search(r'name="hours" value="24"', html)
    window = re.search(r'<a href="(/mentions\?[^"]+)">Read the mentions of this window', html)
    assert window and "since=" in window.group(1) and "until=" in window.group(1)


def test_an_incident_raised_above_the_preset_says_why(open_client: TestClient, alerts_state: StateStore) -> None:
    demo = demo_incidents(alerts_state)["resolved"]
    assert demo.threshold_why is None  # the demo brand's spike is raised at its preset's score: nothing to say
    plain = unescape(open_client.get(f"/alerts/events/{demo.id}").text)
    assert f"raised at {demo.threshold:.1f})" in plain
    echoed = demo.model_copy(update={"id": demo.id.replace("acme-volume", "acme-echo"), "rule": "acme-echo", "threshold": 26.6,
                                     "threshold_why": "echo"})
    Incidents(open_client.app.state.state_store).save(echoed)  # type: ignore[attr-defined]  # this app's copy
    html = unescape(open_client.get(f"/alerts/events/{echoed.id}").text)
    assert f"raised at 26.6, {THRESHOLD_WHY['echo']})" in html


def test_the_window_link_opens_exactly_the_window_s_mentions(open_client: TestClient,
                                                             alerts_state: StateStore) -> None:
    incident = demo_incidents(alerts_state)["open"]
    html = open_client.get(f"/alerts/events/{incident.id}").text
    link = unescape(re.search(r'<a href="(/mentions\?[^"]+)">Read the', html).group(1))  # type: ignore[union-attr]
    mentions = open_client.get(link).text
    shown = re.search(r'id="results-title"[^>]*>\s*([\d,]+) mention', mentions)
    # the figure was counted when the incident last changed; mentions of the window may have come since
    assert shown and incident.observed <= int(shown.group(1).replace(",", "")) <= incident.observed * 1.25


def test_a_resolved_incident_says_how_it_ended(open_client: TestClient, alerts_state: StateStore) -> None:
    incident = demo_incidents(alerts_state)["resolved"]
    html = open_client.get(f"/alerts/events/{incident.id}").text
    assert "resolved" in html and "back in the band" in html and "At its strongest" in html
    assert "How it went" in html and html.count("<td>updated</td>") + html.count("<td>open</td>") >= 1


def test_an_unknown_incident_is_a_page_that_says_so(open_client: TestClient) -> None:
    response = open_client.get("/alerts/events/no-such-rule-20990101T0000Z")
    assert response.status_code == 404 and "There is no incident" in response.text and "Alerts page" in response.text


def test_alert_pages_need_a_session_when_keys_are_set(keyed_client: TestClient, alerts_state: StateStore) -> None:
    incident = demo_incidents(alerts_state)["open"]
    path = f"/alerts/events/{incident.id}"
    response = keyed_client.get(path)
    assert response.status_code == 303 and response.headers["location"].startswith("/sign-in?next=%2Falerts%2Fevents")
    sign_in(keyed_client)
    assert keyed_client.get(path).status_code == 200


def test_an_incident_of_a_rule_since_deleted_has_no_snooze(open_client: TestClient, alerts_state: StateStore) -> None:
    incident = demo_incidents(alerts_state)["resolved"]
    orphan = incident.model_copy(update={"id": "gone-rule-20260101T0000Z", "rule": "gone-rule"})
    Incidents(open_client.app.state.state_store).save(orphan)  # type: ignore[attr-defined]
    html = open_client.get(f"/alerts/events/{orphan.id}").text
    assert "a rule that no longer exists" in html and "/snooze" not in html
    assert f'action="/api/v1/alerts/events/{orphan.id}/feedback"' in html
