"""The scorecard's metrics: each field of ``Metrics`` says, in one place, what it holds, how it is read
from the metric views and how it is shown in the table and Markdown.

Showing a new metric is one field here: its type, and ``Shown(read, lines)`` in its annotation (plus
the SQL view it reads). ``read`` takes the views of one scorecard; ``lines`` takes the whole
``Metrics`` (so one line can show a figure with the share beside it) and returns (label, text)
pairs, or is None for a value shown on another field's line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any, Protocol

from scoring._frozen import Frozen
from scoring._text import counted, number, pair

Line = tuple[str, str]


class Rows(Protocol):
    def rows(self, view: str) -> list[dict[str, Any]]: ...


class Views:
    """The metric views of one scorecard, each read once however many metrics use it."""

    def __init__(self, source: Rows) -> None:
        self._source = source
        self._read: dict[str, list[dict[str, Any]]] = {}

    def rows(self, view: str) -> list[dict[str, Any]]:
        if view not in self._read:
            self._read[view] = self._source.rows(view)
        return self._read[view]

    def one(self, view: str) -> dict[str, Any]:
        found = self.rows(view)
        return found[0] if found else {}


@dataclass(frozen=True, slots=True)
class Shown:
    """How one metric is read from the views and shown as text lines."""

    read: Callable[[Views], Any]
    lines: Callable[[Metrics], Iterable[Line]] | None = None


def _column(view: str, column: str) -> Callable[[Views], Any]:
    return lambda views: views.one(view).get(column)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


class LeadTime(Frozen):
    median: float | None = None
    p90: float | None = None
    deployments: int | None = None  # deployments with a lead time (shipping recorded changes)
    without_changes: int | None = None  # deployments in D that name no recorded change


class Restore(Frozen):
    median: float | None = None
    mean: float | None = None
    resolved: int | None = None  # incidents resolved
    unresolved: int | None = None
    rollbacks: int | None = None  # failed deployments restored by a rollback, without an incident


class AuditResponse(Frozen):
    median: float | None = None
    p90: float | None = None
    fulfilled: int | None = None
    open: int | None = None


class Latency(Frozen):
    p50: float | None = None
    p95: float | None = None
    p99: float | None = None


class Calls(Frozen):
    total: int = 0
    failed: int = 0
    usage_absent: dict[str, int] = {}  # completed LLM calls without usage, by harness.usage.absent_reason


class FirstChunk(Frozen):
    p50: float | None = None
    p95: float | None = None
    streams: int = 0


class Breakdown(Frozen):
    """One feature's or model's calls: latency, errors and cost with the share of calls priced."""

    name: str
    calls: int
    error_rate: float | None
    p50_ms: float | None
    p95_ms: float | None
    cost_usd: float | None
    priced_share: float | None


class TrajectoryRow(Frozen):
    agent: str
    version: str
    runs: int
    mean_steps: float | None
    p95_steps: float | None
    mean_tool_calls: float | None
    mean_retries: float | None
    completed_share: float | None
    error_rate: float | None


class Drift(Frozen):
    """Week-over-week Jensen-Shannon divergence (0 same, 1 disjoint) of one signal."""

    weeks_compared: int
    latest: float | None
    latest_week_start: str | None
    max: float | None
    max_week_start: str | None


def _lead_time(views: Views) -> LeadTime:
    row = views.one("met_lead_time")
    return LeadTime(
        median=row.get("median"),
        p90=row.get("p90"),
        deployments=row.get("deployments"),
        without_changes=row.get("without_changes"),
    )


def _restore(views: Views) -> Restore:
    row = views.one("met_time_to_restore")
    return Restore(
        median=row.get("median"),
        mean=row.get("mean"),
        resolved=row.get("incidents"),
        unresolved=row.get("unresolved"),
        rollbacks=row.get("rollbacks"),
    )


def _audit(views: Views) -> AuditResponse:
    row = views.one("met_audit_response")
    return AuditResponse(
        median=row.get("median"), p90=row.get("p90"), fulfilled=row.get("requests"), open=row.get("open")
    )


def _latency(views: Views) -> Latency:
    row = views.one("met_latency")
    return Latency(p50=row.get("p50"), p95=row.get("p95"), p99=row.get("p99"))


def _cost_per_feature(views: Views) -> dict[str, float | None] | None:
    rows = views.rows("met_cost_per_feature")
    return {row["feature"]: row["cost_usd"] for row in rows} if rows else None


def _error_rate(views: Views) -> float | None:
    row = views.one("met_latency")
    return row.get("error_rate") if row.get("calls") else None


def _calls(views: Views) -> Calls:
    summary, coverage = views.one("met_latency"), views.one("met_telemetry_coverage")
    return Calls(
        total=summary.get("calls") or 0,
        failed=summary.get("failed") or 0,
        usage_absent=dict(coverage.get("usage_absent_reasons") or {}),
    )


def _first_chunk(views: Views) -> FirstChunk:
    row = views.one("met_time_to_first_chunk")
    return FirstChunk(p50=row.get("p50"), p95=row.get("p95"), streams=row.get("streams") or 0)


def _breakdown(dimension: str) -> Callable[[Views], list[Breakdown]]:
    def read(views: Views) -> list[Breakdown]:
        return [
            Breakdown(
                name=row["value"],
                calls=row["calls"],
                error_rate=row["error_rate"],
                p50_ms=row["p50"],
                p95_ms=row["p95"],
                cost_usd=row["cost_usd"],
                priced_share=row["priced_share"],
            )
            for row in views.rows("int_call_breakdown")
            if row["dimension"] == dimension
        ]

    return read


def _trajectory(views: Views) -> list[TrajectoryRow]:
    fields = TrajectoryRow.model_fields
    return [TrajectoryRow(**{key: row[key] for key in fields}) for row in views.rows("met_trajectory")]


def _drift(views: Views) -> dict[str, Drift]:
    by_signal: dict[str, list[dict[str, Any]]] = {}
    for row in views.rows("met_drift"):
        by_signal.setdefault(row["signal"], []).append(row)
    drift = {}
    for signal, weeks in sorted(by_signal.items()):
        latest = max(weeks, key=lambda r: r["week"])
        peak = max(weeks, key=lambda r: r["js_divergence"])
        drift[signal] = Drift(
            weeks_compared=len(weeks),
            latest=latest["js_divergence"],
            latest_week_start=_iso(latest["week_start"]),
            max=peak["js_divergence"],
            max_week_start=_iso(peak["week_start"]),
        )
    return drift


def _one_line(label: str, text: Callable[[Metrics], str]) -> Callable[[Metrics], Iterable[Line]]:
    return lambda m: [(label, text(m))]


def _breakdown_text(rows: Sequence[Breakdown]) -> str:
    shown = "; ".join(
        f"{b.name}: {b.calls} calls, p50 {number(b.p50_ms)} ms, errors {number(b.error_rate)}, "
        f"${number(b.cost_usd)} ({number(b.priced_share)} priced)"
        for b in rows
    )
    return shown or "—"


def _trajectory_lines(m: Metrics) -> Iterable[Line]:
    return [
        (
            f"trajectory {t.agent} {t.version}",
            f"{t.runs} runs, steps {number(t.mean_steps)} (p95 {number(t.p95_steps)}), tools "
            f"{number(t.mean_tool_calls)}, retries {number(t.mean_retries)}, completed {number(t.completed_share)}",
        )
        for t in m.trajectory_by_version
    ]


def _drift_lines(m: Metrics) -> Iterable[Line]:
    return [
        (
            f"drift {signal}",
            f"latest {number(d.latest)} (week of {d.latest_week_start}), max {number(d.max)} "
            f"(week of {d.max_week_start}); {d.weeks_compared} weeks compared",
        )
        for signal, d in m.drift.items()
    ]


def _costs_text(m: Metrics) -> str:
    costs = m.cost_per_feature_usd
    return ", ".join(f"{k} {number(v)}" for k, v in costs.items()) if costs else "—"


def _usage_absent_text(m: Metrics) -> str:
    return ", ".join(f"{reason} {count}" for reason, count in m.calls.usage_absent.items()) or "—"


class Metrics(Frozen):
    """The operational metrics: the six of the seed (DESIGN.md's keys) and what the views compute beside them."""

    deployment_frequency_per_week: Annotated[
        float | None,
        Shown(
            _column("met_deployment_frequency", "deployment_frequency_per_week"),
            _one_line(
                "deployment_frequency_per_week",
                lambda m: f"{number(m.deployment_frequency_per_week)} ({m.deployment_frequency_band or '—'})",
            ),
        ),
    ] = None
    deployment_frequency_band: Annotated[str | None, Shown(_column("met_deployment_frequency", "deploy_days_band"))] = (
        None
    )
    lead_time_hours: Annotated[
        LeadTime,
        Shown(
            _lead_time,
            _one_line(
                "lead_time_hours",
                lambda m: (
                    pair("median", m.lead_time_hours.median, "p90", m.lead_time_hours.p90)
                    + counted("deployments without changes", m.lead_time_hours.without_changes)
                ),
            ),
        ),
    ] = LeadTime()
    change_failure_rate: Annotated[
        float | None,
        Shown(
            _column("met_change_failure_rate", "change_failure_rate"),
            _one_line("change_failure_rate", lambda m: number(m.change_failure_rate)),
        ),
    ] = None
    time_to_restore_hours: Annotated[
        Restore,
        Shown(
            _restore,
            _one_line(
                "time_to_restore_hours",
                lambda m: (
                    pair("median", m.time_to_restore_hours.median, "mean", m.time_to_restore_hours.mean)
                    + counted("unresolved", m.time_to_restore_hours.unresolved)
                    + counted("restored by rollback", m.time_to_restore_hours.rollbacks)
                ),
            ),
        ),
    ] = Restore()
    cost_per_feature_usd: Annotated[
        dict[str, float | None] | None, Shown(_cost_per_feature, _one_line("cost_per_feature_usd", _costs_text))
    ] = None
    audit_evidence_response_hours: Annotated[
        AuditResponse,
        Shown(
            _audit,
            _one_line(
                "audit_evidence_response_hours",
                lambda m: (
                    pair("median", m.audit_evidence_response_hours.median, "p90", m.audit_evidence_response_hours.p90)
                    + counted("open", m.audit_evidence_response_hours.open)
                ),
            ),
        ),
    ] = AuditResponse()
    latency_ms: Annotated[
        Latency,
        Shown(
            _latency,
            _one_line(
                "latency_ms",
                lambda m: (
                    f"p50 {number(m.latency_ms.p50)}, p95 {number(m.latency_ms.p95)}, p99 {number(m.latency_ms.p99)}"
                ),
            ),
        ),
    ] = Latency()
    cost_per_request_usd: Annotated[  # over priced requests only
        float | None,
        Shown(
            _column("met_cost_per_request", "cost_per_request_usd"),
            _one_line(
                "cost_per_request_usd",
                lambda m: f"{number(m.cost_per_request_usd)} (priced share {number(m.cost_per_request_priced_share)})",
            ),
        ),
    ] = None
    cost_per_request_priced_share: Annotated[  # priced requests / requests
        float | None, Shown(_column("met_cost_per_request", "priced_share"))
    ] = None
    error_rate: Annotated[
        float | None,
        Shown(
            _error_rate,
            _one_line(
                "error_rate", lambda m: f"{number(m.error_rate)} ({m.calls.failed} of {m.calls.total} calls failed)"
            ),
        ),
    ] = None
    calls: Annotated[Calls, Shown(_calls, _one_line("calls_without_usage", _usage_absent_text))] = Calls()
    time_to_first_chunk_ms: Annotated[
        FirstChunk,
        Shown(
            _first_chunk,
            _one_line(
                "time_to_first_chunk_ms",
                lambda m: (
                    f"p50 {number(m.time_to_first_chunk_ms.p50)}, p95 {number(m.time_to_first_chunk_ms.p95)} "
                    f"({m.time_to_first_chunk_ms.streams} streams)"
                ),
            ),
        ),
    ] = FirstChunk()
    by_feature: Annotated[
        list[Breakdown],
        Shown(_breakdown("feature"), _one_line("by_feature", lambda m: _breakdown_text(m.by_feature))),
    ] = []
    by_model: Annotated[
        list[Breakdown], Shown(_breakdown("model"), _one_line("by_model", lambda m: _breakdown_text(m.by_model)))
    ] = []
    trajectory_by_version: Annotated[list[TrajectoryRow], Shown(_trajectory, _trajectory_lines)] = []
    drift: Annotated[dict[str, Drift], Shown(_drift, _drift_lines)] = {}


def _shown(name: str) -> Shown:
    return next(meta for meta in Metrics.model_fields[name].metadata if isinstance(meta, Shown))


def read_metrics(source: Rows) -> Metrics:
    """Every metric from the views (each read once), null (never 0) where its inputs are absent."""
    views = Views(source)
    return Metrics(**{name: _shown(name).read(views) for name in Metrics.model_fields})


def metric_lines(metrics: Metrics) -> list[Line]:
    """The (label, text) lines of the table's and Markdown's metrics section, in field order."""
    lines: list[Line] = []
    for name in Metrics.model_fields:
        show = _shown(name).lines
        if show is not None:
            lines.extend(show(metrics))
    return lines
