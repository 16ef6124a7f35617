"""The Anthropic wrapper against the real SDK and the local model server: net input normalised, streams, helper."""

from __future__ import annotations

import gc
import inspect
from collections.abc import Iterator

import anthropic
import pytest
from opentelemetry.trace import StatusCode

from harness.model_server import ServerHandle
from instrumentation import instrument_anthropic, semconv
from tests.conftest import Captured
from tests.instrumentation.test_providers_support import API_KEY, attrs, every_value

QUESTION = [{"role": "user", "content": "How do I reset my password?"}]
ORDER_TOOL = {"name": "lookup_order", "input_schema": {"type": "object", "properties": {"order_id": {}}}}
# The server's usage for QUESTION on a *-cached model: net input 7, cache read 48, cache write 16, output 30.
GROSS_INPUT = 7 + 48 + 16
# 7 x $3 + 48 x $0.30 + 16 x $3.75 + 30 x $15, per million tokens
COST = 545.4e-6


@pytest.fixture
def client(server: ServerHandle, cap: Captured) -> Iterator[anthropic.Anthropic]:
    with anthropic.Anthropic(base_url=server.anthropic_base_url, api_key=API_KEY) as sdk:
        instrument_anthropic(sdk, telemetry=cap.telemetry)
        yield sdk


def test_messages_span_normalises_net_input_to_gross_and_prices_it_by_hand(
    client: anthropic.Anthropic, cap: Captured, server: ServerHandle
) -> None:
    reply = client.messages.create(
        model="claude-test-cached", max_tokens=256, stop_sequences=["END"], messages=QUESTION
    )
    assert (reply.usage.input_tokens, reply.usage.cache_read_input_tokens) == (7, 48)
    a = attrs(cap.span("chat claude-test-cached"))
    assert a[semconv.GEN_AI_PROVIDER_NAME] == "anthropic"
    assert (a[semconv.SERVER_ADDRESS], a[semconv.SERVER_PORT]) == ("127.0.0.1", server.port)
    assert (a[semconv.GEN_AI_REQUEST_MAX_TOKENS], a[semconv.GEN_AI_REQUEST_STOP_SEQUENCES]) == (256, ("END",))
    assert a[semconv.GEN_AI_RESPONSE_ID] == reply.id
    assert a[semconv.GEN_AI_RESPONSE_FINISH_REASONS] == ("end_turn",)
    assert a[semconv.GEN_AI_USAGE_INPUT_TOKENS] == GROSS_INPUT
    assert a[semconv.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS] == 48
    assert a[semconv.GEN_AI_USAGE_CACHE_WRITE_INPUT_TOKENS] == 16
    assert a[semconv.GEN_AI_USAGE_OUTPUT_TOKENS] == 30
    assert a[semconv.GEN_AI_USAGE_COST_AMOUNT] == pytest.approx(COST)


def _genai_prices_cost(a: dict[str, object], speed: str | None) -> float:
    """What genai-prices charges now for the span's usage of claude-opus-4-8 at that speed."""
    from genai_prices import Usage, calc_price

    usage = Usage(
        input_tokens=int(a[semconv.GEN_AI_USAGE_INPUT_TOKENS]),  # type: ignore[call-overload]
        output_tokens=int(a[semconv.GEN_AI_USAGE_OUTPUT_TOKENS]),  # type: ignore[call-overload]
    )
    context = None if speed is None else {"speed": speed}
    return float(calc_price(usage, "claude-opus-4-8", provider_id="anthropic", price_context=context).total_price)


