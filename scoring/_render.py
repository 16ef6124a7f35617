"""The scorecard as text: a terminal table, Markdown, or the DESIGN.md JSON."""

from __future__ import annotations

from typing import Any

from scoring._model import Scorecard

FORMATS = ("table", "json", "markdown")
_MARK = {"pass": "ok", "fail": "FAIL", "unknown": "?"}


def _number(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def _pair(first: str, a: Any, second: str, b: Any) -> str:
    return f"{first} {_number(a)}, {second} {_number(b)}"


def _metric_lines(card: Scorecard) -> list[tuple[str, str]]:
    m = card.metrics
    costs = m.cost_per_feature_usd
    lead, restore, audit = m.lead_time_hours, m.time_to_restore_hours, m.audit_evidence_response_hours
    return [
        (
            "deployment_frequency_per_week",
            f"{_number(m.deployment_frequency_per_week)} ({m.deployment_frequency_band or '—'})",
        ),
        ("lead_time_hours", _pair("median", lead.median, "p90", lead.p90)),
        ("change_failure_rate", _number(m.change_failure_rate)),
        ("time_to_restore_hours", _pair("median", restore.median, "mean", restore.mean)),
        ("cost_per_feature_usd", ", ".join(f"{k} {_number(v)}" for k, v in costs.items()) if costs else "—"),
        ("audit_evidence_response_hours", _pair("median", audit.median, "p90", audit.p90)),
        (
            "latency_ms",
            f"p50 {_number(m.latency_ms.p50)}, p95 {_number(m.latency_ms.p95)}, p99 {_number(m.latency_ms.p99)}",
        ),
        ("cost_per_request_usd", _number(m.cost_per_request_usd)),
    ]


def _table(card: Scorecard) -> str:
    systems = ", ".join(s.name for s in card.systems) or "(none)"
    lines = [f"scorecard ({card.kind}) {card.window.since} .. {card.window.until}", f"systems: {systems}", ""]
    lines.append(f"{'axis':<16} {'level':>5} {'coverage':>9}  next level needs")
    for name, axis in card.axes.items():
        first = axis.next_level[0] if axis.next_level else "—"
        lines.append(f"{name:<16} {axis.level:>5} {axis.evidence_coverage:>9.0%}  {first}")
    lines += ["", "criteria:"]
    for axis in card.axes.values():
        for c in axis.criteria:
            shown = f"{_number(c.value):>10} (threshold {_number(c.threshold)})"
            lines.append(f"  L{c.level} {_MARK[c.status]:<4} {c.id:<34} {shown}")
    lines += ["", "metrics:"]
    lines += [f"  {key:<31} {text}" for key, text in _metric_lines(card)]
    return "\n".join(lines)


def _markdown(card: Scorecard) -> str:
    lines = [
        f"# AI-operations scorecard ({card.kind})",
        "",
        f"Window: `{card.window.since}` to `{card.window.until}`",
        "",
    ]
    lines += ["| system | kind | owner |", "|---|---|---|"]
    lines += [f"| {s.name} | {s.kind} | {s.owner or '—'} |" for s in card.systems]
    lines += ["", "| axis | level | evidence coverage |", "|---|---:|---:|"]
    lines += [f"| {name} | {a.level} | {a.evidence_coverage:.0%} |" for name, a in card.axes.items()]
    for name, axis in card.axes.items():
        lines += [
            "",
            f"## {name} (level {axis.level})",
            "",
            "| level | criterion | status | value | threshold | evidence |",
        ]
        lines.append("|---:|---|---|---:|---:|---|")
        for c in axis.criteria:
            evidence = c.evidence.replace("|", "\\|")
            lines.append(
                f"| {c.level} | `{c.id}` | {c.status} | {_number(c.value)} | {_number(c.threshold)} | `{evidence}` |"
            )
        if axis.next_level:
            lines += ["", "Missing for the next level:", ""] + [f"- {item}" for item in axis.next_level]
    lines += ["", "## Operational metrics", "", "| metric | value |", "|---|---|"]
    lines += [f"| {key} | {text} |" for key, text in _metric_lines(card)]
    return "\n".join(lines) + "\n"


def render(card: Scorecard, fmt: str = "table") -> str:
    """The scorecard as ``table``, ``json`` (DESIGN.md shape) or ``markdown``."""
    if fmt == "json":
        return card.model_dump_json(indent=2)
    if fmt == "markdown":
        return _markdown(card)
    if fmt == "table":
        return _table(card)
    raise ValueError(f"format {fmt!r}: use one of {', '.join(FORMATS)}")
