"""A ``predict {model}`` span for classical models, so they produce telemetry like LLM calls do."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from opentelemetry.trace import Span, SpanKind, Status, StatusCode, Tracer

from instrumentation import get_telemetry, semconv


@contextmanager
def predict(
    model: str,
    *,
    system: str,
    version: str | None = None,
    rows: int | None = None,
    tracer: Tracer | None = None,
) -> Iterator[Span]:
    """Time one prediction (or batch of ``rows``) of a classical model; errors mark the span and propagate.

    Usage: ``with predict("churn-xgb", system="churn", version="7", rows=len(batch)): model.predict(batch)``.
    """
    tracer = tracer or get_telemetry().tracer
    attributes: dict[str, str | int] = {
        semconv.HARNESS_RECORD_TYPE: semconv.RECORD_PREDICTION,
        semconv.HARNESS_SYSTEM: system,
        semconv.HARNESS_SYSTEM_KIND: semconv.SYSTEM_KIND_CLASSICAL,
        semconv.HARNESS_MODEL_NAME: model,
    }
    if version is not None:
        attributes[semconv.HARNESS_MODEL_VERSION] = version
    if rows is not None:
        attributes[semconv.HARNESS_PREDICT_ROWS] = rows
    name = semconv.SPAN_PREDICT.format(model=model)
    with tracer.start_as_current_span(
        name, kind=SpanKind.INTERNAL, attributes=attributes, record_exception=False, set_status_on_exception=False
    ) as span:
        try:
            yield span
        except BaseException as exc:
            span.set_attribute(semconv.ERROR_TYPE, type(exc).__qualname__)
            span.set_status(Status(StatusCode.ERROR, str(exc)))
            raise
