"""The child process of a role's service group: ``python -m cli.child SPEC`` (started by the parent, never by hand).

SPEC is JSON: the role, the group's name, the parent's command-line options. The child runs the
group's services from the role table, reports their health to the parent on the pipe named by
EARFUL_HEALTH_FD, and stops when the parent does (SIGTERM) or dies.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from typing import Any

from cli.helpers import configure_logging, load_settings, reported


def main(argv: Sequence[str] | None = None) -> int:
    spec = json.loads((argv if argv is not None else sys.argv[1:])[0])
    configure_logging(bool(spec.get("verbose")))
    fd = os.environ.pop("EARFUL_HEALTH_FD", None)
    parent = int(os.environ.pop("EARFUL_PARENT_PID", os.getppid()))
    return reported(lambda: _run(spec, int(fd) if fd else None, parent))


def _run(spec: dict[str, Any], health_fd: int | None, parent: int) -> int:
    from cli.roles import RoleContext, run_role
    from workers.services import watch_parent

    ctx = RoleContext(spec["role"], load_settings(), argparse.Namespace(**spec["options"]), group=spec["group"])
    watch_parent(parent, lambda: ctx.supervisor.stop() if ctx.supervisor else os._exit(1))
    return run_role(ctx, health_fd=health_fd)


if __name__ == "__main__":
    sys.exit(main())
