"""Ending an agent or tool span: error status, then the duration into its deferred histogram."""

from __future__ import annotations

import time
from typing import Any

from opentelemetry.metrics import Histogram
from opentelemetry.trace import Span, Status, StatusCode

from instrumentation import semconv
from instrumentation._metrics import Instruments


def end_timed_span(
    span: Span,
    exc: BaseException | None,
    *,
    instruments: Instruments,
    histogram: Histogram,
    started_at: float,
    metric_attributes: dict[str, Any],
) -> None:
    """Mark the span failed when ``exc`` is set (``error.type`` on span and metric), end it, record its duration."""
    if exc is not None:
        error_type = type(exc).__qualname__
        span.set_attribute(semconv.ERROR_TYPE, error_type)
        span.set_status(Status(StatusCode.ERROR, str(exc) or error_type))
        span.record_exception(exc)
        metric_attributes[semconv.ERROR_TYPE] = error_type
    span.end()
    duration = time.perf_counter() - started_at
    instruments.deferred.defer(histogram, duration, tuple(metric_attributes.items()))
