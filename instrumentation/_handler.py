"""One handler owns the inference span lifecycle: start, usage, cost, metrics, end.

Provider adapters and the manual API only fill an ``LLMInvocation`` record; everything that
turns it into telemetry lives here, so adding a provider is one small extraction module.
"""

from __future__ import annotations

import contextvars
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.trace import Span, SpanKind, Status, StatusCode, Tracer

from instrumentation import semconv
from instrumentation._context import current_feature, current_run_hooks
from instrumentation._cost import PriceBook, compute_cost
from instrumentation._internal_errors import InternalErrors
from instrumentation._metrics import Instruments
from instrumentation._redact import redact_value, redacted_default

Redactor = Callable[[Any], Any]


@dataclass(slots=True)
class LLMInvocation:
    """What one inference call was asked and answered; filled by an adapter or the manual API."""

    request_model: str
    provider: str
    operation: str = semconv.OP_CHAT
    server_address: str | None = None
    server_port: int | None = None
    stream: bool = False
    prompt_name: str | None = None
    prompt_version: str | None = None
    request_attributes: dict[str, Any] = field(default_factory=dict)
    response_model: str | None = None
    response_id: str | None = None
    finish_reasons: list[str] | None = None
    input_tokens: int | None = None
    output_tokens: int | None = None
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0
    reasoning_tokens: int = 0
    provider_cost: float | None = None
    tool_calls: list[tuple[str, str]] = field(default_factory=list)
    input_messages: Any = None
    output_messages: Any = None
    attempts: int = 1
    attempt_ended_at: float | None = None
    started_at: float = 0.0
    first_chunk_at: float | None = None
    error_type: str | None = None
    span: Span | None = None
    parent: LLMInvocation | None = None
    inner_recorded: bool = False
    cost: float | None = None
    _token: object = None
    _ctx_token: contextvars.Token[LLMInvocation | None] | None = None

    def record_usage(
        self,
        input_tokens: int | None = None,
        output_tokens: int | None = None,
        cache_read_tokens: int = 0,
        cache_write_tokens: int = 0,
        reasoning_tokens: int = 0,
    ) -> None:
        """Record usage with the conventions' meaning: input includes cache tokens, output includes reasoning."""
        self.input_tokens = input_tokens
        self.output_tokens = output_tokens
        self.cache_read_tokens = cache_read_tokens
        self.cache_write_tokens = cache_write_tokens
        self.reasoning_tokens = reasoning_tokens

    def set_response(
        self, *, model: str | None = None, id: str | None = None, finish_reasons: list[str] | None = None
    ) -> None:
        if model is not None:
            self.response_model = model
        if id is not None:
            self.response_id = id
        if finish_reasons is not None:
            self.finish_reasons = finish_reasons

    def mark_first_chunk(self) -> None:
        if self.first_chunk_at is None:
            self.first_chunk_at = time.perf_counter()

    @property
    def time_to_first_chunk(self) -> float | None:
        return None if self.first_chunk_at is None else self.first_chunk_at - self.started_at

    def set_time_to_first_chunk(self, seconds: float) -> None:
        self.first_chunk_at = self.started_at + seconds


_active: contextvars.ContextVar[LLMInvocation | None] = contextvars.ContextVar("harness_llm", default=None)


def active_invocation() -> LLMInvocation | None:
    """The innermost inference call open in this context, if any."""
    return _active.get()


