"""Alert rules made through the API and every incident, kept with the crawl state (SQLite or Redis)."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from earful.alerts.models import Feedback, Incident, IncidentSummary, RuleView, Verdict
from earful.alerts.rules import AlertRule, RuleBook
from earful.alerts.snooze import Via, current_snooze
from earful.errors import BadRequest, ConfigError
from earful.models import utcnow
from earful.state import StateStore

RULE = "alert-rule:"
INCIDENT = "alert-incident:"
SUMMARY = "alert-summary:"  # each incident without its evidence, series and versions: what listings read
SUMMARIES_KEPT = "alert-summaries"  # set once every stored incident has its summary
OPEN = "alert-open:"
RULES_VERSION = "alert-rules-version"
MAX_RULES = 500


class AlertRules:
    """The config's rules (read-only) and those made through the API (stored), one namespace of ids."""

    def __init__(self, state: StateStore, book: RuleBook) -> None:
        self.state, self.book = state, book

    def all(self) -> list[RuleView]:
        configured = [RuleView(**r.model_dump(), origin="config", read_only=True) for r in self.book.configured]
        return configured + sorted(self._stored(), key=lambda r: r.id)

    def enabled(self) -> list[AlertRule]:
        return [AlertRule(**r.model_dump(exclude={"origin", "read_only", "snoozed_until"})) for r in self.all() if r.enabled]

    def get(self, rule_id: str) -> RuleView | None:
        return next((r for r in self.all() if r.id == rule_id), None)

    def version(self) -> int:
        """Bumped by every change through the API: evaluators re-read the rules when it moves."""
        return int((self.state.get(RULES_VERSION) or {}).get("n", 0))

    def create(self, rule: AlertRule) -> RuleView:
        if self.get(rule.id) is not None:
            raise BadRequest(f"a rule with id {rule.id!r} exists; PUT /api/v1/alerts/rules/{rule.id} to change it")
        if sum(1 for _ in self.state.items(RULE)) >= MAX_RULES:
            raise BadRequest(f"at most {MAX_RULES} rules can be made through the API; delete some first")
        return self._store(rule)

    def replace(self, rule_id: str, rule: AlertRule) -> RuleView:
        self._writable(rule_id)
        if rule.id != rule_id:
            raise BadRequest(f"the body says id {rule.id!r} but the path {rule_id!r}; ids cannot change")
        return self._store(rule)

    def delete(self, rule_id: str) -> None:
        self._writable(rule_id)
        self.state.delete(RULE + rule_id)
        self._bump()

    def _writable(self, rule_id: str) -> None:
        found = self.get(rule_id)
        if found is None:
            raise KeyError(rule_id)
        if found.read_only:
            raise BadRequest(f"rule {rule_id!r} is defined in the config file and read-only there; edit the file")

    def _store(self, rule: AlertRule) -> RuleView:
        try:
            self.book.check([rule], "request", key="rule")
        except ConfigError as exc:
            raise BadRequest(str(exc).replace("request: rule[0].", "")) from None
        self.state.set(RULE + rule.id, rule.model_dump(mode="json"))
        self._bump()
        return RuleView(**rule.model_dump(), origin="api", read_only=False)

    def _stored(self) -> Iterator[RuleView]:
        for _, value in self.state.items(RULE):
            try:
                yield RuleView(**AlertRule.model_validate(value).model_dump(), origin="api", read_only=False)
            except ValidationError:
                continue  # written by another version: listed no more, left in place

    def _bump(self) -> None:
        self.state.set(RULES_VERSION, {"n": self.version() + 1})


class IncidentNotFound(BadRequest, KeyError):
    """No incident has that id."""


