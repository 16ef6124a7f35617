"""Scorers: deterministic checks, trajectory checks over spans (in memory and from the lake), the judge."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from evals import (
    Case,
    Contains,
    Exact,
    JsonSchema,
    LLMJudge,
    MaxSteps,
    Numeric,
    Regex,
    ScoreContext,
    Termination,
    ToolUsed,
    lake_span_pairs,
    trajectory_of,
)
from evals._scorers.base import run_scorer
from harness.model_server import serve
from instrumentation import semconv
from tests.conftest import Captured


def ctx(output: object, expected: object = None, **metadata: object) -> ScoreContext:
    return ScoreContext(Case(id="c", input="q", expected=expected, metadata=dict(metadata)), output)


@pytest.mark.parametrize(
    ("scorer", "output", "passed"),
    [
        (Exact(), "  Paris ", True),
        (Exact("paris", normalize=False), "Paris", False),
        (Contains(["30 days", "refund"]), "A refund within 30 DAYS.", True),
        (Contains(["30 days", "refund"]), "A refund soon.", False),
        (Contains(["a", "zzz"], any_of=True), "abc", True),
        (Regex(r"ORD-\d{4}"), "order ORD-1001 shipped", True),
        (JsonSchema({"type": "object", "required": ["total"]}), '{"total": 3}', True),
        (JsonSchema({"type": "object", "required": ["total"]}), "{}", False),
        (JsonSchema({"type": "object"}), "not json", False),
        (Numeric(59.97, abs_tol=0.005), "The total is 59.97 dollars", True),
        (Numeric(104.5), "It comes to 1,045", False),
    ],
)
async def test_deterministic_scorers(scorer: object, output: str, passed: bool) -> None:
    score = await run_scorer(scorer, ctx(output, expected="Paris"))  # type: ignore[arg-type]
    assert score.passed is passed and score.value == float(passed)


async def test_trajectory_scorers_read_the_cases_spans_from_the_lake(captured: Captured) -> None:
    tracer = captured.telemetry.tracer
    with tracer.start_as_current_span("invoke_agent support") as root:
        root.set_attributes({semconv.HARNESS_AGENT_ROLLUP_STEPS: 3, semconv.HARNESS_AGENT_TERMINATION: "completed"})
        tool = {semconv.GEN_AI_OPERATION_NAME: semconv.OP_EXECUTE_TOOL, semconv.GEN_AI_TOOL_NAME: "search_kb"}
        with tracer.start_as_current_span("execute_tool search_kb", attributes=tool):
            pass
    captured.telemetry.flush()
    pairs = lake_span_pairs(captured.home / "lake", f"{root.get_span_context().trace_id:032x}")
    trajectory = trajectory_of(pairs)
    assert trajectory == trajectory_of((s.name, s.attributes) for s in captured.finished())
    assert trajectory.tools == ["search_kb"] and trajectory.steps == 3 and trajectory.termination == "completed"
    score_ctx = ScoreContext(Case(id="c", input="q"), "answer", trajectory)
    results = [
        await run_scorer(s, score_ctx)
        for s in (ToolUsed("search_kb"), ToolUsed("lookup_order", expected=False), MaxSteps(2), Termination())
    ]
    assert [r.passed for r in results] == [True, True, False, True]


@pytest.fixture(scope="module")
def server_url() -> Iterator[str]:
    with serve() as server:
        yield server.openai_base_url


async def test_the_judge_scores_through_the_openai_api_and_is_versioned(server_url: str, captured: Captured) -> None:
    judge = LLMJudge("judge-keywords", "Mentions the facts.", base_url=server_url, api_key="x", threshold=0.5)
    other = LLMJudge("judge-keywords", "Mentions every fact.", base_url=server_url, api_key="x")
    assert judge.version.startswith("judge-keywords@p-") and judge.version != other.version
    half = await judge.score(ctx("Refunds take 30 days.", keywords=["30 days", "receipt"]))
    full = await judge.score(ctx("30 days with a receipt", keywords=["30 days", "receipt"]))
    assert (half.value, half.passed, full.value) == (0.5, True, 1.0)
    assert "1 of 2" in (half.explanation or "")
    assert judge.parse("no json here").label == "unparseable"
    await asyncio.sleep(0)


def test_a_judge_closes_its_client_when_each_run_ends(server_url: str, captured: Captured) -> None:
    from evals import GatePolicy, Suite, dataset_from_cases, run_suite

    judge = LLMJudge("judge-keywords", "Mentions the facts.", base_url=server_url, api_key="x")
    cases = [Case(id="c1", input="q", expected=None, metadata={"keywords": ["30 days"]})]
    suite = Suite("judged", lambda case, ctx: "30 days", dataset_from_cases("judged", cases), [judge], GatePolicy())
    for _ in range(2):  # each asyncio.run is a new event loop: a client kept from the first would outlive it
        run = asyncio.run(run_suite(suite, telemetry=captured.telemetry, candidate_id="c", revision="r"))
        assert [c.passed for c in run.cases] == [True]
        assert judge._client is None  # closed in the run's own loop, not left to the garbage collector
