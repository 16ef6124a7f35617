"""``harness deploy|incident|change|audit record``: write facts into the lake with backfillable times."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from typing import Any

from instrumentation import semconv


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--home", help="HARNESS_HOME (default ./.harness)")


def _action(subparsers: Any, command: str, help_text: str) -> argparse.ArgumentParser:
    top = subparsers.add_parser(command, help=help_text)
    actions = top.add_subparsers(dest="action", required=True, metavar="ACTION")
    parser: argparse.ArgumentParser = actions.add_parser("record", help=help_text)
    _common(parser)
    return parser


def register(subparsers: Any) -> None:
    change = _action(subparsers, "change", "record a change (PR, prompt edit, model swap)")
    change.add_argument("--id", required=True)
    change.add_argument("--system", required=True)
    change.add_argument("--kind", required=True, choices=semconv.CHANGE_KINDS)
    change.add_argument("--opened-at", required=True, help="ISO 8601")
    change.add_argument("--merged-at", help="ISO 8601")
    change.add_argument("--reviewer")
    change.add_argument("--material", action="store_true", help="a material change (needs a risk review)")
    change.add_argument("--revision", help="VCS commit SHA")
    change.set_defaults(func=run_change)

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
    deploy.add_argument("--started-at", help="ISO 8601")
    deploy.add_argument("--at", help="ISO 8601, when it finished (default: now)")
    deploy.set_defaults(func=run_deploy)

    incident = _action(subparsers, "incident", "record an incident")
    incident.add_argument("--id", required=True)
    incident.add_argument("--system", required=True)
    incident.add_argument("--started-at", required=True, help="ISO 8601")
    incident.add_argument("--resolved-at", help="ISO 8601")
    incident.add_argument("--deployment", metavar="DEPLOY_ID", help="the deployment that caused it, if known")
    incident.add_argument("--severity")
    incident.set_defaults(func=run_incident)

    audit = _action(subparsers, "audit", "record an audit-evidence request")
    audit.add_argument("--id", required=True)
    audit.add_argument("--requested-at", required=True, help="ISO 8601")
    audit.add_argument("--fulfilled-at", help="ISO 8601")
    audit.add_argument("--system")
    audit.set_defaults(func=run_audit)


def _required_time(value: str, flag: str) -> datetime:
    """A time the fact cannot do without: an empty value is an error, not "now"."""
    from harness.facts import FactError, parse_time

    parsed = parse_time(value, flag)
    if parsed is None:
        raise FactError(f"{flag} is required: an ISO 8601 time (e.g. 2026-05-01T12:00:00Z)")
    return parsed


def _write(args: argparse.Namespace, fact: Any, noun: str) -> int:
    from harness.facts import record

    (fact_id,) = record(fact, home=args.home)
    print(f"recorded {noun} {fact_id}")
    return 0


def run_change(args: argparse.Namespace) -> int:
    from harness.facts import Change, parse_time

    fact = Change(
        id=args.id,
        system=args.system,
        kind=args.kind,
        opened_at=_required_time(args.opened_at, "--opened-at"),
        merged_at=parse_time(args.merged_at, "--merged-at"),
        reviewer=args.reviewer,
        material=args.material,
        revision=args.revision,
    )
    return _write(args, fact, "change")


def run_deploy(args: argparse.Namespace) -> int:
    from harness.facts import Deployment, new_deployment_id, parse_time

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
        started_at=parse_time(args.started_at, "--started-at"),
        at=parse_time(args.at, "--at") or datetime.now(UTC),
    )
    return _write(args, fact, "deployment")


def run_incident(args: argparse.Namespace) -> int:
    from harness.facts import Incident, parse_time

    fact = Incident(
        id=args.id,
        system=args.system,
        started_at=_required_time(args.started_at, "--started-at"),
        resolved_at=parse_time(args.resolved_at, "--resolved-at"),
        deployment=args.deployment,
        severity=args.severity,
    )
    return _write(args, fact, "incident")


def run_audit(args: argparse.Namespace) -> int:
    from harness.facts import AuditRequest, parse_time

    fact = AuditRequest(
        id=args.id,
        requested_at=_required_time(args.requested_at, "--requested-at"),
        fulfilled_at=parse_time(args.fulfilled_at, "--fulfilled-at"),
        system=args.system,
    )
    return _write(args, fact, "audit request")
