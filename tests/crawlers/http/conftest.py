"""The hostile server for the fetch tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.crawlers.hostile import HostileServer


@pytest.fixture(scope="module")
def hostile() -> Iterator[HostileServer]:
    server = HostileServer()
    try:
        yield server
    finally:
        server.close()
