"""End to end through ``earful run``: from a post appearing on a polled local feed to the email accepted
by a local SMTP server (aiosmtpd), with the feed polled every 10 seconds.

A feed of 14 days of ordinary posts about ``--rounds`` brands (one negative-spike rule each, mailing
its own address) is collected first; then, round after round, 40 angry posts about the next brand
appear on the feed and the time until that brand's email is accepted is measured. The wait for the
next poll is part of the figure (0–10 s with a 10 s interval), as it is for a user.

    .venv/bin/python bench/alerts.py --e2e [--rounds 6]
"""

from __future__ import annotations

import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.cli.crash_helpers import feed_server  # noqa: E402
from tests.cli.spike_feed import burst, feed, history, utc_now  # noqa: E402
from tests.mail import smtp_server  # noqa: E402

NAMES = ["Acme Mobile", "Globex Bank", "Initech Air", "Umbrella Energy", "Hooli Cloud", "Stark Rail", "Wayne Foods",
         "Tyrell Motors"]


def _config(path: Path, feed_url: str, brands: dict[str, str]) -> None:
    path.write_text(yaml.safe_dump({
        "brands": [{"id": b, "name": name, "query": b} for b, name in brands.items()],
        "sources": [{"name": "market-news", "type": "feed", "url": feed_url, "interval": "10s"}],
        "alerts": [{"id": f"{b}-negative", "brand": b, "trigger": "negative_spike", "email": [f"{b}@example.com"]}
                   for b in brands]}), encoding="utf-8")


def _wait(check: Any, timeout: float) -> bool:
    ends = time.monotonic() + timeout
    while time.monotonic() < ends:
        try:
            if check():
                return True
        except httpx.TransportError:
            pass
        time.sleep(0.05)
    return False


def run(rounds: int, port: int = 8765, smtp_port: int = 8025) -> list[float]:
    brands = {name.split()[0].lower(): name for name in NAMES[:rounds]}
    past = history(utc_now(), brands)
    latencies = []
    with tempfile.TemporaryDirectory() as tmp, feed_server(feed(past)) as server, smtp_server(smtp_port) as smtp:
        config = Path(tmp) / "earful.yaml"
        _config(config, server.url, brands)
        env = {k: v for k, v in os.environ.items() if not k.startswith("EARFUL_")}
        env.update(EARFUL_DATA_DIR=f"{tmp}/data", EARFUL_CONFIG=str(config), EARFUL_SENTIMENT_SCORERS="*:vader",
                   EARFUL_SMTP_URL=smtp.url, NO_PROXY="127.0.0.1")
        earful = str(Path(sys.executable).with_name("earful"))
        process = subprocess.Popen([earful, "run", "--port", str(port)], env=env, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            total = f"http://127.0.0.1:{port}/api/v1/mentions?limit=1&include_duplicates=true"
            if not _wait(lambda: httpx.get(total, timeout=5).json().get("total", 0) >= len(past), 180):
                raise SystemExit("the history was not indexed within 3 minutes")
            time.sleep(12)
            assert not smtp.inbox.messages, "the history sent mail"
            posted = list(past)
            for k, (brand, name) in enumerate(brands.items()):
                posted += burst(utc_now(), brand, name)
                server.body = feed(posted)
                appeared = time.monotonic()
                if not _wait(lambda k=k: len(smtp.inbox.messages) > k, 60):
                    raise SystemExit(f"no email for {name} within 60 s")
                latencies.append(time.monotonic() - appeared)
                print(f"  {name}: email accepted {latencies[-1]:.1f} s after the posts appeared", flush=True)
                time.sleep(1 + k % 3 * 3)  # land at other points of the 10 s polling cycle
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(30)
    return latencies


def main(rounds: int) -> None:
    latencies = run(rounds)
    print(f"post on a feed polled every 10 s -> email accepted: median {statistics.median(latencies):.1f} s, "
          f"max {max(latencies):.1f} s over {len(latencies)} spikes (goal: 30 s)")
