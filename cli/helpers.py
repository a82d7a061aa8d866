"""What every subcommand uses: messages for people, and the settings from the environment."""

from __future__ import annotations

import json
import logging
import signal
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import TYPE_CHECKING, TypeVar

from pydantic import BaseModel, ValidationError

from earful.errors import ConfigError, EarfulError
from earful.settings import Settings

if TYPE_CHECKING:
    from earful.state import StateStore

T = TypeVar("T")


def say(message: str) -> None:
    """Progress and results for people, on stderr so stdout stays pipeable."""
    print(message, file=sys.stderr, flush=True)


def load_settings() -> Settings:
    """Settings from the environment; a bad value is a ConfigError naming the variable."""
    try:
        return Settings()
    except ValidationError as exc:
        raise ConfigError(settings_problems(exc)) from None


def with_state(work: Callable[[StateStore], T]) -> T:
    """``work`` on the crawl state the settings name, closed afterwards."""
    from earful.state import open_state

    state = open_state(load_settings())
    try:
        return work(state)
    finally:
        state.close()


def print_models(items: Iterable[BaseModel]) -> None:
    """A JSON array of the items on stdout, text as written."""
    print(json.dumps([item.model_dump(mode="json") for item in items], indent=2, ensure_ascii=False))


def settings_problems(exc: ValidationError) -> str:
    """One line per bad variable: its name, what is wrong, and the value given."""
    lines = ["invalid environment:"]
    for err in exc.errors():
        name = f"EARFUL_{str(err['loc'][0]).upper()}" if err["loc"] else "settings"
        given = err.get("input")
        field = Settings.model_fields.get(str(err["loc"][0])) if err["loc"] else None
        secret = field is not None and "SecretStr" in str(field.annotation)  # never echo a password
        shown = f" (got {str(given)[:60]!r})" if isinstance(given, (str, int, float)) and not secret else ""
        lines.append(f"  {name}: {err['msg'].removeprefix('Value error, ')}{shown}")
    return "\n".join(lines)


@contextmanager
def stop_on_signals(stop: threading.Event) -> Iterator[threading.Event]:
    """While inside, SIGINT and SIGTERM set ``stop`` (work under way ends early) instead of raising."""
    def handle(signum: int, frame: FrameType | None) -> None:
        say(f"{signal.Signals(signum).name} received: stopping …")
        stop.set()

    previous = {sig: signal.signal(sig, handle) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield stop
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def configure_logging(verbose: bool) -> None:
    logging.basicConfig(level=logging.DEBUG if verbose else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    logging.getLogger("httpx").setLevel(logging.WARNING)


def reported(command: Callable[[], int]) -> int:
    """Run ``command``; Earful's errors (and missing files) become one line and an exit code, never a traceback."""
    try:
        return int(command())
    except ConfigError as exc:
        say(f"config error: {exc}")
        return 2
    except EarfulError as exc:
        say(f"error: {exc}")
        return 1
    except OSError as exc:  # a file or directory Earful needs: say which
        say(f"error: {exc.strerror or exc}{f': {exc.filename}' if exc.filename else ''}")
        return 1
