"""The OpenAI wrapper against the real SDK and the local model server: spans, usage, cost, streams, retries."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Iterator

import openai
import pytest
from opentelemetry.trace import SpanKind, StatusCode

from harness.model_server import ServerHandle
from instrumentation import instrument_openai, semconv
from tests.conftest import Captured
from tests.instrumentation.test_providers_support import API_KEY, attrs, every_value

QUESTION = [{"role": "user", "content": "How do I reset my password?"}]
ORDER_TOOL = {
    "type": "function",
    "function": {"name": "lookup_order", "parameters": {"type": "object", "properties": {"order_id": {}}}},
}


@pytest.fixture
def client(server: ServerHandle, cap: Captured) -> Iterator[openai.OpenAI]:
    with openai.OpenAI(base_url=server.openai_base_url, api_key=API_KEY, max_retries=2) as sdk:
        instrument_openai(sdk, telemetry=cap.telemetry, include_stream_usage=True)
        yield sdk


@pytest.fixture
def aclient(server: ServerHandle, cap: Captured) -> openai.AsyncOpenAI:
    sdk = openai.AsyncOpenAI(base_url=server.openai_base_url, api_key=API_KEY)
    instrument_openai(sdk, telemetry=cap.telemetry, include_stream_usage=True)
    return sdk


def test_chat_span_has_the_conventions_attributes_and_hand_worked_cached_cost(
    client: openai.OpenAI, cap: Captured, server: ServerHandle
) -> None:
    reply = client.chat.completions.create(
        model="gpt-test-cached", messages=QUESTION, temperature=0.2, max_tokens=64, seed=7, stop=["\n\n"]
    )
    span = cap.span("chat gpt-test-cached")
    a = attrs(span)
    assert span.kind == SpanKind.CLIENT
    assert a[semconv.GEN_AI_PROVIDER_NAME] == "openai"
    assert (a[semconv.SERVER_ADDRESS], a[semconv.SERVER_PORT]) == ("127.0.0.1", server.port)
    assert a[semconv.GEN_AI_REQUEST_TEMPERATURE] == 0.2
    assert a[semconv.GEN_AI_REQUEST_MAX_TOKENS] == 64
    assert a[semconv.GEN_AI_REQUEST_SEED] == 7
    assert a[semconv.GEN_AI_REQUEST_STOP_SEQUENCES] == ("\n\n",)
    assert a[semconv.GEN_AI_RESPONSE_ID] == reply.id
    assert a[semconv.GEN_AI_RESPONSE_MODEL] == reply.model
    assert a[semconv.GEN_AI_RESPONSE_FINISH_REASONS] == ("stop",)
    # The server's usage for this prompt: 71 gross input of which 48 cache read and 16 cache write, 30 output.
    assert (reply.usage.prompt_tokens, reply.usage.completion_tokens) == (71, 30)
    assert a[semconv.GEN_AI_USAGE_INPUT_TOKENS] == 71
    assert a[semconv.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS] == 48
    assert a[semconv.GEN_AI_USAGE_CACHE_WRITE_INPUT_TOKENS] == 16
    assert a[semconv.GEN_AI_USAGE_OUTPUT_TOKENS] == 30
    # 7 uncached x $2 + 48 x $0.5 + 16 x $2.5 + 30 x $8, per million tokens
    assert a[semconv.GEN_AI_USAGE_COST_AMOUNT] == pytest.approx(318e-6)
    assert a[semconv.GEN_AI_USAGE_COST_SOURCE] == semconv.COST_SOURCE_LOCAL


def _genai_prices_cost(model: str, a: dict[str, object], tier: str | None) -> float:
    """What genai-prices charges for the span's usage now, at that service tier."""
    from genai_prices import Usage, calc_price

    usage = Usage(
        input_tokens=int(a[semconv.GEN_AI_USAGE_INPUT_TOKENS]),  # type: ignore[call-overload]
        output_tokens=int(a[semconv.GEN_AI_USAGE_OUTPUT_TOKENS]),  # type: ignore[call-overload]
    )
    context = None if tier is None else {"service_tier": tier}
    return float(calc_price(usage, model, provider_id="openai", price_context=context).total_price)


