"""The scorecard as pydantic models: the JSON shape fixed in DESIGN.md ("The scorecard JSON")."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

AXES = ("evaluation", "deployment", "observability", "reproducibility", "governance")
Status = Literal["pass", "fail", "unknown"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Window(_Frozen):
    since: str
    until: str


class SystemInfo(_Frozen):
    name: str
    kind: Literal["llm", "classical"]
    owner: str | None = None


class CriterionResult(_Frozen):
    id: str
    level: int
    status: Status
    value: float | None
    threshold: float | None
    evidence: str
    description: str = ""


class AxisScore(_Frozen):
    level: int
    evidence_coverage: float
    criteria: list[CriterionResult]
    next_level: list[str]


class Quantiles(_Frozen):
    median: float | None = None
    p90: float | None = None


class Restore(_Frozen):
    median: float | None = None
    mean: float | None = None


class Latency(_Frozen):
    p50: float | None = None
    p95: float | None = None
    p99: float | None = None


class Metrics(_Frozen):
    deployment_frequency_per_week: float | None = None
    deployment_frequency_band: str | None = None
    lead_time_hours: Quantiles = Quantiles()
    change_failure_rate: float | None = None
    time_to_restore_hours: Restore = Restore()
    cost_per_feature_usd: dict[str, float | None] | None = None
    audit_evidence_response_hours: Quantiles = Quantiles()
    latency_ms: Latency = Latency()
    cost_per_request_usd: float | None = None


class Scorecard(_Frozen):
    window: Window
    kind: Literal["llm", "classical"]
    systems: list[SystemInfo]
    axes: dict[str, AxisScore]
    metrics: Metrics
