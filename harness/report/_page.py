"""The page: the gathered data and its figures through one Jinja template (autoescaped), CSS inline, no script."""

from __future__ import annotations

from typing import Any

import jinja2

import scoring
from harness.report import _figures
from harness.report._gather import KindData, ReportData

STATUS_ORDER = ("pass", "fail", "unknown", "n/a")


def number(value: Any, unit: str = "") -> str:
    """4 significant digits, an em dash for absent (as the scorecard's table prints)."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.4g}{unit}"
    return f"{value}{unit}"


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}" if value >= 0.1 or value == 0 else f"{value:.1%}"


def headline(metrics: scoring.Metrics) -> list[tuple[str, str]]:
    """The window's figures beside the charts: the six of the seed model, then the model calls'."""
    m = metrics
    costs = m.cost_per_feature_usd
    total = sum(v for v in costs.values() if v is not None) if costs else None
    return [
        ("deployments per week", f"{number(m.deployment_frequency_per_week)} ({m.deployment_frequency_band or '—'})"),
        ("lead time, median / p90", f"{number(m.lead_time_hours.median)} h / {number(m.lead_time_hours.p90)} h"),
        ("change failure rate", percent(m.change_failure_rate)),
        ("time to restore, median", f"{number(m.time_to_restore_hours.median)} h"),
        ("cost, all features", "—" if total is None else f"${total:,.4g} over {len(costs or {})} features"),
        ("audit response, median", f"{number(m.audit_evidence_response_hours.median)} h"),
        ("error rate", f"{percent(m.error_rate)} ({m.calls.failed} of {m.calls.total} calls)"),
        (
            "latency p50 / p95 / p99",
            f"{number(m.latency_ms.p50)} / {number(m.latency_ms.p95)} / {number(m.latency_ms.p99)} ms",
        ),
        ("cost per request", "—" if m.cost_per_request_usd is None else f"${m.cost_per_request_usd:.4g}"),
    ]


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("harness.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["number"] = number
    env.filters["percent"] = percent
    return env


def _gap(data: ReportData) -> list[str]:
    """Where LLM and classical systems differ in level, axis by axis (the seed: the gap is the priority work)."""
    scored = {kind.kind: kind for kind in data.scored()}
    if len(scored) < 2:
        return []
    llm, classical = scored["llm"].card.axes, scored["classical"].card.axes
    return [
        f"{axis}: LLM level {llm[axis].level}, classical level {classical[axis].level}"
        for axis in llm
        if llm[axis].level != classical[axis].level
    ]


def render(data: ReportData, *, generated_at: str, command: str) -> str:
    """The whole report as one HTML document."""
    gates = _figures.decisions(data, "gates")
    canaries = _figures.decisions(data, "canaries")
    return (
        _environment()
        .get_template("report.html.j2")
        .render(
            data=data,
            kinds=data.kinds,
            absent=[kind for kind in data.kinds if not kind.has_systems],
            generated_at=generated_at,
            command=command,
            levels=_figures.level_figure(data),
            gap=_gap(data),
            weekly=_figures.weekly_figures(data),
            models=_figures.model_figures(data),
            gates=gates,
            gate_chart=_figures.decision_figure(data, gates, "gates", "Decisions per week"),
            canaries=canaries,
            headline=headline,
            statuses=STATUS_ORDER,
            kind_label=kind_label,
        )
    )


def kind_label(kind: KindData | str) -> str:
    name = kind if isinstance(kind, str) else kind.kind
    return {"llm": "LLM", "classical": "classical ML"}.get(name, name)
