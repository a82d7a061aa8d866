"""The lock around read-compare-write of stored mentions, shared by the writers in one process."""

from __future__ import annotations

import threading

# Held around read-compare-write of stored mentions, so the refiner never overwrites a newer
# version written by the processor in the same process.
WRITE_LOCK = threading.RLock()
