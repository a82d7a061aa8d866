from __future__ import annotations

from pathlib import Path

import pytest

from earful.config import load_config, parse_config
from earful.errors import ConfigError
from earful.params import parse_duration
from earful.settings import Settings

GOOD = """
brands:
  - id: acme
    name: Acme Mobile
    query: '"acme mobile" OR acmemobile'
    competitors: [globex]
  - id: globex
    name: Globex
    query: globex
sources:
  - name: tech-news
    type: feed
    url: https://news.example.com/rss
    interval: 15m
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "earful.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_good_config_loads_with_rules_compiled(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, GOOD))
    assert [b.id for b in config.brands] == ["acme", "globex"]
    assert config.sources[0].interval == 900
    assert config.brand("acme") is not None and config.brand("acme").rule is not None  # type: ignore[union-attr]


@pytest.mark.parametrize("text, key, fragment", [
    (GOOD.replace("query: globex", "query: '(globex'"), "brands[1].query", "position"),
    (GOOD.replace("competitors: [globex]", "competitors: [initech]"), "brands[0].competitors[0]", "initech"),
    (GOOD.replace("interval: 15m", "interval: soon"), "sources[0].interval", "duration"),
    (GOOD.replace("type: feed", "type: carrier-pigeon"), "sources[0].type", "feed"),
    (GOOD.replace("url: https://news.example.com/rss", "url: not a url"), "sources[0].url", "url"),
    (GOOD.replace("name: tech-news", "name: tech-news\n    colour: blue"), "sources[0].colour", "extra"),
    (GOOD.replace("id: acme", "id: Acme Mobile!"), "brands[0].id", "pattern"),
    (GOOD.replace("    query: globex\n", ""), "brands[1].query", "required"),
])
def test_errors_name_the_file_the_key_and_the_problem(tmp_path: Path, text: str, key: str, fragment: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert str(path) in message and key in message and fragment in message.lower()


def test_broken_yaml_names_line_and_column(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"line \d+, column \d+"):
        load_config(write(tmp_path, "brands: [\n  - id: x\n"))


def test_missing_file_says_what_to_check(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="EARFUL_CONFIG"):
        load_config(tmp_path / "nope.yaml")


def test_rule_syntax_error_shows_position_with_a_pointer() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config({"brands": [{"id": "a", "name": "A", "query": 'acme AND "open'}]}, file="x.yaml")
    assert "x.yaml: brands[0].query" in str(caught.value) and "^" in str(caught.value)


def test_durations() -> None:
    assert [parse_duration(v) for v in (90, "30s", "15m", "2h", "1d")] == [90, 30, 900, 7200, 86400]
    for bad in ("5s", 0, True, "1y"):
        with pytest.raises(ValueError):
            parse_duration(bad)


def test_settings_read_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("EARFUL_DATA_DIR", str(tmp_path / "d"))
    monkeypatch.setenv("EARFUL_API_KEYS", " k1, k2 ,,")
    monkeypatch.setenv("EARFUL_CONFIG", str(write(tmp_path, GOOD)))
    settings = Settings()
    assert settings.data_dir == tmp_path / "d" and settings.api_keys == ["k1", "k2"]
    assert [s.name for s in settings.app_config.sources] == ["tech-news"]


def test_settings_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("EARFUL_DATA_DIR", "EARFUL_API_KEYS", "EARFUL_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings()
    assert (settings.data_dir, settings.api_keys, settings.app_config.brands) == (Path("./earful-data"), [], [])
