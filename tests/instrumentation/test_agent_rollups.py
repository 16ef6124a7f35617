"""Roll-ups: calls made from threads and asyncio children reach their run once; cost is never counted twice."""

from __future__ import annotations

import asyncio
import math
import threading
from typing import Any

import duckdb

import instrumentation
from instrumentation import ContextThreadPoolExecutor, agent, llm_call, semconv, start_thread, tool
from instrumentation.lake import traces_glob
from tests.conftest import Captured


def _call_and_tool(telemetry: instrumentation.Telemetry, i: int) -> None:
    with llm_call("gpt-4o-mini", provider="openai", telemetry=telemetry) as call:
        call.record_usage(100 + i, 10 + i)
        call.tool_calls.append(("lookup_order", f"call_{i}"))
    with tool("lookup_order", call_id=f"call_{i}", arguments={"order": i}, telemetry=telemetry):
        pass


async def _call_and_tool_async(telemetry: instrumentation.Telemetry, i: int) -> None:
    await asyncio.sleep(0.001 * (4 - i))  # finish out of order
    _call_and_tool(telemetry, i)


def _by_name(captured: Captured) -> dict[str, list[Any]]:
    spans: dict[str, list[Any]] = {}
    for span in captured.finished():
        spans.setdefault(span.name, []).append(span)  # type: ignore[attr-defined]
    return spans


def _assert_rolled_up(captured: Captured, n: int) -> None:
    spans = _by_name(captured)
    [root] = spans["invoke_agent fan-out"]
    chats, tools = spans["chat gpt-4o-mini"], spans["execute_tool lookup_order"]
    assert len(chats) == len(tools) == n
    for child in chats + tools:
        assert child.parent.span_id == root.context.span_id
        assert child.attributes[semconv.HARNESS_AGENT_STEP] == 1
    for tool_span in tools:  # each tool links to the very chat span that asked for its call id
        [link] = tool_span.links
        requester = next(c for c in chats if c.context.span_id == link.context.span_id)
        assert tool_span.attributes[semconv.GEN_AI_TOOL_CALL_ID] in requester.attributes[semconv.GEN_AI_TOOL_CALL_ID]
    attrs = root.attributes
    assert attrs[semconv.HARNESS_AGENT_ROLLUP_LLM_CALLS] == n
    assert attrs[semconv.HARNESS_AGENT_ROLLUP_TOOL_CALLS] == n
    assert attrs[semconv.HARNESS_AGENT_ROLLUP_INPUT_TOKENS] == sum(100 + i for i in range(n))
    assert attrs[semconv.HARNESS_AGENT_ROLLUP_OUTPUT_TOKENS] == sum(10 + i for i in range(n))
    cost = sum(c.attributes[semconv.GEN_AI_USAGE_COST_AMOUNT] for c in chats)
    assert cost > 0 and math.isclose(attrs[semconv.HARNESS_AGENT_ROLLUP_COST_AMOUNT], cost)
    assert semconv.GEN_AI_USAGE_COST_AMOUNT not in attrs  # the agent span never carries the inference name


def test_calls_from_a_thread_pool_roll_up_with_the_right_parent(captured: Captured) -> None:
    telemetry = captured.telemetry
    with agent("fan-out", telemetry=telemetry) as run, ContextThreadPoolExecutor(max_workers=4) as pool:
        run.step()
        list(pool.map(lambda i: _call_and_tool(telemetry, i), range(8)))
    _assert_rolled_up(captured, 8)


def test_calls_from_plain_threads_through_start_thread(captured: Captured) -> None:
    telemetry = captured.telemetry
    with agent("fan-out", telemetry=telemetry) as run:
        run.step()
        threads = [start_thread(_call_and_tool, telemetry, i) for i in range(4)]
        for thread in threads:
            thread.join()
    _assert_rolled_up(captured, 4)


async def test_calls_from_asyncio_gather_roll_up(captured: Captured) -> None:
    telemetry = captured.telemetry
    with agent("fan-out", telemetry=telemetry) as run:
        run.step()
        await asyncio.gather(*(_call_and_tool_async(telemetry, i) for i in range(4)))
    _assert_rolled_up(captured, 4)


async def test_calls_from_a_task_group_and_to_thread_roll_up(captured: Captured) -> None:
    telemetry = captured.telemetry
    with agent("fan-out", telemetry=telemetry) as run:
        run.step()
        async with asyncio.TaskGroup() as group:
            for i in range(3):
                group.create_task(_call_and_tool_async(telemetry, i))
            group.create_task(asyncio.to_thread(_call_and_tool, telemetry, 3))
    _assert_rolled_up(captured, 4)


def test_a_thread_without_our_helpers_is_not_attributed(captured: Captured) -> None:
    telemetry = captured.telemetry
    with agent("fan-out", telemetry=telemetry):
        thread = threading.Thread(target=_call_and_tool, args=(telemetry, 0))
        thread.start()
        thread.join()
    spans = _by_name(captured)
    [root] = spans["invoke_agent fan-out"]
    assert spans["chat gpt-4o-mini"][0].parent is None
    assert root.attributes[semconv.HARNESS_AGENT_ROLLUP_LLM_CALLS] == 0


