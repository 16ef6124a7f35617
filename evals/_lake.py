"""Read eval runs and approvals back from the lake: the telemetry is the source of truth."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from evals._results import CaseResult, RunResult
from evals._scorers import Score
from evals._sql import fetch_lake
from evals._trajectory import Trajectory
from instrumentation import semconv


def run_from_lake(lake_dir: Path, run_id: str) -> RunResult | None:
    """The run as its spans recorded it (outputs are not in telemetry), or None when the lake has no such run."""
    rows = fetch_lake(
        "run_spans",
        lake_dir,
        [semconv.HARNESS_RECORD_TYPE, semconv.HARNESS_EVAL_RUN_ID, run_id,
         semconv.RECORD_EVAL_RUN, semconv.RECORD_EVAL_CASE],
    )  # fmt: skip
    heads = [dict(attrs) for kind, _, attrs, _, _ in rows if kind == semconv.RECORD_EVAL_RUN]
    if not heads:
        return None
    run = _run(heads[-1])
    run.cases = sorted(
        (
            _case(trace, dict(attrs), events)
            for kind, trace, attrs, events, _ in rows
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
    )


def _case(trace_id: str, a: Mapping[str, str], events: list[dict[str, Any]]) -> CaseResult:
    error = a.get(semconv.ERROR_TYPE)
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
    rows = fetch_lake(
        "approvals", lake_dir, [semconv.HARNESS_RECORD_TYPE, semconv.RECORD_EVAL_APPROVAL, semconv.HARNESS_EVAL_RUN_ID]
    )
    return [run_id for run_id, _ in rows]
