"""The Elasticsearch client, built from settings."""

from __future__ import annotations

import logging

from elasticsearch import Elasticsearch

from earful.settings import Settings

# Whole requests are retried by the transport on these; single documents by the bulk helper.
RETRY_STATUSES = (429, 500, 502, 503, 504)


def quiet_transport_logs() -> None:
    """The client logs every request (INFO) and every retry with a traceback (WARNING); a failure
    that survives the retries reaches the user as IndexUnavailable anyway. ``-v`` keeps them."""
    if logging.getLogger().getEffectiveLevel() <= logging.DEBUG:
        return
    for name in ("elastic_transport.transport", "elastic_transport.node_pool"):
        logger = logging.getLogger(name)
        if logger.level == logging.NOTSET:
            logger.setLevel(logging.ERROR)


def connect(settings: Settings, *, max_retries: int = 3) -> Elasticsearch:
    """A client for EARFUL_ES_URL with the configured credentials and TLS options."""
    quiet_transport_logs()
    if not settings.es_url:
        raise ValueError("EARFUL_ES_URL is not set")
    kwargs: dict[str, object] = {}
    if settings.es_api_key is not None:
        kwargs["api_key"] = settings.es_api_key.get_secret_value()
    elif settings.es_username:
        password = settings.es_password.get_secret_value() if settings.es_password else ""
        kwargs["basic_auth"] = (settings.es_username, password)
    if settings.es_ca_certs is not None:
        kwargs["ca_certs"] = str(settings.es_ca_certs)
    if settings.es_url.startswith("https:"):
        kwargs["verify_certs"] = settings.es_verify_certs
    return Elasticsearch(settings.es_url, request_timeout=settings.es_timeout, max_retries=max_retries,
                         retry_on_status=RETRY_STATUSES, retry_on_timeout=True, **kwargs)  # type: ignore[arg-type]


def display_url(url: str) -> str:
    """The URL without any user:password part, for messages and logs."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    host = rest.rsplit("@", 1)[-1]
    return f"{scheme}://{host}"
