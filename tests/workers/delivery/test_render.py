"""What an incident's notification says: the subject's size, the figures, the chart without images."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from earful.alerts.models import SeriesPoint
from earful.alerts.rules import AlertRule
from workers.delivery import chart
from workers.delivery.render import headline
from workers.delivery.sample import sample_incident

NOW = datetime(2026, 12, 5, 10, 30, tzinfo=timezone.utc)


def test_the_subject_names_brand_trigger_and_size() -> None:
    rule = AlertRule(id="acme-neg", brand="acme", trigger="negative_spike")
    incident = sample_incident(rule, NOW)
    assert headline(incident, "Acme Mobile") == "Acme Mobile: negative mentions 9× expected (47 vs ~5/h)"
    quiet = incident.model_copy(update={"expected": 0.2, "window_end": incident.window_start + timedelta(minutes=15)})
    assert headline(quiet, "Acme Mobile") == "Acme Mobile: negative mentions far above expected (47 in 15 min, " \
                                              "usually under 1)"
    gone = incident.model_copy(update={"trigger": "silence", "observed": 0, "expected": 12})
    assert headline(gone, "Acme Mobile") == "Acme Mobile: mentions went quiet (0 vs ~12/h)"


def test_the_chart_is_table_cells_per_hour_red_above_the_band() -> None:
    start = NOW.replace(minute=0)
    points = [SeriesPoint(start=start + timedelta(minutes=15 * i), observed=1, expected=1.0, lower=0.0, upper=2.0)
              for i in range(8)]  # two hours of quarter hours: 4 observed against a band top of 8
    points.append(SeriesPoint(start=start + timedelta(hours=2), observed=30, expected=1.0, lower=0.0, upper=2.0))
    html = chart.bars(points)
    assert "<img" not in html and "url(" not in html
    assert html.count("<td ") == 3 and html.count("#c62828") == 1 and html.count("#1e88e5") == 2
    assert chart.hourly(points)[0][1:] == (4, 8.0)
    assert chart.bars([]) == ""


def test_a_top_mention_read_in_passages_quotes_what_its_label_was_read_from() -> None:
    from workers.delivery.message import html_body, text_body
    from workers.delivery.render import Context

    rule = AlertRule(id="acme-neg", brand="acme", trigger="negative_spike")
    incident = sample_incident(rule, NOW)
    assert incident.evidence is not None
    article = incident.evidence.top_mentions[0].model_copy(update={
        "title": "Markets close higher", "passage": "Regulators fined Acme <Mobile> for hiding dropped calls."})
    whole = article.model_copy(update={"id": "post", "title": "Acme is fine", "passage": None})
    incident = incident.model_copy(update={"evidence": incident.evidence.model_copy(
        update={"top_mentions": [article, whole]})})
    ctx = Context(brand_name="Acme Mobile", public_url="https://earful.example.com")
    links = {"incident": "i", "mentions": "m", "api": "a"}
    text = text_body(incident, "opened", ctx, links)
    assert '  Read toward Acme Mobile: "Regulators fined Acme <Mobile> for hiding dropped calls."' in text
    assert text.count("Read toward") == 1
    html = html_body(incident, "opened", ctx, links, "")
    assert "Read toward Acme Mobile: <i>“Regulators fined Acme &lt;Mobile&gt; for hiding dropped calls.”</i>" in html
    assert html.count("Read toward") == 1 and "<Mobile>" not in html


def test_a_volume_spike_raised_above_the_preset_says_why() -> None:
    from workers.delivery.message import text_body
    from workers.delivery.render import Context, figures

    rule = AlertRule(id="acme-volume", brand="acme", trigger="volume_spike")
    plain = sample_incident(rule, NOW)
    assert plain.threshold_why is None and not [line for line in figures(plain) if "bar" in line]
    echoed = plain.model_copy(update={"threshold": 26.6, "threshold_why": "echo"})
    why = ("Its bar, 26.6, is the peak of the brand's own volume incident in the last 24 hours: a smaller burst "
           "the same day is that one's echo")
    assert why in figures(echoed)
    ctx = Context(brand_name="Acme Mobile", public_url="https://earful.example.com")
    assert why in text_body(echoed, "opened", ctx, {"incident": "i", "mentions": "m", "api": "a"})
