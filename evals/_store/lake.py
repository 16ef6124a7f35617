"""Read eval runs and approvals back from the lake: the telemetry is the source of truth."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evals._run.results import CaseResult, RunResult
from evals._run.trajectory import Trajectory
from evals._scorers.base import Score
from evals._store.queries import fetch_lake
from instrumentation import semconv


def run_from_lake(lake_dir: Path, run_id: str) -> RunResult | None:
    """The run as its spans recorded it (outputs are not in telemetry), or None when the lake has no such run."""
    rows = fetch_lake("run_spans", lake_dir, {"run_id": run_id})
    heads = [dict(attrs) for kind, _, attrs, _, _, _ in rows if kind == semconv.RECORD_EVAL_RUN]
    if not heads:
        return None
    run = _run(heads[-1])
    run.cases = sorted(
        (
            _case(trace, dict(attrs), events, status)
            for kind, trace, attrs, events, status, _ in rows
            if kind == semconv.RECORD_EVAL_CASE
        ),
        key=lambda c: (c.case_id, c.repeat),
    )
    return run


def _run(a: Mapping[str, str]) -> RunResult:
    return RunResult(
        run_id=a[semconv.HARNESS_EVAL_RUN_ID],
        suite=a[semconv.HARNESS_EVAL_SUITE],
        dataset_hash=a[semconv.HARNESS_EVAL_DATASET_HASH],
        candidate_id=a.get(semconv.HARNESS_EVAL_CANDIDATE_ID, ""),
        case_ids=json.loads(a.get(semconv.HARNESS_EVAL_CASE_IDS, "[]")),
        repeats=int(a.get(semconv.HARNESS_EVAL_REPEATS, "1")),
        judges=json.loads(a.get(semconv.HARNESS_EVAL_JUDGES, "{}")),
        scorers=json.loads(a.get(semconv.HARNESS_EVAL_SCORER, "{}")),
        revision=a.get(semconv.VCS_REF_HEAD_REVISION),
        baseline_id=a.get(semconv.HARNESS_EVAL_BASELINE_ID),
        policy=json.loads(a[semconv.HARNESS_EVAL_GATE_POLICY]) if semconv.HARNESS_EVAL_GATE_POLICY in a else None,
        status=a.get(semconv.HARNESS_EVAL_RUN_STATUS, semconv.EVAL_STATUS_COMPLETE),
        system=a.get(semconv.HARNESS_SYSTEM),
        sampled_cases=int(a.get(semconv.HARNESS_EVAL_SAMPLED_CASES, "0")),
        failure_modes=json.loads(a.get(semconv.HARNESS_EVAL_FAILURE_MODES, "[]")),
        red_team=a.get(semconv.HARNESS_EVAL_RED_TEAM) == "true",
        case_slices=json.loads(a.get(semconv.HARNESS_EVAL_CASE_SLICES, "{}")),
    )


def _case(trace_id: str, a: Mapping[str, str], events: list[dict[str, Any]], status: str | None) -> CaseResult:
    error = (status or a.get(semconv.ERROR_TYPE)) if semconv.ERROR_TYPE in a else None
    steps = a.get(semconv.HARNESS_EVAL_CASE_STEPS)
    cost = a.get(semconv.HARNESS_EVAL_CASE_COST_AMOUNT)
    scores = {}
    for event in events or []:
        if event["Name"] == semconv.EVENT_EVALUATION_RESULT:
            e = dict(event["Attributes"])
            scores[e[semconv.GEN_AI_EVALUATION_NAME]] = Score(
                float(e[semconv.GEN_AI_EVALUATION_SCORE_VALUE]),
                e.get(semconv.HARNESS_EVAL_PASSED) == "true",
                e.get(semconv.GEN_AI_EVALUATION_SCORE_LABEL),
                e.get(semconv.GEN_AI_EVALUATION_EXPLANATION),
            )
    return CaseResult(
        case_id=a[semconv.HARNESS_EVAL_CASE_ID],
        repeat=int(a.get(semconv.HARNESS_EVAL_REPEAT, "0")),
        error=error,
        scores=scores,
        latency=float(a.get(semconv.HARNESS_EVAL_CASE_LATENCY, "0")),
        trajectory=Trajectory(
            tools=json.loads(a.get(semconv.HARNESS_EVAL_CASE_TOOLS, "[]")),
            steps=None if steps is None else int(steps),
            termination=a.get(semconv.HARNESS_EVAL_CASE_TERMINATION),
            cost=None if cost is None else float(cost),
        ),
        cached=a.get(semconv.HARNESS_EVAL_CACHED) == "true",
        cached_from=a.get(semconv.HARNESS_EVAL_CACHED_FROM),
        trace_id=trace_id,
    )


def approvals_from_lake(lake_dir: Path) -> list[str]:
    """Approved run ids, newest approval first."""
    return [run_id for run_id, _ in fetch_lake("approvals", lake_dir)]


@dataclass(slots=True)
class RunSummary:
    """One line of ``harness eval list``."""

    run_id: str
    suite: str
    system: str | None
    candidate_id: str
    started_at: str
    case_count: int
    repeats: int
    status: str
    results: int
    passed: int
    errored: int
    approved: bool = False

    @classmethod
    def of(cls, run: RunResult) -> RunSummary:
        return cls(
            run.run_id, run.suite, run.system, run.candidate_id, run.started_at, len(run.case_ids), run.repeats,
            run.status, len(run.cases), sum(c.passed for c in run.cases), len(run.errored),
        )  # fmt: skip


def runs_from_lake(lake_dir: Path) -> list[RunSummary]:
    """Every eval run the lake records, newest first, with its results counted."""
    return [
        RunSummary(run_id, suite, system, candidate or "", started.isoformat() if started else "", count or 0,
                   repeats or 1, status, results, passed, errored)
        for run_id, suite, system, candidate, started, count, repeats, status, results, passed, errored
        in fetch_lake("run_list", lake_dir)
    ]  # fmt: skip
