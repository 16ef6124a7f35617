"""The runner on a real OTel pipeline: case spans parent the app's spans, results reach the lake."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from evals import (
    ApprovalError,
    Case,
    Contains,
    GatePolicy,
    MaxSteps,
    RunStore,
    Suite,
    ToolUsed,
    dataset_from_cases,
    run_suite,
)
from evals._run.cache import ResultCache
from evals._run.runner import TaskContext
from evals._scorers.base import ScoreContext, scorer
from instrumentation import llm_call, semconv
from tests.conftest import Captured

CASES = [Case(id=f"q{i}", input=f"question {i}", expected=f"answer {i}") for i in range(6)] + [
    Case(id="boom", input="explode", expected="-")
]


def app(case: Case, ctx: TaskContext) -> str:
    """A tiny 'app': one tool span and one priced LLM call, then an answer that depends on the version."""
    tracer = ctx.telemetry.tracer
    attributes = {semconv.GEN_AI_OPERATION_NAME: semconv.OP_EXECUTE_TOOL, semconv.GEN_AI_TOOL_NAME: "lookup"}
    with tracer.start_as_current_span("execute_tool lookup", attributes=attributes):
        pass
    with llm_call("gpt-4o-mini", provider="openai", telemetry=ctx.telemetry) as call:
        call.record_usage(input_tokens=1000, output_tokens=200)
    if case.id == "boom":
        raise RuntimeError("the app failed")
    return f"The {case.expected}." if ctx.candidate_id == "good" else "no idea"


@scorer(name="short")
async def short(ctx: ScoreContext) -> bool:
    await asyncio.sleep(0)
    return len(ctx.text) < 40


def make_suite() -> Suite:
    scorers = [Contains(), ToolUsed("lookup"), MaxSteps(3), short]
    return Suite("unit", app, dataset_from_cases("unit", CASES), scorers, GatePolicy(), concurrency=3)


async def test_case_spans_parent_the_apps_spans_and_carry_results(captured: Captured) -> None:
    run = await run_suite(make_suite(), telemetry=captured.telemetry, candidate_id="good", revision="abc123")
    spans = captured.finished()
    cases = [s for s in spans if s.name.startswith("evaluate_case ")]
    assert len(cases) == 7 and len({s.context.trace_id for s in cases}) == 7
    chats = [s for s in spans if s.name == "chat gpt-4o-mini"]
    case_ids = {s.context.span_id for s in cases}
    assert len(chats) == 7 and all(s.parent.span_id in case_ids for s in chats)
    (head,) = [s for s in spans if s.name == "evaluate unit"]
    assert head.attributes[semconv.VCS_REF_HEAD_REVISION] == "abc123"
    assert head.attributes[semconv.HARNESS_RECORD_TYPE] == semconv.RECORD_EVAL_RUN
    ok = next(s for s in cases if s.attributes[semconv.HARNESS_EVAL_CASE_ID] == "q1")
    assert ok.attributes[semconv.HARNESS_EVAL_PASSED] is True
    assert ok.links[0].context.span_id == head.context.span_id
    events = [e for e in ok.events if e.name == semconv.EVENT_EVALUATION_RESULT]
    assert {e.attributes[semconv.GEN_AI_EVALUATION_NAME] for e in events} == {
        "contains", "tool_used_lookup", "steps_at_most_3", "short",
    }  # fmt: skip
    result = next(c for c in run.cases if c.case_id == "q1")
    assert result.trajectory.tools == ["lookup"] and result.trajectory.llm_calls == 1
    assert result.trajectory.cost == pytest.approx(1000 * 0.15e-6 + 200 * 0.6e-6)
    boom = next(c for c in run.cases if c.case_id == "boom")
    assert boom.error == "RuntimeError: the app failed" and not boom.passed
    assert run.pass_rate == pytest.approx(6 / 7)


async def test_the_run_reads_back_from_the_lake(captured: Captured) -> None:
    run = await run_suite(make_suite(), telemetry=captured.telemetry, candidate_id="good", run_id="r-lake")
    captured.telemetry.flush()
    store = RunStore(captured.home)  # no run file was saved: this can only come from the lake
    back = store.load("r-lake")
    assert back.dataset_hash == run.dataset_hash and back.case_ids == run.case_ids
    assert [(c.case_id, c.passed, c.trajectory.cost) for c in back.cases] == [
        (c.case_id, c.passed, c.trajectory.cost) for c in run.cases
    ]
    with pytest.raises(ApprovalError, match=r"not approved: 1 of 7 case result\(s\) errored \(boom: RuntimeError"):
        store.approve("r-lake", captured.telemetry, by="ci")  # a run with an errored case is no baseline ...
    store.approve("r-lake", captured.telemetry, by="ci", allow_incomplete=True)  # ... unless said so
    captured.telemetry.flush()
    assert store.approved() == ["r-lake"]


async def test_cache_is_keyed_on_the_repeat_and_replays_are_marked(captured: Captured, tmp_path: Path) -> None:
    cache = ResultCache(tmp_path / "cache", "unit")
    first = await run_suite(make_suite(), telemetry=captured.telemetry, candidate_id="good", repeats=2, cache=cache)
    assert not any(c.cached for c in first.cases) and len(cache._entries) == 12  # boom errored: not cached
    again = ResultCache(tmp_path / "cache", "unit")
    second = await run_suite(make_suite(), telemetry=captured.telemetry, candidate_id="good", repeats=2, cache=again)
    replays = [c for c in second.cases if c.cached]
    assert len(replays) == 12 and {c.cached_from for c in replays} == {first.run_id}
    assert {(c.case_id, c.repeat) for c in replays} == {(c.case_id, c.repeat) for c in first.cases if not c.error}


async def test_the_cost_budget_stops_the_run(captured: Captured) -> None:
    run = await run_suite(make_suite(), telemetry=captured.telemetry, candidate_id="good", concurrency=1, budget=5e-4)
    assert run.status == semconv.EVAL_STATUS_BUDGET and 0 < len(run.cases) < 7


async def test_progress_is_reported(captured: Captured) -> None:
    seen: list[tuple[int, int]] = []
    await run_suite(
        make_suite(), telemetry=captured.telemetry, candidate_id="good", progress=lambda d, t, c: seen.append((d, t))
    )
    assert seen[-1] == (7, 7)
