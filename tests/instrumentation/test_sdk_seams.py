"""The wrappers use the SDKs' public seams and a declared version range: nothing else of the client changes,
every form undoes what it changed, streams stay the SDK's own type, and an SDK outside the range warns once.

These run on the oldest and the newest supported release of each SDK (``make sdk-test``)."""

from __future__ import annotations

import contextlib
import gc
import logging
import tomllib
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anthropic
import openai
import pytest

from harness.model_server import ServerHandle
from instrumentation import instrument_anthropic, instrument_openai, semconv
from instrumentation.providers import _versions
from tests.conftest import Captured
from tests.instrumentation.test_providers_support import API_KEY, attrs

QUESTION = [{"role": "user", "content": "How do I reset my password?"}]
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def client(server: ServerHandle) -> Iterator[openai.OpenAI]:
    with openai.OpenAI(base_url=server.openai_base_url, api_key=API_KEY) as sdk:
        yield sdk


@pytest.fixture
def claude(server: ServerHandle) -> Iterator[anthropic.Anthropic]:
    with anthropic.Anthropic(base_url=server.anthropic_base_url, api_key=API_KEY) as sdk:
        yield sdk


def _state(obj: Any) -> dict[str, Any]:
    return dict(vars(obj))


@pytest.mark.parametrize("sdk", ["openai", "anthropic"])
def test_a_client_changes_only_at_its_public_seams_and_undo_restores_it(
    sdk: str, client: openai.OpenAI, claude: anthropic.Anthropic, cap: Captured
) -> None:
    target: Any = client if sdk == "openai" else claude
    instrument: Any = instrument_openai if sdk == "openai" else instrument_anthropic
    http = target._client  # the `http_client` the SDK sends through (read here to check it, never patched)
    before, http_before = _state(target), _state(http)
    handle = instrument(target, telemetry=cap.telemetry)
    changed = {name for name, value in _state(target).items() if before.get(name, KeyError) is not value}
    own_spans = {"_lazy_tracer"} if hasattr(type(target), "open_telemetry") else set()  # Anthropic 2 and later
    assert changed == {"request", "copy", "with_options", *own_spans}
    assert set(_state(http)) - set(http_before) == {"send"}  # the HTTP client's public send, for attempts
    handle.undo()
    assert _state(target) == before and _state(http) == http_before


def test_sdk_wide_wrapping_records_each_attempt_and_undo_unhooks_every_client(
    server: ServerHandle, cap: Captured
) -> None:
    with instrument_openai(telemetry=cap.telemetry):
        with openai.OpenAI(base_url=server.openai_base_url, api_key=API_KEY) as sdk:
            sdk.chat.completions.create(model="fault-429", messages=QUESTION)
            http = sdk._client
            assert "send" in vars(http)
    assert "send" not in vars(http) and "request" not in vars(openai.OpenAI)
    span = cap.span("chat fault-429")
    events = [dict(e.attributes) for e in span.events if e.name == semconv.EVENT_LLM_ATTEMPT]  # type: ignore[attr-defined]
    assert [(e[semconv.HARNESS_LLM_ATTEMPT], e[semconv.HTTP_RESPONSE_STATUS_CODE]) for e in events] == [
        (1, 429),
        (2, 200),
    ]


def test_a_copy_shares_the_http_client_and_undoing_one_keeps_the_other_hooked(
    client: openai.OpenAI, cap: Captured
) -> None:
    first = instrument_openai(client, telemetry=cap.telemetry)
    copy = client.with_options(max_retries=1)
    assert copy._client is client._client
    first.undo()
    assert "send" in vars(client._client)  # the copy is still instrumented and still needs it
    copy.chat.completions.create(model="fault-429", messages=QUESTION)
    span = cap.span("chat fault-429")
    assert attrs(span)[semconv.HARNESS_LLM_ATTEMPTS] == 2


def test_a_copy_dropped_without_undo_releases_the_http_client(client: openai.OpenAI, cap: Captured) -> None:
    handle = instrument_openai(client, telemetry=cap.telemetry)
    copy = client.with_options(max_retries=1)
    del copy
    gc.collect()
    handle.undo()
    assert "send" not in vars(client._client)


@pytest.mark.parametrize("sdk_wide", [False, True])
def test_an_instrumented_client_is_not_kept_alive_by_its_instrumentation(
    sdk_wide: bool, server: ServerHandle, cap: Captured
) -> None:
    with instrument_openai(telemetry=cap.telemetry) if sdk_wide else contextlib.nullcontext():
        sdk = openai.OpenAI(base_url=server.openai_base_url, api_key=API_KEY)
        handle = None if sdk_wide else instrument_openai(sdk, telemetry=cap.telemetry)
        sdk.chat.completions.create(model="gpt-test", messages=QUESTION)
        ref = weakref.ref(sdk)
        sdk.close()
        del sdk
        gc.collect()
        assert ref() is None
    assert handle is None or handle.active


