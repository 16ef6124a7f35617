"""Context propagation: span parent, feature and agent run survive executors, task groups and callbacks."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from instrumentation import (
    ContextThreadPoolExecutor,
    agent,
    context_propagating_executors,
    current_agent_run,
    feature,
    propagate,
    semconv,
    tool,
)
from tests.conftest import Captured


def _spans(captured: Captured) -> dict[str, Any]:
    return {s.name: s for s in captured.finished()}  # type: ignore[attr-defined]


def _assert_children_of(captured: Captured, parent: str, children: list[str], feature_name: str) -> None:
    spans = _spans(captured)
    for name in children:
        assert spans[name].parent.span_id == spans[parent].context.span_id, name
        assert spans[name].attributes[semconv.HARNESS_FEATURE] == feature_name, name


async def test_run_in_executor_with_our_executor_and_with_the_one_line_setup(captured: Captured) -> None:
    tracer = captured.telemetry.tracer
    loop = asyncio.get_running_loop()
    with feature("executor"), tracer.start_as_current_span("parent"):
        with ContextThreadPoolExecutor(max_workers=1) as pool:
            await loop.run_in_executor(pool, lambda: tracer.start_span("ours").end())
        with context_propagating_executors(), ThreadPoolExecutor(max_workers=1) as plain:
            await loop.run_in_executor(plain, lambda: tracer.start_span("patched").end())
    _assert_children_of(captured, "parent", ["ours", "patched"], "executor")


async def test_task_group_children_and_loop_callbacks_keep_parent_and_feature(captured: Captured) -> None:
    tracer = captured.telemetry.tracer
    done = asyncio.Event()

    async def child(i: int) -> None:
        await asyncio.sleep(0)
        tracer.start_span(f"task-{i}").end()

    def callback(_: object = None) -> None:
        tracer.start_span("call-soon").end()
        done.set()

    with feature("tasks"), tracer.start_as_current_span("parent"):
        async with asyncio.TaskGroup() as group:
            for i in range(3):
                group.create_task(child(i))
        asyncio.get_running_loop().call_soon(callback)
    await done.wait()
    _assert_children_of(captured, "parent", ["task-0", "task-1", "task-2", "call-soon"], "tasks")


def test_a_propagated_callback_can_run_twice_at_once(captured: Captured) -> None:
    tracer = captured.telemetry.tracer
    with feature("reused"), tracer.start_as_current_span("parent"):
        callback = propagate(lambda i: tracer.start_span(f"cb-{i}").end())
    with ThreadPoolExecutor(max_workers=4) as pool:  # plain pool: the callback carries its own context
        list(pool.map(callback, range(8)))
    _assert_children_of(captured, "parent", [f"cb-{i}" for i in range(8)], "reused")


def test_the_agent_run_crosses_a_patched_executor_and_is_gone_after(captured: Captured) -> None:
    seen: list[object] = []
    with agent("support", telemetry=captured.telemetry) as run, context_propagating_executors():
        run.step()
        with ThreadPoolExecutor(max_workers=2) as pool:
            seen.extend(pool.map(lambda _: current_agent_run(), range(2)))

            def use_tool() -> None:
                with tool("search_kb", telemetry=captured.telemetry):
                    pass

            pool.submit(use_tool).result()
    assert seen == [run, run]
    assert current_agent_run() is None
    spans = _spans(captured)
    assert spans["execute_tool search_kb"].attributes[semconv.HARNESS_AGENT_STEP] == 1
    assert spans["invoke_agent support"].attributes[semconv.HARNESS_AGENT_ROLLUP_TOOL_CALLS] == 1
    with ThreadPoolExecutor(max_workers=1) as pool:  # the patch is undone after the block
        assert pool.submit(current_agent_run).result() is None
