"""Feature attribution: every span started inside a feature carries it, across threads and tasks."""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor

from instrumentation import (
    ContextThreadPoolExecutor,
    context_propagating_executors,
    feature,
    llm_call,
    propagate,
    semconv,
    start_thread,
)
from tests.conftest import Captured


def _features(captured: Captured) -> dict[str, str | None]:
    return {s.name: s.attributes.get(semconv.HARNESS_FEATURE) for s in captured.finished()}  # type: ignore[attr-defined]


def test_feature_reaches_spans_in_a_thread_pool(captured: Captured) -> None:
    tracer = captured.telemetry.tracer

    def work(i: int) -> int:
        with tracer.start_as_current_span(f"work-{i}"):
            return i

    with feature("ticket-summary"), ContextThreadPoolExecutor(max_workers=4) as pool:
        assert sorted(pool.map(work, range(8))) == list(range(8))
    features = _features(captured)
    assert len(features) == 8
    assert set(features.values()) == {"ticket-summary"}


def test_one_line_setup_covers_plain_executors_and_keeps_parents(captured: Captured) -> None:
    tracer = captured.telemetry.tracer
    with context_propagating_executors(), feature("batch"), tracer.start_as_current_span("parent") as parent:
        with ThreadPoolExecutor(max_workers=2) as pool:
            list(pool.map(lambda i: tracer.start_span(f"child-{i}").end(), range(4)))
    spans = {s.name: s for s in captured.finished()}  # type: ignore[attr-defined]
    for i in range(4):
        child = spans[f"child-{i}"]
        assert child.parent.span_id == parent.get_span_context().span_id  # type: ignore[attr-defined]
        assert child.attributes[semconv.HARNESS_FEATURE] == "batch"  # type: ignore[attr-defined]
    # the patch is undone after the block
    with feature("gone"), ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(lambda: tracer.start_span("outside").end()).result()
    assert semconv.HARNESS_FEATURE not in captured.span("outside").attributes  # type: ignore[attr-defined]


def test_feature_reaches_asyncio_gather_and_innermost_wins(captured: Captured) -> None:
    async def call(model: str) -> None:
        await asyncio.sleep(0)
        with llm_call(model, provider="openai", telemetry=captured.telemetry) as c:
            c.record_usage(1, 1)

    async def main() -> None:
        with feature("outer"):
            await asyncio.gather(call("gpt-4o"), call("gpt-4o-mini"))
            with feature("inner"):
                await asyncio.gather(call("o3-mini"))
            await call("gpt-4.1")

    asyncio.run(main())
    assert _features(captured) == {
        "chat gpt-4o": "outer",
        "chat gpt-4o-mini": "outer",
        "chat o3-mini": "inner",
        "chat gpt-4.1": "outer",
    }


def test_plain_threads_via_helpers_and_callbacks(captured: Captured) -> None:
    tracer = captured.telemetry.tracer
    done = threading.Event()
    with feature("callbacks"):
        thread = start_thread(lambda: tracer.start_span("in-thread").end())
        callback = propagate(lambda: (tracer.start_span("in-callback").end(), done.set()))
    thread.join()
    threading.Thread(target=callback).start()
    assert done.wait(5)
    assert _features(captured) == {"in-thread": "callbacks", "in-callback": "callbacks"}


def test_decorator_form_sync_and_async(captured: Captured) -> None:
    tracer = captured.telemetry.tracer

    @feature("decorated")
    def sync_work() -> None:
        tracer.start_span("sync").end()

    @feature("decorated-async")
    async def async_work() -> None:
        tracer.start_span("async").end()

    sync_work()
    asyncio.run(async_work())
    assert _features(captured) == {"sync": "decorated", "async": "decorated-async"}
