"""Stored incidents: listings read each incident's summary, kept with it on every write."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from earful.alert_store import INCIDENT, SUMMARIES_KEPT, SUMMARY, Incidents
from earful.alerts.models import Evidence, Incident, IncidentState, SeriesPoint
from earful.state import SQLiteStateStore

START = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)


def incident(n: int, state: IncidentState = "resolved") -> Incident:
    opened = START + timedelta(hours=n)
    series = [SeriesPoint(start=opened - timedelta(hours=h), observed=h, expected=1.0, lower=0.0, upper=3.0)
              for h in range(48)]
    return Incident(id=f"acme-volume-{n:04d}", rule="acme-volume", brand="acme", trigger="volume_spike", state=state,
                    sequence=1, interval=3600, sensitivity="medium", threshold=4.5, opened_at=opened,
                    detected_at=opened, updated_at=opened, window_start=opened, window_end=opened + timedelta(hours=1),
                    observed=12, expected=1.0, lower=0.0, upper=3.0, score=6.0, peak_score=6.0, peak_observed=12,
                    peak_at=opened, baseline_from=opened - timedelta(days=7), baseline_to=opened,
                    evidence=Evidence(sentiment={"negative": 4}), series=series)


def test_listings_read_summaries_written_with_every_change(tmp_path: Path) -> None:
    state = SQLiteStateStore(tmp_path / "state.db")
    store = Incidents(state)
    for n in range(30):
        store.save(incident(n, "open" if n == 29 else "resolved"))
    store.add_feedback("acme-volume-0003", "useful")
    store.mark_snoozed("acme-volume-0029", START + timedelta(days=3))
    page, cursor = store.page(state="resolved", limit=20)
    assert [i.id for i in page] == [f"acme-volume-{n:04d}" for n in range(28, 8, -1)] and cursor
    older, last = store.page(state="resolved", cursor=cursor, limit=20)
    judged = {i.id: [f.verdict for f in i.feedback] for i in older}
    assert len(older) == 9 and last is None and judged["acme-volume-0003"] == ["useful"]
    [current], _ = store.page(state="open")
    assert current.snoozed_until == START + timedelta(days=3)
    summary = state.get(SUMMARY + "acme-volume-0003")
    assert summary is not None and "series" not in summary and "evidence" not in summary


def test_incidents_stored_before_summaries_are_listed(tmp_path: Path) -> None:
    state = SQLiteStateStore(tmp_path / "state.db")
    for n in range(3):  # as an earlier version wrote them: the whole incident only
        state.set(INCIDENT + f"acme-volume-{n:04d}", incident(n).model_dump(mode="json"))
    page, _ = Incidents(state).page()
    assert [i.id for i in page] == ["acme-volume-0002", "acme-volume-0001", "acme-volume-0000"]
    assert state.get(SUMMARIES_KEPT) is not None and len(list(state.items(SUMMARY))) == 3
