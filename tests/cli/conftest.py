"""What the command-line tests share."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """The environment without the developer's EARFUL_ settings, data in a temp dir."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("EARFUL_")}
    clean["EARFUL_DATA_DIR"] = str(tmp_path / "data")
    return clean