@pytest.mark.parametrize("api", ["create", "create stream", "stream helper"])
@pytest.mark.parametrize("speed", ["fast", "standard", None])
def test_a_fast_mode_call_is_priced_at_the_fast_mode_price(
    client: anthropic.Anthropic, cap: Captured, api: str, speed: str | None
) -> None:
    asked: dict[str, object] = {}
    if speed is not None:  # SDKs before 0.79 have no speed parameter: they send it as an extra field
        named = "speed" in inspect.signature(anthropic.resources.Messages.create).parameters
        asked = {"speed": speed} if named else {"extra_body": {"speed": speed}}
    question = {"model": "claude-opus-4-8", "max_tokens": 256, "messages": QUESTION, **asked}
    if api == "create":
        assert getattr(client.messages.create(**question).usage, "speed", None) == speed  # type: ignore[call-overload]
    elif api == "create stream":
        for _ in client.messages.create(stream=True, **question):  # type: ignore[call-overload]
            pass
    else:
        with client.messages.stream(**question) as stream:  # type: ignore[arg-type]
            stream.until_done()
    a = attrs(cap.span("chat claude-opus-4-8"))
    assert a.get(semconv.HARNESS_ANTHROPIC_SPEED) == speed
    cost = a[semconv.GEN_AI_USAGE_COST_AMOUNT]
    assert cost == pytest.approx(_genai_prices_cost(a, speed), rel=1e-12)
    assert cost == pytest.approx(_genai_prices_cost(a, None) * (2 if speed == "fast" else 1), rel=1e-9)


def test_tool_use_blocks_are_recorded(client: anthropic.Anthropic, cap: Captured) -> None:
    messages = [{"role": "user", "content": "Where is ORD-1042?"}]
    reply = client.messages.create(model="claude-test", max_tokens=64, messages=messages, tools=[ORDER_TOOL])
    a = attrs(cap.span("chat claude-test"))
    assert a[semconv.GEN_AI_RESPONSE_FINISH_REASONS] == ("tool_use",)
    assert a[semconv.GEN_AI_TOOL_NAME] == ("lookup_order",)
    assert a[semconv.GEN_AI_TOOL_CALL_ID] == (reply.content[0].id,)


def test_streamed_messages_carry_usage_and_cost(client: anthropic.Anthropic, cap: Captured) -> None:
    events = list(client.messages.create(model="claude-test-cached", max_tokens=256, messages=QUESTION, stream=True))
    a = attrs(cap.span("chat claude-test-cached"))
    assert events[-1].type == "message_stop"
    assert a[semconv.GEN_AI_REQUEST_STREAM] is True
    assert a[semconv.GEN_AI_USAGE_INPUT_TOKENS] == GROSS_INPUT
    assert a[semconv.GEN_AI_USAGE_OUTPUT_TOKENS] == 30
    assert a[semconv.GEN_AI_USAGE_COST_AMOUNT] == pytest.approx(COST)
    assert a[semconv.GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK] > 0


def test_the_messages_stream_helper_is_one_span_with_usage_and_tool_calls(
    client: anthropic.Anthropic, cap: Captured
) -> None:
    messages = [{"role": "user", "content": "Where is ORD-1042?"}]
    with client.messages.stream(model="claude-test", max_tokens=64, messages=messages, tools=[ORDER_TOOL]) as s:
        final = s.get_final_message()
    spans = cap.finished()
    assert [span.name for span in spans] == ["chat claude-test"]
    a = attrs(spans[0])
    assert a[semconv.GEN_AI_TOOL_CALL_ID] == (final.content[0].id,)
    assert a[semconv.GEN_AI_USAGE_OUTPUT_TOKENS] == final.usage.output_tokens
    assert a[semconv.GEN_AI_RESPONSE_FINISH_REASONS] == ("tool_use",)


def test_the_stream_helper_left_early_ends_the_span_as_closed(client: anthropic.Anthropic, cap: Captured) -> None:
    with client.messages.stream(model="claude-test", max_tokens=64, messages=QUESTION) as s:
        next(iter(s.text_stream))
    span = cap.span("chat claude-test")
    assert span.status.status_code == StatusCode.ERROR
    assert attrs(span)[semconv.ERROR_TYPE] == semconv.ERROR_STREAM_CLOSED