@pytest.mark.parametrize("api", ["chat", "chat stream", "responses"])
@pytest.mark.parametrize("tier", ["flex", "priority", None])
def test_a_call_is_priced_at_the_service_tier_that_served_it(
    client: openai.OpenAI, cap: Captured, api: str, tier: str | None
) -> None:
    asked = {} if tier is None else {"service_tier": tier}
    if api == "chat":
        client.chat.completions.create(model="gpt-5-mini", messages=QUESTION, **asked)  # type: ignore[call-overload]
    elif api == "chat stream":
        for _ in client.chat.completions.create(model="gpt-5-mini", messages=QUESTION, stream=True, **asked):  # type: ignore[call-overload]
            pass
    else:
        client.responses.create(model="gpt-5-mini", input="How do I reset my password?", **asked)  # type: ignore[arg-type]
    a = attrs(cap.span("chat gpt-5-mini"))
    assert a[semconv.OPENAI_RESPONSE_SERVICE_TIER] == (tier or "default")
    assert a.get(semconv.OPENAI_REQUEST_SERVICE_TIER) == tier
    cost = a[semconv.GEN_AI_USAGE_COST_AMOUNT]
    assert cost == pytest.approx(_genai_prices_cost("gpt-5-mini", a, tier), rel=1e-12)
    standard = _genai_prices_cost("gpt-5-mini", a, None)
    assert cost == pytest.approx({"flex": standard / 2, "priority": standard * 1.8, None: standard}[tier], rel=1e-9)


def test_tool_calls_requested_are_recorded_with_names_and_ids(client: openai.OpenAI, cap: Captured) -> None:
    reply = client.chat.completions.create(
        model="gpt-test", messages=[{"role": "user", "content": "Where is ORD-1042?"}], tools=[ORDER_TOOL]
    )
    call = reply.choices[0].message.tool_calls[0]
    a = attrs(cap.span("chat gpt-test"))
    assert a[semconv.GEN_AI_RESPONSE_FINISH_REASONS] == ("tool_calls",)
    assert a[semconv.GEN_AI_TOOL_NAME] == ("lookup_order",)
    assert a[semconv.GEN_AI_TOOL_CALL_ID] == (call.id,)


def test_streamed_chat_span_covers_the_stream_with_usage_and_time_to_first_chunk(
    client: openai.OpenAI, cap: Captured
) -> None:
    stream = client.chat.completions.create(model="gpt-test-cached", messages=QUESTION, stream=True)
    assert cap.finished() == []  # open while the app reads
    text = "".join(chunk.choices[0].delta.content or "" for chunk in stream if chunk.choices)
    a = attrs(cap.span("chat gpt-test-cached"))
    assert text
    assert a[semconv.GEN_AI_REQUEST_STREAM] is True
    assert a[semconv.GEN_AI_USAGE_INPUT_TOKENS] == 71
    assert a[semconv.GEN_AI_USAGE_COST_AMOUNT] == pytest.approx(318e-6)
    assert a[semconv.GEN_AI_RESPONSE_FINISH_REASONS] == ("stop",)
    assert 0 < a[semconv.GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK] < 5


def test_streamed_tool_calls_and_the_context_manager_end_the_span_once(client: openai.OpenAI, cap: Captured) -> None:
    messages = [{"role": "user", "content": "Where is ORD-1042?"}]
    with client.chat.completions.create(model="gpt-test", messages=messages, tools=[ORDER_TOOL], stream=True) as s:
        chunks = list(s)
    call_id = next(c.choices[0].delta.tool_calls[0].id for c in chunks if c.choices and c.choices[0].delta.tool_calls)
    a = attrs(cap.span("chat gpt-test"))
    assert a[semconv.GEN_AI_TOOL_CALL_ID] == (call_id,)
    assert a[semconv.GEN_AI_RESPONSE_FINISH_REASONS] == ("tool_calls",)


def test_a_stream_closed_early_ends_once_as_closed(client: openai.OpenAI, cap: Captured) -> None:
    with client.chat.completions.create(model="gpt-test", messages=QUESTION, stream=True) as stream:
        next(iter(stream))
    stream.close()  # a second close changes nothing
    span = cap.span("chat gpt-test")
    assert span.status.status_code == StatusCode.ERROR
    assert attrs(span)[semconv.ERROR_TYPE] == semconv.ERROR_STREAM_CLOSED


def test_an_abandoned_stream_ends_its_span_with_an_error_when_collected(client: openai.OpenAI, cap: Captured) -> None:
    stream = client.chat.completions.create(model="gpt-test", messages=QUESTION, stream=True)
    next(iter(stream))
    del stream
    gc.collect()
    span = cap.span("chat gpt-test")
    assert span.status.status_code == StatusCode.ERROR
    assert attrs(span)[semconv.ERROR_TYPE] == semconv.ERROR_STREAM_ABANDONED
    assert attrs(span)[semconv.GEN_AI_RESPONSE_FINISH_REASONS][-1] == semconv.FINISH_REASON_ERROR