def test_nested_agents_roll_up_into_their_ancestors_and_retries_count(captured: Captured) -> None:
    telemetry = captured.telemetry
    with agent("planner", telemetry=telemetry) as outer:
        outer.step()
        _call_and_tool(telemetry, 0)
        with agent("researcher", telemetry=telemetry) as inner:
            inner.step()
            with llm_call("gpt-4o-mini", provider="openai", telemetry=telemetry) as call:
                call.record_usage(50, 5)
                call.attempts = 3
    spans = _by_name(captured)
    [planner], [researcher] = spans["invoke_agent planner"], spans["invoke_agent researcher"]
    assert researcher.parent.span_id == planner.context.span_id
    assert researcher.attributes[semconv.HARNESS_AGENT_STEP] == 1
    assert researcher.attributes[semconv.HARNESS_AGENT_ROLLUP_LLM_CALLS] == 1
    assert researcher.attributes[semconv.HARNESS_AGENT_ROLLUP_RETRIES] == 2
    assert planner.attributes[semconv.HARNESS_AGENT_ROLLUP_LLM_CALLS] == 2
    assert planner.attributes[semconv.HARNESS_AGENT_ROLLUP_RETRIES] == 2
    assert planner.attributes[semconv.HARNESS_AGENT_ROLLUP_INPUT_TOKENS] == 150
    assert planner.attributes[semconv.HARNESS_AGENT_ROLLUP_STEPS] == 1  # steps are the run's own


def test_nested_llm_spans_count_once_in_the_roll_up(captured: Captured) -> None:
    telemetry = captured.telemetry
    with agent("support", telemetry=telemetry):
        with llm_call("gpt-4o-mini", provider="openai", telemetry=telemetry) as outer:
            with llm_call("gpt-4o-mini", provider="openai", telemetry=telemetry) as inner:
                inner.record_usage(200, 20)
            outer.record_usage(200, 20)
    [root] = _by_name(captured)["invoke_agent support"]
    assert root.attributes[semconv.HARNESS_AGENT_ROLLUP_LLM_CALLS] == 1
    assert root.attributes[semconv.HARNESS_AGENT_ROLLUP_INPUT_TOKENS] == 200


def test_unpriced_calls_leave_the_cost_roll_up_absent(captured: Captured) -> None:
    with agent("support", telemetry=captured.telemetry):
        with llm_call("no-such-model-xyz", provider="nobody", telemetry=captured.telemetry) as call:
            call.record_usage(10, 1)
    [root] = _by_name(captured)["invoke_agent support"]
    assert semconv.HARNESS_AGENT_ROLLUP_COST_AMOUNT not in root.attributes
    assert root.attributes[semconv.HARNESS_AGENT_ROLLUP_INPUT_TOKENS] == 10


def test_duckdb_sum_of_cost_over_the_lake_never_double_counts(captured: Captured) -> None:
    telemetry = captured.telemetry
    with agent("planner", telemetry=telemetry), ContextThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(lambda i: _call_and_tool(telemetry, i), range(3)))
        with agent("researcher", telemetry=telemetry):
            _call_and_tool(telemetry, 9)
    _call_and_tool(telemetry, 5)  # outside any agent
    spans = _by_name(captured)
    telemetry.shutdown()  # writes the lake segment
    inference_cost, naive_cost, rolled_up = duckdb.execute(
        """
        SELECT sum(TRY_CAST(SpanAttributes[$cost] AS DOUBLE)) FILTER (WHERE SpanAttributes[$op] = 'chat'),
               sum(TRY_CAST(SpanAttributes[$cost] AS DOUBLE)),
               sum(TRY_CAST(SpanAttributes[$rollup] AS DOUBLE)) FILTER (WHERE ParentSpanId = '')
        FROM read_parquet($glob, hive_partitioning = true)
        """,
        {
            "cost": semconv.GEN_AI_USAGE_COST_AMOUNT,
            "rollup": semconv.HARNESS_AGENT_ROLLUP_COST_AMOUNT,
            "op": semconv.GEN_AI_OPERATION_NAME,
            "glob": traces_glob(telemetry.settings.lake_dir),
        },
    ).fetchone()  # type: ignore[misc]
    expected = sum(s.attributes[semconv.GEN_AI_USAGE_COST_AMOUNT] for s in spans["chat gpt-4o-mini"])
    outside = spans["chat gpt-4o-mini"][-1].attributes[semconv.GEN_AI_USAGE_COST_AMOUNT]
    assert math.isclose(inference_cost, expected)
    assert math.isclose(naive_cost, expected)  # summing the cost name over every span: agents add nothing
    assert math.isclose(rolled_up, expected - outside)  # root agent roll-up = its subtree, nested agent not re-added
