"""Through ``earful run`` as a real process: a spike on a polled local feed mails its brand's team within
seconds, the history before it (and a catch-up after an outage) mails nobody, and a kill -9 during delivery
sends the mail once."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import httpx
import psutil
import pytest

from tests.cli.crash_helpers import feed_server, wait_until
from tests.cli.spike_feed import burst, feed, history, utc_now, write_config
from tests.mail import smtp_server

BRANDS = {"acme": "Acme Mobile", "globex": "Globex Bank"}
LEASE = 6  # seconds a delivery attempt holds its lease: how long a dead process's attempt blocks the retry


@pytest.fixture
def scene(tmp_path: Path, free_port: Callable[[], int]) -> Iterator[dict[str, Any]]:
    now = utc_now()
    past = history(now, BRANDS)
    with feed_server(feed(past)) as server, smtp_server(free_port()) as smtp:
        config = tmp_path / "earful.yaml"
        write_config(config, server.url)
        env = {k: v for k, v in os.environ.items() if not k.startswith("EARFUL_")}
        env.update(EARFUL_DATA_DIR=str(tmp_path / "data"), EARFUL_CONFIG=str(config), NO_PROXY="127.0.0.1",
                   EARFUL_SENTIMENT_SCORERS="*:vader", EARFUL_SMTP_URL=smtp.url,
                   EARFUL_MAIL_FROM="alerts@earful.test", EARFUL_PUBLIC_URL="https://earful.example.com",
                   EARFUL_DELIVERY_LEASE=str(LEASE))
        yield {"env": env, "feed": server, "smtp": smtp, "history": past, "port": free_port(), "log": tmp_path / "run.log"}


def _start(earful_command: str, scene: dict[str, Any]) -> psutil.Popen:
    with scene["log"].open("a") as log:  # the child keeps its own copy of the descriptor
        return psutil.Popen([earful_command, "run", "--port", str(scene["port"])], env=scene["env"], stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)


def _stop(process: psutil.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(30)
        except psutil.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def _indexed(port: int, n: int) -> bool:
    body = httpx.get(f"http://127.0.0.1:{port}/api/v1/mentions", params={"limit": 1, "include_duplicates": "true"},
                     timeout=5).json()
    return int(body.get("total", 0)) >= n


def _days_old(item: str) -> float:
    published = parsedate_to_datetime(item.split("<pubDate>")[1].split("</pubDate>")[0])
    return (utc_now() - published).total_seconds() / 86400


def _events(port: int) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = httpx.get(f"http://127.0.0.1:{port}/api/v1/alerts/events", timeout=5).json()["items"]
    return items


@pytest.mark.slow
def test_a_spike_on_a_polled_feed_is_mailed_within_seconds_and_history_or_a_catch_up_mails_nobody(
        earful_command: str, scene: dict[str, Any]) -> None:
    port, inbox, history_ = scene["port"], scene["smtp"].inbox, scene["history"]
    caught_up = [item for item in history_ if _days_old(item) >= 2]  # the source was down for the last two days
    scene["feed"].body = feed(caught_up)
    process = _start(earful_command, scene)
    try:
        wait_until(lambda: _indexed(port, len(caught_up)), 120, "the history before the outage to be indexed")
        scene["feed"].body = feed(history_)  # back: two days of posts at once, published in the past
        wait_until(lambda: _indexed(port, len(scene["history"])), 120, "the 14 days of history to be indexed")
        time.sleep(12)  # one more poll and clock rounds of the alerts and the delivery services
        assert inbox.messages == [] and _events(port) == []  # the history and the catch-up told nobody anything

        scene["feed"].body = feed(scene["history"] + burst(utc_now(), "acme", BRANDS["acme"]))
        appeared = time.monotonic()
        [message] = inbox.wait(1, 30)
        took = time.monotonic() - appeared
        time.sleep(3)  # nothing else follows: the other brand's team gets nothing
    finally:
        _stop(process)
    assert took <= 30
    assert len(inbox.messages) == 1 and message["To"] == "acme@example.com"
    assert message["Subject"].startswith("Acme Mobile: negative mentions") and "expected" in message["Subject"]
    assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/html"]
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "Expected: ~" in text and "Acme Mobile is terrible, awful" in text
    assert "https://earful.example.com/alerts/events/acme-negative-" in text
    html = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert "<img" not in html and "Acme Mobile is terrible" in html
    events = _events_after_restart(earful_command, scene)
    assert [e["rule"] for e in events] == ["acme-negative"]


def _events_after_restart(earful_command: str, scene: dict[str, Any]) -> list[dict[str, Any]]:
    """The incident as the API lists it (from the stored state, by a fresh process)."""
    process = _start(earful_command, scene)
    try:
        return wait_until(lambda: _events(scene["port"]), 60, "the API to list the incident")  # type: ignore[no-any-return]
    finally:
        _stop(process)


@pytest.mark.slow
def test_a_kill_9_during_delivery_then_a_restart_sends_exactly_one_email(
        earful_command: str, scene: dict[str, Any]) -> None:
    port, inbox = scene["port"], scene["smtp"].inbox
    process = _start(earful_command, scene)
    try:
        wait_until(lambda: _indexed(port, len(scene["history"])), 120, "the 14 days of history to be indexed")
        inbox.stall.set()  # the mail server holds the recipient: the delivery is under way
        scene["feed"].body = feed(scene["history"] + burst(utc_now(), "acme", BRANDS["acme"]))
        wait_until(lambda: inbox.held, 60, "the mail to reach the server")
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)
    finally:
        _stop(process)
    assert inbox.messages == []
    inbox.stall.clear()
    again = _start(earful_command, scene)
    try:
        inbox.wait(1, 90)  # the dead process's lease on the delivery runs out first
        time.sleep(LEASE + 2)  # a second copy would come now
    finally:
        _stop(again)
    assert len(inbox.messages) == 1 and inbox.messages[0]["To"] == "acme@example.com"
