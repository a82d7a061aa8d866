"""The child process of a role's service group: ``python -m cli.child SPEC`` (started by the parent, never by hand).

SPEC is JSON: the role, the group's name, the parent's command-line options. The child runs the
group's services from the role table, reports their health to the parent on the pipe named by
EARFUL_HEALTH_FD, and stops when the parent does (SIGTERM) or dies.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Sequence

from cli.helpers import load_settings, say
from earful.errors import ConfigError, EarfulError


def main(argv: Sequence[str] | None = None) -> int:
    from cli.roles import RoleContext, run_role
    from workers.services import watch_parent

    spec = json.loads((argv if argv is not None else sys.argv[1:])[0])
    logging.basicConfig(level=logging.DEBUG if spec.get("verbose") else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    fd = os.environ.pop("EARFUL_HEALTH_FD", None)
    parent = int(os.environ.pop("EARFUL_PARENT_PID", os.getppid()))
    try:
        ctx = RoleContext(spec["role"], load_settings(), argparse.Namespace(**spec["options"]), group=spec["group"])
        watch_parent(parent, lambda: ctx.supervisor.stop() if ctx.supervisor else os._exit(1))
        return run_role(ctx, health_fd=int(fd) if fd else None)
    except ConfigError as exc:
        say(f"config error: {exc}")
        return 2
    except EarfulError as exc:
        say(f"error: {exc}")
        return 1


if __name__ == "__main__":
    sys.exit(main())
