"""The report's figures: rows shaped from the gathered data, one chart each, or the sentence saying why not.

The thresholds drawn on the weekly charts are the criteria's own (``scoring.load_criteria()``, i.e.
``scoring/criteria.yaml``), found by the signal they compare: a band moves when the criterion does.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

import scoring
from harness.report import _charts
from harness.report._charts import Band, Row
from harness.report._gather import ReportData, unique


@dataclass(frozen=True, slots=True)
class Figure:
    """One chart as inline SVG, or ``empty``: what the page says instead of drawing nothing."""

    id: str
    title: str
    caption: str
    svg: str | None
    empty: str = ""


@cache
def bands(*signals: str) -> tuple[Band, ...]:
    """The thresholds of the criteria comparing any of ``signals``, lowest level first."""
    found = {
        (c.level, c.op or "", c.threshold)
        for c in scoring.load_criteria()
        if c.signal in signals and c.threshold is not None
    }
    return tuple(Band(level, op, threshold) for level, op, threshold in sorted(found))  # type: ignore[arg-type]


def week(text: str) -> str:
    """The week a time such as ``2026-03-04T10:00:00Z`` falls in, named by its Monday: ``02 Mar``."""
    day = datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    return (day - timedelta(days=day.weekday())).strftime("%d %b")


def weeks(data: ReportData) -> list[str]:
    """Every week of the window, in order: the weeks ``scoring.weekly`` scores."""
    since, until = (datetime.fromisoformat(t.replace("Z", "+00:00")) for t in (data.window.since, data.window.until))
    return [week(start.isoformat()) for start, _ in scoring.weeks(since, until)]


def _figure(id: str, title: str, caption: str, chart: Any, empty: str) -> Figure:
    return Figure(id, title, caption, _charts.svg(chart) if chart is not None else None, "" if chart else empty)


def weekly_rows(data: ReportData, read: Callable[[scoring.Metrics], Any]) -> list[Row]:
    """One row per kind scored and week: ``read`` of that week's metrics (None where its inputs are absent)."""
    return [
        {"week": week(window.since), "kind": kind.kind, "value": read(metrics)}
        for kind in data.scored()
        for window, metrics in kind.weeks
    ]


def level_rows(data: ReportData) -> list[Row]:
    return [
        {"axis": axis, "kind": kind.kind, "level": score.level}
        for kind in data.scored()
        for axis, score in kind.card.axes.items()
    ]


def deploy_rows(data: ReportData) -> list[Row]:
    return [
        {
            "week": week(window.since),
            "kind": kind.kind,
            "value": m.deployment_frequency_per_week,
            "band": m.deployment_frequency_band,
        }
        for kind in data.scored()
        for window, m in kind.weeks
    ]


def cost_rows(data: ReportData) -> list[Row]:
    return [
        {"week": week(window.since), "feature": feature, "value": cost}
        for kind in data.scored()
        for window, m in kind.weeks
        for feature, cost in (m.cost_per_feature_usd or {}).items()
    ]


def latency_rows(data: ReportData, stats: Sequence[tuple[str, str]]) -> list[Row]:
    """Melted percentiles of the latency query: ``stats`` maps a column to its label (``ttfc_p50`` -> p50)."""
    return [
        {"week": week(str(row["week"])), "model": row["model"], "stat": label, "value": row[column]}
        for kind in data.scored()
        for row in kind.latency
        for column, label in stats
    ]


_TRAJECTORY = (
    ("mean_steps", "mean steps"),
    ("p95_steps", "p95 steps"),
    ("mean_tool_calls", "mean tool calls"),
    ("mean_retries", "mean retries"),
    ("completed_share", "completed share"),
    ("error_rate", "error rate"),
)


def trajectory_rows(data: ReportData) -> list[Row]:
    return [
        {"agent": t.agent, "version": t.version, "figure": label, "value": getattr(t, field)}
        for kind in data.scored()
        for t in kind.card.metrics.trajectory_by_version
        for field, label in _TRAJECTORY
    ]


def decisions(data: ReportData, which: str) -> list[Row]:
    """Gate (``gates``) or canary (``canaries``) decisions of every kind scored, once each, in time order."""
    rows = [row for kind in data.kinds for row in getattr(kind, which)]
    keys = ("decided_at", "gate_run_id") if which == "gates" else ("decided_at", "system", "canary_version")
    return sorted(unique(rows, *keys), key=lambda row: str(row["decided_at"]))


def _week_of(row: Row) -> Row:
    return {"week": week(str(row["decided_at"])), "decision": row["decision"]}


