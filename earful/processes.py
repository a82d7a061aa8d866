"""Child processes that do not outlive the process that started them (Linux: the kernel ends them)."""

from __future__ import annotations

import ctypes
import ctypes.util
import signal
import sys

_PR_SET_PDEATHSIG = 1


def end_with_parent(sig: int = signal.SIGTERM) -> None:
    """In a child, before exec (``preexec_fn``): ask the kernel for ``sig`` when the parent dies.

    The kernel sends it when the *thread* that started the child ends, so start children from a
    thread that waits for them. Elsewhere than Linux this does nothing.
    """
    if not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, int(sig), 0, 0, 0)
