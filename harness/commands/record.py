"""``harness deploy|incident|change|audit|override record``: write facts into the lake with backfillable times.

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


def _action(
    subparsers: Any, command: str, help_text: str, actions: Any = None, *, updatable: bool = True
) -> argparse.ArgumentParser:
    """``harness COMMAND record``; ``actions`` is the command's own subparsers when it has other actions too.
    ``updatable``: records with an id that a later record may replace (``--update``); an override is an event
    of its own (a second override of one decision is another record, not a correction), so it has none."""
    if actions is None:
        top = subparsers.add_parser(command, help=help_text)
        actions = top.add_subparsers(dest="action", required=True, metavar="ACTION")
    parser: argparse.ArgumentParser = actions.add_parser("record", help=help_text)
    parser.add_argument("--home", help="HARNESS_HOME (default ./.harness)")
    if updatable:
        parser.add_argument(
            "--update", action="store_true", help="replace a record of the same id (e.g. to resolve it)"
        )
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
    change.add_argument("--reviewed-at", help=f"when the reviewer approved (default: --merged-at); {TIME_HELP}")
    change.add_argument("--approver", help="who approved the change for release")
    risk = change.add_argument_group("risk assessment (a material change needs one)")
    risk.add_argument("--risk-by", metavar="WHO", help="who assessed the change's risk")
    risk.add_argument("--risk-at", metavar="T", help=f"when the assessment was made; {TIME_HELP}")
    risk.add_argument("--risk-outcome", choices=semconv.RISK_OUTCOMES)
    risk.add_argument("--risk-link", metavar="URL", help="where the assessment is written down")
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
    from harness.commands import audit as audit_commands

    top = subparsers.add_parser("audit", help="audit evidence: record requests, write and verify evidence bundles")
    actions = top.add_subparsers(dest="action", required=True, metavar="ACTION")
    audit = _action(subparsers, "audit", "record an audit-evidence request", actions)
    audit_commands.register_actions(actions)
    audit.add_argument("--id", required=True)
    audit.add_argument("--requested-at", required=True, help=TIME_HELP)
    audit.add_argument("--fulfilled-at", help=TIME_HELP)
    audit.add_argument("--system")
    audit.set_defaults(func=run_audit)


def _register_override(subparsers: Any) -> None:
    override = _action(
        subparsers, "override", "record that a person overrode or confirmed a high-stakes decision", updatable=False
    )
    override.add_argument("--system", required=True)
    override.add_argument("--decision", required=True, metavar="DECISION_ID", help="the id of the decision")
    override.add_argument("--by", required=True, metavar="WHO")
    override.add_argument("--outcome", required=True, choices=semconv.OVERRIDE_OUTCOMES)
    override.add_argument("--trace", metavar="TRACE_ID", help="the trace the decision was made in")
    override.add_argument("--reason")
    override.add_argument("--at", help=f"when the person decided (default: now); {TIME_HELP}")
    override.set_defaults(func=run_override)


def register(subparsers: Any) -> None:
    _register_change(subparsers)
    _register_deploy(subparsers)
    _register_incident(subparsers)
    _register_audit(subparsers)
    _register_override(subparsers)


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


def _risk(args: argparse.Namespace) -> Any:
    """The risk assessment the --risk-* flags give (all of by, at and outcome, or none of them)."""
    from harness.facts import FactError, RiskAssessment

    given = {"--risk-by": args.risk_by, "--risk-at": args.risk_at, "--risk-outcome": args.risk_outcome}
    if not any(given.values()) and args.risk_link is None:
        return None
    missing = [flag for flag, value in given.items() if value is None]
    if missing:
        needs = "a risk assessment needs --risk-by, --risk-at and --risk-outcome"
        raise FactError(f"{needs}: {', '.join(missing)} missing")
    return RiskAssessment(
        by=args.risk_by, at=_required_time(args.risk_at, "--risk-at"), outcome=args.risk_outcome, link=args.risk_link
    )


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
        reviewed_at=_time(args.reviewed_at, "--reviewed-at"),
        approver=args.approver,
        risk=_risk(args),
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


def run_override(args: argparse.Namespace) -> int:
    from harness.facts import lake_tracer_provider
    from instrumentation import record_override

    provider = lake_tracer_provider(load_settings({"home": args.home}).lake_dir)
    try:
        decision = record_override(
            args.system,
            args.decision,
            by=args.by,
            outcome=args.outcome,
            trace_id=args.trace,
            reason=args.reason,
            at=_time(args.at, "--at"),
            tracer=provider.get_tracer(semconv.INSTRUMENTATION_SCOPE),
        )
    finally:
        provider.shutdown()
    print(f"recorded override of decision {decision} ({args.outcome} by {args.by})")
    return 0
