"""Eval results as telemetry: attributes of the run, case, approval and gate spans, and result events."""

from __future__ import annotations

import json
import os
import subprocess
from typing import Any

from opentelemetry.trace import Span

from evals._results import CaseResult, RunResult
from evals._scorers import Score
from instrumentation import semconv


def git_revision() -> str | None:
    """The commit under test: ``GITHUB_SHA`` in CI, else ``git rev-parse HEAD``, else None."""
    if os.environ.get("GITHUB_SHA"):
        return os.environ["GITHUB_SHA"]
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None


def run_attributes(run: RunResult) -> dict[str, Any]:
    attributes: dict[str, Any] = {
        semconv.HARNESS_RECORD_TYPE: semconv.RECORD_EVAL_RUN,
        semconv.HARNESS_EVAL_RUN_ID: run.run_id,
        semconv.HARNESS_EVAL_SUITE: run.suite,
        semconv.HARNESS_EVAL_DATASET_HASH: run.dataset_hash,
        semconv.HARNESS_EVAL_CANDIDATE_ID: run.candidate_id,
        semconv.HARNESS_EVAL_REPEATS: run.repeats,
        semconv.HARNESS_EVAL_CASE_COUNT: len(run.case_ids),
        semconv.HARNESS_EVAL_CASE_IDS: json.dumps(run.case_ids),
        semconv.HARNESS_EVAL_JUDGES: json.dumps(run.judges, sort_keys=True),
        semconv.HARNESS_EVAL_SCORER: json.dumps(run.scorers, sort_keys=True),
        semconv.HARNESS_EVAL_SAMPLED_CASES: run.sampled_cases,
        semconv.HARNESS_EVAL_FAILURE_MODES: tuple(run.failure_modes),
    }
    if run.system:
        attributes[semconv.HARNESS_SYSTEM] = run.system
    if run.revision:
        attributes[semconv.VCS_REF_HEAD_REVISION] = run.revision
    if run.baseline_id:
        attributes[semconv.HARNESS_EVAL_BASELINE_ID] = run.baseline_id
    if run.policy is not None:
        attributes[semconv.HARNESS_EVAL_GATE_POLICY] = json.dumps(run.policy, sort_keys=True)
    return attributes


def case_start_attributes(run: RunResult, case_id: str, repeat: int) -> dict[str, Any]:
    attributes: dict[str, Any] = {
        semconv.HARNESS_RECORD_TYPE: semconv.RECORD_EVAL_CASE,
        semconv.HARNESS_EVAL_RUN_ID: run.run_id,
        semconv.HARNESS_EVAL_SUITE: run.suite,
        semconv.HARNESS_EVAL_DATASET_HASH: run.dataset_hash,
        semconv.HARNESS_EVAL_CANDIDATE_ID: run.candidate_id,
        semconv.HARNESS_EVAL_CASE_ID: case_id,
        semconv.HARNESS_EVAL_REPEAT: repeat,
    }
    if run.system:
        attributes[semconv.HARNESS_SYSTEM] = run.system
    return attributes


def finish_case_span(span: Span, result: CaseResult, judges: dict[str, str]) -> None:
    """Set the case's outcome and one ``gen_ai.evaluation.result`` event per scorer."""
    trajectory = result.trajectory
    attributes: dict[str, Any] = {
        semconv.HARNESS_EVAL_PASSED: result.passed,
        semconv.HARNESS_EVAL_CACHED: result.cached,
        semconv.HARNESS_EVAL_CASE_LATENCY: result.latency,
        semconv.HARNESS_EVAL_CASE_TOOLS: json.dumps(trajectory.tools),
    }
    if result.cached_from:
        attributes[semconv.HARNESS_EVAL_CACHED_FROM] = result.cached_from
    if trajectory.cost is not None:
        attributes[semconv.HARNESS_EVAL_CASE_COST_AMOUNT] = trajectory.cost
    if trajectory.steps is not None:
        attributes[semconv.HARNESS_EVAL_CASE_STEPS] = trajectory.steps
    if trajectory.termination is not None:
        attributes[semconv.HARNESS_EVAL_CASE_TERMINATION] = trajectory.termination
    if result.error is not None:
        attributes[semconv.ERROR_TYPE] = result.error.partition(":")[0]
    span.set_attributes(attributes)
    for name, score in result.scores.items():
        span.add_event(semconv.EVENT_EVALUATION_RESULT, score_event(name, score, judges.get(name)))


def score_event(name: str, score: Score, judge: str | None) -> dict[str, Any]:
    event: dict[str, Any] = {
        semconv.GEN_AI_EVALUATION_NAME: name,
        semconv.HARNESS_EVAL_SCORER: name,
        semconv.GEN_AI_EVALUATION_SCORE_VALUE: score.value,
        semconv.GEN_AI_EVALUATION_SCORE_LABEL: score.label or ("pass" if score.passed else "fail"),
        semconv.HARNESS_EVAL_PASSED: score.passed,
    }
    if score.explanation:
        event[semconv.GEN_AI_EVALUATION_EXPLANATION] = score.explanation[:1000]
    if judge:
        model, _, version = judge.partition("@")
        event[semconv.HARNESS_EVAL_JUDGE_MODEL] = model
        event[semconv.HARNESS_EVAL_JUDGE_PROMPT_VERSION] = version
    return event
