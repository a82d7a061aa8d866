"""What every subcommand uses: messages for people, and the settings from the environment."""

from __future__ import annotations

import sys

from pydantic import ValidationError

from earful.errors import ConfigError
from earful.settings import Settings


def say(message: str) -> None:
    """Progress and results for people, on stderr so stdout stays pipeable."""
    print(message, file=sys.stderr, flush=True)


def load_settings() -> Settings:
    """Settings from the environment; a bad value is a ConfigError naming the variable."""
    try:
        return Settings()
    except ValidationError as exc:
        problems = "; ".join(f"EARFUL_{'_'.join(str(p) for p in err['loc']).upper()}: {err['msg']}"
                             for err in exc.errors())
        raise ConfigError(f"invalid environment: {problems}") from None
