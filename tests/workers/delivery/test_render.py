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
