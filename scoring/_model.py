"""The scorecard as pydantic models: the JSON shape fixed in DESIGN.md ("The scorecard JSON"), extended.

Every key DESIGN.md names keeps its meaning; the additions (statuses counted per axis, the
reproducibility axis's answer per system, the metrics the views already compute) sit beside them.
A metric whose inputs are absent is null, never 0; where they are partly absent the share that was
present is reported beside the value.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from scoring._names import Axis, Kind

Status = Literal["pass", "fail", "unknown", "n/a"]
Answer = Literal["yes", "no", "unknown"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Window(_Frozen):
    since: str
    until: str


class SystemInfo(_Frozen):
    name: str
    kind: Kind
    owner: str | None = None


class CriterionResult(_Frozen):
    id: str
    level: int
    status: Status
    value: float | None
    threshold: float | None
    evidence: str
    description: str = ""
    reason: str | None = None  # why unknown or n/a, or who attested
    counted_apart: dict[str, int] = {}  # rows neither covered nor a gap (e.g. calls that reported no usage)


class SystemAnswer(_Frozen):
    system: str
    answer: Answer
    reason: str


class AxisAnswer(_Frozen):
    """The seed's question for the axis, answered from the evidence (reproducibility: per system)."""

    question: str
    answer: str
    systems: list[SystemAnswer]


class AxisScore(_Frozen):
    level: int
    evidence_coverage: float  # (pass + fail) / applicable criteria (n/a excluded)
    counts: dict[str, int]  # criteria per status: pass, fail, unknown, n/a
    criteria: list[CriterionResult]
    next_level: list[str]
    answer: AxisAnswer | None = None


class LeadTime(_Frozen):
    median: float | None = None
    p90: float | None = None
    deployments: int | None = None  # deployments with a lead time (shipping recorded changes)
    without_changes: int | None = None  # deployments in D that name no recorded change


class Restore(_Frozen):
    median: float | None = None
    mean: float | None = None
    resolved: int | None = None
    unresolved: int | None = None


class AuditResponse(_Frozen):
    median: float | None = None
    p90: float | None = None
    fulfilled: int | None = None
    open: int | None = None


class Latency(_Frozen):
    p50: float | None = None
    p95: float | None = None
    p99: float | None = None


class Calls(_Frozen):
    total: int = 0
    failed: int = 0
    usage_absent: dict[str, int] = {}  # completed LLM calls without usage, by harness.usage.absent_reason


class FirstChunk(_Frozen):
    p50: float | None = None
    p95: float | None = None
    streams: int = 0


class Breakdown(_Frozen):
    """One feature's or model's calls: latency, errors and cost with the share of calls priced."""

    name: str
    calls: int
    error_rate: float | None
    p50_ms: float | None
    p95_ms: float | None
    cost_usd: float | None
    priced_share: float | None


class TrajectoryRow(_Frozen):
    agent: str
    version: str
    runs: int
    mean_steps: float | None
    p95_steps: float | None
    mean_tool_calls: float | None
    mean_retries: float | None
    completed_share: float | None
    error_rate: float | None


class Drift(_Frozen):
    """Week-over-week Jensen-Shannon divergence (0 same, 1 disjoint) of one signal."""

    weeks_compared: int
    latest: float | None
    latest_week_start: str | None
    max: float | None
    max_week_start: str | None


class Metrics(_Frozen):
    deployment_frequency_per_week: float | None = None
    deployment_frequency_band: str | None = None
    lead_time_hours: LeadTime = LeadTime()
    change_failure_rate: float | None = None
    time_to_restore_hours: Restore = Restore()
    cost_per_feature_usd: dict[str, float | None] | None = None
    audit_evidence_response_hours: AuditResponse = AuditResponse()
    latency_ms: Latency = Latency()
    cost_per_request_usd: float | None = None  # over priced requests only
    cost_per_request_priced_share: float | None = None  # priced requests / requests
    error_rate: float | None = None
    calls: Calls = Calls()
    time_to_first_chunk_ms: FirstChunk = FirstChunk()
    by_feature: list[Breakdown] = []
    by_model: list[Breakdown] = []
    trajectory_by_version: list[TrajectoryRow] = []
    drift: dict[str, Drift] = {}


class Scorecard(_Frozen):
    window: Window
    kind: Kind
    systems: list[SystemInfo]
    axes: dict[Axis, AxisScore]
    metrics: Metrics
    evidence_command: str = ""  # the command prefix every criterion's evidence runs under
    warnings: list[str] = []
