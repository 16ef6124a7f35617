"""One handler owns every span lifecycle: start, end exactly once, status, duration; for inference also usage,
cost and metrics.

Provider adapters and the manual API only fill an ``LLMInvocation`` record; agent runs an ``AgentRun`` and
tools a ``ToolCall``. ``start_llm`` / ``start_agent`` / ``start_tool`` open the span of each kind (its private
state is one small type in ``instrumentation._spans``), and ``stop`` / ``fail`` end any of them.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.metrics import Histogram
from opentelemetry.trace import Link, Status, StatusCode, Tracer

from instrumentation import semconv
from instrumentation._context import current_feature
from instrumentation._cost import PriceBook, compute_cost
from instrumentation._internal_errors import InternalErrors
from instrumentation._metrics import Instruments
from instrumentation._records import LLMInvocation
from instrumentation._redact import redact_value, redacted_default
from instrumentation._spans import AgentSpan, Error, InferenceSpan, OpenSpan, ToolSpan

if TYPE_CHECKING:
    from instrumentation._agent._run import AgentRun
    from instrumentation._agent._tool import ToolCall

Redactor = Callable[[Any], Any]
S = TypeVar("S", bound=OpenSpan)


class TelemetryHandler:
    """Turns records into spans, cost and metrics; never raises into the app."""

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

    # --- one method per kind of span ------------------------------------------------------------------

    def start_llm(self, record: LLMInvocation) -> InferenceSpan:
        """Open the ``chat {model}`` CLIENT span and make it current; end it with ``stop`` or ``fail``."""
        return self.start(InferenceSpan(record))

    def start_agent(self, run: AgentRun, attributes: dict[str, Any]) -> AgentSpan:
        """Open the ``invoke_agent {name}`` span and make it and the run current."""
        return self.start(AgentSpan(run, attributes))

    def start_tool(
        self, call: ToolCall, attributes: dict[str, Any], *, arguments: object, links: Sequence[Link]
    ) -> ToolSpan:
        """Open the ``execute_tool {name}`` span and make it current."""
        return self.start(ToolSpan(call, attributes, arguments=arguments, links=links))

    # --- the lifecycle every kind shares --------------------------------------------------------------

    def start(self, inv: S) -> S:
        """Open the span of ``inv`` and make it current; the caller must call ``stop`` or ``fail``."""
        inv.handler = self
        inv.started_at = time.perf_counter()
        try:
            span = self.tracer.start_span(
                inv.name, kind=inv.kind, attributes=inv.start_attributes(self), links=inv.links
            )
        except Exception as exc:  # noqa: BLE001 - the call goes on untraced rather than break the app
            self.errors.report(f"{inv.where}.start", exc)
            span = trace.INVALID_SPAN
        inv.span = span
        inv._otel_token = otel_context.attach(trace.set_span_in_context(span))
        inv.enter()
        return inv

    def release(self, inv: OpenSpan) -> None:
        """Stop the span being current but leave it open: a stream's span outlives the call that returned it."""
        try:
            self._detach(inv)
        except Exception as exc:  # noqa: BLE001
            self.errors.report(f"{inv.where}.release", exc)

    def fail(self, inv: OpenSpan, error: BaseException | str) -> None:
        """End the span as failed; ``error`` is the exception or an ``error.type`` value."""
        self.stop(inv, error)

    def stop(self, inv: OpenSpan, error: Error = None) -> None:
        """End the span as completed (or, from ``fail``, failed), with what its kind records at the end."""
        span = inv.span
        if span is None:
            return
        inv.span = None  # ends exactly once
        try:
            duration = time.perf_counter() - inv.started_at
            error_type = inv.error_type(error)
            try:
                inv.leave()
                if inv._otel_token is not None:
                    otel_context.detach(inv._otel_token)  # type: ignore[arg-type]
                    inv._otel_token = None
                attributes = inv.end_attributes(self, error)
                if error_type is not None:
                    attributes[semconv.ERROR_TYPE] = error_type
                span.set_attributes(attributes)  # one call: the SDK takes its lock once per call
                if error_type is not None:
                    exc = error if isinstance(error, BaseException) else None
                    span.set_status(Status(StatusCode.ERROR, (str(exc) if exc is not None else "") or error_type))
                    if exc is not None:
                        span.record_exception(exc)
            finally:
                span.end()  # whatever failed while recording, the span is not left open
            inv.record_metrics(self, duration, error_type)
            inv.ended(self, span)
        except Exception as err:  # noqa: BLE001 - telemetry must not break the app
            self.errors.report(f"{inv.where}.finish", err)

    def _detach(self, inv: OpenSpan) -> None:
        inv.leave()
        if inv._otel_token is not None:
            otel_context.detach(inv._otel_token)  # type: ignore[arg-type]
            inv._otel_token = None

    def record_duration(
        self, histogram: Histogram, duration: float, attributes: dict[str, Any], error_type: str | None
    ) -> None:
        """Queue a span's duration into its histogram (the deferred recorder batches them off the hot path)."""
        if error_type is not None:
            attributes[semconv.ERROR_TYPE] = error_type
        self.instruments.deferred.defer(histogram, duration, tuple(attributes.items()))

    # --- inference: attempts, usage, cost, metrics ----------------------------------------------------

    def attempt(
        self,
        inv: InferenceSpan,
        number: int,
        started_at: float,
        *,
        status_code: int | None = None,
        error_type: str | None = None,
    ) -> None:
        """Record one HTTP attempt of the SDK's retry loop; an event only when the call failed or retried."""
        ended_at = time.perf_counter()
        waited = None if inv.attempt_ended_at is None else started_at - inv.attempt_ended_at
        inv.record.attempts = number
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

    def inference_end_attributes(self, span: InferenceSpan) -> dict[str, Any]:
        """The response, usage and cost; usage only on the innermost span that saw it, or why it is absent."""
        inv = span.record
        span.counted = span.usage_counted()
        attributes = self._response_attributes(inv)
        if not span.counted:
            attributes[semconv.HARNESS_USAGE_COUNTED] = False
        elif inv.input_tokens is not None or inv.output_tokens is not None:
            span.cost = self._add_usage_and_cost(attributes, inv)
        elif inv.error_type is None:  # a completed call that says nothing of its usage: say why
            attributes[semconv.HARNESS_USAGE_ABSENT_REASON] = (
                semconv.USAGE_ABSENT_PROVIDER_OMITTED
                if inv.usage_requested
                else semconv.USAGE_ABSENT_STREAM_WITHOUT_USAGE
            )
        return attributes

    def _response_attributes(self, inv: LLMInvocation) -> dict[str, Any]:
        attributes: dict[str, Any] = {}
        if inv.response_model:
            attributes[semconv.GEN_AI_RESPONSE_MODEL] = inv.response_model
        if inv.response_id:
            attributes[semconv.GEN_AI_RESPONSE_ID] = inv.response_id
        if inv.service_tier:
            attributes[semconv.OPENAI_RESPONSE_SERVICE_TIER] = inv.service_tier
        if inv.speed:
            attributes[semconv.HARNESS_ANTHROPIC_SPEED] = inv.speed
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

    def _add_usage_and_cost(self, attributes: dict[str, Any], inv: LLMInvocation) -> float | None:
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
        return self._price(inv, attributes, input_tokens, output_tokens)

    def _price(
        self, inv: LLMInvocation, attributes: dict[str, Any], input_tokens: int, output_tokens: int
    ) -> float | None:
        if inv.provider_cost is not None:
            cost = inv.provider_cost
            attributes[semconv.GEN_AI_USAGE_COST_SOURCE] = semconv.COST_SOURCE_PROVIDER
        else:
            model = inv.response_model or inv.request_model
            # the tier that served it, else the one asked for: flex and priority calls have prices of their own,
            # as do Anthropic's fast-mode calls
            requested = inv.request_attributes.get(semconv.OPENAI_REQUEST_SERVICE_TIER)
            tier = inv.service_tier or (requested if isinstance(requested, str) else None)
            schedule = self.price_book.schedule(inv.provider, model, tier, inv.speed)
            if schedule is None and model != inv.request_model:
                schedule = self.price_book.schedule(inv.provider, inv.request_model, tier, inv.speed)
            if schedule is None:
                self.instruments.cost_unknown_model.add(
                    1, {semconv.GEN_AI_PROVIDER_NAME: inv.provider, semconv.GEN_AI_REQUEST_MODEL: inv.request_model}
                )
                self.errors.warn_once(
                    f"price:{inv.provider}:{model}",
                    f"no price for provider={inv.provider!r} model={model!r}: cost not recorded "
                    "(add it to a price book file, HARNESS_PRICE_BOOK)",
                )
                return None
            # priced as of the request, as genai-prices does: some prices change at a date or an hour of the day
            price = schedule.fixed or schedule.at(
                datetime.now(UTC) - timedelta(seconds=time.perf_counter() - inv.started_at)
            )
            cost = compute_cost(
                price,
                input_tokens=input_tokens,
                output_tokens=output_tokens,
                cache_read_tokens=inv.cache_read_tokens,
                cache_write_tokens=inv.cache_write_tokens,
            )
            attributes[semconv.GEN_AI_USAGE_COST_SOURCE] = semconv.COST_SOURCE_LOCAL
            attributes[semconv.HARNESS_PRICE_SOURCE] = price.source
            attributes[semconv.HARNESS_PRICE_VERSION] = price.version
        attributes[semconv.GEN_AI_USAGE_COST_AMOUNT] = cost
        attributes[semconv.GEN_AI_USAGE_COST_CURRENCY] = semconv.COST_CURRENCY_USD
        return cost

    def inference_metrics(self, span: InferenceSpan, duration: float) -> None:
        inv = span.record
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
        if span.counted and inv.input_tokens is not None:
            usage = (
                float(inv.input_tokens),
                float(inv.output_tokens or 0),
                float(inv.cache_read_tokens),
                float(inv.cache_write_tokens),
                float(inv.reasoning_tokens),
                span.cost or 0.0,
            )
            instruments.usage.add(key, usage)
