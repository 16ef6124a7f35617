"""The local model server driven by the real openai and anthropic SDKs: every endpoint, plain and streamed."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import anthropic
import httpx2
import openai
import pytest

from harness import model_server
from harness.model_server import ServerHandle, count_tokens, search_knowledge_base, serve

REFUND = "How do I get a refund?"
REFUND_ANSWER = search_knowledge_base(REFUND)[0].body
TOOLS = ["search_kb", "lookup_order", "calculator", "escalate"]
OPENAI_TOOLS = [{"type": "function", "function": {"name": n, "parameters": {"type": "object"}}} for n in TOOLS]
RESPONSES_TOOLS = [{"type": "function", "name": n, "parameters": {"type": "object"}} for n in TOOLS]
ANTHROPIC_TOOLS = [{"name": n, "input_schema": {"type": "object"}} for n in TOOLS]
SCENARIO = {
    "models": [{"match": "usage-model", "cache_read_tokens": 100, "cache_write_tokens": 20, "reasoning_tokens": 7}]
}


@pytest.fixture(scope="module")
def server() -> Iterator[ServerHandle]:
    with serve(scenario=SCENARIO) as handle:
        yield handle


@pytest.fixture
def oai(server: ServerHandle) -> openai.OpenAI:
    server.reset()
    return openai.OpenAI(base_url=server.openai_base_url, api_key="test-key", max_retries=0)


@pytest.fixture
def claude(server: ServerHandle) -> anthropic.Anthropic:
    server.reset()
    return anthropic.Anthropic(base_url=server.anthropic_base_url, api_key="test-key", max_retries=0)


def test_chat_completion_answers_from_the_knowledge_base(oai: openai.OpenAI) -> None:
    completion = oai.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": REFUND}])
    assert completion.choices[0].message.content == REFUND_ANSWER
    assert completion.choices[0].finish_reason == "stop"
    assert completion.id == "chatcmpl-mock000001"
    assert completion.usage is not None
    assert completion.usage.prompt_tokens == count_tokens(REFUND)
    assert completion.usage.completion_tokens == count_tokens(REFUND_ANSWER)


def test_chat_stream_with_include_usage_ends_with_a_usage_chunk(oai: openai.OpenAI) -> None:
    chunks = list(
        oai.chat.completions.create(
            model="gpt-4o-mini",
            messages=[{"role": "user", "content": REFUND}],
            stream=True,
            stream_options={"include_usage": True},
        )
    )
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == REFUND_ANSWER
    assert [c.choices[0].finish_reason for c in chunks if c.choices][-1] == "stop"
    assert chunks[-1].choices == [] and chunks[-1].usage is not None
    assert chunks[-1].usage.completion_tokens == count_tokens(REFUND_ANSWER)
    assert all(c.usage is None for c in chunks[:-1])


def test_chat_stream_without_include_usage_has_no_usage(oai: openai.OpenAI) -> None:
    stream = oai.chat.completions.create(model="m", messages=[{"role": "user", "content": REFUND}], stream=True)
    assert all(chunk.usage is None and chunk.choices for chunk in stream)


def test_chat_usage_is_gross_with_cached_and_reasoning_inside(oai: openai.OpenAI) -> None:
    completion = oai.chat.completions.create(model="usage-model", messages=[{"role": "user", "content": REFUND}])
    usage = completion.usage
    assert usage is not None and usage.prompt_tokens_details and usage.completion_tokens_details
    assert usage.prompt_tokens == count_tokens(REFUND) + 100 + 20
    assert usage.prompt_tokens_details.cached_tokens == 100
    assert usage.completion_tokens == count_tokens(REFUND_ANSWER) + 7
    assert usage.completion_tokens_details.reasoning_tokens == 7
    assert usage.total_tokens == usage.prompt_tokens + usage.completion_tokens


def test_chat_tool_call_then_the_scripted_answer_after_the_tool_result(oai: openai.OpenAI) -> None:
    messages: list[dict[str, object]] = [{"role": "user", "content": "Where is my order ORD-1001?"}]
    first = oai.chat.completions.create(model="gpt-4o", messages=messages, tools=OPENAI_TOOLS)  # type: ignore[arg-type]
    choice = first.choices[0]
    assert choice.finish_reason == "tool_calls" and choice.message.content is None
    call = choice.message.tool_calls[0]  # type: ignore[index]
    assert call.function.name == "lookup_order"  # type: ignore[union-attr]
    assert json.loads(call.function.arguments) == {"order_id": "ORD-1001"}  # type: ignore[union-attr]
    messages += [
        choice.message.model_dump(exclude_none=True),
        {"role": "tool", "tool_call_id": call.id, "content": "shipped"},
    ]
    second = oai.chat.completions.create(model="gpt-4o", messages=messages, tools=OPENAI_TOOLS)  # type: ignore[arg-type]
    assert second.choices[0].finish_reason == "stop"
    assert second.choices[0].message.content == "Here is the latest on your order: shipped"


def test_chat_stream_tool_call_arguments_arrive_in_pieces(oai: openai.OpenAI) -> None:
    stream = oai.chat.completions.create(
        model="gpt-4o", messages=[{"role": "user", "content": "What is 12 * 7?"}], tools=OPENAI_TOOLS, stream=True
    )  # type: ignore[arg-type]
    deltas = [d for chunk in stream for d in (chunk.choices[0].delta.tool_calls or [])]
    assert deltas[0].function and deltas[0].function.name == "calculator" and deltas[0].id
    arguments = "".join(d.function.arguments or "" for d in deltas if d.function)
    assert len(deltas) > 2 and json.loads(arguments) == {"expression": "12 * 7"}


async def test_async_chat_stream(server: ServerHandle) -> None:
    client = openai.AsyncOpenAI(base_url=server.openai_base_url, api_key="k", max_retries=0)
    stream = await client.chat.completions.create(
        model="m", messages=[{"role": "user", "content": REFUND}], stream=True, stream_options={"include_usage": True}
    )
    pieces = [c.choices[0].delta.content or "" async for c in stream if c.choices]
    assert "".join(pieces) == REFUND_ANSWER
    await client.close()


def test_responses_plain_with_usage_details(oai: openai.OpenAI) -> None:
    response = oai.responses.create(model="usage-model", input=REFUND, instructions="Be brief.")
    assert response.output_text == REFUND_ANSWER and response.status == "completed"
    usage = response.usage
    assert usage is not None
    assert usage.input_tokens == count_tokens("Be brief.") + count_tokens(REFUND) + 120
    assert usage.input_tokens_details.cached_tokens == 100
    assert usage.output_tokens_details.reasoning_tokens == 7
    assert usage.output_tokens == count_tokens(REFUND_ANSWER) + 7


def test_responses_stream_event_sequence(oai: openai.OpenAI) -> None:
    events = list(oai.responses.create(model="gpt-4o", input=REFUND, stream=True))
    kinds = [e.type for e in events]
    assert kinds[:4] == [
        "response.created",
        "response.in_progress",
        "response.output_item.added",
        "response.content_part.added",
    ]
    assert kinds[-4:] == [
        "response.output_text.done",
        "response.content_part.done",
        "response.output_item.done",
        "response.completed",
    ]
    assert [e.sequence_number for e in events] == list(range(len(events)))
    deltas = "".join(e.delta for e in events if e.type == "response.output_text.delta")
    assert deltas == REFUND_ANSWER
    completed = events[-1]
    assert completed.type == "response.completed" and completed.response.usage is not None
    assert completed.response.usage.output_tokens == count_tokens(REFUND_ANSWER)


def test_responses_stream_helper_and_tool_round_trip(oai: openai.OpenAI) -> None:
    with oai.responses.stream(model="gpt-4o", input="Where is ORD-1003?", tools=RESPONSES_TOOLS) as stream:  # type: ignore[arg-type]
        for _ in stream:
            pass
        first = stream.get_final_response()
    call = first.output[0]
    assert call.type == "function_call" and call.name == "lookup_order"
    assert json.loads(call.arguments) == {"order_id": "ORD-1003"}
    follow_up = [
        {"role": "user", "content": "Where is ORD-1003?"},
        {"type": "function_call", "call_id": call.call_id, "name": call.name, "arguments": call.arguments},
        {"type": "function_call_output", "call_id": call.call_id, "output": '{"status": "processing"}'},
    ]
    second = oai.responses.create(model="gpt-4o", input=follow_up, tools=RESPONSES_TOOLS)  # type: ignore[arg-type]
    assert second.output_text == 'Here is the latest on your order: {"status": "processing"}'


@pytest.mark.parametrize(
    ("asked", "served"), [(None, "default"), ("auto", "default"), ("flex", "flex"), ("fast", "priority")]
)
def test_openai_responses_name_the_service_tier_that_served_them(
    oai: openai.OpenAI, asked: str | None, served: str
) -> None:
    tier = {} if asked is None else {"service_tier": asked}
    question = [{"role": "user", "content": REFUND}]
    completion = oai.chat.completions.create(model="gpt-5-mini", messages=question, **tier)  # type: ignore[arg-type]
    assert completion.service_tier == served
    chunks = list(oai.chat.completions.create(model="gpt-5-mini", messages=question, stream=True, **tier))  # type: ignore[arg-type]
    assert {chunk.service_tier for chunk in chunks} == {served}
    assert oai.responses.create(model="gpt-5-mini", input=REFUND, **tier).service_tier == served  # type: ignore[arg-type]


def test_an_unknown_service_tier_is_refused_as_openai_refuses_it(oai: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as caught:
        oai.chat.completions.create(
            model="gpt-5-mini",
            messages=[{"role": "user", "content": REFUND}],
            service_tier="cheap",  # type: ignore[arg-type]
        )
    assert caught.value.body["param"] == "service_tier"  # type: ignore[index]
    assert "'cheap' is not one of auto, default, flex, scale, priority, fast" in caught.value.message


def test_anthropic_usage_names_the_speed_mode_asked_for(claude: anthropic.Anthropic) -> None:
    question = [{"role": "user", "content": REFUND}]
    assert claude.messages.create(model="claude-opus-4-8", max_tokens=64, messages=question).usage.speed is None  # type: ignore[arg-type]
    fast = claude.messages.create(model="claude-opus-4-8", max_tokens=64, messages=question, speed="fast")  # type: ignore[arg-type]
    assert fast.usage.speed == "fast"
    with pytest.raises(anthropic.BadRequestError, match="speed"):
        claude.messages.create(model="claude-opus-4-8", max_tokens=64, messages=question, speed="warp")  # type: ignore[arg-type]


def test_embeddings_float_and_base64_agree(oai: openai.OpenAI) -> None:
    as_base64 = oai.embeddings.create(model="text-embedding-3-small", input=["refund policy", "shipping"])
    as_float = oai.embeddings.create(
        model="text-embedding-3-small", input=["refund policy", "shipping"], encoding_format="float"
    )
    assert len(as_base64.data) == 2 and len(as_base64.data[0].embedding) == 256
    assert as_base64.data[0].embedding == pytest.approx(as_float.data[0].embedding, abs=1e-6)
    assert as_base64.data[0].embedding != as_base64.data[1].embedding
    assert as_float.usage.prompt_tokens == 3
    small = oai.embeddings.create(model="e", input="refund", dimensions=8, encoding_format="float")
    assert len(small.data[0].embedding) == 8
    assert sum(v * v for v in small.data[0].embedding) == pytest.approx(1.0, abs=1e-4)


def test_anthropic_message_with_net_input_and_cache_beside_it(claude: anthropic.Anthropic) -> None:
    message = claude.messages.create(
        model="usage-model", max_tokens=100, system="Be brief.", messages=[{"role": "user", "content": REFUND}]
    )
    assert message.content[0].type == "text" and message.content[0].text == REFUND_ANSWER
    assert message.stop_reason == "end_turn" and message.id == "msg_mock000001"
    assert message.usage.input_tokens == count_tokens("Be brief.") + count_tokens(REFUND)
    assert message.usage.cache_read_input_tokens == 100
    assert message.usage.cache_creation_input_tokens == 20
    assert message.usage.output_tokens == count_tokens(REFUND_ANSWER) + 7


def test_same_prompt_same_gross_input_in_both_dialects(oai: openai.OpenAI, claude: anthropic.Anthropic) -> None:
    chat = oai.chat.completions.create(model="usage-model", messages=[{"role": "user", "content": REFUND}])
    message = claude.messages.create(model="usage-model", max_tokens=9, messages=[{"role": "user", "content": REFUND}])
    usage = message.usage
    gross = usage.input_tokens + (usage.cache_read_input_tokens or 0) + (usage.cache_creation_input_tokens or 0)
    assert chat.usage is not None and chat.usage.prompt_tokens == gross


def test_anthropic_raw_stream_event_sequence(claude: anthropic.Anthropic) -> None:
    events = list(
        claude.messages.create(model="c", max_tokens=50, messages=[{"role": "user", "content": REFUND}], stream=True)
    )
    kinds = [e.type for e in events]
    assert kinds[:2] == ["message_start", "content_block_start"]
    assert kinds[-3:] == ["content_block_stop", "message_delta", "message_stop"]
    assert set(kinds[2:-3]) == {"content_block_delta"}
    text = "".join(e.delta.text for e in events if e.type == "content_block_delta" and e.delta.type == "text_delta")
    assert text == REFUND_ANSWER
    delta = events[-2]
    assert delta.type == "message_delta" and delta.delta.stop_reason == "end_turn"
    assert delta.usage.output_tokens == count_tokens(REFUND_ANSWER)


def test_anthropic_stream_helper_tool_use_then_answer(claude: anthropic.Anthropic) -> None:
    messages: list[dict[str, object]] = [{"role": "user", "content": "I want to speak to a manager"}]
    with claude.messages.stream(model="c", max_tokens=50, messages=messages, tools=ANTHROPIC_TOOLS) as stream:  # type: ignore[arg-type]
        final = stream.get_final_message()
    assert final.stop_reason == "tool_use"
    block = final.content[0]
    assert block.type == "tool_use" and block.name == "escalate"
    assert block.input == {"reason": "Customer asked for a person: I want to speak to a manager"}
    messages += [
        {"role": "assistant", "content": [b.model_dump(exclude_none=True) for b in final.content]},
        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": block.id, "content": "ticket T-1"}]},
    ]
    answer = claude.messages.create(model="c", max_tokens=50, messages=messages, tools=ANTHROPIC_TOOLS)  # type: ignore[arg-type]
    assert answer.stop_reason == "end_turn"
    assert answer.content[0].type == "text" and "human agent" in answer.content[0].text


def test_anthropic_count_tokens(claude: anthropic.Anthropic) -> None:
    counted = claude.messages.count_tokens(
        model="usage-model", system="Be brief.", messages=[{"role": "user", "content": REFUND}]
    )
    assert counted.input_tokens == count_tokens("Be brief.") + count_tokens(REFUND)


async def test_async_anthropic_stream_helper(server: ServerHandle) -> None:
    client = anthropic.AsyncAnthropic(base_url=server.anthropic_base_url, api_key="k", max_retries=0)
    async with client.messages.stream(
        model="c", max_tokens=50, messages=[{"role": "user", "content": REFUND}]
    ) as stream:
        text = "".join([piece async for piece in stream.text_stream])
        final = await stream.get_final_message()
    assert text == REFUND_ANSWER and final.usage.output_tokens == count_tokens(REFUND_ANSWER)
    await client.close()


def test_output_token_limit_truncates_in_each_dialect(oai: openai.OpenAI, claude: anthropic.Anthropic) -> None:
    chat = oai.chat.completions.create(
        model="m", messages=[{"role": "user", "content": REFUND}], max_completion_tokens=5
    )
    assert chat.choices[0].finish_reason == "length"
    assert chat.choices[0].message.content == "You can request a full"
    message = claude.messages.create(model="m", max_tokens=5, messages=[{"role": "user", "content": REFUND}])
    assert message.stop_reason == "max_tokens" and message.usage.output_tokens == 5
    response = oai.responses.create(model="m", input=REFUND, max_output_tokens=5)
    assert response.status == "incomplete" and response.incomplete_details is not None
    assert response.incomplete_details.reason == "max_output_tokens"
    events = list(oai.responses.create(model="m", input=REFUND, max_output_tokens=5, stream=True))
    assert events[-1].type == "response.incomplete"


def test_public_names_are_pinned() -> None:
    assert sorted(model_server.__all__) == [
        "Article",
        "Limits",
        "RequestRecord",
        "Scenario",
        "ServerHandle",
        "count_tokens",
        "create_app",
        "default_scenario",
        "judge",
        "load_knowledge_base",
        "load_orders",
        "load_scenario",
        "run_forever",
        "search_knowledge_base",
        "serve",
        "start",
    ]


def test_round_trips_are_not_delayed_by_nagle(server: ServerHandle) -> None:
    with httpx2.Client() as http:
        http.get(server.anthropic_base_url + "/healthz")
        started = time.perf_counter()
        for _ in range(20):
            http.post(server.openai_base_url + "/embeddings", json={"model": "e", "input": "x"})
        elapsed = time.perf_counter() - started
    assert elapsed < 0.4  # with Nagle + delayed ACK each call costs ~40 ms: 0.8 s for 20


def test_server_logs_each_request(server: ServerHandle, oai: openai.OpenAI) -> None:
    oai.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}])
    oai.embeddings.create(model="emb", input="hi")
    assert [(r.endpoint, r.model, r.fault) for r in server.requests] == [
        ("chat.completions", "gpt-4o", None),
        ("embeddings", "emb", None),
    ]
