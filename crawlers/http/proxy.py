"""Which proxy a fetch goes through: the standard ``HTTP(S)_PROXY`` / ``NO_PROXY`` environment.

Loopback addresses are always fetched directly (a proxy cannot reach this machine's own
services). Credentials in the proxy URL (``http://user:pass@proxy:3128``) are sent as
Proxy-Authorization, never logged.
"""

from __future__ import annotations

import ipaddress
import urllib.request
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from earful.errors import SourceError

_LOOPBACK_NAMES = {"localhost", "localhost.localdomain"}


@dataclass(frozen=True)
class Proxy:
    """A proxy to send a request through: its address and optional credentials."""

    url: str  # scheme://host:port, without credentials
    host: str
    port: int
    auth: tuple[str, str] | None = None


def proxy_for(scheme: str, host: str) -> Proxy | None:
    """The proxy the environment names for a request to ``host`` over ``scheme``, if any."""
    if _is_loopback(host):
        return None
    configured = urllib.request.getproxies_environment().get(scheme)
    # proxy_bypass_environment is in the standard library but not in its type stubs
    if not configured or urllib.request.proxy_bypass_environment(host):  # type: ignore[attr-defined]
        return None
    return parse_proxy(configured)


def parse_proxy(configured: str) -> Proxy:
    """``http://[user:pass@]host[:port]``; a bare ``host:port`` means http."""
    parts = urlsplit(configured if "://" in configured else f"http://{configured}")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        port = -1
    if parts.scheme not in ("http", "https") or not parts.hostname or port < 0:
        raise SourceError(f"the proxy setting {_redacted(parts.scheme, parts.hostname)!r} is not an "
                          "http(s)://host:port URL; fix HTTP_PROXY/HTTPS_PROXY in the environment",
                          kind="bad_url")
    auth = (unquote(parts.username), unquote(parts.password or "")) if parts.username else None
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    return Proxy(url=f"{parts.scheme}://{host}:{port}", host=parts.hostname, port=port, auth=auth)


def _is_loopback(host: str) -> bool:
    name = host.strip("[]").lower()
    if name in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def _redacted(scheme: str, host: str | None) -> str:
    return f"{scheme or '?'}://{host or '?'}"
