"""Translate the Elasticsearch client's exceptions into Earful's at the backend boundary.

    elastic_transport.TransportError (ConnectionError, ConnectionTimeout, TlsError)
        -> IndexUnavailable: check the URL, the network, the CA bundle
    ApiError 401/403        -> IndexUnavailable: check the credentials
    ApiError 404 (index)    -> IndexUnavailable: create the index by starting a writer
    ApiError 429/5xx        -> IndexUnavailable: check cluster health
    ApiError 400            -> BadRequest (an invalid query or aggregation)
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from elastic_transport import ConnectionTimeout, TlsError, TransportError
from elasticsearch import ApiError

from earful.errors import BadRequest, EarfulError, IndexUnavailable


def unavailable(url: str, action: str, exc: BaseException) -> EarfulError:
    """The Earful error for a client exception raised while doing ``action``."""
    where = f"Elasticsearch at {url}"
    if isinstance(exc, TlsError):
        return IndexUnavailable(f"cannot {action}: TLS to {where} failed ({exc}); check EARFUL_ES_CA_CERTS "
                                "(or EARFUL_ES_VERIFY_CERTS for a test cluster)")
    if isinstance(exc, ConnectionTimeout):
        return IndexUnavailable(f"cannot {action}: {where} did not answer in time; check cluster health "
                                "(GET _cluster/health) and load, or raise EARFUL_ES_TIMEOUT")
    if isinstance(exc, TransportError):
        return IndexUnavailable(f"cannot {action}: {where} is not reachable ({type(exc).__name__}); "
                                "check EARFUL_ES_URL and that the cluster is up")
    if isinstance(exc, ApiError):
        return _api_error(where, action, exc)
    return IndexUnavailable(f"cannot {action}: {where} failed ({exc})")


def _api_error(where: str, action: str, exc: ApiError) -> EarfulError:
    status, reason = exc.meta.status, _reason(exc)
    if status in (401, 403):
        return IndexUnavailable(f"cannot {action}: {where} refused the credentials ({reason}); check "
                                "EARFUL_ES_API_KEY or EARFUL_ES_USERNAME/EARFUL_ES_PASSWORD and their privileges")
    if status == 404 and "index_not_found" in str(exc.error):
        return IndexUnavailable(f"cannot {action}: {where} has no Earful index ({reason}); start a writer "
                                "(earful run, earful worker) to create it, or check EARFUL_ES_INDEX_PREFIX")
    if status == 400:
        return BadRequest(f"cannot {action}: Elasticsearch rejected the request: {reason}")
    return IndexUnavailable(f"cannot {action}: {where} answered {status} ({reason}); check cluster health "
                            "(GET _cluster/health) and the Elasticsearch logs")


def _reason(exc: ApiError) -> str:
    body = exc.body if isinstance(exc.body, dict) else {}
    error = body.get("error")
    if isinstance(error, dict):
        causes = error.get("root_cause") or [error]
        first = causes[0] if isinstance(causes, list) and causes else error
        return str(first.get("reason") or error.get("type") or exc.message)
    return str(error or exc.message)


@contextmanager
def translate_errors(url: str, action: str) -> Iterator[None]:
    """Re-raise client failures as IndexUnavailable or BadRequest; Earful's own errors pass."""
    try:
        yield
    except EarfulError:
        raise
    except (TransportError, ApiError) as exc:
        raise unavailable(url, action, exc) from exc
