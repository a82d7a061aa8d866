"""The deployment files: docker-compose.yml validates and its commands exist in our CLI."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from earful.cli import build_parser

ROOT = Path(__file__).resolve().parents[1]


def env_example() -> dict[str, str]:
    pairs = (line.split("=", 1) for line in (ROOT / ".env.example").read_text().splitlines()
             if line and not line.startswith("#"))
    return {key: value for key, value in pairs}


def test_compose_file_validates_with_docker_compose(tmp_path: Path) -> None:
    if shutil.which("docker-compose") is None:
        if os.environ.get("CI"):
            pytest.fail("docker-compose is missing: scripts/test.sh installs Debian's docker-compose")
        pytest.skip("docker-compose not installed")
    env = {**os.environ, **env_example()}
    result = subprocess.run(["docker-compose", "-f", str(ROOT / "docker-compose.yml"), "config"],
                            env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    missing = {k: v for k, v in os.environ.items() if k != "EARFUL_API_KEYS"}
    refused = subprocess.run(["docker-compose", "-f", str(ROOT / "docker-compose.yml"), "config"],
                             env=missing, capture_output=True, text=True, timeout=60)
    assert refused.returncode != 0 and "EARFUL_API_KEYS" in refused.stderr


def test_every_service_command_is_an_earful_command() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    parser = build_parser()
    for name, service in compose["services"].items():
        command = service["command"]
        assert command[0] == "earful", name
        parser.parse_args(command[1:])  # exits (SystemExit) on an unknown command or flag
