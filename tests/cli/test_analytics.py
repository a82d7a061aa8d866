"""``earful export``, ``earful import``, ``earful compare``, ``themes``, ``top`` as users run them, on the demo data."""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml


@pytest.fixture
def demo_feeds() -> Iterator[str]:
    from cli.demo.server import DemoServer

    with DemoServer() as server:
        yield server.base_url


def run(earful_command: str, *args: str, env: dict[str, str], stdout: object = subprocess.PIPE,
        timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run([earful_command, *args], env=env, stdout=stdout, stderr=subprocess.PIPE, text=True,
                          timeout=timeout)  # type: ignore[call-overload, no-any-return]


def environment(tmp_path: Path, name: str, config: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EARFUL_")}
    return env | {"EARFUL_DATA_DIR": str(tmp_path / name), "EARFUL_CONFIG": str(config)}


@pytest.mark.slow
def test_export_import_round_trip_of_the_demo_data(tmp_path: Path, demo_feeds: str, earful_command: str) -> None:
    from cli.demo.feeds import demo_config

    config = tmp_path / "earful.yaml"
    config.write_text(yaml.safe_dump(demo_config(demo_feeds)), encoding="utf-8")
    first = environment(tmp_path, "first", config)
    assert run(earful_command, "collect", "--once", env=first).returncode == 0
    for fmt in ("csv", "ndjson"):
        dump = tmp_path / f"all.{fmt}"
        with dump.open("w") as out:
            done = run(earful_command, "export", "--format", fmt, "--include-duplicates", env=first, stdout=out)
        assert done.returncode == 0 and "exported" in done.stderr, done.stderr
        target = environment(tmp_path, f"copy-{fmt}", config)
        loaded = run(earful_command, "import", str(dump), env=target)
        assert loaded.returncode == 0 and "skipped as unreadable" in loaded.stderr, loaded.stderr
        for args in (["search", "outage OR refund*", "--sort", "newest", "--limit", "500"],
                     ["search", "acme", "--sort", "oldest", "--limit", "500"],
                     ["compare", "--brand", "acme", "--since", "30d", "--interval", "week"],
                     ["themes", "--brand", "acme", "--since", "4d", "--compare-to", "all"],
                     ["top", "source"]):
            original, copy = run(earful_command, *args, env=first), run(earful_command, *args, env=target)
            assert original.returncode == copy.returncode == 0, copy.stderr
            assert original.stdout == copy.stdout and original.stdout.strip()
    themes = run(earful_command, "themes", "--brand", "acme", "--since", "4d", "--compare-to", "all", env=first)
    assert "outage" in themes.stdout


def test_import_reports_bad_rows_by_line_and_goes_on(tmp_path: Path, earful_command: str) -> None:
    from cli.demo.feeds import demo_config

    config = tmp_path / "earful.yaml"
    config.write_text(yaml.safe_dump(demo_config("http://127.0.0.1:9")), encoding="utf-8")
    env = environment(tmp_path, "data", config)
    data = tmp_path / "tool.csv"
    data.write_bytes(b"Date,Full Text,Url\n2026-11-19T08:00:00Z,Acme Mobile is down again,https://f.example/1\n"
                     b"not a date,Acme Mobile refund,https://f.example/2\n"
                     b"2026-11-19T09:00:00Z,\xff\xfe broken bytes,https://f.example/3\n"
                     b"2026-11-19T10:00:00Z,Globex Fiber One is fast,https://f.example/4\n")
    result = run(earful_command, "import", str(data), "--source", "tool-export", env=env)
    assert result.returncode == 0, result.stderr
    assert re.search(rf"{re.escape(str(data))}:3: skipped: date 'not a date'", result.stderr)
    assert f"{data}:4: skipped: not UTF-8" in result.stderr and "indexed 2" in result.stderr
    found = run(earful_command, "search", "acme OR globex", env=env)
    assert "2 mentions match" in found.stderr
    missing = run(earful_command, "import", str(tmp_path / "nope.csv"), env=env)
    assert missing.returncode == 2 and "no such file" in missing.stderr