def test_a_stream_stays_the_sdks_type_and_a_loop_broken_off_can_be_resumed(
    client: openai.OpenAI, cap: Captured
) -> None:
    instrument_openai(client, telemetry=cap.telemetry, include_stream_usage=True)
    stream = client.chat.completions.create(model="gpt-test", messages=QUESTION, stream=True)
    assert isinstance(stream, openai.Stream) and type(stream).__name__ == "Stream"
    for _ in stream:
        break
    gc.collect()
    assert cap.finished() == []  # breaking out of a loop does not end the stream
    rest = list(stream)
    assert rest and rest[-1].usage is not None
    a = attrs(cap.span("chat gpt-test"))
    assert a[semconv.GEN_AI_RESPONSE_FINISH_REASONS] == ("stop",)
    assert a[semconv.GEN_AI_USAGE_OUTPUT_TOKENS] == rest[-1].usage.completion_tokens
    assert semconv.ERROR_TYPE not in a


def test_two_wrappers_on_one_stream_end_both_spans_and_count_usage_once(server: ServerHandle, cap: Captured) -> None:
    with instrument_openai(telemetry=cap.telemetry, include_stream_usage=True):
        with openai.OpenAI(base_url=server.openai_base_url, api_key=API_KEY) as sdk:
            instrument_openai(sdk, telemetry=cap.telemetry, include_stream_usage=True)
            chunks = list(sdk.chat.completions.create(model="gpt-test", messages=QUESTION, stream=True))
    spans = cap.finished()
    assert len(spans) == 2 and chunks
    counted = [s for s in spans if semconv.GEN_AI_USAGE_INPUT_TOKENS in s.attributes]  # type: ignore[attr-defined]
    assert len(counted) == 1
    for span in spans:
        assert span.attributes[semconv.GEN_AI_RESPONSE_FINISH_REASONS] == ("stop",)  # type: ignore[attr-defined]
        assert semconv.GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK in span.attributes  # type: ignore[attr-defined]


def test_a_streaming_response_is_left_for_the_app_to_read(client: openai.OpenAI, cap: Captured) -> None:
    instrument_openai(client, telemetry=cap.telemetry)
    with client.chat.completions.with_streaming_response.create(model="gpt-test", messages=QUESTION) as response:
        reply = response.parse()
    assert reply.choices[0].message.content
    span = cap.span("chat gpt-test")
    assert span.status.status_code.name == "UNSET"  # type: ignore[attr-defined]


def test_a_raw_response_of_either_sdk_records_the_parsed_usage(
    client: openai.OpenAI, claude: anthropic.Anthropic, cap: Captured
) -> None:
    instrument_openai(client, telemetry=cap.telemetry)
    instrument_anthropic(claude, telemetry=cap.telemetry)
    gpt = client.chat.completions.with_raw_response.create(model="gpt-test-raw", messages=QUESTION).parse()
    message = claude.messages.with_raw_response.create(model="claude-test-raw", max_tokens=32, messages=QUESTION)
    spans = {s.name: attrs(s) for s in cap.finished()}
    assert spans["chat gpt-test-raw"][semconv.GEN_AI_USAGE_OUTPUT_TOKENS] == gpt.usage.completion_tokens
    assert spans["chat claude-test-raw"][semconv.GEN_AI_USAGE_OUTPUT_TOKENS] == message.parse().usage.output_tokens


def test_an_sdk_outside_the_supported_range_warns_once_and_is_still_traced(
    client: openai.OpenAI, cap: Captured, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(openai, "__version__", "99.0.0")
    with caplog.at_level(logging.WARNING, logger="instrumentation"):
        instrument_openai(client, telemetry=cap.telemetry).undo()
        instrument_openai(client, telemetry=cap.telemetry)
    warnings = [r.getMessage() for r in caplog.records if "99.0.0" in r.getMessage()]
    assert len(warnings) == 1
    assert _versions.supported_range("openai") in warnings[0]
    client.chat.completions.create(model="gpt-test", messages=QUESTION)
    assert cap.span("chat gpt-test") is not None


def test_the_supported_ranges_are_the_extras_declared_in_pyproject_and_hold_the_installed_sdks() -> None:
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]
    for sdk, module in (("openai", openai), ("anthropic", anthropic)):
        (declared,) = extras[sdk]
        specifier = _versions.supported_range(sdk)
        assert specifier is not None and declared.startswith(sdk)
        assert sorted(specifier.split(",")) == sorted(declared[len(sdk) :].replace(" ", "").split(","))
        assert _versions.in_range(module.__version__, specifier), f"{sdk} {module.__version__} is outside {specifier}"


@pytest.mark.parametrize(
    ("version", "inside"),
    [("2.0.0", True), ("2", True), ("3.57.0", True), ("1.109.1", False), ("4.0.0", False), ("4.0.0rc1", False)],
)
def test_versions_compare_by_their_release_numbers(version: str, inside: bool) -> None:
    assert _versions.in_range(version, ">=2.0,<4") is inside
