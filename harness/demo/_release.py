"""Today's production traffic: the shipped 1.9.0 on most of it, the 1.9.1 canary beside it, each its own
``service.version``; then ``harness canary`` judges the canary from that telemetry and records its decision."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import instrumentation
from harness.app import load_questions, make_client, run_agent
from harness.canary import CanaryDecision, CanaryPolicy, Recorded, canary, record_decision
from harness.demo._home import SYSTEM, DemoHome

STABLE_VERSION = "1.9.0"
_ROUNDS = 3  # each version answers the question set this many times: past the canary's 100-call minimum
# The local model server's latency is this machine's (shared cores, a few ms a call), not a model's: two
# identical versions served a minute apart can differ by more than the default 20% under load, so the demo
# judges p95 latency with a 100% margin. Every other metric keeps its default.
_POLICY = CanaryPolicy().with_margins({"latency_p95_ms": 1.0})


@dataclass(frozen=True, slots=True)
class Served:
    version: str
    answered: int
    failed: int  # questions whose model call failed (the customer saw an error)


def serve_release(demo: DemoHome, base_url: str, *, agent_version: str, service_version: str) -> Served:
    """``agent_version`` of the agent, deployed as ``service_version``, answering the question set ``_ROUNDS`` times."""
    import openai

    telemetry = instrumentation.configure(
        SYSTEM, home=demo.root, price_book=demo.price_book, service_version=service_version, set_global=False
    )
    answered = failed = 0
    try:
        client = make_client(base_url, telemetry=telemetry)
        for question in [q.question for q in load_questions()] * _ROUNDS:
            try:
                run_agent(question, version=agent_version, client=client, telemetry=telemetry)
                answered += 1
            except (openai.APIError, ValueError):  # a failed call (a body that is not JSON is a ValueError)
                failed += 1
    finally:
        telemetry.shutdown()
    return Served(service_version, answered, failed)


def judge_canary(
    demo: DemoHome, canary_version: str, since: datetime, until: datetime
) -> tuple[CanaryDecision, Recorded]:
    """``harness canary`` on today's traffic, its decision recorded (a rollback also as a deployment)."""
    decision = canary(SYSTEM, STABLE_VERSION, canary_version, since=since, until=until, home=demo.root, policy=_POLICY)
    return decision, record_decision(decision, home=demo.root)
