"""``canary()``: decide promote / hold / rollback from two versions' production telemetry; ``record_decision()``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from harness.canary._decide import CanaryDecision, compare, decide, judge
from harness.canary._evidence import load_sides, query, window_of
from harness.canary._policy import CanaryError, CanaryPolicy
from instrumentation import semconv

DEFAULT_WINDOW = timedelta(days=7)


def _time(value: datetime | str | None, name: str) -> datetime | None:
    from harness.facts import parse_time

    return parse_time(value, name) if isinstance(value, str) else value


def canary(
    system: str,
    baseline: str,
    canary: str,
    *,
    since: datetime | str | None = None,
    until: datetime | str | None = None,
    home: str | Path | None = None,
    policy: CanaryPolicy | None = None,
) -> CanaryDecision:
    """Compare ``canary``'s telemetry with ``baseline``'s (both versions of ``system``) over ``[since, until)``.

    The window defaults to the 7 days before ``until`` (default now). Raises ``CanaryError`` for an unknown
    system, the same version twice, or a version without telemetry in the window (naming the versions seen).
    """
    if baseline == canary:
        raise CanaryError(f"the baseline and the canary are both version {canary!r}: compare two versions")
    policy = policy or CanaryPolicy()
    end = _time(until, "until") or datetime.now(UTC)
    start = _time(since, "since") or end - DEFAULT_WINDOW
    if start >= end:
        raise CanaryError(f"since ({start.isoformat()}) must be before until ({end.isoformat()})")
    window, base_side, canary_side = load_sides(window_of(system, start, end, home), baseline, canary)
    metrics = compare(base_side, canary_side, policy)
    judge(metrics, policy.alpha)
    decision, reasons = decide(metrics)
    return CanaryDecision(
        decision, system, baseline, canary, start, end, policy.alpha, policy.min_samples, metrics, reasons,
        kind=window.kind,
    )  # fmt: skip


@dataclass(slots=True)
class Recorded:
    """What ``record_decision`` wrote: the rollback deployment's id and the deployment it rolls back."""

    rollback_id: str | None = None
    rolls_back: str | None = None
    warnings: list[str] = field(default_factory=list)


def record_decision(
    decision: CanaryDecision,
    *,
    home: str | Path | None = None,
    deployment: str | None = None,
    pipeline_run: str | None = None,
    at: datetime | None = None,
) -> Recorded:
    """Record the decision as a ``canary {system}`` span; a rollback also as a deployment of the baseline
    version with trigger ``rollback`` that rolls back the canary's deployment (``deployment``, else the latest
    deployment of the canary version), so change failure rate and time to restore count it. A deployment
    already rolled back is not rolled back twice. ``at`` defaults to the end of the decision's window."""
    from harness.facts import Deployment, record
    from harness.facts._record import write_span

    moment = at or decision.until
    write_span(semconv.SPAN_CANARY.format(system=decision.system), moment, moment, _attributes(decision), home=home)
    recorded = Recorded()
    if decision.decision != semconv.CANARY_ROLLBACK:
        return recorded
    window = window_of(decision.system, decision.since, decision.until, home, decision.kind)
    _, rows = query(window, "deployments")
    target = deployment or _canary_deployment(rows, decision.canary_version, moment)
    if target is not None and any(row["rolls_back"] == target for row in rows):
        recorded.rolls_back = target
        recorded.warnings.append(f"deployment {target} is already rolled back: no second rollback recorded")
        return recorded
    if target is None:
        recorded.warnings.append(
            f"no deployment of version {decision.canary_version!r} of {decision.system!r} is recorded: the "
            "rollback is recorded without --rolls-back, so change failure rate cannot count it (pass --deployment)"
        )
    rollback = Deployment(
        system=decision.system, version=decision.baseline_version, trigger="rollback", rolls_back=target,
        pipeline_run=pipeline_run, at=moment,
    )  # fmt: skip
    (recorded.rollback_id,) = record(rollback, home=home)
    recorded.rolls_back = target
    return recorded


def _canary_deployment(rows: list[dict[str, Any]], version: str, before: datetime) -> str | None:
    limit = before.astimezone(UTC).replace(tzinfo=None)
    for row in rows:  # latest first
        shipped = row["status"] == semconv.DEPLOYMENT_STATUS_SUCCEEDED and row["deploy_trigger"] != "rollback"
        if row["version"] == version and shipped and row["deployed_at"] <= limit:
            return str(row["deployment_id"])
    return None


def _attributes(decision: CanaryDecision) -> dict[str, Any]:
    return {
        semconv.HARNESS_RECORD_TYPE: semconv.RECORD_CANARY,
        semconv.HARNESS_SYSTEM: decision.system,
        semconv.HARNESS_CANARY_DECISION: decision.decision,
        semconv.HARNESS_CANARY_BASELINE_VERSION: decision.baseline_version,
        semconv.HARNESS_CANARY_VERSION: decision.canary_version,
        semconv.HARNESS_CANARY_METRICS: decision.metrics_json(),
        semconv.HARNESS_CANARY_REASON: decision.reason(),
    }
