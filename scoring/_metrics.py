"""The scorecard's metrics read from the metric views, and the reproducibility axis's answer per system."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from scoring._engine import Engine
from scoring._evidence import iso
from scoring._model import (
    AuditResponse,
    AxisAnswer,
    Breakdown,
    Calls,
    Drift,
    FirstChunk,
    Latency,
    LeadTime,
    Metrics,
    Restore,
    SystemAnswer,
    TrajectoryRow,
)

REBUILD_QUESTION = (
    "Can you rebuild any production model from versioned code and data, on demand, within an hour? "
    "Yes for every model, yes for some, or no."
)


def _one(engine: Engine, view: str) -> dict[str, Any]:
    rows = engine.rows(view)
    return rows[0] if rows else {}


def _breakdown(rows: Sequence[dict[str, Any]], dimension: str) -> list[Breakdown]:
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
        for row in rows
        if row["dimension"] == dimension
    ]


def _drift(rows: Sequence[dict[str, Any]]) -> dict[str, Drift]:
    by_signal: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_signal.setdefault(row["signal"], []).append(row)
    drift = {}
    for signal, weeks in sorted(by_signal.items()):
        latest = max(weeks, key=lambda r: r["week"])
        peak = max(weeks, key=lambda r: r["js_divergence"])
        drift[signal] = Drift(
            weeks_compared=len(weeks),
            latest=latest["js_divergence"],
            latest_week_start=iso(latest["week_start"]),
            max=peak["js_divergence"],
            max_week_start=iso(peak["week_start"]),
        )
    return drift


def _trajectory(rows: Sequence[dict[str, Any]]) -> list[TrajectoryRow]:
    fields = TrajectoryRow.model_fields
    return [TrajectoryRow(**{key: row[key] for key in fields}) for row in rows]


def _calls(engine: Engine) -> Calls:
    summary = _one(engine, "met_latency")
    coverage = _one(engine, "met_telemetry_coverage")
    return Calls(
        total=summary.get("calls") or 0,
        failed=summary.get("failed") or 0,
        usage_absent=dict(coverage.get("usage_absent_reasons") or {}),
    )


def read_metrics(engine: Engine) -> Metrics:
    """Every metric of the scorecard, null (never 0) where its inputs are absent."""
    frequency = _one(engine, "met_deployment_frequency")
    lead = _one(engine, "met_lead_time")
    restore = _one(engine, "met_time_to_restore")
    audit = _one(engine, "met_audit_response")
    latency = _one(engine, "met_latency")
    per_request = _one(engine, "met_cost_per_request")
    first_chunk = _one(engine, "met_time_to_first_chunk")
    features = engine.rows("met_cost_per_feature")
    by = engine.rows("met_latency_by")
    return Metrics(
        deployment_frequency_per_week=frequency.get("deployment_frequency_per_week"),
        deployment_frequency_band=frequency.get("deploy_days_band"),
        lead_time_hours=LeadTime(
            median=lead.get("median"),
            p90=lead.get("p90"),
            deployments=lead.get("deployments"),
            without_changes=lead.get("without_changes"),
        ),
        change_failure_rate=_one(engine, "met_change_failure_rate").get("change_failure_rate"),
        time_to_restore_hours=Restore(
            median=restore.get("median"),
            mean=restore.get("mean"),
            resolved=restore.get("incidents"),
            unresolved=restore.get("unresolved"),
        ),
        cost_per_feature_usd={row["feature"]: row["cost_usd"] for row in features} if features else None,
        audit_evidence_response_hours=AuditResponse(
            median=audit.get("median"), p90=audit.get("p90"), fulfilled=audit.get("requests"), open=audit.get("open")
        ),
        latency_ms=Latency(p50=latency.get("p50"), p95=latency.get("p95"), p99=latency.get("p99")),
        cost_per_request_usd=per_request.get("cost_per_request_usd"),
        cost_per_request_priced_share=per_request.get("priced_share"),
        error_rate=latency.get("error_rate") if latency.get("calls") else None,
        calls=_calls(engine),
        time_to_first_chunk_ms=FirstChunk(
            p50=first_chunk.get("p50"), p95=first_chunk.get("p95"), streams=first_chunk.get("streams") or 0
        ),
        by_feature=_breakdown(by, "feature"),
        by_model=_breakdown(by, "model"),
        trajectory_by_version=_trajectory(engine.rows("met_trajectory")),
        drift=_drift(engine.rows("met_drift")),
    )


def _reason(row: dict[str, Any]) -> str:
    if row["deployment_id"] is None:
        code = "no production deployment recorded"
    elif row["revision"] is None:
        code = f"latest deployment {row['deployment_id']} names no revision"
    else:
        code = f"latest deployment {row['deployment_id']} names revision {row['revision']}"
    what = "calls name the dated model" if row["kind"] == "llm" else "predictions name the model version"
    if row["calls"] is None:
        model = "no model call in the window"
    else:
        model = f"{row['model_pinned_share']:.0%} of {row['calls']} {what}"
    return f"{code}; {model}"


def rebuild_answer(rows: Sequence[dict[str, Any]]) -> AxisAnswer:
    """The seed's reproducibility question answered per system, then for all of them."""
    systems = [SystemAnswer(system=row["system"], answer=row["answer"], reason=_reason(row)) for row in rows]
    answers = {s.answer for s in systems}
    if not systems or answers == {"unknown"}:
        overall = "unknown"
    elif answers == {"yes"}:
        overall = "yes for every model"
    elif "yes" in answers:
        overall = "yes for some" + (" (others unknown)" if "no" not in answers else "")
    else:
        overall = "no" + (" (others unknown)" if "unknown" in answers else "")
    return AxisAnswer(question=REBUILD_QUESTION, answer=overall, systems=systems)
