"""Translate tantivy's exceptions into Earful's at the backend boundary."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from earful.errors import BadRequest, EarfulError, IndexUnavailable

_IO_MARKERS = ("io error", "ioerror", "doesnotexist", "failed to open", "permission denied",
               "corrupt", "no such file", "directory does not exist", "data corruption",
               "incompatible index", "schema error: 'expected")


@contextmanager
def translate_errors(path: Path, action: str) -> Iterator[None]:
    """Re-raise tantivy failures as IndexUnavailable (storage, locks) or BadRequest (input)."""
    try:
        yield
    except EarfulError:
        raise
    except ValueError as exc:
        raise _classify(path, action, str(exc)) from exc
    except OSError as exc:
        raise IndexUnavailable(f"cannot {action}: the index at {path} is not accessible ({exc}); "
                               "check the path, its permissions and free disk space") from exc
    except BaseException as exc:  # pyo3's PanicException derives from BaseException
        if type(exc).__name__ != "PanicException":
            raise
        raise IndexUnavailable(f"cannot {action}: tantivy failed internally ({exc}); "
                               "if it repeats, rebuild the index at {path}") from exc


def _classify(path: Path, action: str, message: str) -> EarfulError:
    lowered = message.lower()
    if "lockbusy" in lowered or "failed to acquire" in lowered:
        return IndexUnavailable(
            f"cannot {action}: another process holds the writer lock on the index at {path}; "
            "stop that process (only one writer may run), or open this index with writable=False")
    if any(marker in lowered for marker in _IO_MARKERS):
        return IndexUnavailable(f"cannot {action}: the index at {path} cannot be used ({message}); "
                                "check the path and disk, or rebuild the index")
    return BadRequest(f"cannot {action}: {message}")