def test_a_stream_cut_by_the_server_fails_the_span_with_the_sdk_error(client: openai.OpenAI, cap: Captured) -> None:
    # openai 3 raises APIError; before, the transport's own error (httpx.RemoteProtocolError) came through
    with pytest.raises(Exception) as raised:
        for _ in client.chat.completions.create(model="fault-cut", messages=QUESTION, stream=True):
            pass
    assert isinstance(raised.value, openai.APIError) or type(raised.value).__module__.startswith("httpx")
    span = cap.span("chat fault-cut")
    assert span.status.status_code == StatusCode.ERROR
    assert attrs(span)[semconv.ERROR_TYPE] == type(raised.value).__qualname__


def test_a_429_then_success_shows_two_attempts_on_one_span(client: openai.OpenAI, cap: Captured) -> None:
    client.chat.completions.create(model="fault-429", messages=QUESTION)
    span = cap.span("chat fault-429")
    assert attrs(span)[semconv.HARNESS_LLM_ATTEMPTS] == 2
    assert span.status.status_code == StatusCode.UNSET
    events = [dict(e.attributes) for e in span.events if e.name == semconv.EVENT_LLM_ATTEMPT]
    assert [(e[semconv.HARNESS_LLM_ATTEMPT], e[semconv.HTTP_RESPONSE_STATUS_CODE]) for e in events] == [
        (1, 429),
        (2, 200),
    ]
    assert events[1][semconv.HARNESS_LLM_RETRY_WAIT] >= 0.04  # the server's retry-after was 0.05 s


def test_a_failed_call_records_error_type_and_status(client: openai.OpenAI, cap: Captured) -> None:
    with pytest.raises(openai.InternalServerError):  # `with_options` copies the client: the copy is traced too
        client.with_options(max_retries=0).chat.completions.create(model="fault-500", messages=QUESTION)
    with pytest.raises(openai.BadRequestError):
        client.chat.completions.create(model="gpt-test", messages=[])
    failed = cap.span("chat fault-500")
    assert failed.status.status_code == StatusCode.ERROR
    assert attrs(failed)[semconv.ERROR_TYPE] == "InternalServerError"
    attempts = [dict(e.attributes) for e in failed.events if e.name == semconv.EVENT_LLM_ATTEMPT]
    assert [e[semconv.HTTP_RESPONSE_STATUS_CODE] for e in attempts] == [500]
    assert attrs(cap.span("chat gpt-test"))[semconv.ERROR_TYPE] == "BadRequestError"


def test_responses_plain_and_streamed(client: openai.OpenAI, cap: Captured) -> None:
    plain = client.responses.create(model="gpt-test-cached", input="How do I reset my password?", max_output_tokens=99)
    with client.responses.create(model="gpt-test-reasoning", input="How do I reset my password?", stream=True) as s:
        events = list(s)
    by_model = {s.attributes[semconv.GEN_AI_REQUEST_MODEL]: attrs(s) for s in cap.finished()}
    a = by_model["gpt-test-cached"]
    assert a[semconv.OPENAI_API_TYPE] == semconv.OPENAI_API_RESPONSES
    assert a[semconv.GEN_AI_RESPONSE_ID] == plain.id
    assert a[semconv.GEN_AI_REQUEST_MAX_TOKENS] == 99
    assert a[semconv.GEN_AI_USAGE_INPUT_TOKENS] == plain.usage.input_tokens
    assert a[semconv.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS] == 48
    streamed = by_model["gpt-test-reasoning"]
    final = events[-1].response
    assert streamed[semconv.GEN_AI_RESPONSE_ID] == final.id
    assert streamed[semconv.GEN_AI_USAGE_OUTPUT_TOKENS] == final.usage.output_tokens
    assert streamed[semconv.GEN_AI_USAGE_REASONING_OUTPUT_TOKENS] == 24
    assert semconv.GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK in streamed


def test_embeddings_span(client: openai.OpenAI, cap: Captured) -> None:
    result = client.embeddings.create(model="text-embedding-test", input=["a b c", "d e"], dimensions=8)
    span = cap.span("embeddings text-embedding-test")
    a = attrs(span)
    assert a[semconv.GEN_AI_OPERATION_NAME] == semconv.OP_EMBEDDINGS
    assert a[semconv.GEN_AI_USAGE_INPUT_TOKENS] == result.usage.prompt_tokens
    assert a[semconv.GEN_AI_EMBEDDINGS_DIMENSION_COUNT] == 8


