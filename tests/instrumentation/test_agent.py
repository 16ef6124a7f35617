"""Agent runs: span shape, steps, links to the requesting call, every termination, loop detection, metrics."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

import instrumentation
from instrumentation import AgentStopped, LoopDetected, MaxStepsExceeded, agent, llm_call, semconv, tool
from tests.conftest import Captured


def _ask(telemetry: instrumentation.Telemetry, *tool_calls: tuple[str, str]) -> None:
    with llm_call("gpt-4o-mini", provider="openai", telemetry=telemetry) as call:
        call.record_usage(100, 10)
        call.tool_calls.extend(tool_calls)


def _spans(captured: Captured) -> dict[str, Any]:
    return {s.name: s for s in captured.finished()}  # type: ignore[attr-defined]


def test_agent_span_parents_steps_and_links_tool_to_its_requesting_call(captured: Captured) -> None:
    telemetry = captured.telemetry
    with agent("support", max_steps=4, version="v1", telemetry=telemetry) as run:
        assert run.step() == 1
        _ask(telemetry, ("search_kb", "call_a"))
        with tool("search_kb", call_id="call_a", arguments={"query": "refund"}, telemetry=telemetry):
            pass
        assert run.step() == 2
        _ask(telemetry)
    spans = _spans(captured)
    root = spans["invoke_agent support"]
    tool_span = spans["execute_tool search_kb"]
    chats = [s for s in captured.finished() if s.name == "chat gpt-4o-mini"]  # type: ignore[attr-defined]
    assert root.kind.name == "INTERNAL" and root.parent is None
    assert root.attributes[semconv.GEN_AI_OPERATION_NAME] == semconv.OP_INVOKE_AGENT
    assert root.attributes[semconv.GEN_AI_AGENT_NAME] == "support"
    assert root.attributes[semconv.GEN_AI_AGENT_VERSION] == "v1"
    assert root.attributes[semconv.HARNESS_AGENT_TERMINATION] == semconv.TERMINATION_COMPLETED
    assert root.status.status_code.name == "UNSET"
    for child in [tool_span, *chats]:
        assert child.parent.span_id == root.context.span_id
    assert [c.attributes[semconv.HARNESS_AGENT_STEP] for c in chats] == [1, 2]
    assert tool_span.kind.name == "INTERNAL"
    assert tool_span.attributes[semconv.HARNESS_AGENT_STEP] == 1
    assert tool_span.attributes[semconv.GEN_AI_TOOL_CALL_ID] == "call_a"
    assert chats[0].attributes[semconv.GEN_AI_TOOL_CALL_ID] == ("call_a",)
    assert [link.context.span_id for link in tool_span.links] == [chats[0].context.span_id]


def test_max_steps_raises_a_stop_and_records_it(captured: Captured) -> None:
    with pytest.raises(MaxStepsExceeded, match="max_steps is 2"):
        with agent("looper", max_steps=2, telemetry=captured.telemetry) as run:
            while True:
                run.step()
    root = _spans(captured)["invoke_agent looper"]
    assert root.attributes[semconv.HARNESS_AGENT_TERMINATION] == semconv.TERMINATION_MAX_STEPS
    assert root.attributes[semconv.HARNESS_AGENT_ROLLUP_STEPS] == 3
    assert root.attributes[semconv.HARNESS_AGENT_MAX_STEPS] == 2


def test_app_error_passes_through_unchanged_and_is_recorded(captured: Captured) -> None:
    boom = KeyError("order 42")
    with pytest.raises(KeyError) as raised:
        with agent("support", telemetry=captured.telemetry):
            raise boom
    assert raised.value is boom
    root = _spans(captured)["invoke_agent support"]
    assert root.attributes[semconv.HARNESS_AGENT_TERMINATION] == semconv.TERMINATION_ERROR
    assert root.attributes[semconv.ERROR_TYPE] == "KeyError"
    assert root.status.status_code.name == "ERROR"


async def test_timeout_inside_the_run_is_recorded_as_timeout(captured: Captured) -> None:
    with pytest.raises(TimeoutError):
        with agent("slow", telemetry=captured.telemetry):
            async with asyncio.timeout(0.01):
                await asyncio.sleep(5)
    root = _spans(captured)["invoke_agent slow"]
    assert root.attributes[semconv.HARNESS_AGENT_TERMINATION] == semconv.TERMINATION_TIMEOUT


async def test_cancelled_task_is_recorded_as_cancelled(captured: Captured) -> None:
    started = asyncio.Event()

    @agent("waiter", telemetry=captured.telemetry)
    async def wait_forever() -> None:
        started.set()
        await asyncio.sleep(5)

    task = asyncio.create_task(wait_forever())
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    root = _spans(captured)["invoke_agent waiter"]
    assert root.attributes[semconv.HARNESS_AGENT_TERMINATION] == semconv.TERMINATION_CANCELLED


def test_app_can_terminate_explicitly_and_the_first_reason_wins(captured: Captured) -> None:
    with agent("support", telemetry=captured.telemetry) as run:
        run.terminate(semconv.TERMINATION_TIMEOUT)
        run.terminate(semconv.TERMINATION_COMPLETED)
        with pytest.raises(ValueError, match="one of"):
            run.terminate("gave_up")
    root = _spans(captured)["invoke_agent support"]
    assert root.attributes[semconv.HARNESS_AGENT_TERMINATION] == semconv.TERMINATION_TIMEOUT
    assert root.status.status_code.name == "UNSET"


def test_loop_detector_stops_the_nth_identical_call_before_it_runs(captured: Captured) -> None:
    ran: list[str] = []
    telemetry = captured.telemetry
    with pytest.raises(LoopDetected, match="same arguments 3 times"):
        with agent("support", loop_threshold=3, telemetry=telemetry) as run:
            for arguments in ('{"id": 1}', '{"id": 2}', {"id": 1}, '{ "id" : 1 }'):
                run.step()
                with tool("lookup_order", arguments=arguments, telemetry=telemetry):
                    ran.append(str(arguments))
    assert ran == ['{"id": 1}', '{"id": 2}', "{'id': 1}"]  # JSON text and dict compare equal
    tools = [s for s in captured.finished() if s.name == "execute_tool lookup_order"]  # type: ignore[attr-defined]
    assert tools[-1].attributes[semconv.ERROR_TYPE] == "LoopDetected"
    root = _spans(captured)["invoke_agent support"]
    assert root.attributes[semconv.HARNESS_AGENT_TERMINATION] == semconv.TERMINATION_LOOP_DETECTED
    assert root.attributes[semconv.HARNESS_AGENT_ROLLUP_TOOL_CALLS] == 4


def test_loop_detection_can_be_disabled(captured: Captured) -> None:
    with agent("support", loop_threshold=None, telemetry=captured.telemetry):
        for _ in range(5):
            with tool("lookup_order", arguments={"id": 1}, telemetry=captured.telemetry):
                pass
    root = _spans(captured)["invoke_agent support"]
    assert root.attributes[semconv.HARNESS_AGENT_TERMINATION] == semconv.TERMINATION_COMPLETED


def test_app_catching_the_stop_still_gets_the_reason(captured: Captured) -> None:
    try:
        with agent("support", max_steps=1, telemetry=captured.telemetry) as run:
            run.step()
            run.step()
    except AgentStopped as stop:
        assert stop.reason == semconv.TERMINATION_MAX_STEPS


async def test_decorators_sync_and_async_give_each_call_its_own_run(captured: Captured) -> None:
    telemetry = captured.telemetry

    @agent("sync-agent", telemetry=telemetry)
    def sync_agent() -> int:
        run = instrumentation.current_agent_run()
        assert run is not None
        return run.step()

    @agent("async-agent", telemetry=telemetry)
    async def async_agent(n: int) -> int:
        run = instrumentation.current_agent_run()
        assert run is not None
        for _ in range(n):
            run.step()
            await asyncio.sleep(0)
        return n

    assert sync_agent() == 1
    assert await asyncio.gather(async_agent(1), async_agent(2), async_agent(3)) == [1, 2, 3]
    steps = sorted(
        s.attributes[semconv.HARNESS_AGENT_ROLLUP_STEPS]  # type: ignore[attr-defined]
        for s in captured.finished()
        if s.name == "invoke_agent async-agent"  # type: ignore[attr-defined]
    )
    assert steps == [1, 2, 3]
    assert instrumentation.current_agent_run() is None


def test_tool_decorator_feeds_the_loop_detector_with_its_arguments(captured: Captured) -> None:
    @tool("calculator", telemetry=captured.telemetry)
    def calculator(expression: str) -> str:
        return expression

    with pytest.raises(LoopDetected), agent("math", loop_threshold=2, telemetry=captured.telemetry):
        calculator(expression="1+1")
        calculator(expression="1+2")
        calculator(expression="1+1")


def test_tool_error_passes_through_and_marks_the_span(captured: Captured) -> None:
    with pytest.raises(ZeroDivisionError), tool("calculator", call_id="c1", telemetry=captured.telemetry):
        _ = 1 / 0
    span = _spans(captured)["execute_tool calculator"]
    assert span.parent is None  # no agent: a tool span on its own
    assert span.attributes[semconv.ERROR_TYPE] == "ZeroDivisionError"
    assert span.status.status_code.name == "ERROR"


def test_agent_and_tool_duration_metrics(captured: Captured) -> None:
    with agent("support", telemetry=captured.telemetry):
        with tool("search_kb", telemetry=captured.telemetry):
            pass
    [agent_point] = captured.metric_points(semconv.METRIC_INVOKE_AGENT_DURATION)
    [tool_point] = captured.metric_points(semconv.METRIC_EXECUTE_TOOL_DURATION)
    assert agent_point.attributes[semconv.GEN_AI_AGENT_NAME] == "support"  # type: ignore[attr-defined]
    assert agent_point.attributes[semconv.HARNESS_AGENT_TERMINATION] == "completed"  # type: ignore[attr-defined]
    assert tool_point.attributes[semconv.GEN_AI_TOOL_NAME] == "search_kb"  # type: ignore[attr-defined]
    assert agent_point.count == 1 and tool_point.count == 1  # type: ignore[attr-defined]


def test_content_capture_records_tool_arguments_and_result_only_when_on(tmp_path: Any) -> None:
    from instrumentation._setup import reset_for_tests
    from tests.conftest import make_captured

    for capture in (False, True):
        cap = make_captured(tmp_path / str(capture), capture_content=capture)
        with tool("search_kb", arguments={"query": "refund"}, telemetry=cap.telemetry) as call:
            call.set_result(["kb-1"])
        span = cap.span("execute_tool search_kb")
        cap.telemetry.shutdown()
        reset_for_tests()
        recorded = span.attributes.get(semconv.GEN_AI_TOOL_CALL_ARGUMENTS)  # type: ignore[attr-defined]
        assert recorded == ('{"query": "refund"}' if capture else None)
        result = span.attributes.get(semconv.GEN_AI_TOOL_CALL_RESULT)  # type: ignore[attr-defined]
        assert result == ('["kb-1"]' if capture else None)


def test_a_redactor_that_raises_leaves_the_tool_running_and_the_content_out(tmp_path: Any) -> None:
    from tests.conftest import make_captured

    def redact(value: object) -> object:
        raise RuntimeError("redactor bug")

    cap = make_captured(tmp_path, capture_content=True, redact=redact, raise_internal_errors=False)
    with tool("search_kb", arguments={"query": "refund"}, telemetry=cap.telemetry) as call:
        call.set_result(["kb-1"])
        result = "still ran"
    assert result == "still ran"
    span = cap.span("execute_tool search_kb")
    cap.telemetry.shutdown()
    assert semconv.GEN_AI_TOOL_CALL_ARGUMENTS not in span.attributes  # type: ignore[attr-defined]
    assert semconv.GEN_AI_TOOL_CALL_RESULT not in span.attributes  # type: ignore[attr-defined]
    assert cap.telemetry.errors.counts["content"] == 2


def test_a_broken_tracer_leaves_the_agent_and_its_tools_running(captured: Captured) -> None:
    class BrokenTracer:
        def start_span(self, *args: object, **kwargs: object) -> None:
            raise RuntimeError("tracer down")

    telemetry = captured.telemetry
    telemetry.handler.tracer = BrokenTracer()  # type: ignore[assignment]  # the handler opens every span
    telemetry.errors.raise_errors = False  # production behaviour: count, never raise into the app
    with agent("support", telemetry=telemetry) as run:
        run.step()
        with tool("search_kb", arguments={"q": 1}, telemetry=telemetry):
            result = "still ran"
    assert result == "still ran"
    assert run.tool_calls == 1 and run.termination == semconv.TERMINATION_COMPLETED
    assert telemetry.errors.counts["agent.start"] == 1 and telemetry.errors.counts["tool.start"] == 1


async def test_async_tool_decorator_records_a_span_per_call(captured: Captured) -> None:
    @tool("search_kb", telemetry=captured.telemetry)
    async def search(query: str) -> list[str]:
        await asyncio.sleep(0)
        return [query]

    with agent("support", telemetry=captured.telemetry) as run:
        run.step()
        assert await asyncio.gather(search(query="a"), search(query="b")) == [["a"], ["b"]]
    tools = [s for s in captured.finished() if s.name == "execute_tool search_kb"]  # type: ignore[attr-defined]
    assert [s.attributes[semconv.HARNESS_AGENT_STEP] for s in tools] == [1, 1]
    assert run.tool_calls == 2


def test_public_names_of_the_agent_api() -> None:
    names = {
        "AgentRun",
        "AgentStopped",
        "CatalogueEntry",
        "LoopDetected",
        "MaxStepsExceeded",
        "ToolCall",
        "ToolCatalogue",
        "ToolNotAllowedError",
        "agent",
        "current_agent_run",
        "tool",
    }
    assert names <= set(instrumentation.__all__)
    assert all(getattr(instrumentation, name) is not None for name in names)
