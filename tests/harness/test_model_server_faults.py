"""Fault injection and latency of the local model server, as the real SDKs see them."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import anthropic
import httpx2
import openai
import pytest

from harness.model_server import ServerHandle, serve

MESSAGES = [{"role": "user", "content": "How do I get a refund?"}]
SCENARIO = {
    "models": [{"match": "paced", "first_chunk_ms": 80, "chunk_gap_ms": 2}],
    "faults": [
        {"match": "limited", "kind": "rate_limit", "first": 1, "retry_after": 0.01},
        {"match": "limited-twice", "kind": "rate_limit", "first": 2, "retry_after": 0.01},
        {"match": "broken", "kind": "server_error"},
        {"match": "overloaded", "kind": "server_error", "status": 529, "first": 1},
        {"match": "hanging", "kind": "timeout", "sleep": 5},
        {"match": "cut", "kind": "cut_stream", "after_chunks": 3},
        {"match": "garbled", "kind": "malformed_json"},
        {"match": "chat-only", "kind": "server_error", "endpoints": ["chat.completions"]},
        {"match": "every-third", "kind": "server_error", "every": 3, "retry_after": 0},
    ],
}


@pytest.fixture(scope="module")
def server() -> Iterator[ServerHandle]:
    with serve(scenario=SCENARIO) as handle:
        yield handle


@pytest.fixture(autouse=True)
def _fresh(server: ServerHandle) -> None:
    server.reset()


def _openai(server: ServerHandle, retries: int = 0, timeout: float = 5.0) -> openai.OpenAI:
    return openai.OpenAI(base_url=server.openai_base_url, api_key="k", max_retries=retries, timeout=timeout)


def _anthropic(server: ServerHandle, retries: int = 0, timeout: float = 5.0) -> anthropic.Anthropic:
    return anthropic.Anthropic(base_url=server.anthropic_base_url, api_key="k", max_retries=retries, timeout=timeout)


def _faults(server: ServerHandle) -> list[str | None]:
    return [record.fault for record in server.requests]


def test_429_then_success_takes_two_attempts_through_sdk_retries(server: ServerHandle) -> None:
    completion = _openai(server, retries=2).chat.completions.create(model="limited", messages=MESSAGES)
    assert completion.choices[0].finish_reason == "stop"
    assert _faults(server) == ["rate_limit", None]


def test_429_carries_retry_after_and_the_openai_error_shape(server: ServerHandle) -> None:
    with pytest.raises(openai.RateLimitError) as caught:
        _openai(server).chat.completions.create(model="limited", messages=MESSAGES)
    assert caught.value.response.headers["retry-after"] == "0.01"
    assert caught.value.response.headers["retry-after-ms"] == "10"
    assert caught.value.code == "rate_limit_exceeded"


def test_first_n_counts_per_server_and_reset_restarts_it(server: ServerHandle) -> None:
    client = _openai(server)
    for _ in range(2):
        with pytest.raises(openai.RateLimitError):
            client.chat.completions.create(model="limited-twice", messages=MESSAGES)
    assert client.chat.completions.create(model="limited-twice", messages=MESSAGES).choices
    server.reset()
    with pytest.raises(openai.RateLimitError):
        client.chat.completions.create(model="limited-twice", messages=MESSAGES)


def test_anthropic_429_then_success(server: ServerHandle) -> None:
    message = _anthropic(server, retries=1).messages.create(model="limited", max_tokens=200, messages=MESSAGES)  # type: ignore[arg-type]
    assert message.stop_reason == "end_turn"
    assert _faults(server) == ["rate_limit", None]


def test_500_in_both_error_shapes(server: ServerHandle) -> None:
    with pytest.raises(openai.InternalServerError) as from_openai:
        _openai(server).chat.completions.create(model="broken", messages=MESSAGES)
    assert from_openai.value.status_code == 500 and from_openai.value.type == "server_error"
    with pytest.raises(anthropic.InternalServerError) as from_anthropic:
        _anthropic(server).messages.create(model="broken", max_tokens=200, messages=MESSAGES)  # type: ignore[arg-type]
    assert from_anthropic.value.body == {
        "type": "error",
        "error": {"type": "api_error", "message": "The server had an error processing your request (injected)."},
    }


def test_anthropic_overloaded_529_is_retried(server: ServerHandle) -> None:
    with pytest.raises(anthropic.APIStatusError) as caught:
        _anthropic(server).messages.create(model="overloaded", max_tokens=200, messages=MESSAGES)  # type: ignore[arg-type]
    assert caught.value.status_code == 529
    server.reset()
    assert _anthropic(server, retries=1).messages.create(model="overloaded", max_tokens=200, messages=MESSAGES).content  # type: ignore[arg-type]


def test_fault_limited_to_one_endpoint(server: ServerHandle) -> None:
    client = _openai(server)
    with pytest.raises(openai.InternalServerError):
        client.chat.completions.create(model="chat-only", messages=MESSAGES)
    assert client.responses.create(model="chat-only", input="refund").output_text


def test_every_nth_request_fails(server: ServerHandle) -> None:
    client = _openai(server)
    outcomes = []
    for _ in range(6):
        try:
            client.embeddings.create(model="every-third", input="x")
            outcomes.append("ok")
        except openai.InternalServerError as exc:
            assert "retry-after" not in exc.response.headers
            outcomes.append("500")
    assert outcomes == ["ok", "ok", "500", "ok", "ok", "500"]


def test_timeout_sleeps_past_the_client_timeout(server: ServerHandle) -> None:
    started = time.perf_counter()
    with pytest.raises(openai.APITimeoutError):
        _openai(server, timeout=0.1).chat.completions.create(model="hanging", messages=MESSAGES)
    with pytest.raises(anthropic.APITimeoutError):
        _anthropic(server, timeout=0.1).messages.create(model="hanging", max_tokens=200, messages=MESSAGES)  # type: ignore[arg-type]
    assert time.perf_counter() - started < 3.0  # the client gave up long before the server's 5 s


def test_cut_stream_raises_mid_stream(server: ServerHandle) -> None:
    received: list[str] = []
    with pytest.raises((openai.APIConnectionError, httpx2.RemoteProtocolError)):
        for chunk in _openai(server).chat.completions.create(model="cut", messages=MESSAGES, stream=True):
            received.append(chunk.choices[0].delta.content or "")
    assert len(received) == 3
    events: list[str] = []
    with pytest.raises((anthropic.APIConnectionError, httpx2.RemoteProtocolError)):
        for event in _anthropic(server).messages.create(model="cut", max_tokens=200, messages=MESSAGES, stream=True):  # type: ignore[arg-type]
            events.append(event.type)
    assert events == ["message_start", "content_block_start"]  # the ping in between is not surfaced


def test_cut_plain_response_is_a_connection_error(server: ServerHandle) -> None:
    with pytest.raises(openai.APIConnectionError):
        _openai(server).chat.completions.create(model="cut", messages=MESSAGES)


def test_malformed_json_raises_plain_and_streamed(server: ServerHandle) -> None:
    with pytest.raises(json.JSONDecodeError):
        _openai(server).chat.completions.create(model="garbled", messages=MESSAGES)
    with pytest.raises(json.JSONDecodeError):
        list(_openai(server).responses.create(model="garbled", input="refund", stream=True))
    with pytest.raises(json.JSONDecodeError):
        list(_anthropic(server).messages.create(model="garbled", max_tokens=200, messages=MESSAGES, stream=True))  # type: ignore[arg-type]
    with pytest.raises(json.JSONDecodeError):
        _openai(server).embeddings.create(model="garbled", input="refund")


def test_latency_delays_the_first_chunk_then_paces_the_rest(server: ServerHandle) -> None:
    started = time.perf_counter()
    stream = _openai(server).chat.completions.create(model="paced", messages=MESSAGES, stream=True)
    arrivals = [time.perf_counter() - started for _ in stream]
    assert arrivals[0] >= 0.08
    assert arrivals[-1] - arrivals[0] >= 0.002 * (len(arrivals) - 2)


def test_default_scenario_names_fault_models() -> None:
    with serve() as server:
        completion = _openai(server, retries=1).chat.completions.create(model="fault-429", messages=MESSAGES)
        assert completion.choices and _faults(server) == ["rate_limit", None]