async def test_async_streams_inside_gather_keep_their_parent(aclient: openai.AsyncOpenAI, cap: Captured) -> None:
    tracer = cap.telemetry.tracer

    async def ask(n: int) -> None:
        stream = await aclient.chat.completions.create(model=f"gpt-test-{n}", messages=QUESTION, stream=True)
        with tracer.start_as_current_span(f"after-{n}"):  # the stream's span is not current once returned
            async for _ in stream:
                await asyncio.sleep(0)

    with tracer.start_as_current_span("parent") as parent:
        await asyncio.gather(ask(1), ask(2))
    await aclient.close()
    parent_id = parent.get_span_context().span_id
    spans = {s.name: s for s in cap.finished()}
    for n in (1, 2):
        assert spans[f"chat gpt-test-{n}"].parent.span_id == parent_id
        assert spans[f"after-{n}"].parent.span_id == parent_id
        assert attrs(spans[f"chat gpt-test-{n}"])[semconv.GEN_AI_USAGE_INPUT_TOKENS] > 0


async def test_async_plain_call_and_abandoned_async_stream(aclient: openai.AsyncOpenAI, cap: Captured) -> None:
    await aclient.chat.completions.create(model="gpt-test-a", messages=QUESTION)
    stream = await aclient.chat.completions.create(model="gpt-test-b", messages=QUESTION, stream=True)
    await stream.__anext__()
    await stream.close()
    await aclient.close()
    spans = {s.name: s for s in cap.finished()}
    assert attrs(spans["chat gpt-test-a"])[semconv.GEN_AI_USAGE_OUTPUT_TOKENS] > 0
    assert attrs(spans["chat gpt-test-b"])[semconv.ERROR_TYPE] == semconv.ERROR_STREAM_CLOSED


def test_content_is_off_by_default_and_no_api_key_is_recorded(client: openai.OpenAI, cap: Captured) -> None:
    client.chat.completions.create(model="gpt-test", messages=QUESTION)
    spans = cap.finished()
    assert semconv.GEN_AI_INPUT_MESSAGES not in spans[0].attributes
    assert semconv.GEN_AI_OUTPUT_MESSAGES not in spans[0].attributes
    assert not [v for v in every_value(spans) if API_KEY in v or "Bearer" in v]


def test_raw_responses_and_the_chat_stream_helper_are_recorded(client: openai.OpenAI, cap: Captured) -> None:
    raw = client.chat.completions.with_raw_response.create(model="gpt-test-raw", messages=QUESTION)
    reply = raw.parse()
    with client.chat.completions.stream(model="gpt-test-helper", messages=QUESTION) as stream:
        final = stream.get_final_completion()
    spans = {s.name: attrs(s) for s in cap.finished()}
    assert spans["chat gpt-test-raw"][semconv.GEN_AI_USAGE_OUTPUT_TOKENS] == reply.usage.completion_tokens
    helper = spans["chat gpt-test-helper"]
    assert helper[semconv.GEN_AI_RESPONSE_ID] == final.id
    assert helper[semconv.GEN_AI_USAGE_INPUT_TOKENS] == final.usage.prompt_tokens
    assert helper[semconv.GEN_AI_RESPONSE_FINISH_REASONS] == ("stop",)


def test_without_the_opt_in_a_stream_request_is_sent_as_the_app_wrote_it(server: ServerHandle, cap: Captured) -> None:
    with openai.OpenAI(base_url=server.openai_base_url, api_key=API_KEY) as sdk:
        instrument_openai(sdk, telemetry=cap.telemetry)
        chunks = list(sdk.chat.completions.create(model="gpt-test", messages=QUESTION, stream=True))
    assert all(chunk.choices for chunk in chunks)  # no usage-only chunk the app did not ask for
    a = attrs(cap.span("chat gpt-test"))
    assert semconv.GEN_AI_USAGE_INPUT_TOKENS not in a
    assert a[semconv.GEN_AI_RESPONSE_FINISH_REASONS] == ("stop",)


def test_a_stream_dropped_before_any_chunk_is_read_still_ends_its_span(client: openai.OpenAI, cap: Captured) -> None:
    stream = client.chat.completions.create(model="gpt-test", messages=QUESTION, stream=True)
    del stream
    gc.collect()
    span = cap.span("chat gpt-test")
    assert attrs(span)[semconv.ERROR_TYPE] == semconv.ERROR_STREAM_ABANDONED
    assert semconv.GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK not in span.attributes
