"""``earful config check`` on alert rules and ``earful alerts list|events|backtest``, as users run them."""

from __future__ import annotations

import json
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import yaml

from earful.config import load_config
from earful.models import Mention, Sentiment
from earful.state import SQLiteStateStore
from search.embedded import EmbeddedIndex
from workers.alerts.evaluator import Evaluator

NOW = datetime.now(timezone.utc).replace(second=0, microsecond=0)
CONFIG = {
    "brands": [{"id": "acme", "name": "Acme", "query": "acme", "tz": "Europe/Berlin"}],
    "alerts": [{"id": "acme-volume", "brand": "acme", "trigger": "volume_spike", "interval": "1h",
                "email": ["team@example.com"]},
               {"id": "acme-negative", "brand": "acme", "trigger": "negative_spike", "sensitivity": "high"}],
}


@pytest.fixture
def env(env: dict[str, str], tmp_path: Path) -> dict[str, str]:
    path = tmp_path / "earful.yaml"
    path.write_text(yaml.safe_dump(CONFIG), encoding="utf-8")
    return {**env, "EARFUL_CONFIG": str(path)}


def run(earful_command: str, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([earful_command, *args], env=env, capture_output=True, text=True, timeout=300)


def _mention(n: int, when: datetime, prefix: str = "h") -> Mention:
    negative = n % 4 == 0
    return Mention(id=f"{prefix}{n}", source="feed", source_name="news", title="acme plan", text=f"acme plan {n}",
                   published_at=when, brands=["acme"], content_hash=f"{prefix}{n}",
                   sentiment=Sentiment(score=-0.5 if negative else 0.5, label="negative" if negative else "positive"))


@pytest.fixture
def data(env: dict[str, str]) -> Path:
    """Twenty days of five mentions an hour, a spike two days ago and one now, the rules evaluated."""
    root = Path(env["EARFUL_DATA_DIR"])
    index = EmbeddedIndex(root / "index")
    start = NOW.replace(minute=0) - timedelta(days=20)
    history = [_mention(n, start + timedelta(minutes=12 * n)) for n in range(5 * 24 * 20)]
    history += [_mention(i, NOW - timedelta(days=2, hours=3) + timedelta(seconds=i), prefix="old") for i in range(80)]
    index.upsert(history)
    state = SQLiteStateStore(root / "state.sqlite3")
    evaluator = Evaluator(index, state, load_config(env["EARFUL_CONFIG"]))
    evaluator.tick()
    spike = [_mention(i, NOW - timedelta(minutes=1) + timedelta(seconds=i // 10), prefix="now") for i in range(90)]
    index.upsert(spike)
    evaluator.after_batch(spike)
    state.close()
    index.close()
    return root


def test_config_check_lists_rules_and_names_the_key_of_a_bad_one(tmp_path: Path, env: dict[str, str],
                                                               earful_command: str) -> None:
    ok = run(earful_command, "config", "check", env["EARFUL_CONFIG"], env=env)
    assert ok.returncode == 0 and "2 alert rules" in ok.stderr
    assert "alert acme-volume: volume_spike on brand acme (medium, 60-minute buckets)" in ok.stderr
    cases = [({"trigger": "spike"}, "alerts[0].trigger: Input should be 'volume_spike'"),
             ({"brand": "globex"}, "alerts[0].brand: unknown brand id 'globex'"),
             ({"sensitivity": "max"}, "alerts[0].sensitivity: Input should be 'low', 'medium' or 'high'"),
             ({"q": "refund AND (late"}, "alerts[0].q: unbalanced parenthesis")]
    for change, message in cases:
        bad = tmp_path / "bad.yaml"
        bad.write_text(yaml.safe_dump({**CONFIG, "alerts": [{**CONFIG["alerts"][0], **change}]}), encoding="utf-8")
        result = run(earful_command, "config", "check", str(bad), env=env)
        assert result.returncode != 0 and f"{bad}" in result.stderr and message in result.stderr, result.stderr
    assert "    refund AND (late\n" + " " * (4 + len("refund AND ")) + "^" in result.stderr  # under the "("


def test_alerts_list_and_events(data: Path, env: dict[str, str], earful_command: str) -> None:
    listed = run(earful_command, "alerts", "list", "--json", env=env)
    assert listed.returncode == 0, listed.stderr
    rules = {r["id"]: r for r in json.loads(listed.stdout)}
    assert set(rules) == {"acme-volume", "acme-negative"} and rules["acme-volume"]["origin"] == "config"
    assert rules["acme-volume"]["open_incident"] is not None and rules["acme-volume"]["email"] == ["team@example.com"]
    table = run(earful_command, "alerts", "list", env=env).stdout
    assert "acme-volume" in table and "volume_spike" in table and rules["acme-volume"]["open_incident"] in table
    events = json.loads(run(earful_command, "alerts", "events", "--rule", "acme-volume", "--json", env=env).stdout)
    assert len(events) == 1 and events[0]["state"] == "open" and events[0]["observed"] >= 90
    text = run(earful_command, "alerts", "events", env=env).stdout
    assert events[0]["id"] in text and "open" in text
    none = run(earful_command, "alerts", "events", "--rule", "nope", env=env)
    assert none.returncode == 0 and "no incidents for rule nope" in none.stderr


def test_alerts_backtest_shows_what_each_sensitivity_would_raise(data: Path, env: dict[str, str],
                                                                earful_command: str) -> None:
    result = run(earful_command, "alerts", "backtest", "acme-volume", "--since", "5d", "--json", env=env)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    opened = [datetime.fromisoformat(i["opened_at"]) for i in report["incidents"]]
    old_spike = NOW - timedelta(days=2, hours=3)
    assert any(abs(t - old_spike) < timedelta(hours=1) for t in opened)
    # and, once the hour of the spike that is going on now has ended, that one: nothing else
    assert all(abs(t - old_spike) < timedelta(hours=1) or NOW - t < timedelta(hours=2) for t in opened), opened
    assert report["per_sensitivity"]["low"] <= report["per_sensitivity"]["medium"] <= report["per_sensitivity"]["high"]
    assert report["mentions"] > 500 and report["interval"] == 3600
    text = run(earful_command, "alerts", "backtest", "acme-volume", "--since", "5d", "--sensitivity", "low", env=env)
    assert "rule acme-volume (volume_spike, low, 60-minute buckets)" in text.stdout
    missing = run(earful_command, "alerts", "backtest", "nope", env=env)
    assert missing.returncode != 0 and "no alert rule 'nope'" in missing.stderr


def test_feedback_snooze_and_feed_tokens_from_the_cli(data: Path, env: dict[str, str], earful_command: str) -> None:
    [event] = json.loads(run(earful_command, "alerts", "events", "--rule", "acme-volume", "--json", env=env).stdout)
    marked = run(earful_command, "alerts", "feedback", event["id"], "not_useful", "--note", "a promo", env=env)
    assert marked.returncode == 0, marked.stderr
    snoozed = run(earful_command, "alerts", "snooze", "acme-volume", "--hours", "24", env=env)
    assert snoozed.returncode == 0 and "snoozed until" in snoozed.stderr
    [event] = json.loads(run(earful_command, "alerts", "events", "--rule", "acme-volume", "--json", env=env).stdout)
    assert event["feedback"][0]["verdict"] == "not_useful" and event["feedback"][0]["via"] == "cli"
    assert event["snoozed_until"] is not None
    assert "not_useful snoozed to" in run(earful_command, "alerts", "events", env=env).stdout
    assert run(earful_command, "alerts", "snooze", "nope", env=env).returncode != 0
    assert run(earful_command, "alerts", "unsnooze", "acme-volume", env=env).returncode == 0
    made = run(earful_command, "alerts", "feed-token", "create", "--rule", "acme-volume", "--name", "reader", env=env)
    assert made.returncode == 0 and "/api/v1/alerts/rules/acme-volume/feed.atom?token=ef_" in made.stdout
    [listed] = json.loads(run(earful_command, "alerts", "feed-token", "list", "--json", env=env).stdout)
    assert listed["rule"] == "acme-volume" and listed["name"] == "reader" and "ef_" not in json.dumps(listed)
    assert run(earful_command, "alerts", "feed-token", "revoke", listed["id"], env=env).returncode == 0
    assert run(earful_command, "alerts", "feed-token", "revoke", listed["id"], env=env).returncode != 0


def test_backtest_shows_how_each_preset_treats_judged_incidents(data: Path, env: dict[str, str],
                                                                earful_command: str) -> None:
    [event] = json.loads(run(earful_command, "alerts", "events", "--rule", "acme-volume", "--json", env=env).stdout)
    run(earful_command, "alerts", "feedback", event["id"], "not_useful", env=env)
    report = json.loads(run(earful_command, "alerts", "backtest", "acme-volume", "--since", "1d", "--json",
                            env=env).stdout)
    [judged] = report["judged"]
    assert judged["incident"] == event["id"] and judged["verdict"] == "not_useful"
    assert set(judged["raised_by"]) == {"low", "medium", "high"}
    assert judged["raised_by"]["high"] >= judged["raised_by"]["medium"] >= judged["raised_by"]["low"]
    text = run(earful_command, "alerts", "backtest", "acme-volume", "--since", "1d", env=env).stdout
    assert "incidents people judged (1 not useful)" in text and event["id"] in text
