"""The runner: every case x repeat under its own ``evaluate_case`` span, concurrently, within a budget.

Each case starts a new trace (linked to the run's ``evaluate {suite}`` span) and runs the task with
that span current, so the app's spans are its children; the case's cost, steps and tools come from
those spans (an in-memory capture keyed by trace id), not from the task's say-so.
"""

from __future__ import annotations

import asyncio
import inspect
import math
import time
import uuid
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.trace import Link, Status, StatusCode

from evals._report.telemetry import case_start_attributes, finish_case_span, git_revision, run_attributes
from evals._run.cache import ResultCache, cache_key
from evals._run.dataset import ORIGIN_PRODUCTION, Case
from evals._run.results import CaseResult, RunResult
from evals._run.suite import Suite
from evals._run.trajectory import SpanCapture, Trajectory, span_pairs, trajectory_of
from evals._scorers.base import UNSCORABLE, Score, ScoreContext, run_scorer
from evals.errors import SuiteError
from instrumentation import Telemetry, semconv

Progress = Callable[[int, int, float], None]  # (done, total, cost so far)


@dataclass(slots=True)
class TaskContext:
    """What the task gets besides the case: the candidate under test, the suite's params, telemetry."""

    candidate_id: str
    repeat: int
    run_id: str
    telemetry: Telemetry
    params: dict[str, Any] = field(default_factory=dict)


_captures: weakref.WeakKeyDictionary[Any, SpanCapture] = weakref.WeakKeyDictionary()


def _capture_for(telemetry: Telemetry) -> SpanCapture:
    provider = telemetry.tracer_provider
    capture = _captures.get(provider)
    if capture is None:
        if not isinstance(provider, TracerProvider):
            raise TypeError("the eval runner needs an SDK TracerProvider (configure telemetry first)")
        capture = SpanCapture()
        provider.add_span_processor(capture)
        _captures[provider] = capture
    return capture


@dataclass
class _State:
    spent: float = 0.0
    done: int = 0
    stopped: bool = False
    last_progress: float = 0.0


def _check_limits(*, repeats: int | None, concurrency: int | None, budget: float | None) -> None:
    """A limit given is used as given: 0 is not "the suite's" (before, it silently was), and a negative one is an
    error, not a traceback or a run that starts no case."""
    for name, value in (("repeats", repeats), ("concurrency", concurrency)):
        if value is not None and value < 1:
            raise SuiteError(f"{name} must be at least 1, got {value} (leave it out for the suite's)")
    if budget is not None and not (math.isfinite(budget) and budget >= 0):
        raise SuiteError(f"budget must be a cost in USD of 0 or more, got {budget}")


async def run_suite(
    suite: Suite,
    *,
    telemetry: Telemetry,
    candidate_id: str,
    repeats: int | None = None,
    concurrency: int | None = None,
    budget: float | None = None,
    cache: ResultCache | None = None,
    progress: Progress | None = None,
    run_id: str | None = None,
    revision: str | None = None,
    baseline_id: str | None = None,
    system: str | None = None,
) -> RunResult:
    """Run every case ``repeats`` times; stop starting cases once ``budget`` (USD of task cost) is spent.

    The run belongs to ``system``, else the suite's ``system``, else the telemetry's service name.
    """
    _check_limits(repeats=repeats, concurrency=concurrency, budget=budget)
    cases = suite.dataset.cases
    run = RunResult(
        run_id=run_id or f"{suite.name}-{datetime.now(UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}",
        suite=suite.name,
        dataset_hash=suite.dataset.hash,
        candidate_id=candidate_id,
        case_ids=[c.id for c in suite.dataset.cases],
        repeats=repeats or suite.repeats,
        judges=suite.judges,
        scorers={s.name: s.binary for s in suite.scorers},
        revision=revision if revision is not None else git_revision(),
        baseline_id=baseline_id,
        policy=suite.gate.model_dump(mode="json"),
        started_at=datetime.now(UTC).isoformat(),
        system=system or suite.system or telemetry.settings.service_name,
        sampled_cases=sum(c.origin == ORIGIN_PRODUCTION for c in cases),
        failure_modes=sorted({mode for c in cases for mode in c.failure_modes}),
        red_team=suite.red_team,
        case_slices={c.id: dict(c.slices) for c in cases if c.slices},
    )
    runner = _Runner(suite, run, telemetry, cache, budget, progress)
    jobs = [(case, r) for r in range(run.repeats) for case in suite.dataset.cases]
    limit = asyncio.Semaphore(concurrency or suite.concurrency)
    with telemetry.tracer.start_as_current_span(
        semconv.SPAN_EVAL_RUN.format(suite=suite.name), attributes=run_attributes(run)
    ) as run_span:
        runner.link = Link(run_span.get_span_context())
        try:
            results = await asyncio.gather(*(runner.guarded(limit, case, r, len(jobs)) for case, r in jobs))
        finally:
            await asyncio.gather(*(scorer.aclose() for scorer in suite.scorers), return_exceptions=True)
        run.cases = sorted((r for r in results if r is not None), key=lambda c: (c.case_id, c.repeat))
        run.status = semconv.EVAL_STATUS_BUDGET if runner.state.stopped else semconv.EVAL_STATUS_COMPLETE
        run_span.set_attribute(semconv.HARNESS_EVAL_RUN_STATUS, run.status)
        run_span.set_attribute(semconv.HARNESS_EVAL_PASSED, all(c.passed for c in run.cases))
    return run


