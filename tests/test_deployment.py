"""The deployment files: both compose files validate, refuse missing secrets, document every variable,
give every service a health check, and run the same ``earful`` commands that work outside Docker."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from cli.main import build_parser

ROOT = Path(__file__).resolve().parents[1]
COMPOSE_FILES = ["docker-compose.yml", "docker-compose.embedded.yml"]
# What each Earful service prints once it runs (stderr).
STARTED = {"run": "collecting", "serve": "Earful API on", "worker": "worker ", "scheduler": "scheduler: "}


def env_example() -> dict[str, str]:
    pairs = (line.split("=", 1) for line in (ROOT / ".env.example").read_text().splitlines()
             if line and not line.startswith("#"))
    return {key: value for key, value in pairs}


def compose(name: str) -> dict[str, Any]:
    return yaml.safe_load((ROOT / name).read_text())


def variables(name: str) -> dict[str, bool]:
    """Every ${VAR} the file interpolates -> whether it is required (``${VAR:?...}``); $$ is literal."""
    text = (ROOT / name).read_text().replace("$$", "")
    found: dict[str, bool] = {}
    for var, op in re.findall(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(:?[?-])?", text):
        found[var] = found.get(var, False) or op in (":?", "?")
    return found


def earful_services(name: str) -> dict[str, dict[str, Any]]:
    return {key: svc for key, svc in compose(name)["services"].items()
            if svc.get("image", "").startswith("earful") or "build" in svc}


def docker_compose(name: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    if shutil.which("docker-compose") is None:
        if os.environ.get("CI"):
            pytest.fail("docker-compose is missing: scripts/test.sh installs Debian's docker-compose")
        pytest.skip("docker-compose not installed")
    return subprocess.run(["docker-compose", "-f", str(ROOT / name), "config"], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("name", COMPOSE_FILES)
def test_compose_file_validates_and_refuses_missing_secrets(name: str) -> None:
    base = {k: v for k, v in os.environ.items() if k not in variables(name)}
    result = docker_compose(name, {**base, **env_example()})
    assert result.returncode == 0, result.stderr
    required = [var for var, needed in variables(name).items() if needed]
    assert "EARFUL_API_KEYS" in required
    for var in required:
        missing = {k: v for k, v in {**base, **env_example()}.items() if k != var}
        refused = docker_compose(name, missing)
        assert refused.returncode != 0 and var in refused.stderr, var


def test_distributed_compose_requires_the_elasticsearch_password() -> None:
    assert variables("docker-compose.yml")["ELASTIC_PASSWORD"]
    env = compose("docker-compose.yml")["services"]["api"]["environment"]
    assert env["EARFUL_ES_URL"].startswith("https://") and env["EARFUL_ES_CA_CERTS"]
    assert env["EARFUL_REDIS_URL"].startswith("redis://")


@pytest.mark.parametrize("name", COMPOSE_FILES)
def test_env_example_lists_every_variable(name: str) -> None:
    assert set(variables(name)) <= set(env_example()), set(variables(name)) - set(env_example())


@pytest.mark.parametrize("name", COMPOSE_FILES)
def test_every_service_has_a_health_check_or_a_reason(name: str) -> None:
    services = compose(name)["services"]
    for key, service in services.items():
        assert service.get("healthcheck", {}).get("test") or service.get("x-healthcheck-reason"), key
        for dependency, condition in (service.get("depends_on") or {}).items():
            wanted = ("service_healthy" if "healthcheck" in services[dependency]
                      else "service_completed_successfully" if services[dependency].get("x-healthcheck-reason")
                      else "service_started")
            assert condition["condition"] == wanted, (key, dependency)


def test_distributed_compose_has_every_role() -> None:
    commands = {key: svc["command"][1] for key, svc in earful_services("docker-compose.yml").items()}
    assert sorted(commands.values()) == ["scheduler", "serve", "worker"]
    services = compose("docker-compose.yml")["services"]
    assert "ports" not in services["worker"] and "container_name" not in services["worker"]  # scalable
    es_env = services["es01"]["environment"]
    assert es_env["xpack.security.enabled"] == "true" and "-Xmx" in es_env["ES_JAVA_OPTS"]
    assert any("appendonly" in part for part in services["redis"]["command"])
    assert any(image in services["mailpit"]["image"] for image in ("mailpit", "mailhog"))


@pytest.mark.parametrize("name", COMPOSE_FILES)
def test_every_service_command_is_an_earful_command(name: str) -> None:
    parser = build_parser()
    for key, service in earful_services(name).items():
        command = service["command"]
        assert command[0] == "earful", key
        parser.parse_args(command[1:])  # exits (SystemExit) on an unknown command or flag


@pytest.fixture
def local_services(tmp_path: Path, redis_url: str, earful_command: str,
                   free_port: Callable[[], int]) -> Iterator[Callable[[list[str], dict[str, str]], str]]:
    """Starts a compose service's command outside Docker; returns its stderr once it has started."""
    from cli.demo.feeds import demo_config
    from cli.demo.server import DemoServer
    from search.embedded import EmbeddedIndex

    running: list[tuple[subprocess.Popen[str], Path, str]] = []
    with DemoServer() as feeds:
        config = tmp_path / "earful.yaml"
        config.write_text(yaml.safe_dump(demo_config(feeds.base_url)), encoding="utf-8")

        def start(command: list[str], environment: dict[str, str]) -> str:
            data = tmp_path / f"data{len(running)}"
            EmbeddedIndex(data / "index").close()  # `earful serve` reads an existing index
            env = {k: v for k, v in os.environ.items() if not k.startswith("EARFUL_")}
            env.update({k: v for k, v in environment.items()  # a variable with a default: left unset
                        if not k.startswith(("EARFUL_ES_", "EARFUL_SMTP")) and ":-" not in str(v)})
            env.update({"EARFUL_DATA_DIR": str(data), "EARFUL_CONFIG": str(config), "NO_PROXY": "127.0.0.1"})
            if "EARFUL_REDIS_URL" in env:
                env["EARFUL_REDIS_URL"] = redis_url
            args = command[1:]
            if "--port" in args:  # same command, a port that is free here
                args[args.index("--port") + 1] = str(free_port())
            log = tmp_path / f"service{len(running)}.log"
            with log.open("w") as out:
                proc = subprocess.Popen([earful_command, *args], env=env, stderr=out, stdout=subprocess.DEVNULL,
                                        text=True)
            running.append((proc, log, args[0]))
            deadline = time.monotonic() + 90
            while STARTED[args[0]] not in log.read_text():
                assert proc.poll() is None and time.monotonic() < deadline, log.read_text()
                time.sleep(0.2)
            if "--port" in args:
                port = args[args.index("--port") + 1]
                while True:
                    try:
                        assert httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200
                        break
                    except httpx.TransportError:
                        assert proc.poll() is None and time.monotonic() < deadline, log.read_text()
                        time.sleep(0.2)
            return log.read_text()

        try:
            yield start
        finally:
            for proc, log, role in running:
                proc.send_signal(signal.SIGTERM)
                try:
                    code = proc.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    raise
                # worker and scheduler stop cleanly on SIGTERM; the API server may simply be terminated
                assert code == 0 or (role in ("serve", "run") and code == -signal.SIGTERM), log.read_text()


@pytest.mark.slow
@pytest.mark.parametrize("name", COMPOSE_FILES)
def test_every_service_runs_outside_docker(name: str, local_services) -> None:
    """Each Earful service's exact command starts with its compose environment (no Docker, no ES)."""
    for key, service in earful_services(name).items():
        started = local_services(service["command"], {k: str(v) for k, v in service["environment"].items()})
        assert STARTED[service["command"][1]] in started, key
