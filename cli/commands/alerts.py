"""``earful alerts list|events|backtest``: rules, the incidents they opened, and what a rule would raise."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from datetime import datetime, timezone
from typing import Any

from cli.commands import alert_actions, alert_delivery
from cli.helpers import load_settings, print_models, say, with_state
from earful.errors import ConfigError


def _scope(rule: Any) -> str:
    parts = [f"brand:{rule.brand}" if rule.brand else "", f"q:{rule.q}" if rule.q else "",
             f"source:{','.join(rule.source)}" if rule.source else "", f"lang:{','.join(rule.lang)}" if rule.lang else ""]
    return " ".join(p for p in parts if p)


def cmd_alerts_list(args: argparse.Namespace) -> int:
    from earful.alert_store import AlertRules, Incidents
    from earful.state import open_state

    settings = load_settings()
    state = open_state(settings)
    try:
        rules, incidents = AlertRules(state, settings.app_config.rule_book()).all(), Incidents(state)
        open_ids = {r.id: (found.id if (found := incidents.open_for(r.id)) else None) for r in rules}
    finally:
        state.close()
    if args.json:
        print(json.dumps([{**r.model_dump(mode="json"), "open_incident": open_ids[r.id]} for r in rules], indent=2))
        return 0
    if not rules:
        say("no alert rules: add 'alerts:' to the config (see docs/alerts.md) or POST /api/v1/alerts/rules")
        return 0
    print(f"{'rule':<24} {'trigger':<15} {'sensitivity':<11} {'every':>5} {'from':<6} {'open incident':<34} scope")
    for r in rules:
        print(f"{r.id:<24} {r.trigger:<15} {r.sensitivity + ('' if r.enabled else ' (off)'):<11} "
              f"{r.interval // 60:>4}m {r.origin:<6} {open_ids[r.id] or '—':<34} {_scope(r)}")
    return 0


def cmd_alerts_events(args: argparse.Namespace) -> int:
    from earful.alert_store import Incidents
    from earful.params import parse_time

    since = parse_time(args.since, "--since")
    items, _ = with_state(lambda state: Incidents(state).page(rule=args.rule, state=args.state, since=since,
                                                              limit=args.limit))
    if args.json:
        print_models(items)
        return 0
    if not items:
        say("no incidents" + (f" for rule {args.rule}" if args.rule else ""))
        return 0
    print(f"{'incident':<34} {'state':<8} {'v':>2} {'raised (UTC)':<17} {'observed':>9} {'expected':>9} {'score':>6} "
          "resolved / feedback")
    for i in items:
        after = f"{i.resolved_at:%m-%d %H:%M} {i.resolution}" if i.resolved_at else ""
        verdicts = ",".join(f.verdict for f in i.feedback) + (
            f" snoozed to {i.snoozed_until:%m-%d %H:%M}" if i.snoozed_until else "")
        print(f"{i.id:<34} {i.state:<8} {i.sequence:>2} {i.opened_at:%Y-%m-%d %H:%M} {i.observed:>9.0f} "
              f"{i.expected:>9.1f} {i.score:>6.1f} {after} {verdicts}".rstrip())
    return 0


def cmd_alerts_backtest(args: argparse.Namespace) -> int:
    from earful.alert_store import AlertRules, Incidents
    from earful.params import parse_time
    from earful.state import open_state
    from search.factory import open_index
    from workers.alerts.backtest import backtest
    from workers.alerts.tuning import sensitivity

    settings = load_settings()
    state = open_state(settings)
    try:
        rule = AlertRules(state, settings.app_config.rule_book()).get(args.rule)
        judged = [i for i in Incidents(state).all() if i.rule == args.rule and i.feedback]
    finally:
        state.close()
    if rule is None:
        raise ConfigError(f"no alert rule {args.rule!r}; `earful alerts list` shows them")
    try:
        chosen = sensitivity(args.sensitivity or rule.sensitivity, args.threshold, rule.min_count)
    except ValueError as exc:
        raise ConfigError(str(exc)) from None
    until = datetime.now(timezone.utc)
    since = parse_time(args.since, "--since") or until
    index = open_index(settings, writable=False)
    try:
        result = backtest(index, settings.app_config, rule, since, until, chosen, judged)
    finally:
        index.close()
    if args.json:
        print(json.dumps(asdict(result), default=lambda v: v.isoformat(), indent=2))
        return 0
    print(f"rule {result.rule} ({result.trigger}, {result.sensitivity}, {result.interval // 60}-minute buckets): "
          f"{len(result.incidents)} incidents over {result.mentions} mentions since {since:%Y-%m-%d %H:%M} UTC")
    for r in result.incidents:
        end = f"resolved {r.resolved_at:%m-%d %H:%M} ({r.resolution})" if r.resolved_at else "still open"
        print(f"  {r.opened_at:%Y-%m-%d %H:%M}  observed {r.observed:.0f} vs expected {r.expected:.1f} "
              f"(score {r.score:.1f}, peak {r.peak_observed:.0f}), {end}")
    print("the same period at each preset: " + ", ".join(f"{k} {v}" for k, v in result.per_sensitivity.items()))
    _print_judged(result.judged)
    return 0


def _print_judged(judged: list[Any]) -> None:
    """How each preset would have treated the incidents people judged ("not useful" first)."""
    if not judged:
        return
    judged = sorted(judged, key=lambda j: (j.verdict != "not_useful", j.opened_at))
    unwanted = [j for j in judged if j.verdict == "not_useful"]
    print(f"incidents people judged ({len(unwanted)} not useful): raised at low / medium / high?")
    for j in judged:
        marks = " / ".join("yes" if raised else "no" for raised in j.raised_by.values())
        print(f"  {j.incident:<34} {j.verdict:<10} {marks}")


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    from earful.alerts.rules import SENSITIVITIES

    alerts = subparsers.add_parser("alerts", help="alert rules, their incidents, and backtests")
    sub = alerts.add_subparsers(dest="alerts_command", required=True)
    listing = sub.add_parser("list", help="every rule (config and API) and its open incident")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(func=cmd_alerts_list)
    events = sub.add_parser("events", help="incidents, newest first")
    events.add_argument("--rule", help="only this rule's")
    events.add_argument("--state", choices=["open", "updated", "resolved"])
    events.add_argument("--since", help="raised at or after: ISO 8601 or an age like 7d")
    events.add_argument("--limit", type=int, default=50)
    events.add_argument("--json", action="store_true")
    events.set_defaults(func=cmd_alerts_events)
    test = sub.add_parser("backtest", help="the incidents a rule would have opened over the stored mentions")
    test.add_argument("rule", help="rule id")
    test.add_argument("--since", default="30d", help="from when: an age like 30d or ISO 8601 (default 30d)")
    test.add_argument("--sensitivity", choices=SENSITIVITIES, help="try another preset than the rule's")
    test.add_argument("--threshold", type=float, help="try an explicit score threshold")
    test.add_argument("--json", action="store_true")
    test.set_defaults(func=cmd_alerts_backtest)
    alert_actions.register(sub)
    alert_delivery.register(sub)
