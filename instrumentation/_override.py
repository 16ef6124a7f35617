"""Record that a person overrode or confirmed a high-stakes decision, as an ``override {system}`` span.

The span names the system, the decision, who, the outcome and the trace the decision was made in, so
scoring can show the human-in-the-loop path exists and is used. Called inside the decision's trace, the
span joins it and the trace id is taken from there.
"""

from __future__ import annotations

from datetime import UTC, datetime

from opentelemetry import trace
from opentelemetry.trace import Tracer

from instrumentation import semconv
from instrumentation._setup import get_telemetry
from instrumentation.errors import OverrideError


def _ns(moment: datetime) -> int:
    if moment.tzinfo is None:
        raise OverrideError(f"at: {moment.isoformat()} has no zone: pass an aware datetime (e.g. tzinfo=UTC)")
    return int(moment.timestamp() * 1_000_000) * 1_000


def _current_trace_id() -> str | None:
    context = trace.get_current_span().get_span_context()
    return format(context.trace_id, "032x") if context.is_valid else None


def override_attributes(
    system: str, decision_id: str, by: str, outcome: str, trace_id: str | None, reason: str | None
) -> dict[str, str]:
    """The span's attributes, checked: every text non-empty, the outcome one of ``semconv.OVERRIDE_OUTCOMES``."""
    for name, value in (("system", system), ("decision_id", decision_id), ("by", by)):
        if not value or not value.strip():
            raise OverrideError(f"{name} is required and must not be empty")
    if outcome not in semconv.OVERRIDE_OUTCOMES:
        raise OverrideError(f"outcome: {outcome!r} is not one of {', '.join(semconv.OVERRIDE_OUTCOMES)}")
    attributes = {
        semconv.HARNESS_RECORD_TYPE: semconv.RECORD_OVERRIDE,
        semconv.HARNESS_SYSTEM: system,
        semconv.HARNESS_OVERRIDE_DECISION_ID: decision_id,
        semconv.HARNESS_OVERRIDE_BY: by,
        semconv.HARNESS_OVERRIDE_OUTCOME: outcome,
    }
    if trace_id:
        attributes[semconv.HARNESS_OVERRIDE_TRACE_ID] = trace_id
    if reason:
        attributes[semconv.HARNESS_OVERRIDE_REASON] = reason[:1000]
    return attributes


def record_override(
    system: str,
    decision_id: str,
    *,
    by: str,
    outcome: str,
    trace_id: str | None = None,
    reason: str | None = None,
    at: datetime | None = None,
    tracer: Tracer | None = None,
) -> str:
    """Record that ``by`` overrode (``outcome="overrode"``) or confirmed a decision; returns the decision id.

    ``trace_id`` is the trace the decision concerns (default: the current trace, if any); ``at`` when the
    person decided (default: now). The span goes to ``tracer``, else the configured telemetry's.
    """
    attributes = override_attributes(system, decision_id, by, outcome, trace_id or _current_trace_id(), reason)
    moment = _ns(at or datetime.now(UTC))
    tracer = tracer or get_telemetry().tracer
    span = tracer.start_span(semconv.SPAN_OVERRIDE.format(system=system), start_time=moment, attributes=attributes)
    span.end(end_time=moment)
    return decision_id