def test_an_abandoned_stream_ends_with_an_error(client: anthropic.Anthropic, cap: Captured) -> None:
    stream = client.messages.create(model="claude-test", max_tokens=64, messages=QUESTION, stream=True)
    next(iter(stream))
    del stream
    gc.collect()
    a = attrs(cap.span("chat claude-test"))
    assert a[semconv.ERROR_TYPE] == semconv.ERROR_STREAM_ABANDONED
    assert a[semconv.GEN_AI_RESPONSE_FINISH_REASONS] == (semconv.FINISH_REASON_ERROR,)


def test_a_429_then_success_shows_two_attempts(client: anthropic.Anthropic, cap: Captured) -> None:
    client.messages.create(model="fault-429", max_tokens=64, messages=QUESTION)
    span = cap.span("chat fault-429")
    assert attrs(span)[semconv.HARNESS_LLM_ATTEMPTS] == 2
    events = [dict(e.attributes) for e in span.events if e.name == semconv.EVENT_LLM_ATTEMPT]
    assert [e[semconv.HTTP_RESPONSE_STATUS_CODE] for e in events] == [429, 200]


async def test_async_client_stream_helper(server: ServerHandle, cap: Captured) -> None:
    sdk = anthropic.AsyncAnthropic(base_url=server.anthropic_base_url, api_key=API_KEY)
    instrument_anthropic(sdk, telemetry=cap.telemetry)
    async with sdk.messages.stream(model="claude-test-cached", max_tokens=64, messages=QUESTION) as s:
        text = "".join([chunk async for chunk in s.text_stream])
    await sdk.messages.create(model="claude-test-plain", max_tokens=64, messages=QUESTION)
    await sdk.close()
    spans = {span.name: attrs(span) for span in cap.finished()}
    assert text
    assert spans["chat claude-test-cached"][semconv.GEN_AI_USAGE_COST_AMOUNT] == pytest.approx(COST)
    assert spans["chat claude-test-plain"][semconv.GEN_AI_USAGE_OUTPUT_TOKENS] > 0


def test_content_off_by_default_and_no_api_key(client: anthropic.Anthropic, cap: Captured) -> None:
    client.messages.create(model="claude-test", max_tokens=64, messages=QUESTION, system="Be brief.")
    spans = cap.finished()
    assert semconv.GEN_AI_INPUT_MESSAGES not in spans[0].attributes
    assert not [v for v in every_value(spans) if API_KEY in v]


@pytest.mark.skipif(not hasattr(anthropic.Anthropic, "open_telemetry"), reason="the SDK makes spans from 2.0 on")
def test_the_sdk_own_span_is_off_by_default_so_one_call_is_one_span(server: ServerHandle, cap: Captured) -> None:
    sdk_option = {"tracer_provider": cap.telemetry.tracer_provider}
    for keep in (False, True):
        with anthropic.Anthropic(base_url=server.anthropic_base_url, api_key=API_KEY, open_telemetry=sdk_option) as c:
            handle = instrument_anthropic(c, telemetry=cap.telemetry, sdk_spans=keep)
            c.messages.create(model=f"claude-test-{keep}", max_tokens=32, messages=QUESTION)
            handle.undo()
            assert "_lazy_tracer" not in vars(c) or c._lazy_tracer is not None
    spans = cap.finished()
    ours = [s for s in spans if s.instrumentation_scope.name == semconv.INSTRUMENTATION_SCOPE]
    sdk_own = [s for s in spans if s.instrumentation_scope.name != semconv.INSTRUMENTATION_SCOPE]
    assert sorted(s.name for s in ours) == ["chat claude-test-False", "chat claude-test-True"]
    assert len(sdk_own) == 1  # only where sdk_spans=True, nested under ours
    assert sdk_own[0].parent.span_id == next(s for s in ours if "True" in s.name).context.span_id