class Incidents:
    """Every incident by id, and for each rule the one still open (there is at most one)."""

    def __init__(self, state: StateStore) -> None:
        self.state = state

    def get(self, incident_id: str) -> Incident | None:
        value = self.state.get(INCIDENT + incident_id)
        if value is None:
            return None
        try:
            return Incident.model_validate(value)
        except ValidationError:
            return None

    def save(self, incident: Incident, also: dict[str, dict[str, Any]] | None = None) -> str:
        """Store it (marked snoozed while its rule is), with ``also`` (what must be kept with this change: its
        notifications) in the same step; returns its stamp (what ``open_stamp`` answers until the next save)."""
        snoozed = current_snooze(self.state, incident.rule, incident.updated_at) if incident.state != "resolved" \
            else None
        if snoozed is not None and (incident.snoozed_until is None or incident.snoozed_until < snoozed.until):
            incident.snoozed_until = snoozed.until
        values = {**_stored(incident), **(also or {})}
        stamp = f"{incident.id}@{incident.sequence}@{incident.updated_at.isoformat()}"
        deletes: tuple[str, ...] = ()
        if incident.state == "resolved":
            pointer = self.state.get(OPEN + incident.rule)
            if pointer is not None and pointer.get("id") == incident.id:
                deletes = (OPEN + incident.rule,)
        else:
            values[OPEN + incident.rule] = {"id": incident.id, "stamp": stamp}
        self.state.write(values, deletes)
        return stamp

    def open_stamp(self, rule_id: str) -> str | None:
        """A cheap check of the rule's open incident: changes whenever it is saved (by any process)."""
        pointer = self.state.get(OPEN + rule_id)
        return str(pointer.get("stamp") or pointer.get("id")) if pointer else None

    def open_for(self, rule_id: str) -> Incident | None:
        pointer = self.state.get(OPEN + rule_id)
        found = self.get(str(pointer.get("id"))) if pointer else None
        return found if found is not None and found.state != "resolved" else None

    def all(self) -> list[Incident]:
        out = []
        for _, value in self.state.items(INCIDENT):
            try:
                out.append(Incident.model_validate(value))
            except ValidationError:
                continue
        return out

    def summaries(self) -> list[IncidentSummary]:
        """Every incident without its evidence, series and versions (a tenth of the reading for listings)."""
        if self.state.get(SUMMARIES_KEPT) is None:  # incidents stored before summaries were kept
            self.state.write({SUMMARY + i.id: i.summary().model_dump(mode="json") for i in self.all()}
                             | {SUMMARIES_KEPT: {"since": utcnow().isoformat()}})
        out = []
        for _, value in self.state.items(SUMMARY):
            try:
                out.append(IncidentSummary.model_validate(value))
            except ValidationError:
                continue
        return out

    def page(self, *, rule: str | None = None, brand: str | None = None, state: str | None = None,
             since: datetime | None = None, cursor: str | None = None,
             limit: int = 50) -> tuple[list[IncidentSummary], str | None]:
        """Newest first (by the bucket that raised them); ``cursor`` from the previous page."""
        chosen = [i for i in self.summaries() if (rule is None or i.rule == rule) and (brand is None or i.brand == brand)
                  and (state is None or i.state == state) and (since is None or i.opened_at >= since)]
        return newest_first(chosen, cursor, limit)

    def add_feedback(self, incident_id: str, verdict: Verdict, note: str = "", *, via: Via = "api",
                     now: datetime | None = None) -> Incident:
        incident = self._require(incident_id)
        incident.feedback.append(Feedback(verdict=verdict, at=now or utcnow(), note=note, via=via))
        self.state.write(_stored(incident))
        return incident

    def mark_snoozed(self, incident_id: str, until: datetime) -> Incident:
        incident = self._require(incident_id)
        incident.snoozed_until = until
        self.state.write(_stored(incident))
        return incident

    def _require(self, incident_id: str) -> Incident:
        found = self.get(incident_id)
        if found is None:
            raise IncidentNotFound(f"no incident {incident_id[:80]!r}; list them with GET /api/v1/alerts/events")
        return found


def _stored(incident: Incident) -> dict[str, dict[str, Any]]:
    """What is written for an incident: the whole of it, and its summary for listings."""
    return {INCIDENT + incident.id: incident.model_dump(mode="json"),
            SUMMARY + incident.id: incident.summary().model_dump(mode="json")}


def newest_first(items: list[IncidentSummary], cursor: str | None, limit: int) -> tuple[list[IncidentSummary],
                                                                                         str | None]:
    """A page of ``items``, newest first (by the bucket that raised them), after ``cursor``; the next cursor."""
    after = _decode_cursor(cursor) if cursor else None
    chosen = sorted(items, key=lambda i: (i.opened_at, i.id), reverse=True)
    if after is not None:
        chosen = [i for i in chosen if (i.opened_at.isoformat(), i.id) < after]
    page = chosen[:limit]
    return page, _encode_cursor(page[-1]) if len(chosen) > limit and page else None


def _encode_cursor(incident: IncidentSummary) -> str:
    raw = f"{incident.opened_at.isoformat()}|{incident.id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str) -> tuple[str, str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        opened, incident_id = raw.split("|", 1)
        datetime.fromisoformat(opened)
    except (ValueError, UnicodeDecodeError):
        raise BadRequest("cursor is not one this API gave out; start again without it") from None
    return opened, incident_id