class _Runner:
    def __init__(
        self,
        suite: Suite,
        run: RunResult,
        telemetry: Telemetry,
        cache: ResultCache | None,
        budget: float | None,
        progress: Progress | None,
    ) -> None:
        self.suite, self.run, self.telemetry, self.cache, self.budget = suite, run, telemetry, cache, budget
        self.progress = progress
        self.capture = _capture_for(telemetry)
        self.tracer = telemetry.tracer
        self.link: Link | None = None
        self.state = _State()
        self.is_async = inspect.iscoroutinefunction(suite.task)

    async def guarded(self, limit: asyncio.Semaphore, case: Case, repeat: int, total: int) -> CaseResult | None:
        async with limit:
            if self.state.stopped:
                return None
            result = await self.case(case, repeat)
        self.state.spent += 0.0 if result.cached else (result.trajectory.cost or 0.0)
        self.state.done += 1
        if self.budget is not None and self.state.spent >= self.budget:
            self.state.stopped = True
        self._report(total)
        return result

    def _report(self, total: int) -> None:
        now = time.monotonic()
        if self.progress is not None and (now - self.state.last_progress >= 2.0 or self.state.done == total):
            self.state.last_progress = now
            self.progress(self.state.done, total, self.state.spent)

    async def case(self, case: Case, repeat: int) -> CaseResult:
        span = self.tracer.start_span(
            semconv.SPAN_EVAL_CASE.format(case=case.id),
            context=otel_context.Context(),  # a new trace per case: its spans are found by trace id
            links=[self.link] if self.link else None,
            attributes=case_start_attributes(self.run, case.id, repeat),
        )
        token = otel_context.attach(trace.set_span_in_context(span))
        try:
            result, spans = await self._produce(case, repeat, span)
            await self._score(case, result, spans)
            finish_case_span(span, result, self.run.judges)
            if result.error is not None:
                span.set_status(Status(StatusCode.ERROR, result.error[:200]))
            return result
        finally:
            otel_context.detach(token)
            span.end()

    async def _produce(self, case: Case, repeat: int, span: trace.Span) -> tuple[CaseResult, list[ReadableSpan] | None]:
        trace_id = span.get_span_context().trace_id
        result = CaseResult(case.id, repeat, trace_id=f"{trace_id:032x}", expected=case.expected)
        key = None
        if self.cache is not None:
            key = cache_key(
                self.suite.name,
                case.content_hash(),
                self.run.candidate_id,
                self.suite.task_ref,
                self.suite.params,
                repeat,
            )
            hit = self.cache.get(key)
            if hit is not None:
                result.output, result.error, result.latency = hit["output"], hit["error"], hit["latency"]
                result.trajectory = Trajectory.from_json(hit["trajectory"])
                result.cached, result.cached_from = True, hit["run_id"]
                return result, None
        self.capture.watch(trace_id)
        ctx = _task_context(self, repeat)
        started = time.perf_counter()
        try:
            if self.is_async:
                result.output = await self.suite.task(case, ctx)
            else:
                result.output = await asyncio.to_thread(self.suite.task, case, ctx)
        except Exception as exc:  # noqa: BLE001 - the case fails closed; the run goes on
            result.error = f"{type(exc).__qualname__}: {exc}"
            span.record_exception(exc)
        result.latency = time.perf_counter() - started
        spans = self.capture.take(trace_id)
        result.trajectory = trajectory_of(span_pairs(spans))
        if self.cache is not None and key is not None and result.error is None:
            self.cache.put(key, _cache_entry(self.run.run_id, result))
        return result, spans

    async def _score(self, case: Case, result: CaseResult, spans: list[ReadableSpan] | None) -> None:
        if result.error is not None:
            return
        ctx = ScoreContext(case, result.output, result.trajectory, spans)
        outcomes = await asyncio.gather(*(run_scorer(s, ctx) for s in self.suite.scorers), return_exceptions=True)
        errors = []
        for scorer, outcome in zip(self.suite.scorers, outcomes, strict=True):
            if isinstance(outcome, BaseException):
                message = f"ScorerError: {scorer.name}: {type(outcome).__qualname__}: {outcome}"
                errors.append(message)
                result.scores[scorer.name] = Score(0.0, False, "error", message)
            else:
                if outcome.label == UNSCORABLE:
                    errors.append(f"Unscorable: {scorer.name}: {outcome.explanation}")
                result.scores[scorer.name] = outcome
        if errors:  # the case fails closed, with the first reason as its error
            result.error = errors[0]


def _task_context(runner: _Runner, repeat: int) -> TaskContext:
    return TaskContext(runner.run.candidate_id, repeat, runner.run.run_id, runner.telemetry, runner.suite.params)


def _cache_entry(run_id: str, result: CaseResult) -> dict[str, Any]:
    return {
        "run_id": run_id,
        "output": result.output,
        "error": result.error,
        "latency": result.latency,
        "trajectory": result.trajectory.to_json(),
    }
