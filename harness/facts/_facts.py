"""The facts that are not LLM calls: deployments, incidents, changes and audit requests.

Each is a frozen record validated on construction; ``_record`` turns it into one span whose
start and end times are the fact's own times, so history can be backfilled from CI.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

from instrumentation import semconv, timestamps
from instrumentation.errors import HarnessError


class FactError(HarnessError):
    """A fact to record is malformed; the message names the field and what it accepts."""


def parse_time(value: str | datetime | None, field_name: str, *, require_zone: bool = False) -> datetime | None:
    """An ISO 8601 time as an aware UTC datetime (``instrumentation.timestamps``); a bad one is a ``FactError``."""
    try:
        return timestamps.parse_time(value, field_name, require_zone=require_zone)
    except ValueError as exc:
        raise FactError(str(exc)) from exc


def iso(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def new_id(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def new_deployment_id() -> str:
    """A fresh deployment id, ``deploy-<12 hex>``."""
    return new_id("deploy")


def _require(value: str, field_name: str) -> None:
    if not value or not value.strip():
        raise FactError(f"{field_name} is required and must not be empty")


def _choice(value: str, choices: tuple[str, ...], field_name: str) -> None:
    if value not in choices:
        raise FactError(f"{field_name}: {value!r} is not one of {', '.join(choices)}")


def _order(earlier: datetime | None, later: datetime | None, names: str) -> None:
    if earlier is not None and later is not None and later < earlier:
        raise FactError(f"{names}: the second time is before the first")


def _aware(**times: datetime | None) -> None:
    """A naive datetime would be read as the machine's local time: every fact time carries its zone."""
    for name, value in times.items():
        if value is not None and value.tzinfo is None:
            raise FactError(f"{name}: {value.isoformat()} has no zone: pass an aware datetime (e.g. tzinfo=UTC)")


@dataclass(frozen=True, slots=True)
class Deployment:
    """A deployment of ``version`` of ``system``; ``at`` is when it finished (default: now)."""

    system: str
    version: str
    id: str = field(default_factory=new_deployment_id)
    environment: str = "production"
    status: str = semconv.DEPLOYMENT_STATUS_SUCCEEDED
    strategy: str = "direct"
    trigger: str = "manual"
    rolls_back: str | None = None
    changes: tuple[str, ...] = ()
    gate_run: str | None = None
    approver: str | None = None
    revision: str | None = None
    pipeline_run: str | None = None
    started_at: datetime | None = None
    at: datetime = field(default_factory=lambda: datetime.now(UTC))

    def __post_init__(self) -> None:
        _require(self.system, "system")
        _require(self.version, "version")
        _require(self.id, "id")
        _choice(self.status, (semconv.DEPLOYMENT_STATUS_SUCCEEDED, semconv.DEPLOYMENT_STATUS_FAILED), "status")
        _choice(self.strategy, semconv.DEPLOYMENT_STRATEGIES, "strategy")
        _choice(self.trigger, semconv.DEPLOYMENT_TRIGGERS, "trigger")
        _aware(started_at=self.started_at, at=self.at)
        _order(self.started_at, self.at, "started_at, at")
        if self.rolls_back is not None and self.rolls_back == self.id:  # its own restore would take 0 h
            raise FactError(f"rolls_back: deployment {self.id} cannot roll itself back: name the one it undoes")


@dataclass(frozen=True, slots=True)
class Incident:
    """An incident of ``system``; ``deployment`` is the causing deployment when known."""

    id: str
    system: str
    started_at: datetime
    resolved_at: datetime | None = None
    deployment: str | None = None
    severity: str | None = None

    def __post_init__(self) -> None:
        _require(self.id, "id")
        _require(self.system, "system")
        _aware(started_at=self.started_at, resolved_at=self.resolved_at)
        _order(self.started_at, self.resolved_at, "started_at, resolved_at")


@dataclass(frozen=True, slots=True)
class RiskAssessment:
    """A risk assessment of a change: who assessed it, when, the outcome (accepted, mitigated, rejected), a link."""

    by: str
    at: datetime
    outcome: str
    link: str | None = None

    def __post_init__(self) -> None:
        _require(self.by, "risk assessor")
        _choice(self.outcome, semconv.RISK_OUTCOMES, "risk outcome")
        _aware(risk_assessed_at=self.at)


@dataclass(frozen=True, slots=True)
class Change:
    """A change to ``system`` (a PR, a prompt edit, a new model), opened and maybe merged.

    ``reviewer`` reviewed it (at ``reviewed_at``; unset, the merge time stands for it), ``approver``
    approved it; a ``material`` change carries a ``risk`` assessment. Each may be recorded later
    with the same id (``--update``): the record that ends last is the one scoring keeps.
    """

    id: str
    system: str
    kind: str
    opened_at: datetime
    merged_at: datetime | None = None
    reviewer: str | None = None
    material: bool = False
    revision: str | None = None
    reviewed_at: datetime | None = None
    approver: str | None = None
    risk: RiskAssessment | None = None
    author: str | None = None

    def __post_init__(self) -> None:
        _require(self.id, "id")
        _require(self.system, "system")
        _choice(self.kind, semconv.CHANGE_KINDS, "kind")
        _aware(opened_at=self.opened_at, merged_at=self.merged_at, reviewed_at=self.reviewed_at)
        _order(self.opened_at, self.merged_at, "opened_at, merged_at")
        if self.reviewed_at is not None and self.reviewer is None:
            raise FactError("reviewed_at needs a reviewer: who reviewed the change")

    @property
    def ends_at(self) -> datetime:
        """The latest time the record states: its span ends there, so a fuller record made later wins."""
        times = [self.opened_at, self.merged_at, self.reviewed_at, self.risk.at if self.risk else None]
        return max(t for t in times if t is not None)


@dataclass(frozen=True, slots=True)
class AuditRequest:
    """A request for audit evidence and, once answered, when it was fulfilled."""

    id: str
    requested_at: datetime
    fulfilled_at: datetime | None = None
    system: str | None = None
    bundle_sha256: str | None = None  # the manifest of the audit bundle that fulfilled it

    def __post_init__(self) -> None:
        _require(self.id, "id")
        _aware(requested_at=self.requested_at, fulfilled_at=self.fulfilled_at)
        _order(self.requested_at, self.fulfilled_at, "requested_at, fulfilled_at")


Fact = Deployment | Incident | Change | AuditRequest
