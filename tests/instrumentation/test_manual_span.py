"""The manual LLM API: span shape, usage, cost, metrics, and the app's exceptions untouched."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, tzinfo

import duckdb
import pytest
from opentelemetry.trace import SpanKind, StatusCode

from instrumentation import llm_call, semconv
from instrumentation.lake import traces_glob
from tests.conftest import Captured


def test_manual_span_lands_in_the_lake_with_attributes_and_cost(captured: Captured) -> None:
    with llm_call("gpt-4o", provider="openai", telemetry=captured.telemetry, temperature=0.2) as call:
        call.record_usage(input_tokens=1000, output_tokens=200, cache_read_tokens=400, reasoning_tokens=50)
        call.set_response(model="gpt-4o-2024-08-06", id="resp-1", finish_reasons=["stop"])
    captured.telemetry.shutdown()
    row = duckdb.execute(
        "SELECT SpanName, SpanKind, ServiceName, SpanAttributes, StatusCode "
        "FROM read_parquet(?, hive_partitioning = true)",
        [traces_glob(captured.telemetry.settings.lake_dir)],
    ).fetchall()
    assert len(row) == 1
    name, kind, service, attributes, status = row[0]
    assert (name, kind, service, status) == ("chat gpt-4o", "Client", "test-service", "Unset")
    assert attributes[semconv.GEN_AI_OPERATION_NAME] == "chat"
    assert attributes[semconv.GEN_AI_PROVIDER_NAME] == "openai"
    assert attributes[semconv.GEN_AI_RESPONSE_MODEL] == "gpt-4o-2024-08-06"
    assert attributes[semconv.GEN_AI_RESPONSE_FINISH_REASONS] == '["stop"]'
    assert attributes[semconv.GEN_AI_USAGE_INPUT_TOKENS] == "1000"
    assert attributes[semconv.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS] == "400"
    assert attributes[semconv.GEN_AI_USAGE_REASONING_OUTPUT_TOKENS] == "50"
    assert float(attributes[semconv.GEN_AI_USAGE_COST_AMOUNT]) == pytest.approx(0.004)
    assert attributes[semconv.GEN_AI_USAGE_COST_CURRENCY] == "USD"
    assert attributes[semconv.GEN_AI_USAGE_COST_SOURCE] == "local"
    assert attributes[semconv.HARNESS_PRICE_SOURCE] == "genai-prices"
    assert attributes[semconv.HARNESS_PRICE_VERSION]
    assert attributes[semconv.GEN_AI_REQUEST_TEMPERATURE] == "0.2"


def test_span_kind_and_metrics(captured: Captured) -> None:
    with llm_call("gpt-4o-mini", provider="openai", telemetry=captured.telemetry, stream=True) as call:
        call.mark_first_chunk()
        call.record_usage(input_tokens=10, output_tokens=5)
    span = captured.span("chat gpt-4o-mini")
    assert span.kind is SpanKind.CLIENT  # type: ignore[attr-defined]
    assert span.attributes[semconv.GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK] >= 0  # type: ignore[attr-defined]
    (input_tokens,) = captured.metric_points(semconv.METRIC_USAGE_INPUT_TOKENS)
    (output_tokens,) = captured.metric_points(semconv.METRIC_USAGE_OUTPUT_TOKENS)
    assert (input_tokens.value, output_tokens.value) == (10, 5)  # type: ignore[attr-defined]
    assert input_tokens.attributes[semconv.GEN_AI_REQUEST_MODEL] == "gpt-4o-mini"  # type: ignore[attr-defined]
    assert len(captured.metric_points(semconv.METRIC_CLIENT_OPERATION_DURATION)) == 1
    assert len(captured.metric_points(semconv.METRIC_CLIENT_TIME_TO_FIRST_CHUNK)) == 1
    (cost,) = captured.metric_points(semconv.METRIC_CLIENT_COST)
    assert cost.value == pytest.approx(10 * 0.15e-6 + 5 * 0.6e-6)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("now", "per_mtok"),
    [(datetime(2026, 3, 14, 10, 0, tzinfo=UTC), 0.27 + 1.10), (datetime(2026, 3, 14, 20, 0, tzinfo=UTC), 0.135 + 0.55)],
    ids=["peak", "off-peak"],
)
def test_a_model_priced_by_the_hour_is_priced_at_the_hour_of_the_call(
    captured: Captured, monkeypatch: pytest.MonkeyPatch, now: datetime, per_mtok: float
) -> None:
    """deepseek-chat costs half at off-peak hours (genai-prices): the call gets the price of the hour it was made."""

    class Clock(datetime):
        @classmethod
        def now(cls, tz: tzinfo | None = None) -> Clock:
            return cls.fromtimestamp(now.timestamp(), tz)

    monkeypatch.setattr("instrumentation._handler.datetime", Clock)
    with llm_call("deepseek-chat", provider="deepseek", telemetry=captured.telemetry) as call:
        call.record_usage(input_tokens=1_000_000, output_tokens=1_000_000)
    cost = captured.span("chat deepseek-chat").attributes[semconv.GEN_AI_USAGE_COST_AMOUNT]  # type: ignore[attr-defined]
    assert cost == pytest.approx(per_mtok, rel=1e-12)


def test_unknown_model_records_no_cost_and_counts(captured: Captured, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="instrumentation"):
        for _ in range(3):
            with llm_call("my-private-model", provider="openai", telemetry=captured.telemetry) as call:
                call.record_usage(input_tokens=10, output_tokens=5)
    spans = [s for s in captured.finished() if s.name == "chat my-private-model"]  # type: ignore[attr-defined]
    assert len(spans) == 3
    for span in spans:
        assert semconv.GEN_AI_USAGE_COST_AMOUNT not in span.attributes  # type: ignore[attr-defined]
        assert span.attributes[semconv.GEN_AI_USAGE_INPUT_TOKENS] == 10  # type: ignore[attr-defined]
    (unknown,) = captured.metric_points(semconv.METRIC_COST_UNKNOWN_MODEL)
    assert unknown.value == 3  # type: ignore[attr-defined]
    warnings = [r for r in caplog.records if "my-private-model" in r.getMessage()]
    assert len(warnings) == 1


def test_app_exception_passes_through_unchanged_and_marks_the_span(captured: Captured) -> None:
    class RateLimitedError(Exception):
        pass

    original = RateLimitedError("slow down")
    with pytest.raises(RateLimitedError) as raised, llm_call("gpt-4o", provider="openai", telemetry=captured.telemetry):
        raise original
    assert raised.value is original
    span = captured.span("chat gpt-4o")
    assert span.status.status_code is StatusCode.ERROR  # type: ignore[attr-defined]
    assert span.attributes[semconv.ERROR_TYPE].endswith("RateLimitedError")  # type: ignore[attr-defined]


def test_decorator_records_usage_through_current_call(captured: Captured) -> None:
    from instrumentation import current_llm_call

    @llm_call("gpt-4o-mini", provider="openai", telemetry=captured.telemetry)
    def answer(question: str) -> str:
        call = current_llm_call()
        assert call is not None
        call.record_usage(input_tokens=len(question.split()), output_tokens=2)
        return "it works"

    assert answer("does the decorator work") == "it works"
    span = captured.span("chat gpt-4o-mini")
    assert span.attributes[semconv.GEN_AI_USAGE_INPUT_TOKENS] == 4  # type: ignore[attr-defined]


async def test_async_decorator(captured: Captured) -> None:
    @llm_call("gpt-4o-mini", provider="openai", telemetry=captured.telemetry)
    async def answer() -> int:
        return 42

    assert await answer() == 42
    assert captured.span("chat gpt-4o-mini") is not None


def test_nested_llm_spans_count_usage_once(captured: Captured) -> None:
    with llm_call("gpt-4o", provider="openai", telemetry=captured.telemetry) as outer:
        with llm_call("gpt-4o", provider="openai", telemetry=captured.telemetry) as inner:
            inner.record_usage(input_tokens=100, output_tokens=10)
        outer.record_usage(input_tokens=100, output_tokens=10)
    spans = [s for s in captured.finished() if s.name == "chat gpt-4o"]  # type: ignore[attr-defined]
    with_cost = [s for s in spans if semconv.GEN_AI_USAGE_COST_AMOUNT in s.attributes]  # type: ignore[attr-defined]
    assert len(spans) == 2 and len(with_cost) == 1
    (cost,) = captured.metric_points(semconv.METRIC_CLIENT_COST)
    assert cost.value == pytest.approx(100 * 2.5e-6 + 10 * 10e-6)  # type: ignore[attr-defined]


async def test_concurrent_calls_of_a_decorated_function_each_end_their_own_span(captured: Captured) -> None:
    from instrumentation import current_llm_call

    @llm_call("gpt-4o-mini", provider="openai", telemetry=captured.telemetry)
    async def answer(tokens: int, delay: float) -> None:
        await asyncio.sleep(delay)  # the first call to start is the first to finish
        call = current_llm_call()
        assert call is not None
        call.record_usage(input_tokens=tokens, output_tokens=1)

    await asyncio.gather(answer(10, 0.0), answer(20, 0.02))
    spans = [s for s in captured.finished() if s.name == "chat gpt-4o-mini"]  # type: ignore[attr-defined]
    assert sorted(s.attributes[semconv.GEN_AI_USAGE_INPUT_TOKENS] for s in spans) == [10, 20]  # type: ignore[attr-defined]
