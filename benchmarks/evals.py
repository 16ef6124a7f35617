"""Eval runner benchmark: a 1,000-case suite, four scorers, concurrency 16, against the local model server.

Run: ``.venv/bin/python -m benchmarks.evals``. Prints, side by side:
- the full suite against the local server (task = one chat completion, scorers = exact, contains,
  regex and an LLM judge on the server's ``judge-*`` model): wall time and cases per second;
- the runner's own overhead per case: the same 1,000 cases and four scorers with an instant task and
  instant scorers, so everything measured is the runner (spans, events, trajectory, scheduling);
- the gate on two 1,000-item runs (exact McNemar, paired t and a 2,000-resample bootstrap).
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
import time
from pathlib import Path

import evals
from evals import (
    Case,
    Contains,
    Exact,
    GatePolicy,
    LLMJudge,
    MetricRule,
    Regex,
    Score,
    Suite,
    TaskContext,
    dataset_from_cases,
)
from harness.model_server import serve
from instrumentation import Telemetry, configure

N = 1000
CONCURRENCY = 16


QUESTION = "How long does standard shipping take?"


def cases() -> list[Case]:
    return [
        Case(id=f"case-{i:04d}", input=QUESTION, expected="business days", metadata={"keywords": ["business days"]})
        for i in range(N)
    ]


def server_suite(base_url: str) -> Suite:
    from openai import AsyncOpenAI, OpenAI

    client = AsyncOpenAI(base_url=base_url, api_key="local")
    reference = OpenAI(base_url=base_url, api_key="local").chat.completions.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": QUESTION}]
    )
    expected = reference.choices[0].message.content or ""

    async def ask(case: Case, ctx: TaskContext) -> str:
        reply = await client.chat.completions.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": str(case.input)}]
        )
        return reply.choices[0].message.content or ""

    scorers = [
        Exact(expected, name="exact"),
        Contains(name="contains"),
        Regex(r"\d+ to \d+", name="regex"),
        LLMJudge("judge-keywords", "States the delivery time.", base_url=base_url, api_key="local"),
    ]
    return Suite("bench-server", ask, dataset_from_cases("bench", cases()), scorers, concurrency=CONCURRENCY)


class Instant(evals.Scorer):
    def __init__(self, name: str) -> None:
        self.name = name

    def score(self, ctx: evals.ScoreContext) -> Score:
        return Score(1.0, True)


async def instant_task(case: Case, ctx: TaskContext) -> str:
    return "ok"


def overhead_suite() -> Suite:
    scorers: list[evals.Scorer] = [Instant(f"s{i}") for i in range(4)]
    return Suite("bench-overhead", instant_task, dataset_from_cases("bench", cases()), scorers, concurrency=CONCURRENCY)


def timed_run(suite: Suite, telemetry: Telemetry) -> tuple[float, evals.RunResult]:
    started = time.perf_counter()
    result = asyncio.run(evals.run_suite(suite, telemetry=telemetry, candidate_id="bench", revision="bench"))
    return time.perf_counter() - started, result


def main() -> None:
    home = Path(tempfile.mkdtemp(prefix="bench-evals-"))
    telemetry = configure("bench-evals", home=home, set_global=False)
    try:
        with serve() as server:
            suite = server_suite(server.openai_base_url)
            server_wall, server_run = timed_run(suite, telemetry)
        timed_run(overhead_suite(), telemetry)  # warm-up
        overhead_wall, _ = timed_run(overhead_suite(), telemetry)
        base = evals.RunResult.from_json(server_run.to_json())
        cand = evals.RunResult.from_json({**server_run.to_json(), "run_id": "cand"})
        policy = GatePolicy(
            metrics={
                "pass": MetricRule(margin=0.05),
                "judge": MetricRule(margin=0.05),
                "latency_p95": MetricRule(margin=0.5, relative=True),
            }
        )
        started = time.perf_counter()
        decision = evals.gate(base, cand, policy)
        gate_wall = time.perf_counter() - started
    finally:
        telemetry.shutdown()
        shutil.rmtree(home, ignore_errors=True)
    print(f"eval runner benchmark: {N} cases x 4 scorers, concurrency {CONCURRENCY}")
    print(f"{'measure':<58}{'value':>14}")
    print(f"{'suite vs local server: wall time (s)':<58}{server_wall:>14.2f}")
    print(f"{'suite vs local server: cases per second':<58}{N / server_wall:>14.1f}")
    print(f"{'suite vs local server: pass rate':<58}{server_run.pass_rate:>14.3f}")
    print(f"{'runner overhead per case, instant task + scorers (ms)':<58}{1000 * overhead_wall / N:>14.3f}")
    print(f"{'gate on 1,000 paired items, 3 metrics (ms)':<58}{1000 * gate_wall:>14.1f}")
    print(f"{'gate decision (identical runs)':<58}{decision.decision:>14}")


if __name__ == "__main__":
    main()
