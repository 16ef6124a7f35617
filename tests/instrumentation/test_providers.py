"""Wrapper mechanics shared by both providers: idempotent and reversible wrapping, SDK-wide wrapping,
usage counted once when spans nest, prompt identity, opt-in content with redaction, lazy SDK import."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anthropic
import openai
import pytest

import instrumentation
from harness.model_server import ServerHandle
from instrumentation import ConfigError, instrument_anthropic, instrument_openai, llm_call, semconv
from tests.conftest import Captured
from tests.instrumentation.test_providers_support import API_KEY, attrs, every_value, priced_telemetry

QUESTION = [{"role": "user", "content": "How do I reset my password?"}]


def _openai(server: ServerHandle) -> openai.OpenAI:
    return openai.OpenAI(base_url=server.openai_base_url, api_key=API_KEY)


def _ask(client: openai.OpenAI, model: str = "gpt-test") -> Any:
    return client.chat.completions.create(model=model, messages=QUESTION)


def test_wrapping_is_idempotent_and_undo_restores_the_client(server: ServerHandle, cap: Captured) -> None:
    with _openai(server) as client:
        first = instrument_openai(client, telemetry=cap.telemetry)
        assert instrument_openai(client, telemetry=cap.telemetry) is first
        _ask(client)
        first.undo()
        first.undo()
        assert "request" not in vars(client)
        _ask(client)
    assert len(cap.finished()) == 1


def test_sdk_wide_wrapping_traces_every_client_until_the_block_ends(server: ServerHandle, cap: Captured) -> None:
    with instrument_openai(telemetry=cap.telemetry), instrument_anthropic(telemetry=cap.telemetry):
        with _openai(server) as client:
            _ask(client, "gpt-test-wide")
        with anthropic.Anthropic(base_url=server.anthropic_base_url, api_key=API_KEY) as claude:
            claude.messages.create(model="claude-test-wide", max_tokens=32, messages=QUESTION)
    assert "request" not in vars(openai.OpenAI)
    with _openai(server) as client:
        _ask(client, "gpt-test-after")
    assert sorted(span.name for span in cap.finished()) == ["chat claude-test-wide", "chat gpt-test-wide"]


def test_two_wrappers_on_one_client_record_usage_and_cost_once(server: ServerHandle, cap: Captured) -> None:
    with instrument_openai(telemetry=cap.telemetry), _openai(server) as client:
        instrument_openai(client, telemetry=cap.telemetry)
        _ask(client, "fault-429")
    spans = cap.finished()
    counted = [s for s in spans if semconv.GEN_AI_USAGE_INPUT_TOKENS in s.attributes]
    assert len(spans) == 2
    assert len(counted) == 1
    inner = counted[0]
    assert [e.attributes[semconv.HARNESS_LLM_ATTEMPT] for e in inner.events] == [1, 2]  # each attempt once
    assert [s.attributes[semconv.HARNESS_USAGE_COUNTED] for s in spans if s is not inner] == [False]


def test_a_manual_llm_call_around_a_wrapped_client_counts_usage_once(server: ServerHandle, cap: Captured) -> None:
    with _openai(server) as client:
        instrument_openai(client, telemetry=cap.telemetry)
        with llm_call("gpt-test", provider="openai", telemetry=cap.telemetry) as outer:
            reply = _ask(client, "gpt-test-cached")
            outer.record_usage(input_tokens=reply.usage.prompt_tokens, output_tokens=reply.usage.completion_tokens)
    spans = {s.name: s for s in cap.finished()}
    inner, manual = spans["chat gpt-test-cached"], spans["chat gpt-test"]
    assert inner.parent.span_id == manual.context.span_id
    assert attrs(inner)[semconv.GEN_AI_USAGE_COST_AMOUNT] == pytest.approx(318e-6)
    assert semconv.GEN_AI_USAGE_INPUT_TOKENS not in manual.attributes
    assert attrs(manual)[semconv.HARNESS_USAGE_COUNTED] is False


def test_wrong_client_type_says_what_to_pass() -> None:
    with pytest.raises(ConfigError, match="OpenAI or AsyncOpenAI"):
        instrument_openai(object())


def test_prompt_identity_from_a_versioned_prompt_file(server: ServerHandle, cap: Captured, tmp_path: Path) -> None:
    path = tmp_path / "support_answer.txt"
    path.write_text("Answer the customer briefly.\n", encoding="utf-8")
    text, name, version = instrumentation.versioned_prompt(path)
    assert (text, name, len(version)) == ("Answer the customer briefly.\n", "support_answer", 12)
    path.write_text("Answer the customer in detail.\n", encoding="utf-8")
    assert instrumentation.versioned_prompt(path).version != version
    with _openai(server) as client:
        instrument_openai(client, telemetry=cap.telemetry)
        with instrumentation.prompt(name, version):
            _ask(client)
        _ask(client, "gpt-test-unnamed")
    spans = {s.name: attrs(s) for s in cap.finished()}
    assert spans["chat gpt-test"][semconv.GEN_AI_PROMPT_NAME] == "support_answer"
    assert spans["chat gpt-test"][semconv.GEN_AI_PROMPT_VERSION] == version
    assert semconv.GEN_AI_PROMPT_NAME not in spans["chat gpt-test-unnamed"]


def test_missing_prompt_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read prompt file"):
        instrumentation.versioned_prompt(tmp_path / "absent.txt")


def _redact(messages: Any) -> Any:
    text = json.dumps(messages)
    return json.loads(text.replace("password", "[redacted]"))


@pytest.fixture
def content_cap(tmp_path: Path, server: ServerHandle) -> Iterator[Captured]:
    server.reset()
    yield from priced_telemetry(tmp_path, capture_content=True, redact=_redact)


def test_content_when_turned_on_follows_the_parts_schema_and_is_redacted(
    server: ServerHandle, content_cap: Captured
) -> None:
    with _openai(server) as client, anthropic.Anthropic(base_url=server.anthropic_base_url, api_key=API_KEY) as c:
        instrument_openai(client, telemetry=content_cap.telemetry, include_stream_usage=True)
        instrument_anthropic(c, telemetry=content_cap.telemetry)
        messages = [{"role": "system", "content": "Be brief."}, *QUESTION]
        reply = client.chat.completions.create(model="gpt-test", messages=messages)
        list(client.chat.completions.create(model="gpt-test-stream", messages=messages, stream=True))
        with c.messages.stream(model="claude-test", max_tokens=64, system="Be brief.", messages=QUESTION) as s:
            claude_text = s.get_final_text()
    spans = {s.name: attrs(s) for s in content_cap.finished()}
    inputs = json.loads(spans["chat gpt-test"][semconv.GEN_AI_INPUT_MESSAGES])
    assert inputs == [
        {"role": "system", "parts": [{"type": "text", "content": "Be brief."}]},
        {"role": "user", "parts": [{"type": "text", "content": "How do I reset my [redacted]?"}]},
    ]
    output = json.loads(spans["chat gpt-test"][semconv.GEN_AI_OUTPUT_MESSAGES])
    expected_text = reply.choices[0].message.content.replace("password", "[redacted]")
    assert output == [
        {"role": "assistant", "parts": [{"type": "text", "content": expected_text}], "finish_reason": "stop"}
    ]
    streamed = json.loads(spans["chat gpt-test-stream"][semconv.GEN_AI_OUTPUT_MESSAGES])
    assert streamed[0]["parts"][0]["content"] == expected_text
    claude_out = json.loads(spans["chat claude-test"][semconv.GEN_AI_OUTPUT_MESSAGES])
    assert claude_out[0]["parts"] == [{"type": "text", "content": claude_text.replace("password", "[redacted]")}]
    assert not [v for v in every_value(content_cap.finished()) if API_KEY in v]


def test_importing_instrumentation_does_not_import_the_sdks() -> None:
    code = "import sys, instrumentation; print('openai' in sys.modules, 'anthropic' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]