class TelemetryHandler:
    """Turns ``LLMInvocation`` records into a span, cost and metrics; never raises into the app."""

    def __init__(
        self,
        tracer: Tracer,
        instruments: Instruments,
        price_book: PriceBook,
        errors: InternalErrors,
        *,
        capture_content: bool = False,
        redact: Redactor | None = None,
    ) -> None:
        self.tracer = tracer
        self.instruments = instruments
        self.price_book = price_book
        self.errors = errors
        self.capture_content = capture_content
        self.redact = redact

    def start(self, inv: LLMInvocation) -> LLMInvocation:
        """Open the CLIENT span and make it current; the caller must call ``stop`` or ``fail``."""
        try:
            inv.started_at = time.perf_counter()
            inv.parent = _active.get()
            attributes: dict[str, Any] = {
                semconv.GEN_AI_OPERATION_NAME: inv.operation,
                semconv.GEN_AI_PROVIDER_NAME: inv.provider,
                semconv.GEN_AI_REQUEST_MODEL: inv.request_model,
            }
            if inv.server_address:
                attributes[semconv.SERVER_ADDRESS] = inv.server_address
                if inv.server_port:
                    attributes[semconv.SERVER_PORT] = inv.server_port
            if inv.stream:
                attributes[semconv.GEN_AI_REQUEST_STREAM] = True
            if inv.prompt_name:
                attributes[semconv.GEN_AI_PROMPT_NAME] = inv.prompt_name
            if inv.prompt_version:
                attributes[semconv.GEN_AI_PROMPT_VERSION] = inv.prompt_version
            if inv.request_attributes:
                attributes.update(inv.request_attributes)
            span = self.tracer.start_span(
                f"{inv.operation} {inv.request_model}", kind=SpanKind.CLIENT, attributes=attributes
            )
            inv.span = span
            inv._token = otel_context.attach(trace.set_span_in_context(span))
            inv._ctx_token = _active.set(inv)
        except Exception as exc:  # noqa: BLE001 - telemetry must not break the app
            self.errors.report("llm.start", exc)
        return inv

    def release(self, inv: LLMInvocation) -> None:
        """Stop the span being current but leave it open: a stream's span outlives the call that returned it."""
        try:
            self._detach(inv)
        except Exception as exc:  # noqa: BLE001
            self.errors.report("llm.release", exc)

    def attempt(
        self,
        inv: LLMInvocation,
        number: int,
        started_at: float,
        *,
        status_code: int | None = None,
        error_type: str | None = None,
    ) -> None:
        """Record one HTTP attempt of the SDK's retry loop; an event only when the call failed or retried."""
        ended_at = time.perf_counter()
        waited = None if inv.attempt_ended_at is None else started_at - inv.attempt_ended_at
        inv.attempts = number
        inv.attempt_ended_at = ended_at
        span = inv.span
        if span is None or (number == 1 and error_type is None and (status_code or 0) < 400):
            return
        attributes: dict[str, Any] = {semconv.HARNESS_LLM_ATTEMPT: number}
        if status_code is not None:
            attributes[semconv.HTTP_RESPONSE_STATUS_CODE] = status_code
        if error_type is not None:
            attributes[semconv.ERROR_TYPE] = error_type
        if waited is not None:
            attributes[semconv.HARNESS_LLM_RETRY_WAIT] = waited
        try:
            span.add_event(semconv.EVENT_LLM_ATTEMPT, attributes)
        except Exception as exc:  # noqa: BLE001
            self.errors.report("llm.attempt", exc)

    def stop(self, inv: LLMInvocation) -> None:
        """Record the response, usage, cost and metrics, and end the span."""
        self._finish(inv, None)

    def fail(self, inv: LLMInvocation, error: BaseException | str) -> None:
        """End the span as failed; ``error`` is the exception or an ``error.type`` value."""
        if inv.error_type is None:
            inv.error_type = error if isinstance(error, str) else type(error).__qualname__
        self._finish(inv, error if isinstance(error, BaseException) else None)

    def _finish(self, inv: LLMInvocation, exc: BaseException | None) -> None:
        span = inv.span
        if span is None:
            return
        inv.span = None  # ends exactly once
        try:
            try:
                self._detach(inv)
                counted = self._record(inv, span, exc)
            finally:
                span.end()  # whatever failed while recording, the span is not left open
            run = current_run_hooks()
            if run is not None:  # the agent run in context rolls the call up onto its span
                run.record_llm(inv, span, counted)
        except Exception as err:  # noqa: BLE001
            self.errors.report("llm.finish", err)

    def _record(self, inv: LLMInvocation, span: Span, exc: BaseException | None) -> bool:
        """Put the response, usage, cost and status on the span and queue the metrics; True if usage counted."""
        duration = time.perf_counter() - inv.started_at
        counted = self._usage_counted(inv)
        attributes = self._response_attributes(inv)
        if counted:
            self._add_usage_and_cost(attributes, inv)
        else:
            attributes[semconv.HARNESS_USAGE_COUNTED] = False
        if inv.error_type is not None:
            attributes[semconv.ERROR_TYPE] = inv.error_type
        span.set_attributes(attributes)  # one call: the SDK takes its lock once per call
        if inv.error_type is not None:
            span.set_status(Status(StatusCode.ERROR, str(exc) if exc is not None else inv.error_type))
            if exc is not None:
                span.record_exception(exc)
        self._record_metrics(inv, duration, counted)
        return counted

    def _detach(self, inv: LLMInvocation) -> None:
        if inv._ctx_token is not None:
            try:
                _active.reset(inv._ctx_token)
            except ValueError:  # ended in another context (a stream consumed elsewhere)
                _active.set(inv.parent)
            inv._ctx_token = None
        if inv._token is not None:
            otel_context.detach(inv._token)  # type: ignore[arg-type]
            inv._token = None

    def _usage_counted(self, inv: LLMInvocation) -> bool:
        """Usage and cost are recorded once: on the innermost span that saw them."""
        if inv.inner_recorded:
            return False
        if inv.parent is not None and inv.input_tokens is not None:
            inv.parent.inner_recorded = True
        return True

    def _response_attributes(self, inv: LLMInvocation) -> dict[str, Any]:
        attributes: dict[str, Any] = {}
        if inv.response_model:
            attributes[semconv.GEN_AI_RESPONSE_MODEL] = inv.response_model
        if inv.response_id:
            attributes[semconv.GEN_AI_RESPONSE_ID] = inv.response_id
        if inv.finish_reasons:
            attributes[semconv.GEN_AI_RESPONSE_FINISH_REASONS] = inv.finish_reasons
        if inv.first_chunk_at is not None:
            attributes[semconv.GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK] = inv.first_chunk_at - inv.started_at
        if inv.attempts != 1:
            attributes[semconv.HARNESS_LLM_ATTEMPTS] = inv.attempts
        if inv.tool_calls:
            attributes[semconv.GEN_AI_TOOL_NAME] = [name for name, _ in inv.tool_calls]
            attributes[semconv.GEN_AI_TOOL_CALL_ID] = [call_id for _, call_id in inv.tool_calls]
        if self.capture_content:
            self._set_content(attributes, inv)
        return attributes

    def content_text(self, value: object) -> str | None:
        """Captured content as span text: credentials redacted, then the user's hook, then JSON unless a string;
        None (counted) if that failed."""
        try:
            value = redact_value(value)
            if self.redact is not None:
                value = self.redact(value)
            return value if isinstance(value, str) else json.dumps(value, default=redacted_default)
        except Exception as exc:  # noqa: BLE001 - a redactor's bug or unserialisable content leaves the text out
            self.errors.report("content", exc)
            return None

    def _set_content(self, attributes: dict[str, Any], inv: LLMInvocation) -> None:
        for key, messages in (
            (semconv.GEN_AI_INPUT_MESSAGES, inv.input_messages),
            (semconv.GEN_AI_OUTPUT_MESSAGES, inv.output_messages),
        ):
            text = None if messages is None else self.content_text(messages)
            if text is not None:
                attributes[key] = text

    def _add_usage_and_cost(self, attributes: dict[str, Any], inv: LLMInvocation) -> None:
        if inv.input_tokens is None and inv.output_tokens is None:
            return
        input_tokens = inv.input_tokens or 0
        output_tokens = inv.output_tokens or 0
        attributes[semconv.GEN_AI_USAGE_INPUT_TOKENS] = input_tokens
        attributes[semconv.GEN_AI_USAGE_OUTPUT_TOKENS] = output_tokens
        if inv.cache_read_tokens:
            attributes[semconv.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS] = inv.cache_read_tokens
        if inv.cache_write_tokens:
            attributes[semconv.GEN_AI_USAGE_CACHE_WRITE_INPUT_TOKENS] = inv.cache_write_tokens
        if inv.reasoning_tokens:
            attributes[semconv.GEN_AI_USAGE_REASONING_OUTPUT_TOKENS] = inv.reasoning_tokens
        self._price(inv, attributes, input_tokens, output_tokens)

    def _price(self, inv: LLMInvocation, attributes: dict[str, Any], input_tokens: int, output_tokens: int) -> None:
        if inv.provider_cost is not None:
            inv.cost = inv.provider_cost
            attributes[semconv.GEN_AI_USAGE_COST_SOURCE] = semconv.COST_SOURCE_PROVIDER
        else:
            model = inv.response_model or inv.request_model
            price = self.price_book.lookup(inv.provider, model)
            if price is None and model != inv.request_model:
                price = self.price_book.lookup(inv.provider, inv.request_model)
            if price is None:
                self.instruments.cost_unknown_model.add(
                    1, {semconv.GEN_AI_PROVIDER_NAME: inv.provider, semconv.GEN_AI_REQUEST_MODEL: inv.request_model}
                )
                self.errors.warn_once(
                    f"price:{inv.provider}:{model}",
                    f"no price for provider={inv.provider!r} model={model!r}: cost not recorded "
                    "(add it to a price book file, HARNESS_PRICE_BOOK)",
                )
                return
            inv.cost = compute_cost(
                price,
                input_tokens=input_tokens,
                output_tokens=output_tokens,
                cache_read_tokens=inv.cache_read_tokens,
                cache_write_tokens=inv.cache_write_tokens,
            )
            attributes[semconv.GEN_AI_USAGE_COST_SOURCE] = semconv.COST_SOURCE_LOCAL
            attributes[semconv.HARNESS_PRICE_SOURCE] = price.source
            attributes[semconv.HARNESS_PRICE_VERSION] = price.version
        attributes[semconv.GEN_AI_USAGE_COST_AMOUNT] = inv.cost
        attributes[semconv.GEN_AI_USAGE_COST_CURRENCY] = semconv.COST_CURRENCY_USD

    def _record_metrics(self, inv: LLMInvocation, duration: float, counted: bool) -> None:
        attrs: dict[str, Any] = {
            semconv.GEN_AI_OPERATION_NAME: inv.operation,
            semconv.GEN_AI_PROVIDER_NAME: inv.provider,
            semconv.GEN_AI_REQUEST_MODEL: inv.request_model,
        }
        if inv.response_model:
            attrs[semconv.GEN_AI_RESPONSE_MODEL] = inv.response_model
        if inv.error_type is not None:
            attrs[semconv.ERROR_TYPE] = inv.error_type
        feature_name = current_feature()
        if feature_name is not None:
            attrs[semconv.HARNESS_FEATURE] = feature_name
        instruments = self.instruments
        key = tuple(attrs.items())
        instruments.deferred.defer(instruments.operation_duration, duration, key)
        if inv.first_chunk_at is not None:
            instruments.deferred.defer(instruments.time_to_first_chunk, inv.first_chunk_at - inv.started_at, key)
        if counted and inv.input_tokens is not None:
            usage = (
                float(inv.input_tokens),
                float(inv.output_tokens or 0),
                float(inv.cache_read_tokens),
                float(inv.cache_write_tokens),
                float(inv.reasoning_tokens),
                inv.cost or 0.0,
            )
            instruments.usage.add(key, usage)
