"""``harness deploy|incident|change|audit record``: write facts into the lake with backfillable times.

Times are ISO 8601 with a zone (``Z`` or an offset); an empty time is an error, never "now". An id
that is already recorded is refused unless ``--update`` says the new record replaces it (scoring keeps,
per id, the record that ends last, e.g. an incident recorded again with its ``--resolved-at``). An id
named by ``--change``, ``--gate-run``, ``--rolls-back`` or ``--deployment`` that the lake does not hold
is recorded anyway (it may be backfilled later) with a warning.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from instrumentation import load_settings, semconv

TIME_HELP = "ISO 8601 with a zone, e.g. 2026-05-01T12:00:00Z"


def _action(subparsers: Any, command: str, help_text: str) -> argparse.ArgumentParser:
    top = subparsers.add_parser(command, help=help_text)
    actions = top.add_subparsers(dest="action", required=True, metavar="ACTION")
    parser: argparse.ArgumentParser = actions.add_parser("record", help=help_text)
    parser.add_argument("--home", help="HARNESS_HOME (default ./.harness)")
    parser.add_argument("--update", action="store_true", help="replace a record of the same id (e.g. to resolve it)")
    return parser


def _register_change(subparsers: Any) -> None:
    change = _action(subparsers, "change", "record a change (PR, prompt edit, model swap)")
    change.add_argument("--id", required=True)
    change.add_argument("--system", required=True)
    change.add_argument("--kind", required=True, choices=semconv.CHANGE_KINDS)
    change.add_argument("--opened-at", required=True, help=TIME_HELP)
    change.add_argument("--merged-at", help=TIME_HELP)
    change.add_argument("--reviewer")
    change.add_argument("--author")
    change.add_argument("--material", action="store_true", help="a material change (needs a risk review)")
    change.add_argument("--revision", help="VCS commit SHA")
    change.set_defaults(func=run_change)


def _register_deploy(subparsers: Any) -> None:
    deploy = _action(subparsers, "deploy", "record a deployment")
    deploy.add_argument("--system", required=True)
    deploy.add_argument("--version", required=True)
    deploy.add_argument("--id")
    deploy.add_argument("--env", default="production")
    deploy.add_argument("--status", default="succeeded", choices=("succeeded", "failed"))
    deploy.add_argument("--strategy", default="direct", choices=semconv.DEPLOYMENT_STRATEGIES)
    deploy.add_argument("--trigger", default="manual", choices=semconv.DEPLOYMENT_TRIGGERS)
    deploy.add_argument("--rolls-back", metavar="DEPLOY_ID")
    deploy.add_argument("--change", action="append", default=[], metavar="CHANGE_ID")
    deploy.add_argument("--gate-run", metavar="RUN_ID")
    deploy.add_argument("--approver")
    deploy.add_argument("--revision", help="VCS commit SHA")
    deploy.add_argument("--pipeline-run", help="CI pipeline run id")
    deploy.add_argument("--started-at", help=TIME_HELP)
    deploy.add_argument("--at", help=f"when it finished (default: now); {TIME_HELP}")
    deploy.set_defaults(func=run_deploy)


def _register_incident(subparsers: Any) -> None:
    incident = _action(subparsers, "incident", "record an incident")
    incident.add_argument("--id", required=True)
    incident.add_argument("--system", required=True)
    incident.add_argument("--started-at", required=True, help=TIME_HELP)
    incident.add_argument("--resolved-at", help=TIME_HELP)
    incident.add_argument("--deployment", metavar="DEPLOY_ID", help="the deployment that caused it, if known")
    incident.add_argument("--severity")
    incident.set_defaults(func=run_incident)


def _register_audit(subparsers: Any) -> None:
    audit = _action(subparsers, "audit", "record an audit-evidence request")
    audit.add_argument("--id", required=True)
    audit.add_argument("--requested-at", required=True, help=TIME_HELP)
    audit.add_argument("--fulfilled-at", help=TIME_HELP)
    audit.add_argument("--system")
    audit.set_defaults(func=run_audit)


def register(subparsers: Any) -> None:
    _register_change(subparsers)
    _register_deploy(subparsers)
    _register_incident(subparsers)
    _register_audit(subparsers)


def _time(value: str | None, flag: str) -> datetime | None:
    from harness.facts import parse_time

    return parse_time(value, flag, require_zone=True)


def _required_time(value: str, flag: str) -> datetime:
    parsed = _time(value, flag)
    assert parsed is not None  # argparse requires the flag
    return parsed


def _check_ids(
    args: argparse.Namespace, record_type: str, fact_id: str, references: Iterable[tuple[str, str, str]]
) -> bool:
    """Refuse an id recorded before (unless --update); warn for each named id the lake does not hold.

    Returns whether the new record replaces one.
    """
    from harness.facts import FactError
    from harness.facts._lookup import recorded_ids

    settings = load_settings({"home": args.home})
    home, recorded = settings.home, recorded_ids(settings.lake_dir)
    noun = record_type.replace("_", " ")
    replaces = fact_id in recorded[record_type]
    if replaces and not args.update:
        raise FactError(f"{noun} {fact_id} is already recorded in {home}: pass --update to replace that record")
    for flag, kind, named in references:
        if named not in recorded[kind]:
            what = "gate decision for run" if kind == semconv.RECORD_GATE else kind.replace("_", " ")
            print(f"harness: warning: {flag} {named}: no {what} {named} is recorded in {home} (yet)", file=sys.stderr)
    return replaces


def _write(args: argparse.Namespace, fact: Any, noun: str, *, replaces: bool) -> int:
    from harness.facts import record

    (fact_id,) = record(fact, home=args.home)
    print(f"{'updated' if replaces else 'recorded'} {noun} {fact_id}")
    return 0


def run_change(args: argparse.Namespace) -> int:
    from harness.facts import Change

    fact = Change(
        id=args.id,
        system=args.system,
        kind=args.kind,
        opened_at=_required_time(args.opened_at, "--opened-at"),
        merged_at=_time(args.merged_at, "--merged-at"),
        reviewer=args.reviewer,
        material=args.material,
        revision=args.revision,
        author=args.author,
    )
    replaces = _check_ids(args, semconv.RECORD_CHANGE, fact.id, ())
    return _write(args, fact, "change", replaces=replaces)


def run_deploy(args: argparse.Namespace) -> int:
    from harness.facts import Deployment, new_deployment_id

    fact = Deployment(
        system=args.system,
        version=args.version,
        id=args.id or new_deployment_id(),
        environment=args.env,
        status=args.status,
        strategy=args.strategy,
        trigger=args.trigger,
        rolls_back=args.rolls_back,
        changes=tuple(args.change),
        gate_run=args.gate_run,
        approver=args.approver,
        revision=args.revision,
        pipeline_run=args.pipeline_run,
        started_at=_time(args.started_at, "--started-at"),
        at=_time(args.at, "--at") or datetime.now(UTC),
    )
    references = [("--change", semconv.RECORD_CHANGE, change) for change in fact.changes]
    if fact.gate_run:
        references.append(("--gate-run", semconv.RECORD_GATE, fact.gate_run))
    if fact.rolls_back:
        references.append(("--rolls-back", semconv.RECORD_DEPLOYMENT, fact.rolls_back))
    replaces = _check_ids(args, semconv.RECORD_DEPLOYMENT, fact.id, references)
    return _write(args, fact, "deployment", replaces=replaces)


def run_incident(args: argparse.Namespace) -> int:
    from harness.facts import Incident

    fact = Incident(
        id=args.id,
        system=args.system,
        started_at=_required_time(args.started_at, "--started-at"),
        resolved_at=_time(args.resolved_at, "--resolved-at"),
        deployment=args.deployment,
        severity=args.severity,
    )
    references = [("--deployment", semconv.RECORD_DEPLOYMENT, fact.deployment)] if fact.deployment else []
    replaces = _check_ids(args, semconv.RECORD_INCIDENT, fact.id, references)
    return _write(args, fact, "incident", replaces=replaces)


def run_audit(args: argparse.Namespace) -> int:
    from harness.facts import AuditRequest

    fact = AuditRequest(
        id=args.id,
        requested_at=_required_time(args.requested_at, "--requested-at"),
        fulfilled_at=_time(args.fulfilled_at, "--fulfilled-at"),
        system=args.system,
    )
    replaces = _check_ids(args, semconv.RECORD_AUDIT_REQUEST, fact.id, ())
    return _write(args, fact, "audit request", replaces=replaces)
