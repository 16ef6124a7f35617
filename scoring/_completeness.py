"""Whether the window's data is complete: the lake writers' export health records over the scope window.

A writer records a loss (spans it dropped, by cause) and, at a clean shutdown, what it wrote
(``instrumentation/lake/_health.py``). Drops in the window make it ``incomplete``: every metric
counted from spans undercounts. Records without drops make it ``complete``. No record at all is
``unknown``, never ``complete``: a writer still running, killed, or older than health records says nothing.
A source that cannot hold records (a ClickHouse server's otel_traces: the Collector writes none) is
``unknown`` with that reason.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from scoring._model import DataCompleteness


def completeness(
    summary: Mapping[str, Any],
    causes: Sequence[Mapping[str, Any]],
    unreadable: Sequence[str],
    absent: str | None = None,
) -> DataCompleteness:
    """The block from ``int_export_health`` (one row) and ``int_export_health_causes`` (cause, spans);
    ``absent`` says why the engine's source can hold no health record (then it is unknown for that reason)."""
    if absent is not None:
        return DataCompleteness(status="unknown", reason=absent)
    if not summary.get("records"):
        return DataCompleteness(status="unknown", unreadable=list(unreadable))
    written, dropped = int(summary["written"]), int(summary["dropped"])
    offered = written + dropped
    return DataCompleteness(
        status="incomplete" if dropped else "complete",
        written=written,
        dropped=dropped,
        dropped_by_cause={str(row["cause"]): int(row["spans"]) for row in causes},
        dropped_share=round(dropped / offered, 6) if offered else 0.0,
        writers=int(summary["writers"]),
        unreadable=list(unreadable),
    )


def warning(data: DataCompleteness) -> str | None:
    """The one line the table, the Markdown and ``warnings`` carry when spans were lost in the window."""
    if data.status != "incomplete":
        return None
    causes = ", ".join(f"{cause}: {n}" for cause, n in data.dropped_by_cause.items())
    return f"data incomplete: {data.dropped} spans dropped ({causes}) in the window; metrics undercount"


def line(data: DataCompleteness) -> str:
    """How the table shows the block."""
    if data.status == "unknown":
        return f"data completeness unknown: {data.reason or 'no export health record in the window'}"
    if data.status == "complete":
        return f"data complete: {data.written} spans written, none dropped ({data.writers} writer(s) reported)"
    return warning(data) or ""
