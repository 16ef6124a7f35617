"""A completed call without usage says why on its span, and the opt-in that asks OpenAI for usage on streams.

Errors are not gaps: a failed call records no reason, so coverage criteria can count completed calls apart."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anthropic
import openai
import pytest

from harness.model_server import ServerHandle
from instrumentation import instrument_anthropic, instrument_openai, llm_call, load_settings, semconv
from tests.conftest import Captured
from tests.instrumentation.test_providers_support import API_KEY, attrs, priced_telemetry

QUESTION = [{"role": "user", "content": "How do I reset my password?"}]
REASON = semconv.HARNESS_USAGE_ABSENT_REASON


def _stream(server: ServerHandle, cap: Captured, **instrument: Any) -> tuple[list[Any], dict[str, Any]]:
    with openai.OpenAI(base_url=server.openai_base_url, api_key=API_KEY) as sdk:
        instrument_openai(sdk, telemetry=cap.telemetry, **instrument)
        chunks = list(sdk.chat.completions.create(model="gpt-test", messages=QUESTION, stream=True))
    return chunks, attrs(cap.span("chat gpt-test"))


def test_a_stream_without_include_usage_says_so(server: ServerHandle, cap: Captured) -> None:
    chunks, a = _stream(server, cap)
    assert all(chunk.choices for chunk in chunks)
    assert semconv.GEN_AI_USAGE_INPUT_TOKENS not in a
    assert a[REASON] == semconv.USAGE_ABSENT_STREAM_WITHOUT_USAGE


def test_a_stream_that_asked_for_usage_has_it_and_no_reason(server: ServerHandle, cap: Captured) -> None:
    chunks, a = _stream(server, cap, include_stream_usage=True)
    assert chunks[-1].choices == [] and chunks[-1].usage is not None  # the final chunk the opt-in adds
    assert a[semconv.GEN_AI_USAGE_INPUT_TOKENS] == chunks[-1].usage.prompt_tokens
    assert REASON not in a


@pytest.fixture
def stream_usage_on(tmp_path: Path, server: ServerHandle) -> Iterator[Captured]:
    server.reset()
    yield from priced_telemetry(tmp_path, stream_usage=True)


def test_the_stream_usage_setting_turns_the_opt_in_on_and_an_argument_still_wins(
    server: ServerHandle, stream_usage_on: Captured
) -> None:
    chunks, a = _stream(server, stream_usage_on)
    assert chunks[-1].usage is not None and a[semconv.GEN_AI_USAGE_OUTPUT_TOKENS] == chunks[-1].usage.completion_tokens
    stream_usage_on.spans.clear()
    chunks, a = _stream(server, stream_usage_on, include_stream_usage=False)
    assert all(chunk.choices for chunk in chunks) and a[REASON] == semconv.USAGE_ABSENT_STREAM_WITHOUT_USAGE


def test_the_stream_usage_setting_reads_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert load_settings(cwd=tmp_path).stream_usage is False
    monkeypatch.setenv("HARNESS_STREAM_USAGE", "true")
    assert load_settings(cwd=tmp_path).stream_usage is True


def _mock_http_client(body: dict[str, Any]) -> Any:
    """The SDK's own HTTP client class over a mock transport: the network edge, answering ``body``."""
    httpx = next(
        sys.modules[c.__module__.split(".")[0]]
        for c in openai.DefaultHttpxClient.__mro__[1:]
        if c.__module__.startswith("httpx")
    )
    return openai.DefaultHttpxClient(transport=httpx.MockTransport(lambda request: httpx.Response(200, json=body)))


def test_a_response_without_usage_says_the_provider_omitted_it(cap: Captured) -> None:
    body = {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 0,
        "model": "gpt-test",
        "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": "hi"}}],
    }
    with openai.OpenAI(base_url="http://mock.test/v1", api_key=API_KEY, http_client=_mock_http_client(body)) as sdk:
        instrument_openai(sdk, telemetry=cap.telemetry)
        sdk.chat.completions.create(model="gpt-test", messages=QUESTION)
    a = attrs(cap.span("chat gpt-test"))
    assert a[REASON] == semconv.USAGE_ABSENT_PROVIDER_OMITTED
    assert json.dumps(body)  # the body is what the mock answered, no usage key in it


def test_a_failed_call_and_a_call_with_usage_give_no_reason(server: ServerHandle, cap: Captured) -> None:
    with openai.OpenAI(base_url=server.openai_base_url, api_key=API_KEY, max_retries=0) as sdk:
        instrument_openai(sdk, telemetry=cap.telemetry)
        with pytest.raises(openai.InternalServerError):
            sdk.chat.completions.create(model="fault-500", messages=QUESTION)
        sdk.chat.completions.create(model="gpt-test", messages=QUESTION)
    assert REASON not in attrs(cap.span("chat fault-500"))
    assert REASON not in attrs(cap.span("chat gpt-test"))


def test_anthropic_streams_always_carry_usage(server: ServerHandle, cap: Captured) -> None:
    with anthropic.Anthropic(base_url=server.anthropic_base_url, api_key=API_KEY) as claude:
        instrument_anthropic(claude, telemetry=cap.telemetry)
        list(claude.messages.create(model="claude-test", max_tokens=32, messages=QUESTION, stream=True))
    a = attrs(cap.span("chat claude-test"))
    assert a[semconv.GEN_AI_USAGE_OUTPUT_TOKENS] > 0 and REASON not in a


def test_a_manual_call_that_records_no_usage_says_the_provider_omitted_it(cap: Captured) -> None:
    with llm_call("gpt-test", provider="openai", telemetry=cap.telemetry):
        pass
    assert attrs(cap.span("chat gpt-test"))[REASON] == semconv.USAGE_ABSENT_PROVIDER_OMITTED
