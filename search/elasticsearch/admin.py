"""Index lifecycle on Elasticsearch: template, first index, rollover, status.

Writes go to the write alias (one index at a time); reads go to the read alias, which
covers every index. Rollover starts a new write index when the current one is older than
EARFUL_ES_ROLLOVER_MAX_AGE or its primary shard larger than EARFUL_ES_ROLLOVER_MAX_SIZE.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from elasticsearch import BadRequestError, Elasticsearch

from search.elasticsearch.mapping import TEMPLATE_VERSION, IndexNames, template_body, version_of

logger = logging.getLogger(__name__)


@dataclass
class IndexInfo:
    name: str
    docs: int
    size_bytes: int
    version: int | None
    read: bool = False
    write: bool = False


def install_template(client: Elasticsearch, names: IndexNames, replicas: int | None,
                     version: int = TEMPLATE_VERSION) -> None:
    """Put the index template for ``version`` unless an equal or newer one is installed."""
    found = client.options(ignore_status=404).indices.get_index_template(name=names.template(version))
    templates = found.body.get("index_templates", []) if found.meta.status == 200 else []
    if templates and int(templates[0]["index_template"].get("version") or 0) >= version:
        return
    client.indices.put_index_template(name=names.template(version),
                                      **template_body(names, replicas=replicas, version=version))


def alias_indices(client: Elasticsearch, alias: str) -> dict[str, dict[str, Any]]:
    """Concrete index -> that alias's settings, for every index behind ``alias``."""
    found = client.options(ignore_status=404).indices.get_alias(name=alias)
    if found.meta.status == 404:
        return {}
    return {index: body["aliases"][alias] for index, body in found.body.items()}


def write_index(client: Elasticsearch, names: IndexNames) -> str | None:
    """The index the write alias writes to, None before the first write."""
    indices = alias_indices(client, names.write_alias)
    for index, spec in indices.items():
        if spec.get("is_write_index", len(indices) == 1):
            return index
    return None


def ensure_ready(client: Elasticsearch, names: IndexNames, replicas: int | None) -> None:
    """Template and first index with both aliases; safe to run from several writers at once."""
    install_template(client, names, replicas)
    current = write_index(client, names)
    if current is None:
        try:
            client.indices.create(index=names.first_index(), aliases={
                names.read_alias: {}, names.write_alias: {"is_write_index": True}})
            logger.info("created index %s behind %s and %s", names.first_index(), names.read_alias,
                        names.write_alias)
        except BadRequestError as exc:
            if "already_exists" not in str(exc.error):
                raise
    elif version_of(current, names) != TEMPLATE_VERSION:
        logger.warning("the write index %s was built by another index template version (this Earful "
                       "uses v%d): run 'earful index migrate'", current, TEMPLATE_VERSION)


def rollover(client: Elasticsearch, names: IndexNames, *, max_age: str | None = None,
             max_size: str | None = None) -> str | None:
    """Roll the write alias over (unconditionally when no condition is given); the new index name."""
    conditions = {k: v for k, v in (("max_age", max_age), ("max_primary_shard_size", max_size)) if v}
    response = client.indices.rollover(alias=names.write_alias, aliases={names.read_alias: {}},
                                       conditions=conditions or None)
    if response.get("rolled_over"):
        logger.info("rolled %s over from %s to %s", names.write_alias, response.get("old_index"),
                    response.get("new_index"))
        return str(response["new_index"])
    return None


def status(client: Elasticsearch, names: IndexNames) -> list[IndexInfo]:
    """Every Earful index under this prefix, oldest first, with counts, sizes and aliases."""
    stats = client.options(ignore_status=404).indices.stats(index=f"{names.prefix}-mentions-v*",
                                                            metric=["docs", "store"])
    if stats.meta.status == 404:
        return []
    read = alias_indices(client, names.read_alias)
    writer = write_index(client, names)
    out = []
    for name, body in sorted(stats.body.get("indices", {}).items()):
        primaries = body.get("primaries", {})
        out.append(IndexInfo(name=name, docs=int(primaries.get("docs", {}).get("count", 0)),
                             size_bytes=int(body.get("total", {}).get("store", {}).get("size_in_bytes", 0)),
                             version=version_of(name, names), read=name in read, write=name == writer))
    return out