def weekly_figures(data: ReportData) -> list[Figure]:
    """The six operational metrics of the seed model by week, with their bands, and the error rate."""
    no_deploys = "No production deployment was recorded in the window (harness deploy record)."
    days = weeks(data)
    return [
        _figure(
            "deployment_frequency",
            "Deployment frequency",
            "Deployments per week (rollbacks not counted); each point coloured by the week's deploy-days band.",
            _charts.deploy_frequency(deploy_rows(data), days),
            no_deploys,
        ),
        _figure(
            "lead_time",
            "Lead time for changes",
            "Median hours from a change's opening to the deployment that ships it; dashed: the criteria's bands.",
            _charts.weekly_line(
                weekly_rows(data, lambda m: m.lead_time_hours.median),
                days,
                "median lead time (h)",
                bands=bands("lead_time_median_hours"),
            ),
            "No deployment in the window names a recorded change (harness change record, deploy --change).",
        ),
        _figure(
            "change_failure_rate",
            "Change failure rate",
            "Share of the week's deployments with an attributed incident or a later rollback.",
            _charts.weekly_line(
                weekly_rows(data, lambda m: m.change_failure_rate),
                days,
                "change failure rate",
                bands=bands("change_failure_rate"),
                fmt=".0%",
            ),
            no_deploys,
        ),
        _figure(
            "time_to_restore",
            "Time to restore",
            "Median hours from an incident's start to its resolution, by the week it started.",
            _charts.weekly_line(
                weekly_rows(data, lambda m: m.time_to_restore_hours.median),
                days,
                "median time to restore (h)",
                bands=bands("restore_median_hours"),
            ),
            "No incident that started in the window was resolved (harness incident record --resolved-at).",
        ),
        _figure(
            "cost_per_feature",
            "Cost per feature",
            "Inference cost (USD) per harness.feature and week; calls without a feature are (unattributed).",
            _charts.stacked_cost(cost_rows(data), days),
            "No priced LLM call in the window (cost is recorded per call, or priced from genai-prices).",
        ),
        _figure(
            "audit_response",
            "Audit-evidence response time",
            "Median hours from an audit request to its fulfilment, by the week it was requested.",
            _charts.weekly_line(
                weekly_rows(data, lambda m: m.audit_evidence_response_hours.median),
                days,
                "median response (h)",
                bands=bands("audit_median_hours"),
            ),
            "No audit request was fulfilled in the window (harness audit record --fulfilled-at).",
        ),
        _figure(
            "error_rate",
            "Error rate",
            "Share of model calls that failed (error status or error.type), by week.",
            _charts.weekly_line(
                weekly_rows(data, lambda m: m.error_rate), days, "error rate", bands=bands("error_rate"), fmt=".1%"
            ),
            "No model call in the window.",
        ),
    ]


def model_figures(data: ReportData) -> list[Figure]:
    """Latency and time to first chunk by model and week, and the agents' trajectories by version."""
    days = weeks(data)
    return [
        _figure(
            "latency",
            "Latency by model",
            "p50, p95 and p99 of model-call duration (ms) per week.",
            _charts.by_model(
                latency_rows(data, (("p50", "p50"), ("p95", "p95"), ("p99", "p99"))), days, "latency (ms)"
            ),
            "No model call in the window.",
        ),
        _figure(
            "time_to_first_chunk",
            "Time to first chunk by model",
            "p50 and p95 of gen_ai.response.time_to_first_chunk (ms) of completed streamed calls per week.",
            _charts.by_model(
                latency_rows(data, (("ttfc_p50", "p50"), ("ttfc_p95", "p95"))), days, "time to first chunk (ms)"
            ),
            "No completed streamed LLM call in the window recorded its time to first chunk.",
        ),
        _figure(
            "trajectory",
            "Agent trajectories by version",
            "Per agent version over the window: steps, tool calls, retries, the share completed and failed.",
            _charts.trajectory(trajectory_rows(data), [label for _, label in _TRAJECTORY]),
            "No agent run (invoke_agent span) in the window.",
        ),
    ]


def level_figure(data: ReportData) -> Figure:
    return _figure(
        "levels",
        "Maturity by axis",
        "Level 1 (ad hoc) to 5 (closed-loop and governed) per axis, LLM and classical systems side by side.",
        _charts.levels(level_rows(data)),
        "No system in scope: nothing is scored.",
    )


def decision_figure(data: ReportData, rows: Sequence[Row], id: str, title: str) -> Figure:
    chart = _charts.gate_counts([_week_of(row) for row in rows], weeks(data))
    return _figure(id, title, "By week and decision.", chart, "")
