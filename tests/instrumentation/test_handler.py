"""One owner of span lifecycles: every kind starts, stops and fails through the handler, and ends exactly once.

The records the app fills in carry no state of the handler's: no span, context token, parent or counter.
"""

from __future__ import annotations

import dataclasses

import pytest
from opentelemetry import trace
from opentelemetry.trace import StatusCode

from instrumentation import AgentRun, LLMInvocation, ToolCall, current_llm_call, llm_call, semconv
from instrumentation._handler import TelemetryHandler
from instrumentation._spans import OpenSpan
from tests.conftest import Captured


def _open_one_of_each(handler: TelemetryHandler) -> list[OpenSpan]:
    run = AgentRun("support", max_steps=None, loop_threshold=None, catalogue=None, parent=None)
    return [
        handler.start_llm(LLMInvocation("gpt-4o-mini", "openai")),
        handler.start_agent(run, {semconv.GEN_AI_AGENT_NAME: "support"}),
        handler.start_tool(ToolCall("search_kb", "call_1"), {}, arguments=None, links=()),
    ]


def test_each_kind_is_current_while_open_and_ends_once_however_often_it_is_stopped(captured: Captured) -> None:
    handler = captured.telemetry.handler
    opened = _open_one_of_each(handler)
    assert trace.get_current_span() is opened[-1].span
    for inv in reversed(opened):  # innermost first, as the blocks of an app close
        handler.stop(inv)
        handler.stop(inv)
        handler.fail(inv, RuntimeError("too late: already ended"))
    assert trace.get_current_span() is trace.INVALID_SPAN
    names = sorted(s.name for s in captured.finished())  # type: ignore[attr-defined]
    assert names == ["chat gpt-4o-mini", "execute_tool search_kb", "invoke_agent support"]
    assert all(s.status.status_code is StatusCode.UNSET for s in captured.finished())  # type: ignore[attr-defined]
    for metric in (
        semconv.METRIC_CLIENT_OPERATION_DURATION,
        semconv.METRIC_INVOKE_AGENT_DURATION,
        semconv.METRIC_EXECUTE_TOOL_DURATION,
    ):
        [point] = captured.metric_points(metric)
        assert point.count == 1  # type: ignore[attr-defined]


def test_fail_marks_every_kind_the_same_way(captured: Captured) -> None:
    handler = captured.telemetry.handler
    error = TimeoutError("the tool took too long")
    for inv in reversed(_open_one_of_each(handler)):
        handler.fail(inv, error)
    spans = {s.name: s for s in captured.finished()}  # type: ignore[attr-defined]
    for span in spans.values():
        assert span.status.status_code is StatusCode.ERROR
        assert span.status.description == "the tool took too long"
        assert span.attributes[semconv.ERROR_TYPE] == "TimeoutError"
        assert [e.name for e in span.events] == ["exception"]
    agent = spans["invoke_agent support"]
    assert agent.attributes[semconv.HARNESS_AGENT_TERMINATION] == semconv.TERMINATION_TIMEOUT
    [point] = captured.metric_points(semconv.METRIC_EXECUTE_TOOL_DURATION)
    assert point.attributes[semconv.ERROR_TYPE] == "TimeoutError"  # type: ignore[attr-defined]


def test_an_error_type_without_an_exception_is_the_status_message(captured: Captured) -> None:
    handler = captured.telemetry.handler
    inv = handler.start_llm(LLMInvocation("gpt-4o-mini", "openai", stream=True))
    handler.fail(inv, semconv.ERROR_STREAM_CLOSED)
    span = captured.span("chat gpt-4o-mini")
    assert span.status.description == semconv.ERROR_STREAM_CLOSED  # type: ignore[attr-defined]
    assert not span.events  # type: ignore[attr-defined]


def test_the_record_llm_call_yields_is_data_only(captured: Captured) -> None:
    private = {"span", "parent", "inner_recorded", "cost", "attempt_ended_at", "_token", "_ctx_token"}
    assert not private & {f.name for f in dataclasses.fields(LLMInvocation)}
    assert not private & {f.name for f in dataclasses.fields(ToolCall)}
    with llm_call("gpt-4o-mini", provider="openai", telemetry=captured.telemetry) as call:
        assert current_llm_call() is call
        call.record_usage(10, 2)
    assert current_llm_call() is None


def test_a_record_the_app_reuses_is_a_new_span_each_time(captured: Captured) -> None:
    handler = captured.telemetry.handler
    record = LLMInvocation("gpt-4o-mini", "openai")
    first, second = handler.start_llm(record), None
    handler.stop(first)
    second = handler.start_llm(record)
    handler.stop(second)
    assert len(captured.finished()) == 2
    with pytest.raises(AttributeError):
        record.span  # type: ignore[attr-defined]  # noqa: B018
