"""The source-type registry is the one list: every type has a config model, a collector and docs,
the config's union and the API's filter follow it, and an older spelling still reads."""

from __future__ import annotations

import tomllib
import typing
from pathlib import Path

import pytest

from crawlers.base import Collector, collector_for
from earful.config import parse_config
from earful.errors import ConfigError
from earful.settings import Settings
from earful.sources import SourceBase, SourceType, find, register, registered, source_types

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("source_type", registered(), ids=lambda t: t.name)
def test_every_registered_type_has_a_config_model_a_collector_and_docs(source_type: SourceType) -> None:
    model = source_type.model
    assert issubclass(model, SourceBase)
    assert typing.get_args(model.model_fields["type"].annotation) == (source_type.name,)
    collector = collector_for(source_type.name, Settings())
    assert isinstance(collector, Collector) and type(collector).__module__.startswith(model.__module__.rsplit(".", 1)[0])
    docs = ROOT / source_type.docs
    assert docs.is_file(), docs
    assert f"type: {source_type.name}" in docs.read_text(encoding="utf-8"), f"{docs} shows no `type: {source_type.name}`"
    assert f"({source_type.docs})" in (ROOT / "README.md").read_text(encoding="utf-8"), "README does not link it"
    assert f"`{source_type.name}`" in (ROOT / "docs/adding-a-source.md").read_text(encoding="utf-8")


def test_the_entry_points_are_the_registry() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    declared = pyproject["project"]["entry-points"]["earful.sources"]
    assert sorted(declared) == list(source_types()) == ["feed", "reddit", "review", "web"]


def test_the_older_spelling_of_a_type_reads_as_today_s() -> None:
    config = parse_config({"brands": [{"id": "acme", "name": "Acme", "query": "acme"}],
                           "sources": [{"name": "r", "type": "reviews", "brand": "acme", "urls": ["https://a.test/"]}]})
    assert config.sources[0].type == "review" and find("reviews") is find("review")
    assert type(config.sources[0]) is find("review").model  # type: ignore[union-attr]


def test_an_unknown_type_lists_the_registered_ones() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config({"sources": [{"name": "x", "type": "carrier-pigeon"}]}, file="c.yaml")
    message = str(caught.value)
    assert "c.yaml" in message and "sources[0].type" in message
    assert all(f"'{name}'" in message for name in source_types())


def test_a_second_type_under_a_taken_name_is_refused() -> None:
    taken = find("feed")
    assert taken is not None
    with pytest.raises(ValueError, match="registered already"):
        register(SourceType(name="feed", model=taken.model, collector="elsewhere:Collector", docs="docs/feeds.md"))
