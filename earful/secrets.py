"""The installation's own secret: it signs paging cursors, and keys derived from it sign action links.

From EARFUL_CURSOR_SECRET when set (several API processes behind one address must share it),
else a random key generated once into ``EARFUL_DATA_DIR/cursor.key`` (mode 0600).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from earful.errors import ConfigError
from earful.settings import Settings

KEY_FILE = "cursor.key"


def cursor_secret(settings: Settings) -> bytes:
    """The cursor-signing key; created in the data directory on first use."""
    if settings.cursor_secret is not None:
        return settings.cursor_secret.get_secret_value().encode()
    path = Path(settings.data_dir) / KEY_FILE
    try:
        return _read_or_create(path)
    except OSError as exc:
        raise ConfigError(f"cannot read or create the cursor key {path} ({exc.strerror or exc}); make "
                          "EARFUL_DATA_DIR writable, or set EARFUL_CURSOR_SECRET to a random string of at "
                          "least 32 characters") from None


def derived_key(settings: Settings, purpose: str) -> bytes:
    """A key of its own for ``purpose`` (e.g. ``alert-actions``), derived from the installation's secret:
    one secret to keep, and a signature made for one use is never valid for another."""
    return hmac.new(cursor_secret(settings), f"earful:{purpose}".encode(), hashlib.sha256).digest()


def _read_or_create(path: Path) -> bytes:
    try:
        key = path.read_bytes().strip()
        if len(key) >= 32:
            return key
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")  # unique per thread too
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(secrets.token_hex(32).encode())
        out.flush()
        os.fsync(out.fileno())
    try:
        os.link(tmp, path)  # the first process to get here wins; the others read its key
    except FileExistsError:
        pass
    finally:
        tmp.unlink()
    return path.read_bytes().strip()


def action_key(settings: Settings) -> bytes:
    """The key that signs alert action links (snooze, feedback: ``earful.alerts.tokens``)."""
    return derived_key(settings, "alert-actions")
