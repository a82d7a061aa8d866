"""``earful alerts test RULE`` through a real SMTP server and webhook receiver; ``earful alerts deliveries``."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import yaml

from tests.mail import hook_server, smtp_server
from workers.delivery.webhook import verify


def _env(tmp_path: Path, smtp_url: str, hook_url: str) -> dict[str, str]:
    config = tmp_path / "earful.yaml"
    config.write_text(yaml.safe_dump({
        "brands": [{"id": "acme", "name": "Acme Mobile", "query": "acme"}],
        "alerts": [{"id": "acme-negative", "brand": "acme", "trigger": "negative_spike", "email": ["team@example.com"],
                    "webhook": [{"url": hook_url, "secret_env": "ACME_HOOK_SECRET"}]}]}), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("EARFUL_")}
    env.update(EARFUL_DATA_DIR=str(tmp_path / "data"), EARFUL_CONFIG=str(config), EARFUL_SMTP_URL=smtp_url,
               EARFUL_MAIL_FROM="alerts@earful.test", ACME_HOOK_SECRET="acme-hook-secret", NO_PROXY="127.0.0.1")
    return env


def _run(earful_command: str, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([earful_command, "alerts", *args], env=env, capture_output=True, text=True, timeout=120)


def test_alerts_test_sends_a_sample_through_every_channel(tmp_path: Path, earful_command: str,
                                                          free_port: Callable[[], int]) -> None:
    with smtp_server(free_port()) as smtp, hook_server() as hooks:
        env = _env(tmp_path, smtp.url, hooks.url)
        result = _run(earful_command, env, "test", "acme-negative")
        [mail] = smtp.inbox.wait(1, 10)
        [hook] = hooks.received
    assert result.returncode == 0, result.stderr
    assert "email:team@example.com: sent" in result.stdout and f"webhook:{hooks.url}: sent" in result.stdout
    assert mail["Subject"].startswith("[test] Acme Mobile: negative mentions 9× expected (47 vs ~5/h)")
    assert verify(b"acme-hook-secret", hook.headers["x-earful-timestamp"], hook.body, hook.headers["x-earful-signature"])
    assert hook.json["kind"] == "test" and hook.json["text"].startswith("Acme Mobile: negative mentions")
    listed = json.loads(_run(earful_command, env, "deliveries", "--json").stdout)
    assert sorted((d["channel"], d["state"], d["kind"]) for d in listed) == [
        ("email:team@example.com", "sent", "test"), (f"webhook:{hooks.url}", "sent", "test")]


def test_a_failing_channel_fails_the_test_and_shows_in_deliveries(tmp_path: Path, earful_command: str,
                                                                  free_port: Callable[[], int]) -> None:
    with smtp_server(free_port()) as smtp, hook_server([400]) as hooks:
        env = _env(tmp_path, smtp.url, hooks.url)
        result = _run(earful_command, env, "test", "acme-negative")
    assert result.returncode == 1
    assert "email:team@example.com: sent" in result.stdout and "answered 400" in result.stdout
    table = _run(earful_command, env, "deliveries", "--state", "failed").stdout
    assert "failed" in table and "answered 400" in table and "team@example.com" not in table
    missing = _run(earful_command, env, "test", "nope")
    assert missing.returncode != 0 and "earful alerts list" in missing.stderr
