"""Production traffic of two versions of one system, through the real OTel SDK into a real lake, seeded."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.trace import Status, StatusCode

from instrumentation import semconv
from instrumentation.lake import LakeSpanExporter

SYSTEM = "support-desk"
START = datetime(2026, 6, 1, 8, tzinfo=UTC)
SINCE, UNTIL = "2026-06-01T00:00:00Z", "2026-06-02T00:00:00Z"


@dataclass(frozen=True, slots=True)
class Traffic:
    version: str
    requests: int
    error_rate: float = 0.02
    latency_ms: float = 400.0  # the log-normal's median
    cost_usd: float = 0.002
    steps: int = 3
    seed: int = 1
    eval_score: float | None = None  # an online eval score on each agent run, if given


def _ns(moment: datetime) -> int:
    return int(moment.timestamp() * 1_000_000) * 1_000


def write_traffic(home: Path, traffic: Traffic, system: str = SYSTEM) -> None:
    """Each request: an ``invoke_agent`` run (steps, tool calls, termination) holding one chat call."""
    resource = Resource.create({semconv.SERVICE_NAME: system, semconv.SERVICE_VERSION: traffic.version})
    provider = TracerProvider(resource=resource, shutdown_on_exit=False)
    provider.add_span_processor(SimpleSpanProcessor(LakeSpanExporter(home / "lake")))
    tracer = provider.get_tracer("tests.canary")
    rng = random.Random(traffic.seed)
    for index in range(traffic.requests):
        start = START + timedelta(seconds=index * 7 + rng.random())
        _request(tracer, rng, traffic, start)
    provider.shutdown()


def _request(tracer: trace.Tracer, rng: random.Random, traffic: Traffic, start: datetime) -> None:
    failed = rng.random() < traffic.error_rate
    ms = traffic.latency_ms * rng.lognormvariate(0.0, 0.3)
    steps = max(1, traffic.steps + rng.choice((-1, 0, 0, 1)))
    run = tracer.start_span(
        semconv.SPAN_INVOKE_AGENT.format(name="support"),
        start_time=_ns(start),
        attributes={
            semconv.GEN_AI_OPERATION_NAME: semconv.OP_INVOKE_AGENT,
            semconv.GEN_AI_AGENT_NAME: "support",
            semconv.HARNESS_AGENT_ROLLUP_STEPS: steps,
            semconv.HARNESS_AGENT_ROLLUP_TOOL_CALLS: steps - 1,
            semconv.HARNESS_AGENT_TERMINATION: semconv.TERMINATION_ERROR if failed else semconv.TERMINATION_COMPLETED,
        },
    )
    attributes: dict[str, str | int | float] = {
        semconv.GEN_AI_OPERATION_NAME: semconv.OP_CHAT,
        semconv.GEN_AI_PROVIDER_NAME: "openai",
        semconv.GEN_AI_REQUEST_MODEL: "gpt-4o-mini",
        semconv.GEN_AI_USAGE_INPUT_TOKENS: 100,
        semconv.GEN_AI_USAGE_OUTPUT_TOKENS: 50,
    }
    if not failed:
        attributes[semconv.GEN_AI_USAGE_COST_AMOUNT] = traffic.cost_usd * rng.uniform(0.8, 1.2)
    call = tracer.start_span(
        semconv.SPAN_CHAT.format(model="gpt-4o-mini"),
        context=trace.set_span_in_context(run),
        start_time=_ns(start),
        attributes=attributes,
    )
    end = start + timedelta(milliseconds=ms)
    if failed:
        for span in (call, run):
            span.set_attribute(semconv.ERROR_TYPE, "APIError")
            span.set_status(Status(StatusCode.ERROR, "boom"))
    if traffic.eval_score is not None:
        score = min(1.0, max(0.0, rng.gauss(traffic.eval_score, 0.1)))
        run.add_event(
            semconv.EVENT_EVALUATION_RESULT,
            {semconv.GEN_AI_EVALUATION_NAME: "helpfulness", semconv.GEN_AI_EVALUATION_SCORE_VALUE: score},
            timestamp=_ns(end),
        )
    call.end(end_time=_ns(end))
    run.end(end_time=_ns(end))
