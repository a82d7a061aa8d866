"""Bad settings and config, given to real ``earful`` processes: one clear line per problem, never a traceback."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
import yaml


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    config = tmp_path / "earful.yaml"
    config.write_text(yaml.safe_dump({"brands": [{"id": "acme", "name": "Acme", "query": "acme"}],
                                      "sources": [{"name": "f", "type": "feed", "url": "http://127.0.0.1:9/f"}]}))
    clean = {k: v for k, v in os.environ.items() if not k.startswith("EARFUL_")}
    clean.update(EARFUL_DATA_DIR=str(tmp_path / "data"), EARFUL_CONFIG=str(config))
    return clean


def _run(earful_command: str, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([earful_command, *args], env=env, capture_output=True, text=True, timeout=120)


def _refused(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr, result.stderr
    for word in words:
        assert word in result.stderr, result.stderr


@pytest.mark.parametrize(("name", "value"), [
    ("EARFUL_BATCH_SIZE", "-5"), ("EARFUL_BATCH_SIZE", "0"), ("EARFUL_BATCH_SIZE", "many"),
    ("EARFUL_FETCH_TIMEOUT", "-1"), ("EARFUL_FETCH_TIMEOUT", "0"), ("EARFUL_FETCH_TIMEOUT", "nan"),
    ("EARFUL_FETCH_TIMEOUT", "inf"), ("EARFUL_MAX_FETCH_BYTES", "-1"), ("EARFUL_FETCH_WORKERS", "0"),
    ("EARFUL_PORT", "70000"), ("EARFUL_JOB_TIMEOUT", "0"), ("EARFUL_JOB_RETRIES", "-1"),
    ("EARFUL_JOB_RETRY_INTERVALS", "10,-3"), ("EARFUL_ES_TIMEOUT", "0"), ("EARFUL_REFINE_BATCH_SIZE", "0"),
    ("EARFUL_POSITIVE_THRESHOLD", "5"), ("EARFUL_CURSOR_SECRET", "too-short"),
    ("EARFUL_API_KEYS", ","), ("EARFUL_API_KEYS", " , ,"), ("EARFUL_API_KEYS", ""),
    ("EARFUL_SMTP_URL", "http://mail.example.com"), ("EARFUL_SMTP_URL", "smtp://h:port"),
    ("EARFUL_SMTP_URL", "smtp://h:25?tls=yes"), ("EARFUL_MAIL_FROM", "alerts"), ("EARFUL_PUBLIC_URL", "ftp://x"),
    ("EARFUL_SMTP_TIMEOUT", "0"), ("EARFUL_DELIVERY_LEASE", "0.5"),
])
@pytest.mark.parametrize("command", [("collect", "--once"), ("serve",)])
def test_a_bad_variable_is_one_line_naming_it(earful_command: str, env: dict[str, str], name: str, value: str,
                                               command: tuple[str, ...]) -> None:
    env[name] = value
    result = _run(earful_command, env, *command)
    _refused(result, name)
    assert result.returncode == 2
    assert len([line for line in result.stderr.splitlines() if name in line]) == 1


def test_every_problem_gets_its_own_line(earful_command: str, env: dict[str, str]) -> None:
    env.update(EARFUL_BATCH_SIZE="-5", EARFUL_FETCH_TIMEOUT="-1", EARFUL_API_KEYS=",")
    result = _run(earful_command, env, "collect", "--once")
    _refused(result, "EARFUL_BATCH_SIZE", "EARFUL_FETCH_TIMEOUT", "EARFUL_API_KEYS")
    lines = result.stderr.splitlines()
    for name in ("EARFUL_BATCH_SIZE", "EARFUL_FETCH_TIMEOUT", "EARFUL_API_KEYS"):
        assert sum(name in line for line in lines) == 1


@pytest.mark.parametrize("command", [("collect", "--once"), ("scheduler",), ("run", "--port", "1")])
def test_an_unwritable_data_dir_is_a_clear_error(earful_command: str, env: dict[str, str], tmp_path: Path,
                                                 command: tuple[str, ...]) -> None:
    blocker = tmp_path / "plain-file"
    blocker.write_text("a file where the data directory should be")
    env["EARFUL_DATA_DIR"] = str(blocker / "data")
    result = _run(earful_command, env, *command)
    _refused(result, "EARFUL_DATA_DIR")


@pytest.mark.parametrize("content", [b"brands:\n  - id: acme\n    name: Acm\xe9\n    query: acme\n",
                                     b"\xff\xfe b\x00r\x00a\x00n\x00d\x00s\x00", b"sources: []\n\x80\x81\n"])
@pytest.mark.parametrize("command", [("collect", "--once"), ("config", "check")])
def test_a_config_that_is_not_utf8_is_a_clear_error(earful_command: str, env: dict[str, str], tmp_path: Path,
                                                    content: bytes, command: tuple[str, ...]) -> None:
    config = tmp_path / "latin1.yaml"
    config.write_bytes(content)
    env["EARFUL_CONFIG"] = str(config)
    args = (*command, str(config)) if command[0] == "config" else command
    result = _run(earful_command, env, *args)
    _refused(result, "UTF-8", str(config))


@pytest.mark.parametrize("interval", ["99999999999d", "400d", 10**15, "5s", 0, -60, "soon"])
def test_source_intervals_are_bounded(earful_command: str, env: dict[str, str], tmp_path: Path,
                                      interval: object) -> None:
    config = tmp_path / "intervals.yaml"
    config.write_text(yaml.safe_dump({"brands": [{"id": "acme", "name": "Acme", "query": "acme"}], "sources": [
        {"name": "f", "type": "feed", "url": "http://127.0.0.1:9/f", "interval": interval}]}))
    result = _run(earful_command, env, "config", "check", str(config))
    _refused(result, "sources[0].interval")
    assert result.returncode == 2


def test_a_bad_smtp_url_never_shows_its_password(earful_command: str, env: dict[str, str]) -> None:
    env["EARFUL_SMTP_URL"] = "imap://team:hunter2-secret@mail.example.com:587"
    result = _run(earful_command, env, "alerts", "list")
    _refused(result, "EARFUL_SMTP_URL", "smtp://user:pass@host:587")
    assert "hunter2" not in result.stderr
